"""Arrays as plotly.js typed arrays: ``{"dtype": "f4", "bdata": <base64>}``.

A figure built as a plain dict with its arrays already in this form goes to the browser as it is:
no plotly.py validation (which dominated the server time of every rerun) and half the bytes of
float64. plotly.js ≥ 2.28 decodes the form itself; NaN survives (it breaks a line, as wanted).
"""

from __future__ import annotations

import base64

import numpy as np

FLOOR = 1e-16  # log axes: a gap below this fraction of the largest is drawn at the floor (rounding noise)


def f4(values) -> dict:
    """A float32 typed array (1D or 2D, with ``shape`` for 2D). A value beyond float32's range (a run on its
    way out: a diverging racer's loss reaches 1e42) becomes ±inf, which plotly.js leaves out of the line."""
    with np.errstate(over="ignore"):
        arr = np.ascontiguousarray(values, dtype="<f4")
    out = {"dtype": "f4", "bdata": base64.b64encode(arr.tobytes()).decode("ascii")}
    if arr.ndim > 1:
        out["shape"] = ",".join(map(str, arr.shape))
    return out


def rounded(values, digits: int = 4) -> list:
    """Numbers rounded to ``digits`` significant digits for a small JSON; NaN and inf → None."""
    return [float(f"{v:.{digits}g}") if np.isfinite(v) else None for v in np.asarray(values, dtype=float).ravel()]


def decode(typed) -> np.ndarray:
    """The inverse of :func:`f4` (for tests): a typed array, or a plain list, back to NumPy."""
    if isinstance(typed, dict):
        dtype = np.dtype(typed["dtype"]).newbyteorder("<")
        arr = np.frombuffer(base64.b64decode(typed["bdata"]), dtype=dtype)
        shape = typed.get("shape")
        return arr.reshape([int(n) for n in str(shape).split(",")]) if shape else arr
    return np.asarray(typed, dtype=float)

"""Numbers and vectors in LaTeX, for the rules' ``explain``: each rule writes its own update, once
with symbols and once with one step's numbers, so a learner can check the step by hand.

``step`` (what ``explain`` receives) holds ``t``, ``lr``, ``theta`` (θ_{t−1}), ``grad`` (the gradient
the update used), ``theta_next`` (θ_t), and each buffer before (``<name>_prev``) and after
(``<name>``) the update.
"""

from __future__ import annotations

import math

import numpy as np


def num(value) -> str:
    """A number in LaTeX, four significant digits, powers of ten written as such."""
    value = float(np.asarray(value, dtype=float).ravel()[0])
    if not math.isfinite(value):
        return r"\text{NaN}" if math.isnan(value) else (r"\infty" if value > 0 else r"-\infty")
    text = f"{value:.4g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        return rf"{mantissa}\times 10^{{{int(exponent)}}}"
    return text


def vec(v) -> str:
    a, b = np.asarray(v, dtype=float)
    return rf"\begin{{pmatrix}}{num(a)}\\ {num(b)}\end{{pmatrix}}"


def coupled_decay(rule, step) -> tuple[list[tuple[str, str]], np.ndarray]:
    """torch's classic weight decay, ``g ← g + λθ``: its line (if any) and the gradient it gives."""
    wd = float(np.asarray(getattr(rule, "weight_decay", 0.0)).ravel()[0])
    if not wd:
        return [], step["grad"]
    line = (r"g_t \leftarrow \nabla f(\theta_{t-1}) + \lambda\,\theta_{t-1}",
            rf"\lambda = {num(wd)}\ \text{{(weight decay, added to the gradient)}}")
    return [line], step["grad"] + wd * step["theta"]

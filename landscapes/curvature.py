"""How a surface bends at a point: the eigenvalues and axes of its Hessian."""

from __future__ import annotations

import numpy as np

from landscapes.surface import Surface


def curvature(surface: Surface, p) -> tuple[np.ndarray, np.ndarray]:
    """The curvatures at points ``p`` (..., 2), ascending (..., 2), and their unit directions as the
    columns of (..., 2, 2), from ``np.linalg.eigh`` of ``surface.hessian``.

    Where the point or its Hessian is not finite (NaN, overflow far out) both are NaN: no exception, no
    warning. A quadratic's constant Hessian would otherwise give a NaN point real curvatures.
    """
    p = np.asarray(p, dtype=float)
    with np.errstate(all="ignore"):  # inf − inf or cos(inf) at such points is judged below, not reported
        h = surface.hessian(p)
    finite = np.isfinite(h).all(axis=(-2, -1)) & np.isfinite(p).all(axis=-1)
    # LAPACK returns numbers, not NaN, for a NaN matrix: solve a harmless one there and blank it after
    values, vectors = np.linalg.eigh(np.where(finite[..., None, None], h, np.eye(2)))
    values[~finite] = np.nan
    vectors[~finite] = np.nan
    return values, vectors

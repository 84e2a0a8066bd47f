"""Minima near given points (where runs end, where starts settle), for surfaces whose list of minima
was found by a search and may miss some: a typed formula's list holds only the minima inside the view,
while a run may end in one just outside it (``sin(x)*cos(y)`` from its default start ends at
(π/2, −π), outside the view [−3, 3]²).

Each point is polished by damped Newton steps on the surface's analytic gradient and Hessian (a
descent method: it settles in minima, not on saddles or maxima) and kept when it is a minimum: the
gradient vanishes, the Hessian has no negative curvature, no point on a small ring around it is lower,
and it lies inside the view widened by ``MARGIN`` of its size on every side.
"""

from __future__ import annotations

import numpy as np

from landscapes.refine import damped_newton

MARGIN = 0.25  # how far outside the view a minimum is still looked for, as a share of the view's size
ITERATIONS = 60


def minima_near(surface, points) -> np.ndarray:
    """The distinct minima (k, 2) that damped Newton steps from ``points`` (n, 2) settle in, inside the
    view widened by ``MARGIN``; lowest first. Points that are not finite are skipped."""
    points = np.asarray(points, dtype=float).reshape(-1, 2)
    points = points[np.isfinite(points).all(axis=-1)]
    if not len(points) or surface.hessian is None:
        return np.empty((0, 2))
    (x0, x1), (y0, y1) = surface.bounds
    scale = float(np.hypot(x1 - x0, y1 - y0))
    low, high = _widened(surface.bounds)
    with np.errstate(all="ignore"):
        p = _newton(surface, points, scale, low, high)
        f, g, h = surface.loss(p), surface.grad(p), surface.hessian(p)
        ok = np.isfinite(f) & np.isfinite(g).all(axis=-1) & np.isfinite(h).all(axis=(-2, -1))
        p, f, g, h = p[ok], f[ok], g[ok], h[ok]
        values = np.linalg.eigvalsh((h + np.swapaxes(h, -1, -2)) / 2) if len(p) else np.empty((0, 2))
        typical = np.linalg.norm(surface.grad(points), axis=-1)
        slope = float(np.nanmax(typical)) if np.isfinite(typical).any() else 1.0
        keep = ((np.linalg.norm(g, axis=-1) <= 1e-6 * (1 + slope))
                & (values[:, 0] >= -1e-8 * (1 + np.abs(values[:, 1])))
                & (p >= low).all(axis=-1) & (p <= high).all(axis=-1))
        angles = np.linspace(0, 2 * np.pi, 8, endpoint=False)
        ring = p[:, None, :] + 1e-4 * scale * np.stack([np.cos(angles), np.sin(angles)], axis=-1)
        keep &= (surface.loss(ring) >= f[:, None] - 1e-12 * (1 + np.abs(f[:, None]))).all(axis=-1)
    found: list[np.ndarray] = []
    for q in p[keep][np.argsort(f[keep], kind="stable")]:
        if all(np.hypot(*(q - r)) >= 1e-3 * scale for r in found):
            found.append(q)
    return np.array(found, dtype=float).reshape(-1, 2) + 0.0


def _widened(bounds) -> tuple[np.ndarray, np.ndarray]:
    (x0, x1), (y0, y1) = bounds
    dx, dy = MARGIN * (x1 - x0), MARGIN * (y1 - y0)
    return np.array([x0 - dx, y0 - dy]), np.array([x1 + dx, y1 + dy])


def _newton(surface, p, scale, low, high) -> np.ndarray:
    """Damped Newton steps (:func:`landscapes.refine.damped_newton`) within the widened view and a tenth
    more (a point may settle just inside the edge)."""
    reach_low, reach_high = low - 0.1 * (high - low), high + 0.1 * (high - low)
    return damped_newton(surface.loss, surface.grad, surface.hessian, p, scale, reach_low, reach_high, ITERATIONS)

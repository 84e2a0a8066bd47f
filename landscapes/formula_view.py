"""A typed formula's view: its loss, gradient and Hessian on a grid, and what is read from them (the
minima, a start, default learning rates, the colour scale). Pure NumPy, run in the formula's worker.

The minima are the grid's local minima polished by damped Newton steps on the analytic gradient and
Hessian, kept when the gradient vanishes, the Hessian is positive semi-definite, no nearby point is lower
and descent from a nearby point comes back (isolated). So ``x^4 + y^4`` has its minimum, while a minimum
at a kink (``abs(x) + abs(y)``) or a valley floor of minima (``y^2``) is not listed.
"""

from __future__ import annotations

import time

import numpy as np

from landscapes.formula_parse import GRID, MAX_MINIMA, TIME_BUDGET
from landscapes.refine import damped_newton
from landscapes.surface import Defaults


class View:
    """The loss, gradient and Hessian on a GRID × GRID grid over the bounds; refuses a formula that is too
    slow there, or not finite over most of it."""

    def __init__(self, bounds, loss, grad, hessian):
        self.bounds, self.loss, self.grad, self.hessian = bounds, loss, grad, hessian
        (x0, x1), (y0, y1) = bounds
        self.scale = float(np.hypot(x1 - x0, y1 - y0))
        self.points = np.stack(np.meshgrid(np.linspace(x0, x1, GRID), np.linspace(y0, y1, GRID)), axis=-1)
        start = time.perf_counter()
        self.values, self.slopes = loss(self.points), grad(self.points)
        elapsed = time.perf_counter() - start
        if elapsed > TIME_BUDGET:
            raise ValueError(f"the formula is too slow to evaluate ({elapsed:.2f} s on the view's grid; "
                             f"max {TIME_BUDGET} s)")
        self.finite = np.isfinite(self.values) & np.isfinite(self.slopes).all(axis=-1)
        bad = 1 - self.finite.mean()
        if bad > 0.5:
            overflow = np.isinf(self.values).sum() > np.isnan(self.values).sum()
            what = "infinite (it overflows)" if overflow else "undefined (NaN)"
            raise ValueError(f"the function is {what} over {bad:.0%} of the view {show(bounds)}: "
                             + ("try smaller numbers" if overflow else "check the domains of log, sqrt, arcsin, …"))
        self.curvatures = hessian(self.points)
        self.typical_slope = float(np.median(np.linalg.norm(self.slopes[self.finite], axis=-1)))

    def log_color(self) -> bool:
        """True when the loss climbs more than 1.8 decades from its 5th percentile to its top, both measured
        from its minimum: so do the views of Rosenbrock, Beale, Himmelblau and Booth, not the bowls and ripples."""
        z = self.values[self.finite]
        low, high = z.min(), z.max()
        if not high > low:
            return False
        return bool(np.log10((high - low) / max(np.percentile(z, 5) - low, 1e-6 * (high - low))) > 1.8)


def show(bounds) -> str:
    (x0, x1), (y0, y1) = bounds
    return f"[{x0:g}, {x1:g}] × [{y0:g}, {y1:g}]"


def defaults(view: View) -> Defaults:
    """Plain descent at lr = 0.5 / L, L the largest Hessian eigenvalue on the grid (descent is stable below
    2 / L); adaptive rules at 1.5 % of the view's width per step."""
    h = view.curvatures[view.finite & np.isfinite(view.curvatures).all(axis=(-2, -1))]
    curvature = _eigenvalues(h)[1].max() if len(h) else 0.0
    lr = 0.01  # concave or flat without slope; on a slope, a first step of ~1 % of the view
    if curvature > 0:
        lr = 0.5 / curvature
    elif view.typical_slope > 0:
        lr = 0.01 * view.scale / view.typical_slope
    (x0, x1), (y0, y1) = view.bounds
    adaptive = 0.015 * max(x1 - x0, y1 - y0)
    return Defaults("sgd", 200, float(f"{min(max(lr, 1e-5), 10.0):.3g}"), float(f"{adaptive:.3g}"))


def start(view: View, minima: np.ndarray) -> tuple:
    """Of nine points at 20 %, 50 % and 80 % across the view where the loss is finite and the gradient
    finite and not zero: the farthest from the global minimum, or the highest when there is none."""
    (x0, x1), (y0, y1) = view.bounds
    fractions = np.array([0.2, 0.5, 0.8])
    points = np.stack(np.meshgrid(x0 + fractions * (x1 - x0), y0 + fractions * (y1 - y0)), axis=-1).reshape(-1, 2)
    points = np.array([[float(f"{v:.3g}") for v in q] for q in points]).clip((x0, y0), (x1, y1))
    values, slopes = view.loss(points), view.grad(points)
    usable = np.isfinite(values) & np.isfinite(slopes).all(axis=-1) & (np.abs(slopes).max(axis=-1) > 0)
    if not usable.any():
        usable = np.isfinite(values)
    if not usable.any():  # possible: the view is finite on half of the grid, maybe not on these nine points
        usable = np.ones(len(points), dtype=bool)
    score = np.linalg.norm(points - minima[0], axis=-1) if len(minima) else np.nan_to_num(values, nan=-np.inf)
    best = points[np.flatnonzero(usable)[np.argmax(score[usable])]]
    return (float(best[0]), float(best[1]))


def _eigenvalues(h):
    """(smallest, largest) eigenvalues of symmetric 2×2 matrices (..., 2, 2), in closed form."""
    a, b, c = h[..., 0, 0], h[..., 0, 1], h[..., 1, 1]
    mean, radius = (a + c) / 2, np.hypot((a - c) / 2, b)
    return mean - radius, mean + radius


def _least_curved_direction(h):
    """Unit eigenvectors (k, 2) of the smallest eigenvalues of symmetric 2×2 matrices (k, 2, 2)."""
    a, b, c = h[:, 0, 0], h[:, 0, 1], h[:, 1, 1]
    smallest = _eigenvalues(h)[0]
    u, w = np.stack([b, smallest - a], axis=-1), np.stack([smallest - c, b], axis=-1)
    v = np.where((np.linalg.norm(u, axis=-1) >= np.linalg.norm(w, axis=-1))[:, None], u, w)
    length = np.linalg.norm(v, axis=-1, keepdims=True)
    return np.where((length > 0) & np.isfinite(length), v / length, [1.0, 0.0])


def minima(view: View) -> np.ndarray:
    """Grid points no higher than their eight neighbours, polished by damped Newton steps, kept when they
    are minima inside the view; global first, at most MAX_MINIMA, none closer than 1e-3 of the view."""
    z = np.where(view.finite, view.values, np.inf)
    padded = np.pad(z, 1, constant_values=np.inf)
    lowest = np.isfinite(z)
    for di in (0, 1, 2):
        for dj in (0, 1, 2):
            lowest &= z <= padded[di:di + GRID, dj:dj + GRID]
    candidates = view.points[lowest][np.argsort(z[lowest], kind="stable")][:4 * MAX_MINIMA]
    p = _newton(view, candidates)
    f, g = view.loss(p), view.grad(p)
    smallest, largest = _eigenvalues(view.hessian(p))
    (x0, x1), (y0, y1) = view.bounds
    tol = 1e-9 * view.scale
    keep = (np.isfinite(f) & (np.linalg.norm(g, axis=-1) <= 1e-6 * (1 + view.typical_slope))
            & (smallest >= -1e-8 * (1 + np.abs(largest)))
            & (p[:, 0] >= x0 - tol) & (p[:, 0] <= x1 + tol) & (p[:, 1] >= y0 - tol) & (p[:, 1] <= y1 + tol))
    # no point on a small ring around it lower (a flat Hessian, as of x^4 + y^4 at 0, proves nothing)
    angles = np.linspace(0, 2 * np.pi, 8, endpoint=False)
    ring = p[:, None, :] + 1e-4 * view.scale * np.stack([np.cos(angles), np.sin(angles)], axis=-1)
    keep &= (view.loss(ring) >= f[:, None] - 1e-12 * (1 + np.abs(f[:, None]))).all(axis=-1)
    p, f = p[keep], f[keep]
    # isolated: descent from a step along the least curved direction comes back, where on a valley floor
    # (y^2, (x^2 + y^2 - 4)^2) it stays put, and a valley is not a list of minima
    step = 1e-3 * view.scale
    v = step * _least_curved_direction(view.hessian(p))
    back = _newton(view, np.concatenate([p + v, p - v]))
    isolated = (np.linalg.norm(back - np.concatenate([p, p]), axis=-1) < step / 4).reshape(2, -1).all(axis=0)
    p, f = np.clip(p[isolated], (x0, y0), (x1, y1)), f[isolated]
    found: list[np.ndarray] = []
    for q in p[np.argsort(f, kind="stable")]:
        if all(np.hypot(*(q - r)) >= 1e-3 * view.scale for r in found):
            found.append(q)
    return np.array(found[:MAX_MINIMA], dtype=float).reshape(-1, 2) + 0.0  # + 0.0 turns -0.0 into 0.0


def _newton(view: View, p) -> np.ndarray:
    """Damped Newton steps (:func:`landscapes.refine.damped_newton`) within the view and a tenth more."""
    (x0, x1), (y0, y1) = view.bounds
    margin = 0.1 * max(x1 - x0, y1 - y0)
    return damped_newton(view.loss, view.grad, view.hessian, p, view.scale, np.array([x0 - margin, y0 - margin]),
                         np.array([x1 + margin, y1 + margin]))

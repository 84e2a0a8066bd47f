"""Minima without a closed form, polished at import time by Newton's method on the gradient."""

from __future__ import annotations

import numpy as np


def hessian(grad, p, h: float = 1e-6) -> np.ndarray:
    """The Hessian at points ``p`` (..., 2), by central differences of the analytic gradient."""
    p = np.asarray(p, dtype=float)
    return np.stack([(grad(p + e) - grad(p - e)) / (2 * h) for e in np.eye(2) * h], axis=-1)


def refine(loss, grad, guesses, iterations: int = 40, h: float = 1e-6, sort: bool = True) -> np.ndarray:
    """Newton steps from ``guesses`` (k, 2), the Hessian by central differences of the analytic
    gradient; rows sorted by loss (global minimum first) unless ``sort`` is False."""
    p = np.array(guesses, dtype=float)
    for _ in range(iterations):
        p = p - np.linalg.solve(hessian(grad, p, h), grad(p)[..., None])[..., 0]
    return p[np.argsort(loss(p), kind="stable")] if sort else p


def damped_newton(loss, grad, hessian, p, scale: float, low, high, iterations: int = 60) -> np.ndarray:
    """Newton steps on (H + μI) d = −g from each of ``p`` (n, 2), μ just large enough to make the matrix
    positive definite, each step at most a quarter of ``scale`` and halved until the loss does not rise:
    a descent method, so it settles in minima, not on saddles or maxima. A point stops when it no longer
    moves or leaves the box ``low``–``high`` (a NaN Hessian: no step)."""
    p = np.array(p, dtype=float)
    f = loss(p)
    active = np.isfinite(f)
    for _ in range(iterations):
        idx = np.flatnonzero(active)
        if not len(idx):
            break
        q, fq = p[idx], f[idx]
        g, h = grad(q), hessian(q)
        finite = np.isfinite(h).all(axis=(-2, -1))
        h = np.where(finite[:, None, None], (h + np.swapaxes(h, -1, -2)) / 2, np.eye(2))
        a, b, c = h[:, 0, 0], h[:, 0, 1], h[:, 1, 1]
        mean, radius = (a + c) / 2, np.hypot((a - c) / 2, b)  # the eigenvalues, in closed form
        mu = np.where(mean - radius > 0, 0.0, 1e-3 * (1 + np.abs(mean + radius)) - (mean - radius))
        a, c, g = a + mu, c + mu, np.where(finite[:, None], g, 0.0)
        with np.errstate(all="ignore"):  # a singular matrix gives inf or NaN: no step
            d = -np.stack([c * g[:, 0] - b * g[:, 1], a * g[:, 1] - b * g[:, 0]], axis=-1) / (a * c - b * b)[:, None]
        d = np.where(np.isfinite(d), d, 0.0)
        d *= np.minimum(1.0, 0.25 * scale / np.maximum(np.linalg.norm(d, axis=-1), 1e-300))[:, None]
        moved, t = np.zeros(len(q), dtype=bool), np.ones(len(q))
        for _ in range(30):
            pending = np.flatnonzero(~moved)
            trial = q[pending] + t[pending, None] * d[pending]
            f_trial = loss(trial)
            ok = f_trial <= fq[pending]
            q[pending[ok]], fq[pending[ok]], moved[pending[ok]] = trial[ok], f_trial[ok], True
            t[~moved] /= 2
            if moved.all():
                break
        p[idx], f[idx] = q, fq
        inside = (q >= low).all(axis=-1) & (q <= high).all(axis=-1)
        active[idx] = moved & (t * np.linalg.norm(d, axis=-1) > 1e-13 * scale) & inside
    return p

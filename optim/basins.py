"""Basins of attraction: from a grid of starts in one engine run, which minimum each start reaches."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from optim.descend import descend
from optim.registry import get
from optim.summary import tolerance_for

DIVERGED, MOVING, STALLED = -1, -2, -3  # labels that are not a minimum
SETTLED = 1e-5  # a last update shorter than this fraction of the view: the start has stopped


@dataclass(frozen=True)
class Basins:
    """``labels[i, j]`` for the start ``(xs[j], ys[i])``: the index of the minimum it reached in
    ``minima``, or DIVERGED, MOVING (still moving after the last step) or STALLED (stopped where the
    gradient vanishes but the loss is not a minimum: a saddle)."""

    xs: np.ndarray  # (nx,)
    ys: np.ndarray  # (ny,)
    labels: np.ndarray  # (ny, nx) int
    minima: np.ndarray  # (k, 2): the surface's declared minima in their order, then the others the starts
    # settled in, by loss, x, y: a minimum's index (and so its colour) never depends on how it was found
    ends: np.ndarray  # (ny, nx, 2): where each start ended (NaN if it diverged)

    def shares(self) -> dict[int, float]:
        """Fraction of the starts per label."""
        values, counts = np.unique(self.labels, return_counts=True)
        return {int(v): c / self.labels.size for v, c in zip(values, counts, strict=True)}


def basins(surface, rule, grid=200, steps=300, **hyperparameters) -> Basins:
    """Run ``rule`` (a name, with its ``hyperparameters``, or a rule) from a ``grid × grid`` (or
    ``(nx, ny)``) grid of starts over the surface's view, in one engine run, and label each start."""
    optimizer = get(rule, **hyperparameters) if isinstance(rule, str) else rule
    nx, ny = (grid, grid) if np.isscalar(grid) else grid
    (x0, x1), (y0, y1) = surface.bounds
    xs, ys = np.linspace(x0, x1, int(nx)), np.linspace(y0, y1, int(ny))
    starts = np.stack(np.meshgrid(xs, ys), axis=-1)
    traj = descend(surface, optimizer, starts, steps, record="end")
    ends, last_step = traj.points[-1], np.linalg.norm(traj.points[-1] - traj.points[-2], axis=-1)
    labels, minima = label(surface, ends, last_step, traj.diverged_at)
    return Basins(xs, ys, labels, minima, ends)


def label(surface, ends, last_step, diverged_at):
    """Each end point's label, and the minima list: the declared ones, then new ones found by settling,
    polished and in their canonical order (:func:`_canonical`)."""
    (x0, x1), (y0, y1) = surface.bounds
    span = max(x1 - x0, y1 - y0)
    tol = tolerance_for(surface)  # "reached", as every page says it
    known = np.asarray(surface.minima, dtype=float).reshape(-1, 2)
    labels = np.full(ends.shape[:-1], MOVING)
    with np.errstate(invalid="ignore"):
        if len(known):
            gaps = np.linalg.norm(ends[..., None, :] - known, axis=-1)
            nearest = gaps.argmin(axis=-1)
            labels = np.where(gaps.min(axis=-1) < tol, nearest, labels)
        settled = (labels == MOVING) & (last_step < SETTLED * span) & np.isfinite(ends).all(axis=-1)
    extra = _clusters(ends[settled], 4 * tol)
    minima = known
    if len(extra):
        polished = _polish(surface, extra, span, 4 * tol)
        is_min = np.array([_is_minimum(surface, p, span) for p in polished], dtype=bool)
        found = np.flatnonzero(is_min)[_canonical(surface, polished[is_min], span)]
        minima = np.vstack([known, polished[found]])
        index = np.full(len(extra), STALLED)
        index[found] = len(known) + np.arange(len(found))
        gaps = np.linalg.norm(ends[settled][:, None, :] - extra, axis=-1)
        labels[settled] = index[gaps.argmin(axis=-1)]
    labels = np.where(diverged_at >= 0, DIVERGED, labels)
    return labels, minima


def _clusters(points, radius):
    """Greedy centres: each point joins the first centre within ``radius``, or starts a new one."""
    centres: list[np.ndarray] = []
    for cell in np.unique(np.round(points / radius), axis=0) * radius if len(points) else []:
        if not any(np.linalg.norm(cell - c) < 2 * radius for c in centres):
            centres.append(cell)
    out = []
    for c in centres:  # the mean of the points nearest to each centre
        near = points[np.linalg.norm(points - c, axis=-1) < 2 * radius]
        out.append(near.mean(axis=0))
    return np.array(out).reshape(-1, 2)


def _canonical(surface, points, span) -> np.ndarray:
    """The order of found minima by what they are, not by when or how often they were reached: by
    loss, then x, then y (rounded, so that one minimum found by two runs sorts the same)."""
    with np.errstate(all="ignore"):
        loss = np.round(np.asarray(surface.loss(points), dtype=float), 9)
    x, y = np.round(points / (1e-6 * span)).T
    return np.lexsort((y, x, loss))


def _polish(surface, points, span, radius, iterations: int = 8) -> np.ndarray:
    """Newton steps from each cluster centre to the stationary point it stands for (a centre is a
    mean of end points, off by up to the cluster's radius); a row that does not converge near its
    centre keeps the centre."""
    p = points.copy()
    with np.errstate(all="ignore"):
        for _ in range(iterations):
            h = _hessian(surface, p, span)
            (a, b), (c, d) = h[..., 0, :].T, h[..., 1, :].T
            g = surface.grad(p)
            det = a * d - b * c
            p = p - np.stack([d * g[:, 0] - b * g[:, 1], a * g[:, 1] - c * g[:, 0]], axis=-1) / det[:, None]
        bad = ~np.isfinite(p).all(axis=-1) | (np.linalg.norm(p - points, axis=-1) > radius)
    return np.where(bad[:, None], points, p)


def _hessian(surface, point, span) -> np.ndarray:
    """(..., 2, 2) by central differences of the analytic gradient, the step a fixed fraction of the view."""
    h = 1e-4 * span
    return np.stack([(surface.grad(point + e) - surface.grad(point - e)) / (2 * h) for e in np.eye(2) * h], axis=-1)


def _is_minimum(surface, point, span) -> bool:
    hess = _hessian(surface, point, span)
    with np.errstate(all="ignore"):
        eig = np.linalg.eigvalsh((hess + hess.T) / 2) if np.isfinite(hess).all() else np.array([np.nan])
    return bool(np.all(eig > 0))

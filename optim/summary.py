"""What a run achieved, in numbers: distance to the known minima and steps to tolerance."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Summary:
    final_loss: float  # NaN when the run diverged
    distance: float  # from the last point to the nearest known minimum (NaN: none known, or diverged)
    steps_to_tolerance: int  # first step within ``tolerance`` of a known minimum, −1 if never
    tolerance: float
    diverged_at: int


def tolerance_for(surface) -> float:
    """"Reached the minimum": within 0.5 % of the view's width."""
    (x0, x1), (y0, y1) = surface.bounds
    return 0.005 * max(x1 - x0, y1 - y0)


def summarize(surface, points: np.ndarray, losses: np.ndarray, diverged_at: int) -> Summary:
    """For one start: ``points`` (steps+1, 2) and ``losses`` (steps+1,)."""
    tol = tolerance_for(surface)
    if len(surface.minima) == 0:
        return Summary(float(losses[-1]), float("nan"), -1, tol, int(diverged_at))
    with np.errstate(invalid="ignore"):
        gaps = np.linalg.norm(points[:, None, :] - surface.minima[None, :, :], axis=-1).min(axis=1)
        within = np.flatnonzero(gaps < tol)
    return Summary(
        final_loss=float(losses[-1]),
        distance=float(gaps[-1]),
        steps_to_tolerance=int(within[0]) if within.size else -1,
        tolerance=tol,
        diverged_at=int(diverged_at),
    )


def left_view_at(points: np.ndarray, bounds) -> np.ndarray:
    """The first step whose point lies outside the view ``bounds`` (or is not finite), −1 if none.

    ``points`` is ``(steps+1, ..., 2)``: one answer per path. A run leaves the view long before it
    leaves the surface (overflow), so a picture says both."""
    (x0, x1), (y0, y1) = bounds
    x, y = points[..., 0], points[..., 1]
    with np.errstate(invalid="ignore"):
        outside = ~((x >= x0) & (x <= x1) & (y >= y0) & (y <= y1))  # NaN compares False: outside
    first = outside.argmax(axis=0)
    return np.where(outside.any(axis=0), first, -1)

"""What a run achieved, in numbers and in the words every page uses for them.

One definition of "reached", for every page (descent, race, the lab's sweeps, basins): a run has
reached a minimum at the first step whose point lies within :func:`tolerance_for` (0.5 % of the
view's size, rounded to two significant digits so the words state it exactly) of a minimum. The
minima are the surface's own and, on a typed formula (whose list holds only those found inside the
view), those found near where the run ends (:func:`minima_for`). :func:`reached_words` says it,
:func:`view_words` says when a path left the view and the surface.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from landscapes.nearby import minima_near

REACH_SHARE = 0.005  # "within 0.5 % of the view's size"


@dataclass(frozen=True)
class Summary:
    final_loss: float  # NaN when the run diverged
    distance: float  # from the last point to the nearest minimum (NaN: none known, or diverged)
    steps_to_tolerance: int  # first step within ``tolerance`` of a minimum, −1 if never
    tolerance: float
    diverged_at: int
    left_view_at: int = -1  # the first step outside the view, −1 if none


def tolerance_for(surface) -> float:
    """"Reached the minimum": within 0.5 % of the view's larger side, to two significant digits
    (0.03 on a view 6 wide), so that the number the words print is the number tested."""
    (x0, x1), (y0, y1) = surface.bounds
    return float(f"{REACH_SHARE * max(x1 - x0, y1 - y0):.2g}")


def minima_for(surface, points) -> np.ndarray:
    """The minima (k, 2) a run's words measure against: the surface's own, and on a typed formula
    (``kind == "custom"``) also the minima near where each path of ``points`` (steps+1, ..., 2) ends,
    inside the view or just outside it (:func:`landscapes.nearby.minima_near`)."""
    known = np.asarray(surface.minima, dtype=float).reshape(-1, 2)
    if getattr(surface, "kind", "") != "custom":
        return known
    ends = last_finite(np.asarray(points, dtype=float))
    near = minima_near(surface, ends)
    if len(known) and len(near):
        (x0, x1), (y0, y1) = surface.bounds
        gaps = np.linalg.norm(near[:, None, :] - known[None], axis=-1).min(axis=1)
        near = near[gaps >= 1e-3 * np.hypot(x1 - x0, y1 - y0)]
    return np.vstack([known, near])


def last_finite(points: np.ndarray) -> np.ndarray:
    """Each path's last finite point (steps+1, ..., 2) → (..., 2) (NaN where a path has none)."""
    finite = np.isfinite(points).all(axis=-1)
    last = len(points) - 1 - finite[::-1].argmax(axis=0)
    picked = np.take_along_axis(points, last[None, ..., None], axis=0)[0]
    return np.where(finite.any(axis=0)[..., None], picked, np.nan)


def reached_at(points: np.ndarray, minima: np.ndarray, tol: float) -> np.ndarray:
    """The first step whose point is within ``tol`` of one of ``minima`` (k, 2), −1 if none; one
    answer per path of ``points`` (steps+1, ..., 2)."""
    return _first(_gaps(points, minima) < tol)


def summarize(surface, points: np.ndarray, losses: np.ndarray, diverged_at: int) -> Summary:
    """For one start: ``points`` (steps+1, 2) and ``losses`` (steps+1,)."""
    tol = tolerance_for(surface)
    minima = minima_for(surface, points)
    left = int(left_view_at(points, surface.bounds))
    if len(minima) == 0:
        return Summary(float(losses[-1]), float("nan"), -1, tol, int(diverged_at), left)
    gaps = _gaps(points, minima)
    return Summary(
        final_loss=float(losses[-1]),
        distance=float(gaps[-1]),
        steps_to_tolerance=int(_first(gaps < tol)),
        tolerance=tol,
        diverged_at=int(diverged_at),
        left_view_at=left,
    )


def left_view_at(points: np.ndarray, bounds) -> np.ndarray:
    """The first step whose point lies outside the view ``bounds``, −1 if none (a run that goes to
    NaN or inf inside the view left the surface there, not the view).

    ``points`` is ``(steps+1, ..., 2)``: one answer per path. A run leaves the view long before it
    leaves the surface (overflow), so a picture says both."""
    (x0, x1), (y0, y1) = bounds
    x, y = points[..., 0], points[..., 1]
    with np.errstate(invalid="ignore"):  # a point that is not finite left the surface, not the view
        outside = np.isfinite(points).all(axis=-1) & ~((x >= x0) & (x <= x1) & (y >= y0) & (y <= y1))
    first = outside.argmax(axis=0)
    return np.where(outside.any(axis=0), first, -1)


# ---- the words ----------------------------------------------------------------------------------

def plain(value: float) -> str:
    """A number as the words print it: up to 4 significant digits, never in e-notation (0.03, 12.5)."""
    value = float(value) + 0.0
    if not np.isfinite(value):
        return str(value)
    return np.format_float_positional(value, precision=4, unique=True, fractional=False, trim="-").replace("-", "−")


def reached_words(step: int, tol: float) -> str:
    """"within 0.03 of a minimum at step 45", or "never within 0.03 of a minimum"."""
    step = int(step)
    return f"within {plain(tol)} of a minimum at step {step}" if step >= 0 else f"never within {plain(tol)} of a minimum"


def reached_title(tol: float) -> str:
    """The heading of a column or metric of ``reached_at`` steps: "first step within 0.03 of a minimum"."""
    return f"first step within {plain(tol)} of a minimum"


def view_words(left_view: int, diverged_at: int) -> str | None:
    """When a path left the view and the surface: "left the view at step 1 and the surface at step 10",
    "left the view at step 12" (without diverging), or None when it stayed in view."""
    left_view, diverged_at = int(left_view), int(diverged_at)
    if diverged_at >= 0:
        if 0 <= left_view < diverged_at:
            return f"left the view at step {left_view} and the surface at step {diverged_at}"
        if left_view < 0:  # not finite inside the view: it left the surface there
            return f"left the surface at step {diverged_at}"
        return f"left the view and the surface at step {diverged_at}"
    return f"left the view at step {left_view}" if left_view >= 0 else None


def _gaps(points, minima) -> np.ndarray:
    """Each point's distance to the nearest of ``minima`` (inf with none; NaN points: NaN)."""
    minima = np.asarray(minima, dtype=float).reshape(-1, 2)
    if not len(minima):
        return np.full(np.shape(points)[:-1], np.inf)
    with np.errstate(invalid="ignore"):
        return np.linalg.norm(np.asarray(points)[..., None, :] - minima, axis=-1).min(axis=-1)


def _first(hit: np.ndarray) -> np.ndarray:
    return np.where(hit.any(axis=0), hit.argmax(axis=0), -1)

"""Three learning rates that tell the lesson of a sweep: too small, just right, too large.

:func:`choose_regimes` reads them off a :class:`~optim.sweep.Sweep` (it runs nothing), each one of
the sweep's own rates, so a page can show the three runs the sweep already measured.
"""

from __future__ import annotations

import numpy as np

TOO_SMALL, JUST_RIGHT, TOO_LARGE = "too small", "just right", "too large"
REGIMES = (TOO_SMALL, JUST_RIGHT, TOO_LARGE)
SMALL_FACTOR = 20  # "too small" is about the best rate / 20: it crawls
LARGE_FACTOR = 1.1  # "too large" is about 10 % past the divergence edge: it clearly flies off


def choose_regimes(sw) -> dict[str, float]:
    """``{"too small": lr, "just right": lr, "too large": lr}``, each one of ``sw.lrs``.

    - **just right**: of the runs that converge or oscillate and reach the tolerance, the one with
      the fewest ``steps_to_tolerance``; ties go to the lowest final loss, and runs still tied (their
      final losses both 0, say) to the middle of them. When no run reaches the tolerance: the
      lowest final loss of the runs that do not diverge (or the smallest rate, if every run diverges).
    - **too small**: the largest rate at most just right / 20 that crawls (never reaches the
      tolerance); when none crawls there, the grid's rate nearest to just right / 20 (at least the
      smallest rate).
    - **too large**: the smallest diverging rate at least 1.1 × the smallest diverging rate (the
      edge); when nothing diverges, the largest rate.
    """
    lrs = np.asarray(sw.lrs, dtype=float)
    order = np.argsort(lrs)
    lrs, zone = lrs[order], np.asarray(sw.zone)[order]
    steps, final = np.asarray(sw.steps_to_tolerance)[order], np.asarray(sw.final_loss, dtype=float)[order]
    best = lrs[_just_right(zone, steps, final)]
    return {TOO_SMALL: _too_small(lrs, zone, best), JUST_RIGHT: float(best), TOO_LARGE: _too_large(lrs, zone)}


def _just_right(zone, steps, final) -> int:
    reached = np.flatnonzero(np.isin(zone, ("converge", "oscillate")) & (steps >= 0))
    if len(reached):
        fewest = reached[steps[reached] == steps[reached].min()]
    else:
        fewest = np.flatnonzero((zone != "diverge") & np.isfinite(final))
        if not len(fewest):
            return 0
    lowest = fewest[final[fewest] == np.nanmin(final[fewest])] if np.isfinite(final[fewest]).any() else fewest
    return int(lowest[(len(lowest) - 1) // 2])


def _too_small(lrs, zone, best) -> float:
    target = best / SMALL_FACTOR
    crawling = lrs[(lrs <= target) & (zone == "crawl")]  # crawl: never reaches the tolerance
    if len(crawling):
        return float(crawling.max())
    return float(lrs[np.argmin(np.abs(np.log(lrs / max(target, lrs[0]))))])


def _too_large(lrs, zone) -> float:
    diverging = lrs[zone == "diverge"]
    if not len(diverging):
        return float(lrs[-1])
    past = diverging[diverging >= LARGE_FACTOR * diverging.min()]
    return float(past.min() if len(past) else diverging.max())

"""What one gradient step costs on a surface, measured against the dearest declared surface.

The basins page bounds a map in sample-steps, a unit priced at Ackley's exponentials, the dearest
declared surface per step (bench/slowest.py). A typed formula may cost many times more per step (19
arctangents of x*y: ~11 times), so its map is priced by a probe: the loss and gradient on a grid of
``PROBE × PROBE`` points of its view, timed against Ackley's on the same number of points (the best of
``ROUNDS``, so a busy moment on the machine weighs little; both are measured at the same moment, so
the ratio holds under load). The ratio is rounded up to a power of √2, so one link gives one map.
"""

from __future__ import annotations

import functools
import math
import time

import numpy as np

from landscapes import classic

REFERENCE = "ackley"  # the dearest declared surface per step: the unit a sample-step is priced in
PROBE = 100  # points per side of the probe's grid
ROUNDS = 5


def relative_cost(surface) -> float:
    """The cost of a loss-and-gradient on ``surface`` over that on Ackley, at least 1, a power of √2."""
    ratio = _seconds(surface) / _seconds(_reference())
    return float(max(1.0, 2 ** (math.ceil(2 * math.log2(max(ratio, 1e-9))) / 2)))


@functools.cache
def _reference():
    return next(s for s in classic.SURFACES if s.name == REFERENCE)


def _seconds(surface) -> float:
    (x0, x1), (y0, y1) = surface.bounds
    points = np.stack(np.meshgrid(np.linspace(x0, x1, PROBE), np.linspace(y0, y1, PROBE)), axis=-1).reshape(-1, 2)
    out = (np.empty(len(points)), np.empty_like(points))
    best = math.inf
    with np.errstate(all="ignore"):
        for _ in range(ROUNDS):
            start = time.perf_counter()
            if surface.loss_and_grad is not None:
                surface.loss_and_grad(points, out=out)
            else:
                surface.loss(points), surface.grad(points)
            best = min(best, time.perf_counter() - start)
    return max(best, 1e-9)

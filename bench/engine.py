"""How fast is the engine? 10 000 starts × 500 Adam steps on Rosenbrock, float64, record="path".

Baselines, timed in the same process and interleaved (this machine is shared and noisy):
  (a) a Python loop over starts, each start run alone with the same rule (timed on a slice of
      starts and scaled up to all of them);
  (b) torch.optim.Adam on the same (10000, 2) batch with the same analytic gradient, recording the
      path and the losses like the engine (only when torch is importable).
Prints the median of each and the ratios. Goal: ≥ 200× the loop and ≥ 3× torch.

Then the basins case: 40 000 starts (a 200 × 200 grid) × 300 Adam steps on Himmelblau, as the basins
page runs it (``optim.basins``: only the last two points kept, then every start labelled), against
torch.optim.Adam on the same (40000, 2) batch with the same analytic gradient, keeping only the end
points. Goal: ≥ 3× torch.

    python bench/engine.py [--reps 5] [--starts 10000] [--steps 500] [--no-basins]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import landscapes
import optim

LR = 0.01
SURFACE = landscapes.get("rosenbrock")


def starts(n: int) -> np.ndarray:
    (x0, x1), (y0, y1) = SURFACE.bounds
    rng = np.random.default_rng(0)
    return np.column_stack([rng.uniform(x0, x1, n), rng.uniform(y0, y1, n)])


def engine(points: np.ndarray, steps: int) -> np.ndarray:
    return optim.descend(SURFACE, optim.get("adam", lr=LR), points, steps, record="path").points


def per_start_loop(points: np.ndarray, steps: int) -> np.ndarray:
    """The obvious code: one start at a time, one pure update at a time."""
    rule = optim.get("adam", lr=LR)
    paths = np.empty((steps + 1, *points.shape))
    losses = np.empty((steps + 1, len(points)))
    for i, theta in enumerate(points):
        state = rule.init(theta)
        paths[0, i] = theta
        for t in range(1, steps + 1):
            losses[t - 1, i] = SURFACE.loss(theta)
            theta, state = rule.update(theta, SURFACE.grad(theta), state, LR, t)
            paths[t, i] = theta
        losses[steps, i] = SURFACE.loss(theta)
    return paths


def torch_adam(points: np.ndarray, steps: int):
    import torch  # here: optional (the comparison with torch is skipped without it)

    p = torch.tensor(points, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.Adam([p], lr=LR)
    path = torch.empty((steps + 1, *p.shape), dtype=torch.float64)
    losses = torch.empty((steps + 1, len(p)), dtype=torch.float64)
    with torch.no_grad():
        for k in range(steps + 1):
            x, y = p[:, 0], p[:, 1]
            path[k] = p
            losses[k] = (1 - x) ** 2 + 100 * (y - x * x) ** 2
            if k == steps:
                break
            p.grad = torch.stack([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)], dim=1)
            opt.step()
    return path.numpy()


HIMMELBLAU = landscapes.get("himmelblau")


def basins_engine(side: int, steps: int):
    return optim.basins(HIMMELBLAU, "adam", side, steps, lr=LR_BASINS)


def grid_starts(side: int) -> np.ndarray:
    (x0, x1), (y0, y1) = HIMMELBLAU.bounds
    return np.stack(np.meshgrid(np.linspace(x0, x1, side), np.linspace(y0, y1, side)), axis=-1).reshape(-1, 2)


def basins_torch(side: int, steps: int):
    import torch  # here: optional (the comparison with torch is skipped without it)

    p = torch.tensor(grid_starts(side), dtype=torch.float64, requires_grad=True)
    opt = torch.optim.Adam([p], lr=LR_BASINS)
    with torch.no_grad():
        for _ in range(steps):
            x, y = p[:, 0], p[:, 1]
            a, b = x * x + y - 11, x + y * y - 7
            p.grad = torch.stack([4 * x * a + 2 * b, 2 * a + 4 * y * b], dim=1)
            opt.step()
    return p.detach().numpy()


LR_BASINS = 0.05


def basins_case(reps: int, use_torch: bool) -> None:
    side, steps = 200, 300
    if use_torch:  # the two must end in the same places, or the comparison means nothing
        ours = basins_engine(side, steps).ends.reshape(-1, 2)
        gap = np.nanmax(np.abs(ours - basins_torch(side, steps)))
        print(f"basins: max |engine − torch| over the end points: {gap:.1e}")
    times = {"engine": [], "torch": []}
    for _ in range(reps):
        times["engine"].append(timed(basins_engine, side, steps))
        if use_torch:
            times["torch"].append(timed(basins_torch, side, steps))
    med = {k: statistics.median(v) for k, v in times.items() if v}
    print(f"basins: {side * side} starts × {steps} Adam steps on himmelblau, median of {reps}:")
    print(f"  engine (optim.basins, labels included) {med['engine'] * 1e3:9.1f} ms")
    if use_torch:
        print(f"  torch.optim.Adam, same batch, end only {med['torch'] * 1e3:9.1f} ms   "
              f"ratio {med['torch'] / med['engine']:7.1f}×  (goal ≥ 3×)")


def timed(fn, *args) -> float:
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start


def have_torch() -> bool:
    try:
        import torch  # noqa: F401  (optional: is it installed?)
    except ImportError:
        return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--starts", type=int, default=10_000)
    parser.add_argument("--steps", type=int, default=500)
    parser.add_argument("--loop-slice", type=int, default=20, help="starts the Python loop runs")
    parser.add_argument("--no-basins", action="store_true")
    args = parser.parse_args()

    points, steps = starts(args.starts), args.steps
    scale = args.starts / args.loop_slice
    use_torch = have_torch()
    if use_torch:  # the two must agree, or the race means nothing
        gap = np.nanmax(np.abs(engine(points[:100], 50) - torch_adam(points[:100], 50)))
        print(f"max |engine − torch| over 100 starts × 50 steps: {gap:.1e}")
    times = {"engine": [], "loop": [], "torch": []}
    for _ in range(args.reps):
        times["engine"].append(timed(engine, points, steps))
        times["loop"].append(timed(per_start_loop, points[: args.loop_slice], steps) * scale)
        if use_torch:
            times["torch"].append(timed(torch_adam, points, steps))

    med = {k: statistics.median(v) for k, v in times.items() if v}
    print(f"{args.starts} starts × {steps} Adam steps on rosenbrock, float64, median of {args.reps}:")
    print(f"  engine (one vectorized run)        {med['engine'] * 1e3:9.1f} ms")
    print(f"  per-start Python loop (scaled)     {med['loop'] * 1e3:9.1f} ms   "
          f"ratio {med['loop'] / med['engine']:7.1f}×  (goal ≥ 200×)")
    if use_torch:
        print(f"  torch.optim.Adam, same batch       {med['torch'] * 1e3:9.1f} ms   "
              f"ratio {med['torch'] / med['engine']:7.1f}×  (goal ≥ 3×)")
    else:
        print("  torch.optim.Adam: torch is not installed, ratio not measured")
    if not args.no_basins:
        basins_case(args.reps, use_torch)


if __name__ == "__main__":
    main()

"""How fast does the network page open? Its default link's work: train the iris network (300 Adam steps on
131 weights), choose the plane, project the path, and the loss on a 61 × 61 grid of the plane.

Baselines, in the same process, interleaved (this machine is shared and noisy):
  (a) one plain NumPy forward pass of the grid: ``network.loss`` of the 3 721 weight vectors at once;
  (b) torch, the tightest per-point loop: the weights set from the plane in one call, one forward pass
      of the 150 flowers, one thread (the fastest setting for so small a network here);
  (c) torch as loss-landscape (tomgoldstein/loss-landscape) does it: per point each parameter tensor
      set to θ* + a·d₁ + b·d₂, then its eval_loss over a DataLoader of batch 128, loss and accuracy
      (only when torch is importable).
Goals (issue 26): the page's work ≤ 1 s; the grid ≥ 10× faster than torch per point, the issue's
"the way loss-landscape does it" (c); (b) is printed beside it as the stricter baseline. It fails loudly
when a baseline's grid does not equal ours (then a ratio would compare different work).

    python bench/network.py [--reps 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from landscapes import network as nets
from settings import network as network_settings
from viz import network as network_figures
from viz import picture as surface_picture

NET = nets.iris()
SETTINGS = network_settings.parse_network({})[0]


def page_work():
    """What the default link computes before drawing: the study and the plane's loss on the grid."""
    study = network_settings.study(SETTINGS)
    return study, surface_picture.grid(study.surface, network_figures.GRID)


def grid_points(study) -> np.ndarray:
    (x0, x1), (y0, y1) = study.surface.bounds
    n = network_figures.GRID
    return np.stack(np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n)), axis=-1).reshape(-1, 2)


def plain_forward(study, ab):
    return NET.loss(study.plane.weights(ab))


def torch_loop(study, ab):
    import torch  # here: optional (the comparison with torch is skipped without it)

    torch.set_num_threads(1)  # as fast as it gets for one small forward pass (threads only cost here)
    model = torch.nn.Sequential(torch.nn.Linear(4, 16), torch.nn.Tanh(), torch.nn.Linear(16, 3)).double()
    x, y = torch.from_numpy(NET.x), torch.from_numpy(NET.labels)
    out = np.empty(len(ab))
    with torch.no_grad():
        for i, theta in enumerate(study.plane.weights(ab)):
            torch.nn.utils.vector_to_parameters(torch.from_numpy(theta), model.parameters())
            out[i] = torch.nn.functional.cross_entropy(model(x), y).item()
    return out


def torch_loss_landscape(study, ab):
    """loss-landscape's net_plotter.set_weights and evaluation.eval_loss, per point, on this network."""
    import torch  # here: optional (the comparison with torch is skipped without it)

    torch.set_num_threads(1)
    model = torch.nn.Sequential(torch.nn.Linear(4, 16), torch.nn.Tanh(), torch.nn.Linear(16, 3)).double()
    data = torch.utils.data.TensorDataset(torch.from_numpy(NET.x), torch.from_numpy(NET.labels))
    loader = torch.utils.data.DataLoader(data, batch_size=128, shuffle=False)
    criterion = torch.nn.CrossEntropyLoss()
    plane = study.plane
    centre = [torch.from_numpy(w.copy()) for w in _tensors(plane.centre)]
    directions = [[torch.from_numpy(w.copy()) for w in _tensors(d)] for d in plane.directions]
    out = np.empty(len(ab))
    for i, (a, b) in enumerate(ab):
        for p, w, d1, d2 in zip(model.parameters(), centre, *directions, strict=True):  # set_weights
            p.data = w + d1 * a + d2 * b
        total, correct, seen = 0.0, 0, 0
        model.eval()
        with torch.no_grad():  # eval_loss
            for inputs, targets in loader:
                outputs = model(inputs)
                total += criterion(outputs, targets).item() * len(targets)
                correct += (outputs.argmax(1) == targets).sum().item()
                seen += len(targets)
        out[i] = total / seen
    return out


def _tensors(theta):
    return [part.reshape(shape) for part, (_, shape) in zip(np.split(theta, np.cumsum(nets.SIZES)[:-1]), nets.SHAPES,
                                                              strict=True)]


def timed(fn, *args):
    start = time.perf_counter()
    value = fn(*args)
    return time.perf_counter() - start, value


def have_torch() -> bool:
    try:
        import torch  # noqa: F401  (optional: is it installed?)
    except ImportError:
        return False
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reps", type=int, default=5)
    args = parser.parse_args()
    use_torch = have_torch()
    study, grid = page_work()
    ab = grid_points(study)
    ours = grid.z.reshape(-1)
    checks = {"plain forward pass": plain_forward(study, ab)}
    if use_torch:
        checks["torch, a loop over points"] = torch_loop(study, ab)
        checks["torch as loss-landscape does it"] = torch_loss_landscape(study, ab)
    for name, theirs in checks.items():  # the same numbers, or a ratio would compare different work
        gap = float(np.max(np.abs(theirs - ours)))
        print(f"max |page's grid − {name}|: {gap:.1e}")
        if not gap < 1e-9 * max(1.0, float(np.abs(ours).max())):
            raise SystemExit(f"FAILED: the {name} baseline computed another grid")
    times = {"page": [], "grid": [], "plain": [], "torch": [], "loss-landscape": []}
    for _ in range(args.reps):
        times["page"].append(timed(page_work)[0])
        times["grid"].append(timed(surface_picture.grid, study.surface, network_figures.GRID)[0])
        times["plain"].append(timed(plain_forward, study, ab)[0])
        if use_torch:
            times["torch"].append(timed(torch_loop, study, ab)[0])
            times["loss-landscape"].append(timed(torch_loss_landscape, study, ab)[0])
    med = {k: statistics.median(v) for k, v in times.items() if v}
    n = network_figures.GRID
    print(f"the network page's default link, median of {args.reps} (2 cores):")
    print(f"  train + plane + projection + {n}×{n} grid {med['page'] * 1e3:8.1f} ms   (goal ≤ 1000 ms)"
          f"   ratio to one plain forward pass of the grid {med['page'] / med['plain']:.1f}×")
    print(f"  the grid alone (loss_on_plane)          {med['grid'] * 1e3:8.1f} ms")
    print(f"  one plain NumPy forward pass of it      {med['plain'] * 1e3:8.1f} ms   "
          f"({med['plain'] / med['grid']:.1f}× the grid's time)")
    if use_torch:
        print(f"  torch as loss-landscape does it, per point {med['loss-landscape'] * 1e3:8.1f} ms   "
              f"ratio {med['loss-landscape'] / med['grid']:.1f}×  (goal ≥ 10×)")
        print(f"  torch, the tightest loop, per point     {med['torch'] * 1e3:8.1f} ms   "
              f"ratio {med['torch'] / med['grid']:.1f}×")
    else:
        print("  torch is not installed: its comparison was skipped")
    return 0


if __name__ == "__main__":
    sys.exit(main())

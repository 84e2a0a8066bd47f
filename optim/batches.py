"""Full batch, SGD and mini-batch descent on a data surface: the same rule (plain gradient descent,
as ``torch.optim.SGD``), the same start and the same seed; only how many samples each gradient sees
differs.

Two fair comparisons:

- ``equal="epochs"``: every flavour sees the data the same number of times (the same samples
  processed), so SGD makes n updates for the full batch's one;
- ``equal="updates"``: every flavour makes as many updates as the full batch makes in that many
  epochs, so SGD sees n times fewer samples.

A schedule (cosine annealing to 0) spans each flavour's own run, as one would set ``T_max`` to the
number of optimizer steps in torch.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from optim import schedules
from optim.descend import ESCAPE_SPANS, Trajectory, _learning_rates, descend
from optim.sgd import SGD

SCHEDULES = ("constant", "cosine")
MAX_UPDATES = 25_000  # a page's longest flavour: SGD over the largest data set for its most epochs


@dataclass(frozen=True)
class Flavour:
    """How much data each gradient sees, and how a page draws it (Okabe–Ito, like the rules)."""

    name: str
    title: str
    color: str
    symbol: str


FLAVOURS = {
    "full": Flavour("full", "Full batch", "#0072B2", "square"),
    "sgd": Flavour("sgd", "SGD (batch 1)", "#D55E00", "x"),
    "mini": Flavour("mini", "Mini-batch", "#009E73", "diamond"),
}


@dataclass(frozen=True)
class Run:
    """One flavour's run. ``samples[t]`` is how many samples it had processed after ``t`` updates."""

    flavour: Flavour
    batch_size: int
    updates_per_epoch: int
    trajectory: Trajectory
    samples: np.ndarray  # (updates + 1,)

    @property
    def label(self) -> str:
        return self.flavour.title if self.flavour.name != "mini" else f"Mini-batch of {self.batch_size}"

    def epoch_rows(self) -> np.ndarray:
        """The index of the point at the start of every epoch, and the last one."""
        return np.arange(0, self.trajectory.steps + 1, self.updates_per_epoch)


def sizes(n: int, mini: int) -> dict[str, int]:
    return {"full": n, "sgd": 1, "mini": mini}


def updates_per_epoch(n: int, batch_size: int) -> int:
    """A DataLoader with ``drop_last=False``: the last batch of an epoch may be smaller."""
    return math.ceil(n / batch_size)


def samples_after(n: int, batch_size: int, updates: int) -> np.ndarray:
    """Samples processed after 0, 1, …, ``updates`` updates, the short last batch of each epoch included."""
    per_epoch = updates_per_epoch(n, batch_size)
    t = np.arange(updates + 1)
    epochs, within = np.divmod(t, per_epoch)
    return epochs * n + np.minimum(within * batch_size, n)


def learning_rate(lr: float, sched: str, updates: int):
    if sched not in SCHEDULES:
        raise ValueError(f"sched must be one of {', '.join(SCHEDULES)}, got {sched!r}")
    return lr if sched == "constant" else schedules.get("cosine", lr=lr, t_max=max(updates, 1), eta_min=0.0)


def compare(surface, lr: float, start, epochs: int, mini: int, *, seed: int = 0, sched: str = "constant",
            equal: str = "epochs") -> list[Run]:
    """Full batch, SGD and a mini-batch of ``mini`` from ``start``: one engine run each (each sees
    its own stream of shuffled batches from ``seed``)."""
    n = surface.n_samples
    if not n:
        raise ValueError(f"{surface.name} has no samples; batches need a data surface")
    if equal not in ("epochs", "updates"):
        raise ValueError(f"equal must be 'epochs' or 'updates', got {equal!r}")
    runs = []
    for name, size in sizes(n, mini).items():
        per_epoch = updates_per_epoch(n, size)
        updates = epochs * (per_epoch if equal == "epochs" else 1)
        if updates > MAX_UPDATES:
            raise ValueError(f"{epochs} epochs of batches of {size} are {updates} updates; at most {MAX_UPDATES}")
        rate = learning_rate(lr, sched, updates)
        batch_size = None if size == n else size
        if surface.model is not None and surface.model.kind == "line":
            t = line_sgd(surface, rate, start, updates, batch_size, seed)
        else:
            t = descend(surface, SGD(lr=rate), start, updates, batch_size=batch_size, seed=seed)
        runs.append(Run(FLAVOURS[name], size, per_epoch, t, samples_after(n, size, updates)))
    return runs


def timeline(runs: list[Run], equal: str) -> tuple[np.ndarray, list[np.ndarray]]:
    """A common clock for the runs: ticks (updates, or samples processed) and, per run, the index of
    its point at each tick (the last update it had completed by then)."""
    if equal == "updates":
        ticks = np.arange(runs[0].trajectory.steps + 1)
        return ticks, [np.minimum(ticks, r.trajectory.steps) for r in runs]
    ticks = np.arange(max(int(r.samples[-1]) for r in runs) + 1)
    return ticks, [np.searchsorted(r.samples, ticks, side="right") - 1 for r in runs]


def point_at(runs, equal: str, name: str, tick: int) -> np.ndarray:
    """Where the flavour ``name`` stands at ``tick`` of the common clock (see :func:`timeline`)."""
    _, index = timeline(runs, equal)
    i = next(i for i, run in enumerate(runs) if run.flavour.name == name)
    at = index[i]
    return runs[i].trajectory.points[int(at[min(tick, len(at) - 1)])]


@dataclass(frozen=True)
class Cloud:
    """Mini-batch gradients at one point: ``draws`` (m, 2) around the ``full`` gradient."""

    batch_size: int
    full: np.ndarray
    draws: np.ndarray

    @property
    def spread(self) -> float:
        """Measured: the root-mean-square distance of a mini-batch gradient from the full one."""
        return float(np.sqrt(np.mean(np.sum((self.draws - self.full) ** 2, axis=-1))))


def per_sample_gradients(surface, point) -> np.ndarray:
    """Every sample's own gradient at ``point``: (n, 2)."""
    point = np.asarray(point, dtype=float)
    return np.stack([surface.grad(point, np.array([i])) for i in range(surface.n_samples)])


def cloud(surface, point, batch_size: int, draws: int = 200, seed: int = 0, per_sample=None) -> Cloud:
    """``draws`` mini-batch gradients at ``point``, each over ``batch_size`` samples drawn without
    replacement (as one batch of a shuffled epoch is)."""
    grads = per_sample_gradients(surface, point) if per_sample is None else per_sample
    n = len(grads)
    rng = np.random.default_rng([seed, 2, batch_size])
    picks = np.argsort(rng.random((draws, n)), axis=1)[:, :batch_size]
    return Cloud(batch_size, grads.mean(axis=0), grads[picks].mean(axis=1))


def spreads(surface, point, sizes, draws: int = 200, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """For each batch size: the measured spread of ``draws`` mini-batch gradients at ``point``, and
    the spread sampling theory predicts."""
    grads = per_sample_gradients(surface, point)
    measured = [cloud(surface, point, b, draws, seed, per_sample=grads).spread for b in sizes]
    return np.array(measured), np.array([expected_spread(grads, b) for b in sizes])


def stable_rates(surface) -> tuple[float, float] | None:
    """On a line fit: the largest stable rate of the full batch, 2/L, and of a single sample's step,
    2 / max_i 2(z_i² + 1) (one sample's loss curves that much along its own direction). SGD's steps
    overshoot along some sample's direction above the second; None on other models."""
    model = surface.model
    if model is None or model.kind != "line" or surface.lipschitz is None:
        return None
    z = model.feature(model.x)
    return 2 / surface.lipschitz, 2 / float(np.max(2 * (z * z + 1)))


def expected_spread(per_sample: np.ndarray, batch_size: int) -> float:
    """The spread sampling theory predicts without replacement: σ·√((n − b) / (b (n − 1)))."""
    n = len(per_sample)
    sigma2 = np.mean(np.sum((per_sample - per_sample.mean(axis=0)) ** 2, axis=-1))
    return float(np.sqrt(sigma2 * (n - batch_size) / (batch_size * max(n - 1, 1))))


# ---- plain SGD on a line fit, as a scan ---------------------------------------------------------

def line_sgd(surface, lr, start, updates: int, batch_size: int | None, seed: int) -> Trajectory:
    """What ``descend(surface, SGD(lr=lr), start, updates, batch_size=…, seed=…)`` returns on a line
    fit (the same batches, the same divergence rule), computed without a Python step per update.

    On the mean squared error of a line each update is an affine map of θ = (w, b):
    θ ← (I − η_t H_t) θ + η_t g_t, with H_t = (2/m)·[[Σx², Σx], [Σx, m]] and g_t = (2/m)·[Σxy, Σy]
    over the batch's m samples. A parallel prefix scan composes the maps in log₂(T) array passes,
    so 5 000 SGD updates cost about as much as 20 (the step loop spends ~15 µs of NumPy calls on
    each one). The results agree with the loop to rounding (tests/test_batches.py).
    """
    model = surface.model
    x, y = model.feature(model.x), model.y
    hess, pull = _batch_sums(x, y, batch_size, updates + 1, seed)  # the engine also reads the last batch
    lrs = _learning_rates(lr, updates)
    theta0 = np.asarray(start, dtype=float).reshape(2)
    with np.errstate(all="ignore"):  # a diverging run overflows: its points past the escape are blanked
        maps, shifts = _prefix(np.eye(2) - lrs[:, None, None] * hess[:-1], lrs[:, None] * pull[:-1])
        points = np.vstack([theta0, np.einsum("tij,j->ti", maps, theta0) + shifts])
    return _finish(surface, points, hess, pull, lrs)


def _batch_sums(x, y, batch_size, count, seed):
    """Per update, over its batch: H = (2/m)[[Σx², Σx], [Σx, m]] and g = (2/m)[Σxy, Σy], the batches
    drawn as ``optim.descend`` draws them (shuffled epochs from ``[seed, 0]``, a short last batch)."""
    n = len(x)
    if batch_size is None:  # the same n samples every update
        order, starts = np.arange(n), np.zeros(1, dtype=int)
    else:
        epochs = -(-count // updates_per_epoch(n, batch_size))
        rng = np.random.default_rng([seed, 0])
        order = np.concatenate([rng.permutation(n) for _ in range(epochs)])
        starts = (np.arange(epochs)[:, None] * n + np.arange(0, n, batch_size)).ravel()
    m = np.diff(np.append(starts, len(order))).astype(float)
    xs, ys = x[order], y[order]
    sx, sxx, sy, sxy = (np.add.reduceat(v, starts) for v in (xs, xs * xs, ys, xs * ys))
    if batch_size is None:
        sx, sxx, sy, sxy, m = (np.repeat(v, count) for v in (sx, sxx, sy, sxy, m))
    sx, sxx, sy, sxy, m = (v[:count] for v in (sx, sxx, sy, sxy, m))
    scale = 2 / m
    hess = np.stack([np.stack([sxx, sx], -1), np.stack([sx, m], -1)], -2) * scale[:, None, None]
    return hess, np.stack([sxy, sy], -1) * scale[:, None]


def _prefix(maps, shifts):
    """Inclusive prefix compositions of θ ↦ A_t θ + c_t (Hillis–Steele): entry t becomes the map of
    updates 0…t applied in order."""
    step = 1
    while step < len(maps):
        later_maps, later_shifts = maps[step:], shifts[step:]
        shifts = np.concatenate([shifts[:step], np.einsum("tij,tj->ti", later_maps, shifts[:-step]) + later_shifts])
        maps = np.concatenate([maps[:step], later_maps @ maps[:-step]])
        step *= 2
    return maps, shifts


def _finish(surface, points, hess, pull, lrs) -> Trajectory:
    """Losses, gradients and the engine's divergence rule: the first step outside ESCAPE_SPANS views
    (or not finite) is kept, everything after it is NaN."""
    with np.errstate(all="ignore"):
        # the loss of a line fit is exactly quadratic about its minimum θ*: L* + ½ (θ − θ*)ᵀ H (θ − θ*),
        # two non-negative terms (no cancellation, so a perfect fit's losses stay accurate near 0), and
        # 5 000 points cost 5 000 quadratic forms instead of 5 000 passes over the samples
        best = surface.minima[0]
        away = points - best
        losses = float(surface.loss(best)) + 0.5 * np.einsum("ti,ij,tj->t", away, surface.hessian(best), away)
        grads = np.einsum("tij,tj->ti", hess, points) - pull
        (x0, x1), (y0, y1) = surface.bounds
        low = np.array([x0 - ESCAPE_SPANS * (x1 - x0), y0 - ESCAPE_SPANS * (y1 - y0)])
        high = np.array([x1 + ESCAPE_SPANS * (x1 - x0), y1 + ESCAPE_SPANS * (y1 - y0)])
        ok = ((low <= points) & (points <= high)).all(axis=1) & np.isfinite(losses)
    gone = int(np.argmin(ok)) if not ok.all() else -1
    if gone >= 0:
        points[gone + 1:] = np.nan
        losses[gone + 1:] = np.nan
        grads[gone + 1:] = np.nan
    return Trajectory(points=points, losses=losses, lrs=lrs, diverged_at=np.array(gone), grads=grads, state={})

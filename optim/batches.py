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
from optim.descend import Trajectory, descend
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
        rule = SGD(lr=learning_rate(lr, sched, updates))
        t = descend(surface, rule, start, updates, batch_size=None if size == n else size, seed=seed)
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


def expected_spread(per_sample: np.ndarray, batch_size: int) -> float:
    """The spread sampling theory predicts without replacement: σ·√((n − b) / (b (n − 1)))."""
    n = len(per_sample)
    sigma2 = np.mean(np.sum((per_sample - per_sample.mean(axis=0)) ** 2, axis=-1))
    return float(np.sqrt(sigma2 * (n - batch_size) / (batch_size * max(n - 1, 1))))

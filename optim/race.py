"""Several optimizers from one start in one vectorized engine run.

The racers become rows of one batch; a :class:`Mixture` applies each rule to its own rows, with
that rule's racers' hyperparameters stacked into ``(n, 1)`` arrays. So the surface's loss and
gradient are evaluated once per step for everyone, and every racer sees the same mini-batches.

:func:`tune` uses the same machinery for a fair race: every racer at every one of its candidate
learning rates (rows = racers × rates) in one engine run, and each racer's best rate from it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from optim import schedules as schedule_lib
from optim.descend import Trajectory, descend
from optim.registry import get
from optim.registry import rule as rule_class


@dataclass(frozen=True)
class Lane:
    """One racer's run, cut out of the batch."""

    name: str
    trajectory: Trajectory  # one start: points (steps+1, 2), …
    seconds: float  # wall-clock cost: the shared work split evenly, plus its own rule's updates


class Mixture:
    """Rules side by side, as one rule for the engine: ``parts[i] = (rule, rows)`` updates
    ``params[rows]`` with ``rule``.

    Not a frozen rule: it keeps what one run needs as plain attributes. Buffers are full-height
    arrays named ``"<i>:<buffer>"`` (zeros outside their rows), so the engine records them like any
    rule's; ``lr`` stacks every row's learning rate (number or schedule); ``clock`` collects each
    part's time spent updating.
    """

    def __init__(self, parts, lr):
        self.parts = tuple(parts)
        self.lr = lr
        self.clock = [0.0] * len(self.parts)
        self._state, self._views = None, []

    def init(self, params):
        self.clock = [0.0] * len(self.parts)
        state = {}
        for i, (rule, _) in enumerate(self.parts):
            for key, buf in rule.init(params).items():
                state[f"{i}:{key}"] = buf
        self._state, self._views = state, [self._own(state, i) for i in range(len(self.parts))]
        return state

    def _own(self, state, i):
        rows = self.parts[i][1]
        return {key.split(":", 1)[1]: buf[rows] for key, buf in state.items() if key.startswith(f"{i}:")}

    def step_(self, params, grad, state, lr, t, tmp):
        # the engine keeps updating the state it got from init: reuse its row views (no dicts per step)
        cached = self._views if state is self._state else None
        for i, (rule, rows) in enumerate(self.parts):
            began = time.perf_counter()
            own = cached[i] if cached is not None else self._own(state, i)
            rule.step_(params[rows], grad[rows], own, lr[rows] if np.ndim(lr) else lr, t, tmp[rows])
            self.clock[i] += time.perf_counter() - began


def race(surface, entries, start, steps, **kwargs) -> list[Lane]:
    """Run ``entries`` (``(rule_name, hyperparameters)`` pairs) from ``start`` in one engine run.

    Each racer's ``lr`` is a number or a schedule (see ``optim.schedules``).
    ``kwargs`` go to :func:`descend` (batch_size, noise, seed, record).
    """
    order, parts, rows = [], [], 0
    for name in dict.fromkeys(name for name, _ in entries):
        members = [i for i, (n, _) in enumerate(entries) if n == name]
        parts.append((get(name, **stack([entries[i][1] for i in members])), slice(rows, rows + len(members))))
        order += members
        rows += len(members)
    mixture = Mixture(parts, schedule_lib.Rows(entries[i][1]["lr"] for i in order))
    began = time.perf_counter()
    traj = descend(surface, mixture, np.tile(np.asarray(start, dtype=float), (len(entries), 1)), steps, **kwargs)
    shared = (time.perf_counter() - began - sum(mixture.clock)) / len(entries)
    lanes: list[Lane] = [None] * len(entries)  # type: ignore[list-item]
    for part, ((_, span), spent) in enumerate(zip(parts, mixture.clock, strict=True)):
        for row in range(span.start, span.stop):
            i = order[row]
            lanes[i] = Lane(entries[i][0], lane(traj, row, part), shared + spent / (span.stop - span.start))
    return lanes


def stack(hypers: list[dict]) -> dict:
    """One dict of ``(n, 1)`` arrays from n dicts with the same keys (``betas``: a pair of arrays)."""
    if len(hypers) == 1:
        return hypers[0]
    out = {}
    for key in hypers[0]:
        values = [h[key] for h in hypers]
        if key == "lr":  # numbers or schedules: the engine takes the rates from the Mixture's Rows
            out[key] = schedule_lib.Rows(values)
        elif key == "betas":
            out[key] = tuple(np.array([v[i] for v in values], dtype=float)[:, None] for i in range(2))
        elif key == "bias_correction":  # a switch, not a number: one value for the batch
            if len(set(values)) > 1:
                raise ValueError("racers of one rule must share bias_correction")
            out[key] = values[0]
        else:
            out[key] = np.array(values, dtype=float)[:, None]
    return out


def lane(traj: Trajectory, row: int, part: int | None = None) -> Trajectory:
    """Row ``row`` of a batched trajectory as a one-start trajectory (with part ``part``'s buffers)."""
    prefix = f"{part}:"
    state = {k.removeprefix(prefix): v[:, row] for k, v in traj.state.items()
             if part is None or k.startswith(prefix)}
    return Trajectory(
        points=traj.points[:, row], losses=traj.losses[:, row],
        lrs=traj.lrs if traj.lrs.ndim == 1 else traj.lrs[:, row],
        diverged_at=traj.diverged_at[row], grads=None if traj.grads is None else traj.grads[:, row], state=state,
    )


# --- tuning: each racer's best learning rate on this surface, from this start ---

TUNE_SPAN = (1e-3, 1e2)  # the candidate rates, as multiples of the surface's default rate for the rule
TUNE_PER_DECADE = 10  # 51 rates over the five decades: neighbours 26 % apart
LOSS_VALUES_AT_ONCE = 4_000_000  # (point, sample) pairs of a data surface's loss in one call: ~32 MB a temporary


@dataclass(frozen=True)
class Tuning:
    """One racer's learning-rate sweep inside :func:`tune`'s run: entry ``i`` is the run at ``lrs[i]``."""

    name: str
    lrs: np.ndarray  # (n,): the starting rates tried (a schedule keeps its shape, scaled to each)
    final_loss: np.ndarray  # (n,): NaN where the run left the surface
    settled_at: np.ndarray  # (n,) int: the step from which loss − f* ≤ tol·(loss₀ − f*) holds to the end, −1 if not
    diverged: np.ndarray  # (n,) bool: left the surface, or ended not finite or higher than it started
    best: int  # the index of the chosen rate, −1 when every rate diverged

    @property
    def lr(self) -> float | None:
        """The chosen rate, or None when every rate diverged."""
        return None if self.best < 0 else float(self.lrs[self.best])


def candidate_rates(surface, name: str, *, within=(0.0, np.inf), span=TUNE_SPAN,
                    per_decade=TUNE_PER_DECADE) -> np.ndarray:
    """The rates :func:`tune` tries for rule ``name`` by default: a log grid from ``span[0]`` to
    ``span[1]`` times the surface's default rate for the rule's family (``Surface.defaults.lr_for``
    with ``Rule.lr_family``: the rate a page opens with), ``per_decade`` a decade, clipped to
    ``within`` (a page's learning-rate range) and rounded to 3 significant digits, so that the rate
    shown is the rate run. 51 rates by default; a grid clipped at one end keeps its number of rates.
    """
    base = surface.defaults.lr_for(*rule_class(name).lr_family)
    low, high = max(span[0] * base, within[0]), min(span[1] * base, within[1])
    count = round(float(np.log10(span[1] / span[0])) * per_decade) + 1
    return np.unique([float(f"{v:.3g}") for v in np.geomspace(low, high, count)])


def tune(surface, entries, start, steps, lrs, *, tol=1e-6, batch_size=None, noise=0.0, seed=0) -> list[Tuning]:
    """Each racer's best starting learning rate among its candidates ``lrs[i]``, from ``start`` over
    ``steps`` updates: every racer at every rate in ONE engine run (a :class:`Mixture` whose part i
    holds racer i's rule with its rates as an ``(n_i, 1)`` array).

    ``entries`` are the race's ``(rule_name, hyperparameters)`` pairs. A racer's ``lr`` may be a
    schedule: each candidate then runs the same schedule (same name and parameters) started from that
    rate, so the tuning finds where to start the shape the race will use.

    The gradient source is the race's: ``batch_size`` mini-batches are shared by every row, and the
    ``noise`` each row sees is the very draw a single run with this ``seed`` sees (not one draw per
    row), so a candidate's run here is its run in the race.

    Best: among the runs that did not diverge (left the surface, or ended not finite or higher than
    they started; never chosen), the lowest final loss. Runs that end within the tolerance
    (loss − f* ≤ tol·(loss₀ − f*), f* the loss at the surface's first minimum, or the lowest loss of
    the run where none is known) count as converged and tie: among them, the one that settles first
    wins (the step from which it stays within the tolerance), then the lower final loss. ``best`` is
    −1 when every rate diverged.
    """
    start = np.asarray(start, dtype=float)
    lrs = [np.asarray(rates, dtype=float).ravel() for rates in lrs]
    if len(lrs) != len(entries) or any(not len(r) or not np.all(np.isfinite(r) & (r > 0)) for r in lrs):
        raise ValueError("lrs must hold one non-empty list of rates > 0 per racer")
    parts, rows, row_rates = [], 0, []
    for (name, hyper), rates in zip(entries, lrs, strict=True):
        own = {key: value for key, value in hyper.items() if key != "lr"}
        parts.append((get(name, lr=rates[:, None], **own), slice(rows, rows + len(rates))))
        row_rates += [_scaled(hyper.get("lr"), rate) for rate in rates]
        rows += len(rates)
    scheduled = any(callable(rate) for rate in row_rates)
    mixture = Mixture(parts, schedule_lib.Rows(row_rates) if scheduled else np.array(row_rates)[:, None])
    optimizer = _SharedNoise(mixture, noise, seed) if noise else mixture
    run_on = surface if batch_size is None else _Sliced(surface)
    traj = descend(run_on, optimizer, np.tile(start, (rows, 1)), steps, batch_size=batch_size, seed=seed,
                   record="path")
    return _measure(surface, traj, entries, parts, lrs, tol)


class _Sliced:
    """``surface`` with its loss evaluated in slices (see :func:`_in_slices`): any surface, a dataclass or not."""

    def __init__(self, surface):
        self._surface = surface
        self.loss = _in_slices(surface.loss, surface.n_samples)

    def __getattr__(self, name):
        return getattr(self._surface, name)


def _in_slices(loss, samples):
    """``loss`` evaluated a slice of steps at a time. A mini-batch run asks for every step's full loss
    in one call after its loop (``descend``'s deferred losses), and a data surface's loss makes a
    ``(steps + 1, rows, samples)`` temporary: 1.4 GB for a tuning of 7 racers × 52 rates over 1 000
    steps on the 244 tips. In slices the values are the same and the temporaries stay small."""

    def sliced(p, idx=None):
        p = np.asarray(p)
        per_step = p[0].size // p.shape[-1] * max(samples, 1) if p.ndim > 2 else 0
        if idx is not None or not per_step or per_step * len(p) <= LOSS_VALUES_AT_ONCE:
            return loss(p, idx)
        step = max(1, LOSS_VALUES_AT_ONCE // per_step)
        return np.concatenate([loss(p[k:k + step]) for k in range(0, len(p), step)])

    return sliced


def _scaled(lr, rate):
    """Candidate ``rate`` as the racer's learning rate: a number, or the racer's schedule from it."""
    if isinstance(lr, schedule_lib.Schedule):
        return schedule_lib.get(lr.name, lr=rate, **lr.parameters)
    return float(rate)


class _SharedNoise:
    """A rule whose gradients get the same Gaussian noise on every row: the draws ``descend`` makes
    for a run of one start with this seed (one ``(2, 1)`` draw per update), so each row's run equals
    that start's run alone. (``descend``'s own noise draws one value per row.)"""

    def __init__(self, rule, noise, seed):
        self.rule, self.lr, self.noise, self.seed = rule, rule.lr, float(noise), seed

    def init(self, params):
        self.rng = np.random.default_rng([self.seed, 1])  # descend's noise stream
        return self.rule.init(params)

    def step_(self, params, grad, state, lr, t, tmp):
        self.rule.step_(params, grad + self.noise * self.rng.standard_normal((2, 1)).T, state, lr, t, tmp)


def _measure(surface, traj, entries, parts, lrs, tol) -> list[Tuning]:
    with np.errstate(all="ignore"):
        minima = np.asarray(surface.minima, dtype=float).reshape(-1, traj.points.shape[-1])
        finite = traj.losses[np.isfinite(traj.losses)]
        f_star = float(surface.loss(minima[0])) if len(minima) else float(finite.min(initial=np.inf))
        gap = traj.losses - f_star
        within = gap <= tol * np.maximum(gap[0], np.finfo(float).tiny)
        final = traj.losses[-1]
        diverged = (traj.diverged_at >= 0) | ~np.isfinite(final) | (final > traj.losses[0])
    # a run settles one step after its last step outside the tolerance (at 0 if never outside)
    outside = ~within
    last_outside = len(within) - 1 - outside[::-1].argmax(axis=0)
    settled_at = np.where(within[-1] & ~diverged, np.where(outside.any(axis=0), last_outside + 1, 0), -1)
    out = []
    for (name, _), (_, rows), rates in zip(entries, parts, lrs, strict=True):
        out.append(Tuning(name, rates, np.where(traj.diverged_at[rows] >= 0, np.nan, final[rows]), settled_at[rows],
                          diverged[rows], _best(final[rows], settled_at[rows], diverged[rows])))
    return out


def _best(final, settled_at, diverged) -> int:
    """The first to settle (then the lowest final loss) among the settled runs; else the lowest final
    loss among the runs that did not diverge; −1 if none."""
    if (settled_at >= 0).any():
        return int(np.lexsort((final, np.where(settled_at >= 0, settled_at, np.iinfo(int).max)))[0])
    if diverged.all():
        return -1
    return int(np.argmin(np.where(diverged, np.inf, final)))

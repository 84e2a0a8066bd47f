"""Several optimizers from one start in one vectorized engine run.

The racers become rows of one batch; a :class:`Mixture` applies each rule to its own rows, with
that rule's racers' hyperparameters stacked into ``(n, 1)`` arrays. So the surface's loss and
gradient are evaluated once per step for everyone, and every racer sees the same mini-batches.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from optim import schedules as schedule_lib
from optim.descend import Trajectory, descend


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
    from optim import get  # here, not at import: optim/__init__ imports this module

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

"""Several optimizers from one start, in as few engine runs as there are distinct rules.

Entries of the same rule run together, their hyperparameters stacked into ``(N, 1)`` arrays over
the starts, so a race of four Adams with four learning rates is one vectorized ``descend``. Every
run uses the same seed: racers of different rules see the same mini-batches and the same noise.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from optim import schedules as schedule_lib
from optim.descend import Trajectory, descend


@dataclass(frozen=True)
class Lane:
    """One racer's run, cut out of its rule's batch."""

    name: str
    trajectory: Trajectory  # one start: points (steps+1, 2), …
    seconds: float  # wall-clock cost: its share of its rule's batched run


def race(surface, entries, start, steps, *, schedule=None, **kwargs) -> list[Lane]:
    """Run ``entries`` (``(rule_name, hyperparameters)`` pairs) from ``start``.

    ``schedule`` is ``None`` or ``(name, parameters)``: each racer's schedule starts from its own lr.
    ``kwargs`` go to :func:`descend` (batch_size, noise, seed, record).
    """
    from optim import get  # here, not at import: optim/__init__ imports this module

    groups: dict[str, list[int]] = {}
    for i, (name, _) in enumerate(entries):
        groups.setdefault(name, []).append(i)
    lanes: list[Lane] = [None] * len(entries)  # type: ignore[list-item]
    for name, members in groups.items():
        hyper = stack([entries[i][1] for i in members])
        sched = schedule_lib.get(schedule[0], lr=hyper["lr"], **schedule[1]) if schedule else None
        starts = np.tile(np.asarray(start, dtype=float), (len(members), 1))
        began = time.perf_counter()
        traj = descend(surface, get(name, **hyper), starts, steps, schedule=sched, **kwargs)
        share = (time.perf_counter() - began) / len(members)
        for j, i in enumerate(members):
            lanes[i] = Lane(name, lane(traj, j), share)
    return lanes


def stack(hypers: list[dict]) -> dict:
    """One dict of ``(N, 1)`` arrays from N dicts with the same keys (``betas``: a pair of arrays)."""
    if len(hypers) == 1:
        return hypers[0]
    out = {}
    for key in hypers[0]:
        values = [h[key] for h in hypers]
        if key == "betas":
            out[key] = tuple(np.array([v[i] for v in values], dtype=float)[:, None] for i in range(2))
        elif key == "bias_correction":  # a switch, not a number: one value for the batch
            if len(set(values)) > 1:
                raise ValueError("racers of one rule must share bias_correction")
            out[key] = values[0]
        else:
            out[key] = np.array(values, dtype=float)[:, None]
    return out


def lane(traj: Trajectory, j: int) -> Trajectory:
    """Start ``j`` of a batched trajectory, as a one-start trajectory."""
    return Trajectory(
        points=traj.points[:, j], losses=traj.losses[:, j], lrs=traj.lrs if traj.lrs.ndim == 1 else traj.lrs[:, j],
        diverged_at=traj.diverged_at[j], grads=None if traj.grads is None else traj.grads[:, j],
        state={k: v[:, j] for k, v in traj.state.items()},
    )

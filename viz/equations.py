"""The chosen optimizer's update in LaTeX, then the same lines with one step's numbers filled in,
so a learner can check the step by hand. Each rule writes its own lines (``Rule.explain``)."""

from __future__ import annotations

import numpy as np

from optim.latex import vec


def update_lines(rule, step: dict) -> list[tuple[str, str]]:
    """``(symbols, numbers)`` pairs for one update of ``rule`` (see :func:`step_values`), ending
    with the new point."""
    return [*rule.explain(step), (r"\theta_t", rf"\theta_{{{step['t']}}} = {vec(step['theta_next'])}")]


def step_values(traj, k: int) -> dict | None:
    """The numbers of update ``k + 1`` of a one-start trajectory, or None past the last update."""
    if k >= traj.steps or not np.isfinite(traj.points[k + 1]).all():
        return None
    values = {"t": k + 1, "lr": float(np.ravel(traj.lrs[k])[0]), "theta": traj.points[k],
              "grad": traj.grads[k], "theta_next": traj.points[k + 1]}
    for key, history in traj.state.items():
        values[key + "_prev"], values[key] = history[k], history[k + 1]
    return values

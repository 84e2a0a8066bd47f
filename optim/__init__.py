"""The descent engine: seven update rules as torch.optim defines them, run on many starts at once.

``names()`` lists the rules, ``rule(name)`` is a rule's class (with its declaration: title, colour,
knobs, lr family, symbolic update), ``get(name, **hyperparameters)`` builds one, ``descend`` runs it.
The registry lives in :mod:`optim.registry`; this package only re-exports.
"""

from __future__ import annotations

from optim import schedules
from optim.basins import Basins, basins
from optim.descend import MAX_ENGINE_STEPS, Trajectory, descend
from optim.race import Lane, race
from optim.registry import RACE_DEFAULT, defaults, get, names, registered, rule
from optim.rule import Knob, Rule
from optim.sweep import (
    Sweep,
    SweepGrid,
    log_grid,
    momentum_knob,
    momentum_rate,
    optimal_momentum,
    sweep,
    sweep_grid,
    theory,
    useful_range,
)

__all__ = ["MAX_ENGINE_STEPS", "RACE_DEFAULT", "Basins", "Knob", "Lane", "Rule", "Sweep", "SweepGrid", "Trajectory",
           "basins", "defaults", "descend", "get", "log_grid", "momentum_knob", "momentum_rate", "names",
           "optimal_momentum", "race", "registered", "rule", "schedules", "sweep", "sweep_grid", "theory",
           "useful_range"]

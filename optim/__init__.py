"""The descent engine: seven update rules as torch.optim defines them, run on many starts at once.

``names()`` lists the rules, ``rule(name)`` is a rule's class (with its declaration: title, colour,
knobs, lr family, symbolic update), ``get(name, **hyperparameters)`` builds one, ``descend`` runs it.
A new optimizer is one module plus one line in ``_RULES``; pages derive everything else from it.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import fields

from optim import schedules
from optim.adagrad import Adagrad
from optim.adam import Adam, AdamW
from optim.descend import MAX_ENGINE_STEPS, Trajectory, descend
from optim.momentum import Momentum, Nesterov
from optim.rmsprop import RMSprop
from optim.rule import Knob, Rule
from optim.sgd import SGD

_RULES: dict[str, type[Rule]] = {
    rule.name: rule for rule in (SGD, Momentum, Nesterov, Adagrad, RMSprop, Adam, AdamW)
}
#: the race a page opens with
RACE_DEFAULT = ("sgd", "momentum", "rmsprop", "adam")


def names() -> list[str]:
    return list(_RULES)


def rule(name: str) -> type[Rule]:
    """The class of the rule ``name``; an unknown name raises ``ValueError`` listing the valid ones."""
    try:
        return _RULES[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown optimizer {name!r}; choose one of: {', '.join(_RULES)}") from None


@contextmanager
def registered(*rules: type[Rule]):
    """Add ``rules`` to the registry for the duration of a ``with`` block (tests, experiments)."""
    saved = dict(_RULES)
    _RULES.update({r.name: r for r in rules})
    try:
        yield
    finally:
        _RULES.clear()
        _RULES.update(saved)


def defaults(name: str) -> dict:
    """The hyperparameters of ``name`` with their defaults (torch's, except where the docs say)."""
    return {f.name: f.default for f in fields(rule(name))}


def get(name: str, **hyperparameters) -> Rule:
    """The optimizer ``name``; unknown or out-of-range hyperparameters raise ``ValueError``."""
    cls = rule(name)
    unknown = set(hyperparameters) - set(defaults(name))
    if unknown:
        raise ValueError(
            f"{name} has no hyperparameter {', '.join(sorted(unknown))}; "
            f"it takes {', '.join(defaults(name))}"
        )
    return cls(**hyperparameters)


from optim.basins import Basins, basins  # noqa: E402  (after get, as race)
from optim.race import Lane, race  # noqa: E402  (after get: race builds its rules with it)
from optim.sweep import (  # noqa: E402  (after get, as race)
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

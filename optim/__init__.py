"""The descent engine: seven update rules as torch.optim defines them, run on many starts at once.

``names()`` lists the rules, ``get(name, **hyperparameters)`` builds one, ``descend`` runs it.
"""

from __future__ import annotations

from dataclasses import fields

from optim import schedules
from optim.adagrad import Adagrad
from optim.adam import Adam, AdamW
from optim.descend import MAX_STEPS, Trajectory, descend
from optim.momentum import Momentum
from optim.nesterov import Nesterov
from optim.rmsprop import RMSprop
from optim.rule import Rule
from optim.sgd import SGD

_RULES: dict[str, type[Rule]] = {
    rule.name: rule for rule in (SGD, Momentum, Nesterov, Adagrad, RMSprop, Adam, AdamW)
}


def names() -> list[str]:
    return list(_RULES)


def rule(name: str) -> type[Rule]:
    """The class of the rule ``name``; an unknown name raises ``ValueError`` listing the valid ones."""
    try:
        return _RULES[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown optimizer {name!r}; choose one of: {', '.join(_RULES)}") from None


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


from optim.race import Lane, race  # noqa: E402  (after get: race builds its rules with it)

__all__ = ["MAX_STEPS", "Lane", "Rule", "Trajectory", "defaults", "descend", "get", "names", "race", "rule",
           "schedules"]

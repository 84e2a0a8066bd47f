"""The optimizer registry: ``names()``, ``rule(name)``, ``defaults(name)``, ``get(name, **hyper)``.

A new optimizer is one module plus one entry in ``_RULES``; pages derive everything else from it.
The modules that run many rules at once (``race``, ``sweep``, ``basins``) import from here, not from
the package, so nothing imports back into ``optim/__init__``.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import fields

from optim.adagrad import Adagrad
from optim.adam import Adam, AdamW
from optim.momentum import Momentum, Nesterov
from optim.rmsprop import RMSprop
from optim.rule import Rule
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

"""Learning-rate schedules: ``get(name, lr=..., **kw)`` returns a :class:`Schedule`, a function
``t ↦ lr_t`` that a rule takes as its ``lr`` (optax's ScalarOrSchedule).

``t`` counts updates from 0 (the first update uses ``lr_t(0)``), so the values equal torch's
StepLR, ExponentialLR and CosineAnnealingLR stepped once per update. Every function accepts an
integer array of ``t`` and broadcasts against an array ``lr`` (a sweep over starts), in the style
of optax's schedules.
"""

from __future__ import annotations

import functools
import inspect
from dataclasses import dataclass, field

import numpy as np

from optim.rule import check_range

_INF = float("inf")


def constant(lr: float):
    """lr_t = lr."""
    return lambda t: lr * np.ones_like(t, dtype=float)


def step(lr: float, step_size: int = 100, gamma: float = 0.1):
    """lr_t = lr · γ^⌊t / step_size⌋, as torch's StepLR."""
    _check_count("step_size", step_size)
    check_range("gamma", gamma, 0, 1)
    return lambda t: lr * gamma ** (np.asarray(t) // step_size)


def exponential(lr: float, gamma: float = 0.99):
    """lr_t = lr · γ^t, as torch's ExponentialLR."""
    check_range("gamma", gamma, 0, 1)
    return lambda t: lr * gamma ** np.asarray(t, dtype=float)


def cosine(lr: float, t_max: int = 100, eta_min: float = 0.0):
    """lr_t = η_min + (lr − η_min)(1 + cos(π t / t_max)) / 2, as torch's CosineAnnealingLR."""
    _check_count("t_max", t_max)
    check_range("eta_min", eta_min, 0, _INF)
    return lambda t: eta_min + (lr - eta_min) * (1 + np.cos(np.pi * np.asarray(t) / t_max)) / 2


def warmup_cosine(lr: float, warmup: int = 10, t_max: int = 100, eta_min: float = 0.0):
    """A linear warmup to lr over ``warmup`` updates, then cosine annealing to η_min by ``t_max``.

        lr_t = lr · (t + 1) / warmup                                  for t < warmup
        lr_t = η_min + (lr − η_min)(1 + cos(π (t − warmup) / (t_max − warmup))) / 2   after
    """
    _check_count("warmup", warmup)
    _check_count("t_max", t_max)
    if t_max <= warmup:
        raise ValueError(f"t_max must be larger than warmup, got t_max={t_max}, warmup={warmup}")
    check_range("eta_min", eta_min, 0, _INF)
    anneal = cosine(lr, t_max - warmup, eta_min)

    def schedule(t):
        t = np.asarray(t)
        return np.where(t < warmup, lr * (t + 1) / warmup, anneal(np.maximum(t - warmup, 0)))

    return schedule


@dataclass(frozen=True, eq=False)
class Schedule:
    """A named schedule starting from ``lr`` (a number, or an ``(n, 1)`` array: one per start)."""

    name: str
    lr: float | np.ndarray
    parameters: dict = field(default_factory=dict)
    function: object = None

    def __call__(self, t):
        return self.function(t)


class Rows:
    """Learning rates stacked over rows: row block i follows ``lrs[i]`` (a number or a schedule).
    ``lr`` is the ``(n, 1)`` array of starting rates; called with ``t`` of shape ``(steps, 1, 1)`` it
    gives ``(steps, n, 1)``."""

    def __init__(self, lrs):
        self.lrs = list(lrs)
        self.lr = np.array([[float(np.ravel(_start(lr))[0])] for lr in self.lrs])

    def __call__(self, t):
        t = np.asarray(t)
        return np.concatenate([np.broadcast_to(_values(lr, t), t.shape) for lr in self.lrs], axis=-2)


def _start(lr):
    return lr.lr if isinstance(lr, (Schedule, Rows)) else lr


def _values(lr, t):
    return lr(t) if callable(lr) else float(lr) * np.ones_like(t, dtype=float)


_SCHEDULES = {f.__name__: f for f in (constant, step, exponential, cosine, warmup_cosine)}


def names() -> list[str]:
    return list(_SCHEDULES)


def parameters(name: str) -> dict:
    """The schedule's own parameters (besides ``lr``) and their defaults (a fresh dict each call)."""
    return dict(_parameters(name))


@functools.cache  # inspect.signature was ~40 % of parsing a link; only known names get here (else raises)
def _parameters(name: str) -> tuple:
    signature = inspect.signature(_factory(name))
    return tuple((k, p.default) for k, p in signature.parameters.items() if k != "lr")


def get(name: str, lr: float, **kw):
    """The schedule ``name`` starting from ``lr``; unknown names or parameters raise ``ValueError``."""
    factory = _factory(name)
    unknown = set(kw) - set(parameters(name))
    if unknown:
        raise ValueError(
            f"schedule {name!r} has no parameter {', '.join(sorted(unknown))}; "
            f"it takes {', '.join(parameters(name)) or 'only lr'}"
        )
    check_range("lr", lr, 0, _INF)
    return Schedule(name, lr, dict(kw), factory(lr, **kw))


def _factory(name):
    try:
        return _SCHEDULES[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown schedule {name!r}; choose one of: {', '.join(_SCHEDULES)}") from None


def _check_count(name, value):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be a whole number ≥ 1, got {value!r}")

"""What every update rule shares: validation of hyperparameters and the pure ``update`` wrapper."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import ClassVar

import numpy as np


def check_range(name, value, low, high, *, low_open=False, high_open=False):
    """Raise ``ValueError`` unless every entry of ``value`` is finite and in the interval."""
    arr = np.asarray(value, dtype=float) if _is_number(value) else None
    if arr is None:
        raise ValueError(f"{name} must be a number, got {value!r}")
    below = arr <= low if low_open else arr < low
    above = arr >= high if high_open else arr > high
    if not np.all(np.isfinite(arr)) or np.any(below) or np.any(above):
        left, right = "(" if low_open else "[", ")" if high_open else "]"
        raise ValueError(f"{name} must be in {left}{low:g}, {high:g}{right}, got {_show(value)}")


def has_decay(weight_decay) -> bool:
    # the plain-float test first: np.any costs a few µs, a tenth of a step on 10 000 starts
    return weight_decay != 0.0 if isinstance(weight_decay, float) else bool(np.any(weight_decay))


def _is_number(value) -> bool:
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError):
        return False
    return arr.dtype.kind in "biuf"


def _show(value) -> str:
    arr = np.asarray(value)
    return f"{arr.item():g}" if arr.size == 1 else f"an array with values in [{arr.min():g}, {arr.max():g}]"


@dataclass(frozen=True)
class Rule:
    """Base of the update rules: ``init`` makes the buffers, ``step_`` applies one update in place.

    ``update`` is the pure form (``params, grad, state, lr, t -> params, state``) in the style of
    optax; the engine calls ``step_`` on preallocated arrays instead, so one run of 10 000 starts
    allocates nothing per step. ``t`` counts updates from 1 and ``lr`` is this update's learning rate.
    """

    name = "rule"
    buffers: ClassVar[tuple[str, ...]] = ()

    def hyperparameters(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def init(self, params: np.ndarray) -> dict[str, np.ndarray]:
        return {key: np.zeros_like(params, dtype=float) for key in self.buffers}

    def update(self, params, grad, state, lr, t):
        params = np.array(params, dtype=float)
        grad = np.array(grad, dtype=float)
        state = {key: np.array(value, dtype=float) for key, value in state.items()}
        self.step_(params, grad, state, lr, t, np.empty_like(params))
        return params, state

    def step_(self, params, grad, state, lr, t, tmp) -> None:
        """Update ``params`` and ``state`` in place; ``grad`` and ``tmp`` may be overwritten."""
        raise NotImplementedError

    def _decay_grad(self, params, grad, tmp) -> None:
        """Classic (coupled) L2 weight decay as torch applies it: ``g += λθ``."""
        if has_decay(self.weight_decay):
            np.multiply(params, self.weight_decay, out=tmp)
            grad += tmp

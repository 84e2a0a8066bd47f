"""What every update rule shares: its declaration (title, colour, knobs, lr family), validation of
hyperparameters, and the pure ``update`` wrapper."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import ClassVar

import numpy as np


@dataclass(frozen=True)
class Knob:
    """One hyperparameter as a page shows it: URL key (also the widget's key), label, range, default.

    ``param`` is torch's keyword; ``index`` picks an entry of a tuple keyword (``betas[0]``).
    """

    key: str  # "momentum", "beta1": the URL key, the same for every rule that has the knob
    param: str  # torch's name: "momentum", "betas", "weight_decay"
    label: str
    low: float
    high: float
    default: float | bool
    widget: str = "slider"  # "slider", "number" or "toggle"
    step: float | None = None
    format: str | None = None
    log: bool = False  # positive only, spans decades
    advanced: bool = False  # shown under "Advanced"
    index: int | None = None
    help: str | None = None


def weight_decay_knob(default: float = 0.0, label: str = "Weight decay λ") -> Knob:
    return Knob("wd", "weight_decay", label, 0.0, 1.0, default, widget="number", step=0.001, format="%.4g",
                advanced=True)


def eps_knob(default: float = 1e-8) -> Knob:
    return Knob("eps", "eps", "ε", 1e-12, 1.0, default, widget="number", format="%.2e", log=True, advanced=True)


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


def check_lr(lr) -> None:
    """A learning rate is a number ≥ 0 (or an array of them), or a schedule ``t ↦ lr_t``
    (optax's ScalarOrSchedule): the engine checks a schedule's values when it runs."""
    if not callable(lr):
        check_range("lr", lr, 0, float("inf"))


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

    Each rule also declares what a page needs to show it: ``title``, ``color`` (the same on every
    chart), ``knobs`` (its hyperparameters besides lr, as :class:`Knob`), ``lr_family`` (how its
    learning rate relates to a surface's: ``("gradient", factor)`` for rules whose step scales with
    the gradient, ``("adaptive", factor)`` for those whose step is about lr long), and ``explain``:
    its update written symbolically and with one step's numbers.
    """

    name: ClassVar[str] = "rule"
    title: ClassVar[str] = "Rule"
    color: ClassVar[str] = "#ffffff"
    marker: ClassVar[str] = "circle"  # the symbol of its end point on a race
    # its line's dash on a race (plotly's names): with the hue and the end's symbol, no two racers
    # look alike, in colour-blind eyes too (Okabe–Ito colours; vermillion and orange never both solid)
    dash: ClassVar[str] = "solid"
    carried_label: ClassVar[str] = ""  # what :meth:`carried_step` draws, for the arrow's key
    knobs: ClassVar[tuple[Knob, ...]] = ()
    lr_family: ClassVar[tuple[str, float]] = ("gradient", 1.0)
    stable_lr_formula: ClassVar[str] = ""  # stable_lr in words, e.g. "2/L"
    buffers: ClassVar[tuple[str, ...]] = ()
    # torch.optim's class for this rule and the arguments the rule implies (Nesterov: nesterov=True);
    # its hyperparameters already carry torch's names
    torch: ClassVar[tuple[str, dict] | None] = None
    # the update as NumPy lines for a script a learner runs (optim.as_code): ``p`` the point, ``g`` its
    # gradient, ``lr`` this update's rate, ``t`` the update's number from 1, ``{name}`` a hyperparameter
    # (``{beta1}``, ``{beta2}`` for betas); a line starting "[wd] " is kept only with weight decay, "[bc] "
    # only with bias correction, "[no bc] " only without. ``numpy_init``: the buffers before the loop.
    numpy_init: ClassVar[tuple[str, ...]] = ()
    numpy: ClassVar[tuple[str, ...]] = ()

    def hyperparameters(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_knobs(cls, lr, values: dict) -> Rule:
        """The rule with learning rate ``lr`` (a number or a schedule) and knob values by URL key."""
        hyper: dict = {"lr": lr}
        for knob in cls.knobs:
            if knob.key not in values:
                continue
            if knob.index is None:
                hyper[knob.param] = values[knob.key]
            else:
                pair = list(hyper.get(knob.param, _field_default(cls, knob.param)))
                pair[knob.index] = values[knob.key]
                hyper[knob.param] = tuple(pair)
        return cls(**hyper)

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

    def explain(self, step: dict) -> list[tuple[str, str]]:
        """``(symbols, numbers)`` LaTeX pairs for one update, from ``step`` (see optim.latex)."""
        raise NotImplementedError

    def carried_step(self, step: dict) -> np.ndarray | None:
        """The part of each update that the rule carries over from earlier gradients, as a
        displacement (momentum's −ημ b, Adam's −η m̂), or None for a rule without such a buffer.

        ``step`` holds arrays over updates: ``lr`` and ``t`` of shape (n,), each buffer and its
        ``<buffer>_prev`` of shape (n, 2), as :func:`viz.equations.step_values` names them.
        """
        return None

    def stable_lr(self, curvature: float) -> float | None:
        """On a quadratic whose largest curvature is ``curvature``: the learning rate above which this
        rule diverges, where theory gives one."""
        return None

    def _decay_grad(self, params, grad, tmp) -> None:
        """Classic (coupled) L2 weight decay as torch applies it: ``g += λθ``."""
        if has_decay(self.weight_decay):
            np.multiply(params, self.weight_decay, out=tmp)
            grad += tmp


def _field_default(cls, name):
    return next(f.default for f in fields(cls) if f.name == name)

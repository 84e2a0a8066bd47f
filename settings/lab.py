"""URL ⇄ state for the learning-rate lab.

Keys: ``surface`` (and ``f``, ``view`` for a typed formula), ``opt``, ``lr`` (where the live picture's
rate slider stands), the optimizer's knobs (the momentum-like one is the live picture's second slider),
``sched`` and its parameters (the schedules part), ``steps``, ``x0``, ``y0``; and the lab's own:

- ``part``: what shows under the live picture: ``line`` (one dimension first), ``regimes`` (three
  rates side by side and the sweep), ``map`` (momentum's (α, β) map) or ``schedule``;
- ``slow``, ``right``, ``fast``: the three regimes' rates (absent: chosen for the surface from the sweep);
- ``line``: the one-dimensional function, ``parabola`` or ``double_well``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import landscapes.lines
import optim
import settings
from settings import Settings
from settings.readers import Choice, Number, fmt, narrowed, show

PARTS = ("line", "regimes", "map", "schedule")
DEFAULT_PART = "regimes"
REGIMES = ("slow", "right", "fast")  # too small, just right, too large
RATE = Number(1e-6, 100.0, log=True)
DEFAULT_LINE = "parabola"
OWN_KEYS = ("part", *REGIMES, "line")
RUN_KEYS = ("surface", "f", "view", "opt", "lr", "sched", "steps", "x0", "y0")


@dataclass(frozen=True)
class LabSettings:
    run: Settings  # surface, optimizer, its knobs, the live rate, schedule, steps, start
    part: str = DEFAULT_PART
    slow: float | None = None  # None: chosen from the sweep
    right: float | None = None
    fast: float | None = None
    line: str = DEFAULT_LINE

    @property
    def regimes(self) -> dict[str, float | None]:
        return {key: getattr(self, key) for key in REGIMES}


@dataclass(frozen=True)
class RateFree:
    """A run without a learning rate: what the lab's sweeps and its live grid run and are cached on.
    They try many rates at once, so moving the rate (or the momentum-like knob the grid varies) never
    runs the engine again. A constant rate (no schedule) and the full batch."""

    surface: str
    f: str
    view: tuple
    opt: str
    knobs: tuple  # ((key, value), …) in the rule's order
    steps: int
    x0: float
    y0: float

    @property
    def landscape(self):
        return settings.surface_of(self.surface, self.f, self.view)


def rate_free(s: Settings) -> RateFree:
    """The run ``s`` describes, without its rate and its schedule."""
    return RateFree(s.surface, s.f, s.view, s.opt, s.knobs, s.steps, s.x0, s.y0)


def hyperparameters(opt: str, knobs) -> dict:
    """The rule's keyword arguments (torch's names) from its knobs ``((key, value), …)``, without ``lr``:
    the rates come from a sweep. (``from_knobs`` reads the knobs together, e.g. β₁ and β₂ into
    ``betas``; the rule's own default rate stands in for it there and is dropped.)"""
    rule = optim.rule(opt)
    values = rule.from_knobs(rule.lr, dict(knobs)).hyperparameters()
    values.pop("lr")
    return values


def keys(s: Settings) -> tuple[str, ...]:
    """The run's URL keys the lab uses (no mini-batches, noise, seed or inspected step: its runs are
    full-batch and its pictures are live)."""
    return tuple(key for key in s.relevant if key not in ("batch", "noise", "seed", "k", "view3d"))


def parse_lab(query: Mapping) -> tuple[LabSettings, list[str]]:
    """Valid lab settings from any query, and a note for every value that had to be changed."""
    allowed = {*RUN_KEYS, *settings.all_knob_keys(), *settings.all_schedule_keys(), *OWN_KEYS}
    raw, notes = settings.single_values(query, allowed, " of this page")
    run, found = settings.parse({key: value for key, value in raw.items() if key not in OWN_KEYS})
    notes += found

    def read(reader, key, default):
        value, note = reader.read(key, raw[key], default) if key in raw else (default, None)
        notes.extend([note] if note else [])
        return value

    part = read(Choice(PARTS), "part", DEFAULT_PART)
    line = read(Choice(tuple(landscapes.lines.LINES)), "line", DEFAULT_LINE)
    rates = {key: _rate(key, raw.get(key, ""), notes) for key in REGIMES}
    return LabSettings(run, part, **rates, line=line), notes


def _rate(key: str, raw: str, notes: list) -> float | None:
    """A regime's rate, or None (the sweep chooses it) when absent, ``auto`` or not a number."""
    if raw in ("", "auto"):
        return None
    text = narrowed(raw)  # as RATE reads it: float() alone also takes "0\x85" and other scripts' digits
    try:
        finite = text is not None and len(text) <= 40 and math.isfinite(float(text))
    except ValueError:
        finite = False
    if not finite:
        notes.append(f"{key}={show(raw)} is not a finite number; the sweep chooses it")
        return None
    value, note = RATE.read(key, raw, None)
    notes.extend([note] if note else [])
    return value


def to_lab_query(b: LabSettings) -> dict[str, str]:
    full = settings.to_query(b.run)
    query = {key: full[key] for key in keys(b.run)}
    if b.part != DEFAULT_PART:
        query["part"] = b.part
    if b.line != DEFAULT_LINE:
        query["line"] = b.line
    query.update({key: fmt(value) for key, value in b.regimes.items() if value is not None})
    return query


def widget_values(b: LabSettings) -> dict:
    """Every control by URL key, as the page seeds it (a regime left to the sweep shows empty)."""
    every = settings.values(b.run)
    return {**{key: every[key] for key in (*keys(b.run), *settings.schedule_keys(b.run.sched)) if key in every},
            "f": every["f"], "view": every["view"], "sched": b.run.sched, "part": b.part, "line": b.line,
            **b.regimes}

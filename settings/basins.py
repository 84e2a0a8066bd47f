"""URL ⇄ state for the basins page: a surface, an optimizer with its knobs, the steps, and the grid.

Keys: ``surface``, ``opt``, ``lr``, the optimizer's knobs, ``steps`` (as on the descent page), and
``n``: the grid has n × n starts (data surfaces cost a mean over their samples per start, so their
grid is smaller).
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping
from dataclasses import dataclass

import landscapes
import settings
from landscapes.cost import relative_cost
from settings import PAGE_KEYS, Settings
from settings.readers import Number, show

GRID = (20, 300, 200)  # low, high, default
DATA_GRID = (20, 120, 50)
# One map computes at most this many sample-steps (starts × steps × samples per loss, 1 on analytic
# surfaces): up to ~100 ns each on Ackley's exponentials, the dearest (bench/slowest.py: 45 M took
# 4.3 s on 2026-12-06), so a link holds the server for ~3 s at most. Beyond it the grid is made
# coarser (n lowered), with a note. A typed formula's step is priced by a probe against Ackley's
# (landscapes/cost.py): 19 arctangents of x*y cost ~11 Ackley steps with lambdify (a 31 s map).
WORK_BUDGET = 30_000_000


@dataclass(frozen=True)
class BasinsSettings:
    run: Settings  # surface, optimizer, lr and knobs, steps (the rest at their defaults)
    n: int


def keys(s: Settings) -> tuple[str, ...]:
    custom = ("f", "view") if s.surface == settings.CUSTOM else ()
    return ("surface", *custom, "opt", "lr", *settings.knob_keys(s.opt), "steps")


def grid_range(surface: str) -> tuple[int, int, int]:
    """A typed formula is never a data surface."""
    return DATA_GRID if surface != settings.CUSTOM and landscapes.get(surface).is_data else GRID


def parse_basins(query: Mapping) -> tuple[BasinsSettings, list[str]]:
    allowed = {"surface", "f", "view", "opt", "lr", "steps", *settings.all_knob_keys()}
    own, notes = {}, []
    for key, value in query.items():
        if key in allowed:
            own[key] = value
        elif key not in ("n", *PAGE_KEYS) and len(notes) < 5:
            notes.append(f"{show(key)} is not a setting of this page; ignored")
    own.setdefault("surface", landscapes.BASINS_DEFAULT)
    run, found = settings.parse(own)
    low, high, default = grid_range(run.surface)
    n, note = Number(low, high, whole=True).read("n", _last(query["n"]), default) if "n" in query else (default, None)
    notes = notes + found + ([note] if note else [])
    most = max_n(run)
    if n > most:
        notes.append(f"n={n} with {run.steps} steps is more than one map may compute; using n={most}")
        n = most
    steps = max_steps(run, n)
    if run.steps > steps:
        notes.append(f"steps={run.steps} on a {n} × {n} grid is more than one map of this formula may compute; "
                     f"using steps={steps}")
        run = dataclasses.replace(run, steps=steps)
    return BasinsSettings(run, n), notes


def widget_values(b: BasinsSettings) -> dict:
    """The page's controls by URL key: the run's (a typed formula's too) and ``n``."""
    every = settings.values(b.run)
    return {**{key: every[key] for key in keys(b.run) if key in every}, "f": every["f"], "view": every["view"],
            "n": b.n}


def max_n(run: Settings) -> int:
    """The most starts per side (a multiple of 10, at least the grid's least) within WORK_BUDGET."""
    low, high, _ = grid_range(run.surface)
    fits = int((WORK_BUDGET / (run.steps * step_cost(run))) ** 0.5) // 10 * 10
    return int(min(high, max(low, fits)))


def max_steps(run: Settings, n: int) -> int:
    """The most steps an n × n map of a typed formula may take within WORK_BUDGET (one dear enough to pass
    it even on the least grid), at least 1. (A declared data surface keeps its steps: its least grid is
    the bound bench/slowest.py measures.)"""
    if run.surface != settings.CUSTOM:
        return run.steps
    return int(max(1, min(run.steps, WORK_BUDGET // (n * n * step_cost(run)))))


def step_cost(run: Settings) -> float:
    """One start's step in sample-steps: the samples a loss averages on a data surface, a typed formula's
    measured cost in Ackley steps (at least 1), 1 on a declared analytic surface."""
    if run.surface == settings.CUSTOM:
        return _formula_cost(run.f, run.view)
    return max(1, run.landscape.n_samples)


@functools.lru_cache(maxsize=64)
def _formula_cost(f: str, view: tuple) -> float:
    return relative_cost(settings.surface_of(settings.CUSTOM, f, view))


def _last(value):
    return value[-1] if isinstance(value, (list, tuple)) and value else value


def to_basins_query(b: BasinsSettings) -> dict[str, str]:
    full = settings.to_query(b.run)
    return {**{key: full[key] for key in keys(b.run)}, "n": str(b.n)}

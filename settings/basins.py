"""URL ⇄ state for the basins page: a surface, an optimizer with its knobs, the steps, and the grid.

Keys: ``surface``, ``opt``, ``lr``, the optimizer's knobs, ``steps`` (as on the descent page), and
``n``: the grid has n × n starts (data surfaces cost a mean over their samples per start, so their
grid is smaller).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import landscapes
import settings
from settings import PAGE_KEYS, Settings
from settings.readers import Number, show

GRID = (20, 300, 200)  # low, high, default
DATA_GRID = (20, 120, 50)
# One map computes at most this many sample-steps (starts × steps × samples per loss, 1 on analytic
# surfaces): up to ~100 ns each on Ackley's exponentials, the dearest (bench/slowest.py: 45 M took
# 4.3 s on 2026-12-06), so a link holds the server for ~3 s at most. Beyond it the grid is made
# coarser (n lowered), with a note.
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
    return BasinsSettings(run, n), notes


def max_n(run: Settings) -> int:
    """The most starts per side (a multiple of 10, at least the grid's least) within WORK_BUDGET."""
    low, high, _ = grid_range(run.surface)
    samples = max(1, run.landscape.n_samples)
    fits = int((WORK_BUDGET / (run.steps * samples)) ** 0.5) // 10 * 10
    return int(min(high, max(low, fits)))


def _last(value):
    return value[-1] if isinstance(value, (list, tuple)) and value else value


def to_basins_query(b: BasinsSettings) -> dict[str, str]:
    full = settings.to_query(b.run)
    return {**{key: full[key] for key in keys(b.run)}, "n": str(b.n)}

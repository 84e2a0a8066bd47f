"""URL ⇄ state for the practice page (here, beside the exercises it names: ``settings`` never reads
``lessons``; ``lessons`` reads ``settings``).

Keys: ``seed`` (the numbers: a teacher shares one, a student may draw new ones), ``set`` (a comma
list of exercise ids, in the order to work through them; all of them when absent), ``ex`` (the
exercise on screen, one of the set), plus the page keys ``hide`` and ``present``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from lessons import exercises
from settings import PAGE_KEYS
from settings.readers import Number, listed, show

DEFAULT_SEED = 1
MAX_SET = 60


@dataclass(frozen=True)
class Practice:
    seed: int
    exercises: tuple[str, ...]  # the set, in order
    ex: str  # the one on screen

    @property
    def position(self) -> int:
        return self.exercises.index(self.ex)


def parse_practice(query: Mapping) -> tuple[Practice, list[str]]:
    """Valid practice state from any query, and a note for every value that had to be changed."""
    raw, notes = {}, []
    for key, value in query.items():
        if isinstance(value, (list, tuple)):
            value = value[-1] if value else ""
        if key in ("seed", "set", "ex"):
            raw[key] = str(value)
        elif key not in PAGE_KEYS and len(notes) < 5:
            notes.append(f"{show(key)} is not a setting of this page; ignored")
    seed, note = Number(0, 2**31 - 1, whole=True).read("seed", raw["seed"], DEFAULT_SEED) if "seed" in raw \
        else (DEFAULT_SEED, None)
    notes += [note] if note else []
    exercises = _set(raw.get("set"), notes)
    ex = raw.get("ex", exercises[0])
    if ex not in exercises:
        notes.append(f"ex={show(ex)} is not an exercise of this set; showing the first")
        ex = exercises[0]
    return Practice(seed, exercises, ex), notes


def _set(raw: str | None, notes: list[str]) -> tuple[str, ...]:
    if raw is None:
        return tuple(exercises.ids())
    known = exercises.ids()
    chosen, found = listed("set", raw, known, ("an exercise", "exercises"), MAX_SET)
    notes += found
    if not chosen:
        notes.append(f"set={show(raw)} names no exercise; showing all of them")
        return tuple(known)
    return tuple(chosen)


def to_practice_query(p: Practice) -> dict[str, str]:
    out = {"seed": str(p.seed), "ex": p.ex}
    if list(p.exercises) != exercises.ids():
        out["set"] = ",".join(p.exercises)
    return out


def widget_values(p: Practice) -> dict:
    """The page's controls by URL key: the numbers' seed and the exercise on screen."""
    return {"seed": p.seed, "ex": p.ex}

"""The exercises as data (exercises.toml): what each asks, how its numbers are drawn, how it is
answered and which picture shows its idea. Their numbers and answers: :mod:`lessons.practice`."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

EXERCISES_FILE = Path(__file__).with_name("exercises.toml")


@dataclass(frozen=True)
class Exercise:
    id: str
    title: str
    kind: str  # "number" or "choice"
    solver: str
    prompt: str
    hint: str
    explanation: str
    link: dict  # {"page", "query"} or {"lesson"}
    params: dict = field(default_factory=dict)  # name → [low, high, step]
    choices: list = field(default_factory=list)  # for "choice": the right one first (the page shuffles)
    tolerance: float | None = None  # absolute
    tolerance_rel: float | None = None
    figure: str | None = None  # "loss_curve" or "point"



def load(path: Path = EXERCISES_FILE) -> list[Exercise]:
    with path.open("rb") as f:
        return [Exercise(**entry) for entry in tomllib.load(f)["exercise"]]


EXERCISES = load()


def ids() -> list[str]:
    return [ex.id for ex in EXERCISES]


def get(exercise_id: str) -> Exercise:
    for ex in EXERCISES:
        if ex.id == exercise_id:
            return ex
    raise ValueError(f"unknown exercise {exercise_id!r}; choose one of: {', '.join(ids())}")

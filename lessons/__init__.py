"""Classroom presets as data (presets.toml): each a full state of a page (descent, race, basins,
batches, the learning-rate lab) with a two-sentence caption of what to watch."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from settings import parse, to_query
from settings.basins import parse_basins, to_basins_query
from settings.batches import parse_batches, to_batches_query
from settings.lab import parse_lab, to_lab_query
from settings.race import parse_race, to_race_query

# page → URL path
PAGES = {"descent": "", "race": "race", "basins": "basins", "batches": "batches", "learning_rate": "learning_rate"}
PRESETS_FILE = Path(__file__).with_name("presets.toml")
# the pages with one optimizer and one ``lr``: their parser (a state with ``lr``, or with ``run.lr``)
SINGLE_RATE_PAGES = {"descent": parse, "basins": parse_basins, "learning_rate": parse_lab}


@dataclass(frozen=True)
class Preset:
    id: str
    title: str
    page: str
    caption: str
    query: dict  # as written in presets.toml: only what differs from the defaults

    def full_query(self) -> dict[str, str]:
        """Every setting of the picture, so the link never depends on today's defaults."""
        extra = {k: self.query[k] for k in ("hide", "present") if k in self.query}
        if self.page == "race":
            return {**to_race_query(parse_race(self.query)[0]), **extra}
        if self.page == "basins":
            return {**to_basins_query(parse_basins(self.query)[0]), **extra}
        if self.page == "batches":
            return {**to_batches_query(parse_batches(self.query)[0]), **extra}
        if self.page == "learning_rate":
            return {**to_lab_query(parse_lab(self.query)[0]), **extra}
        return {**to_query(parse(self.query)[0]), **extra}

    def link(self) -> str:
        return f"/{PAGES[self.page]}?{urlencode(self.full_query())}"

    def keeps_rate(self, opt: str, lr: float) -> bool:
        """Whether switching this lesson's optimizer to ``opt`` keeps the learning rate ``lr``: yes
        while ``lr`` is still the rate the lesson set (its query names ``lr``) and ``opt`` takes that
        rate as it is. So a caption that invites "switch the optimizer to …, lr = 0.1" stays true after
        the switch; a rate the learner moved, or a lesson without one, gives way to the new optimizer's
        own default."""
        if "lr" not in self.query or self.page not in SINGLE_RATE_PAGES or float(self.query["lr"]) != lr:
            return False
        state, notes = SINGLE_RATE_PAGES[self.page]({**self.query, "opt": opt})
        return not notes and getattr(state, "run", state).lr == lr


def load(path: Path = PRESETS_FILE) -> list[Preset]:
    with path.open("rb") as f:
        return [Preset(**entry) for entry in tomllib.load(f)["preset"]]


PRESETS = load()


def keeps_rate(lesson_id: str, page: str, opt: str, lr: float) -> bool:
    """:meth:`Preset.keeps_rate` of the lesson open on ``page`` (False when none is)."""
    found = [p for p in PRESETS if p.id == lesson_id and p.page == page]
    return bool(found) and found[0].keeps_rate(opt, lr)


def get(preset_id: str) -> Preset:
    for preset in PRESETS:
        if preset.id == preset_id:
            return preset
    raise ValueError(f"unknown preset {preset_id!r}; choose one of: {', '.join(p.id for p in PRESETS)}")

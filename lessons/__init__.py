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


def load(path: Path = PRESETS_FILE) -> list[Preset]:
    with path.open("rb") as f:
        return [Preset(**entry) for entry in tomllib.load(f)["preset"]]


PRESETS = load()


def get(preset_id: str) -> Preset:
    for preset in PRESETS:
        if preset.id == preset_id:
            return preset
    raise ValueError(f"unknown preset {preset_id!r}; choose one of: {', '.join(p.id for p in PRESETS)}")

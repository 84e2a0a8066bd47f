"""Classroom presets as data (presets.toml): each a full state of a page a lesson may open (see
:func:`lessons.pages.lesson_pages`) with a two-sentence caption of what to watch."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from lessons import pages

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
        return {**pages.get(self.page).full_query(self.query), **extra}

    def link(self) -> str:
        return f"/{pages.get(self.page).url_path}?{urlencode(self.full_query())}"

    def keeps_rate(self, opt: str, lr: float) -> bool:
        """Whether switching this lesson's optimizer to ``opt`` keeps the learning rate ``lr``: yes
        while ``lr`` is still the rate the lesson set (its query names ``lr``) and ``opt`` takes that
        rate as it is. So a caption that invites "switch the optimizer to …, lr = 0.1" stays true after
        the switch; a rate the learner moved, or a lesson without one, gives way to the new optimizer's
        own default."""
        if "lr" not in self.query or float(self.query["lr"]) != lr:
            return False
        state, notes = pages.get(self.page).parse({**self.query, "opt": opt})
        one_rule = getattr(state, "run", state)  # a page with one optimizer: its state, or its state's run
        return not notes and getattr(one_rule, "lr", None) == lr


def load(path: Path = PRESETS_FILE) -> list[Preset]:
    with path.open("rb") as f:
        presets = [Preset(**entry) for entry in tomllib.load(f)["preset"]]
    wrong = [f"{p.id} ({p.page})" for p in presets if p.page not in pages.lesson_pages()]
    if wrong:
        raise ValueError(f"presets on a page no lesson may open: {', '.join(wrong)}")
    return presets


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

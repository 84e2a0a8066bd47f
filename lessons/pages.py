"""The pages, one entry each: where its script is, its title and icon, how its link reads and writes
(its URL codec, which lives beside the page's other facts in ``settings``, or here in ``lessons`` for
the practice page's exercises), and whether a lesson may open it.

``app.py``'s navigation, the page-state flow (``app_pages.state.sync``), the lesson gallery, the links
between pages and ``tools/screenshots.py`` all read :data:`PAGES`: a new page is its script plus one
entry here. Pure data, no Streamlit. In ``lessons``, not ``settings``: the practice page's codec names
the exercises, and ``lessons`` reads ``settings`` (never the other way round).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import settings
from lessons import practice_state
from settings import basins, batches, lab, network, race


@dataclass(frozen=True)
class Page:
    name: str  # its URL path (the default page's is "/") and the key of its state in the session
    path: str  # its script, relative to app.py
    title: str
    icon: str
    # the URL codec, None for a page with no state of its own (the lesson gallery):
    parse: Callable[[Mapping], tuple[Any, list[str]]] | None = None  # any query → (valid state, notes)
    to_query: Callable[[Any], dict[str, str]] | None = None  # state → the query that gives it back
    widgets: Callable[[Any], dict[str, Any]] | None = None  # state → the value each control shows, by URL key
    lessons: bool = False  # a lesson (presets.toml) may open it
    default: bool = False  # what "/" opens

    @property
    def url_path(self) -> str:
        return "" if self.default else self.name

    def full_query(self, query: Mapping) -> dict[str, str]:
        """Every setting of the state ``query`` describes (cleaned), so a link never depends on defaults."""
        return self.to_query(self.parse(query)[0])


PAGES: list[Page] = [
    Page("descent", "app_pages/descent.py", "Descent", ":material/landscape:", settings.parse, settings.to_query,
         settings.values, lessons=True, default=True),
    Page("race", "app_pages/race.py", "Race", ":material/sports_score:", race.parse_race, race.to_race_query,
         race.widget_values, lessons=True),
    Page("basins", "app_pages/basins.py", "Basins", ":material/scatter_plot:", basins.parse_basins,
         basins.to_basins_query, basins.widget_values, lessons=True),
    Page("batches", "app_pages/batches.py", "Batches", ":material/dataset:", batches.parse_batches,
         batches.to_batches_query, batches.widget_values, lessons=True),
    Page("learning_rate", "app_pages/learning_rate.py", "Learning rate", ":material/speed:", lab.parse_lab,
         lab.to_lab_query, lab.widget_values, lessons=True),
    Page("network", "app_pages/network.py", "Real network", ":material/hub:", network.parse_network,
         network.to_network_query, network.widget_values, lessons=True),
    Page("lessons", "app_pages/lessons.py", "Lessons", ":material/school:"),
    Page("practice", "app_pages/practice.py", "Practice", ":material/quiz:", practice_state.parse_practice,
         practice_state.to_practice_query, practice_state.widget_values),
]


def names() -> list[str]:
    return [page.name for page in PAGES]


def get(name: str) -> Page:
    for page in PAGES:
        if page.name == name:
            return page
    raise ValueError(f"unknown page {name!r}; choose one of: {', '.join(names())}")


def lesson_pages() -> list[str]:
    """The pages a lesson may open, in the navigation's order."""
    return [page.name for page in PAGES if page.lessons]

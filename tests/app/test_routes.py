"""Routes between the pages under AppTest, emulating what a browser does.

AppTest keeps the query params across ``switch_page``; a browser's sidebar link drops them. So a
sidebar step here clears ``at.query_params`` first, and a lesson link sets exactly the query its
``st.page_link`` carries. The browser versions of these routes are in tests/e2e/test_routes.py.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

import pytest
from streamlit.testing.v1 import AppTest

import lessons
from tests.app.conftest import APP

ROOT = Path(APP).parent
FILES = {"Descent": "app_pages/descent.py", "Race": "app_pages/race.py", "Lessons": "app_pages/lessons.py"}
LESSON_PAGES = {"descent": "Descent", "race": "Race"}
HIDE = "surface,opt,steps,x0,y0"
REDACTED = "This app has encountered an error"  # client.showErrorDetails = "type" keeps only the type


def describe(exception) -> str:
    kind, message = exception.proto.type or "exception", exception.proto.message
    return kind if message.startswith(REDACTED) else f"{kind}: {message}"


class Walk:
    """One session's walk through the app; every step runs the page and fails on an exception."""

    def __init__(self):
        self.at = AppTest.from_file(APP, default_timeout=60)
        self.page: str | None = None
        self.link_query: dict = {}  # the address the last lesson link opened
        self.steps: list[str] = []
        # The browser's history as Streamlit 1.67 fills it: an entry for the address a step went to,
        # and another when the page then writes a different query (pushState); on the way back the
        # page's rewrite replaces the entry instead (replaceState).
        self.history: list[tuple[str, dict]] = []

    def go(self, name: str, query: dict, step: str, back: bool = False) -> Walk:
        self.steps.append(step)
        self.at.query_params.clear()
        self.at.query_params.update(query)
        if not back:
            self.history.append((name, dict(query)))
        self.run(name)
        if self.query != self.history[-1][1]:
            if back:
                self.history[-1] = (name, self.query)
            else:
                self.history.append((name, self.query))
        return self

    def open(self, name: str, query: dict | None = None) -> Walk:
        """A fresh address typed in: the page with this query."""
        return self.go(name, query or {}, f"open {name}" + (f"?{urlencode(query)}" if query else ""))

    def nav(self, name: str) -> Walk:
        """A sidebar link: the browser drops the query string."""
        return self.go(name, {}, f"sidebar → {name}")

    def switch(self, name: str) -> Walk:
        """``switch_page`` as AppTest does it: the previous page's query stays."""
        self.steps.append(f"switch_page (query kept) → {name}")
        return self.run(name)

    def lesson(self, title: str) -> Walk:
        """The "Open" link of a lesson on the Lessons page: its page with exactly the link's query."""
        assert self.page == "Lessons", f"{self.route}: not on the Lessons page"
        preset = next(p for p in lessons.PRESETS if p.title == title)
        wanted = preset.full_query().items()
        links = [dict(parse_qsl(link.proto.query_string, keep_blank_values=True)) for link in self.at.get("page_link")]
        found = [query for query in links if wanted <= query.items()]
        assert len(found) == 1, f"{self.route}: {len(found)} links open {title!r}"
        self.link_query = found[0]
        return self.go(LESSON_PAGES[preset.page], found[0], f"lesson {title!r}")

    def back(self) -> Walk:
        """The browser's back button: the previous entry of the history, with its address."""
        self.history.pop()
        name, query = self.history[-1]
        return self.go(name, query, "back", back=True)

    def run(self, name: str) -> Walk:
        self.at.switch_page(FILES[name]).run()
        self.page = name
        shown = [describe(e) for e in self.at.exception]
        assert not shown, f"{self.route}: the page raised {shown} (its traceback is in the captured stderr)"
        return self

    @property
    def route(self) -> str:
        return " → ".join(self.steps)

    @property
    def query(self) -> dict:
        return dict(self.at.query_params)


# ---- the browser's routes ----------------------------------------------------------------------

def test_descent_race_descent():
    Walk().open("Descent").nav("Race").nav("Descent")


def test_race_descent_race():
    Walk().open("Race").nav("Descent").nav("Race")


def test_lesson_links_and_back_to_the_lessons():
    walk = Walk().open("Lessons").lesson("Momentum crosses the ravine")
    assert walk.query["opt"] == "sgd,momentum"
    walk.nav("Lessons").lesson("A learning rate that is just right")
    assert walk.page == "Descent" and walk.query["lr"] == "0.4"
    walk.nav("Race")


def test_a_long_walk_over_every_page_and_back():
    walk = Walk().open("Descent")
    for name in ("Lessons", "Race", "Descent", "Race", "Lessons", "Descent"):
        walk.nav(name)
    walk.back().back()
    # Lessons: the Descent page's query write made a second history entry; Race without it
    assert walk.page in {"Lessons", "Race"}


def test_lesson_links_and_the_back_button():
    """One Back press returns from a lesson to the gallery: the lesson's page keeps the address its
    link opened (a rewrite is a second history entry in a browser; see tests/e2e/test_routes.py)."""
    for title in ("Momentum crosses the ravine", "Escaping a saddle"):
        walk = Walk().open("Lessons").lesson(title)
        assert walk.query == walk.link_query, f"{walk.route}: the page rewrote the address its link opened"
        walk.back()
        assert walk.page == "Lessons", f"{walk.route}: Back stayed on {walk.page}"


def assert_hidden(walk: Walk) -> None:
    """A hide= link's controls stay out of sight, and hide= stays in the URL."""
    at, problems = walk.at, []
    if walk.query.get("hide") != HIDE:
        problems.append(f"hide= lost: {walk.query}")
    if any(w.key == "surface" for w in at.selectbox):
        problems.append("the Surface select is shown")
    if any(w.key == "steps" for w in at.slider):
        problems.append("the Steps slider is shown")
    assert not problems, f"{walk.route}: {problems}"


def test_hidden_controls_stay_hidden_across_pages():
    walk = Walk().open("Descent", {"surface": "ravine", "opt": "sgd", "lr": "0.05", "hide": HIDE})
    assert_hidden(walk)
    walk.nav("Race")
    assert_hidden(walk)
    walk.nav("Descent")
    assert_hidden(walk)


@pytest.mark.parametrize("title", ["Momentum crosses the ravine", "A learning rate that is just right"])
def test_a_lesson_opened_in_presentation_mode_stays_in_it(title):
    walk = Walk().open("Lessons", {"present": "1"}).lesson(title)
    assert walk.query.get("present") == "1", f"{walk.route}: present=1 lost: {walk.query}"


# ---- AppTest's own route: the previous page's query kept across switch_page --------------------

def test_a_foreign_query_kept_by_switch_page_does_not_crash():
    walk = Walk().open("Descent")
    for name in ("Race", "Descent", "Lessons", "Race", "Descent"):
        walk.switch(name)
    walk.nav("Lessons").lesson("Momentum crosses the ravine").switch("Descent")
    walk.nav("Lessons").lesson("A learning rate that is just right").switch("Race")


# ---- what a visitor sees when a page does raise ---------------------------------------------------

def test_visitors_see_no_traceback():
    """``client.showErrorDetails = "type"``: the exception box shows the exception's type and a
    generic sentence, no message and no traceback (those go to the server's log). The box is still
    drawn, and AppTest still lists it in ``at.exception``, so the route tests here and in tests/e2e
    still catch a crash (checked by hand with a page that raises, in AppTest and in Chromium)."""
    with (ROOT / ".streamlit" / "config.toml").open("rb") as f:
        config = tomllib.load(f)
    assert config["client"]["showErrorDetails"] == "type"

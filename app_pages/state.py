"""The page-state flow every page uses: the URL seeds the widgets, the widgets write the URL.

A page's entry in the registry (:mod:`lessons.pages`) gives its name, its ``parse``/``to_query`` pair and
the widget values of a state; the page calls :func:`sync` with its name once, before drawing its
controls. On each run the state comes from exactly one place:

- a link: the URL holds a query this session did not write (a pasted link, a lesson opened from
  the gallery, the browser's back button): it is parsed, with notes on what had to be fixed, and
  its ``hide`` (or none) replaces the session's;
- arriving from another page with an empty query (a real browser clears it on navigation) or with
  the other page's own query (AppTest keeps it): the state this page had, or its defaults;
- otherwise the widgets: only those the user changed since the flow last set them, and never a
  hidden one, overlaid on the previous state and parsed like a link.

Then the page's ``shown`` (the player's step moved onto a frame) is applied, every widget is set to
the state's values (a learning rate's log slider too) and the URL to the state's query: once a run. ``hide`` (a
lesson link's comma list of controls) and ``present`` (presentation mode) stay in force for the
session, across the sidebar's links, until a link says otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from lessons import pages
from settings.readers import fmt

MAX_HIDDEN = 40
LR_SLIDER = "lr_slider"


def _phone() -> bool:
    """Whether the browser's user agent names a phone ("Mobile"): a guess until the picture is measured."""
    try:
        return "Mobi" in (st.context.headers.get("User-Agent") or "")
    except Exception:  # no browser behind this run (AppTest)
        return False


def sync(name: str, shown: Callable[[Any], Any] | None = None) -> tuple[Any, list[str]]:
    """This run's state of the page ``name`` and the notes on its link; widgets and URL set to match.
    ``shown``: the state as the page shows it (the player's step moved onto a frame), if it differs."""
    page, ss = pages.get(name), st.session_state
    if "_narrow" not in ss:  # a phone says so: its first picture is then the stacked one (the bridge corrects either)
        ss["_narrow"] = _phone()
    query = _url()
    arrived = ss.get("_page") != page.name
    remembered = ss.get(f"_state.{page.name}")
    if query and query != ss.get("_url"):
        if "hide" not in query:  # a link says which controls it hides: none, when it names none
            ss["_hide"] = []
        if "lesson" not in query:  # and which lesson it opens, if any
            ss["_lesson"] = ""
        state, notes = page.parse(query)
    elif arrived or remembered is None:
        state, notes = (remembered, []) if remembered is not None else (page.parse({})[0], [])
    else:
        changed = _changed(page, remembered)
        if changed:
            state, notes = page.parse({**page.to_query(remembered), **changed})[0], []
        else:
            state, notes = remembered, ss.get(f"_notes.{page.name}", [])
    state = shown(state) if shown else state
    _seed(with_sliders(page.widgets(state)))
    write_url(page.to_query(state))
    ss["_page"], ss[f"_state.{page.name}"], ss[f"_notes.{page.name}"] = page.name, state, notes
    return state, notes


def with_sliders(widgets: dict[str, Any]) -> dict[str, Any]:
    """The widgets and the log slider above each learning-rate box (``lr``, a racer's ``lr.adam``):
    it shows the same rate (see ``controls.learning_rate``)."""
    return {**widgets, **{slider(key): value for key, value in widgets.items() if is_rate(key)}}


def is_rate(key: str) -> bool:
    return key == "lr" or key.startswith("lr.")


def slider(rate_key: str) -> str:
    """The key of the log slider above the exact box ``rate_key`` (``lr.adam`` → ``lr_slider.adam``)."""
    return LR_SLIDER + rate_key[2:]


def visit(name: str) -> None:
    """A page without state of its own (the lesson gallery): it keeps only the view keys in its URL."""
    write_url({})
    st.session_state["_page"] = name


def link_view() -> dict[str, str]:
    """What a link from this page adds to its own query: the session's presentation mode. (Its
    ``hide`` is its own: a link that names none shows every control.)"""
    return {"present": "1"} if presenting() else {}


def hidden() -> set[str]:
    """The controls a lesson link hides (``hide=lr,opt``), kept for the session."""
    if "hide" in st.query_params:
        raw = str(st.query_params.get("hide", ""))
        keys = [key.strip() for key in raw.split(",")[:MAX_HIDDEN] if key.strip()]
        st.session_state["_hide"] = list(dict.fromkeys(keys))  # the link's order, written back as it came
    return set(st.session_state.get("_hide", []))


def is_hidden(key: str, hide: set[str]) -> bool:
    """``lr`` hides every racer's ``lr.<optimizer>`` too."""
    return key in hide or key.split(".", 1)[0] in hide


def presenting() -> bool:
    """Presentation mode (``present=1``), kept for the session."""
    if "present" in st.query_params:
        st.session_state["_present"] = st.query_params.get("present") == "1"
    return bool(st.session_state.get("_present", False))


def lesson() -> str:
    """The lesson a link from the gallery opened (``lesson=<id>``), kept for the session like ``hide``."""
    if "lesson" in st.query_params:
        st.session_state["_lesson"] = str(st.query_params.get("lesson", ""))[:60]
    return st.session_state.get("_lesson", "")


def view_query() -> dict[str, str]:
    """The keys every page keeps in its URL: the session's ``hide``, ``present`` and ``lesson``."""
    out = {"lesson": lesson()} if lesson() else {}
    if hidden():
        out["hide"] = ",".join(st.session_state["_hide"])
    if presenting():
        out["present"] = "1"
    return out


def write_url(query: dict[str, str]) -> None:
    wanted = {**query, **view_query()}
    if _url() != wanted:
        st.query_params.from_dict(wanted)
    st.session_state["_url"] = wanted


def as_text(value) -> str:
    """A widget's value as the URL writes it."""
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)):
        return ",".join(map(str, value))
    return fmt(value)


def _url() -> dict[str, str]:
    return {key: st.query_params.get(key) for key in st.query_params}


def _changed(page: pages.Page, previous) -> dict[str, str]:
    """The widgets the user moved since the flow set them (callbacks included), hidden ones left out."""
    ss, seeded, hide = st.session_state, st.session_state.get("_seeded", {}), hidden()
    return {key: as_text(ss[key]) for key in page.widgets(previous)
            if key in ss and key in seeded and ss[key] != seeded[key] and not is_hidden(key, hide)}


def _seed(values: dict) -> None:
    for key, value in values.items():
        st.session_state[key] = value
    st.session_state["_seeded"] = dict(values)

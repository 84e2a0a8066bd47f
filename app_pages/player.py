"""The animated picture and its bridge to the page (see player.js): one current step for Play, the
scrubber, the step buttons, the worked equations, the 3D marker and the URL; a click sets the start.

The figure is drawn at the step a link, a page visit or a knob change asked for. When the bridge
reports a step, the figure is left as it is (same JSON, so the browser does not redraw it and keeps
where the player stands) and only what the server draws for that step follows.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import streamlit as st

import optim
from app_pages import lean, scripts
from settings.race import Race
from viz import player as player_figures
from viz import player_layout

_bridge = st.components.v2.component("downhill.player", js=scripts.bridge("player.js"))
KEY = "player"
NARROW_BELOW = 640  # pixels of picture width: below this, stack the parts
# What the bridge may report, else it is ignored: a crafted client can send JSON NaN, Infinity, 1e999
# (read as inf), an integer of 400 digits, true, text. A click is clamped into the view by the
# settings; beyond this it is no click on any picture. A step beyond the run's is clamped, with a note.
MAX_CLICK = 1e6
MAX_HEIGHT_SENT = 100_000  # pixels
# Streamlit's plotly.js chunk (its file name carries a hash of its build): a first visit's bridge fetches
# it while the server runs the picture (player.js, preloadPlotly). None: not found, nothing fetched early.
PLOTLY_CHUNK = next((p.name for p in (Path(st.__file__).parent / "static" / "static" / "js").glob("PlotlyChart.*.js")),
                    None)


def on_frame(state):
    """``state`` (a page's settings, or a race's racers, who share the step) with ``k`` on a step the
    picture has a frame for (every step up to 200, then every 2nd, 5th, …): the player, the equations
    and the 3D marker then all show the same step. The page-state flow applies it before it writes the
    URL (``state.sync(name, shown=player.on_frame)``), so a run writes the URL once."""
    first = state[0] if isinstance(state, Race) else state
    shown = player_figures.shown_step(first.steps, first.k)
    if shown == first.k:
        return state
    if isinstance(state, Race):
        return Race(tuple(dataclasses.replace(r, k=shown) for r in state), state.tune)
    return dataclasses.replace(state, k=shown)


def picture_step(k: int) -> int:
    """The step to draw the figure at: the last one drawn when only the bridge moved the step."""
    ss = st.session_state
    if not ss.pop("_step_from_player", False) or "_picture_step" not in ss:
        ss["_picture_step"] = k
    return ss["_picture_step"]


def narrow() -> bool:
    """Whether the browser said its picture is narrow (a phone): then the parts are stacked."""
    return bool(st.session_state.get("_narrow", False))


def height(presenting: bool) -> int:
    """The picture's height: what fills the browser's screen below the title, once the browser said
    (``MIN_HEIGHT`` to ``MAX_HEIGHT``), else a height that fits 1280×720."""
    return player_layout.height(presenting, narrow(), st.session_state.get("_fit_height"))


def placing() -> bool:
    """Whether this run only holds the picture's place: a browser's first run, before its bridge said
    what fits its screen (the server cannot know). The picture is then drawn once, at the size that fits,
    instead of at a guess and again. A client without Streamlit's frontend (AppTest, a headless
    visitor) has no bridge to answer, so it gets the picture at once."""
    return st.context.url is not None and not st.session_state.get("_fitted", False)


def show(fig: dict, clickable: bool, step: int) -> None:
    """The picture and its bridge; a click moves the start (``x0``, ``y0``) when ``clickable``.
    ``step``: the step the page shows now (the bridge reports only a different one)."""
    pending = placing()
    if pending:
        st.container(key="picture", height=fig["layout"]["height"], border=False)
    else:
        lean.chart(fig, "picture")
    data = {"chart": "picture", "clickable": clickable, "step": int(step), "narrow": narrow(), "pending": pending,
            "narrow_below": NARROW_BELOW, "height": fig["layout"]["height"],
            "min_height": player_layout.MIN_HEIGHT, "max_height": player_layout.MAX_HEIGHT,
            "plotly_chunk": PLOTLY_CHUNK if pending else None}
    _bridge(key=KEY, data=data, on_step_change=_on_step, on_click_change=_on_click, on_narrow_change=_on_narrow,
            on_height_change=_on_height, on_fit_change=_on_fit, width="stretch", height="content")


def _number(value, low: float, high: float) -> float | None:
    """``value`` when the browser sent a number within ``[low, high]``, else None. Compared before any
    conversion: NaN fails every comparison, and float() of a 400-digit integer overflows."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        return None
    return float(value)


def _sent(name: str):
    return (st.session_state.get(KEY) or {}).get(name)


def _on_height() -> None:
    _set_height(_sent("height"))


def _on_narrow() -> None:
    _set_narrow(_sent("narrow"))


def _on_fit() -> None:
    """A first run's answer: whether the picture's place is narrow and the height that fills the screen.
    Whatever arrives, the next run draws the picture (a crafted answer gets the default size)."""
    sent = _sent("fit")
    if isinstance(sent, dict):
        _set_narrow(sent.get("narrow"))
        _set_height(sent.get("height"))
    st.session_state["_fitted"] = True


def _set_height(value) -> None:
    value = _number(value, 0, MAX_HEIGHT_SENT)
    if value is not None:
        st.session_state["_fit_height"] = int(min(max(value, player_layout.MIN_HEIGHT), player_layout.MAX_HEIGHT))


def _set_narrow(value) -> None:
    if isinstance(value, bool):
        st.session_state["_narrow"] = value


def _on_step() -> None:
    step = _number(_sent("step"), 0, optim.MAX_ENGINE_STEPS)
    if step is not None:
        st.session_state["k"] = int(step)
        st.session_state["_step_from_player"] = True


def _on_click() -> None:
    """Three significant digits (the settings clamp the point into the view)."""
    point = _sent("click")
    if not isinstance(point, dict):
        return
    x, y = (_number(point.get(a), -MAX_CLICK, MAX_CLICK) for a in "xy")
    if x is not None and y is not None:
        st.session_state["x0"] = float(f"{x:.3g}")
        st.session_state["y0"] = float(f"{y:.3g}")
        st.session_state["k"] = 0

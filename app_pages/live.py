"""The live knobs: one grid of runs (every rate of the useful range × every value of the rule's
momentum-like knob, one engine run) that the browser redraws from while η or the knob is dragged, with no
server round trip. The learning-rate lab's live picture (app_pages/lab.py, lab.js) and the descent page's
sliders (here, live.js) share it: the same runs, packed the same way (viz/lab_payload.py).

Every run here is keyed on what it depends on (the surface, rule, other knobs, steps and start), never on
where the sliders stand, so dragging and reporting a rate never runs the engine again. When the sliders
rest, the rate and the knob they stand on become the page's (its URL and its sidebar).
"""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import streamlit as st

import optim
import settings
from app_pages import scripts
from app_pages.work import BY_REPR
from optim.sweep import grid_optimizer, knob_values, log_grid, momentum_knob, sweep_grid, useful_range
from optim.sweep import sweep as sweep_rates
from settings import Settings
from settings.lab import LabSettings, RateFree, hyperparameters, rate_free
from viz import lab as lab_figures
from viz import live_player

LIVE_RATES = 64  # the live sliders' rates: their stops
LIVE_DECADES = 1e-3  # from a thousandth of the useful range's top: below that every run just crawls
BY_REPR = {**BY_REPR, LabSettings: repr, RateFree: repr}
KEY = "live_knobs"
LIVE_BUDGET = 1_500_000  # characters of JSON a live picture may carry: it is sent again with each rerun


_sliders = st.components.v2.component("downhill.live", js=scripts.bridge("live.js", packed=True))


def knob(s: Settings):
    """The rule's momentum-like knob (the live picture's second slider), or None."""
    try:
        return momentum_knob(s.opt)
    except ValueError:
        return None


def grid_settings(s: Settings) -> RateFree:
    """``s`` without what the sliders set (the rate, the momentum-like knob) or the schedule."""
    k = knob(s)
    knobs = tuple((key, k.default if k and key == k.key else value) for key, value in s.knobs)
    return dataclasses.replace(rate_free(s), knobs=knobs)


def hyper(s: Settings | RateFree, *, without_knob: bool = False) -> dict:
    """The rule's hyperparameters but the rate (and the momentum-like knob, where the grid varies it)."""
    values = hyperparameters(s.opt, s.knobs)
    k = knob(s)
    if without_knob and k is not None and k.index is None:
        values.pop(k.param)
    return values


def start(s: Settings | RateFree) -> tuple[float, float]:
    return (s.x0, s.y0)


@st.cache_data(max_entries=32, show_spinner=False, hash_funcs=BY_REPR)
def rate_range(s: RateFree) -> tuple[float, float]:
    return useful_range(s.landscape, s.opt, start(s), s.steps, **hyper(s))


@st.cache_data(max_entries=16, show_spinner=False, hash_funcs=BY_REPR)
def live_grid(g: RateFree, knob_axis: bool = True):
    """Every (knob value, rate) the live picture offers, with paths at the steps it draws (and those
    steps): one engine run. ``knob_axis`` False: the rates alone, at ``g``'s own knob (a racer's, or a
    grid whose knob axis is too heavy to send)."""
    lrs, values = live_rates_of(g), _values(g, knob_axis)
    if len(values) == 0:
        grid = sweep_rates(g.landscape, g.opt, start(g), lrs, g.steps, keep_paths=True, **hyper(g))
    else:
        grid = sweep_grid(g.landscape, g.opt, start(g), lrs, values, steps=g.steps, keep_paths=True,
                          **hyper(g, without_knob=True))
    return lab_figures.thinned(grid, g.landscape.bounds)  # the cache keeps the packed runs, not every step


def _values(g: RateFree, knob_axis: bool) -> np.ndarray:
    """The knob values a grid spans (none: the rates alone)."""
    return knob_values(g.opt) if knob_axis else np.array([])


def _to_step(g: RateFree, grid, values, k: int, record: str) -> optim.Trajectory:
    """Every run of ``grid`` (knob-major) again, up to the step after ``k``: what the picture shows at ``k``."""
    runs = len(grid.lrs) * max(len(values), 1)
    optimizer = grid_optimizer(g.opt, grid.lrs, values, **hyper(g, without_knob=len(values) > 0))
    return optim.descend(g.landscape, optimizer, np.tile(start(g), (runs, 1)), min(k + 1, g.steps), record=record)


def live_rates_of(g: RateFree) -> np.ndarray:
    """The live sliders' stops: ``LIVE_RATES`` log-spaced rates where runs differ (the useful range, from a
    ``LIVE_DECADES`` of its top), within the rates the page takes (``settings.LR_RANGE``)."""
    low, high = rate_range(g)
    high = min(high, settings.LR_RANGE[1])
    return log_grid(max(low, high * LIVE_DECADES, settings.LR_RANGE[0]), high, LIVE_RATES)


def nearest(values, value) -> int:
    return int(np.argmin(np.abs(np.log(np.asarray(values)) - np.log(max(value, 1e-300))))) if len(values) else 0


def at(s: Settings, grid) -> tuple[int, int]:
    """Where the sliders stand for ``s``: the knob value and the rate nearest its own."""
    k = knob(s)
    j = 0 if k is None else int(np.argmin(np.abs(np.asarray(grid.betas) - float(dict(s.knobs)[k.key]))))
    return j, nearest(grid.lrs, s.lr)


# ---- the descent page's sliders ----------------------------------------------------------------

def not_live(s: Settings) -> str | None:
    """Why the descent page cannot offer live sliders for ``s`` (the grid runs a constant rate on the
    full gradient), or None when it can."""
    if s.sched != "constant":
        return "a schedule"
    if s.landscape.is_data and s.batch != "full":
        return "mini-batches"
    if not s.landscape.is_data and s.noise:
        return "gradient noise"
    return None


@st.cache_data(max_entries=16, show_spinner=False, hash_funcs=BY_REPR)
def descent_payload(g: RateFree, k: int, font_size: int, knob_axis: bool = True) -> dict:
    """What live.js redraws the descent picture from, at the player's step ``k``: the grid's packed runs
    and, at ``k``, every run's line so far, point, arrows, cross and numbers (one engine run up to ``k + 1``,
    gradients and buffers kept). ``knob_axis``: the grid spans the knob's values too; else the rates alone,
    at ``g``'s own knob. ``weight``: the characters of its JSON."""
    grid, packed = live_grid(g, knob_axis)
    values = _values(g, knob_axis)
    at_k = _to_step(g, grid, values, k, "all")
    lane = live_player.payload(g.landscape, grid, packed, at_k, _rows(g, values), k, font_size)
    return {**lane, "weight": len(json.dumps(lane))}


def _rows(g: RateFree, values) -> list:
    """The rule at each knob value (one row without a knob), scalar hyperparameters: what reads a run's
    carried part of its update."""
    k = knob(g)
    if k is None or len(values) == 0:
        return [optim.get(g.opt, lr=1.0, **hyper(g))]
    knobs = lambda v: tuple((key, v if key == k.key else value) for key, value in g.knobs)  # noqa: E731
    return [optim.get(g.opt, lr=1.0, **hyperparameters(g.opt, knobs(float(v)))) for v in values]


def show(s: Settings, fig: dict, k: int, font_size: int, hide: set) -> None:
    """The live sliders for the descent picture ``fig`` at the player's step ``k``, or why there are none.
    A client without Streamlit's frontend (AppTest, a headless visitor) could not drag them, nor can a
    lesson that fixed the rate (``hide``): they get none, and the grid is not run for them."""
    if st.context.url is None or "lr" in hide:
        return
    why = not_live(s)
    if why:
        st.caption(f"Live dragging of η runs a constant rate on the full gradient; with {why}, type η above.")
        return
    kb, g, axis, note = knob(s), grid_settings(s), True, ""
    lane = descent_payload(g, k, font_size)
    if kb and lane["weight"] > LIVE_BUDGET:  # a grid of every knob value too heavy to send: the rates alone
        note = (f"{kb.label} is not live here: with it the runs would weigh {lane['weight'] / 1e6:.1f} MB a rerun; "
                "η alone is.")
        kb, g, axis = None, rate_free(s), False
        lane = descent_payload(g, k, font_size, knob_axis=False)
    if lane["weight"] > LIVE_BUDGET:
        st.caption(f"Live dragging is off here: the runs' paths would weigh {lane['weight'] / 1e6:.1f} MB a rerun "
                   f"(the budget is {LIVE_BUDGET / 1e6:g} MB); type η above.")
        return
    grid = live_grid(g, axis)[0]
    j, i = at(s, grid) if kb else (0, nearest(grid.lrs, s.lr))
    _sliders(key=KEY, data={"chart": "picture", "loss_axis": live_player.loss_axis([lane["loss_axis"]]), "lanes": [{
        "label": live_player.descent.LABEL, "name": "", "color": optim.rule(s.opt).color, "line": None,
        "traces": live_player.trace_map(fig), "live": lane, "at": {"i": i, "j": j}, "lr": s.lr,
        "knob": {"label": kb.label, "value": float(dict(s.knobs)[kb.key])} if kb else None}]},
        on_pick_change=lambda: on_pick(KEY, grid, kb.key if kb else None), width="stretch", height="content")
    if note:
        st.caption(note)


def show_lane(fig: dict, label: str, color: str, lane: dict, grid, lr: float) -> None:
    """A live η slider for a page whose picture has one lane ``label`` and a grid of rates alone (the network
    page): ``lane`` is its payload (viz.live_player.lane), ``grid`` holds its ``lrs``."""
    _sliders(key=KEY, data={"chart": "picture", "loss_axis": live_player.loss_axis([lane["loss_axis"]]), "lanes": [{
        "label": label, "name": "", "color": color, "line": None, "traces": live_player.trace_map(fig, label),
        "live": lane, "at": {"i": nearest(grid.lrs, lr), "j": 0}, "lr": lr, "knob": None}]},
        on_pick_change=lambda: on_pick(KEY, grid, None), width="stretch", height="content")


# ---- the race's sliders: each racer's η ----------------------------------------------------------

@st.cache_data(max_entries=64, show_spinner=False, hash_funcs=BY_REPR)
def racer_payload(g: RateFree, k: int, label: str) -> dict:
    """A racer's lane at the player's step ``k``: its rates at its own knobs (``live_grid`` without the knob
    axis) and every run up to ``k + 1``."""
    grid, packed = live_grid(g, knob_axis=False)
    runs = _to_step(g, grid, [], k, "path")
    return live_player.racer(g.landscape, grid, packed, runs.points, runs.losses, k, label, optim.rule(g.opt).color)


def show_race(racers, fig: dict, hide: set) -> None:
    """A live η slider for each racer, or why there are none (as ``show``)."""
    if st.context.url is None:
        return
    first = racers[0]
    why = "tuning (it picks each racer's rate)" if racers.tune else not_live(first)
    if why:
        st.caption(f"Live dragging of η runs a constant rate on the full gradient, each racer at its own; with {why}, "
                   "type η in each racer's box above.")
        return
    lanes, grids = [], []
    for n, r in enumerate(racers):
        if f"lr.{r.opt}" in hide:
            continue
        title = optim.rule(r.opt).title
        g = rate_free(r)
        grid, _ = live_grid(g, knob_axis=False)
        lane = racer_payload(g, first.k, title)
        lanes.append({"label": title, "name": title, "color": optim.rule(r.opt).color, "line": n + 1, "knob": None,
                      "traces": live_player.trace_map(fig, title), "live": lane, "at": {"i": nearest(grid.lrs, r.lr),
                                                                                        "j": 0}, "lr": r.lr})
        grids.append((r.opt, grid))
    if lanes:
        _sliders(key=KEY, data={"chart": "picture", "lanes": lanes,
                                "loss_axis": live_player.loss_axis([lane["live"]["loss_axis"] for lane in lanes])},
                 on_pick_change=lambda: on_race_pick(grids), width="stretch", height="content")


def on_race_pick(grids) -> None:
    """A racer's slider came to rest: its rate becomes its own (``lr.<rule>``)."""
    pick = (st.session_state.get(KEY) or {}).get("pick")
    if not isinstance(pick, dict) or not _stop(pick.get("lane"), len(grids)):
        return
    opt, grid = grids[pick["lane"]]
    if _stop(pick.get("i"), len(grid.lrs)):
        st.session_state[f"lr.{opt}"] = float(f"{grid.lrs[pick['i']]:.4g}")


def on_pick(key: str, grid, knob_key: str | None) -> bool:
    """The sliders came to rest (the trigger ``pick`` of the component ``key``): the rate (and the knob)
    they stand on become the page's; whether a pick arrived. A pick that names no stop of the grid (a
    crafted client's) changes nothing."""
    pick = (st.session_state.get(key) or {}).get("pick")
    if not isinstance(pick, dict):
        return False
    i, j = pick.get("i"), pick.get("j")
    if not _stop(i, len(grid.lrs)) or (knob_key and not _stop(j, len(grid.betas))):
        return False
    st.session_state["lr"] = float(f"{grid.lrs[i]:.4g}")
    if knob_key:
        st.session_state[knob_key] = float(grid.betas[j])
    return True


def _stop(value, count: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < count

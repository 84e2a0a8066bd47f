"""The learning-rate lab's cached work (engine sweeps and figures) and the live picture's bridge (lab.js).

Every run here is keyed on what it depends on: the live grid and the sweep on the surface, rule,
knobs (the momentum-like one excepted: it is the grid's axis), steps and start, never on where the
sliders stand, so dragging and reporting a rate never runs the engine again.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import streamlit as st

import landscapes
import landscapes.lines
import optim
from app_pages import controls as ui
from app_pages import live, player, scripts, takeaway, work
from app_pages.live import hyper, knob, live_grid, rate_range, start
from app_pages.work import BY_REPR
from optim import regimes as regime_lib
from optim.sweep import Sweep, log_grid, theory, useful_range
from optim.sweep import sweep as sweep_rates
from settings import Settings
from settings.lab import LabSettings, RateFree, hyperparameters, rate_free
from viz import compare as compare_figures
from viz import descent as descent_figures
from viz import export
from viz import lab as lab_figures
from viz import player as player_figures
from viz import rates as rate_figures

SWEEP_RATES = 241  # the sweep's
LINE_STEPS = 30  # one dimension: few enough steps to follow each one on the curve
REGIME_SYMBOLS = {regime_lib.TOO_SMALL: "square", regime_lib.JUST_RIGHT: "circle", regime_lib.TOO_LARGE: "x"}
BY_REPR = {**BY_REPR, LabSettings: repr, RateFree: repr}
KEY = "lab_bridge"
_bridge = st.components.v2.component("downhill.lab", js=scripts.bridge("lab.js", packed=True))


@st.cache_data(max_entries=32, show_spinner=False, hash_funcs=BY_REPR)
def sweep(s: RateFree) -> Sweep:
    """``SWEEP_RATES`` rates at the page's knob values, in one engine run."""
    lrs = log_grid(*rate_range(s), SWEEP_RATES)
    return sweep_rates(s.landscape, s.opt, start(s), lrs, s.steps, **hyper(s))


def regime_rates(b: LabSettings) -> dict[str, float]:
    """The three regimes' rates: the link's, or chosen from the sweep."""
    chosen = regime_lib.choose_regimes(sweep(rate_free(b.run)))
    given = dict(zip(regime_lib.REGIMES, (b.slow, b.right, b.fast), strict=True))
    return {name: given[name] if given[name] is not None else chosen[name] for name in regime_lib.REGIMES}


@st.cache_data(max_entries=32, show_spinner=False, hash_funcs=BY_REPR)
def regime_runs(s: RateFree, rates: tuple[float, ...]) -> optim.Trajectory:
    """The three rates from one start, in one engine run."""
    rule = optim.get(s.opt, lr=np.array(rates)[:, None], **hyper(s))
    return optim.descend(s.landscape, rule, np.tile(start(s), (len(rates), 1)), s.steps, record="path")


# ---- figures -----------------------------------------------------------------------------------

def _layer(s: Settings | RateFree):
    return ui.surface_layer(s.surface, s.f, s.view)


@st.cache_data(max_entries=32, show_spinner=False, hash_funcs=BY_REPR)
def live_picture(g: RateFree, where: tuple[int, int], font_size: int, height: int, narrow: bool) -> dict:
    k = knob(g)
    grid, live = live_grid(g)
    return lab_figures.live_figure(g.landscape, _layer(g), grid, optim.rule(g.opt), where, font_size=font_size,
                                   height=height, knob_label=k.label if k else "", narrow=narrow, live=live)


def regime_lanes(s: Settings, rates: dict[str, float]) -> list[player_figures.Lane]:
    traj = regime_runs(rate_free(s), tuple(rates.values()))
    return [player_figures.Lane(f"{name}: η = {lr:.3g}", rate_figures.mark_color(name), REGIME_SYMBOLS[name], 3.0,
                                traj.points[:, i], traj.losses[:, i], np.ravel(traj.lrs[:, i]))
            for i, (name, lr) in enumerate(rates.items())]


@st.cache_data(max_entries=32, show_spinner=False, hash_funcs=BY_REPR)
def regimes_picture(b: LabSettings, font_size: int, height: int, narrow: bool = False) -> dict:
    s = b.run
    lanes = regime_lanes(s, regime_rates(b))
    return compare_figures.side_by_side(s.landscape, _layer(s), lanes, font_size=font_size, height=height, narrow=narrow)


@st.cache_data(max_entries=32, show_spinner=False, hash_funcs=BY_REPR)
def sweep_picture(b: LabSettings, font_size: int, narrow: bool = False) -> dict:
    s = rate_free(b.run)
    marks = {**regime_rates(b), "live": b.run.lr}
    return rate_figures.sweep_figure(sweep(s), theory(s.landscape, s.opt, **hyper(s)), marks,
                                     font_size=font_size, narrow=narrow)


def quadratic(surface) -> tuple[float, float, str] | None:
    """(μ, L) of the surface's quadratic, or of its quadratic model at its first minimum, and which."""
    if surface.lipschitz is not None and surface.strong_convexity is not None:
        return float(surface.strong_convexity), float(surface.lipschitz), "the surface is a quadratic"
    if len(surface.minima) == 0:
        return None
    values, _ = landscapes.curvature(surface, np.asarray(surface.minima[0], dtype=float))
    mu, big = (float(v) for v in values)
    if not (np.isfinite(mu) and mu > 0 and big >= mu):
        return None
    return mu, big, "the quadratic that matches the surface at its minimum"


@st.cache_data(max_entries=32, show_spinner=False)
def momentum_picture(mu: float, big: float, font_size: int) -> dict:
    return rate_figures.momentum_map(mu, big, font_size=font_size)


@st.cache_data(max_entries=32, show_spinner=False, hash_funcs=BY_REPR)
def line_picture(line: str, opt: str, knobs: tuple, font_size: int,
                 narrow: bool = False) -> tuple[dict, dict[str, tuple[float, float]]]:
    """The one-dimensional function: its three regimes (from its own sweep), the ball's steps on it;
    and each regime's rate and where its run ended (NaN: it left)."""
    surface = landscapes.lines.LINES[line]
    values = hyperparameters(opt, knobs)
    begin = surface.start
    low, high = useful_range(surface, opt, begin, LINE_STEPS, **values)
    rates = regime_lib.choose_regimes(sweep_rates(surface, opt, begin, log_grid(low, high, SWEEP_RATES),
                                                      LINE_STEPS, **values))
    rule = optim.get(opt, lr=np.array(list(rates.values()))[:, None], **values)
    traj = optim.descend(surface, rule, np.tile(begin, (3, 1)), LINE_STEPS, record="path")
    runs = [(name, rate_figures.mark_color(name), traj.points[:, i, 0], traj.losses[:, i], lr)
            for i, (name, lr) in enumerate(rates.items())]
    ends = {name: (lr, float(traj.points[-1, i, 0])) for i, (name, lr) in enumerate(rates.items())}
    return rate_figures.line_figure(surface, runs, font_size=font_size, narrow=narrow), ends


@st.cache_data(max_entries=32, show_spinner=False, hash_funcs=BY_REPR)
def schedule_picture(s: Settings, font_size: int, height: int, narrow: bool = False) -> dict:
    """The schedule beside the constant rate it starts from, from the same start: one engine run each."""
    constant = optim.descend(s.landscape, optim.get(s.opt, lr=s.lr, **hyper(s)), start(s), s.steps, record="path")
    scheduled = optim.descend(s.landscape, s.rule(), start(s), s.steps, record="path")
    color = optim.rule(s.opt).color
    lanes = [player_figures.Lane(f"constant η = {s.lr:.3g}", "#9a9a9a", "square", 5.0, constant.points, constant.losses,
                                 np.ravel(constant.lrs)),
             player_figures.Lane(f"{s.sched} from η = {s.lr:.3g}", color, optim.rule(s.opt).marker, 3.0,
                                 scheduled.points, scheduled.losses, np.ravel(scheduled.lrs))]
    return compare_figures.side_by_side(s.landscape, _layer(s), lanes, with_schedule=True, font_size=font_size,
                                    height=height, narrow=narrow)


# ---- the live picture's bridge -----------------------------------------------------------------

def drawn_at(where: tuple[int, int]) -> tuple[int, int]:
    """Where to draw the live picture: where it was last drawn when only its sliders moved (the same
    JSON, so the browser keeps the picture as the user left it), else ``where``."""
    ss = st.session_state
    if not ss.pop("_lab_from_bridge", False) or "_lab_drawn" not in ss:
        ss["_lab_drawn"] = where
    return ss["_lab_drawn"]


def show_live(fig: dict, grid, knob_key: str | None) -> None:
    ui.chart(fig, "lab")
    _bridge(key=KEY, data={"chart": "lab", "narrow": player.narrow(), "narrow_below": player.NARROW_BELOW},
            on_pick_change=lambda: _on_pick(grid, knob_key), on_narrow_change=_on_narrow, width="stretch",
            height="content")


def _on_narrow() -> None:
    """The browser said whether the picture is narrow (a phone): the same flag the player keeps."""
    value = (st.session_state.get(KEY) or {}).get("narrow")
    if isinstance(value, bool):
        st.session_state["_narrow"] = value


def _on_pick(grid, knob_key: str | None) -> None:
    """The sliders came to rest: the rate (and the knob) they stand on become the page's."""
    if live.on_pick(KEY, grid, knob_key):
        st.session_state["_lab_from_bridge"] = True


# ---- take it home ------------------------------------------------------------------------------

def at_rest(s: Settings) -> Settings:
    """The run the live picture shows where its sliders rest, as the descent page would run it: the
    page's rate and knob, the constant rate (the live picture has no schedule)."""
    return dataclasses.replace(s.run_settings, sched="constant", sched_set=())


def take_home(s: Settings, font_size: int, height: int) -> None:
    """The exports of the run at rest: the same files, made the same way, as the descent page's."""
    r = at_rest(s)
    traj, rule = work.descent_run(r), r.rule()
    surface, layer = r.landscape, _layer(r)
    takeaway.section(takeaway.Picture(
        name="lab", run_key=repr(r), caption=f"{surface.title} · {ui.rule_label(r.opt)}, lr {r.lr:g}",
        fig=lambda: descent_figures.picture(surface, layer, traj, rule, r.steps, False, font_size=font_size,
                                            height=height),
        surface=surface, layer=layer, lanes=descent_figures.lanes(traj), k=r.steps,
        csv=lambda: export.trajectory_csv(traj),
        script=lambda write: write(surface, rule, (r.x0, r.y0), r.steps, **r.gradient_source())))

"""The learning-rate lab: drag the rate and watch the path live, then the regimes, the sweep with the
theory drawn on, the momentum map and schedules side by side."""

from __future__ import annotations

import streamlit as st

import landscapes.lines
import settings
from app_pages import controls as ui
from app_pages import lab, player, state
from app_pages import live as live_knobs
from optim import regimes as regime_lib
from optim.momentum import Momentum as HEAVY_BALL
from optim.sweep import knob_values, optimal_momentum, theory
from settings.lab import PARTS, REGIMES, LabSettings, to_lab_query

PART_NAMES = {"line": "One dimension first", "regimes": "Three regimes and the sweep",
              "map": "Momentum's (α, β) map", "schedule": "Schedules side by side"}
REGIME_KEYS = dict(zip(regime_lib.REGIMES, REGIMES, strict=True))  # "too small" → "slow"


def live_height() -> int:
    """The live picture's height: on a projector (1280 × 720) its slider still fits the first screen."""
    return 570 if state.presenting() else 520


def on_surface() -> None:
    fresh = settings.defaults(st.session_state["surface"], st.session_state["opt"])
    st.session_state.update({"lr": fresh.lr, "steps": fresh.steps, "x0": fresh.x0, "y0": fresh.y0,
                             **dict.fromkeys(REGIMES)})


def on_opt() -> None:
    fresh = settings.defaults(st.session_state["surface"], st.session_state["opt"])
    st.session_state.update({"lr": fresh.lr, **dict.fromkeys(REGIMES)})


def controls(b: LabSettings, hide: set) -> None:
    sb = st.sidebar
    ui.surface_and_optimizer(sb, b.run, hide, on_surface, on_opt)
    k = live_knobs.knob(b.run)
    ui.knobs(sb, b.run.opt, hide | ({k.key} if k else set()))  # that one is the picture's second slider
    if "steps" not in hide:
        sb.slider("Steps", 1, settings.MAX_PAGE_STEPS, key="steps")
    (x0, x1), (y0, y1) = b.run.landscape.bounds
    if "x0" not in hide and "y0" not in hide:
        left, right = sb.columns(2)
        left.number_input("Start x", x0, x1, key="x0", format="%.4g", step=(x1 - x0) / 100)
        right.number_input("Start y", y0, y1, key="y0", format="%.4g", step=(y1 - y0) / 100)


def live(b: LabSettings) -> None:
    s = b.run
    g = live_knobs.grid_settings(s)
    grid, _ = live_knobs.live_grid(g)
    where = lab.drawn_at(live_knobs.at(s, grid))
    fig = lab.live_picture(g, where, ui.font_size(), live_height(), player.narrow())
    k = live_knobs.knob(s)
    lab.show_live(fig, grid, k.key if k else None)
    low, high = float(grid.lrs[0]), float(grid.lrs[-1])
    st.caption(f"Drag η{' and ' + k.label if k else ''}: all {grid.lrs.size * max(1, len(knob_values(s.opt)))} "
               f"runs ({grid.lrs.size} rates from {low:.2g} to {high:.2g}, log-spaced) were made at once, so the path, "
               "the loss and the numbers follow the slider with no wait.")


def part_line(b: LabSettings) -> None:
    st.selectbox("The function", list(landscapes.lines.LINES), key="line",
                 format_func=lambda name: landscapes.lines.LINES[name].title)
    surface = landscapes.lines.LINES[b.line]
    fig, ends = lab.line_picture(b.line, b.run.opt, b.run.knobs, ui.font_size(), player.narrow())
    st.markdown(f"**{surface.title}**, {ui.rule_label(b.run.opt)} for {lab.LINE_STEPS} steps at three rates from its "
                "own sweep: each dot is where the ball is after a step.")
    st.latex(surface.formula)
    ui.chart(fig, "line_chart")
    st.caption(" · ".join(f"{name}: η = {lr:.3g}, " + (f"ends at x = {x:.3g}" if x == x else "leaves")
                          for name, (lr, x) in ends.items())
               + (". The rate, not only the start, decides which valley the ball ends in." if len(surface.minima) > 1
                  else "."))


def part_regimes(b: LabSettings, hide: set) -> None:
    s = b.run
    rates = lab.regime_rates(b)
    columns = st.columns(3)
    for column, (name, key) in zip(columns, REGIME_KEYS.items(), strict=True):
        if key not in hide:
            column.number_input(f"η {name} (empty: the sweep's {rates[name]:.3g})", min_value=1e-6, max_value=100.0,
                                key=key, format="%.4g", step=None, placeholder=f"{rates[name]:.3g}")
    ui.chart(lab.regimes_picture(b, ui.font_size(), 470, player.narrow()), "regimes_chart")
    st.markdown(f"**The sweep**: {lab.SWEEP_RATES} rates, each run for {s.steps} steps from the same start, in one "
                "engine run; where each one ends, and how soon it gets within tolerance.")
    ui.chart(lab.sweep_picture(b, ui.font_size(), player.narrow()), "sweep_chart")
    lines = theory(s.landscape, s.opt, **live_knobs.hyper(s))
    if lines:
        st.caption("Theory on a quadratic (L the largest curvature, μ the smallest): "
                   + "; ".join(f"{name} {value:.4g}" for name, value in lines.items()) + ".")


def part_momentum(b: LabSettings) -> None:
    model = lab.quadratic(b.run.landscape)
    if model is None:
        st.info("The map needs a minimum with positive curvature in every direction; this surface has none in view.")
        return
    mu, big, which = model
    alpha, beta, rate = optimal_momentum(mu, big)
    st.markdown(f"**Heavy-ball momentum on {which}** (μ = {mu:.4g}, L = {big:.4g}): how fast each (α, β) converges. "
                f"The best pair is α = {alpha:.4g}, β = {beta:.4g}, shrinking the error by {rate:.4g} a step. "
                "Click the map to run a pair on the descent page.")
    selection = ui.chart(lab.momentum_picture(mu, big, ui.font_size()), "momentum_chart", on_select="rerun",
                         selection_mode="points")
    open_on_descent(b, selection)


def open_on_descent(b: LabSettings, selection) -> None:
    points = selection.selection.points if selection else []
    if points:
        alpha, beta = (float(f"{points[0][axis]:.4g}") for axis in ("x", "y"))
        knob = HEAVY_BALL.knobs[0]  # torch's momentum: the map's β
        query = {**settings.to_query(b.run), "opt": HEAVY_BALL.name, "lr": str(alpha), knob.key: str(min(beta, knob.high))}
        query = {key: value for key, value in query.items() if key in settings.parse(query)[0].relevant}
        st.switch_page(ui.page_file("descent"), query_params={**query, **state.link_view()})


def part_schedule(b: LabSettings, hide: set) -> None:
    s = b.run
    box = st.container(horizontal=True)
    ui.schedule(box, s, hide)
    if s.sched == "constant":
        st.info("Pick a schedule: it is drawn beside the constant rate η it starts from, from the same start.")
        return
    st.markdown(f"**{ui.SCHEDULE_NAMES[s.sched]} from η = {s.lr:.3g}** beside the constant rate, from the same start "
                "(the rate curve under the loss).")
    ui.chart(lab.schedule_picture(s, ui.font_size(), 470, player.narrow()), "schedule_chart")


def below(b: LabSettings, hide: set) -> None:
    """Under the live picture: the part chosen (one dimension, the regimes and the sweep, the momentum
    map, the schedules)."""
    if "part" not in hide:
        st.segmented_control("Then", PARTS, key="part", format_func=PART_NAMES.get, label_visibility="collapsed",
                             required=True)
    parts = {"line": lambda: part_line(b), "regimes": lambda: part_regimes(b, hide),
             "map": lambda: part_momentum(b), "schedule": lambda: part_schedule(b, hide)}
    parts[b.part]()


def main() -> None:
    current, notes = state.sync("learning_rate")
    hide = state.hidden()
    controls(current, hide)
    ui.heading(f"Learning-rate lab · {current.run.landscape.title} · {ui.rule_label(current.run.opt)}",
               current.run.landscape, notes, "learning_rate")
    live(current)  # the picture: every rate run at once, cached in ``lab``
    below(current, hide)
    lab.take_home(current.run, ui.font_size(), live_height())
    ui.share_link(to_lab_query(current))


main()

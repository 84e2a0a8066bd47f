"""The descent page: pick a surface, an optimizer and its knobs, and watch the path roll downhill."""

from __future__ import annotations

import numpy as np
import streamlit as st

import optim
import settings
from app_pages import controls as ui
from app_pages import state
from optim.summary import summarize
from settings import Settings
from viz import descent as descent_figures
from viz import equations
from viz.captions import divergence_reason

RESET_ON_SURFACE = ("lr", "steps", "x0", "y0", "k", "batch", "noise")


# ---- cached work (the math lives in optim, landscapes and viz) ---------------------------------

@st.cache_data(max_entries=64, show_spinner=False)
def run(s: Settings) -> optim.Trajectory:
    """The engine run: keyed on the run's settings only (``s.run_settings``), never on the view."""
    return settings.run(s)


@st.cache_data(max_entries=64, show_spinner=False)
def figures(s: Settings, k: int, font_size: int, wide: bool) -> dict:
    return descent_figures.figures(s.landscape, ui.surface_layer(s.surface, s.f, s.view), run(s), k, s.sched != "constant",
                                   font_size=font_size, wide=wide)


# ---- state: URL ⇄ widgets, through the shared flow ---------------------------------------------

PAGE = state.Page("descent", settings.parse, settings.to_query, settings.values,
                  helpers=lambda s: ui.lr_sliders({"lr": s.lr}))


def on_surface() -> None:
    fresh = settings.values(settings.defaults(st.session_state["surface"], st.session_state["opt"]))
    for key in RESET_ON_SURFACE:
        st.session_state[key] = fresh[key]


def on_opt() -> None:
    fresh = settings.defaults(st.session_state["surface"], st.session_state["opt"])
    st.session_state["lr"] = fresh.lr
    st.session_state.update({key: value for key, value in fresh.knobs if key in ("eps", "wd")})


def controls(s: Settings, hide: set) -> None:
    sb = st.sidebar
    ui.surface_select(sb, hide, on_surface)
    ui.formula_input(sb, s, hide)
    if "opt" not in hide:
        sb.selectbox("Optimizer", optim.names(), key="opt", on_change=on_opt, format_func=ui.rule_label)
    ui.learning_rate(sb, hide)
    ui.knobs(sb, s.opt, hide)
    ui.schedule(sb, s, hide)
    ui.run_controls(sb, s, hide)


# ---- the picture -------------------------------------------------------------------------------

def banner(s: Settings, surface, traj) -> None:
    if traj.diverged_at >= 0:
        st.error(divergence_reason(surface, s.rule(), s.lr, int(traj.diverged_at)), icon=":material/error:")


def path_and_loss(s: Settings, figs: dict, surface, traj, hide: set) -> None:
    """The contour with the path beside the loss curve and the numbers: the picture a class sees."""
    with ui.contour_and_curves(figs, hide):
        numbers(surface, traj)
    if "k" not in hide:
        st.slider("Step to inspect (arrows, 3D marker, equations)", 0, s.steps, key="k")


def numbers(surface, traj) -> None:
    summary = summarize(surface, traj.points, traj.losses, int(traj.diverged_at))
    a, b = st.columns(2)
    a.metric("Final loss", "diverged" if summary.diverged_at >= 0 else f"{summary.final_loss:.4g}")
    b.metric("Distance to nearest minimum", "—" if not np.isfinite(summary.distance) else f"{summary.distance:.3g}")
    reached = summary.steps_to_tolerance
    st.metric(f"First step within {summary.tolerance:.2g} of a minimum", "never" if reached < 0 else str(reached))


def surface_and_equations(s: Settings, figs: dict, traj) -> None:
    """Below: the 3D view (drawn last: software WebGL is slow) and the step worked out by hand."""
    left, right = st.columns([2, 3])
    with right:
        values = equations.step_values(traj, s.k)
        if values is None:
            st.info("Pick a step before the last one (and before any divergence) to see its update worked out.")
        else:
            st.markdown(f"**Update {values['t']}, with its numbers** (η = {values['lr']:.4g})")
            *rules, (_, result) = equations.update_lines(s.rule(), values)
            for symbols, filled in rules:
                st.latex(symbols)
                st.latex(filled)
            st.latex(result)
    if s.view3d:
        with left:
            ui.chart(figs["surface3d"], "surface3d")


# ---- the page ----------------------------------------------------------------------------------

current, notes = state.sync(PAGE)
hide = state.hidden()
controls(current, hide)
surface = current.landscape
trajectory = run(current.run_settings)
figs = figures(current.run_settings, current.k, ui.font_size(), state.presenting())
ui.heading(f"{surface.title} · {ui.rule_label(current.opt)}", surface, notes, "descent")
banner(current, surface, trajectory)
path_and_loss(current, figs, surface, trajectory, hide)
surface_and_equations(current, figs, trajectory)
ui.share_link(settings.to_query(current))

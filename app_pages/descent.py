"""The descent page: pick a surface, an optimizer and its knobs, and watch the path roll downhill."""

from __future__ import annotations

import numpy as np
import streamlit as st

import landscapes
import optim
import settings
from app_pages import controls as ui
from optim.summary import divergence_reason, summarize
from settings import Settings
from viz import descent as descent_figures
from viz import equations

RESET_ON_SURFACE = ("lr", "steps", "x0", "y0", "k", "batch", "noise")


# ---- cached work (the math lives in optim, landscapes and viz) ---------------------------------

@st.cache_data(max_entries=64, show_spinner=False)
def run(s: Settings) -> optim.Trajectory:
    return settings.run(s)


@st.cache_data(max_entries=64, show_spinner=False)
def figures(s: Settings, font_size: int) -> dict:
    surface = landscapes.get(s.surface)
    return descent_figures.figures(surface, ui.surface_layer(s.surface), run(s), s.k, s.sched != "constant",
                                   font_size=font_size)


# ---- state: URL → widgets → Settings → URL -----------------------------------------------------

def widget_values(s: Settings) -> dict:
    return {key: getattr(s, key) for key in Settings.__dataclass_fields__}


def load_from_url() -> None:
    """On a session's first run, the link's settings seed every widget."""
    if ui.url_is_new("_settings"):
        s, notes = settings.parse(ui.url_query())
        st.session_state["_settings"], st.session_state["_notes"] = s, notes
        ui.seed(widget_values(s), force=True)


def on_surface() -> None:
    fresh = widget_values(settings.defaults(st.session_state["surface"], st.session_state["opt"]))
    ui.seed({key: fresh[key] for key in RESET_ON_SURFACE}, force=True)


def on_opt() -> None:
    fresh = widget_values(settings.defaults(st.session_state["surface"], st.session_state["opt"]))
    ui.seed({key: fresh[key] for key in ("lr", "eps", "wd")}, force=True)


def current_settings(previous: Settings) -> Settings:
    """The widgets' values, checked by the same parser as a link (hidden widgets keep their value)."""
    return settings.parse({**settings.to_query(previous), **ui.widget_query(previous.relevant)})[0]


def controls(s: Settings, hide: set) -> None:
    sb = st.sidebar
    ui.surface_select(sb, hide, on_surface)
    if "opt" not in hide:
        sb.selectbox("Optimizer", optim.names(), key="opt", on_change=on_opt, format_func=ui.rule_label)
    ui.learning_rate(sb, hide)
    ui.knobs(sb, s.opt, hide)
    ui.schedule(sb, s, hide)
    ui.run_controls(sb, s, hide, ui.on_steps)


# ---- the picture -------------------------------------------------------------------------------

def banner(s: Settings, surface, traj) -> None:
    if traj.diverged_at >= 0:
        st.error(divergence_reason(surface, s.opt, s.lr, int(traj.diverged_at)), icon=":material/error:")


def path_and_loss(s: Settings, figs: dict, surface, traj, hide: set) -> None:
    """The contour with the path beside the loss curve and the numbers: the picture a class sees."""
    with ui.contour_and_curves(figs):
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
            *rules, (_, result) = equations.update_lines(s.opt, s.hyperparameters(), values)
            for symbols, filled in rules:
                st.latex(symbols)
                st.latex(filled)
            st.latex(result)
    if s.view3d:
        with left:
            ui.chart(figs["surface3d"], "surface3d")


# ---- the page ----------------------------------------------------------------------------------

hide = ui.hidden()
load_from_url()
previous = st.session_state["_settings"]
ui.seed(widget_values(previous))
# Widget values are settled before the script runs: read them first, so the controls drawn below
# (which knobs, which gradient source) already fit this run's optimizer and surface.
current = current_settings(previous)
ui.seed(widget_values(current))
controls(current, hide)
if current != previous:
    st.session_state["_settings"] = current
    st.session_state["_notes"] = []
ui.write_url(settings.to_query(current), "_settings")
surface = landscapes.get(current.surface)
trajectory = run(current)
figs = figures(current, 20 if ui.presenting() else 14)
ui.heading(f"{surface.title} · {ui.rule_label(current.opt)}", surface, st.session_state.get("_notes"))
banner(current, surface, trajectory)
path_and_loss(current, figs, surface, trajectory, hide)
surface_and_equations(current, figs, trajectory)
ui.share_link(settings.to_query(current))

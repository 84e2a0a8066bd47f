"""The descent page: pick a surface, an optimizer and its knobs, and watch the path roll downhill."""

from __future__ import annotations

import numpy as np
import streamlit as st

import settings
from app_pages import controls as ui
from app_pages import player, state, takeaway, work
from optim.summary import left_view_at, reached_title, reached_words, summarize
from settings import Settings
from viz import descent as descent_figures
from viz import equations, export
from viz.captions import curvature_note, divergence_reason, view_note

RESET_ON_SURFACE = ("lr", "steps", "x0", "y0", "k", "batch", "noise")


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
    ui.surface_and_optimizer(sb, s, hide, on_surface, on_opt)
    ui.learning_rate(sb, hide)
    ui.knobs(sb, s.opt, hide)
    ui.schedule(sb, s, hide)
    ui.run_controls(sb, s, hide)


# ---- the picture -------------------------------------------------------------------------------

def banner(s: Settings, surface, traj) -> None:
    """Why the run left, and what the curvature says at the inspected step (past the divergence: at
    the last step before the run left), in the banner, or under the title when the run stayed."""
    rule = s.rule()
    why = curvature_note(surface, rule, traj, s.k)
    if traj.diverged_at >= 0:
        left = int(left_view_at(traj.points, surface.bounds))
        st.error(" ".join([divergence_reason(surface, rule, s.lr, int(traj.diverged_at), left),
                           *([why] if why else [])]), icon=":material/error:")
        return
    outside = view_note(surface, traj)
    if outside:
        st.warning(outside, icon=":material/open_in_full:")
    if why:
        st.caption(why)


def numbers(surface, traj) -> None:
    summary = summarize(surface, traj.points, traj.losses, int(traj.diverged_at))
    a, b, c = st.columns(3)
    a.metric("Final loss", "diverged" if summary.diverged_at >= 0 else f"{summary.final_loss:.4g}")
    b.metric("Distance to nearest minimum", "—" if not np.isfinite(summary.distance) else f"{summary.distance:.3g}")
    reached = summary.steps_to_tolerance
    c.metric(reached_title(summary.tolerance).capitalize(), "never" if reached < 0 else str(reached),
             help=reached_words(reached, summary.tolerance).capitalize() + ".")


def worked_update(s: Settings, traj) -> None:
    """The update leaving the current step, symbols then numbers (the player's step, once it stops)."""
    values = equations.step_values(traj, s.k)
    if values is None:
        st.info(f"Step {s.k} is the end of the run (or past a divergence): no update leaves it.")
        return
    st.markdown(f"**At step {s.k}: the update to step {s.k + 1} (update t = {values['t']}), with its numbers** "
                f"(η = {values['lr']:.4g})")
    *rules, (_, result) = equations.update_lines(s.rule(), values)
    for symbols, filled in rules:
        st.latex(symbols)
        st.latex(filled)
    st.latex(result)


def below(s: Settings, surface, traj) -> None:
    """Under the picture: the numbers of the run, the step worked out by hand, the function, the 3D view."""
    numbers(surface, traj)
    left, right = st.columns([3, 2]) if s.view3d else (st.container(), None)
    with left:
        worked_update(s, traj)
        ui.formula(surface)
    if right is not None:
        with right:
            ui.chart(work.descent_view3d(s.run_settings, s.k, ui.font_size()), "surface3d")


# ---- the page ----------------------------------------------------------------------------------

current, notes = state.sync(PAGE)
(current,) = player.snap((current,), lambda one: settings.to_query(one[0]))
hide = state.hidden()
controls(current, hide)
surface = current.landscape
trajectory = work.descent_run(current.run_settings)
lesson = ui.heading(f"{surface.title} · {ui.rule_label(current.opt)}", surface, notes, "descent")
# presenting or under a lesson's caption, the picture takes the first screen and the sentence follows it
banner_below = state.presenting() or lesson
if not banner_below:
    banner(current, surface, trajectory)
drawn_at = player.picture_step(current.k)
fig = work.descent_picture(current.run_settings, drawn_at, ui.font_size(), player.height(state.presenting()),
                          player.narrow())
ui.picture(fig, hide, current.k)
if banner_below:
    banner(current, surface, trajectory)
below(current, surface, trajectory)
takeaway.section(takeaway.Picture(
    "descent", repr(current.run_settings), f"{surface.title} · {ui.rule_label(current.opt)}, lr {current.lr:g}", lambda: fig,
    surface, ui.surface_layer(current.surface, current.f, current.view), descent_figures.lanes(trajectory), current.k,
    lambda: export.trajectory_csv(trajectory),
    lambda write: write(surface, current.rule(), (current.x0, current.y0), current.steps, **current.gradient_source())))
ui.share_link(settings.to_query(current))

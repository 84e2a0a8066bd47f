"""The descent page: pick a surface, an optimizer and its knobs, and watch the path roll downhill."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st

import optim
import settings
from app_pages import controls as ui
from app_pages import live, player, state, takeaway, work
from optim.summary import left_view_at, reached_title, reached_words, summarize
from settings import Settings
from viz import descent as descent_figures
from viz import equations, export
from viz.captions import curvature_note, divergence_reason, view_note

RESET_ON_SURFACE = ("lr", "steps", "x0", "y0", "k", "batch", "noise")


@dataclass(frozen=True)
class Run:
    """This run: its settings, the surface, the rule (built once) and the engine's trajectory."""

    settings: Settings
    surface: object
    rule: optim.Rule
    trajectory: optim.Trajectory


# ---- controls ----------------------------------------------------------------------------------

def on_surface() -> None:
    fresh = settings.values(settings.defaults(st.session_state["surface"], st.session_state["opt"]))
    for key in RESET_ON_SURFACE:
        st.session_state[key] = fresh[key]


def on_opt() -> None:
    fresh = settings.defaults(st.session_state["surface"], st.session_state["opt"])
    st.session_state["lr"] = fresh.lr
    st.session_state.update({key: value for key, value in fresh.knobs if key in ("eps", "wd")})


def controls(s: Settings, hide: set):
    """The sidebar; returns the place under the rate and the knobs where the live sliders go (they need
    the picture, drawn later)."""
    sb = st.sidebar
    ui.surface_and_optimizer(sb, s, hide, on_surface, on_opt)
    ui.learning_rate(sb, hide)
    ui.knobs(sb, s.opt, hide)
    slot = sb.container()
    ui.schedule(sb, s, hide)
    ui.run_controls(sb, s, hide)
    return slot


# ---- the picture -------------------------------------------------------------------------------

def title(s: Settings) -> str:
    return f"{s.landscape.title} · {ui.rule_label(s.opt)}"


def banner(run: Run) -> None:
    """Why the run left, and what the curvature says at the inspected step (past the divergence: at
    the last step before the run left), in the banner, or under the title when the run stayed."""
    s, surface, rule, traj = run.settings, run.surface, run.rule, run.trajectory
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


def picture(s: Settings, hide: set) -> dict:
    """The animated picture, drawn at the step a link or a knob asked for (see ``player.picture_step``)."""
    fig = work.descent_picture(s.run_settings, player.picture_step(s.k), ui.font_size(),
                               player.height(state.presenting()), player.narrow())
    ui.picture(fig, hide, s.k)
    return fig


def worked_update(run: Run) -> None:
    """The update leaving the current step, symbols then numbers (the player's step, once it stops)."""
    s = run.settings
    values = equations.step_values(run.trajectory, s.k)
    if values is None:
        st.info(f"Step {s.k} is the end of the run (or past a divergence): no update leaves it.")
        return
    st.markdown(f"**At step {s.k}: the update to step {s.k + 1} (update t = {values['t']}), with its numbers** "
                f"(η = {values['lr']:.4g})")
    *rules, (_, result) = equations.update_lines(run.rule, values)
    for symbols, filled in rules:
        st.latex(symbols)
        st.latex(filled)
    st.latex(result)


def below(run: Run) -> None:
    """Under the picture: the numbers of the run, the step worked out by hand, the function, the 3D view."""
    s = run.settings
    numbers(run.surface, run.trajectory)
    left, right = st.columns([3, 2]) if s.view3d else (st.container(), None)
    with left:
        worked_update(run)
        ui.formula(run.surface)
    if right is not None:
        with right:
            ui.chart(work.descent_view3d(s.run_settings, s.k, ui.font_size()), "surface3d")


def take_home(run: Run, fig: dict) -> None:
    s, surface, traj = run.settings, run.surface, run.trajectory
    takeaway.section(takeaway.Picture(
        name="descent", run_key=repr(s.run_settings), caption=f"{title(s)}, lr {s.lr:g}", fig=lambda: fig,
        surface=surface, layer=ui.surface_layer(s.surface, s.f, s.view), lanes=descent_figures.lanes(traj), k=s.k,
        csv=lambda: export.trajectory_csv(traj),
        script=lambda write: write(surface, run.rule, (s.x0, s.y0), s.steps, **s.gradient_source())))


# ---- the page ----------------------------------------------------------------------------------

def main() -> None:
    current, notes = state.sync("descent", shown=player.on_frame)
    hide = state.hidden()
    slot = controls(current, hide)
    run = Run(current, current.landscape, current.rule(), work.descent_run(current.run_settings))
    lesson = ui.heading(title(current), run.surface, notes, "descent")
    # presenting or under a lesson's caption, the picture takes the first screen and the sentence follows it
    banner_below = state.presenting() or lesson
    if not banner_below:
        banner(run)
    fig = picture(current, hide)
    if banner_below:
        banner(run)
    if player.placing():  # a first visit's run that only holds the picture's place: the next one draws the rest
        return
    below(run)
    take_home(run, fig)
    ui.share_link(settings.to_query(current))
    if not player.placing():  # last: the page is on screen while the grid runs
        with slot:
            live.show(current, fig, current.k, ui.font_size(), hide)


main()

"""The race page: several optimizers from the same start on the same surface, moving together."""

from __future__ import annotations

import streamlit as st

import optim
import settings
from app_pages import controls as ui
from app_pages import player, state, takeaway, work
from optim.summary import summarize
from settings.race import own_everywhere, own_keys, parse_race, to_race_query
from viz import export
from viz import race as race_figures

SHARED_RESET = ("steps", "x0", "y0", "k", "batch", "noise")


def widget_values(racers) -> dict:
    shared = settings.values(racers[0])
    values = {key: value for key, value in shared.items() if key not in own_everywhere() and key != "opt"}
    values["opt"] = [r.opt for r in racers]
    for r in racers:
        mine = {"lr": r.lr, **dict(r.knobs)}
        values.update({f"{key}.{r.opt}": mine[key] for key in own_keys(r.opt)})
    return values


PAGE = state.Page("race", parse_race, to_race_query, widget_values,
                  helpers=lambda racers: ui.lr_sliders({f"lr.{r.opt}": r.lr for r in racers}))


def on_surface() -> None:
    fresh = settings.defaults(st.session_state["surface"])
    st.session_state.update({key: getattr(fresh, key) for key in SHARED_RESET})
    for opt in st.session_state["opt"]:
        st.session_state[f"lr.{opt}"] = settings.defaults(st.session_state["surface"], opt).lr


def keep_a_racer() -> bool:
    """An empty multiselect keeps the last race (the picture needs someone running)."""
    if st.session_state.get("opt") == [] and "_seeded" in st.session_state:
        st.session_state["opt"] = st.session_state["_seeded"].get("opt", list(optim.RACE_DEFAULT))
        return True
    return False


def controls(racers, hide: set) -> None:
    sb = st.sidebar
    ui.surface_select(sb, hide, on_surface)
    ui.formula_input(sb, racers[0], hide)
    if "opt" not in hide:
        sb.multiselect("Racers", optim.names(), key="opt", format_func=ui.rule_label)
    for r in racers:
        with sb.expander(ui.rule_label(r.opt), expanded=False):  # a fixed label keeps it open across reruns
            ui.learning_rate(st, hide, suffix=f".{r.opt}")
            ui.knobs(st, r.opt, hide, suffix=f".{r.opt}")
    ui.schedule(sb, racers[0], hide)
    ui.run_controls(sb, racers[0], hide)


def standings(racers, lanes, surface) -> None:
    rows = []
    for r, lane in zip(racers, lanes, strict=True):
        t = lane.trajectory
        summary = summarize(surface, t.points, t.losses, int(t.diverged_at))
        reached = summary.steps_to_tolerance
        rows.append({
            "optimizer": ui.rule_label(r.opt), "η": f"{r.lr:g}",
            "final loss": "—" if summary.diverged_at >= 0 else f"{summary.final_loss:.4g}",
            f"first step within {summary.tolerance:.2g} of a minimum": "never" if reached < 0 else str(reached),
            "diverged at step": "—" if summary.diverged_at < 0 else str(summary.diverged_at),
            "run time (ms)": f"{lane.seconds * 1e3:.2f}",
        })
    st.dataframe(rows, hide_index=True, width="stretch")
    st.caption("Run time: each racer's own engine run. A racer whose settings did not change is not run "
               "again.")


emptied = keep_a_racer()
racers, notes = state.sync(PAGE)
racers = player.snap(racers, to_race_query)
hide = state.hidden()
controls(racers, hide)
if emptied:
    st.info("Pick at least one optimizer to race; the picture shows the last race until then.")
run_key = tuple(r.run_settings for r in racers)
surface = racers[0].landscape
lanes = work.race_run(run_key)

ui.heading(f"The race on {surface.title}", surface, notes, "race")
diverged = [ui.rule_label(r.opt) for r, lane in zip(racers, lanes, strict=True) if lane.trajectory.diverged_at >= 0]
if diverged:
    st.error(f"{', '.join(diverged)} diverged: the path left the surface. Lower its learning rate.",
             icon=":material/error:")
drawn_at = player.picture_step(racers[0].k)
fig = work.race_picture(run_key, drawn_at, ui.font_size(), player.height(state.presenting()), player.narrow())
ui.picture(fig, hide, racers[0].k)
standings(racers, lanes, surface)
takeaway.section(takeaway.Picture(
    "race", repr(run_key), f"The race on {surface.title}", fig, surface,
    ui.surface_layer(racers[0].surface, racers[0].f, racers[0].view), race_figures.lanes_of(lanes), racers[0].k,
    lambda: export.lanes_csv([(ui.rule_label(lane.name), lane.trajectory) for lane in lanes]),
    lambda write: write(surface, {r.rule().title: r.rule() for r in racers}, (racers[0].x0, racers[0].y0),
                        racers[0].steps, **racers[0].gradient_source())))
if racers[0].view3d:
    st.markdown(f"**In 3D, at step {racers[0].k}**")
    ui.chart(work.race_view3d(run_key, racers[0].k, ui.font_size()), "surface3d")
ui.formula(surface)
ui.share_link(to_race_query(racers))

"""The race page: several optimizers from the same start on the same surface, moving together."""

from __future__ import annotations

import streamlit as st

import landscapes
import optim
import settings
from app_pages import controls as ui
from optim.summary import summarize
from settings.race import own_keys, parse_race, run_race, to_race_query
from viz import race as race_figures

SHARED_RESET = ("steps", "x0", "y0", "k", "batch", "noise")


@st.cache_data(max_entries=32, show_spinner=False)
def run(racers: tuple) -> list:
    return run_race(racers)


@st.cache_data(max_entries=32, show_spinner=False)
def figures(racers: tuple, font_size: int) -> dict:
    s = racers[0]
    surface = landscapes.get(s.surface)
    labels = [ui.rule_label(r.opt) for r in racers]
    return race_figures.figures(surface, ui.surface_layer(s.surface), run(racers), labels, s.k,
                                s.sched != "constant", font_size=font_size)


def widget_values(racers) -> dict:
    first = racers[0]
    values = {key: getattr(first, key) for key in settings.Settings.__dataclass_fields__
              if key not in (*settings.race.OWN, "opt")}
    values["opt"] = [r.opt for r in racers]
    for r in racers:
        values.update({f"{key}.{r.opt}": getattr(r, key) for key in own_keys(r.opt)})
    return values


def load_from_url() -> None:
    if ui.url_is_new("_race"):
        racers, notes = parse_race(ui.url_query())
        st.session_state["_race"], st.session_state["_race_notes"] = racers, notes
        ui.seed(widget_values(racers), force=True)


def on_surface() -> None:
    fresh = settings.defaults(st.session_state["surface"])
    ui.seed({key: getattr(fresh, key) for key in SHARED_RESET}, force=True)
    for opt in st.session_state["opt"]:
        ui.seed({f"lr.{opt}": settings.defaults(st.session_state["surface"], opt).lr}, force=True)


def current_racers(previous) -> tuple:
    query = to_race_query(previous)
    names = st.session_state.get("opt") or [r.opt for r in previous]
    keys = [k for k in query if k != "opt"] + [f"{key}.{n}" for n in names for key in own_keys(n)]
    query.update(ui.widget_query(keys))
    query["opt"] = ",".join(names)
    return parse_race(query)[0]


def controls(racers, hide: set) -> None:
    sb = st.sidebar
    ui.surface_select(sb, hide, on_surface)
    if "opt" not in hide:
        sb.multiselect("Racers", optim.names(), key="opt", format_func=ui.rule_label)
    for r in racers:
        with sb.expander(ui.rule_label(r.opt), expanded=False):  # a fixed label keeps it open across reruns
            ui.learning_rate(st, hide, suffix=f".{r.opt}")
            ui.knobs(st, r.opt, hide, suffix=f".{r.opt}")
    ui.schedule(sb, racers[0], hide)
    ui.run_controls(sb, racers[0], hide, ui.on_steps)


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
    st.caption("Run time: each racer's share of the one vectorized engine run (the shared work split evenly, "
               "plus its own updates).")


hide = ui.hidden()
load_from_url()
previous = st.session_state["_race"]
ui.seed(widget_values(previous))
racers = current_racers(previous)  # before the controls: a new racer's knobs show at once
ui.seed(widget_values(racers))
controls(racers, hide)
if racers != previous:
    st.session_state["_race"], st.session_state["_race_notes"] = racers, []
if not st.session_state.get("opt") and "opt" not in hide:
    st.info("Pick at least one optimizer to race; the picture shows the last race until then.")
ui.write_url(to_race_query(racers), "_race")
surface = landscapes.get(racers[0].surface)
lanes = run(racers)
figs = figures(racers, 20 if ui.presenting() else 14)

ui.heading(f"The race on {surface.title}", surface, st.session_state.get("_race_notes"))
diverged = [ui.rule_label(r.opt) for r, lane in zip(racers, lanes, strict=True) if lane.trajectory.diverged_at >= 0]
if diverged:
    st.error(f"{', '.join(diverged)} diverged: the path left the surface. Lower its learning rate.",
             icon=":material/error:")
ui.contour_and_curves(figs)
if "k" not in hide:
    st.slider("Step to inspect (markers on the 3D view and the curves)", 0, racers[0].steps, key="k")
standings(racers, lanes, surface)
if racers[0].view3d:
    ui.chart(figs["surface3d"], "surface3d")
ui.share_link(to_race_query(racers))

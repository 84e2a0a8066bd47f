"""The race page: several optimizers from the same start on the same surface, moving together."""

from __future__ import annotations

import streamlit as st

import optim
import settings
from app_pages import controls as ui
from app_pages import player, state, takeaway, work
from optim.summary import reached_title, summarize
from settings.race import Race, at_tuned_rates, own_everywhere, own_keys, parse_race, to_race_query
from viz import export
from viz import race as race_figures

SHARED_RESET = ("steps", "x0", "y0", "k", "batch", "noise")
NOT_A_BENCHMARK = ("Tuned on this surface from this start: one surface is not a benchmark — a rule that wins here "
                   "can lose elsewhere.")


def widget_values(racers) -> dict:
    shared = settings.values(racers[0])
    values = {key: value for key, value in shared.items() if key not in own_everywhere() and key != "opt"}
    values["opt"] = [r.opt for r in racers]
    values["tune"] = racers.tune
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


def controls(racers, tunings, hide: set) -> None:
    """``tunings``: each racer's tuning, when ``racers.tune``."""
    sb = st.sidebar
    ui.surface_select(sb, hide, on_surface)
    ui.formula_input(sb, racers[0], hide)
    if "opt" not in hide:
        sb.multiselect("Racers", optim.names(), key="opt", format_func=ui.rule_label)
    if "tune" not in hide:
        sb.toggle("Tune each racer", key="tune",
                  help="Race each optimizer at its best learning rate on this surface from this start: about 50 "
                       "rates each, every racer at every rate in one run.")
    for i, r in enumerate(racers):
        with sb.expander(ui.rule_label(r.opt), expanded=False):  # a fixed label keeps it open across reruns
            if racers.tune and not state.is_hidden(f"lr.{r.opt}", hide):
                tuned_rate(r, tunings[i])
            else:
                ui.learning_rate(st, hide, suffix=f".{r.opt}")
            ui.knobs(st, r.opt, hide, suffix=f".{r.opt}")
    ui.schedule(sb, racers[0], hide)
    ui.run_controls(sb, racers[0], hide)


def tuned_rate(racer, tuning) -> None:
    """In place of the learning-rate widgets while tuning: the rate it races at, read-only."""
    if tuning.lr is None:
        st.markdown(f"Learning rate η: **{racer.lr:g}**, its own: every rate tried diverged")
    elif tuning.lr == racer.lr:
        st.markdown(f"Learning rate η: **{racer.lr:g}**, tuned: its own rate was the best")
    else:
        st.markdown(f"Learning rate η: **{tuning.lr:g}**, tuned (its own: {racer.lr:g})")
    st.caption("Switch off *Tune each racer* to set it yourself.")


def tuning_table(racers, tunings) -> None:
    st.markdown(f"**Tuned learning rates.** {NOT_A_BENCHMARK}")
    rows = []
    for r, t in zip(racers, tunings, strict=True):
        best = t.best
        rows.append({
            "optimizer": ui.rule_label(r.opt),
            "tuned η": "none: every rate diverged" if best < 0 else f"{t.lr:g}",
            "final loss at it": "—" if best < 0 else f"{t.final_loss[best]:.4g}",
            "rates tried": f"{len(t.lrs)}, from {t.lrs[0]:g} to {t.lrs[-1]:g} (log grid, and its own {r.lr:g})",
            "of which diverged": str(int(t.diverged.sum())),
        })
    st.dataframe(rows, hide_index=True, width="stretch")
    st.caption("Best: the lowest final loss; runs that end within a millionth of their start's gap to the minimum "
               "count as converged, and of those the first to stay there wins. A rate that diverges is never "
               "chosen; a racer whose every rate diverges races at its own. With a schedule, every rate starts "
               "the same schedule; with noise or mini-batches, every rate sees the race's own draws.")


def standings(racers, lanes, surface) -> None:
    rows = []
    for r, lane in zip(racers, lanes, strict=True):
        t = lane.trajectory
        summary = summarize(surface, t.points, t.losses, int(t.diverged_at))
        reached = summary.steps_to_tolerance
        rows.append({
            "optimizer": ui.rule_label(r.opt), "η": f"{r.lr:g}",
            "final loss": "—" if summary.diverged_at >= 0 else f"{summary.final_loss:.4g}",
            reached_title(summary.tolerance): "never" if reached < 0 else str(reached),
            "left the view at step": "—" if summary.left_view_at < 0 else str(summary.left_view_at),
            "diverged at step": "—" if summary.diverged_at < 0 else str(summary.diverged_at),
            "run time (ms)": f"{lane.seconds * 1e3:.2f}",
        })
    st.dataframe(rows, hide_index=True, width="stretch")
    st.caption("Run time: each racer's own engine run. A racer whose settings did not change is not run "
               "again.")


emptied = keep_a_racer()
racers, notes = state.sync(PAGE)
racers = Race(player.snap(racers, lambda snapped: to_race_query(Race(snapped, racers.tune))), racers.tune)
hide = state.hidden()
tunings = work.race_tuning(tuple(r.run_settings for r in racers)) if racers.tune else None
running = at_tuned_rates(racers, tunings) if racers.tune else racers  # the racers as they race
controls(racers, tunings, hide)
if emptied:
    st.info("Pick at least one optimizer to race; the picture shows the last race until then.")
run_key = tuple(r.run_settings for r in running)
surface = racers[0].landscape
lanes = work.race_run(run_key)

ui.heading(f"The race on {surface.title}", surface, notes, "race")
diverged = [ui.rule_label(r.opt) for r, lane in zip(running, lanes, strict=True) if lane.trajectory.diverged_at >= 0]
if diverged:
    st.error(f"{', '.join(diverged)} diverged: the path left the surface. Lower its learning rate.",
             icon=":material/error:")
drawn_at = player.picture_step(racers[0].k)
fig = work.race_picture(run_key, drawn_at, ui.font_size(), player.height(state.presenting()), player.narrow())
ui.picture(fig, hide, racers[0].k)
standings(running, lanes, surface)
if racers.tune:
    tuning_table(racers, tunings)
takeaway.section(takeaway.Picture(
    "race", repr(run_key), f"The race on {surface.title}", lambda: fig, surface,
    ui.surface_layer(racers[0].surface, racers[0].f, racers[0].view), race_figures.lanes_of(lanes), racers[0].k,
    lambda: export.lanes_csv([(ui.rule_label(lane.name), lane.trajectory) for lane in lanes]),
    lambda write: write(surface, {r.rule().title: r.rule() for r in running}, (racers[0].x0, racers[0].y0),
                        racers[0].steps, **racers[0].gradient_source())))
if racers[0].view3d:
    st.markdown(f"**In 3D, at step {racers[0].k}**")
    ui.chart(work.race_view3d(run_key, racers[0].k, ui.font_size()), "surface3d")
ui.formula(surface)
ui.share_link(to_race_query(racers))

"""The race page: several optimizers from the same start on the same surface, moving together."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

import optim
import settings
from app_pages import controls as ui
from app_pages import live, player, state, takeaway, work
from optim.summary import reached_title, summarize
from settings.race import Race, at_tuned_rates, to_race_query
from viz import export
from viz import race as race_figures

SHARED_RESET = ("steps", "x0", "y0", "k", "batch", "noise")
NOT_A_BENCHMARK = ("Tuned on this surface from this start: one surface is not a benchmark — a rule that wins here "
                   "can lose elsewhere.")


@dataclass(frozen=True)
class RaceRun:
    """This run: the racers as set, as they race (at their tuned rates, when tuning), each one's
    tuning, the surface and each lane's run."""

    racers: Race
    running: Race
    tunings: list | None
    surface: object
    lanes: list

    @property
    def key(self) -> tuple:
        """What the engine runs and the pictures are keyed on."""
        return tuple(r.run_settings for r in self.running)


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


def controls(racers, tunings, hide: set):
    """``tunings``: each racer's tuning, when ``racers.tune``. Returns the place under the racers where the
    live sliders go (they need the picture, drawn later)."""
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
    slot = sb.container()
    ui.schedule(sb, racers[0], hide)
    ui.run_controls(sb, racers[0], hide)
    return slot


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


def race(racers: Race) -> RaceRun:
    tunings = work.race_tuning(tuple(r.run_settings for r in racers)) if racers.tune else None
    running = at_tuned_rates(racers, tunings) if racers.tune else racers
    return RaceRun(racers, running, tunings, racers[0].landscape,
                   work.race_run(tuple(r.run_settings for r in running)))


def diverged(run: RaceRun) -> None:
    gone = [ui.rule_label(r.opt) for r, lane in zip(run.running, run.lanes, strict=True) if lane.trajectory.diverged_at >= 0]
    if gone:
        st.error(f"{', '.join(gone)} diverged: the path left the surface. Lower its learning rate.",
                 icon=":material/error:")


def picture(run: RaceRun, hide: set) -> dict:
    k = run.racers[0].k
    fig = work.race_picture(run.key, player.picture_step(k), ui.font_size(), player.height(state.presenting()),
                            player.narrow())
    ui.picture(fig, hide, k)
    return fig


def below(run: RaceRun) -> None:
    """Under the picture: the standings, the tuned rates, the 3D view, the function."""
    first = run.racers[0]
    standings(run.running, run.lanes, run.surface)
    if run.racers.tune:
        tuning_table(run.racers, run.tunings)
    if first.view3d:
        st.markdown(f"**In 3D, at step {first.k}**")
        ui.chart(work.race_view3d(run.key, first.k, ui.font_size()), "surface3d")
    ui.formula(run.surface)


def take_home(run: RaceRun, fig: dict) -> None:
    first, lanes = run.racers[0], run.lanes
    rules = [r.rule() for r in run.running]
    takeaway.section(takeaway.Picture(
        name="race", run_key=repr(run.key), caption=f"The race on {run.surface.title}", fig=lambda: fig,
        surface=run.surface, layer=ui.surface_layer(first.surface, first.f, first.view),
        lanes=race_figures.lanes_of(lanes), k=first.k,
        csv=lambda: export.lanes_csv([(ui.rule_label(lane.name), lane.trajectory) for lane in lanes]),
        script=lambda write: write(run.surface, {rule.title: rule for rule in rules}, (first.x0, first.y0),
                                   first.steps, **first.gradient_source())))


def main() -> None:
    emptied = keep_a_racer()
    racers, notes = state.sync("race", shown=player.on_frame)
    hide = state.hidden()
    run = race(racers)  # before the controls: a tuned racer's box shows the rate it races at
    slot = controls(racers, run.tunings, hide)
    if emptied:
        st.info("Pick at least one optimizer to race; the picture shows the last race until then.")
    ui.heading(f"The race on {run.surface.title}", run.surface, notes, "race")
    diverged(run)
    fig = picture(run, hide)
    if player.placing():  # a first visit's run that only holds the picture's place: the next one draws the rest
        return
    below(run)
    take_home(run, fig)
    ui.share_link(to_race_query(racers))
    if not player.placing():  # last: the page is on screen while the grids run
        with slot:
            live.show_race(racers, fig, hide)


main()

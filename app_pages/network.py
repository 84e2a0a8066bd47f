"""A real network's loss landscape: a 4-16-3 network trained on the iris flowers by one rule, its path
through 131 weights projected on a plane, the loss on that plane, and the path's true loss beside it."""

from __future__ import annotations

import numpy as np
import streamlit as st

import optim
from app_pages import controls as ui
from app_pages import live, player, state, work
from landscapes import network as nets
from optim import network_code
from settings import network as network_settings
from settings.network import NetworkSettings, to_network_query
from viz import network as network_figures

PLANES = {"pca": "the path's two principal directions", "random": "two random filter-normalized directions"}


def on_opt() -> None:
    st.session_state["lr"] = network_settings.default_lr(st.session_state["opt"])


def controls(s: NetworkSettings, hide: set):
    """The sidebar; returns the place under the rate where the live η slider goes (it needs the picture)."""
    sb = st.sidebar
    if "race" not in hide:
        sb.toggle("Race the seven rules", key="race", help="Every rule from the same initial weights and the same "
                  "mini-batches, each at its tuned learning rate, on one shared plane.")
    if s.race:  # each rule at its tuned rate, on the plane of all paths: no rule, rate or plane to choose
        hide = hide | {"opt", "lr", "plane"}
    if "opt" not in hide:
        sb.selectbox("Optimizer", optim.names(), key="opt", on_change=on_opt, format_func=ui.rule_label)
    ui.learning_rate(sb, hide)
    slot = sb.container()
    if "steps" not in hide:
        sb.slider("Steps", 1, network_settings.MAX_STEPS, key="steps")
    if "batch" not in hide:
        sb.slider("Mini-batch size (0: all 150 flowers)", 0, nets.iris().n_samples, key="batch")
    if "plane" not in hide:
        sb.radio("The plane", list(PLANES), key="plane", format_func=PLANES.get,
                 help="Principal directions: the plane the path moved in most (Li et al. 2018, §7). Random "
                      "directions: each neuron's weights scaled as in the trained network (their §4).")
    if "seed" not in hide:
        sb.number_input("Random seed (initial weights, batches, directions)", 0, 2**31 - 1, key="seed", step=1)
    return slot


def live_rate(s: NetworkSettings, fig: dict, hide: set) -> None:
    """η live as it is dragged: every stop's run is on the page's plane already (one engine run). Not for a
    client that cannot drag (AppTest, a headless visitor), nor where a lesson fixed the rate."""
    if st.context.url is None or "lr" in hide:
        return
    grid, _ = work.network_live(s.run_settings)
    lane = work.network_live_lane(s.run_settings, s.k)
    live.show_lane(fig, network_figures.LABEL, optim.rule(s.opt).color, lane, grid, s.lr)


def caveat(study) -> None:
    plane = study.plane
    held = (f"The plane holds {plane.explained[0]:.1%} + {plane.explained[1]:.1%} of the path's variance. "
            if plane.explained else "")
    st.caption(f"{held}The path moves in all {nets.DIM} weights; this is its shadow on a plane through where it "
               "ended. A projected path can look uphill on the contour: the contour is the loss on the plane, "
               "the curve beside it is the path's true loss.")


def numbers(study) -> None:
    traj = study.trajectory
    a, b, c = st.columns(3)
    left = int(traj.diverged_at) >= 0
    a.metric("Final loss (cross-entropy)", "diverged" if left else f"{traj.losses[-1]:.4g}")
    b.metric("Flowers classified right", "—" if left else f"{study.accuracy[-1]:.1%}")
    c.metric("Farthest off the plane", f"{np.nanmax(study.off):.3g}", help="The largest distance from a step's weights to "
             "the plane (the projection draws the nearest point on it).")


def curvature(c) -> None:
    """The ravine lesson on this network: the sharpest curvature where training ended, and plain descent from
    there at rates around 2/λ_max (the numbers are this run's own)."""
    st.markdown("**What the toy surfaces taught, measured on this network**")
    if c is None:
        st.caption("The run left, or nothing curves up where it ended: no curvature to measure.")
        return
    a, b, d = st.columns(3)
    a.metric("λ_max (sharpest)", f"{c.eigenvalues[0]:.3g}", help="The Hessian's largest eigenvalue at "
             "the weights where training ended; the next two: " + ", ".join(f"{v:.3g}" for v in c.eigenvalues[1:3]))
    b.metric("Stable η below", f"{c.lr_max:.3g}", help="2/λ_max: the largest rate at which plain descent is stable "
             "near these weights, if the curvature stayed as it is.")
    d.metric("Condition number", f"{c.condition:.3g}", help=f"λ_max over the smallest of the {len(c.curved)} "
             f"eigenvalues above {network_settings.FLAT:g} λ_max; {c.negative} are negative "
             "(directions that still curve down).")
    st.markdown(network_figures.sweep_words(c, network_settings.SWEEP_STEPS))


def take_home(s: NetworkSettings, study) -> None:
    with st.expander("Take it home: every step as numbers, and the run as PyTorch code", icon=":material/download:"):
        left, right = st.columns(2)
        left.download_button("Every step (CSV)", data=lambda: network_figures.csv_text(study),
                             file_name="downhill-network.csv", mime="text/csv", on_click="ignore", key="csv.network",
                             help="step, true loss, accuracy, the point on the plane, how far off it, all 131 weights")
        script = network_code.torch_script(s.rule(), nets.iris().init(s.seed), s.steps, batch_size=s.batch or None,
                                           seed=s.seed)
        right.download_button("The run (PyTorch)", data=script, file_name="downhill-network.py", mime="text/x-python",
                              on_click="ignore", key="py.network")
        st.caption("The same network, weights, batches and torch.optim rule: its path equals the one drawn to 1e-8.")
        st.code(script, language="python")


def title(s: NetworkSettings) -> str:
    return "A real network · the seven rules race" if s.race else f"A real network · {ui.rule_label(s.opt)}"


def standings(race) -> None:
    """Each rule's tuned rate, final loss and accuracy, best final loss first."""
    rows = [{"optimizer": ui.rule_label(lane.name), "tuned η": f"{lr:.3g}",
             "final loss": float(lane.trajectory.losses[-1]), "flowers right": f"{accuracy:.1%}"}
            for lane, lr, accuracy in zip(race.lanes, race.tuned, race.accuracy, strict=True)]
    rows.sort(key=lambda row: row["final loss"] if np.isfinite(row["final loss"]) else np.inf)
    st.dataframe([{**row, "final loss": f"{row['final loss']:.4g}"} for row in rows], hide_index=True)
    explained = race.plane.explained
    st.caption(f"The plane: the principal directions of all seven paths together, through the winner's end; it "
               f"holds {explained[0]:.1%} + {explained[1]:.1%} of their variance. The paths move in all {nets.DIM} "
               "weights: a projected path can look uphill; its curve beside is its true loss. Each rate was tuned "
               "on this run's steps and batches: one data set, one network, not a benchmark.")


def race_page(current: NetworkSettings, notes, hide: set) -> None:
    race = work.network_race(current.run_settings)
    ui.heading(title(current), race.surface, notes, "network")
    fig = work.network_race_picture(current.run_settings, player.picture_step(current.k), ui.font_size(),
                                    player.height(state.presenting()), player.narrow())
    ui.picture(fig, hide | {"x0", "y0"}, current.k)
    if player.placing():
        return
    standings(race)


def main() -> None:
    current, notes = state.sync("network", shown=player.on_frame)
    hide = state.hidden()
    slot = controls(current, hide)
    if current.race:
        race_page(current, notes, hide)
    else:
        fig = one_rule(current, notes, hide)
        if fig is not None:
            with slot:  # last: the page is on screen while the grid runs
                live_rate(current, fig, hide)
    ui.share_link(to_network_query(current))


def one_rule(current: NetworkSettings, notes, hide: set) -> dict | None:
    """The one-rule page; its picture, or None on a first visit's run that only holds its place."""
    study = work.network_study(current.run_settings)
    ui.heading(title(current), study.surface, notes, "network")
    if int(study.trajectory.diverged_at) >= 0:
        st.error(f"The weights left at step {int(study.trajectory.diverged_at)}: the learning rate is too large "
                 "for this network. Lower it.", icon=":material/error:")
    fig = work.network_picture(current.run_settings, player.picture_step(current.k), ui.font_size(),
                               player.height(state.presenting()), player.narrow())
    ui.picture(fig, hide | {"x0", "y0"}, current.k)
    if player.placing():  # a first visit's run that only holds the picture's place: the next one draws the rest
        return None
    caveat(study)
    numbers(study)
    left, right = st.columns([3, 2])
    with left:
        curvature(work.network_curvature(current.run_settings))
    with right:
        ui.chart(work.network_view3d(current.run_settings, current.k, ui.font_size()), "surface3d")
        st.caption("In 3D the path lies on the plane's surface: each point at the plane's loss under it, not at the "
                   "path's own loss (the curve beside the picture).")
    take_home(current, study)
    return fig


main()

"""Full batch, SGD and mini-batch descent on real data: the same rule from the same start, on one
contour with the data and each fit beside it, the gradient noise at the inspected point, and the
training loop as people write it, with the table it prints."""

from __future__ import annotations

import csv
import io

import numpy as np
import streamlit as st

import landscapes
from app_pages import controls as ui
from app_pages import player, state, takeaway, work
from optim import batches, loop
from optim.summary import left_view_at, view_words
from settings import batches as batch_settings
from settings.batches import BatchSettings, to_batches_query, widget_values
from viz import batches as batch_figures
from viz import export

D = 2  # parameters (w, b): one sample's gradient costs about d multiply-adds
RESET = ("lr", "batch", "epochs", "x0", "y0", "k")


def on_data() -> None:
    ss = st.session_state
    fresh = widget_values(batch_settings.defaults(ss["data"], bool(ss.get("scaled", True))))
    ss.update({key: fresh[key] for key in RESET})


def controls(b: BatchSettings, hide: set) -> None:
    sb, n = st.sidebar, b.landscape.n_samples
    if "data" not in hide:
        sb.selectbox("Data", batch_settings.data_names(), key="data", on_change=on_data,
                     format_func=lambda name: landscapes.get(name).title)
    if landscapes.get(b.data).model.unscaled and "scaled" not in hide:
        sb.toggle("Standardise the feature", key="scaled", on_change=on_data,
                  help="Off: the bill in dollars. The surface becomes a steep ravine and the usable "
                       "learning rate shrinks by about a thousand.")
    ui.learning_rate(sb, hide)
    if "batch" not in hide:
        sb.slider("Mini-batch size", 2, n, key="batch")
    if "epochs" not in hide:
        sb.slider("Epochs", 1, batch_settings.max_epochs(n), key="epochs")
    if "compare" not in hide:
        sb.radio("Compare at", ["epochs", "updates"], key="compare", horizontal=True,
                 format_func=lambda c: "equal epochs (samples)" if c == "epochs" else "equal updates",
                 help="Equal epochs: every flavour sees the data as often (SGD makes n updates for the full "
                      "batch's one). Equal updates: as many updates as the full batch makes.")
    if "sched" not in hide:
        sb.selectbox("Learning-rate schedule", batches.SCHEDULES, key="sched",
                     format_func=lambda name: ui.SCHEDULE_NAMES[name] + (" to 0 over each run" if name != "constant"
                                                                           else ""))
    (x0, x1), (y0, y1) = b.landscape.bounds
    if "x0" not in hide and "y0" not in hide:
        left, right = sb.columns(2)
        left.number_input("Start w", x0, x1, key="x0", format="%.4g", step=(x1 - x0) / 100)
        right.number_input("Start b", y0, y1, key="y0", format="%.4g", step=(y1 - y0) / 100)
        sb.caption("Or click the contour plot to start there.")
    if "seed" not in hide:
        sb.number_input("Random seed (the shuffles)", 0, 2**31 - 1, key="seed", step=1)


def costs(b: BatchSettings, runs) -> None:
    """What each flavour paid: the counts, not a timing (d = 2 parameters)."""
    n = b.landscape.n_samples
    rows = []
    for run in runs:
        t = run.trajectory
        rows.append({
            "flavour": run.label, "updates / epoch": f"{run.updates_per_epoch:,}",
            "multiply-adds / update": f"{run.batch_size * D:,} ({_cost(run.batch_size, n)})",
            "updates": f"{t.steps:,}", "samples": f"{int(run.samples[-1]):,}",
            "multiply-adds": f"{int(run.samples[-1]) * D:,}",
            "final loss": "left the surface" if t.diverged_at >= 0 else f"{t.losses[-1]:.4g}",
            "left the view": view_words(np.max(left_view_at(t.points, b.landscape.bounds)), np.max(t.diverged_at)) or "no",
        })
    st.dataframe(rows, hide_index=True, width="stretch")
    st.caption(f"One sample's gradient costs about d = {D} multiply-adds (one per parameter). An epoch costs n·d "
               f"= {n * D:,} whatever the batch: SGD spends it on {n} small, noisy updates, the full batch on one "
               "exact update.")
    rates = batches.stable_rates(b.landscape)
    if rates is not None:
        full, single = rates
        st.caption(f"Usable learning rates on this surface: the full batch diverges above 2/L = {full:.3g}; a single "
                   f"sample's step overshoots above {single:.3g} (2 over the steepest sample's curvature), so SGD "
                   f"needs less. This run uses η = {b.lr:g}.")


def _cost(size: int, n: int) -> str:
    return "n·d" if size == n else "d" if size == 1 else "b·d"


def noise(b: BatchSettings, runs, k: int) -> None:
    """The cloud of mini-batch gradients at the mini-batch's point at the inspected tick."""
    point = batches.point_at(runs, b.compare, "mini", k)
    st.markdown(f"**Gradient noise at the mini-batch's point ({point[0]:.3g}, {point[1]:.3g})**")
    if not np.isfinite(point).all():
        st.info("The mini-batch run left the surface before this point: there is no gradient to sample.")
        return
    here = (float(point[0]), float(point[1]))
    fig, spreads, expected = work.batches_cloud(b.surface_name, b.batch, b.seed, here, ui.font_size())
    left, right = st.columns([3, 2])
    with left:
        ui.chart(fig, "cloud")
    with right:
        ui.chart(work.batches_spreads(b.surface_name, b.batch, b.seed, here, ui.font_size()), "spread")
    right.markdown(
        f"Each dot is the gradient one batch would give here; the cross is the full gradient. Measured over 200 "
        f"random batches, a single sample's gradient strays **{spreads[0]:.3g}** from the full one on average "
        f"(root mean square), a batch of {b.batch} strays **{spreads[1]:.3g}**.\n\n"
        f"Sampling theory (without replacement) predicts {expected:.3g} for a batch of {b.batch}: the spread "
        "shrinks like 1/√b, and to 0 at the full batch (above: measured dots on the theory's curve).")


def training_loop(b: BatchSettings, hide: set) -> None:
    runs = work.batches_run(b.run_settings, "epochs")  # the loop runs whole epochs
    run = next(r for r in runs if r.flavour.name == b.loop)
    model = b.landscape.model
    st.markdown("**The training loop, as people write it**")
    if "loop" not in hide:
        st.radio("Loop for", list(batches.FLAVOURS), key="loop", horizontal=True,
                 format_func=lambda name: batches.FLAVOURS[name].title)
    code = loop.code(model, run, b.lr, (b.x0, b.y0), b.seed, b.sched, b.epochs)
    rows = loop.table(run, b.epochs)
    st.code(code, language="python")
    st.markdown("**What it prints**")
    left, right = st.columns([2, 3])
    gone = int(run.trajectory.diverged_at)
    if gone >= 0:
        right.error(f"This run left the surface at update {gone}: the table stops there. The loop would go on "
                    "printing ever larger (or nan) numbers.", icon=":material/error:")
        rows = [r for r in rows if np.isfinite([r["w"], r["b"], r["loss"]]).all()]
    left.dataframe([{"epoch": r["epoch"], "w": f"{r['w']:.3f}", "b": f"{r['b']:.3f}", "loss": f"{r['loss']:.4f}"}
                     for r in rows], hide_index=True, width="stretch")
    if gone < 0:
        right.code(loop.printed(rows, run.trajectory.points[-1], model.kind).splitlines()[-1], language=None)
    right.download_button("Download the table (CSV)", _csv(rows), file_name=f"{b.data}-{b.loop}-loop.csv",
                          mime="text/csv", icon=":material/download:")


def _csv(rows) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=["epoch", "w", "b", "loss"], lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def gone(runs) -> None:
    left = [r.label for r in runs if r.trajectory.diverged_at >= 0]
    if left:
        st.error(f"{', '.join(left)} left the surface: the learning rate is too large for steps that noisy. "
                 "Lower it.", icon=":material/error:")


def picture(b: BatchSettings, hide: set) -> dict:
    fig = work.batches_picture(b.run_settings, player.picture_step(b.k), ui.font_size(),
                               player.height(state.presenting()), player.narrow())
    ui.picture(fig, hide, b.k)
    return fig


def below(b: BatchSettings, runs, hide: set) -> None:
    """Under the picture: what each flavour paid, the gradient noise, the training loop, the function."""
    costs(b, runs)
    noise(b, runs, b.k)
    training_loop(b, hide)
    ui.formula(b.landscape)


def take_home(b: BatchSettings, runs, fig: dict) -> None:
    takeaway.section(takeaway.Picture(
        name="batches", run_key=repr(b.run_settings), caption=title(b), fig=lambda: fig, surface=b.landscape,
        layer=ui.surface_layer(b.surface_name), lanes=batch_figures.lanes_of(runs, b.compare), k=b.k,
        csv=lambda: export.lanes_csv([(r.label, r.trajectory) for r in runs],
                                     clocks=[("samples seen", r.samples) for r in runs])))


def title(b: BatchSettings) -> str:
    return f"Full batch, SGD and mini-batches · {b.landscape.title}"


def main() -> None:
    current, notes = state.sync("batches", shown=player.on_frame)
    hide = state.hidden()
    controls(current, hide)
    runs = work.batches_run(current.run_settings, current.compare)
    ui.heading(title(current), current.landscape, notes, "batches")
    gone(runs)
    fig = picture(current, hide)
    if player.placing():  # a first visit's run that only holds the picture's place: the next one draws the rest
        return
    below(current, runs, hide)
    take_home(current, runs, fig)
    ui.share_link(to_batches_query(current))


main()

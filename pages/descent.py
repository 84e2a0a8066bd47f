"""The descent page: pick a surface, an optimizer and its knobs, and watch the path roll downhill."""

from __future__ import annotations

from urllib.parse import urlencode

import numpy as np
import streamlit as st

import landscapes
import optim
import settings
from optim.summary import divergence_reason, summarize
from settings import Settings
from viz import descent as descent_figures
from viz import equations
from viz.lean import PreparedFigure

LR_OPTIONS = [round(m * 10.0**e, 8) for e in range(-5, 1) for m in (1, 1.25, 1.6, 2, 2.5, 3.2, 4, 5, 6.3, 8)] + [10.0]
RULE_NAMES = {"sgd": "Gradient descent", "momentum": "Momentum", "nesterov": "Nesterov momentum",
              "adagrad": "AdaGrad", "rmsprop": "RMSProp", "adam": "Adam", "adamw": "AdamW"}
SCHEDULE_NAMES = {"constant": "Constant", "step": "Step decay", "exponential": "Exponential decay",
                  "cosine": "Cosine annealing", "warmup_cosine": "Warmup, then cosine"}
RESET_ON_SURFACE = ("lr", "steps", "x0", "y0", "k", "batch", "noise")


# ---- cached work (the math lives in optim, landscapes and viz) ---------------------------------

@st.cache_data(max_entries=16, show_spinner=False)
def surface_layer(name: str):
    return descent_figures.surface_layer(landscapes.get(name))


@st.cache_data(max_entries=64, show_spinner=False)
def run(s: Settings) -> optim.Trajectory:
    return settings.run(s)


@st.cache_data(max_entries=64, show_spinner=False)
def figures(s: Settings) -> dict:
    surface = landscapes.get(s.surface)
    return descent_figures.figures(surface, surface_layer(s.surface), run(s), s.k, s.sched != "constant")


# ---- state: URL → widgets → Settings → URL -----------------------------------------------------

def load_from_url() -> None:
    """On a session's first run, the link's settings seed every widget."""
    if "_settings" in st.session_state:
        return
    query = {key: st.query_params.get_all(key) for key in st.query_params}
    s, notes = settings.parse(query)
    st.session_state["_settings"], st.session_state["_notes"] = s, notes
    seed_widgets(s, force=True)


def seed_widgets(s: Settings, force: bool = False, keys=None) -> None:
    for key in keys or settings.Settings.__dataclass_fields__:
        if force or key not in st.session_state:
            st.session_state[key] = getattr(s, key)
    st.session_state["lr_slider"] = nearest_lr(st.session_state["lr"])


def nearest_lr(lr: float) -> float:
    return min(LR_OPTIONS, key=lambda option: abs(np.log(option) - np.log(lr)))


def on_surface() -> None:
    fresh = settings.defaults(st.session_state["surface"], st.session_state["opt"])
    seed_widgets(fresh, force=True, keys=RESET_ON_SURFACE)


def on_opt() -> None:
    fresh = settings.defaults(st.session_state["surface"], st.session_state["opt"])
    seed_widgets(fresh, force=True, keys=("lr", "eps", "wd"))


def on_lr_slider() -> None:
    st.session_state["lr"] = st.session_state["lr_slider"]


def on_lr() -> None:
    st.session_state["lr_slider"] = nearest_lr(st.session_state["lr"])


def on_steps() -> None:
    st.session_state["k"] = min(st.session_state["k"], st.session_state["steps"])


def on_click() -> None:
    """A click on the contour moves the start there."""
    points = st.session_state["contour"].selection.points
    if points:
        (x0, x1), (y0, y1) = landscapes.get(st.session_state["surface"]).bounds
        st.session_state["x0"] = float(np.clip(points[0]["x"], x0, x1))
        st.session_state["y0"] = float(np.clip(points[0]["y"], y0, y1))
        st.session_state["k"] = 0


def current_settings(previous: Settings) -> Settings:
    """The widgets' values, checked by the same parser as a link (hidden widgets keep their value)."""
    query = settings.to_query(previous)
    for key in previous.relevant:
        if key in st.session_state:
            value = st.session_state[key]
            query[key] = value if isinstance(value, str) else settings.readers.fmt(value)
    s, _ = settings.parse(query)
    return s


def write_url(s: Settings) -> None:
    wanted = settings.to_query(s)
    if {k: st.query_params.get(k) for k in st.query_params} != wanted:
        st.query_params.from_dict(wanted)


# ---- controls ----------------------------------------------------------------------------------

def controls(s: Settings) -> None:
    sb = st.sidebar
    names = landscapes.names()
    sb.selectbox("Surface", names, key="surface", on_change=on_surface,
                 format_func=lambda n: landscapes.get(n).title)
    sb.selectbox("Optimizer", optim.names(), key="opt", on_change=on_opt, format_func=RULE_NAMES.get)
    sb.select_slider("Learning rate η (log scale)", LR_OPTIONS, key="lr_slider", on_change=on_lr_slider,
                     format_func=lambda v: f"{v:g}")
    sb.number_input("Learning rate, exact", min_value=1e-5, max_value=10.0, key="lr", on_change=on_lr,
                    format="%.6g", step=None)
    knobs(sb, s)
    schedule_controls(sb, s)
    sb.slider("Steps", 1, settings.MAX_STEPS, key="steps", on_change=on_steps)
    surface = landscapes.get(s.surface)
    (x0, x1), (y0, y1) = surface.bounds
    left, right = sb.columns(2)
    left.number_input("Start x", x0, x1, key="x0", format="%.4g", step=(x1 - x0) / 100)
    right.number_input("Start y", y0, y1, key="y0", format="%.4g", step=(y1 - y0) / 100)
    sb.caption("Or click the contour plot to start there.")
    if surface.is_data:
        sb.selectbox("Gradient from", ["full", *map(str, range(1, surface.n_samples + 1))], key="batch",
                     format_func=lambda b: "the full batch" if b == "full" else
                     ("one sample (SGD)" if b == "1" else f"mini-batches of {b}"))
    else:
        sb.slider("Gradient noise σ", 0.0, 10.0, key="noise", step=0.05)
    sb.number_input("Random seed", 0, 2**31 - 1, key="seed", step=1)
    sb.toggle("3D view", key="view3d", help="Off makes every change redraw faster on slow (software) graphics.")


def knobs(sb, s: Settings) -> None:
    used = settings.KNOBS[s.opt]
    if "momentum" in used:
        sb.slider("Momentum μ", 0.0, 0.999, key="momentum", step=0.01)
    if "alpha" in used:
        sb.slider("Smoothing α", 0.0, 0.9999, key="alpha", step=0.001, format="%.4f")
    if "beta1" in used:
        sb.slider("β₁ (first moment)", 0.0, 0.999, key="beta1", step=0.01)
        sb.slider("β₂ (second moment)", 0.0, 0.9999, key="beta2", step=0.0001, format="%.4f")
    with sb.expander("Advanced"):
        if "eps" in used:
            st.number_input("ε", 1e-12, 1.0, key="eps", format="%.2e", step=None)
        st.number_input("Weight decay λ" + (" (decoupled)" if s.opt == "adamw" else ""), 0.0, 1.0, key="wd",
                        format="%.4g", step=0.001)
        if "bc" in used:
            st.toggle("Bias correction", key="bc", help="Off shows why Adam divides by 1 − βᵗ.")


def schedule_controls(sb, s: Settings) -> None:
    sb.selectbox("Learning-rate schedule", list(SCHEDULE_NAMES), key="sched", format_func=SCHEDULE_NAMES.get)
    used = settings.SCHEDULE_KEYS[s.sched]
    if "step_size" in used:
        sb.slider("Decay every (steps)", 1, settings.MAX_STEPS, key="step_size")
    if "gamma" in used:
        sb.slider("Decay factor γ", 0.0, 1.0, key="gamma", step=0.01 if s.sched == "step" else 0.001)
    if "warmup" in used:
        sb.slider("Warmup steps", 1, settings.MAX_STEPS - 1, key="warmup")
    if "t_max" in used:
        sb.slider("Anneal over (steps)", 2, settings.MAX_STEPS, key="t_max")
    if "eta_min" in used:
        sb.number_input("Final learning rate η_min", 0.0, 10.0, key="eta_min", format="%.4g", step=None)


# ---- the picture -------------------------------------------------------------------------------

def header(s: Settings, surface) -> None:
    st.markdown(f"## {surface.title} · {RULE_NAMES[s.opt]}")
    st.caption(surface.description)
    st.latex(surface.formula)
    notes = st.session_state.get("_notes")
    if notes:
        st.warning("The link had settings that could not be used as they were:\n\n"
                   + "\n".join(f"- {note}" for note in notes))


def banner(s: Settings, surface, traj) -> None:
    if traj.diverged_at >= 0:
        st.error(divergence_reason(surface, s.opt, s.lr, int(traj.diverged_at)), icon=":material/error:")


def chart(fig: dict, key: str, **kw) -> None:
    st.plotly_chart(PreparedFigure(fig), key=key, theme=None, config={"displaylogo": False}, **kw)


def path_and_loss(s: Settings, figs: dict, surface, traj) -> None:
    """The contour with the path beside the loss curve and the numbers: the picture a class sees."""
    left, right = st.columns([3, 2])
    with left:
        chart(figs["contour"], "contour", on_select=on_click, selection_mode="points")
    with right:
        chart(figs["loss"], "loss")
        if "lrs" in figs:
            chart(figs["lrs"], "lrs")
        numbers(surface, traj)
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
            chart(figs["surface3d"], "surface3d")


def share(s: Settings) -> None:
    base = st.context.url or ""
    st.sidebar.markdown("**Share this picture**")
    st.sidebar.code(f"{base}?{urlencode(settings.to_query(s))}", language=None, wrap_lines=True)
    st.sidebar.caption("The copy button on the right copies the link; it reopens exactly this picture.")


# ---- the page ----------------------------------------------------------------------------------

load_from_url()
previous = st.session_state["_settings"]
seed_widgets(previous)
controls(previous)
current = current_settings(previous)
if current != previous:
    st.session_state["_settings"] = current
    st.session_state["_notes"] = []
write_url(current)
surface = landscapes.get(current.surface)
trajectory = run(current)
figs = figures(current)
header(current, surface)
banner(current, surface, trajectory)
path_and_loss(current, figs, surface, trajectory)
surface_and_equations(current, figs, trajectory)
share(current)

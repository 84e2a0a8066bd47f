"""Widgets and URL state shared by the pages (not a page itself: app.py registers the pages).

Every widget's key is its URL key; a racer's own knobs carry a suffix (``lr.adam``), as in the URL.
``hide`` (a lesson link's comma list of keys) leaves a control out: its value still comes from the
link, so a teacher can share a picture in which students move only, say, the learning rate.
"""

from __future__ import annotations

from urllib.parse import urlencode

import numpy as np
import streamlit as st

import landscapes
import settings
from app_pages import lean
from settings.readers import fmt
from viz import descent as descent_figures

LR_OPTIONS = [round(m * 10.0**e, 8) for e in range(-5, 1) for m in (1, 1.25, 1.6, 2, 2.5, 3.2, 4, 5, 6.3, 8)] + [10.0]
RULE_NAMES = {"sgd": "Gradient descent", "momentum": "Momentum", "nesterov": "Nesterov momentum",
              "adagrad": "AdaGrad", "rmsprop": "RMSProp", "adam": "Adam", "adamw": "AdamW"}
SCHEDULE_NAMES = {"constant": "Constant", "step": "Step decay", "exponential": "Exponential decay",
                  "cosine": "Cosine annealing", "warmup_cosine": "Warmup, then cosine"}


# ---- URL state ---------------------------------------------------------------------------------

def url_query() -> dict:
    return {key: st.query_params.get_all(key) for key in st.query_params}


def hidden() -> set[str]:
    """The controls a lesson link hides (``hide=lr,opt``)."""
    return {key.strip() for key in str(st.query_params.get("hide", "")).split(",")[:40] if key.strip()}


def presenting() -> bool:
    return st.query_params.get("present") == "1"


def extra_query() -> dict:
    """Keys every page keeps in its URL: the lesson link's ``hide`` and ``present``."""
    return {key: st.query_params[key] for key in ("hide", "present") if key in st.query_params}


def current_url() -> dict:
    return {k: st.query_params.get(k) for k in st.query_params}


def url_is_new(state_key: str) -> bool:
    """Read the URL on a session's first visit, and again whenever it is not the one this page last
    wrote (a lesson link opened in the same session). An empty URL (arriving from another page)
    keeps the state the page had."""
    if state_key not in st.session_state:
        return True
    url = current_url()
    return bool(url) and url != st.session_state.get(state_key + "_url")


def write_url(wanted: dict, state_key: str) -> None:
    wanted = {**wanted, **extra_query()}
    if current_url() != wanted:
        st.query_params.from_dict(wanted)
    st.session_state[state_key + "_url"] = wanted


def seed(values: dict, force: bool = False) -> None:
    """Put values into the widgets' state (all of them, or only those not there yet)."""
    for key, value in values.items():
        if force or key not in st.session_state:
            st.session_state[key] = value
            if key.startswith("lr") and not key.startswith("lr_"):  # its log slider follows
                st.session_state["lr_slider" + key[2:]] = nearest_lr(value)


def widget_query(keys) -> dict:
    """The current widget values of ``keys`` as URL strings."""
    out = {}
    for key in keys:
        if key in st.session_state:
            value = st.session_state[key]
            out[key] = value if isinstance(value, str) else fmt(value)
    return out


def share_link(query: dict) -> None:
    base = st.context.url or ""
    st.sidebar.markdown("**Share this picture**")
    st.sidebar.code(f"{base}?{urlencode({**query, **extra_query()})}", language=None, wrap_lines=True)
    st.sidebar.caption("The copy button on the right copies the link; it reopens exactly this picture.")


def show_notes(notes) -> None:
    if notes:
        st.warning("The link had settings that could not be used as they were:\n\n"
                   + "\n".join(f"- {note}" for note in notes))


# ---- widgets -----------------------------------------------------------------------------------

def nearest_lr(lr: float) -> float:
    return min(LR_OPTIONS, key=lambda option: abs(np.log(option) - np.log(lr)))


def _from_slider(suffix: str) -> None:
    st.session_state["lr" + suffix] = st.session_state["lr_slider" + suffix]


def _from_number(suffix: str) -> None:
    st.session_state["lr_slider" + suffix] = nearest_lr(st.session_state["lr" + suffix])


def surface_select(box, hide: set, on_change) -> None:
    if "surface" not in hide:
        box.selectbox("Surface", landscapes.names(), key="surface", on_change=on_change,
                      format_func=lambda n: landscapes.get(n).title)


def learning_rate(box, hide: set, suffix: str = "", label: str = "Learning rate η") -> None:
    if "lr" in hide or "lr" + suffix in hide:
        return
    box.select_slider(f"{label} (log scale)", LR_OPTIONS, key="lr_slider" + suffix, on_change=_from_slider,
                      args=(suffix,), format_func=lambda v: f"{v:g}")
    box.number_input(f"{label}, exact", min_value=1e-5, max_value=10.0, key="lr" + suffix, on_change=_from_number,
                     args=(suffix,), format="%.6g", step=None)


def knobs(box, opt: str, hide: set, suffix: str = "") -> None:
    """The optimizer's own knobs; ε, weight decay and bias correction under "Advanced"."""
    used = [key for key in settings.KNOBS[opt] if key not in hide and key + suffix not in hide]
    if "momentum" in used:
        box.slider("Momentum μ", 0.0, 0.999, key="momentum" + suffix, step=0.01)
    if "alpha" in used:
        box.slider("Smoothing α", 0.0, 0.9999, key="alpha" + suffix, step=0.001, format="%.4f")
    if "beta1" in used:
        box.slider("β₁ (first moment)", 0.0, 0.999, key="beta1" + suffix, step=0.01)
    if "beta2" in used:
        box.slider("β₂ (second moment)", 0.0, 0.9999, key="beta2" + suffix, step=0.0001, format="%.4f")
    advanced = [key for key in ("eps", "wd", "bc") if key in used]
    if not advanced:
        return
    with box.expander("Advanced"):
        if "eps" in advanced:
            st.number_input("ε", 1e-12, 1.0, key="eps" + suffix, format="%.2e", step=None)
        if "wd" in advanced:
            st.number_input("Weight decay λ" + (" (decoupled)" if opt == "adamw" else ""), 0.0, 1.0,
                            key="wd" + suffix, format="%.4g", step=0.001)
        if "bc" in advanced:
            st.toggle("Bias correction", key="bc" + suffix, help="Off shows why Adam divides by 1 − βᵗ.")


def schedule(box, s, hide: set) -> None:
    if "sched" in hide:
        return
    box.selectbox("Learning-rate schedule", list(SCHEDULE_NAMES), key="sched", format_func=SCHEDULE_NAMES.get)
    used = [key for key in settings.SCHEDULE_KEYS[s.sched] if key not in hide]
    if "step_size" in used:
        box.slider("Decay every (steps)", 1, settings.MAX_STEPS, key="step_size")
    if "gamma" in used:
        box.slider("Decay factor γ", 0.0, 1.0, key="gamma", step=0.01 if s.sched == "step" else 0.001)
    if "warmup" in used:
        box.slider("Warmup steps", 1, settings.MAX_STEPS - 1, key="warmup")
    if "t_max" in used:
        box.slider("Anneal over (steps)", 2, settings.MAX_STEPS, key="t_max")
    if "eta_min" in used:
        box.number_input("Final learning rate η_min", 0.0, 10.0, key="eta_min", format="%.4g", step=None)


def run_controls(box, s, hide: set, on_steps) -> None:
    """Steps, start, gradient source, seed and the 3D switch: shared by every racer."""
    if "steps" not in hide:
        box.slider("Steps", 1, settings.MAX_STEPS, key="steps", on_change=on_steps)
    surface = landscapes.get(s.surface)
    (x0, x1), (y0, y1) = surface.bounds
    if "x0" not in hide and "y0" not in hide:
        left, right = box.columns(2)
        left.number_input("Start x", x0, x1, key="x0", format="%.4g", step=(x1 - x0) / 100)
        right.number_input("Start y", y0, y1, key="y0", format="%.4g", step=(y1 - y0) / 100)
        box.caption("Or click the contour plot to start there.")
    if surface.is_data and "batch" not in hide:
        box.selectbox("Gradient from", ["full", *map(str, range(1, surface.n_samples + 1))], key="batch",
                      format_func=lambda b: "the full batch" if b == "full" else
                      ("one sample (SGD)" if b == "1" else f"mini-batches of {b}"))
    elif not surface.is_data and "noise" not in hide:
        box.slider("Gradient noise σ", 0.0, 10.0, key="noise", step=0.05)
    if "seed" not in hide:
        box.number_input("Random seed", 0, 2**31 - 1, key="seed", step=1)
    if "view3d" not in hide:
        box.toggle("3D view", key="view3d", help="Off makes every change redraw faster on slow (software) graphics.")


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


def rule_label(opt: str) -> str:
    return RULE_NAMES.get(opt, opt)



# ---- shared layout -----------------------------------------------------------------------------

@st.cache_data(max_entries=16, show_spinner=False)
def surface_layer(name: str):
    """The surface's picture, grid and iso-lines: the same for every run on it."""
    return descent_figures.surface_layer(landscapes.get(name))


def chart(fig: dict, key: str, **kw) -> None:
    lean.chart(fig, key, **kw)


def heading(title: str, surface, notes) -> None:
    st.markdown(f"## {title}")
    st.caption(surface.description)
    st.latex(surface.formula)
    show_notes(notes)


def contour_and_curves(figs: dict):
    """The animated contour (a click sets the start) beside the loss and learning-rate curves;
    returns the right-hand column for whatever else goes beside the picture."""
    left, right = st.columns([3, 2])
    with left:
        chart(figs["contour"], "contour", on_select=on_click, selection_mode="points")
    with right:
        chart(figs["loss"], "loss")
        if "lrs" in figs:
            chart(figs["lrs"], "lrs")
    return right

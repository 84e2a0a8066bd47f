"""Widgets shared by the pages (not a page itself: the pages are registered in lessons/pages.py).

Every widget's key is its URL key; a racer's own knobs carry a suffix (``lr.adam``), as in the URL.
What a control shows (label, range, step, kind) comes from its declaration: a rule's knobs from
``optim``, a surface's bounds from ``landscapes``, the ranges from ``settings``. A hidden control
(``hide``) is not drawn; its value still comes from the link.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

import streamlit as st

import landscapes
import lessons
import optim
import settings
from app_pages import lean, player
from app_pages.state import is_hidden, presenting, slider, view_query
from app_pages.state import lesson as state_lesson
from landscapes.formula import formula as surface_formula
from lessons import pages
from optim import schedules
from viz import descent as descent_figures
from viz import equations

LR_OPTIONS = [round(m * 10.0**e, 8) for e in range(-5, 1) for m in (1, 1.25, 1.6, 2, 2.5, 3.2, 4, 5, 6.3, 8)] + [10.0]
SCHEDULE_NAMES = {"constant": "Constant", "step": "Step decay", "exponential": "Exponential decay",
                  "cosine": "Cosine annealing", "warmup_cosine": "Warmup, then cosine"}
SCHEDULE_LABELS = {"step_size": "Decay every (steps)", "gamma": "Decay factor γ", "warmup": "Warmup steps",
                   "t_max": "Anneal over (steps)", "eta_min": "Final learning rate η_min"}


def rule_label(opt: str) -> str:
    return optim.rule(opt).title


def font_size() -> int:
    return 20 if presenting() else 14


def lr_stops(value: float) -> list[float]:
    """The slider's stops: about ten per decade, and the exact rate itself wherever it falls."""
    return sorted({*LR_OPTIONS, float(value)})


def lr_step(value: float) -> float:
    """The exact box's −/+ move by about a quarter of the rate (one significant digit), so they
    act like ÷1.25 and ×1.25 at any scale: 0.0002 goes to 0.00025, not to 0.01."""
    return float(f"{max(float(value), 1e-5) * 0.25:.1g}")


def share_link(query: dict) -> None:
    base = st.context.url or ""
    st.sidebar.markdown("**Share this picture**")
    st.sidebar.code(f"{base}?{urlencode({**query, **view_query()})}", language=None, wrap_lines=True)
    st.sidebar.caption("The copy button on the right copies the link; it reopens exactly this picture.")


def show_notes(notes) -> None:
    if notes:
        st.warning("The link had settings that could not be used as they were:\n\n"
                   + "\n".join(f"- {note}" for note in notes))


# ---- widgets -----------------------------------------------------------------------------------

def _from_slider(suffix: str) -> None:
    st.session_state["lr" + suffix] = st.session_state[slider("lr" + suffix)]


def surface_select(box, hide: set, on_change) -> None:
    if "surface" not in hide:
        box.selectbox("Surface", settings.surface_names(), key="surface", on_change=on_change,
                      format_func=lambda n: "Your own function…" if n == settings.CUSTOM else landscapes.get(n).title)


def formula_input(box, s, hide: set) -> None:
    """On the custom surface: the formula and its view. A formula the parser refuses is not taken:
    the picture and the link keep the last good one, while the box keeps what was typed (to fix it,
    not retype it) and the message says what is wrong, until the box holds a formula that is taken."""
    if s.surface != settings.CUSTOM:
        st.session_state.pop("_formula_refused", None)
        return
    if "f" not in hide:
        refused = st.session_state.get("_formula_refused")
        if refused and refused["good"] != s.f:  # a link or another control changed the formula since
            st.session_state.pop("_formula_refused")
            refused = None
        if refused:  # show what was typed; the page-state flow compares the box with it, not the good one
            st.session_state["f"] = st.session_state.setdefault("_seeded", {})["f"] = refused["typed"]
        box.text_input("f(x, y) =", key="f", on_change=_check_formula, max_chars=300,
                       help="x and y, numbers, + − * / ^, parentheses, pi, e and sin cos tan exp log sqrt abs "
                            "tanh sinh cosh arctan arcsin arccos sigmoid. ^ means power.")
        if refused:
            box.error(f"Not taken: {refused['error']}. The picture shows {refused['good']}.", icon=":material/error:")
    if "view" not in hide:
        box.text_input("View x0, x1, y0, y1", key="view", help="The bounds of the picture, e.g. -3,3,-3,3.")


def _check_formula() -> None:
    text, view = st.session_state["f"], settings.readers.View().read("view", st.session_state.get("view", ""),
                                                                      settings.DEFAULT_VIEW)[0]
    refused = st.session_state.pop("_formula_refused", None)
    good = refused["good"] if refused else st.session_state.get("_seeded", {}).get("f", settings.DEFAULT_FORMULA)
    try:
        surface_formula(text, bounds=view)
    except ValueError as error:
        st.session_state["_formula_refused"] = {"typed": text, "good": good, "error": str(error)}
        st.session_state["f"] = good  # the page-state flow sees no change: the run keeps the good formula


def surface_and_optimizer(box, s, hide: set, on_surface, on_opt) -> None:
    """The surface (or a typed formula) and the optimizer: what every one-rule page starts its controls with."""
    surface_select(box, hide, on_surface)
    formula_input(box, s, hide)
    if "opt" not in hide:
        box.selectbox("Optimizer", optim.names(), key="opt", on_change=on_opt, format_func=rule_label)


def learning_rate(box, hide: set, suffix: str = "", label: str = "Learning rate η") -> None:
    if is_hidden("lr" + suffix, hide):
        return
    value = st.session_state.get("lr" + suffix, LR_OPTIONS[0])
    box.select_slider(f"{label} (log scale)", lr_stops(value), key=slider("lr" + suffix), on_change=_from_slider,
                      args=(suffix,), format_func=lambda v: f"{v:g}")
    low, high = settings.LR_RANGE
    box.number_input(f"{label}, exact", min_value=low, max_value=high, key="lr" + suffix, format="%.6g",
                     step=lr_step(value))  # no help=: its button would share the label (tests find the box by it)


def knobs(box, opt: str, hide: set, suffix: str = "") -> None:
    """The optimizer's own knobs as it declares them; the advanced ones under "Advanced"."""
    shown = [knob for knob in optim.rule(opt).knobs if not is_hidden(knob.key + suffix, hide)]
    for knob in shown:
        if not knob.advanced:
            knob_widget(box, knob, suffix)
    advanced = [knob for knob in shown if knob.advanced]
    if advanced:
        with box.expander("Advanced"):
            for knob in advanced:
                knob_widget(st, knob, suffix)


def knob_widget(box, knob: optim.Knob, suffix: str) -> None:
    key = knob.key + suffix
    if knob.widget == "toggle":
        box.toggle(knob.label, key=key, help=knob.help)
    elif knob.widget == "number":
        box.number_input(knob.label, knob.low, knob.high, key=key, format=knob.format, step=knob.step, help=knob.help)
    else:
        box.slider(knob.label, knob.low, knob.high, key=key, step=knob.step, format=knob.format, help=knob.help)


def schedule(box, s, hide: set) -> None:
    if "sched" in hide:
        return
    box.selectbox("Learning-rate schedule", schedules.names(), key="sched",
                  format_func=lambda name: SCHEDULE_NAMES.get(name, name))
    spec = settings.readers_for(s.landscape, s.steps)
    for key in settings.schedule_keys(s.sched):
        if key in hide:
            continue
        reader = spec[key]
        if key == "eta_min":
            box.number_input(SCHEDULE_LABELS[key], reader.low, reader.high, key=key, format="%.4g", step=None)
        elif reader.whole:
            box.slider(SCHEDULE_LABELS.get(key, key), int(reader.low), int(reader.high), key=key)
        else:
            box.slider(SCHEDULE_LABELS.get(key, key), reader.low, reader.high, key=key,
                       step=0.01 if s.sched == "step" else 0.001)


def run_controls(box, s, hide: set) -> None:
    """Steps, start, gradient source, seed and the 3D switch: shared by every racer."""
    if "steps" not in hide:
        box.slider("Steps", 1, settings.MAX_PAGE_STEPS, key="steps")
    surface = s.landscape
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


# ---- shared layout -----------------------------------------------------------------------------

@st.cache_data(max_entries=16, show_spinner=False)
def surface_layer(name: str, f: str = "", view: tuple = settings.DEFAULT_VIEW):
    """The surface's picture, grid and iso-lines: the same for every run on it."""
    return descent_figures.surface_layer(settings.surface_of(name, f, view))


def chart(fig: dict, key: str, **kw):
    """Draw a figure (our ready-made JSON); with ``on_select`` it returns the selection."""
    return lean.chart(fig, key, **kw)


def lesson_caption(page: str) -> bool:
    """A lesson opened from the gallery says what to watch, above its picture (on its own page only);
    whether it did."""
    found = [p for p in lessons.PRESETS if p.id == state_lesson() and p.page == page]
    if found:
        st.info(f"**{found[0].title}.** {found[0].caption}", icon=":material/school:")
    return bool(found)


def heading(title: str, surface, notes, page: str = "") -> bool:
    """Short, so the picture and its Play button fit a projector's first screen: the formula goes
    under the picture, and a lesson's caption replaces the surface's description. Whether a lesson's
    caption is shown (then a page puts its own sentences under the picture)."""
    lesson = lesson_caption(page)
    st.markdown(f"### {title}")
    if not presenting() and not lesson:  # on a projector the title is enough above the picture
        st.caption(surface.description)
    show_notes(notes)
    return lesson


def formula(surface) -> None:
    """The function, then its gradient: as formulas, or (data surfaces, long gradients) as the code
    the app computes it with. A formula with top-level ``,\\quad`` or ``,\\;`` parts gets a line for each, so
    none runs out of its column."""
    st.markdown(f"**The function and its gradient.** {surface.description}")
    fit = equations.wrapped if player.narrow() else str  # a phone: long lines broken at + and −
    for part in re.split(r",\\(?:quad|;)\s*", surface.formula):
        st.latex(fit(part))
    lines = equations.gradient_latex(surface)
    for line in lines:
        st.latex(fit(line))
    if not lines and surface.grad_code:
        names = ", ".join(f"∂f/∂{name}" for name in surface.labels)
        st.caption(f"The gradient ({names}), as the app computes it:")
        st.code("\n".join(surface.grad_code), language="python", wrap_lines=True)


def picture(fig: dict, hide: set, step: int) -> None:
    """The animated picture; a click on it sets the start unless a lesson fixed the start."""
    player.show(fig, clickable=not (is_hidden("x0", hide) or is_hidden("y0", hide)), step=step)


def page_file(name: str) -> str:
    """The script of the page ``name``: where a link (``st.page_link``, ``st.switch_page``) opens it."""
    return pages.get(name).path

"""Practice: exercises and quick checks, answered against the engine, each linked to its picture."""

from __future__ import annotations

from urllib.parse import urlencode

import numpy as np
import streamlit as st

import landscapes
from app_pages import controls as ui
from app_pages import state
from lessons import practice
from lessons.practice_state import Practice
from viz import practice as practice_figures


@st.cache_data(max_entries=256, show_spinner=False)
def exercise(exercise_id: str, seed: int) -> practice.Instance:
    return practice.instance(exercise_id, seed)


@st.cache_data(max_entries=64, show_spinner=False)
def figure(exercise_id: str, seed: int, font_size: int) -> dict | None:
    data = exercise(exercise_id, seed).figure
    if data is None:
        return None
    if "losses" in data:
        return practice_figures.loss_curve_figure(data["losses"], font_size)
    return practice_figures.point_figure(landscapes.get(data["surface"]), data["point"], font_size=font_size)


def results() -> dict:
    """(exercise, seed) → (the answer given, right or not): this session's progress."""
    return st.session_state.setdefault("_practice", {})


def new_numbers() -> None:
    st.session_state["seed"] = int(np.random.default_rng().integers(1, 1_000_000))


def move(p: Practice, by: int) -> None:
    st.session_state["ex"] = p.exercises[(p.position + by) % len(p.exercises)]


def mark(exercise_id: str, seed: int) -> str:
    done = results().get((exercise_id, seed))
    return "" if done is None else (" ✓" if done[1] else " ✗")


def sidebar(p: Practice, hide: set) -> None:
    sb = st.sidebar
    if "seed" not in hide:
        sb.button("New numbers", on_click=new_numbers, icon=":material/casino:",
                  help="Draw other numbers for every exercise; the link keeps them.")
        sb.number_input("Numbers from seed", 0, 2**31 - 1, key="seed", step=1)
    answered = [(key, right) for key, (_, right) in results().items() if key[0] in p.exercises]
    right = sum(ok for _, ok in answered)
    sb.metric("Right so far", f"{right} of {len(answered)}" if answered else "—",
              help="Answers checked in this visit (— until the first).")
    retry = [key for key, ok in answered if not ok]
    if retry:
        sb.markdown("**To retry:** " + ", ".join(practice.get(name).title for name, _ in retry))


def teacher_link(p: Practice) -> None:
    """A link that opens chosen exercises, in the order picked, with these numbers, in presentation mode."""
    with st.sidebar.expander("Teacher link"):
        chosen = st.multiselect("Exercises, in order", practice.ids(), key="teacher_set",
                                format_func=lambda name: practice.get(name).title)
        if chosen:
            query = {"set": ",".join(chosen), "seed": str(p.seed), "ex": chosen[0], "present": "1"}
            st.code(f"{st.context.url or ''}?{urlencode(query)}", language=None, wrap_lines=True)
            st.caption("Opens these exercises one after another, with the same numbers for the whole class.")


def navigation(p: Practice) -> None:
    back, pick, forward = st.columns([1, 4, 1], vertical_alignment="bottom")
    back.button("◀ Previous", on_click=move, args=(p, -1), width="stretch")
    pick.selectbox("Exercise", p.exercises, key="ex",
                   format_func=lambda name: f"{p.exercises.index(name) + 1}. {practice.get(name).title}"
                   + mark(name, p.seed))
    forward.button("Next ▶", on_click=move, args=(p, 1), width="stretch")


def record(x: practice.Instance) -> None:
    """The Check button's callback: it runs before the page, so the progress shown is already up to date."""
    key = f"{x.exercise.id}.{x.seed}"
    given = st.session_state.get(f"answer.{key}")
    if given is None or given == "" or (x.exercise.kind == "number" and not _is_number(given)):
        st.session_state["_practice_empty"] = key
    else:
        results()[(x.exercise.id, x.seed)] = (given, x.check(given))


def _is_number(text) -> bool:
    try:
        float(text)
    except (TypeError, ValueError):
        return False
    return True


def answer_form(x: practice.Instance) -> None:
    key = f"{x.exercise.id}.{x.seed}"
    with st.form(f"form.{key}", border=False):
        if x.exercise.kind == "choice":
            st.radio("Your answer", range(len(x.choices)), index=None, key=f"answer.{key}",
                     format_func=lambda i: x.choices[i])
        else:
            st.text_input("Your answer (a number)", key=f"answer.{key}", placeholder="e.g. 0.25",
                          help=f"Counts as right {x.tolerance_text}.")
        st.form_submit_button("Check", type="primary", on_click=record, args=(x,))
    if st.session_state.pop("_practice_empty", None) == key:
        st.warning("Give your answer as a number first." if x.exercise.kind == "number" else "Pick an answer first.")


def feedback(x: practice.Instance) -> None:
    done = results().get((x.exercise.id, x.seed))
    if done is None:
        return
    given, right = done
    if right:
        st.success(f"Right: {x.shown_answer}.", icon=":material/check_circle:")
    else:
        if x.exercise.kind == "choice":
            st.error(f"Not quite. The answer is: {x.shown_answer}.", icon=":material/cancel:")
        else:
            st.error(f"Not quite: you said {str(given)[:40]}, the engine computes {x.shown_answer}.",
                     icon=":material/cancel:")
    st.markdown(x.explanation)
    if x.exercise.kind == "number":
        st.caption(f"Answers count as right {x.tolerance_text}.")
    page, query = x.link()
    st.page_link(ui.page_file(page), label=f"See it on the {page} page", icon=":material/visibility:",
                 query_params={**query, **state.link_view()})


def card(x: practice.Instance) -> None:
    """The exercise; a figure goes beside the question, so question, figure and Check fit one screen."""
    with st.container(border=True):
        st.markdown(f"### {x.exercise.title}")
        fig = figure(x.exercise.id, x.seed, ui.font_size())
        text, picture = st.columns([1, 1]) if fig is not None else (st.container(), None)
        with text:
            st.markdown(x.prompt)
            answer_form(x)
            with st.expander("Hint"):
                st.markdown(x.hint)
        if picture is not None:
            with picture:
                ui.chart(fig, f"figure.{x.exercise.id}")
        feedback(x)


def heading(notes) -> None:
    if not state.presenting():  # a projector needs the room for the exercise
        st.markdown("## Practice")
        st.caption("Quick checks on what the pages show. The numbers come from the seed in the link, so a class "
                   "can share one set; every answer is computed by the same engine that draws the pictures.")
    ui.show_notes(notes)


def main() -> None:
    current, notes = state.sync("practice")
    hide = state.hidden()
    sidebar(current, hide)
    teacher_link(current)
    heading(notes)
    navigation(current)
    card(exercise(current.ex, current.seed))  # the exercise, its figure, its answer checked by the engine


main()

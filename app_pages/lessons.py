"""Lessons: the classroom presets, one idea each; a click opens the picture."""

from __future__ import annotations

import streamlit as st

import lessons
from app_pages import state
from lessons import pages


def gallery() -> None:
    for preset in lessons.PRESETS:
        with st.container(border=True):
            left, right = st.columns([5, 1], vertical_alignment="center")
            left.markdown(f"**{preset.title}** · {pages.get(preset.page).title} page")
            left.caption(preset.caption)
            right.page_link(pages.get(preset.page).path, label="Open", icon=":material/play_arrow:",
                            query_params={**preset.full_query(), "lesson": preset.id, **state.link_view()})


def main() -> None:
    state.visit("lessons")
    st.markdown("## Lessons")
    names = [pages.get(name).title.lower() for name in pages.lesson_pages()]
    st.caption(f"Each opens a ready-made picture on its page ({', '.join(names[:-1])} or {names[-1]}). Press Play "
               "and watch for what the caption says; then change one knob and see the idea break or hold.")
    gallery()


main()

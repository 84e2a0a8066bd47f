"""Lessons: the classroom presets, one idea each; a click opens the picture."""

from __future__ import annotations

import streamlit as st

import lessons
from app_pages import state
from app_pages.controls import PAGE_FILES

state.visit("lessons")
st.markdown("## Lessons")
st.caption("Each opens a ready-made picture on its page (descent, race, basins or batches). Press Play and watch "
           "for what the caption says; then change one knob and see the idea break or hold.")
for preset in lessons.PRESETS:
    with st.container(border=True):
        left, right = st.columns([5, 1], vertical_alignment="center")
        left.markdown(f"**{preset.title}** · {preset.page} page")
        left.caption(preset.caption)
        right.page_link(PAGE_FILES[preset.page], label="Open", icon=":material/play_arrow:",
                        query_params={**preset.full_query(), "lesson": preset.id, **state.link_view()})

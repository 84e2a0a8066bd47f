"""Downhill: the entry point. Pages, page config and theme; nothing else."""

import streamlit as st

PRESENT = st.query_params.get("present") == "1"

st.set_page_config(page_title="Downhill", page_icon="⛰️", layout="wide",
                   initial_sidebar_state="collapsed" if PRESENT else "auto")
# Fixed styles (no user text): less empty space above the title; bigger text when presenting.
st.html("<style>.block-container {padding-top: 2.5rem;}</style>")
if PRESENT:
    st.html("<style>html, .stMarkdown p, .stMetric, .stCaption {font-size: 1.3rem !important;}</style>")
st.navigation([
    st.Page("pages/descent.py", title="Descent", icon="⛰️", default=True),
    st.Page("pages/race.py", title="Race", icon="🏁"),
]).run()

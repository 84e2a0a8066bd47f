"""Downhill: the entry point. Pages, page config and theme; nothing else."""

import streamlit as st

from app_pages.hardening import keep_shared_caches, refuse_uploads
from app_pages.queue import first_runs_take_turns
from app_pages.state import presenting

keep_shared_caches()  # a visitor's "clear cache" must not empty the caches every visitor shares
refuse_uploads()  # the app has no uploader: the upload route answers 403, stores nothing
PRESENT = presenting()  # kept for the session: a sidebar link does not end presentation mode

st.set_page_config(page_title="Downhill", page_icon="⛰️", layout="wide",
                   initial_sidebar_state="collapsed" if PRESENT else "auto")
# Fixed styles (no user text): less empty space above the title; bigger text when presenting.
st.html("<style>.block-container {padding-top: 2.5rem;}</style>")
if PRESENT:
    st.html("<style>html, .stMarkdown p, .stMetric, .stCaption {font-size: 1.3rem !important;}"
            # the picture takes the screen's width: a wide layout's 5rem sides are empty on a projector
            ".block-container {padding-left: 1.5rem; padding-right: 1.5rem;}</style>")
# The pages live in app_pages/, not pages/: with a pages/ folder Streamlit 1.67 first runs the
# old folder-based navigation, so a link straight to /race on a fresh server would skip this file.
navigation = st.navigation([
    st.Page("app_pages/descent.py", title="Descent", icon=":material/landscape:", default=True),
    st.Page("app_pages/race.py", title="Race", icon=":material/sports_score:"),
    st.Page("app_pages/basins.py", title="Basins", icon=":material/scatter_plot:"),
    st.Page("app_pages/batches.py", title="Batches", icon=":material/dataset:"),
    st.Page("app_pages/learning_rate.py", title="Learning rate", icon=":material/speed:"),
    st.Page("app_pages/lessons.py", title="Lessons", icon=":material/school:"),
    st.Page("app_pages/practice.py", title="Practice", icon=":material/quiz:"),
])
with first_runs_take_turns():  # open sessions answer first during a burst of fresh links
    navigation.run()

"""Downhill: the entry point. Navigation from the page registry (lessons/pages.py), page config and
theme; nothing else."""

import streamlit as st

from app_pages.dropped_sessions import shut_down_dropped_sessions
from app_pages.hardening import keep_shared_caches, refuse_uploads
from app_pages.queue import first_runs_take_turns
from app_pages.state import presenting
from lessons import pages

keep_shared_caches()  # a visitor's "clear cache" must not empty the caches every visitor shares
refuse_uploads()  # the app has no uploader: the upload route answers 403, stores nothing
shut_down_dropped_sessions()  # a closed tab's downloads leave the server with its session
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
# the default page keeps the path Streamlit gives its file (its hash is then the one AppTest's switch_page
# and the bridge's widget ids were made with); it is served at "/" either way
navigation = st.navigation([st.Page(page.path, title=page.title, icon=page.icon, url_path=page.url_path or None,
                                    default=page.default) for page in pages.PAGES])
with first_runs_take_turns():  # open sessions answer first during a burst of fresh links
    navigation.run()

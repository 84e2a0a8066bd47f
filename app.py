"""Downhill: the entry point. Pages, page config and theme; nothing else."""

import streamlit as st

st.set_page_config(page_title="Downhill", page_icon="⛰️", layout="wide")
# A fixed style (no user text): less empty space above the title, so the plots fit a projector.
st.html("<style>.block-container {padding-top: 2.5rem;}</style>")
st.navigation([st.Page("pages/descent.py", title="Descent", icon="⛰️", default=True)]).run()

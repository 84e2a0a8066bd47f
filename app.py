"""Downhill: the entry point. Pages, page config and theme; nothing else."""

import streamlit as st

st.set_page_config(page_title="Downhill", page_icon="⛰️", layout="wide")
st.navigation([st.Page("pages/descent.py", title="Descent", icon="⛰️", default=True)]).run()

"""Downhill: the entry point. Pages, page config and theme; nothing else."""

import streamlit as st


def home():
    st.title("Downhill")
    st.write(
        "Downhill lets you see gradient descent: pick a loss surface and an optimizer, "
        "and watch the path roll downhill."
    )


st.set_page_config(page_title="Downhill", page_icon="⛰️", layout="wide")
st.navigation([st.Page(home, title="Downhill", default=True)]).run()

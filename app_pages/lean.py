"""A figure that is already plotly.js JSON, handed to Streamlit without plotly.py's validation.

``st.plotly_chart`` validates a plain dict by building a ``go.Figure`` from it (every frame's every
trace, ~100 ms a rerun here) but takes a ``BaseFigure`` at its word and calls only ``to_dict()``.
Our figures are built as dicts with typed arrays, so they skip that. tests/app checks that what
Streamlit sends is exactly this dict, so a Streamlit change that breaks the shortcut shows up.
"""

from __future__ import annotations

import streamlit as st
from plotly.basedatatypes import BaseFigure

from viz import theme


class PreparedFigure(BaseFigure):
    """A dict with ``data``, ``layout`` and optionally ``frames``, ready for plotly.js."""

    def __init__(self, spec: dict):  # no super().__init__: that is the validation we skip
        self._prepared = spec

    def to_dict(self) -> dict:
        return self._prepared

    def to_plotly_json(self) -> dict:
        return self._prepared


def prepared(spec: dict) -> BaseFigure:
    """What :func:`chart` hands to Streamlit (a benchmark swaps this for a validated build)."""
    return PreparedFigure(spec)


def chart(fig: dict, key: str, **kw):
    """Draw ``fig`` in the page's theme (light or dark, see viz.theme)."""
    dressed = theme.themed(fig, theme.of(st.context.theme.type))
    return st.plotly_chart(prepared(dressed), key=key, theme=None, config={"displaylogo": False}, **kw)

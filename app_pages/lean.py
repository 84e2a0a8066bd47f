"""A figure that is already plotly.js JSON, handed to Streamlit without plotly.py's validation.

``st.plotly_chart`` validates a plain dict by building a ``go.Figure`` from it (every frame's every
trace, ~100 ms a rerun here) but takes a ``BaseFigure`` at its word and calls only ``to_dict()``.
Our figures are built as dicts with typed arrays, so they skip that. tests/app checks that what
Streamlit sends is exactly this dict, so a Streamlit change that breaks the shortcut shows up.
"""

from __future__ import annotations

import hashlib

import orjson
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
    if "datarevision" not in dressed["layout"]:  # the pictures and 3D views carry theirs from their cache
        dressed["layout"]["datarevision"] = revision(fig)
    return st.plotly_chart(prepared(dressed), key=key, theme=None, config={"displaylogo": False}, **kw)


def revised(fig: dict) -> dict:
    """``fig`` with its ``layout.datarevision``, set where a cached figure is built: a rerun then pays no
    digest (~4 ms for the descent picture)."""
    fig["layout"]["datarevision"] = revision(fig)
    return fig


def revision(fig: dict) -> str:
    """A digest of the figure's traces and frames, for ``layout.datarevision``: plotly.js's ``Plotly.react`` then
    takes data arrays as changed only when it changes, instead of whenever they are new objects. Streamlit
    draws each new figure into a new graph and then once more with the same data in new arrays: without it
    that second pass was a full redraw (~0.6 s for the descent picture)."""
    options = orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS  # orjson: ~10x json's speed on these figures
    text = orjson.dumps([fig.get("data"), fig.get("frames")], default=str, option=options)
    return hashlib.blake2b(text, digest_size=8).hexdigest()

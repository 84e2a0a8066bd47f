"""Loss and learning-rate curves with the inspected step marked."""

from __future__ import annotations

import numpy as np

from viz.contour import COLORS
from viz.encode import f4


def loss_figure(losses: np.ndarray, k: int, *, height: int = 340, font_size: int = 14) -> dict:
    """Loss per step, log y when every value is positive (so linear ones, like the saddle's, stay linear)."""
    steps = np.arange(len(losses))
    finite = losses[np.isfinite(losses)]
    log = finite.size > 0 and finite.min() > 0
    marker_y = losses[k] if np.isfinite(losses[k]) else None
    return {
        "data": [
            {"type": "scatter", "mode": "lines", "x": f4(steps), "y": f4(losses), "name": "loss",
             "line": {"color": COLORS["path"], "width": 2.5},
             "hovertemplate": "step %{x}<br>loss %{y:.4g}<extra></extra>"},
            {"type": "scatter", "mode": "markers", "x": [k], "y": [marker_y], "name": f"step {k}",
             "marker": {"size": 11, "color": COLORS["path"], "line": {"color": "#222", "width": 2}},
             "hovertemplate": "step %{x}<br>loss %{y:.4g}<extra></extra>"},
        ],
        "layout": _layout("loss" + (" (log scale)" if log else ""), log, height, font_size, k),
    }


def lr_figure(lrs: np.ndarray, k: int, *, height: int = 220, font_size: int = 14) -> dict:
    steps = np.arange(len(lrs))
    kk = min(k, len(lrs) - 1)
    return {
        "data": [
            {"type": "scatter", "mode": "lines", "x": f4(steps), "y": f4(lrs), "name": "learning rate",
             "line": {"color": "#3a6ea5", "width": 2.5, "shape": "hv"},
             "hovertemplate": "update %{x}<br>lr %{y:.4g}<extra></extra>"},
            {"type": "scatter", "mode": "markers", "x": [kk], "y": [float(lrs[kk])], "name": f"step {kk}",
             "marker": {"size": 10, "color": "#3a6ea5"}, "hoverinfo": "skip"},
        ],
        "layout": _layout("learning rate ηₜ", False, height, font_size, k),
    }


def _layout(title, log, height, font_size, k) -> dict:
    return {
        "height": height, "margin": {"l": 70, "r": 20, "t": 10, "b": 50}, "showlegend": False,
        "font": {"size": font_size},
        "xaxis": {"title": {"text": "step"}, "rangemode": "tozero"},
        "yaxis": {"title": {"text": title}, "type": "log" if log else "linear", "exponentformat": "power",
                  **({"dtick": 1} if log else {})},  # one label a decade, not 2, 3, 4 … in between
        "shapes": [{"type": "line", "x0": k, "x1": k, "yref": "paper", "y0": 0, "y1": 1,
                    "line": {"color": "#888", "dash": "dot", "width": 1}}],
    }

"""Loss and learning-rate curves, one line per run, with the inspected step marked."""

from __future__ import annotations

import numpy as np

from viz.encode import f4


def loss_figure(series, k: int, *, height: int = 340, font_size: int = 14) -> dict:
    """``series``: ``(losses, colour, label)`` per run. Log y when every value is positive (so
    losses that go negative, like the saddle's, stay on a linear axis)."""
    finite = np.concatenate([s[0][np.isfinite(s[0])] for s in series])
    log = finite.size > 0 and finite.min() > 0
    traces = []
    for losses, color, label in series:
        traces += _line_and_marker(losses, k, color, label, "loss")
    decades = float(np.log10(finite.max() / finite.min())) if log else 0.0
    layout = _layout("loss" + (" (log scale)" if log else ""), log, height, font_size, k, legend=len(series) > 1)
    if log and decades >= 2:  # about six labelled decades, whatever the range
        layout["yaxis"]["dtick"] = max(1, int(np.ceil(decades / 6)))
    elif log:  # less than two decades: label the digits too, or a short range shows no label at all
        layout["yaxis"]["dtick"] = "D1"
    return {"data": traces, "layout": layout}


def lr_figure(series, k: int, *, height: int = 220, font_size: int = 14) -> dict:
    traces = []
    for lrs, color, label in series:
        traces += _line_and_marker(lrs, min(k, len(lrs) - 1), color, label, "lr", shape="hv")
    return {"data": traces, "layout": _layout("learning rate ηₜ", False, height, font_size, k, legend=False)}


def _line_and_marker(values, k, color, label, what, shape="linear"):
    marker_y = float(values[k]) if np.isfinite(values[k]) else None
    hover = "%{fullData.name}<br>step %{x}<br>" + what + " %{y:.4g}<extra></extra>"
    return [
        {"type": "scatter", "mode": "lines", "x": f4(np.arange(len(values))), "y": f4(values), "name": label,
         "legendgroup": label, "line": {"color": color, "width": 2.5, "shape": shape}, "hovertemplate": hover},
        {"type": "scatter", "mode": "markers", "x": [k], "y": [marker_y], "name": label, "legendgroup": label,
         "showlegend": False, "marker": {"size": 10, "color": color, "line": {"color": "#fff", "width": 1.5}},
         "hovertemplate": hover},
    ]


def _layout(title, log, height, font_size, k, legend) -> dict:
    return {
        "height": height, "margin": {"l": 70, "r": 20, "t": 10, "b": 50}, "showlegend": legend,
        "legend": {"orientation": "h", "y": -0.42, "bgcolor": "#2b2b2b", "font": {"color": "#f4f4f4"}},
        # dark like the contour, so each racer's colour reads the same on both
        "plot_bgcolor": "#2b2b2b",
        "font": {"size": font_size},
        "xaxis": {"title": {"text": "step"}, "rangemode": "tozero", "gridcolor": "#555", "automargin": True},
        "yaxis": {"title": {"text": title}, "type": "log" if log else "linear", "exponentformat": "power",
                  "gridcolor": "#555", "automargin": True},
        "shapes": [{"type": "line", "x0": k, "x1": k, "yref": "paper", "y0": 0, "y1": 1,
                    "line": {"color": "#bbb", "dash": "dot", "width": 1}}],
    }

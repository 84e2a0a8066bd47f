"""Loss and learning-rate curves, one line per run, with the inspected step marked."""

from __future__ import annotations

import numpy as np

from viz.encode import f4

GRID = "#4a4a4a"


def loss_figure(series, k: int, *, height: int = 340, font_size: int = 14) -> dict:
    """``series``: ``(losses, colour, label)`` per run. Log y when every value is positive (so
    losses that go negative, like the saddle's, stay on a linear axis)."""
    traces = []
    for losses, color, label in series:
        y = float(losses[k]) if np.isfinite(losses[k]) else None
        traces += [{**line(losses, color, label, "loss"), "showlegend": len(series) > 1},
                   {**marker_style(color), "x": [int(k)], "y": [y]}]
    layout = _layout("loss", False, height, font_size, k, legend=len(series) > 1)
    layout["yaxis"].update(value_axis(np.concatenate([s[0] for s in series]), "loss"))
    return {"data": traces, "layout": layout}


def value_axis(values, title: str, log: bool | None = None, labels: int = 6) -> dict:
    """A y axis for ``values``: log when every finite value is positive (unless ``log`` says), and
    always labelled: a log range under two decades labels its digits, or it may show no label."""
    finite = np.asarray(values, dtype=float)
    finite = finite[np.isfinite(finite)]
    if log is None:
        log = finite.size > 0 and finite.min() > 0
    axis = {"title": {"text": title + (" (log scale)" if log else "")}, "type": "log" if log else "linear",
            "exponentformat": "power", "gridcolor": GRID, "automargin": True, "zeroline": False}
    if log:
        decades = float(np.log10(finite.max() / finite.min()))
        axis["dtick"] = max(1, int(np.ceil(decades / labels))) if decades >= 2 else "D1"
    return axis


def step_axis() -> dict:
    return {"title": {"text": "step"}, "rangemode": "tozero", "gridcolor": GRID, "automargin": True, "zeroline": False}


def line(values, color, label, what, xref="x", yref="y", shape="linear", x=None) -> dict:
    """One run's curve over the steps (or at the steps ``x``), on the axes ``xref``/``yref``."""
    x = np.arange(len(values)) if x is None else x
    return {"type": "scatter", "mode": "lines", "x": f4(x), "y": f4(values), "name": label,
            "xaxis": xref, "yaxis": yref, "line": {"color": color, "width": 2.5, "shape": shape},
            "hovertemplate": f"{label}<br>step %{{x}}<br>{what} %{{y:.4g}}<extra></extra>", "showlegend": False}


def cased(values, color, outline, label, what, xref="x", yref="y", shape="linear") -> list[dict]:
    """The curve over a thin outline, so a light colour still shows on a light page. A run that
    holds its value for a while (between its updates) is drawn from the ends of each flat stretch."""
    x = corners(values)
    under = line(values[x], outline, label, what, xref, yref, shape, x)
    under["line"]["width"] = 4.5
    under.update(hoverinfo="skip", opacity=0.5)
    under.pop("hovertemplate")
    return [under, line(values[x], color, label, what, xref, yref, shape, x)]


def corners(values) -> np.ndarray:
    """The indices a polyline through ``values`` needs: the ends, and every point where it changes."""
    v = np.asarray(values, dtype=float)
    if len(v) < 3:
        return np.arange(len(v))
    same = (v[1:-1] == v[:-2]) & (v[1:-1] == v[2:])  # NaN never equals: gaps stay
    return np.flatnonzero(np.concatenate([[True], ~same, [True]]))


def marker_style(color, xref="x", yref="y") -> dict:
    """The marker that shows a curve's current step (frames move it)."""
    return {"type": "scatter", "mode": "markers", "xaxis": xref, "yaxis": yref, "showlegend": False,
            "hoverinfo": "skip", "marker": {"size": 11, "color": color, "line": {"color": "#000000", "width": 1.5}}}


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

"""Figures for the practice page: a real loss curve to read, and a point on a surface to judge.

Neither gives the answer away: the curve carries no learning rate, the picture no "minimum" stars.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from viz import contour, curves, picture
from viz.encode import f4


def loss_curve_figure(losses: np.ndarray, font_size: int = 14) -> dict:
    finite = np.flatnonzero(np.isfinite(losses))
    shown = losses[: finite[-1] + 1] if finite.size else losses  # a diverged run: up to where it left
    fig = curves.loss_figure([(shown, "#ff5a36", "loss")], len(shown) - 1, height=320, font_size=font_size)
    fig["data"] = fig["data"][:1]  # the curve only: no marker at a step
    fig["layout"]["shapes"] = []
    return fig


def point_figure(surface, point, span_fraction: float = 0.5, font_size: int = 14) -> dict:
    """The surface around ``point`` (a window ``span_fraction`` of the view wide), the point starred."""
    (x0, x1), (y0, y1) = surface.bounds
    half = span_fraction * max(x1 - x0, y1 - y0) / 2
    window = replace(surface, bounds=((point[0] - half, point[0] + half), (point[1] - half, point[1] + half)))
    g = picture.grid(window, n=120)
    xs, ys = contour.iso_lines(g, count=16)
    (wx0, wx1), (wy0, wy1) = window.bounds
    axis = {"showgrid": False, "zeroline": False, "ticks": "outside", "mirror": True, "linecolor": "#444"}
    return {
        "data": [
            {"type": "scatter", "mode": "lines", "x": f4(xs), "y": f4(ys), "hoverinfo": "skip",
             "line": {"color": "rgba(255,255,255,0.45)", "width": 1}, "showlegend": False},
            {"type": "scatter", "mode": "markers", "x": f4([point[0]]), "y": f4([point[1]]), "showlegend": False,
             "marker": {"symbol": "star", "size": 20, "color": "#ff5a36", "line": {"color": "#fff", "width": 1.5}},
             "hovertemplate": "(%{x:.3f}, %{y:.3f})<extra>gradient = 0</extra>"},
        ],
        "layout": {
            "height": 400, "margin": {"l": 10, "r": 10, "t": 20, "b": 10}, "font": {"size": font_size},
            "xaxis": {**axis, "range": [wx0, wx1], "title": {"text": surface.labels[0], "standoff": 8},
                      "constrain": "domain", "automargin": True},
            "yaxis": {**axis, "range": [wy0, wy1], "title": {"text": surface.labels[1], "standoff": 8},
                      "scaleanchor": "x", "scaleratio": 1, "constrain": "domain", "automargin": True},
            "images": [{"source": picture.png_data_uri(g), "xref": "x", "yref": "y", "x": wx0, "y": wy1,
                        "sizex": wx1 - wx0, "sizey": wy1 - wy0, "sizing": "stretch", "layer": "below",
                        "xanchor": "left", "yanchor": "top"}],
            "dragmode": False, "plot_bgcolor": "#222",
        },
    }

"""The 3D view: the surface, each whole path on it, and a marker at the inspected step.

Not animated: headless and software-rendered browsers take over a second per 3D redraw.
"""

from __future__ import annotations

import numpy as np

from viz import fidelity
from viz.contour import axis_names
from viz.encode import f4
from viz.picture import COLORSCALE, Grid

SIDE = 60  # grid points per side: smooth enough, light to redraw


def height_of(g: Grid, z) -> np.ndarray:
    """Heights for the 3D view: the loss, or on log surfaces its log with a floor at 1e-3 of the range
    (the colour scale's 1e-6 floor would carve deep spikes along a coarse grid's valley)."""
    if not g.log:
        return np.asarray(z, dtype=float)
    span = float(np.nanmax(g.z)) - g.floor
    with np.errstate(all="ignore"):
        return np.log10(np.maximum(np.asarray(z, dtype=float) - g.floor, 0) + 1e-3 * span)


def surface_figure(surface, g: Grid, paths, k: int, *, height: int = 460, font_size: int = 14) -> dict:
    """``paths``: ``(points, colour, label)`` for each path, points of shape (steps+1, 2)."""
    step = max(len(g.x) // SIDE, 1)
    z = height_of(g, g.z[::step, ::step])
    lift = 0.01 * float(np.nanmax(z) - np.nanmin(z))  # keeps the paths visible above the surface
    traces = [{"type": "surface", "x": f4(g.x[::step]), "y": f4(g.y[::step]), "z": f4(z), "colorscale": COLORSCALE,
               "showscale": False, "opacity": 0.92, "hoverinfo": "skip", "contours": {"z": {"show": False}}}]
    (x0, x1), (y0, y1) = surface.bounds
    zlow, zhigh = float(np.nanmin(z)), float(np.nanmax(z))
    for points, color, label in paths:
        # every step, cut where it leaves the view (the axes stay on the surface; it may come back)
        line = fidelity.draw(points, surface.bounds, tolerance=0.0, reach=0.0).xy
        here = points[k : k + 1] if _inside(points[k], surface.bounds) else np.full((1, 2), np.nan)
        line_z, here_z = (_height(surface, g, xy, zlow, zhigh) for xy in (line, here))
        traces += [
            {"type": "scatter3d", "mode": "lines", "x": f4(line[:, 0]), "y": f4(line[:, 1]), "z": f4(line_z + lift),
             "line": {"color": color, "width": 6}, "name": label, "hoverinfo": "skip"},
            {"type": "scatter3d", "mode": "markers", "x": f4(here[:, 0]), "y": f4(here[:, 1]),
             "z": f4(here_z + lift), "name": f"{label}, step {k}",
             "marker": {"size": 6, "color": color, "line": {"color": "#222", "width": 2}}},
        ]
    xname, yname = axis_names(surface)
    # the height's name in a corner: WebGL puts an axis title where it likes, over its tick labels
    ztitle = "height: log₁₀ loss" if g.log else "height: loss"
    ticks = {"nticks": 5, "tickfont": {"size": max(font_size - 2, 12)}}
    return {
        "data": traces,
        "layout": {
            "height": height, "margin": {"l": 0, "r": 0, "t": 10, "b": 0}, "showlegend": False,
            "font": {"size": font_size},
            # the tick labels (drawn by WebGL, not SVG) a little smaller than the page's type and fewer,
            # the camera back and aimed low: every label inside the canvas, none over another, and
            # the surface in the middle of it (measured from screenshots, 358 to 1218 px wide)
            "scene": {"xaxis": {"title": {"text": xname}, "range": [x0, x1], **ticks},
                      "yaxis": {"title": {"text": yname}, "range": [y0, y1], **ticks},
                      "zaxis": {"title": {"text": ""}, "range": [zlow, zhigh + 2 * lift], **ticks},
                      "aspectmode": "manual", "aspectratio": {"x": 1, "y": 1, "z": 0.6},
                      "camera": {"eye": {"x": 2.0, "y": -2.1, "z": 1.25}, "center": {"x": 0, "y": 0, "z": -0.1}}},
            "annotations": [{"xref": "paper", "yref": "paper", "x": 0, "y": 1, "xanchor": "left", "yanchor": "top",
                             "showarrow": False, "text": ztitle, "font": {"size": font_size}}],
            "uirevision": surface.name,  # keep the user's camera across reruns
        },
    }


def _inside(point, bounds) -> bool:
    (x0, x1), (y0, y1) = bounds
    return bool(np.isfinite(point).all() and x0 <= point[0] <= x1 and y0 <= point[1] <= y1)


def _height(surface, g, xy, zlow, zhigh) -> np.ndarray:
    """The surface's height under each vertex as the 3D view draws it (NaN rows stay breaks)."""
    with np.errstate(all="ignore"):
        z = np.where(np.isfinite(xy).all(axis=1), height_of(g, surface.loss(np.nan_to_num(xy))), np.nan)
    return np.clip(z, zlow, zhigh)

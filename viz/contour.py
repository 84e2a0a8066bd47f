"""What stays still on the 2D view: iso-lines of the surface, a grid that answers hovers, the minima.

The surface itself is a picture (:mod:`viz.picture`); :mod:`viz.player` puts the moving paths on top.
"""

from __future__ import annotations

import contourpy
import numpy as np

from viz.encode import f4
from viz.picture import Grid

# Invisible points that answer hovers with the loss there. Clicks no longer need them (the page's
# bridge reads the click's pixel), and each is an SVG node redrawn on every change: 24² is plenty.
HOVER_SIDE = 24


def iso_lines(g: Grid, count: int = 14) -> tuple[np.ndarray, np.ndarray]:
    """Contour lines of the grid as one polyline with NaN breaks (drawn as a plain line trace)."""
    levels = g.levels
    finite = levels[np.isfinite(levels)]
    heights = np.quantile(finite, np.linspace(0.03, 0.97, count)) if g.log else np.linspace(
        finite.min(), finite.max(), count + 2)[1:-1]
    gen = contourpy.contour_generator(g.x, g.y, np.where(np.isfinite(levels), levels, finite.max()),
                                      line_type=contourpy.LineType.Separate)
    xs, ys = [], []
    for h in heights:
        for line in gen.lines(h):
            xs += [*line[:, 0], np.nan]
            ys += [*line[:, 1], np.nan]
    return np.array(xs), np.array(ys)


def static_traces(surface, g: Grid, lines: tuple) -> list[dict]:
    """Iso-lines, an invisible grid that answers hovers, and the known minima."""
    ix, iy = (np.linspace(0, len(v) - 1, min(HOVER_SIDE, len(v))).round().astype(int) for v in (g.x, g.y))
    hx, hy = np.meshgrid(g.x[ix], g.y[iy])
    hz = g.z[np.ix_(iy, ix)]
    return [
        {"type": "scatter", "mode": "lines", "x": f4(lines[0]), "y": f4(lines[1]), "hoverinfo": "skip",
         "line": {"color": "rgba(255,255,255,0.35)", "width": 1}, "showlegend": False, "name": "iso-lines"},
        {"type": "scatter", "mode": "markers", "x": f4(hx.ravel()), "y": f4(hy.ravel()),
         "customdata": f4(hz.ravel()), "marker": {"size": 10, "color": "rgba(0,0,0,0)"},
         "hovertemplate": "x ≈ %{x:.3f}<br>y ≈ %{y:.3f}<br>loss = %{customdata:.4g}<extra>click: start here</extra>",
         "showlegend": False, "name": "surface"},
        {"type": "scatter", "mode": "markers", "x": f4(surface.minima[:, 0]), "y": f4(surface.minima[:, 1]),
         "marker": {"symbol": "star", "size": 16, "color": "#FFFFFF", "line": {"color": "#222", "width": 1}},
         "name": "known minimum", "hovertemplate": "minimum (%{x:.3f}, %{y:.3f})<extra></extra>"},
    ]


def axis_names(surface) -> tuple[str, str]:
    return surface.labels


NARROW_WIDTH = 293  # a phone's contour, in pixels: a 390-px screen's picture (358) less its margins


def narrow_height(surface, most: int = 300) -> int:
    """The pixels a phone's stacked contour takes: as tall as the picture's equal scales make it at
    :data:`NARROW_WIDTH` (a wide view is a short picture), at most ``most``; no empty band above
    and below it."""
    (x0, x1), (y0, y1) = surface.bounds
    aspect = (y1 - y0) / (x1 - x0)
    return int(min(most, NARROW_WIDTH * aspect)) if 1 / 3 <= aspect <= 3 else int(0.75 * NARROW_WIDTH)

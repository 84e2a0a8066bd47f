"""The animated 2D view: the surface as a picture, iso-lines, minima, and the path rolling down.

The base figure holds everything that stays; frames carry only what moves (the path so far, the
current point and the two arrows), at most ``MAX_FRAMES`` of them, so the payload stays small and
the picture stays on screen while it plays.
"""

from __future__ import annotations

import contourpy
import numpy as np

from viz.encode import f4
from viz.picture import Grid

MAX_FRAMES = 150
FRAME_MS = 16  # frames land on the display's 16.7 ms ticks: 16 plays at ~38 frames/s, 33 at ~21
PATH_BUDGET = 16_000  # points over all frames' paths: keeps a four-way race under 0.6 MB
COLORS = {"path": "#ff5a36", "grad": "#ffffff", "step": "#ffd23f", "start": "#ffffff", "minimum": "#ffffff"}
# Invisible points that answer hovers and clicks: a 64-point side put clicks within 0.8 % of the view but
# its 4 096 SVG markers slowed every redraw in the browser from ~0.85 s to ~1.2 s, so 40 it stays.
CLICK_SIDE = 40
ARROW_MAX = 1.0  # an arrow is drawn at most this fraction of the view long (divergent steps are huge)


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
    """Iso-lines, an invisible grid that answers hovers and clicks, and the known minima."""
    # CLICK_SIDE² points: a click lands within half a spacing (1.3 % of the view) of where it was
    ix, iy = (np.linspace(0, len(v) - 1, min(CLICK_SIDE, len(v))).round().astype(int) for v in (g.x, g.y))
    hx, hy = np.meshgrid(g.x[ix], g.y[iy])
    hz = g.z[np.ix_(iy, ix)]
    return [
        {"type": "scatter", "mode": "lines", "x": f4(lines[0]), "y": f4(lines[1]), "hoverinfo": "skip",
         "line": {"color": "rgba(255,255,255,0.35)", "width": 1}, "showlegend": False, "name": "iso-lines"},
        {"type": "scatter", "mode": "markers", "x": f4(hx.ravel()), "y": f4(hy.ravel()),
         "customdata": f4(hz.ravel()), "marker": {"size": 10, "color": "rgba(0,0,0,0)"},
         "hovertemplate": "x = %{x:.3f}<br>y = %{y:.3f}<br>loss = %{customdata:.4g}<extra>click: start here</extra>",
         "showlegend": False, "name": "surface"},
        {"type": "scatter", "mode": "markers", "x": f4(surface.minima[:, 0]), "y": f4(surface.minima[:, 1]),
         "marker": {"symbol": "star", "size": 16, "color": COLORS["minimum"], "line": {"color": "#222", "width": 1}},
         "name": "known minimum", "hovertemplate": "minimum (%{x:.3f}, %{y:.3f})<extra></extra>"},
    ]


def frame_steps(steps: int) -> np.ndarray:
    """The steps that get a frame: all of them up to MAX_FRAMES, evenly spread beyond."""
    return np.unique(np.linspace(0, steps, min(steps + 1, MAX_FRAMES)).round().astype(int))


def arrows(points: np.ndarray, descent: np.ndarray, k: int, span: float) -> tuple[np.ndarray, np.ndarray]:
    """Segments from point k: the plain gradient step −η∇f and the update actually taken."""
    here = points[k]
    nxt = points[min(k + 1, len(points) - 1)]
    return _segment(here, descent[k], span), _segment(here, nxt - here, span)


def _segment(origin, delta, span):
    delta = np.nan_to_num(np.asarray(delta, dtype=float), nan=0.0, posinf=0.0, neginf=0.0)
    length = float(np.hypot(*delta))
    if length > ARROW_MAX * span:
        delta = delta * (ARROW_MAX * span / length)
    return np.array([origin, origin + delta])


def moving_traces(points, descent, k, span, stride) -> list[dict]:
    so_far = np.vstack([points[: k + 1 : stride], points[k : k + 1]])
    grad_seg, step_seg = arrows(points, descent, k, span)
    arrow_marker = {"symbol": ["circle", "arrow"], "size": [0, 13], "angleref": "previous"}
    return [
        {"type": "scatter", "mode": "lines", "x": f4(so_far[:, 0]), "y": f4(so_far[:, 1]),
         "line": {"color": COLORS["path"], "width": 3}, "name": "path", "hoverinfo": "skip"},
        {"type": "scatter", "mode": "markers", "x": f4(points[k : k + 1, 0]), "y": f4(points[k : k + 1, 1]),
         "marker": {"size": 13, "color": COLORS["path"], "line": {"color": "white", "width": 2}},
         "name": f"step {k}", "hovertemplate": "θ = (%{x:.4g}, %{y:.4g})<extra></extra>"},
        {"type": "scatter", "mode": "lines+markers", "x": f4(grad_seg[:, 0]), "y": f4(grad_seg[:, 1]),
         "line": {"color": COLORS["grad"], "width": 3, "dash": "dot"},
         "marker": {**arrow_marker, "color": COLORS["grad"]}, "name": "−η∇f (plain gradient step)",
         "hoverinfo": "skip"},
        {"type": "scatter", "mode": "lines+markers", "x": f4(step_seg[:, 0]), "y": f4(step_seg[:, 1]),
         "line": {"color": COLORS["step"], "width": 3}, "marker": {**arrow_marker, "color": COLORS["step"]},
         "name": "update actually taken", "hoverinfo": "skip"},
    ]


def descent_figure(surface, g: Grid, picture: str, lines: tuple, points: np.ndarray, descent: np.ndarray,
                   k: int, *, height: int | None = None, font_size: int = 14, wide: bool = False) -> dict:
    """The animated contour figure for one path. ``descent[k]`` is −η_k ∇f(θ_k)."""
    (x0, x1), (y0, y1) = surface.bounds
    span = max(x1 - x0, y1 - y0)
    stride = path_stride(len(points) - 1, 1)
    whole = whole_path_trace(points, COLORS["path"])
    return animated_figure(surface, g, picture, lines, [whole, start_trace(points[0]), end_trace(points)],
                           lambda s: moving_traces(points, descent, s, span, stride), len(points) - 1, k,
                           height=height, font_size=font_size, wide=wide)


def whole_path_trace(points, color: str, name: str = "whole path") -> dict:
    """The full-resolution path, faint: frames carry a thinned copy, this keeps every step visible."""
    return {"type": "scatter", "mode": "lines", "x": f4(points[:, 0]), "y": f4(points[:, 1]),
            "line": {"color": color, "width": 2}, "opacity": 0.45, "name": name, "hoverinfo": "skip",
            "showlegend": False}


def end_trace(points) -> dict:
    """Where the run ended: its last finite point (the last one on the surface, if it diverged)."""
    finite = points[np.isfinite(points).all(axis=1)]
    last = finite[-1]
    return {"type": "scatter", "mode": "markers", "x": f4([last[0]]), "y": f4([last[1]]),
            "marker": {"symbol": "x-thin", "size": 14, "color": COLORS["start"], "line": {"width": 3,
                                                                                   "color": COLORS["start"]}},
            "name": "end", "hovertemplate": "end (%{x:.4g}, %{y:.4g})<extra></extra>"}


def start_trace(point) -> dict:
    return {"type": "scatter", "mode": "markers", "x": f4([point[0]]), "y": f4([point[1]]),
            "marker": {"symbol": "circle-open", "size": 14, "color": COLORS["start"], "line": {"width": 3}},
            "name": "start", "hovertemplate": "start (%{x:.4g}, %{y:.4g})<extra></extra>"}


def path_stride(steps: int, paths: int) -> int:
    """Keep every n-th point of the paths in frames, so all frames together stay within budget."""
    return max(1, int(np.ceil(len(frame_steps(steps)) * (steps + 1) * paths / 2 / PATH_BUDGET)))


def animated_figure(surface, g: Grid, picture: str, lines: tuple, fixed: list, moving, steps: int, k: int, *,
                    height: int | None = None, font_size: int = 14, wide: bool = False) -> dict:
    """The surface, iso-lines, minima and ``fixed`` traces, then the traces ``moving(step)`` returns:
    drawn at step ``k``, and one frame per shown step carrying only them."""
    first = [*static_traces(surface, g, lines), *fixed]
    now = moving(k)
    frames = [{"name": str(s), "traces": list(range(len(first), len(first) + len(now))),
               "data": [{"x": t["x"], "y": t["y"]} for t in moving(s)]}  # styles stay on the traces
              for s in frame_steps(steps)]
    # ``wide``: presenting (no sidebar) leaves a wider column, and a taller plot fills it
    layout = _layout(surface, picture, height or fitted_height(surface, 640 if wide else 480), font_size)
    layout["sliders"] = [_slider(frame_steps(steps), k, font_size)]
    layout["updatemenus"] = [_buttons(font_size)]
    return {"data": [*first, *now], "layout": layout, "frames": frames}


def fitted_height(surface, width: int = 480) -> int:
    """A height that fits the plot at equal axis scales in a column about ``width`` pixels wide."""
    (x0, x1), (y0, y1) = surface.bounds
    return int(np.clip(width * (y1 - y0) / (x1 - x0), 320, 700)) + 200


def axis_names(surface) -> tuple[str, str]:
    return surface.labels


def _layout(surface, picture, height, font_size) -> dict:
    (x0, x1), (y0, y1) = surface.bounds
    axis = {"showgrid": False, "zeroline": False, "ticks": "outside", "mirror": True, "linecolor": "#444"}
    return {
        "height": height,
        "margin": {"l": 60, "r": 20, "t": 80, "b": 130},
        "font": {"size": font_size},
        "xaxis": {**axis, "range": [x0, x1], "title": {"text": axis_names(surface)[0], "standoff": 4},
                  "constrain": "domain"},
        "yaxis": {**axis, "range": [y0, y1], "title": {"text": axis_names(surface)[1]},
                  "scaleanchor": "x", "scaleratio": 1, "constrain": "domain"},
        "images": [{"source": picture, "xref": "x", "yref": "y", "x": x0, "y": y1, "sizex": x1 - x0,
                    "sizey": y1 - y0, "sizing": "stretch", "layer": "below", "xanchor": "left",
                    "yanchor": "top"}],
        "legend": {"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 0, "bgcolor": "#2b2b2b",
                   "font": {"color": "#f4f4f4", "size": max(font_size - 3, 11)}},
        "hovermode": "closest",
        "dragmode": "pan",
        "plot_bgcolor": "#222",
    }


def _slider(shown, k, font_size) -> dict:
    active = int(np.searchsorted(shown, k).clip(0, len(shown) - 1))
    return {
        "active": active,
        "y": 0, "yanchor": "top", "x": 0.32, "len": 0.68, "pad": {"t": 56},
        "currentvalue": {"visible": False},
        "steps": [{"label": str(s), "method": "animate",
                   "args": [[str(s)], {"mode": "immediate", "frame": {"duration": 0, "redraw": False}}]}
                  for s in shown],
    }


def _buttons(font_size) -> dict:
    play = {"frame": {"duration": FRAME_MS, "redraw": False}, "transition": {"duration": 0},
            "fromcurrent": True, "mode": "immediate"}
    pause = {"frame": {"duration": 0, "redraw": False}, "transition": {"duration": 0}, "mode": "immediate"}
    return {
        "type": "buttons", "direction": "left", "showactive": False,
        "x": 0, "y": 0, "xanchor": "left", "yanchor": "top", "pad": {"t": 64, "r": 10},
        "font": {"size": font_size},
        "buttons": [{"label": "▶ Play", "method": "animate", "args": [None, play]},
                    {"label": "❚❚ Pause", "method": "animate", "args": [[None], pause]}],
    }

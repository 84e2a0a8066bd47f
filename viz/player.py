"""The picture a class watches: the contour with the moving paths, the loss curve and the step's
numbers in one animated figure, so Play, the scrubber and the step buttons move all of them.

plotly.js draws only what frames carry while it plays, and a figure's frames cannot reach another
figure, so everything that follows the step lives in this one figure:

- left, the surface (a picture in ``layout.images``, see :mod:`viz.picture`), iso-lines, minima and
  each lane's path so far with its current point and, on the descent page, the step's arrows and the
  curvature cross (the Hessian's eigen-directions at the point, arms ∝ |λ|);
- right, the loss curve(s) with a marker at the step (and the learning rate, with a schedule), and
  below them the step's numbers as text, which also says what each colour and arrow is.

Frames carry only what moves, one per shown step (every step up to ``MAX_FRAMES``): each moving part
(:mod:`viz.moving`) owns its traces' styles and their data at every frame. What stays is here; where
each part sits and the controls are in :mod:`viz.player_layout`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import landscapes
from viz import contour, curves, fidelity, moving
from viz.contour import static_traces
from viz.encode import f4
from viz.player_layout import buttons, layout, narrow_plot_height, panel_lines, scrubber_labels, slider
from viz.theme import casing

MAX_FRAMES = 200
# ms per frame: frames land on the display's 16.7 ms ticks; "2×" is as fast as the browser draws


PATH = "#ff5a36"

@dataclass(frozen=True)
class Lane:
    """One path as the figure draws it."""

    label: str
    color: str
    symbol: str  # of its end point
    width: float
    points: np.ndarray  # (steps+1, 2)
    losses: np.ndarray  # (steps+1,)
    lrs: np.ndarray  # (steps,)
    dash: str = "solid"  # its line's dash (plotly's names): racers differ by hue, dash and end symbol


@dataclass(frozen=True)
class DataPanel:
    """The data a data surface fits, beside the contour: a scatter, and each lane's model at the step."""

    x: np.ndarray  # the samples as the data has them
    y: np.ndarray
    grid: np.ndarray  # where each fit is drawn (m,)
    fits: list[np.ndarray]  # per lane, the model over the grid at each of its points: (steps+1, m)
    labels: tuple[str, str]


@dataclass(frozen=True)
class Inspector:
    """What the descent page shows at each step: arrows (displacements, (steps+1, 2)) and text."""

    grad: np.ndarray
    update: np.ndarray
    carried: np.ndarray | None
    carried_label: str
    lines: dict[int, str]  # the numbers panel's text at each shown step

def frame_steps(steps: int) -> np.ndarray:
    """The steps that get a frame: every step up to MAX_FRAMES, beyond that every 2nd, 5th, 10th, …
    (round numbers on the scrubber), and always the last."""
    stride = 1
    while steps / stride > MAX_FRAMES:
        stride = next(m * 10**e for e in range(7) for m in (1, 2, 5) if m * 10**e > stride)
    return np.unique(np.append(np.arange(0, steps + 1, stride), steps))


def shown_step(steps: int, k: int) -> int:
    """The shown step nearest to ``k`` (the figure can only stop on a frame)."""
    shown = frame_steps(steps)
    return int(shown[np.abs(shown - k).argmin()])

def figure(surface, layer, lanes: list[Lane], k: int, inspector: Inspector | None = None, *,
           with_schedule: bool = False, font_size: int = 14, height: int = 470, narrow: bool = False,
           data: DataPanel | None = None, unit: str = "step", texts: dict[int, str] | None = None,
           cross: bool = False) -> dict:
    """The animated picture, drawn at step ``k``. ``unit`` names what the clock counts (on the
    scrubber); ``texts`` replaces the numbers panel's text at each shown step; ``cross`` draws the
    first lane's curvature cross at its point (see :func:`viz.moving.curvature_cross`)."""
    g, png, iso = layer
    steps = len(lanes[0].points) - 1
    shown = frame_steps(steps)
    k = shown_step(steps, k)
    drawn = [fidelity.draw(lane.points, surface.bounds, keys=shown) for lane in lanes]
    fixed = [*static_traces(surface, g, iso), *_fixed_paths(lanes, drawn), *_curves(lanes, with_schedule),
             *([_scatter(data)] if data is not None else [])]
    parts = _moving_parts(surface, lanes, drawn, shown, inspector, with_schedule, font_size, data, texts, cross)
    styles = [style for part in parts for style in part.styles]
    columns = [column for part in parts for column in part.columns]
    frames_data = [list(frame) for frame in zip(*columns, strict=True)]
    indices = list(range(len(fixed), len(fixed) + len(styles)))
    frames = [{"name": str(s), "traces": indices, "data": data} for s, data in zip(shown, frames_data, strict=True)]
    now = frames_data[int(np.searchsorted(shown, k))]
    # the numbers box holds its longest text (Adam's buffers m and v make nine lines)
    rows = len(lanes) if data is not None else panel_lines(lanes, parts[-1].columns[0])
    if narrow:  # every part its pixels; Play and the scrubber under the contour, on a phone's first screen
        height = 20 + narrow_plot_height(contour.narrow_height(surface), font_size, with_schedule, data is not None, rows)
    fig_layout = layout(surface, png, lanes, with_schedule, height, font_size, narrow, data, rows)
    below = fig_layout["yaxis"]["domain"][0] if narrow else 0  # where the controls hang from
    fig_layout["sliders"] = [slider(shown, k, font_size, unit, narrow, below)]
    fig_layout["updatemenus"] = buttons(font_size, narrow, below)
    fig_layout["annotations"] += scrubber_labels(shown, font_size, narrow, y=below)
    return {"data": [*fixed, *({**style, **data} for style, data in zip(styles, now, strict=True))],
            "layout": fig_layout, "frames": frames}


def _moving_parts(surface, lanes, drawn, shown, inspector, with_schedule, font_size, data, texts, cross) -> list:
    """The moving parts in drawing order (later on top)."""
    parts = [moving.lines_so_far(lanes, drawn, shown)]
    bends = None
    if cross and surface.hessian is not None:  # under the arrows and the point, which cross its centre
        bends = (*landscapes.curvature(surface, lanes[0].points[shown]), width(surface))
        parts.append(moving.cross(bends, lanes[0].points[shown]))
    parts += [moving.points(lanes, shown), moving.markers(lanes, shown, with_schedule)]
    if data is not None:
        parts.append(moving.fits(lanes, data, shown))
    scales = None
    if inspector is not None:
        arrows, scales = moving.step_arrows(lanes, inspector, shown, span(surface))
        parts.append(arrows)
    parts.append(moving.numbers(lanes, drawn, shown, inspector, font_size, scales=scales, bends=bends, texts=texts))
    return parts


def span(surface) -> float:
    """The view's longer side (arrows are scaled to it)."""
    (x0, x1), (y0, y1) = surface.bounds
    return max(x1 - x0, y1 - y0)


def width(surface) -> float:
    """The view's width (the curvature cross is scaled to it)."""
    (x0, x1), _ = surface.bounds
    return x1 - x0

# ---- what stays ---------------------------------------------------------------------------------

def _fixed_paths(lanes: list[Lane], drawn: list[fidelity.Drawn]) -> list[dict]:
    """Each whole path, faint, where it started and ended (the end marked with the lane's symbol),
    and where a path left the view (with the step)."""
    traces = []
    for lane, line in zip(lanes, drawn, strict=True):
        traces.append({"type": "scatter", "mode": "lines", **_xy(line.xy),
                       "line": {"color": lane.color, "width": 2.5, "dash": lane.dash},
                       "opacity": 0.75, "hoverinfo": "skip", "showlegend": False, "name": f"{lane.label}: whole path"})
    traces.append(start_trace(lanes[0].points[0]))
    traces += [end_trace(lane) for lane in lanes]
    traces += [exit_trace(lane.label, lane.color, line) for lane, line in zip(lanes, drawn, strict=True)
               if line.exit is not None]
    return traces


def exit_trace(label: str, color: str, line: fidelity.Drawn) -> dict:
    """Where a path crossed the view's edge, and at which step: the picture says it left."""
    x, y = line.exit
    return {"type": "scatter", "mode": "markers", "x": f4([x]), "y": f4([y]), "showlegend": False, "cliponaxis": False,
            "marker": {"symbol": "x-thin-open", "size": 18, "color": color, "line": {"width": 4, "color": color}},
            "name": f"{label}: left the view", "hovertemplate": f"{label} left the view at step {line.left_view}"
            + " (%{x:.4g}, %{y:.4g})<extra></extra>"}


def start_trace(point) -> dict:
    return {"type": "scatter", "mode": "markers", "x": f4([point[0]]), "y": f4([point[1]]), "showlegend": False,
            "marker": {"symbol": "circle-open", "size": 15, "color": "#FFFFFF", "line": {"width": 3}},
            "name": "start", "hovertemplate": "start (%{x:.4g}, %{y:.4g})<extra></extra>"}


def end_trace(lane: Lane) -> dict:
    """Where the run ended: its last finite point (the last one on the surface, if it diverged)."""
    finite = lane.points[np.isfinite(lane.points).all(axis=1)]
    last = finite[-1]
    return {"type": "scatter", "mode": "markers", "x": f4([last[0]]), "y": f4([last[1]]), "showlegend": False,
            "marker": {"symbol": lane.symbol, "size": 15, "color": lane.color,
                       "line": {"width": 2, "color": casing(lane.color)}},
            "name": f"{lane.label}: end", "hovertemplate": lane.label + " ended at (%{x:.4g}, %{y:.4g})<extra></extra>"}


def _scatter(data: DataPanel) -> dict:
    return {"type": "scatter", "mode": "markers", "x": f4(data.x), "y": f4(data.y), "xaxis": "x5", "yaxis": "y5",
            "marker": {"size": 6, "color": "#9a9a9a", "opacity": 0.7, "line": {"width": 0}}, "showlegend": False,
            "name": "data", "hovertemplate": f"{data.labels[0]} %{{x:.4g}}<br>{data.labels[1]} %{{y:.4g}}<extra></extra>"}


def _curves(lanes: list[Lane], with_schedule: bool) -> list[dict]:
    traces = []
    for lane in lanes:
        traces += curves.cased(lane.losses, lane.color, casing(lane.color), lane.label, "loss", "x2", "y2",
                               dash=lane.dash)
        if with_schedule:
            traces += curves.cased(lane.lrs, lane.color, casing(lane.color), lane.label, "η", "x4", "y4",
                                   shape="hv")
    return traces

def _xy(points) -> dict:
    return {"x": f4(points[:, 0]), "y": f4(points[:, 1])}

"""The learning-rate lab's live picture: drag the rate (and the momentum-like knob) and the path, the
loss curve and the numbers follow while dragging, with no server round trip.

The figure carries every run of one engine sweep (``optim.sweep``: rates × knob values) compactly in
``layout.meta["lab"]``: paths as int16 offsets within the view (``QUANT`` steps per view width, so a
path is drawn to 1/8000 of the view and up to ``REACH`` view widths beyond it), losses as int16 levels of
the loss axis's fixed range (log or linear; beyond it a loss is off the plot, so it is not carried), at
most ``PATH_POINTS`` points a path. The page's bridge (app_pages/lab.js) listens to the two sliders
(``method: "skip"``: plotly.js itself does nothing) and restyles the path, its end, the loss curve and
the numbers from those arrays.
"""

from __future__ import annotations

import base64
import dataclasses

import numpy as np

from viz import contour, curves, player
from viz.encode import f4

PATH_POINTS = 61  # points drawn of each path (the first and the last always among them)
LOSS_DECADES = 1e-13  # the loss axis reaches this far below the start's loss at most (rounding noise below)
LOSS_LEVELS = 32000  # int16 levels across the loss axis's range (log or linear): 0.03 % of its height
QUANT = 8000  # int16 steps per view width (or height)
REACH = 4  # view widths beyond the view a path is still drawn: past that it is cut (NaN)
MISSING = -32768  # int16: no point (the run left the surface, or the view by more than REACH)
ZONE_WORDS = {"crawl": "crawls: too small to arrive in time", "converge": "converges",
              "oscillate": "converges, zig-zagging", "diverge": "diverges"}
CONTOUR_WIDTH = 0.56


def sample_steps(steps: int, most: int = PATH_POINTS) -> np.ndarray:
    """At most ``most`` steps, evenly spread, the first and the last included."""
    return np.unique(np.linspace(0, steps, min(most, steps + 1)).round().astype(int))


def quantize(points: np.ndarray, bounds) -> np.ndarray:
    """Points ``(..., 2)`` as int16 offsets from the view's corner, ``QUANT`` per view width."""
    (x0, x1), (y0, y1) = bounds
    scaled = (points - np.array([x0, y0])) / np.array([x1 - x0, y1 - y0]) * QUANT
    inside = np.isfinite(scaled).all(axis=-1, keepdims=True) & (np.abs(scaled) <= REACH * QUANT).all(
        axis=-1, keepdims=True)
    with np.errstate(invalid="ignore"):
        return np.where(inside, np.round(scaled), MISSING).astype("<i2")


def dequantize(q: np.ndarray, bounds) -> np.ndarray:
    """The inverse of :func:`quantize` (for tests; the browser does it in lab.js)."""
    (x0, x1), (y0, y1) = bounds
    points = q.astype(float) / QUANT * np.array([x1 - x0, y1 - y0]) + np.array([x0, y0])
    return np.where((q == MISSING).any(axis=-1, keepdims=True), np.nan, points)


def _float32(values) -> np.ndarray:
    """Losses beyond float32's range (a run on its way out) as NaN: the curve leaves through the top."""
    values = np.asarray(values, dtype=float)
    with np.errstate(invalid="ignore"):
        return np.where(np.abs(values) < 3e38, values, np.nan).astype("<f4")


def _b64(arr: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(arr).tobytes()).decode("ascii")


def live_figure(surface, layer, grid, rule, at: tuple[int, int], *, font_size: int = 14, height: int = 520,
                knob_label: str = "", narrow: bool = False, kept=None) -> dict:
    """The live picture of ``grid`` (a :class:`optim.sweep.SweepGrid` or ``Sweep`` with ``keep_paths``),
    drawn at ``at = (knob index, rate index)``. ``rule``: its class (title, colour). ``kept``: the step
    numbers a thinned grid's points are at (see :func:`thinned`); None: the grid has every step."""
    if kept is None:
        grid, kept = thinned(grid)
    points, losses = _grid_arrays(grid)
    shown = np.asarray(kept)
    j, i = at
    here = points[:, j, i]
    g, png, lines = layer
    fixed = [*contour.static_traces(surface, g, lines), player.start_trace(points[0, 0, 0])]
    moving = [
        {"type": "scatter", "mode": "lines+markers", "x": f4(here[:, 0]), "y": f4(here[:, 1]), "name": "path",
         "line": {"color": rule.color, "width": 3}, "marker": {"size": 5, "color": rule.color},
         "hovertemplate": "(%{x:.4g}, %{y:.4g})<extra></extra>", "showlegend": False},
        {"type": "scatter", "mode": "markers", "x": f4(_last(here)[:1, 0]), "y": f4(_last(here)[:1, 1]), "name": "end",
         "marker": {"symbol": rule.marker, "size": 15, "color": rule.color,
                    "line": {"width": 2, "color": player.casing(rule.color)}},
         "hovertemplate": "ended at (%{x:.4g}, %{y:.4g})<extra></extra>", "showlegend": False},
        {"type": "scatter", "mode": "lines", "x": shown.tolist(), "y": f4(_float32(losses[:, j, i])), "name": "loss",
         "xaxis": "x2", "yaxis": "y2", "line": {"color": rule.color, "width": 3}, "showlegend": False,
         "hovertemplate": "step %{x}: loss %{y:.4g}<extra></extra>"},
        {"type": "scatter", "mode": "text", "x": [0.01], "y": [0.94], "text": [numbers_text(grid, j, i)],
         "textposition": "bottom right", "xaxis": "x3", "yaxis": "y3", "hoverinfo": "skip", "showlegend": False,
         "cliponaxis": False, "name": "numbers", "textfont": {"size": font_size + 1, "color": "#f4f4f4"}},
    ]
    slider_rows = 2 if knob_label else 1
    height = max(height, NARROW_HEIGHT) if narrow else height
    layout = _layout(surface, png, losses, height, font_size, slider_rows, narrow)
    loss_axis = layout["yaxis2"]
    layout["sliders"] = _sliders(grid, at, font_size, knob_label, height - TOP - _bottom(font_size, slider_rows))
    layout["meta"] = {"lab": {**_payload(surface, grid, points, shown, len(fixed)),
                              "loss": _loss_levels(losses.transpose(1, 2, 0), loss_axis)}}
    return {"data": [*fixed, *moving], "layout": layout}


def thinned(grid):
    """``grid`` with its paths and losses only at the steps the live picture draws (``sample_steps``):
    what a cache keeps, ~60 steps a run instead of up to 1 001. Returns the grid and those steps."""
    points, _ = _grid_arrays(grid)
    kept = sample_steps(points.shape[0] - 1)
    return dataclasses.replace(grid, points=grid.points[kept], losses=grid.losses[kept]), kept


def _grid_arrays(grid) -> tuple[np.ndarray, np.ndarray]:
    """Points ``(steps+1, M, N, 2)`` and losses ``(steps+1, M, N)``; a plain sweep is one knob row."""
    if grid.points.ndim == 3:
        return grid.points[:, None], grid.losses[:, None]
    return grid.points, grid.losses


def _arrays(grid, name):
    value = np.asarray(getattr(grid, name))
    return value if value.ndim == 2 else value[None]


def _last(path: np.ndarray) -> np.ndarray:
    finite = path[np.isfinite(path).all(axis=1)]
    return finite[-1:] if len(finite) else path[:1]


def numbers_text(grid, j: int, i: int) -> str:
    """What the numbers box says about run ``(j, i)`` (the same words lab.js writes while dragging);
    the rate and the knob's value are on the sliders."""
    zone = str(_arrays(grid, "zone")[j, i])
    final = float(_arrays(grid, "final_loss")[j, i])
    reached = int(_arrays(grid, "steps_to_tolerance")[j, i])
    left = int(_arrays(grid, "diverged_at")[j, i])
    lines = [f"it {ZONE_WORDS[zone]}",
             f"left the surface at step {left}" if left >= 0 else
             f"final loss {final:.4g}" if np.isfinite(final) else "final loss: not finite",
             f"within tolerance at step {reached}" if reached >= 0 else "never within tolerance"]
    return "<br>".join(lines)


def _loss_levels(losses: np.ndarray, axis: dict) -> dict:
    """Losses as int16 levels of the axis's range (``MISSING`` off it); lab.js maps them back."""
    log = axis["type"] == "log"
    low, high = axis["range"]
    with np.errstate(all="ignore"):
        values = np.log10(losses) if log else losses
        scaled = np.round((values - low) / (high - low) * LOSS_LEVELS)
        q = np.where(np.isfinite(scaled) & (scaled >= 0) & (scaled <= LOSS_LEVELS), scaled, MISSING).astype("<i2")
    return {"log": log, "range": [low, high], "levels": LOSS_LEVELS, "data": _b64(q)}


def loss_from_levels(loss: dict) -> np.ndarray:
    """The inverse of :func:`_loss_levels` (for tests; the browser does it in lab.js)."""
    q = np.frombuffer(base64.b64decode(loss["data"]), dtype="<i2").astype(float)
    low, high = loss["range"]
    values = np.where(q == MISSING, np.nan, low + q / loss["levels"] * (high - low))
    return 10**values if loss["log"] else values


def _payload(surface, grid, points, shown, first_moving) -> dict:
    """Everything lab.js needs to redraw any run: compact arrays and the words of the numbers box.
    ``points``: the runs at the ``shown`` steps."""
    m, n = points.shape[1], points.shape[2]
    q = quantize(points.transpose(1, 2, 0, 3), surface.bounds)  # (M, N, K, 2)
    (x0, x1), (y0, y1) = surface.bounds
    return {
        "m": m, "n": n, "k": len(shown), "steps": shown.tolist(), "quant": QUANT, "missing": MISSING,
        "origin": [x0, y0], "size": [x1 - x0, y1 - y0], "traces": [first_moving + t for t in range(4)],
        "paths": _b64(q),
        "texts": [[numbers_text(grid, j, i) for i in range(n)] for j in range(m)],
    }


TOP = 10  # pixels above the plot


NARROW_HEIGHT = 760  # a phone: the contour, the loss and the numbers stacked


def domains(narrow: bool, plot_height: int = 400, font_size: int = 14) -> dict[str, tuple[list, list]]:
    """Where each part sits: side by side, or stacked on a phone. Side by side the numbers box is
    sized in pixels (its three lines) and the loss plot starts above it by its tick labels and its
    "step" title, so neither covers the other at any height or font size."""
    if narrow:
        return {"contour": ([0, 1], [0.52, 1]), "loss": ([0.15, 1], [0.25, 0.44]), "numbers": ([0, 1], [0, 0.13])}
    box = min(0.3, (3 * 1.3 * (font_size + 1) + 16) / plot_height)
    loss_bottom = box + (5 * font_size + 24) / plot_height
    return {"contour": ([0, CONTOUR_WIDTH], [0, 1]), "loss": ([CONTOUR_WIDTH + 0.1, 1], [loss_bottom, 1]),
            "numbers": ([CONTOUR_WIDTH + 0.06, 1], [0, box])}


def _layout(surface, png, losses, height, font_size, rows, narrow=False) -> dict:
    (x0, x1), (y0, y1) = surface.bounds
    where = domains(narrow, height - TOP - _bottom(font_size, rows), font_size)
    axis = {"showgrid": False, "zeroline": False, "ticks": "outside", "mirror": True, "linecolor": "#666"}
    square = {"scaleanchor": "x", "scaleratio": 1} if 1 / 3 <= (x1 - x0) / (y1 - y0) <= 3 else {}
    hidden = {"visible": False, "range": [0, 1], "fixedrange": True}
    return {
        "height": height, "margin": {"l": 55, "r": 10, "t": TOP, "b": _bottom(font_size, rows)},
        "font": {"size": font_size}, "showlegend": False, "hovermode": "closest", "dragmode": "pan",
        "xaxis": {**axis, "domain": where["contour"][0], "range": [x0, x1], "constrain": "domain",
                  "title": {"text": surface.labels[0], "standoff": 2}},
        "yaxis": {**axis, "domain": where["contour"][1], "range": [y0, y1], "constrain": "domain", **square,
                  "title": {"text": surface.labels[1], "standoff": 2}},
        "images": [{"source": png, "xref": "x", "yref": "y", "x": x0, "y": y1, "sizex": x1 - x0, "sizey": y1 - y0,
                    "sizing": "stretch", "layer": "below", "xanchor": "left", "yanchor": "top"}],
        "xaxis2": {**curves.step_axis(), "domain": where["loss"][0], "anchor": "y2"},
        "yaxis2": {**_loss_axis(losses), "domain": where["loss"][1], "anchor": "x2"},
        # the numbers: a text trace in a box of its own (lab.js changes its text with the paths)
        "xaxis3": {**hidden, "domain": where["numbers"][0], "anchor": "y3"},
        "yaxis3": {**hidden, "domain": where["numbers"][1], "anchor": "x3"},
        "shapes": [{"type": "rect", "xref": "x3 domain", "yref": "y3 domain", "x0": -0.02, "x1": 1.0, "y0": 0,
                    "y1": 1.02, "fillcolor": "#1e1e1e", "line": {"width": 0}, "layer": "below"}],
    }


def _loss_axis(losses) -> dict:
    """Log when every run's losses are positive. A fixed range (the picture is redrawn by animation,
    which keeps axes as they are): from the lowest loss any run reaches to ten times the start's; a
    run that diverges leaves through the top."""
    axis = curves.value_axis(losses, "loss")
    finite = losses[np.isfinite(losses)]
    top = float(np.max(np.abs(losses[0]))) * 10 or 1.0
    if axis["type"] == "log":
        low = float(finite[finite > 0].min()) if np.any(finite > 0) else top * LOSS_DECADES
        axis["range"] = [np.log10(max(low, top * LOSS_DECADES)) - 0.3, np.log10(top)]
        axis.pop("dtick", None)
    else:
        low = float(finite.min()) if finite.size else -top
        axis["range"] = [low - 0.05 * (top - low), top]
    return axis


def _axis_room(font_size: int) -> int:
    return 2 * font_size + 16  # the contour's tick labels and title, above the sliders


def _slider_room(font_size: int) -> int:
    return 2 * font_size + 40  # a slider's current value, bar and tick labels


def _bottom(font_size: int, rows: int) -> int:
    return _axis_room(font_size) + rows * _slider_room(font_size)


def _sliders(grid, at, font_size, knob_label, plot_height) -> list[dict]:
    """The rate's slider, and the knob's under it: ``method: "skip"`` (lab.js does the redrawing)."""
    j, i = at
    below = _axis_room(font_size) / plot_height  # paper units: sliders hang below the plot
    row = _slider_room(font_size) / plot_height
    common = {"x": 0, "len": 1.0, "yanchor": "top", "font": {"size": max(font_size - 3, 10), "color": "#cccccc"},
              "ticklen": 3, "minorticklen": 0, "bgcolor": "#555555", "activebgcolor": "#ff5a36",
              "bordercolor": "#888888", "pad": {"t": 0, "l": 0, "r": 10}}
    sliders = [{**common, "name": "lr", "active": int(i), "y": -below,
                "currentvalue": _value("learning rate η = ", font_size),
                "steps": [{"label": f"{lr:.3g}", "method": "skip", "args": [None]} for lr in grid.lrs]}]
    if knob_label:
        sliders.append({**common, "name": "knob", "active": int(j), "y": -below - row,
                        "currentvalue": _value(f"{knob_label} = ", font_size),
                        "steps": [{"label": f"{b:g}", "method": "skip", "args": [None]} for b in grid.betas]})
    return sliders


def _value(prefix: str, font_size: int) -> dict:
    return {"visible": True, "prefix": prefix, "xanchor": "left", "offset": 4,
            "font": {"size": font_size, "color": "#f4f4f4"}}


# ---- side by side: the three regimes, a schedule beside the constant rate ----------------------

DRAWN_POINTS = 300  # points drawn of each whole path: the turns stay, the payload stays small


def side_by_side(surface, layer, lanes: list[player.Lane], *, with_schedule: bool = False, font_size: int = 14,
                 height: int = 470) -> dict:
    """Whole runs from one start on the contour, their losses on one plot (and their rates under it):
    still, since the point is to compare the ends and the shapes, not to watch."""
    g, png, lines = layer
    steps = len(lanes[0].points) - 1
    shown = sample_steps(steps, DRAWN_POINTS)
    traces = [*contour.static_traces(surface, g, lines), player.start_trace(lanes[0].points[0])]
    for lane in lanes:
        path = lane.points[shown]
        traces.append({"type": "scatter", "mode": "lines", "x": f4(path[:, 0]), "y": f4(path[:, 1]), "name": lane.label,
                       "line": {"color": lane.color, "width": lane.width}, "showlegend": True, "legendgroup": lane.label,
                       "hovertemplate": f"{lane.label}<br>(%{{x:.4g}}, %{{y:.4g}})<extra></extra>"})
        traces.append(player.end_trace(lane))
        traces.append({**curves.line(_float32(lane.losses[shown]), lane.color, lane.label, "loss", "x2", "y2",
                                     x=shown), "legendgroup": lane.label})
        if with_schedule:
            traces.append({**curves.line(lane.lrs, lane.color, lane.label, "η", "x3", "y3", shape="hv"),
                           "legendgroup": lane.label})
    layout = _side_layout(surface, png, lanes, with_schedule, height, font_size)
    return {"data": traces, "layout": layout}


def _side_layout(surface, png, lanes, with_schedule, height, font_size) -> dict:
    (x0, x1), (y0, y1) = surface.bounds
    axis = {"showgrid": False, "zeroline": False, "ticks": "outside", "mirror": True, "linecolor": "#666"}
    square = {"scaleanchor": "x", "scaleratio": 1} if 1 / 3 <= (x1 - x0) / (y1 - y0) <= 3 else {}
    right = [CONTOUR_WIDTH + 0.1, 1]
    losses = np.concatenate([lane.losses for lane in lanes])
    layout = {
        "height": height, "margin": {"l": 55, "r": 10, "t": 10, "b": 40}, "font": {"size": font_size},
        "hovermode": "closest", "dragmode": "pan", "showlegend": True,
        "legend": {"orientation": "h", "x": 0, "y": -0.12, "yanchor": "top", "font": {"size": font_size}},
        "xaxis": {**axis, "domain": [0, CONTOUR_WIDTH], "range": [x0, x1], "constrain": "domain",
                  "title": {"text": surface.labels[0], "standoff": 2}},
        "yaxis": {**axis, "domain": [0, 1], "range": [y0, y1], "constrain": "domain", **square,
                  "title": {"text": surface.labels[1], "standoff": 2}},
        "images": [{"source": png, "xref": "x", "yref": "y", "x": x0, "y": y1, "sizex": x1 - x0, "sizey": y1 - y0,
                    "sizing": "stretch", "layer": "below", "xanchor": "left", "yanchor": "top"}],
        "xaxis2": {**curves.step_axis(), "domain": right, "anchor": "y2"},
        "yaxis2": {**curves.value_axis(losses, "loss", labels=4), "domain": [0.45, 1] if with_schedule else [0, 1],
                   "anchor": "x2"},
    }
    if with_schedule:
        layout["xaxis3"] = {**curves.step_axis(), "domain": right, "anchor": "y3"}
        layout["yaxis3"] = {**curves.value_axis(np.concatenate([lane.lrs for lane in lanes]), "η", log=False),
                            "domain": [0, 0.3], "anchor": "x3"}
    return layout

"""The learning-rate lab's live picture: drag the rate (and the momentum-like knob) and the path, the
loss curve and the numbers follow while dragging, with no server round trip.

The figure carries every run of one engine sweep (``optim.sweep``: rates × knob values) compactly in
``layout.meta["lab"]`` (:mod:`viz.lab_payload`: every turn of every path and loss curve, a diverging run
drawn until it leaves, where it left the view). The page's bridge (app_pages/lab.js) listens to the two sliders
(``method: "skip"``: plotly.js itself does nothing) and restyles the path, its end, where it left the view,
the loss curve and the numbers from those arrays.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from optim.summary import reached_words, view_words
from viz import contour, curves, lab_payload, player, player_layout
from viz.encode import f4

LOSS_DECADES = 1e-13  # the loss axis reaches this far below the start's loss at most (rounding noise below)
ZONE_WORDS = {"crawl": "crawls: too small to arrive in time", "converge": "converges",
              "oscillate": "converges, zig-zagging", "diverge": "diverges"}
CONTOUR_WIDTH = 0.56


def live_figure(surface, layer, grid, rule, at: tuple[int, int], *, font_size: int = 14, height: int = 520,
                knob_label: str = "", narrow: bool = False, live: lab_payload.Live | None = None) -> dict:
    """The live picture of ``grid`` (a :class:`optim.sweep.SweepGrid` or ``Sweep`` with ``keep_paths``),
    drawn at ``at = (knob index, rate index)``. ``rule``: its class (title, colour). ``live``: the grid's
    runs already packed (see :func:`thinned`); None: packed here."""
    if live is None:
        grid, live = thinned(grid, surface.bounds)
    j, i = at
    path, loss = lab_payload.run(live, j, i, surface.bounds)
    end, exit_point = live.ends[j, i], live.exits[j, i]
    g, png, lines = layer
    fixed = [*contour.static_traces(surface, g, lines), player.start_trace(_start(grid))]
    moving = [
        {"type": "scatter", "mode": "lines+markers", "x": f4(path[:, 0]), "y": f4(path[:, 1]), "name": "path",
         "line": {"color": rule.color, "width": 3}, "marker": {"size": 5, "color": rule.color},
         "hovertemplate": "(%{x:.4g}, %{y:.4g})<extra></extra>", "showlegend": False},
        {"type": "scatter", "mode": "markers", "x": f4(end[:1]), "y": f4(end[1:]), "name": "end",
         "marker": {"symbol": rule.marker, "size": 15, "color": rule.color,
                    "line": {"width": 2, "color": player.casing(rule.color)}},
         "hovertemplate": "ended at (%{x:.4g}, %{y:.4g})<extra></extra>", "showlegend": False},
        {"type": "scatter", "mode": "lines", "x": f4(loss[:, 0]), "y": f4(loss32(loss[:, 1])), "name": "loss",
         "xaxis": "x2", "yaxis": "y2", "line": {"color": rule.color, "width": 3}, "showlegend": False,
         "hovertemplate": "step %{x}: loss %{y:.4g}<extra></extra>"},
        {"type": "scatter", "mode": "text", "x": [0.01], "y": [0.94], "text": [live_text(grid, live, j, i)],
         "textposition": "bottom right", "xaxis": "x3", "yaxis": "y3", "hoverinfo": "skip", "showlegend": False,
         "cliponaxis": False, "name": "numbers", "textfont": {"size": font_size + 1, "color": "#f4f4f4"}},
        {"type": "scatter", "mode": "markers", "x": f4(exit_point[:1]), "y": f4(exit_point[1:]), "name": "left the view",
         "cliponaxis": False, "marker": {"symbol": "x-thin-open", "size": 18, "color": rule.color,
                                         "line": {"width": 4, "color": rule.color}},
         "hovertemplate": "left the view here (%{x:.4g}, %{y:.4g})<extra></extra>", "showlegend": False},
    ]
    slider_rows = 2 if knob_label else 1
    if narrow:  # the sliders under the contour, on a phone's first screen; the loss and the numbers under them
        height = TOP + 10 + narrow_plot_height(surface, font_size, slider_rows)
    layout = _layout(surface, png, live.loss_axis, height, font_size, slider_rows, narrow)
    layout["xaxis2"]["range"] = [0, live.steps]  # every run on one clock: an early exit shows as early
    plot_height = height - TOP - _bottom(font_size, slider_rows, narrow)
    top = layout["yaxis"]["domain"][0] if narrow else 0  # where the sliders hang from
    layout["sliders"] = _sliders(grid, at, font_size, knob_label, plot_height, top)
    layout["annotations"] = rate_labels(grid.lrs, layout["sliders"][0]["y"], font_size, narrow)
    texts = [[live_text(grid, live, jj, ii) for ii in range(live.shape[1])] for jj in range(live.shape[0])]
    layout["meta"] = {"lab": lab_payload.payload(live, surface.bounds, texts, len(fixed))}
    return {"data": [*fixed, *moving], "layout": layout}


def thinned(grid, bounds):
    """``grid`` without its paths and losses, and its runs packed as the live picture draws them
    (:func:`viz.lab_payload.pack`): what a cache keeps, a few KB a run instead of up to 1 001 steps."""
    points, losses = _grid_arrays(grid)
    live = lab_payload.pack(points, losses, bounds, _loss_axis(losses))
    return dataclasses.replace(grid, points=points[:1], losses=losses[:1]), live


def _start(grid):
    return _grid_arrays(grid)[0][0, 0, 0]


def loss32(values) -> np.ndarray:
    """Losses beyond float32's range (a run on its way out) as NaN: the curve leaves through the top."""
    values = np.asarray(values, dtype=float)
    with np.errstate(invalid="ignore"):
        return np.where(np.abs(values) < 3e38, values, np.nan).astype("<f4")


def _grid_arrays(grid) -> tuple[np.ndarray, np.ndarray]:
    """Points ``(steps+1, M, N, 2)`` and losses ``(steps+1, M, N)``; a plain sweep is one knob row."""
    if grid.points.ndim == 3:
        return grid.points[:, None], grid.losses[:, None]
    return grid.points, grid.losses


def _arrays(grid, name):
    value = np.asarray(getattr(grid, name))
    return value if value.ndim == 2 else value[None]


def live_text(grid, live, j: int, i: int) -> str:
    """The numbers box for run ``(j, i)``."""
    return numbers_text(grid, j, i, int(live.left_view[j, i]))


def numbers_text(grid, j: int, i: int, left_view: int = -1) -> str:
    """What the numbers box says about run ``(j, i)`` (the same words lab.js writes while dragging), in
    the words every page uses (:mod:`optim.summary`), three short lines that fit the box; the rate and
    the knob's value are on the sliders."""
    zone = str(_arrays(grid, "zone")[j, i])
    final = float(_arrays(grid, "final_loss")[j, i])
    gone = int(_arrays(grid, "diverged_at")[j, i])
    reached = reached_words(int(_arrays(grid, "reached_at")[j, i]), grid.reach_tol)
    if gone >= 0:
        # "left the view at step 1 and the surface at step 10", over two lines
        first, _, second = view_words(left_view, gone).partition(" and ")
        return "<br>".join([f"it diverges: {first}", *([f"and {second}"] if second else []), reached])
    loss = f"final loss {final:.4g}" if np.isfinite(final) else "final loss: not finite"
    view = view_words(left_view, -1)
    return "<br>".join([f"it {ZONE_WORDS[zone]}", f"{loss}; {view}" if view else loss, reached])


TOP = 10  # pixels above the plot


NARROW_LOSS = 170  # a phone's loss plot, in pixels


def narrow_plot_height(surface, font_size: int = 14, rows: int = 1) -> int:
    """A phone's stacked plot: the contour, its ticks and title and the ``rows`` sliders, the loss,
    its ticks and title, the numbers box, in pixels (the figure adds its margins)."""
    return (contour.narrow_height(surface) + _controls_px(font_size, rows) + int(3.4 * font_size + 30) + NARROW_LOSS
            + int(_box_px(font_size)))


def _controls_px(font_size: int, rows: int) -> int:
    return _axis_room(font_size) + rows * _slider_room(font_size) + 16


def _box_px(font_size: int) -> float:
    return 3 * 1.3 * (font_size + 1) + 16  # the numbers box: three lines


def domains(narrow: bool, plot_height: int = 400, font_size: int = 14,
            contour_px: int = 300, rows: int = 1) -> dict[str, tuple[list, list]]:
    """Where each part sits: side by side, or stacked on a phone (in pixels: the contour
    ``contour_px`` tall, the loss and the numbers box under it, each clear of the last's ticks and
    title). Side by side the numbers box is sized in pixels (its three lines) and the loss plot
    starts above it by its tick labels and its "step" title, so neither covers the other at any
    height or font size."""
    box = min(0.3, _box_px(font_size) / plot_height)
    if narrow:
        top = 1 - contour_px / plot_height
        loss_top = top - _controls_px(font_size, rows) / plot_height  # the sliders under the contour
        loss_bottom = box + (3.4 * font_size + 30) / plot_height  # its step labels and title
        return {"contour": ([0, 1], [top, 1]), "loss": ([0.15, 1], [loss_bottom, loss_top]),
                "numbers": ([0, 1], [0, box])}
    loss_bottom = box + (5 * font_size + 24) / plot_height
    return {"contour": ([0, CONTOUR_WIDTH], [0, 1]), "loss": ([CONTOUR_WIDTH + 0.1, 1], [loss_bottom, 1]),
            "numbers": ([CONTOUR_WIDTH + 0.06, 1], [0, box])}


def _layout(surface, png, loss_axis, height, font_size, rows, narrow=False) -> dict:
    (x0, x1), (y0, y1) = surface.bounds
    where = domains(narrow, height - TOP - _bottom(font_size, rows, narrow), font_size, contour.narrow_height(surface),
                    rows)
    axis = {"showgrid": False, "zeroline": False, "ticks": "outside", "mirror": True, "linecolor": "#666"}
    square = {"scaleanchor": "x", "scaleratio": 1} if 1 / 3 <= (x1 - x0) / (y1 - y0) <= 3 else {}
    hidden = {"visible": False, "range": [0, 1], "fixedrange": True}
    return {
        "height": height, "margin": {"l": 55, "r": 10, "t": TOP, "b": _bottom(font_size, rows, narrow)},
        "font": {"size": font_size}, "showlegend": False, "hovermode": "closest", "dragmode": "pan",
        "xaxis": {**axis, "domain": where["contour"][0], "range": [x0, x1], "constrain": "domain",
                  "title": {"text": surface.labels[0], "standoff": 2}},
        "yaxis": {**axis, "domain": where["contour"][1], "range": [y0, y1], "constrain": "domain", **square,
                  "title": {"text": surface.labels[1], "standoff": 2}},
        "images": [{"source": png, "xref": "x", "yref": "y", "x": x0, "y": y1, "sizex": x1 - x0, "sizey": y1 - y0,
                    "sizing": "stretch", "layer": "below", "xanchor": "left", "yanchor": "top"}],
        "xaxis2": {**curves.step_axis(), "domain": where["loss"][0], "anchor": "y2"},
        "yaxis2": {**loss_axis, "domain": where["loss"][1], "anchor": "x2"},
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
        axis.update(curves.log_ticks(10 ** axis["range"][0], 10 ** axis["range"][1], labels=5))
    else:
        low = float(finite.min()) if finite.size else -top
        axis["range"] = [low - 0.05 * (top - low), top]
    return axis


def _axis_room(font_size: int) -> int:
    return 2 * font_size + 16  # the contour's tick labels and title, above the sliders


def _slider_room(font_size: int) -> int:
    return 2 * font_size + 40  # a slider's current value, bar and tick labels


def _bottom(font_size: int, rows: int, narrow: bool = False) -> int:
    if narrow:
        return 10  # a phone's sliders hang under the contour
    return _axis_room(font_size) + rows * _slider_room(font_size)


def _sliders(grid, at, font_size, knob_label, plot_height, top: float = 0) -> list[dict]:
    """The rate's slider, and the knob's under it: ``method: "skip"`` (lab.js does the redrawing)."""
    j, i = at
    below = _axis_room(font_size) / plot_height  # paper units: sliders hang below the plot
    row = _slider_room(font_size) / plot_height
    common = {"x": 0, "len": 1.0, "yanchor": "top", "font": {"size": max(font_size - 3, 10), "color": "#cccccc"},
              "ticklen": 3, "minorticklen": 0, "bgcolor": "#555555", "activebgcolor": "#ff5a36",
              "bordercolor": "#888888", "pad": {"t": 0, "l": 0, "r": 10}}
    # plotly.js labels every n-th stop from the first, so the last rate could go unlabelled: its
    # labels are hidden (the current value still shows the stop's) and rate_labels writes them
    sliders = [{**common, "name": "lr", "active": int(i), "y": top - below,
                "font": {**common["font"], "color": player_layout.HIDDEN},
                "currentvalue": _value("learning rate η = ", font_size),
                "steps": [{"label": f"{lr:.3g}", "method": "skip", "args": [None]} for lr in grid.lrs]}]
    if knob_label:
        sliders.append({**common, "name": "knob", "active": int(j), "y": top - below - row,
                        "currentvalue": _value(f"{knob_label} = ", font_size),
                        "steps": [{"label": f"{b:g}", "method": "skip", "args": [None]} for b in grid.betas]})
    return sliders


def rate_labels(lrs, y: float, font_size: int, narrow: bool) -> list[dict]:
    """The rate slider's labels as annotations under its ticks: round rates (1, 2, 5 × 10ᵏ, or
    only powers of ten when those would crowd it; at most 4 on a phone, 8 else) where they fall on
    the log-spaced stops, and always the last stop's rate. ``y``: the slider's (paper units)."""
    lrs = np.asarray(lrs, dtype=float)
    most, n = (4 if narrow else 8), len(lrs)
    decades = range(int(np.floor(np.log10(lrs[0]))), int(np.ceil(np.log10(lrs[-1]))) + 1)
    round_rates = []
    for mantissas in ((1, 2, 5), (1,)):
        round_rates = [m * 10.0**e for e in decades for m in mantissas if lrs[0] <= m * 10.0**e <= lrs[-1]]
        if len(round_rates) < most:
            break
    where = lambda v: float(np.interp(np.log(v), np.log(lrs), np.arange(n))) / max(n - 1, 1)  # noqa: E731
    apart = (0.14 if narrow else 0.07)  # of the rail: a label's width
    marks = [(where(v), f"{v:g}") for v in round_rates if where(v) <= 1 - apart] + [(1.0, f"{lrs[-1]:.3g}")]
    top = int(1.2 * font_size) + 4 + 25 + 4 + 2  # under the current value, the rail and its ticks
    right = 10  # the slider's right pad
    return [{"xref": "paper", "yref": "paper", "x": t, "y": y, "xanchor": "center", "yanchor": "top",
             "xshift": player_layout.STEP_INSET * (1 - t) - t * (right + player_layout.STEP_INSET), "yshift": -top,
             "text": text, "showarrow": False, "font": {"size": max(font_size - 3, 10)}, "name": "rate label"}
            for t, text in marks]


def _value(prefix: str, font_size: int) -> dict:
    return {"visible": True, "prefix": prefix, "xanchor": "left", "offset": 4,
            "font": {"size": font_size, "color": "#f4f4f4"}}

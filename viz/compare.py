"""Whole runs side by side: the learning-rate lab's three regimes, and a schedule beside the constant
rate it starts from. Still pictures (the point is to compare the ends and the shapes, not to watch);
on a phone the loss (and the rates) go under the contour."""

from __future__ import annotations

import numpy as np

from viz import contour, curves, fidelity, player
from viz.encode import f4
from viz.lab import CONTOUR_WIDTH, NARROW_LOSS, loss32


def side_by_side(surface, layer, lanes: list[player.Lane], *, with_schedule: bool = False, font_size: int = 14,
                 height: int = 470, narrow: bool = False) -> dict:
    """Whole runs from one start on the contour, their losses on one plot (and their rates under it):
    still, since the point is to compare the ends and the shapes, not to watch. ``narrow`` (a phone):
    the loss (and the rates) under the contour, the figure at least :data:`NARROW_SIDE_HEIGHT` tall."""
    g, png, lines = layer
    traces = [*contour.static_traces(surface, g, lines), player.start_trace(lanes[0].points[0])]
    for lane in lanes:
        path = fidelity.draw(lane.points, surface.bounds)
        traces.append({"type": "scatter", "mode": "lines", "x": f4(path.xy[:, 0]), "y": f4(path.xy[:, 1]),
                       "name": lane.label, "line": {"color": lane.color, "width": lane.width}, "showlegend": True,
                       "legendgroup": lane.label,
                       "hovertemplate": f"{lane.label}<br>(%{{x:.4g}}, %{{y:.4g}})<extra></extra>"})
        traces.append(player.end_trace(lane))
        if path.exit is not None:
            traces.append({**player.exit_trace(lane.label, lane.color, path), "legendgroup": lane.label})
        traces.append({**curves.line(loss32(lane.losses), lane.color, lane.label, "loss", "x2", "y2"),
                       "legendgroup": lane.label})
        if with_schedule:
            traces.append({**curves.line(lane.lrs, lane.color, lane.label, "η", "x3", "y3", shape="hv"),
                           "legendgroup": lane.label})
    if narrow:  # the contour, its ticks and title, the loss (and the rates), the legend
        height = (contour.narrow_height(surface) + int(2.4 * font_size + 24) + NARROW_LOSS + 30
                  + (150 if with_schedule else 0) + _side_bottom(font_size, narrow) + 10)
    layout = _side_layout(surface, png, lanes, with_schedule, height, font_size, narrow)
    return {"data": traces, "layout": layout}


def _side_bottom(font_size: int, narrow: bool) -> int:
    """The legend's room at the foot, under the axes' titles ("x", "step"): a row a run on a phone
    (the "known minimum" star's too), two rows else."""
    return int(2.4 * font_size + 14 + (4 if narrow else 2) * (1.4 * font_size + 6) + 8)


def side_domains(with_schedule: bool, narrow: bool, plot_height: int, font_size: int,
                 contour_px: int = 300) -> dict[str, list]:
    """The y domains of the contour, the loss and the rates. Stacked on a phone, in pixels: the contour
    on top, under it room for its tick labels and title, then the loss (and the rates, under the
    loss's step labels)."""
    if not narrow:
        return {"contour": [0, 1], "loss": [0.45, 1] if with_schedule else [0, 1], "lr": [0, 0.3]}
    contour = min(contour_px / plot_height, 0.6)
    below = contour + (2.4 * font_size + 24) / plot_height  # the contour's x ticks and title
    if not with_schedule:
        return {"contour": [1 - contour, 1], "loss": [0, 1 - below], "lr": [0, 0]}
    split = 0.35 * (1 - below)
    return {"contour": [1 - contour, 1], "loss": [split + (2.4 * font_size + 16) / plot_height, 1 - below],
            "lr": [0, split]}


def _side_layout(surface, png, lanes, with_schedule, height, font_size, narrow=False) -> dict:
    (x0, x1), (y0, y1) = surface.bounds
    axis = {"showgrid": False, "zeroline": False, "ticks": "outside", "mirror": True, "linecolor": "#666"}
    square = {"scaleanchor": "x", "scaleratio": 1} if 1 / 3 <= (x1 - x0) / (y1 - y0) <= 3 else {}
    right = [0.1, 1] if narrow else [CONTOUR_WIDTH + 0.1, 1]
    losses = np.concatenate([lane.losses for lane in lanes])
    # the legend at the figure's foot, under the axes' titles ("x", "step") with room for its rows
    # (three on a phone, one a run): it never overprints them
    bottom = _side_bottom(font_size, narrow)
    where = side_domains(with_schedule, narrow, height - 10 - bottom, font_size, contour.narrow_height(surface))
    layout = {
        "height": height, "margin": {"l": 55, "r": 10, "t": 10, "b": bottom}, "font": {"size": font_size},
        "hovermode": "closest", "dragmode": "pan", "showlegend": True,
        "legend": {"orientation": "h", "x": 0, "xref": "container", "y": 0, "yref": "container",
                   "yanchor": "bottom", "font": {"size": font_size}},
        "xaxis": {**axis, "domain": [0, 1 if narrow else CONTOUR_WIDTH], "range": [x0, x1], "constrain": "domain",
                  "title": {"text": surface.labels[0], "standoff": 2}},
        "yaxis": {**axis, "domain": where["contour"], "range": [y0, y1], "constrain": "domain", **square,
                  "title": {"text": surface.labels[1], "standoff": 2}},
        "images": [{"source": png, "xref": "x", "yref": "y", "x": x0, "y": y1, "sizex": x1 - x0, "sizey": y1 - y0,
                    "sizing": "stretch", "layer": "below", "xanchor": "left", "yanchor": "top"}],
        "xaxis2": {**curves.step_axis(), "domain": right, "anchor": "y2"},
        "yaxis2": {**curves.value_axis(losses, "loss", labels=4), "domain": where["loss"], "anchor": "x2"},
    }
    if with_schedule:
        layout["xaxis3"] = {**curves.step_axis(), "domain": right, "anchor": "y3"}
        layout["yaxis3"] = {**curves.value_axis(np.concatenate([lane.lrs for lane in lanes]), "η", log=False),
                            "domain": where["lr"], "anchor": "x3"}
    return layout

"""The race page's figures: every racer's path in its own colour, moving together."""

from __future__ import annotations

import numpy as np

import optim
from viz import contour, curves, surface3d
from viz.encode import f4


def color(name: str) -> str:
    """Each rule's own colour (its declaration), the same on every chart."""
    return optim.rule(name).color


def lane_traces(name: str, label: str, points: np.ndarray, k: int, stride: int) -> list[dict]:
    color = optim.rule(name).color
    so_far = np.vstack([points[: k + 1 : stride], points[k : k + 1]])
    return [
        {"type": "scatter", "mode": "lines", "x": f4(so_far[:, 0]), "y": f4(so_far[:, 1]), "name": label,
         "legendgroup": name, "line": {"color": color, "width": 3}, "hoverinfo": "skip"},
        {"type": "scatter", "mode": "markers", "x": f4(points[k : k + 1, 0]), "y": f4(points[k : k + 1, 1]),
         "legendgroup": name, "showlegend": False, "name": label,
         "marker": {"size": 12, "color": color, "line": {"color": "#222", "width": 2}},
         "hovertemplate": label + " (%{x:.4g}, %{y:.4g})<extra></extra>"},
    ]


def figures(surface, layer, lanes, k: int, with_schedule: bool, font_size: int = 14, wide: bool = False) -> dict:
    """The race's contour, 3D view and curves; each lane labelled with its rule's title."""
    labels = [optim.rule(lane.name).title for lane in lanes]
    g, png, lines = layer
    steps = len(lanes[0].trajectory.points) - 1
    stride = contour.path_stride(steps, len(lanes))

    def moving(s):
        return [t for lane, label in zip(lanes, labels, strict=True)
                for t in lane_traces(lane.name, label, lane.trajectory.points, s, stride)]

    wholes = [contour.whole_path_trace(lane.trajectory.points, color(lane.name), f"{label}, whole path")
              for lane, label in zip(lanes, labels, strict=True)]
    start = contour.start_trace(lanes[0].trajectory.points[0])
    paths = [(lane.trajectory.points, color(lane.name), label) for lane, label in zip(lanes, labels, strict=True)]
    series = [(lane.trajectory.losses, color(lane.name), label) for lane, label in zip(lanes, labels, strict=True)]
    out = {
        "contour": contour.animated_figure(surface, g, png, lines, [*wholes, start], moving, steps, k,
                                           font_size=font_size, wide=wide),
        "surface3d": surface3d.surface_figure(surface, g, paths, k, font_size=font_size),
        "loss": curves.loss_figure(series, k, font_size=font_size),
    }
    if with_schedule:
        out["lrs"] = curves.lr_figure([(np.ravel(lane.trajectory.lrs), color(lane.name), label)
                                       for lane, label in zip(lanes, labels, strict=True)], k, font_size=font_size)
    return out

"""The batches page's figures: full batch, SGD and a mini-batch on one contour with the data and each
fit beside it, moving on one clock; and the cloud of mini-batch gradients at the inspected point."""

from __future__ import annotations

import numpy as np

from optim import batches
from viz import player
from viz.encode import f4

UNITS = {"epochs": "samples seen", "updates": "update"}


def lanes_of(runs, equal: str, index=None) -> list[player.Lane]:
    """Each run on the common clock (``index``: each run's point at every tick, from
    :func:`optim.batches.timeline`): a run that updates less often holds its point between updates."""
    index = batches.timeline(runs, equal)[1] if index is None else index
    out = []
    for i, (run, at) in enumerate(zip(runs, index, strict=True)):
        t = run.trajectory
        lrs = np.ravel(t.lrs)[np.minimum(at[:-1], t.steps - 1)]  # the rate of the update each tick is in
        out.append(player.Lane(run.label, run.flavour.color, run.flavour.symbol, 3.0 + 2.0 * (len(runs) - 1 - i),
                               t.points[at], t.losses[at], lrs))
    return out


def data_panel(model, lanes: list[player.Lane]) -> player.DataPanel:
    """The samples, and each lane's model at each of its points (a line needs two ends, a curve more)."""
    grid = np.linspace(np.min(model.x), np.max(model.x), 2 if model.kind == "line" else 25)  # a spline through 25
    fits = [model.predict(lane.points, grid) for lane in lanes]
    return player.DataPanel(model.x, model.y, grid, fits, (model.x_label, model.y_label))


def texts(runs, lanes, index, equal: str, shown) -> dict[int, str]:
    """The numbers panel at each shown tick: each run's loss and its count of updates (or samples)."""
    out = {}
    for s in np.asarray(shown).tolist():
        lines = []  # the scrubber says where the clock is
        for run, lane, at in zip(runs, lanes, index, strict=True):
            loss = lane.losses[s]
            done = int(at[s])
            count = (f"{done} update{'s' * (done != 1)}" if equal == "epochs"
                     else f"{int(run.samples[min(done, len(run.samples) - 1)])} samples")
            value = f"loss {loss:.4g}" if np.isfinite(loss) else "left the surface"
            lines.append(f"<span style='color:{lane.color}'>━━</span> {lane.label}: {value} · {count}")
        out[s] = "<br>".join(lines)
    return out


def picture(surface, layer, runs, equal: str, k: int, font_size: int = 14, height: int = 560,
            narrow: bool = False) -> dict:
    _, index = batches.timeline(runs, equal)
    lanes = lanes_of(runs, equal, index)
    shown = player.frame_steps(len(lanes[0].points) - 1)
    fig = player.figure(surface, layer, lanes, k, font_size=font_size, height=height, narrow=narrow,
                        data=data_panel(surface.model, lanes), unit=UNITS[equal],
                        texts=texts(runs, lanes, index, equal, shown))
    loss_axis = fig["layout"]["yaxis2"]
    loss_axis["title"]["text"] = loss_axis["title"]["text"].replace(" scale", "")
    if loss_axis.get("type") == "log":  # a short panel: 1, 2, 5 of each decade, written out in full
        losses = np.concatenate([lane.losses for lane in lanes])
        loss_axis.pop("dtick", None)
        loss_axis["tickvals"] = round_ticks(losses)
        loss_axis["ticktext"] = [f"{v:g}" for v in loss_axis["tickvals"]]
    return fig


def round_ticks(values) -> list[float]:
    """1, 2 and 5 times the powers of ten within the finite positive values' range (at least two)."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v) & (v > 0)]
    low, high = float(v.min()), float(v.max())
    ticks = [m * 10.0**e for e in range(int(np.floor(np.log10(low))), int(np.ceil(np.log10(high))) + 1)
             for m in (1, 2, 5)]
    inside = [float(f"{t:.3g}") for t in ticks if low <= t <= high]
    if len(inside) >= 2:
        return inside if len(inside) <= 6 else inside[::3] or inside
    return [float(f"{low:.2g}"), float(f"{high:.2g}")]


def cloud_figure(surface, clouds: list, colors: list[str], font_size: int = 14, height: int = 420) -> dict:
    """Mini-batch gradients at one point, one colour per batch size, around the full gradient."""
    traces = []
    for c, color in zip(clouds, colors, strict=True):
        label = f"batch {c.batch_size}: spread {c.spread:.3g}"
        traces.append({"type": "scatter", "mode": "markers", "x": f4(c.draws[:, 0]), "y": f4(c.draws[:, 1]),
                       "name": label, "marker": {"size": 6, "color": color, "opacity": 0.55},
                       "hovertemplate": f"batch of {c.batch_size}<br>∂L/∂w %{{x:.4g}}<br>∂L/∂b %{{y:.4g}}<extra></extra>"})
    full = clouds[0].full
    traces.append({"type": "scatter", "mode": "markers", "x": [float(full[0])], "y": [float(full[1])],
                   "name": "the full gradient", "marker": {"size": 16, "symbol": "x", "color": "#FFFFFF",
                                                            "line": {"color": "#000000", "width": 2}},
                   "hovertemplate": "full gradient<br>∂L/∂w %{x:.4g}<br>∂L/∂b %{y:.4g}<extra></extra>"})
    w, b = surface.labels
    return {"data": traces, "layout": {
        "height": height, "font": {"size": font_size}, "margin": _margin(font_size, 2), "plot_bgcolor": "#2b2b2b",
        "xaxis": {"title": {"text": f"∂L/∂{w}"}, "gridcolor": "#555", "zeroline": True, "zerolinecolor": "#888",
                  "automargin": True},
        "yaxis": {"title": {"text": f"∂L/∂{b}"}, "gridcolor": "#555", "zeroline": True, "zerolinecolor": "#888",
                  "scaleanchor": "x", "scaleratio": 1, "automargin": True},
        "legend": _legend(),
    }}


def _margin(font_size: int, rows: int) -> dict:
    """Room at the foot for the x axis's labels and title, then ``rows`` of the legend under them."""
    return {"l": 60, "r": 10, "t": 10, "b": int(2.4 * font_size + 14 + rows * (1.4 * font_size + 6) + 6)}


def _legend() -> dict:
    """A horizontal legend at the figure's foot, under the x axis's title (never over it)."""
    return {"orientation": "h", "x": 0, "xref": "container", "y": 0, "yref": "container", "yanchor": "bottom"}


def spread_figure(sizes, measured, predicted, chosen: int, color: str, font_size: int = 14,
                  height: int = 260) -> dict:
    """The spread against the batch size (log–log): measured dots on the 1/√b-like curve theory draws."""
    sizes = np.asarray(sizes)
    keep = predicted > 0  # the full batch has none (theory's 0; measured, rounding): off a log axis
    return {"data": [
        {"type": "scatter", "mode": "lines", "x": f4(sizes[keep]), "y": f4(predicted[keep]), "name": "sampling theory",
         "line": {"color": "#9a9a9a", "width": 2, "dash": "dot"}, "hovertemplate": "b %{x}: %{y:.3g}<extra>theory</extra>"},
        {"type": "scatter", "mode": "markers", "x": f4(sizes[keep]), "y": f4(measured[keep]), "name": "measured",
         "marker": {"size": 9, "color": [color if b == chosen else "#cccccc" for b in sizes[keep]],
                    "line": {"color": "#000000", "width": 1}},
         "hovertemplate": "b %{x}: %{y:.3g}<extra>measured</extra>"},
    ], "layout": {
        "height": height, "font": {"size": font_size}, "margin": _margin(font_size, 1),
        "plot_bgcolor": "#2b2b2b", "showlegend": True, "legend": _legend(),
        "xaxis": {"type": "log", "title": {"text": "batch size b"}, "gridcolor": "#555", **_ticks(sizes[keep]),
                  "automargin": True},
        "yaxis": {"type": "log", "title": {"text": "spread"}, "gridcolor": "#555", "automargin": True,
                  **_ticks(np.concatenate([measured[keep], predicted[keep]]))},
    }}


def _ticks(values) -> dict:
    """A log axis labelled in full at 1, 2, 5 of each decade (plotly writes 0.5 as a bare 5)."""
    ticks = round_ticks(values)
    return {"tickvals": ticks, "ticktext": [f"{t:g}" for t in ticks]}

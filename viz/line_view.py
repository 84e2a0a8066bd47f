"""The learning-rate lab's line view: the ball's steps on a one-dimensional curve f(x), one panel per
run, beside every run's loss, in the palette of :mod:`viz.theme` that :mod:`viz.rates` shares."""

from __future__ import annotations

import numpy as np

from optim.summary import view_words
from viz.encode import FLOOR, f4, rounded
from viz.theme import NEUTRAL, ZONE_COLORS

CURVE_POINTS = 400


NARROW_ROW = 210  # a phone's panel, in pixels: its title, plot and tick labels


def line_figure(surface, runs: list[tuple], *, font_size: int = 14, height: int = 380, narrow: bool = False) -> dict:
    """One panel per run, side by side (stacked on a phone: ``narrow``): the curve f(x) with the
    ball's steps on it (each step joined to the next by a straight segment: the zig-zag of
    overshooting; start and end larger), then a last panel with every run's loss against the step on a log axis.

    A run is ``(label, colour, xs, losses)`` or ``(label, colour, xs, losses, lr)``: ``xs`` and
    ``losses`` of shape ``(steps + 1,)``, NaN after a divergence; with ``lr`` the panel's title is
    "label: lr = …", else the label alone. A panel shows the surface's x-bounds, widened to the run's
    points up to three times the bounds' width (beyond that the view is clipped and a note says so).
    """
    n = len(runs) + 1
    gap = 0.05
    width = (1 - gap * (n - 1)) / n
    traces, annotations, layout = [], [], {}
    if narrow:
        height = n * NARROW_ROW + 40
    rows = _rows(n, height - 34 - font_size - 50, font_size)
    for i, run in enumerate(runs):
        label, color, xs = run[0], run[1], np.asarray(run[2], dtype=float)
        title = f"{label}: lr = {run[4]:.3g}" if len(run) > 4 else label
        ref, domain = ("" if i == 0 else str(i + 1)), [i * (width + gap), i * (width + gap) + width]
        panel, view, notes = _ball_panel(surface, xs, color, f"x{ref}", f"y{ref}")
        traces += panel
        layout[f"xaxis{ref}"] = {"domain": [0, 1] if narrow else domain, "range": list(view[0]), "anchor": f"y{ref}",
                                 "zeroline": False, "automargin": True,
                                 **({} if narrow else {"title": {"text": surface.labels[0]}})}
        layout[f"yaxis{ref}"] = {"range": list(view[1]), "anchor": f"x{ref}", "zeroline": False, "automargin": True,
                                 **({"title": {"text": "f(x)"}} if i == 0 or narrow else {}),
                                 **({"domain": rows[i]} if narrow else {})}
        annotations.append(_panel_title(title, f"x{ref}", color, font_size, f"y{ref}" if narrow else None))
        if notes:
            annotations.append({"xref": f"x{ref} domain", "yref": f"y{ref} domain", "x": 0.5, "y": 0.98,
                                "xanchor": "center", "yanchor": "top", "showarrow": False, "text": "<br>".join(notes),
                                "font": {"size": max(font_size - 2, 11), "color": ZONE_COLORS["diverge"]}})
    ref = str(n)
    loss_traces, loss_title, floor_note = _loss_panel(surface, runs, f"x{ref}", f"y{ref}")
    traces += loss_traces
    layout[f"xaxis{ref}"] = {"domain": [0, 1] if narrow else [1 - width, 1], "anchor": f"y{ref}",
                             "title": {"text": "step"}, "rangemode": "tozero", "automargin": True, "zeroline": False}
    # its ticks on the right, where the margin grows to fit them (between panels nothing would)
    layout[f"yaxis{ref}"] = {"type": "log", "anchor": f"x{ref}", "title": {"text": loss_title},
                             "side": "left" if narrow else "right", "exponentformat": "power", "automargin": True,
                             "zeroline": False, **({"domain": rows[-1]} if narrow else {})}
    annotations.append(_panel_title("loss, every run", f"x{ref}", None, font_size, f"y{ref}" if narrow else None))
    if floor_note:
        annotations.append({"xref": f"x{ref} domain", "yref": f"y{ref} domain", "x": 1, "y": 0, "xanchor": "right",
                            "yanchor": "bottom", "showarrow": False, "text": floor_note,
                            "font": {"size": max(font_size - 3, 10), "color": NEUTRAL}})
    layout.update({"height": height, "font": {"size": font_size}, "annotations": annotations, "showlegend": False,
                   "margin": {"l": 60, "r": 20, "t": 34 + font_size, "b": 50}, "hovermode": "closest"})
    return {"data": traces, "layout": layout}


def _rows(n: int, plot_height: float, font_size: int) -> list[list[float]]:
    """A phone's panels, top to bottom: the y domain of each, clear of the next one's title and of
    its own tick labels (the last's "step" title is in the margin)."""
    room = (2.6 * font_size + 22) / max(plot_height, 1)  # tick labels, then the next panel's title
    tall = (1 - room * (n - 1)) / n
    return [[1 - i * (tall + room) - tall, 1 - i * (tall + room)] for i in range(n)]


def _panel_title(text, xref, color, font_size, yref: str | None = None) -> dict:
    """A panel's name above it (``yref``: its own y axis, when panels are stacked)."""
    return {"xref": f"{xref} domain", "yref": f"{yref} domain" if yref else "paper", "x": 0.5, "y": 1,
            "yanchor": "bottom", "yshift": 6,
            "xanchor": "center", "showarrow": False, "text": f"<b>{text}</b>",
            "font": {"size": font_size, **({"color": color} if color else {})}}


def _f(surface, xs):
    xs = np.asarray(xs, dtype=float)
    return surface.loss(np.stack([xs, np.zeros_like(xs)], axis=-1))


def _ball_panel(surface, xs, color, xref, yref):
    """The curve, the path along it and the ball's positions; the view; notes for the panel."""
    (b0, b1), _ = surface.bounds
    centre, half = (b0 + b1) / 2, (b1 - b0) / 2
    finite = np.isfinite(xs)
    last = int(np.flatnonzero(finite)[-1]) if finite.any() else -1
    seen = xs[: last + 1]
    # widen the bounds (evenly about their centre) to the points up to the first that flies beyond
    # three times their width: a diverging run's later points would flatten the curve to a line
    away = np.abs(seen - centre)
    beyond = np.flatnonzero(~(away <= 3 * half))
    reach = away[: beyond[0] if len(beyond) else len(seen)]
    half = max(half, float(reach.max(initial=0.0)))
    lo, hi = centre - half, centre + half
    pad = 0.04 * (hi - lo)
    x_view = (float(lo - pad), float(hi + pad))
    curve_x = np.linspace(*x_view, CURVE_POINTS)
    with np.errstate(all="ignore"):
        curve_y, ys = _f(surface, curve_x), _f(surface, seen)
    y_pad = 0.06 * (curve_y.max() - curve_y.min() or 1.0)
    y_view = (float(curve_y.min() - y_pad), float(curve_y.max() + y_pad))
    inside = (seen >= x_view[0]) & (seen <= x_view[1]) & np.isfinite(ys)
    left = int(np.argmin(inside)) if not inside.all() else -1
    notes = [words] if (words := view_words(left, last if last < len(xs) - 1 else -1)) else []
    k = np.flatnonzero(inside)
    px, py = _clipped_path(seen, ys, x_view, y_view)
    exits = _clip(seen[left - 1], ys[left - 1], seen[left], ys[left], x_view, y_view) if left > 0 else None
    hover = "step %{customdata}<br>x = %{x:.4g}<br>f(x) = %{y:.4g}<extra></extra>"
    same = last > 0 and abs(seen[last] - seen[0]) <= 1e-9 * (hi - lo)  # back where it started (lr = 2/L)
    ends = [j for j in dict.fromkeys((0, last)) if j >= 0 and inside[j] and not (same and j == last)]
    names = {0: "start = end" if same else "start", last: "end"}
    return [
        {"type": "scatter", "mode": "lines", "x": f4(curve_x), "y": f4(curve_y), "xaxis": xref, "yaxis": yref,
         "line": {"color": NEUTRAL, "width": 2}, "hoverinfo": "skip", "name": "f(x)"},
        {"type": "scatter", "mode": "lines", "x": f4(px), "y": f4(py), "xaxis": xref, "yaxis": yref,
         "line": {"color": color, "width": 1.5}, "opacity": 0.8, "hoverinfo": "skip", "name": "path"},
        {"type": "scatter", "mode": "markers", "x": f4(seen[k]), "y": f4(ys[k]), "xaxis": xref, "yaxis": yref,
         "customdata": k.tolist(), "hovertemplate": hover, "name": "steps",
         "marker": {"size": 7, "color": color, "line": {"width": 0}}},
        {"type": "scatter", "mode": "markers+text", "x": f4(seen[ends]), "y": f4(ys[ends]), "xaxis": xref, "yaxis": yref,
         "customdata": ends, "hovertemplate": hover, "name": "start and end", "cliponaxis": False,
         "text": [names[j] for j in ends], "textposition": "top center",
         "marker": {"size": 14, "color": ["#ffffff" if j == 0 else color for j in ends],
                    "line": {"color": color, "width": 2.5}}},
        {"type": "scatter", "mode": "markers", "x": [exits[1][0]] if exits else [], "y": [exits[1][1]] if exits else [],
         "xaxis": xref, "yaxis": yref, "name": "left the view", "cliponaxis": False, "hoverinfo": "skip",
         "marker": {"symbol": "x-thin", "size": 14, "line": {"width": 3, "color": color}}},
    ], (x_view, y_view), notes


def _clipped_path(xs, ys, x_view, y_view):
    """The polyline through (xs, ys), each segment cut to the view (Liang–Barsky), NaN where it breaks:
    a segment that leaves shows where it went, without a number float32 cannot hold."""
    out_x, out_y = [], []
    for a in range(len(xs) - 1):
        seg = _clip(xs[a], ys[a], xs[a + 1], ys[a + 1], x_view, y_view)
        if seg is None:
            if out_x and not np.isnan(out_x[-1]):
                out_x.append(np.nan)
                out_y.append(np.nan)
            continue
        (x0, y0), (x1, y1) = seg
        if not out_x or np.isnan(out_x[-1]) or (out_x[-1], out_y[-1]) != (x0, y0):
            out_x += [x0]
            out_y += [y0]
        out_x += [x1]
        out_y += [y1]
    return np.array(out_x, dtype=float), np.array(out_y, dtype=float)


def _clip(x0, y0, x1, y1, x_view, y_view):
    if not np.all(np.isfinite([x0, y0, x1, y1])):
        return None
    t0, t1, dx, dy = 0.0, 1.0, x1 - x0, y1 - y0
    for p, q in ((-dx, x0 - x_view[0]), (dx, x_view[1] - x0), (-dy, y0 - y_view[0]), (dy, y_view[1] - y0)):
        if p == 0:
            if q < 0:
                return None
            continue
        t = q / p
        if p < 0:
            t0 = max(t0, t)
        else:
            t1 = min(t1, t)
    if t0 > t1:
        return None
    return (x0 + t0 * dx, y0 + t0 * dy), (x0 + t1 * dx, y0 + t1 * dy)


def _loss_panel(surface, runs, xref, yref):
    minima = np.asarray(surface.minima, dtype=float).reshape(-1, 2)
    every = np.concatenate([np.asarray(r[3], dtype=float) for r in runs]) if runs else np.array([])
    f_min = float(np.min(surface.loss(minima))) if len(minima) else float(np.nanmin(every, initial=0.0))
    gaps = [np.asarray(r[3], dtype=float) - f_min for r in runs]
    finite = np.concatenate([g[np.isfinite(g)] for g in gaps]) if gaps else np.array([1.0])
    starts = [g[0] for g in gaps if len(g) and np.isfinite(g[0]) and g[0] > 0]
    floor = max(max(starts, default=float(finite.max(initial=1.0))) * FLOOR, 1e-300)  # a gap 1e-16 of the start's
    clipped = any((g[np.isfinite(g)] < floor).any() for g in gaps)
    title = ("loss" if f_min == 0 else "loss − min loss") + " (log scale)"
    traces = []
    for run, gap in zip(runs, gaps, strict=True):
        label, color = run[0], run[1]
        y = np.where(np.isfinite(gap), np.maximum(gap, floor), np.nan)
        traces.append({"type": "scatter", "mode": "lines", "x": f4(np.arange(len(y))), "y": rounded(y), "name": label,
                       "xaxis": xref, "yaxis": yref, "line": {"color": color, "width": 2.5},
                       "hovertemplate": f"{label}<br>step %{{x}}<br>loss %{{y:.3g}}<extra></extra>"})
        last = np.flatnonzero(np.isfinite(gap))
        if len(last) and last[-1] < len(gap) - 1:
            k = int(last[-1])
            traces.append({"type": "scatter", "mode": "markers", "x": [k], "y": rounded([y[k]]), "xaxis": xref,
                           "yaxis": yref, "name": f"{label}: diverged", "cliponaxis": False,
                           "marker": {"symbol": "x-thin", "size": 12, "line": {"width": 2.5, "color": color}},
                           "hovertemplate": f"{label}<br>diverged at step {k}<extra></extra>"})
    return traces, title, (f"values below {floor:.0e}<br>drawn at {floor:.0e}" if clipped else "")

"""Loss and learning-rate curves, one line per run, with the inspected step marked."""

from __future__ import annotations

import numpy as np

from viz.encode import f4

GRID = "#4a4a4a"


def loss_figure(series, k: int, *, height: int = 340, font_size: int = 14) -> dict:
    """``series``: ``(losses, colour, label)`` per run. Log y when every value is positive (so
    losses that go negative, like the saddle's, stay on a linear axis)."""
    traces = []
    for losses, color, label in series:
        y = float(losses[k]) if np.isfinite(losses[k]) else None
        traces += [{**line(losses, color, label, "loss"), "showlegend": len(series) > 1},
                   {**marker_style(color), "x": [int(k)], "y": [y]}]
    layout = _layout("loss", False, height, font_size, k, legend=len(series) > 1)
    layout["yaxis"].update(value_axis(np.concatenate([s[0] for s in series]), "loss"))
    return {"data": traces, "layout": layout}


def value_axis(values, title: str, log: bool | None = None, labels: int = 6) -> dict:
    """A y axis for ``values``: log when every finite value is positive (unless ``log`` says), and
    always labelled, with at most ``labels`` labels on a log axis (see :func:`log_ticks`)."""
    finite = np.asarray(values, dtype=float)
    finite = finite[np.isfinite(finite)]
    if log is None:
        log = finite.size > 0 and finite.min() > 0
    # "(log)", short: a short plot must hold its title
    axis = {"title": {"text": title + (" (log)" if log else "")}, "type": "log" if log else "linear",
            "exponentformat": "power", "gridcolor": GRID, "automargin": True, "zeroline": False}
    if log and finite.size:
        # plotly pads an autoranged log axis by a few percent of its decades: label what it may show
        pad = max(0.05 * float(np.log10(finite.max() / finite.min())), 0.02)
        axis.update(log_ticks(finite.min() / 10**pad, finite.max() * 10**pad, labels))
    return axis


LOG_STEPS = ((1,), (1, 3), (1, 2, 5), (1, 1.5, 2, 3, 5, 7), (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 7, 8, 9))


def log_ticks(low: float, high: float, labels: int = 6) -> dict:
    """Ticks of a log axis from ``low`` to ``high``, each labelled with its whole value ("0.9", not
    plotly's lone digit "9"), at most ``labels`` of them so none overprints another: powers of ten
    (every n-th decade on a long range), or on a short one the densest of 1-3, 1-2-5, … that fits."""
    lo, hi = np.log10(low), np.log10(high)
    if hi - lo >= 1.5 or not np.isfinite(hi - lo):
        every = max(1, int(np.ceil((np.floor(hi) - np.ceil(lo) + 1) / labels)))
        exps = [e for e in range(int(np.ceil(lo)), int(np.floor(hi)) + 1) if e % every == 0]
        values = [10.0**e for e in exps]
    else:
        values = []
        for mantissas in LOG_STEPS:
            found = [m * 10.0**e for e in range(int(np.floor(lo)), int(np.ceil(hi)) + 1) for m in mantissas
                     if low <= m * 10.0**e <= high]
            if len(found) > labels:
                break
            values = found
            if len(found) >= 3:
                break
        if len(values) < 2:  # under a tenth of a decade: round steps, as on a linear axis
            raw = (high - low) / max(labels - 1, 2)
            unit = 10.0 ** np.floor(np.log10(raw))
            step = unit * next(m for m in (1, 2, 5, 10) if m * unit >= raw)
            values = [float(f"{v:.6g}") for v in np.arange(np.ceil(low / step), np.floor(high / step) + 1) * step]
    powers = all(abs(np.log10(v) - round(np.log10(v))) < 1e-9 for v in values) and len(values) > 1 and hi - lo >= 1.5
    return {"tickmode": "array", "tickvals": values, "ticktext": [tick_text(v, powers) for v in values]}


def tick_text(value: float, powers: bool = False) -> str:
    """A log axis's label: plain between 0.001 and 10 000 (1 and 10 only, when every label is a power
    of ten), else a power of ten (times its mantissa)."""
    exponent = int(np.floor(np.log10(value) + 1e-9))
    if (0 <= exponent <= 1) if powers else 1e-3 <= value < 1e4:
        return f"{value:.4g}"
    mantissa = value / 10.0**exponent
    power = f"10<sup>{str(exponent).replace('-', '−')}</sup>"
    return power if abs(mantissa - 1) < 1e-9 else f"{mantissa:.2g}×{power}"


def step_axis() -> dict:
    return {"title": {"text": "step"}, "rangemode": "tozero", "gridcolor": GRID, "automargin": True, "zeroline": False}


def line(values, color, label, what, xref="x", yref="y", shape="linear", x=None) -> dict:
    """One run's curve over the steps (or at the steps ``x``), on the axes ``xref``/``yref``."""
    x = np.arange(len(values)) if x is None else x
    return {"type": "scatter", "mode": "lines", "x": f4(x), "y": f4(values), "name": label,
            "xaxis": xref, "yaxis": yref, "line": {"color": color, "width": 2.5, "shape": shape},
            "hovertemplate": f"{label}<br>step %{{x}}<br>{what} %{{y:.4g}}<extra></extra>", "showlegend": False}


def cased(values, color, outline, label, what, xref="x", yref="y", shape="linear", dash="solid") -> list[dict]:
    """The curve over a thin outline, so a light colour still shows on a light page. A run that
    holds its value for a while (between its updates) is drawn from the ends of each flat stretch."""
    x = corners(values)
    under = line(values[x], outline, label, what, xref, yref, shape, x)
    under["line"]["width"] = 4.5
    under.update(hoverinfo="skip", opacity=0.5)
    under.pop("hovertemplate")
    over = line(values[x], color, label, what, xref, yref, shape, x)
    under["line"]["dash"] = over["line"]["dash"] = dash
    return [under, over]


def corners(values) -> np.ndarray:
    """The indices a polyline through ``values`` needs: the ends, and every point where it changes."""
    v = np.asarray(values, dtype=float)
    if len(v) < 3:
        return np.arange(len(v))
    same = (v[1:-1] == v[:-2]) & (v[1:-1] == v[2:])  # NaN never equals: gaps stay
    return np.flatnonzero(np.concatenate([[True], ~same, [True]]))


def marker_style(color, xref="x", yref="y") -> dict:
    """The marker that shows a curve's current step (frames move it)."""
    return {"type": "scatter", "mode": "markers", "xaxis": xref, "yaxis": yref, "showlegend": False,
            "hoverinfo": "skip", "marker": {"size": 11, "color": color, "line": {"color": "#000000", "width": 1.5}}}


def _layout(title, log, height, font_size, k, legend) -> dict:
    return {
        "height": height, "margin": {"l": 70, "r": 20, "t": 10, "b": 50}, "showlegend": legend,
        "legend": {"orientation": "h", "y": -0.42, "bgcolor": "#2b2b2b", "font": {"color": "#f4f4f4"}},
        # dark like the contour, so each racer's colour reads the same on both
        "plot_bgcolor": "#2b2b2b",
        "font": {"size": font_size},
        "xaxis": {"title": {"text": "step"}, "rangemode": "tozero", "gridcolor": "#555", "automargin": True},
        "yaxis": {"title": {"text": title}, "type": "log" if log else "linear", "exponentformat": "power",
                  "gridcolor": "#555", "automargin": True},
        "shapes": [{"type": "line", "x0": k, "x1": k, "yref": "paper", "y0": 0, "y1": 1,
                    "line": {"color": "#bbb", "dash": "dot", "width": 1}}],
    }

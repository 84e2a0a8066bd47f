"""The learning-rate lab's figures: a sweep over learning rates, heavy ball's (α, β) map, and the
ball's steps on a one-dimensional curve (built in :mod:`viz.line_view`; the palette both share is in
:mod:`viz.theme`).

Plain dicts like every figure here (no plotly.py validation); :func:`viz.theme.themed` dresses them
for the page's theme. Colours that carry meaning (zones, the three regimes) are Okabe–Ito's,
colour-blind safe, and mid-toned so they read on a light and a dark page alike.
"""

from __future__ import annotations

import numpy as np

from optim.summary import reached_title, reached_words
from optim.sweep import ZONES, momentum_rate, optimal_momentum
from viz.callouts import labels, two_lines
from viz.encode import FLOOR, f4, rounded
from viz.line_view import line_figure  # noqa: F401  (the lab page draws the line view from here)
from viz.theme import NEUTRAL, ZONE_COLORS

ZONE_NAMES = {"crawl": "crawl (too slow)", "converge": "converge", "oscillate": "oscillate (zig-zag)",
              "diverge": "diverge"}
#: the three regimes in the colour of the zone each usually lies in, stronger; other marks (the live rate)
REGIME_COLORS = {"too small": "#0072B2", "just right": "#009E73", "too large": "#D55E00"}
OTHER_MARK = "#CC79A7"
BAND_OPACITY = 0.16
PLOT_PX = 700  # a guess (on the narrow side) at the plot's width: labels of nearby lines must not overlap
NARROW_PLOT_PX = 210  # a phone's (390 px wide: 358 for the figure, less the margins and the right axis)
MAP_SIDE, CLICK_SIDE = 100, 40  # the momentum map's cells a side, and its clickable points a side


def zone_colors() -> dict[str, str]:
    """zone → colour, in the order the zones come along the learning rate."""
    return {zone: ZONE_COLORS[zone] for zone in ZONES}


def mark_color(name: str) -> str:
    """A mark's colour: the regime's own, else one colour for any other mark (the live rate)."""
    return REGIME_COLORS.get(name, OTHER_MARK)


def zone_bands(lrs, zone) -> list[tuple[float, float, str]]:
    """``(x0, x1, zone)`` for each run of neighbouring rates in one zone, edges halfway (on the log
    scale) between neighbours and half a step beyond the ends: together they cover the grid."""
    lrs = np.asarray(lrs, dtype=float)
    logs = np.log(lrs)
    if len(lrs) > 1:
        mids = (logs[1:] + logs[:-1]) / 2
        edges = np.exp(np.concatenate([[2 * logs[0] - mids[0]], mids, [2 * logs[-1] - mids[-1]]]))
    else:
        edges = np.array([lrs[0] / 1.1, lrs[0] * 1.1])
    starts = np.flatnonzero(np.concatenate([[True], zone[1:] != zone[:-1]]))
    ends = np.append(starts[1:], len(lrs))
    return [(float(edges[a]), float(edges[b]), str(zone[a])) for a, b in zip(starts, ends, strict=True)]


# --- the sweep ---


def sweep_figure(sw, theory: dict[str, float], marks: dict[str, float], *, font_size: int = 14,
                 height: int = 420, narrow: bool = False) -> dict:
    """Final loss (left, log) and steps to tolerance (right) against the learning rate (log), over
    coloured zone bands, with theory's lines dashed and ``marks`` (regimes, the live rate) solid.

    ``theory``: name → rate, e.g. :func:`optim.sweep.theory`'s ``{"diverges above": 0.1, ...}``,
    each labelled "name = value" ("diverges above 0.1"); ``marks``: name → rate, e.g.
    :func:`optim.regimes.choose_regimes` plus ``"live"``, each labelled "name: value" in the
    regime's colour (:func:`mark_color`). Lines outside the swept range are left out.

    Diverged runs are drawn as markers along the top edge, labelled "diverged", never hidden. The
    loss is ``final loss − f*`` when the sweep's f* is not 0 (the axis says which); values below
    1e-16 of the largest are drawn at that floor (a note says so; the hover gives the true value).
    Hovering a run shows its rate, final loss, steps to tolerance (or "never") and zone. ``narrow``:
    a phone's plot, about :data:`NARROW_PLOT_PX` wide (the lines' names take more rows above it).
    """
    order = np.argsort(sw.lrs)
    lrs, zone = np.asarray(sw.lrs, dtype=float)[order], np.asarray(sw.zone)[order]
    # "reached", as every page says it (optim.summary), where the sweep measured it
    common = getattr(sw, "reached_at", None) is not None
    steps = np.asarray(sw.reached_at if common else sw.steps_to_tolerance)[order]
    diverged_at = np.asarray(sw.diverged_at)[order]
    shift = sw.f_star if np.isfinite(sw.f_star) and sw.f_star != 0 else 0.0
    gap = np.asarray(sw.final_loss, dtype=float)[order] - shift
    bands = zone_bands(lrs, zone)
    span = (bands[0][0], bands[-1][1])
    diverged = (zone == "diverge") | ~np.isfinite(gap)
    kept = gap[~diverged]
    top = float(kept.max()) if kept.size and kept.max() > 0 else 1.0
    floor = max(top * FLOOR, float(kept[kept > 0].min()) if (kept > 0).any() else top * FLOOR)
    low, high = np.log10(floor) - 0.5, np.log10(top) + 1.2
    words = (lambda k: reached_words(k, sw.reach_tol)) if common else _loss_words
    steps_title = reached_title(sw.reach_tol) if common else f"steps to tolerance (tol {sw.tol:g})"
    traces = [*_zone_legend(zone), _final_loss(lrs, gap, steps, zone, diverged, floor, words),
              _diverged(lrs, diverged_at, diverged, 10 ** (high - 0.35), narrow), _steps(lrs, steps)]
    lines = [(v, _line_label(name, v), None, "dash") for name, v in theory.items()]
    lines += [(v, f"{name}: {v:.3g}", mark_color(name), "solid") for name, v in marks.items()]
    lines = [line for line in lines if np.isfinite(line[0]) and span[0] <= line[0] <= span[1]]
    shapes = _shapes(bands, lines)
    annotations, rows = labels(lines, span, font_size, NARROW_PLOT_PX if narrow else PLOT_PX, NEUTRAL)
    if (gap[~diverged] < floor).any():
        annotations.append({"xref": "paper", "yref": "paper", "x": 0.005, "y": 0.01, "xanchor": "left",
                            "yanchor": "bottom", "showarrow": False, "text": f"final losses below {floor:.0e} drawn at it",
                            "font": {"size": max(font_size - 3, 10), "color": NEUTRAL}})
    # the legend under the axis title: two rows, or a row an entry on a phone
    legend_px = (sum(t.get("showlegend", True) for t in traces) if narrow else 2) * (font_size + 8)
    top_px = 14 + rows * (font_size + 8)
    height = max(height, top_px + 60 + legend_px + 180) if narrow else height  # a plot to read
    yaxis = {"title": {"text": ("final loss − f*" if shift else "final loss") + " (log scale)"}, "type": "log",
             "range": [low, high], "exponentformat": "power", "automargin": True, "zeroline": False}
    layout = {
        "height": height, "font": {"size": font_size},
        "margin": {"l": 70, "r": 70, "t": top_px, "b": 60 + legend_px},
        "xaxis": {"title": {"text": "learning rate (log scale)"}, "type": "log", "automargin": True,
                  "exponentformat": "none",
                  "range": [float(np.log10(span[0])), float(np.log10(span[1]))], "zeroline": False},
        "yaxis": yaxis,
        "yaxis2": {"title": {"text": two_lines(steps_title)}, "overlaying": "y", "side": "right",
                   "range": [0, 1.08 * max(int(steps.max()), 1)], "tickmode": "auto", "nticks": 6, "showgrid": False,
                   "automargin": True, "zeroline": False},
        "shapes": shapes, "annotations": annotations, "hovermode": "x", "showlegend": True,
        "legend": _legend_below(font_size),
    }
    return {"data": traces, "layout": layout}


def _shapes(bands, lines) -> list[dict]:
    """The zone bands behind everything, then each line from the plot's foot to its top."""
    shapes = [{"type": "rect", "xref": "x", "yref": "paper", "x0": x0, "x1": x1, "y0": 0, "y1": 1,
               "fillcolor": ZONE_COLORS[z], "opacity": BAND_OPACITY, "layer": "below", "line": {"width": 0}}
              for x0, x1, z in bands]
    return shapes + [{"type": "line", "xref": "x", "yref": "paper", "x0": v, "x1": v, "y0": 0, "y1": 1,
                      "line": {"color": color or NEUTRAL, "width": 1.5 if dash == "dash" else 2.5, "dash": dash}}
                     for v, _, color, dash in lines]


def _legend_below(font_size) -> dict:
    """A horizontal legend at the figure's foot (container coordinates: clear of the axis title)."""
    return {"orientation": "h", "x": 0, "xref": "container", "y": 0, "yref": "container", "yanchor": "bottom",
            "font": {"size": max(font_size - 2, 11)}}


def _line_label(name: str, value: float) -> str:
    joiner = " " if name.split()[-1:] in (["above"], ["below"], ["at"]) else " = "  # "diverges above 0.1"
    return f"{name}{joiner}{value:.3g}"


def _zone_legend(zone) -> list[dict]:
    present = set(zone.tolist())
    return [{"type": "scatter", "mode": "markers", "x": [None], "y": [None], "name": ZONE_NAMES[z],
             "hoverinfo": "skip", "marker": {"symbol": "square", "size": 13, "color": ZONE_COLORS[z],
                                             "opacity": 0.55}}
            for z in ZONES if z in present]


def _loss_words(s: int) -> str:
    return f"{s} steps to tolerance" if s >= 0 else "never within tolerance"


def _final_loss(lrs, gap, steps, zone, diverged, floor, words=_loss_words) -> dict:
    keep = ~diverged
    reached = [words(s) for s in steps[keep]]
    custom = [[f"{g:.3g}", r, str(z)] for g, r, z in zip(gap[keep], reached, zone[keep], strict=True)]
    return {"type": "scatter", "mode": "lines+markers", "x": rounded(lrs[keep]),
            "y": rounded(np.maximum(gap[keep], floor)), "customdata": custom,
            "name": "final loss (left)",
            "line": {"color": NEUTRAL, "width": 2}, "marker": {"size": 4, "color": NEUTRAL},
            "hovertemplate": "lr %{x:.3g}<br>final loss %{customdata[0]}<br>%{customdata[1]}<br>"
                             "zone: %{customdata[2]}<extra></extra>"}


def _diverged(lrs, diverged_at, diverged, y, narrow: bool = False) -> dict:
    """The diverged runs along the top edge, named once: over their middle, or on a phone (where
    they take a few pixels) left of the first, clear of the right axis's labels."""
    idx = np.flatnonzero(diverged)
    text = [""] * len(idx)
    if len(idx):
        text[0 if narrow else len(idx) // 2] = "diverged"
    when = [f"left the surface at step {k}" if k >= 0 else "ended higher than it started" for k in diverged_at[idx]]
    return {"type": "scatter", "mode": "markers+text", "x": rounded(lrs[idx]), "y": [y] * len(idx), "text": text,
            "textposition": "bottom left" if narrow else "bottom center", "customdata": when, "name": "diverged (top edge)",
            "cliponaxis": False, "textfont": {"color": ZONE_COLORS["diverge"]},
            "marker": {"symbol": "x-thin", "size": 9, "line": {"width": 2, "color": ZONE_COLORS["diverge"]}},
            "hovertemplate": "lr %{x:.3g}<br>diverged: %{customdata}<br>zone: diverge<extra></extra>"}


def _steps(lrs, steps) -> dict:
    y = [int(s) if s >= 0 else None for s in steps]
    return {"type": "scatter", "mode": "lines", "x": rounded(lrs), "y": y, "yaxis": "y2",
            "name": "steps to tolerance (right; gap: never)",
            "line": {"color": NEUTRAL, "width": 1.5, "dash": "dot"},
            "hovertemplate": "lr %{x:.3g}<br>%{y} steps to tolerance<extra></extra>"}


# --- heavy ball's map ---


def momentum_map(mu, L, *, alphas=None, betas=None, font_size: int = 14, height: int = 420) -> dict:
    """Heavy ball's rate per step on a quadratic with curvatures in [μ, L] over (α, β): learning rate
    on a log axis, momentum 0 to 0.99. Colour is the rate (on a scale even in log(1 − rate), so 0.9,
    0.99 and 0.999, each ten times slower than the last, are equally far apart); rates ≥ 1 diverge
    and are drawn in a flat grey. Polyak's best pair is starred, plain descent's best (β = 0,
    α = 2/(μ + L)) marked.

    Clicks: heatmap cells cannot be selected in Streamlit, so an invisible scatter of 40 × 40 cell
    centres (the trace named ``"pick"``) answers them. With
    ``event = st.plotly_chart(fig, on_select="rerun", selection_mode="points")`` a click gives
    ``event.selection.points[0]``, whose ``"customdata"`` is ``[α, β, rate]`` (rounded to 3
    significant digits, ready for a URL); ``"x"`` and ``"y"`` are α and β too. Points of other traces
    carry no customdata: skip them.
    """
    alphas = np.geomspace(1e-3 / L, 4 / L, MAP_SIDE) if alphas is None else np.asarray(alphas, dtype=float)
    betas = np.linspace(0, 0.99, MAP_SIDE) if betas is None else np.asarray(betas, dtype=float)
    rate = momentum_rate(alphas[None, :], betas[:, None], mu, L)
    stable = rate < 1
    speed = np.where(stable, np.log10(np.maximum(1 - rate, 1e-12)), np.nan)  # log10(1 − rate): higher is faster
    a_star, b_star, r_star = optimal_momentum(mu, L)
    plain = 2 / (mu + L)
    plain_rate = float(momentum_rate(plain, 0.0, mu, L))
    lo = float(np.nanmin(speed)) if stable.any() else -3.0
    ticks = [r for r in (0.1, 0.5, 0.7, 0.9, 0.99, 0.999, 0.9999, 0.99999)
             if lo <= np.log10(1 - r) <= np.nanmax(speed, initial=0)]
    traces = [
        {"type": "heatmap", "x": f4(alphas), "y": f4(betas), "z": f4(speed), "colorscale": "Viridis",
         "hoverinfo": "skip", "name": "rate", "zmin": lo, "zmax": np.log10(1 - min(r_star, 0.999)),
         "colorbar": {"title": {"text": "rate per step (lower is faster)", "side": "right"},
                      "tickvals": [float(np.log10(1 - r)) for r in ticks], "ticktext": [f"{r:g}" for r in ticks],
                      "thickness": 14}},
        {"type": "heatmap", "x": f4(alphas), "y": f4(betas), "z": f4(np.where(stable, np.nan, 1.0)),
         "colorscale": [[0, "#bdbdbd"], [1, "#bdbdbd"]], "showscale": False, "hoverinfo": "skip", "name": "diverges"},
        _pick(alphas, betas, mu, L),
        {"type": "scatter", "mode": "markers", "x": [None], "y": [None], "name": "diverges (rate ≥ 1)",
         "marker": {"symbol": "square", "size": 13, "color": "#bdbdbd"}, "hoverinfo": "skip"},
        _point(a_star, b_star, r_star, "star", 20, "Polyak's best pair (α*, β*)"),
        _point(plain, 0.0, plain_rate, "diamond", 13, "plain descent's best (β = 0)"),
    ]
    together = same_point(plain_rate, r_star, b_star)  # μ ≈ L: the two points are one
    note = {"xref": "x", "yref": "y", "showarrow": True, "arrowcolor": "#111", "bgcolor": "rgba(255,255,255,0.85)",
            "bordercolor": "#111", "font": {"color": "#111", "size": max(font_size - 2, 11)}, "xanchor": "right"}
    star_text = f"α* = {a_star:.3g}, β* = {b_star:.3g}: rate {r_star:.3g}"
    annotations = [{**note, "x": float(np.log10(a_star)), "y": b_star, "ax": -40, "ay": -45,
                    "text": star_text + (" (plain descent's best too)" if together else "")}]
    if not together:
        annotations.append({**note, "x": float(np.log10(plain)), "y": 0.0, "ax": -40, "ay": -30,
                            "text": f"β = 0, α = 2/(μ+L) = {plain:.3g}: rate {plain_rate:.3g}"})
    layout = {
        "height": height, "font": {"size": font_size}, "margin": {"l": 70, "r": 20, "t": 10, "b": 68 + font_size},
        "xaxis": {"title": {"text": "learning rate α (log scale)"}, "type": "log", "automargin": True,
                  "range": _edges(np.log10(alphas)), "exponentformat": "none", "showgrid": False, "zeroline": False},
        "yaxis": {"title": {"text": "momentum β"}, "range": _edges(betas), "automargin": True, "showgrid": False,
                  "zeroline": False},
        "annotations": annotations, "hovermode": "closest", "showlegend": True, "legend": _legend_below(font_size),
    }
    return {"data": traces, "layout": layout}


def same_point(plain_rate: float, best_rate: float, best_beta: float) -> bool:
    """Whether Polyak's best pair is plain descent's best too, as the note says: the same rate per step
    and β* = 0, both as printed (3 significant digits)."""
    return f"{plain_rate:.3g}" == f"{best_rate:.3g}" and f"{best_beta:.3g}" == "0"


def _edges(centres) -> list[float]:
    """The outer edges of cells centred at ``centres`` (evenly spaced): the axis range that fits them."""
    step = (centres[-1] - centres[0]) / max(len(centres) - 1, 1)
    return [float(centres[0] - step / 2), float(centres[-1] + step / 2)]


def _pick(alphas, betas, mu, L) -> dict:
    """The invisible, selectable cell centres that answer hovers and clicks (see momentum_map)."""
    a = np.array(rounded(np.geomspace(alphas.min(), alphas.max(), CLICK_SIDE), 3))
    b = np.array(rounded(np.linspace(betas.min(), betas.max(), CLICK_SIDE), 3))
    ga, gb = (g.ravel() for g in np.meshgrid(a, b))
    rate = rounded(momentum_rate(ga, gb, mu, L), 3)
    return {"type": "scatter", "mode": "markers", "x": ga.tolist(), "y": gb.tolist(), "name": "pick",
            "customdata": [[x, y, r] for x, y, r in zip(ga.tolist(), gb.tolist(), rate, strict=True)],
            "showlegend": False, "marker": {"size": 16, "color": "rgba(0,0,0,0)"},
            "selected": {"marker": {"color": "#ffffff", "opacity": 1}}, "unselected": {"marker": {"opacity": 1}},
            "hovertemplate": "α = %{customdata[0]}, β = %{customdata[1]}<br>rate per step %{customdata[2]}"
                             "<extra>click: run it</extra>"}


def _point(alpha, beta, rate, symbol, size, name) -> dict:
    return {"type": "scatter", "mode": "markers", "x": rounded([alpha]), "y": rounded([beta]), "name": name,
            "marker": {"symbol": symbol, "size": size, "color": "#ffffff", "line": {"color": "#111", "width": 1.5}},
            "unselected": {"marker": {"opacity": 1}}, "cliponaxis": False,
            "hovertemplate": f"{name}<br>α = {alpha:.3g}, β = {beta:.3g}<br>rate per step {rate:.3g}<extra></extra>"}


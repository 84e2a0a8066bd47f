"""The basin map: every start of a grid coloured by the minimum it reached, as one picture."""

from __future__ import annotations

import base64
import io

import numpy as np
from PIL import Image

from optim.basins import DIVERGED, MOVING, STALLED
from viz.encode import f4

#: Okabe–Ito, colour-blind safe; minimum i of ``Basins.minima`` (declared order, then the found ones by loss
#: and position) is always PALETTE[i], whatever the optimizer, its knobs or the share each basin gets
PALETTE = ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7"]
OTHER = {"other minima": "#9a9a9a", "diverged": "#111111", "still moving": "#ffffff",
         "stalled at a saddle": "#b07aa1"}
CLICK_SIDE = 60  # invisible points that answer clicks: one per 1/60 of the view


def colours(basins) -> tuple[dict[int, str], dict[int, str]]:
    """label → colour, label → legend name, keyed on the minimum itself (its index in ``basins.minima``),
    never on the order the starts found it in or on how many reached it."""
    colour, name = {}, {}
    for m, point in enumerate(basins.minima):
        x, y = np.where(np.abs(point) < 1e-9, 0.0, point)  # no "-1.08e-50"
        colour[m] = PALETTE[m] if m < len(PALETTE) else OTHER["other minima"]
        name[m] = f"minimum ({x:.3g}, {y:.3g})" if m < len(PALETTE) else "other minima"
    for label, key in ((DIVERGED, "diverged"), (MOVING, "still moving"), (STALLED, "stalled at a saddle")):
        colour[label], name[label] = OTHER[key], key
    return colour, name


def picture(basins, colour: dict[int, str]) -> str:
    rgb = np.zeros((*basins.labels.shape, 3), dtype=np.uint8)
    for label, hexcode in colour.items():
        rgb[basins.labels == label] = [int(hexcode[i:i + 2], 16) for i in (1, 3, 5)]
    buf = io.BytesIO()
    Image.fromarray(rgb[::-1], mode="RGB").save(buf, format="PNG", optimize=True)  # PNG rows run top-down
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def basin_figure(surface, basins, lines, *, height: int = 560, font_size: int = 14) -> dict:
    """The map, the surface's iso-lines over it, the minima, a legend with each label's share."""
    colour, name = colours(basins)
    shares = basins.shares()
    (x0, x1), (y0, y1) = surface.bounds
    cx, cy = np.meshgrid(np.linspace(x0, x1, CLICK_SIDE), np.linspace(y0, y1, CLICK_SIDE))
    traces = [
        {"type": "scatter", "mode": "lines", "x": f4(lines[0]), "y": f4(lines[1]), "hoverinfo": "skip",
         "line": {"color": "rgba(0,0,0,0.35)", "width": 1}, "showlegend": False},
        {"type": "scatter", "mode": "markers", "x": f4(cx.ravel()), "y": f4(cy.ravel()), "showlegend": False,
         "marker": {"size": 14, "color": "rgba(0,0,0,0)"}, "name": "start",
         "hovertemplate": "start (%{x:.3g}, %{y:.3g})<extra>click: open it on the descent page</extra>"},
    ]
    seen = set()
    for label in sorted(shares, key=lambda m: -shares[m]):
        legend = name[label]
        share = sum(s for m, s in shares.items() if name[m] == legend)
        if legend in seen:
            continue
        seen.add(legend)
        traces.append({"type": "scatter", "mode": "markers", "x": [None], "y": [None], "name": f"{legend}: {share:.0%}",
                       "marker": {"symbol": "square", "size": 14, "color": colour[label],
                                  "line": {"color": "#444", "width": 1}}})
    if len(basins.minima):
        traces.append({"type": "scatter", "mode": "markers", "x": f4(basins.minima[:, 0]), "y": f4(basins.minima[:, 1]),
                       "name": "minima", "showlegend": False, "hovertemplate": "minimum (%{x:.3f}, %{y:.3f})<extra></extra>",
                       "marker": {"symbol": "star", "size": 15, "color": "#fff",
                                  "line": {"color": "#111", "width": 1.5}}})
    axis = {"showgrid": False, "zeroline": False, "ticks": "outside", "mirror": True, "linecolor": "#444"}
    layout = {
        "height": height, "margin": {"l": 60, "r": 10, "t": 10, "b": int(2.4 * font_size + 22 + 2 * 1.5 * font_size)},
        "font": {"size": font_size},
        "xaxis": {**axis, "range": [x0, x1], "title": {"text": surface.labels[0]}, "constrain": "domain"},
        "yaxis": {**axis, "range": [y0, y1], "title": {"text": surface.labels[1]}, "scaleanchor": "x",
                  "scaleratio": 1, "constrain": "domain"},
        "images": [{"source": picture(basins, colour), "xref": "x", "yref": "y", "x": x0, "y": y1,
                    "sizex": x1 - x0, "sizey": y1 - y0, "sizing": "stretch", "layer": "below",
                    "xanchor": "left", "yanchor": "top"}],
        # below the map, not beside it: on a phone a side legend squeezes the map to a stamp
        # at the figure's foot, under the x axis's labels and title (the margin has room for two rows)
        "legend": {"orientation": "h", "x": 0, "xref": "container", "y": 0, "yref": "container", "yanchor": "bottom",
                   "font": {"size": max(font_size - 2, 11)}},
        "hovermode": "closest", "dragmode": "pan",
    }
    return {"data": traces, "layout": layout}

"""One look for every chart: the page's light or dark theme decides paper, text and grid colours.

Figures are built (and cached) without these; :func:`themed` dresses a figure just before it is
drawn. What lies on the surface's picture (paths, arrows, markers) keeps its own colours: they are
chosen against the viridis map, not the page. The player's numbers box stays dark in both themes
(a console the keys' colours were picked for).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Theme:
    paper: str
    text: str
    grid: str
    axis: str


LIGHT = Theme(paper="#ffffff", text="#262730", grid="#e3e3e8", axis="#8a8a95")
DARK = Theme(paper="#0e1117", text="#fafafa", grid="#33353d", axis="#8a8a95")

# Colours that carry meaning, shared by the learning-rate lab's figures (viz.rates, viz.line_view):
# Okabe–Ito's, colour-blind safe, mid-toned so they read on a light and a dark page alike.
#: each zone's colour, cool to warm as the learning rate grows
ZONE_COLORS = {"crawl": "#56B4E9", "converge": "#009E73", "oscillate": "#E69F00", "diverge": "#D55E00"}
NEUTRAL = LIGHT.axis  # a mid grey that reads on both themes: theory lines, the measured curves


def of(kind: str | None) -> Theme:
    """Streamlit's theme type ("light", "dark" or None when not yet known) → our colours."""
    return DARK if kind == "dark" else LIGHT


def themed(fig: dict, theme: Theme) -> dict:
    """A shallow copy of ``fig`` with the theme's colours on paper, plot, text and every axis."""
    layout = dict(fig.get("layout", {}))
    layout["paper_bgcolor"] = layout["plot_bgcolor"] = theme.paper
    layout["font"] = {**layout.get("font", {}), "color": theme.text}
    for name, axis in list(layout.items()):
        if name.startswith(("xaxis", "yaxis")) and isinstance(axis, dict):
            layout[name] = _axis(axis, theme)
    if "scene" in layout:
        scene = dict(layout["scene"])
        for name in ("xaxis", "yaxis", "zaxis"):
            scene[name] = {**_axis(scene.get(name, {}), theme), "backgroundcolor": theme.paper,
                           "showbackground": True}
        layout["scene"] = scene
    if "sliders" in layout:
        # a slider whose own labels are hidden (the player writes them as annotations) keeps them hidden
        layout["sliders"] = [{**s, "font": {**s.get("font", {}), "color": theme.text if s.get("font", {}).get(
                                  "color") != "rgba(0,0,0,0)" else "rgba(0,0,0,0)"},
                              "currentvalue": {**s.get("currentvalue", {}), "font": {
                                  **s.get("currentvalue", {}).get("font", {}), "color": theme.text}}}
                             for s in layout["sliders"]]
    if "legend" in layout:
        layout["legend"] = {**layout["legend"], "bgcolor": theme.paper, "font": {
            **layout["legend"].get("font", {}), "color": theme.text}}
    return {**fig, "layout": layout}


def _axis(axis: dict, theme: Theme) -> dict:
    return {**axis, "gridcolor": theme.grid, "linecolor": theme.axis, "zerolinecolor": theme.grid,
            "tickcolor": theme.axis, "color": theme.text}


def casing(color: str) -> str:
    """The outline that sets a line off any background: dark under light colours, white under dark."""
    r, g, b = (int(color[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return "#000000" if 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.35 else "#FFFFFF"

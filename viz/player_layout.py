"""The player's layout: where the contour, the loss curve, the learning rate, the data and the numbers
sit (side by side, or stacked in pixels on a phone), the figure's height, and its controls (Play,
Pause, the step buttons, the speed menu and the scrubber with its own round labels)."""

from __future__ import annotations

import numpy as np

from viz import contour, curves

CONTOUR_WIDTH = 0.58  # of the figure: the rest is the loss curve and the numbers


PANEL_FONT = "Source Code Pro, DejaVu Sans Mono, monospace"


SPEEDS = {"¼×": 66, "½×": 33, "1×": 16, "2×": 0}


def control_rows(font_size: int, narrow: bool = True) -> tuple[int, int, int]:
    """Pixels below the plot: to the buttons (under the x axis's title), to the scrubber, and the
    whole bottom margin; they grow with the type so nothing overlaps when presenting. Wide, the
    buttons sit on the scrubber's row (left of it, the speed menu right of it): the plot keeps the room."""
    buttons = int(2.4 * font_size + 12)
    scrubber = buttons + int(1.6 * font_size) + 20 if narrow else buttons
    return buttons, scrubber, scrubber + int(2.4 * font_size) + 36


def control_widths(font_size: int, narrow: bool = False) -> tuple[int, int]:
    """Pixels of the buttons ◀ Play Pause ▶ and of the speed menu (measured: 14.5 and 6.5 ems), so
    the scrubber beside them starts and ends clear of both."""
    return int((12 if narrow else 14.5) * font_size) + 14, int((4 if narrow else 6.5) * font_size) + 14


PANEL_LINES = 7  # the descent page's numbers: step, θ, ∇f, Δθ, the arrows' key, what is carried, the cross


MIN_HEIGHT, MAX_HEIGHT = 360, 1000  # 360: Play still above a 720-line screen's fold under a lesson's caption


def height(wide: bool, narrow: bool = False, fit: int | None = None) -> int:
    """The figure's height: ``fit`` when the browser said what fills its screen, else one that fits
    a 1280×720 screen under the title (presenting: bigger type); on a narrow screen (a phone) the
    parts are stacked, so it is taller."""
    if narrow:
        return 900
    return int(np.clip(fit, MIN_HEIGHT, MAX_HEIGHT)) if fit else 560 if wide else 480


def panel_font(font_size: int) -> int:
    """The numbers box's type: 16 px when presenting (read from the back of a room)."""
    return max(font_size - 4, 11)


def domains(with_schedule: bool, narrow: bool, with_data: bool = False, plot_height: int = 400,
            font_size: int = 14, lines: int = PANEL_LINES, contour_px: int = 300) -> dict[str, tuple[list, list]]:
    """Where each part sits, as (x, y) domains: side by side, or stacked on a narrow screen (see
    :func:`narrow_domains`). Side by side, the numbers box is sized in pixels for its ``lines`` and
    the curves take the rest above it, clear of it by their step labels."""
    box = min(0.5, (lines * 1.3 * panel_font(font_size) + 14) / plot_height)
    labels = (1.3 * font_size + 12) / plot_height  # a curve's step labels, under it
    if narrow:
        return narrow_domains(with_schedule, with_data, plot_height, font_size, box, contour_px)
    if with_data:
        return _data_domains(box, labels)
    right = [CONTOUR_WIDTH + 0.09, 1]
    top = box + labels
    if not with_schedule:
        return {"contour": ([0, CONTOUR_WIDTH], [0, 1]), "loss": (right, [top, 1.0]), "lr": (right, [top, top]),
                "numbers": ([CONTOUR_WIDTH + 0.03, 1], [0, box])}
    split = top + 0.6 * (1 - top)
    return {"contour": ([0, CONTOUR_WIDTH], [0, 1]), "loss": (right, [split + labels, 1.0]),
            "lr": (right, [top, split]), "numbers": ([CONTOUR_WIDTH + 0.03, 1], [0, box])}


NARROW_LOSS, NARROW_DATA, NARROW_LR = 180, 150, 90  # a phone's stacked parts, in pixels


NARROW_GAP = 16  # between the scrubber's labels and the next part


def narrow_plot_height(contour_px: int, font_size: int, with_schedule: bool, with_data: bool, lines: int) -> int:
    """A phone's stacked plot in pixels: the contour, under it its ticks and title, Play and the
    scrubber (on the first screen), then the data, the loss (and the rates), the numbers box."""
    return int(contour_px + control_rows(font_size)[2] + NARROW_GAP + (NARROW_DATA if with_data else 0) + NARROW_LOSS
               + (NARROW_LR + 1.3 * font_size + 12 if with_schedule else 0) + 1.3 * font_size + 12
               + lines * 1.3 * panel_font(font_size) + 14)


def narrow_domains(with_schedule, with_data, plot_height, font_size, box, contour_px) -> dict[str, tuple[list, list]]:
    """Stacked, top to bottom in pixels: the contour, the controls' room (see :func:`control_rows`),
    the data, the loss (the rates), each clear of the next by its step labels, the numbers box."""
    px = 1 / plot_height
    contour_bottom = 1 - contour_px * px
    top = contour_bottom - (control_rows(font_size)[2] + NARROW_GAP) * px
    labels = (1.3 * font_size + 12) * px
    where = {"contour": ([0, 1], [contour_bottom, 1]), "numbers": ([0.02, 1], [0, box])}
    if with_data:
        where["data"] = ([0.1, 1], [top - (NARROW_DATA - 30) * px, top])
        top -= NARROW_DATA * px
    lr_top = box + labels + (NARROW_LR * px if with_schedule else 0)
    where["loss"] = ([0.1, 1], [lr_top + (labels if with_schedule else 0), top])
    where["lr"] = ([0.1, 1], [box + labels, lr_top])
    return where


def _data_domains(box: float, labels: float) -> dict[str, tuple[list, list]]:
    """The contour left; right, the data on top, the loss under it, the numbers box (sized in pixels
    for its lines) at the foot, each clear of the next by its tick labels."""
    right = [0.56, 1]
    if box + labels > 0.28:
        loss = [box + labels, box + labels + 0.4 * (1 - box - labels)]
        return {"contour": ([0, 0.47], [0, 1]), "data": (right, [loss[1] + 0.1, 1.0]), "loss": (right, loss),
                "numbers": ([0.5, 1], [0, box])}
    return {"contour": ([0, 0.47], [0, 1]), "data": (right, [0.57, 1.0]), "loss": (right, [0.28, 0.47]),
            "numbers": ([0.5, 1], [0, 0.19])}


def layout(surface, png, lanes, with_schedule, height, font_size, narrow, data=None, lines: int | None = None) -> dict:
    (x0, x1), (y0, y1) = surface.bounds
    axis = {"showgrid": False, "zeroline": False, "ticks": "outside", "mirror": True, "linecolor": "#666"}
    bottom = 10 if narrow else control_rows(font_size, narrow)[2]  # a phone's controls are under the contour
    if lines is None:
        lines = len(lanes) if data is not None else panel_lines(lanes)  # a data fit's box: a line a run
    where = domains(with_schedule, narrow, data is not None, height - 10 - bottom, font_size, lines,
                    contour.narrow_height(surface))
    # equal scales, unless the view is far wider than tall (a raw feature's ravine): then it would be a sliver
    square = {"scaleanchor": "x", "scaleratio": 1} if 1 / 3 <= (x1 - x0) / (y1 - y0) <= 3 else {}
    hidden = {"visible": False, "range": [0, 1], "fixedrange": True}
    numbers = where["numbers"][1]  # its box reaches 6 px above its text's first line: none of its type sticks out
    box_px = max((numbers[1] - numbers[0]) * (height - 10 - bottom), 1)
    layout = {
        "height": height,
        "margin": {"l": 55, "r": 10, "t": 10, "b": bottom},
        "font": {"size": font_size},
        # the numbers box: dark in either theme, so the keys' colours read as they do on the map
        "shapes": [{"type": "rect", "xref": "x3 domain", "yref": "y3 domain", "x0": -0.02, "x1": 1.0, "y0": 0,
                    "y1": 1 + 6 / box_px, "fillcolor": "#1e1e1e", "line": {"width": 0}, "layer": "below"}],
        "showlegend": False, "hovermode": "closest", "dragmode": "pan",
        "xaxis": {**axis, "domain": where["contour"][0], "range": [x0, x1],
                  "title": {"text": surface.labels[0], "standoff": 2}, "constrain": "domain"},
        "yaxis": {**axis, "domain": where["contour"][1], "range": [y0, y1],
                  "title": {"text": surface.labels[1], "standoff": 2}, **square, "constrain": "domain"},
        "images": [{"source": png, "xref": "x", "yref": "y", "x": x0, "y": y1, "sizex": x1 - x0, "sizey": y1 - y0,
                    "sizing": "stretch", "layer": "below", "xanchor": "left", "yanchor": "top"}],
        "xaxis2": {**curves.step_axis(), "domain": where["loss"][0], "anchor": "y2", "title": {"text": ""}},
        "yaxis2": {**curves.value_axis(np.concatenate([lane.losses for lane in lanes]), "loss", labels=4),
                   "domain": where["loss"][1], "anchor": "x2"},
        "xaxis3": {**hidden, "domain": where["numbers"][0], "anchor": "y3"},
        "yaxis3": {**hidden, "domain": where["numbers"][1], "anchor": "x3"},
    }
    if with_schedule:
        layout["xaxis4"] = {**curves.step_axis(), "domain": where["lr"][0], "anchor": "y4", "title": {"text": ""}}
        layout["yaxis4"] = {**curves.value_axis(np.concatenate([lane.lrs for lane in lanes]), "η", log=False),
                            "domain": where["lr"][1], "anchor": "x4"}
    layout["annotations"] = []
    if data is not None:
        layout["xaxis5"] = {"domain": where["data"][0], "anchor": "y5", "gridcolor": curves.GRID, "zeroline": False,
                            "automargin": True, "fixedrange": True}
        low, high = float(np.min(data.y)), float(np.max(data.y))
        pad = 0.08 * (high - low or 1.0)  # and room at the top for the panel's name, above the data
        layout["yaxis5"] = {"domain": where["data"][1], "anchor": "x5", "range": [low - pad, high + 3.5 * pad],
                            "gridcolor": curves.GRID, "zeroline": False, "automargin": True, "fixedrange": True}
        # the axes' names inside the panel: titles under the ticks would need the room the loss curve has
        layout["annotations"] += [{"xref": "x5 domain", "yref": "y5 domain", "x": 0.01, "y": 0.99, "xanchor": "left",
                                  "yanchor": "top", "showarrow": False, "text": f"{data.labels[1]} against {data.labels[0]}",
                                  "font": {"size": max(font_size - 2, 11)}}]
    return layout


def panel_lines(lanes, texts=()) -> int:
    """The numbers box's lines: the descent page's usual ones, a line a racer, or the longest of ``texts``
    (per frame, ``{"text": [...]}``)."""
    longest = max((len(frame["text"][0].split("<br>")) for frame in texts), default=0)
    return max(PANEL_LINES, 1 + len(lanes), longest)


def slider(shown, k, font_size, unit="step", narrow: bool = False, y: float = 0) -> dict:
    """The scrubber: under the buttons on a phone, else between them and the speed menu."""
    active = int(np.searchsorted(shown, k).clip(0, len(shown) - 1))
    still = {"mode": "immediate", "frame": {"duration": 0, "redraw": False}, "transition": {"duration": 0}}
    left, right = _scrubber_pads(font_size, narrow)
    return {
        "active": active, "name": "step",
        "x": 0, "len": 1.0, "y": y, "yanchor": "top",
        "pad": {"t": control_rows(font_size, narrow)[1], "l": left, "r": right},
        "currentvalue": {"visible": True, "prefix": f"{unit} ", "xanchor": "right", "offset": 4,
                         "font": {"size": font_size, "color": "#f4f4f4"}},
        # plotly.js labels every n-th step from the first, so the last one went unlabelled ("… 98" of
        # 100): its labels are hidden and :func:`scrubber_labels` writes round ones and the last
        "font": {"size": max(font_size - 3, 10), "color": HIDDEN}, "ticklen": 4, "minorticklen": 0,
        "bgcolor": "#555555", "activebgcolor": "#ff5a36", "bordercolor": "#888888",
        "steps": [{"label": str(s), "method": "animate", "args": [[str(s)], still]} for s in shown],
    }


HIDDEN = "rgba(0,0,0,0)"


STEP_INSET = 10  # plotly.js's sliders: the first and last step sit this far inside the rail's ends


def _scrubber_pads(font_size: int, narrow: bool) -> tuple[int, int]:
    return (0, 10) if narrow else control_widths(font_size)


def scrubber_labels(shown, font_size: int, narrow: bool, most: int | None = None, y: float = 0) -> list[dict]:
    """The scrubber's labels as annotations under its ticks: round steps (at most ``most``, fewer on
    a phone) and always the last, placed where plotly.js puts each step (its fraction of the rail
    plus the pads in pixels); ``y``: where the controls hang from (paper units)."""
    most = most or (4 if narrow else 8)
    last = int(shown[-1])
    every = next(m * 10**e for e in range(8) for m in (1, 2, 5) if last / (m * 10**e) < most)
    chosen = [i for i, s in enumerate(shown) if s % every == 0 and (last - s >= 0.6 * every or s == last)]
    chosen = sorted({*chosen, len(shown) - 1})
    left, right = _scrubber_pads(font_size, narrow)
    size = max(font_size - 3, 10)
    top = control_rows(font_size, narrow)[1] + int(1.2 * font_size) + 4 + 25 + 4 + 2  # value, rail, tick
    labels = []
    for i in chosen:
        t = i / max(len(shown) - 1, 1)
        labels.append({"xref": "paper", "yref": "paper", "x": t, "y": y, "xanchor": "center", "yanchor": "top",
                       "xshift": (left + STEP_INSET) * (1 - t) - t * (right + STEP_INSET), "yshift": -top,
                       "text": str(int(shown[i])), "showarrow": False, "font": {"size": size},
                       "name": "scrubber label"})
    return labels


def buttons(font_size, narrow: bool = False, y: float = 0) -> list[dict]:
    """Step back, Play, Pause, step forward (the page's bridge points the step buttons at the
    neighbouring frames), then the speed menu, which plays at the speed picked."""
    still = {"mode": "immediate", "frame": {"duration": 0, "redraw": False}, "transition": {"duration": 0}}
    play = {**still, "fromcurrent": True, "frame": {"duration": SPEEDS["1×"], "redraw": False}}
    common = {"x": 0, "y": y, "xanchor": "left", "yanchor": "top", "font": {"size": font_size, "color": "#111"},
              "bgcolor": "#f4f4f4", "bordercolor": "#888", "showactive": False}
    # wide: beside the scrubber, level with its rail (under its current value)
    top = control_rows(font_size, narrow)[0] + (0 if narrow else int(0.6 * font_size) + 8)
    buttons = {**common, "type": "buttons", "direction": "left", "pad": {"t": top, "r": 6}, "buttons": [
        {"label": "◀", "name": "back", "method": "animate", "args": [["0"], still]},
        {"label": "▶ Play", "name": "play", "method": "animate", "args": [None, play]},
        {"label": "❚❚" if narrow else "❚❚ Pause", "name": "pause", "method": "animate", "args": [[None], still]},
        {"label": "▶", "name": "forward", "method": "animate", "args": [None, still]},
    ]}
    speeds = {**common, "type": "dropdown", "direction": "up", "x": 1, "xanchor": "right", "pad": {"t": top},
              "active": list(SPEEDS).index("1×"), "showactive": True, "buttons": [
                  {"label": name if narrow else f"speed {name}", "method": "animate",
                   "args": [None, {**play, "frame": {"duration": ms, "redraw": False}}]}
                  for name, ms in SPEEDS.items()]}
    return [buttons, speeds]

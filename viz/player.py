"""The picture a class watches: the contour with the moving paths, the loss curve and the step's
numbers in one animated figure, so Play, the scrubber and the step buttons move all of them.

plotly.js draws only what frames carry while it plays, and a figure's frames cannot reach another
figure, so everything that follows the step lives in this one figure:

- left, the surface (a picture in ``layout.images``, see :mod:`viz.picture`), iso-lines, minima and
  each lane's path so far with its current point and, on the descent page, the step's arrows and the
  curvature cross (the Hessian's eigen-directions at the point, arms ∝ |λ|);
- right, the loss curve(s) with a marker at the step (and the learning rate, with a schedule), and
  below them the step's numbers as text, which also says what each colour and arrow is.

Frames carry only what moves, one per shown step (every step up to ``MAX_FRAMES``). Arrows are
scaled up to be seen (a step of 1e-4 is a pixel) and the panel states the factor.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import landscapes
from viz import contour, curves, fidelity, so_far
from viz.contour import static_traces
from viz.encode import f4

MAX_FRAMES = 200
# ms per frame: frames land on the display's 16.7 ms ticks; "2×" is as fast as the browser draws
SPEEDS = {"¼×": 66, "½×": 33, "1×": 16, "2×": 0}
ARROW_VIEW = 0.14  # arrows are scaled up until the longest is this fraction of the view
ARROW_MAX = 0.35  # and longer ones are shortened to this fraction (a diverging step is huge)
ARROWS = {"grad": ("#FFFFFF", "dot", "−η∇f, the plain gradient step"),
          "carried": ("#56B4E9", "solid", None),  # the rule's label
          "update": ("#F0E442", "solid", "the update actually taken")}
# the curvature cross: the longer arm this fraction of the view's width, none shorter than the minimum
CROSS_VIEW, CROSS_MIN = 0.1, 0.03
CROSS = {"up": ("#3DF5A4", "solid", "curves up"), "down": ("#FF6EC7", "dash", "curves down")}
PATH = "#ff5a36"
CONTOUR_WIDTH = 0.58  # of the figure: the rest is the loss curve and the numbers
PANEL_FONT = "Source Code Pro, DejaVu Sans Mono, monospace"


@dataclass(frozen=True)
class Lane:
    """One path as the figure draws it."""

    label: str
    color: str
    symbol: str  # of its end point
    width: float
    points: np.ndarray  # (steps+1, 2)
    losses: np.ndarray  # (steps+1,)
    lrs: np.ndarray  # (steps,)
    dash: str = "solid"  # its line's dash (plotly's names): racers differ by hue, dash and end symbol


@dataclass(frozen=True)
class DataPanel:
    """The data a data surface fits, beside the contour: a scatter, and each lane's model at the step."""

    x: np.ndarray  # the samples as the data has them
    y: np.ndarray
    grid: np.ndarray  # where each fit is drawn (m,)
    fits: list[np.ndarray]  # per lane, the model over the grid at each of its points: (steps+1, m)
    labels: tuple[str, str]


@dataclass(frozen=True)
class Inspector:
    """What the descent page shows at each step: arrows (displacements, (steps+1, 2)) and text."""

    grad: np.ndarray
    update: np.ndarray
    carried: np.ndarray | None
    carried_label: str
    lines: dict[int, str]  # the numbers panel's text at each shown step


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


def frame_steps(steps: int) -> np.ndarray:
    """The steps that get a frame: every step up to MAX_FRAMES, beyond that every 2nd, 5th, 10th, …
    (round numbers on the scrubber), and always the last."""
    stride = 1
    while steps / stride > MAX_FRAMES:
        stride = next(m * 10**e for e in range(7) for m in (1, 2, 5) if m * 10**e > stride)
    return np.unique(np.append(np.arange(0, steps + 1, stride), steps))


def shown_step(steps: int, k: int) -> int:
    """The shown step nearest to ``k`` (the figure can only stop on a frame)."""
    shown = frame_steps(steps)
    return int(shown[np.abs(shown - k).argmin()])


def figure(surface, layer, lanes: list[Lane], k: int, inspector: Inspector | None = None, *,
           with_schedule: bool = False, font_size: int = 14, height: int = 470, narrow: bool = False,
           data: DataPanel | None = None, unit: str = "step", texts: dict[int, str] | None = None,
           cross: bool = False) -> dict:
    """The animated picture, drawn at step ``k``. ``unit`` names what the clock counts (on the
    scrubber); ``texts`` replaces the numbers panel's text at each shown step; ``cross`` draws the
    first lane's curvature cross at its point (see :func:`curvature_cross`)."""
    g, png, lines = layer
    steps = len(lanes[0].points) - 1
    shown = frame_steps(steps)
    k = shown_step(steps, k)
    drawn = [fidelity.draw(lane.points, surface.bounds, keys=shown) for lane in lanes]
    fixed = [*static_traces(surface, g, lines), *_fixed_paths(lanes, drawn), *_curves(lanes, with_schedule),
             *([_scatter(data)] if data is not None else [])]
    bends = None
    if cross and surface.hessian is not None:
        bends = (*landscapes.curvature(surface, lanes[0].points[shown]), _width(surface))
    lines, line_columns = so_far.traces(lanes, drawn, shown, casing)
    styles = [*lines, *_moving_styles(lanes, inspector, with_schedule, font_size, data, bends is not None)]
    frames_data = _moving_data(lanes, line_columns, shown, inspector, _span(surface), with_schedule, data, texts, bends)
    indices = list(range(len(fixed), len(fixed) + len(styles)))
    frames = [{"name": str(s), "traces": indices, "data": data} for s, data in zip(shown, frames_data, strict=True)]
    now = frames_data[int(np.searchsorted(shown, k))]
    if narrow:  # every part its pixels; Play and the scrubber under the contour, on a phone's first screen
        lines = len(lanes) if data is not None else _lines(lanes)
        height = 20 + narrow_plot_height(contour.narrow_height(surface), font_size, with_schedule, data is not None,
                                          lines)
    layout = _layout(surface, png, lanes, with_schedule, height, font_size, narrow, data)
    below = layout["yaxis"]["domain"][0] if narrow else 0  # where the controls hang from
    layout["sliders"] = [_slider(shown, k, font_size, unit, narrow, below)]
    layout["updatemenus"] = _buttons(font_size, narrow, below)
    layout["annotations"] += scrubber_labels(shown, font_size, narrow, y=below)
    return {"data": [*fixed, *({**style, **data} for style, data in zip(styles, now, strict=True))],
            "layout": layout, "frames": frames}


def _span(surface) -> float:
    (x0, x1), (y0, y1) = surface.bounds
    return max(x1 - x0, y1 - y0)


def _width(surface) -> float:
    (x0, x1), _ = surface.bounds
    return x1 - x0


# ---- what stays ---------------------------------------------------------------------------------

def _fixed_paths(lanes: list[Lane], drawn: list[fidelity.Drawn]) -> list[dict]:
    """Each whole path, faint, where it started and ended (the end marked with the lane's symbol),
    and where a path left the view (with the step)."""
    traces = []
    for lane, line in zip(lanes, drawn, strict=True):
        traces.append({"type": "scatter", "mode": "lines", **_xy(line.xy),
                       "line": {"color": lane.color, "width": 2.5, "dash": lane.dash},
                       "opacity": 0.75, "hoverinfo": "skip", "showlegend": False, "name": f"{lane.label}: whole path"})
    traces.append(start_trace(lanes[0].points[0]))
    traces += [end_trace(lane) for lane in lanes]
    traces += [exit_trace(lane.label, lane.color, line) for lane, line in zip(lanes, drawn, strict=True)
               if line.exit is not None]
    return traces


def exit_trace(label: str, color: str, line: fidelity.Drawn) -> dict:
    """Where a path crossed the view's edge, and at which step: the picture says it left."""
    x, y = line.exit
    return {"type": "scatter", "mode": "markers", "x": f4([x]), "y": f4([y]), "showlegend": False, "cliponaxis": False,
            "marker": {"symbol": "x-thin-open", "size": 18, "color": color, "line": {"width": 4, "color": color}},
            "name": f"{label}: left the view", "hovertemplate": f"{label} left the view at step {line.left_view}"
            + " (%{x:.4g}, %{y:.4g})<extra></extra>"}


def start_trace(point) -> dict:
    return {"type": "scatter", "mode": "markers", "x": f4([point[0]]), "y": f4([point[1]]), "showlegend": False,
            "marker": {"symbol": "circle-open", "size": 15, "color": "#FFFFFF", "line": {"width": 3}},
            "name": "start", "hovertemplate": "start (%{x:.4g}, %{y:.4g})<extra></extra>"}


def end_trace(lane: Lane) -> dict:
    """Where the run ended: its last finite point (the last one on the surface, if it diverged)."""
    finite = lane.points[np.isfinite(lane.points).all(axis=1)]
    last = finite[-1]
    return {"type": "scatter", "mode": "markers", "x": f4([last[0]]), "y": f4([last[1]]), "showlegend": False,
            "marker": {"symbol": lane.symbol, "size": 15, "color": lane.color,
                       "line": {"width": 2, "color": casing(lane.color)}},
            "name": f"{lane.label}: end", "hovertemplate": lane.label + " ended at (%{x:.4g}, %{y:.4g})<extra></extra>"}


def _scatter(data: DataPanel) -> dict:
    return {"type": "scatter", "mode": "markers", "x": f4(data.x), "y": f4(data.y), "xaxis": "x5", "yaxis": "y5",
            "marker": {"size": 6, "color": "#9a9a9a", "opacity": 0.7, "line": {"width": 0}}, "showlegend": False,
            "name": "data", "hovertemplate": f"{data.labels[0]} %{{x:.4g}}<br>{data.labels[1]} %{{y:.4g}}<extra></extra>"}


def casing(color: str) -> str:
    """The outline that sets a line off any background: dark under light colours, white under dark."""
    r, g, b = (int(color[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return "#000000" if 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.35 else "#FFFFFF"


def _curves(lanes: list[Lane], with_schedule: bool) -> list[dict]:
    traces = []
    for lane in lanes:
        traces += curves.cased(lane.losses, lane.color, casing(lane.color), lane.label, "loss", "x2", "y2",
                               dash=lane.dash)
        if with_schedule:
            traces += curves.cased(lane.lrs, lane.color, casing(lane.color), lane.label, "η", "x4", "y4",
                                   shape="hv")
    return traces


# ---- what moves: styles once, then each frame's coordinates and text ---------------------------

def _moving_styles(lanes, inspector, with_schedule, font_size, data=None, cross=False) -> list[dict]:
    """The moving traces without their data, in the order :func:`_moving_data` fills them."""
    line = {"type": "scatter", "mode": "lines", "hoverinfo": "skip", "showlegend": False}
    styles = [{"type": "scatter", "mode": "markers", "showlegend": False, "name": lane.label,
                "marker": {"size": 12, "color": lane.color, "line": {"color": casing(lane.color), "width": 2}},
                "hovertemplate": lane.label + " (%{x:.4g}, %{y:.4g})<extra></extra>"} for lane in lanes]
    if cross:  # under the arrows and the point, which cross its centre
        styles[0:0] = [
            {"type": "scatter", "mode": "lines+markers", "showlegend": False, "name": f"curvature: {words}",
             "line": {"color": color, "width": 3.5, "dash": dash},  # ends outlined: seen on any colour
             "marker": {"size": 7, "color": color, "line": {"color": "#000000", "width": 1.5}},
             "hovertemplate": "curvature %{text} along this direction (" + words + ")<extra></extra>"}
            for color, dash, words in CROSS.values()]
    axes = [("x2", "y2")] + ([("x4", "y4")] if with_schedule else [])
    styles += [curves.marker_style(lane.color, x, y) for x, y in axes for lane in lanes]
    if data is not None:
        styles += [{**line, "xaxis": "x5", "yaxis": "y5", "name": f"{lane.label}: fit",
                    "line": {"color": lane.color, "width": 3, "shape": "spline"}} for lane in lanes]
    if inspector is not None:
        kinds = ["grad", *(["carried"] if inspector.carried is not None else []), "update"]  # update on top
        styles += [{**line, "mode": "lines+markers", "line": {"color": ARROWS[kind][0], "width": 3,
                                                               "dash": ARROWS[kind][1]},
                    "marker": {"symbol": ["circle", "arrow"], "size": [0, 14], "angleref": "previous",
                               "color": ARROWS[kind][0], "line": {"color": "#000000", "width": 1}}}
                   for kind in kinds]
    styles.append({"type": "scatter", "mode": "text", "textposition": "bottom right", "xaxis": "x3", "yaxis": "y3",
                   "hoverinfo": "skip", "showlegend": False, "cliponaxis": False,
                   "textfont": {"size": max(font_size - 4, 11), "color": "#f4f4f4", "family": PANEL_FONT}})
    return styles


def _moving_data(lanes, lines, shown, inspector, span, with_schedule, data=None, texts=None, bends=None) -> list[list[dict]]:
    """For each shown step, the data of every moving trace (the same order as the styles): first the
    lines so far (``lines``, from :mod:`viz.so_far`: every update up to the frame's step, even when
    frames skip steps). ``bends``: the curvatures and eigenvectors at the first lane's shown points,
    and the view's width."""
    columns = list(lines)  # one list per moving trace, one entry per frame
    if bends is not None:
        columns += _cross_columns(lanes[0].points[shown], *bends)
    columns += [_xy_list(lane.points[shown]) for lane in lanes]
    series = [lane.losses for lane in lanes] + ([lane.lrs for lane in lanes] if with_schedule else [])
    for values in series:
        at = np.minimum(shown, len(values) - 1)
        ys = np.where(np.isfinite(values[at]), values[at], np.nan)
        columns.append([{"x": [int(s)], "y": [None if np.isnan(y) else float(y)]} for s, y in zip(at, ys, strict=True)])
    if data is not None:
        grid = f4(data.grid)
        columns += [[{"x": grid, "y": f4(fit[s])} for s in shown] for fit in data.fits]
    factors = None
    if inspector is not None:
        segments, factors, shortened = arrows(lanes[0].points[shown], inspector, shown, span)
        # kinds × frames × (x0, x1), (y0, y1): one tolist for all, NaN as None (JSON has no NaN)
        ends = np.where(np.isfinite(segments), segments, np.nan).transpose(0, 1, 3, 2).tolist()
        columns += [[{"x": _none(x), "y": _none(y)} for x, y in kind] for kind in ends]
        factors = list(zip(factors, shortened, strict=True))
    columns.append([{"x": [0], "y": [1], "text": [texts[int(s)] if texts is not None
                                                  else _panel(lanes, int(s), inspector, factors[i] if factors else None,
                                                              None if bends is None else bends[0][i])]}
                    for i, s in enumerate(shown)])
    return [list(frame) for frame in zip(*columns, strict=True)]


def _none(values: list) -> list:
    return [None if v != v else v for v in values]  # v != v: NaN


def _xy(points) -> dict:
    return {"x": f4(points[:, 0]), "y": f4(points[:, 1])}


def _xy_list(points) -> list[dict]:
    """One point per frame, as plain lists (cheaper than a typed array for one number)."""
    return [{"x": _none([x]), "y": _none([y])} for x, y in np.where(np.isfinite(points), points, np.nan).tolist()]


def curvature_cross(points, values, vectors, width: float) -> np.ndarray:
    """The cross at each of ``points`` (frames × 2): per eigen-direction (column of ``vectors``), a segment
    through the point whose arms are ``CROSS_VIEW`` of the view's width for the larger |λ| and in
    proportion for the other, never below ``CROSS_MIN``: (frames × 2 directions × 2 ends × 2)."""
    size = np.abs(values)
    with np.errstate(all="ignore"):
        arm = width * np.maximum(CROSS_VIEW * size / np.max(size, axis=-1, keepdims=True), CROSS_MIN)
    arm = np.where(np.isfinite(arm), arm, CROSS_MIN * width)  # flat in both directions: two short arms
    reach = np.swapaxes(vectors, -1, -2) * arm[..., None]  # frames × direction × (x, y)
    return points[:, None, None, :] + np.array([-1.0, 1.0])[:, None] * reach[:, :, None, :]


def _cross_columns(points, values, vectors, width) -> list[list[dict]]:
    """The two cross traces' data per frame: the arms that curve up, and those that curve down
    (dashed), each segment's two ends then a gap; the curvature as each end's hover text."""
    ends = curvature_cross(points, values, vectors, width)
    decimals = int(max(0, 4 - np.floor(np.log10(width))))  # ~1e-4 of the view: far below a pixel
    ends = np.round(np.where(np.isfinite(ends), ends, np.nan), decimals)
    up, down = [], []
    for frame, lams in zip(ends.tolist(), values.tolist(), strict=True):
        parts = {True: ([], [], []), False: ([], [], [])}
        for (a, b), lam in zip(frame, lams, strict=True):
            if lam != lam or a[0] != a[0]:  # NaN: the point has left, no cross
                continue
            x, y, text = parts[lam >= 0]
            x += [a[0], b[0], None]
            y += [a[1], b[1], None]
            text += [f"{lam:.3g}"] * 2 + [""]
        for column, (x, y, text) in ((up, parts[True]), (down, parts[False])):
            column.append({"x": x[:-1], "y": y[:-1], "text": text[:-1]})  # no gap after the last segment
    return [up, down]


def arrow_scale(lengths, span: float) -> np.ndarray:
    """Per row of ``lengths`` (frames × arrows): a round factor (1, 2, 5, 10, …) that makes the
    longest arrow about ``ARROW_VIEW`` of the view; never below 1 (long arrows are shortened instead)."""
    longest = np.nanmax(np.where(np.isfinite(lengths), lengths, np.nan), axis=-1, initial=0.0)
    with np.errstate(all="ignore"):
        wanted = np.where(longest > 0, ARROW_VIEW * span / longest, 1.0)
        exponent = np.floor(np.log10(np.maximum(wanted, 1.0)))
        mantissa = wanted / 10**exponent
    round_down = np.select([mantissa >= 5, mantissa >= 2], [5.0, 2.0], 1.0)
    return np.maximum(round_down * 10**exponent, 1.0)


def arrows(here, inspector: Inspector, shown, span: float):
    """Each arrow kind's segments (kinds × frames × 2 points × 2), the factor each frame's arrows
    were scaled by, and whether a frame's longest arrow had to be shortened to ``ARROW_MAX``."""
    kinds = [inspector.grad, *([inspector.carried] if inspector.carried is not None else []), inspector.update]
    deltas = np.stack([np.nan_to_num(values[shown], nan=0.0, posinf=0.0, neginf=0.0) for values in kinds])
    lengths = np.hypot(deltas[..., 0], deltas[..., 1])  # kinds × frames
    factor = arrow_scale(lengths.T, span)
    scaled = lengths * factor
    shortened = scaled.max(axis=0) > ARROW_MAX * span
    with np.errstate(all="ignore"):
        shrink = np.where(scaled > ARROW_MAX * span, ARROW_MAX * span / scaled, 1.0)
    tips = here + deltas * (factor * shrink)[..., None]
    origin = np.broadcast_to(here, tips.shape)
    segments = np.stack([origin, tips], axis=2)  # kinds × frames × 2 × 2
    segments[:, ~np.isfinite(here).all(axis=1)] = np.nan
    return segments, factor, shortened


def _panel(lanes, s, inspector, scale, bends=None) -> str:
    """The step's numbers, and the key to colours and arrows (a text trace in its own corner);
    ``bends``: the curvatures at the step, when the curvature cross is drawn."""
    if inspector is not None:
        factor, shortened = scale
        key = {kind: f"<span style='color:{ARROWS[kind][0]}'>{'┅▶' if kind == 'grad' else '━▶'}</span>"
               for kind in ARROWS}
        lines = [inspector.lines[s], f"{key['grad']} −η∇f  {key['update']} update taken  "
                 + (f"arrows ×{factor:g}" if factor > 1 else "(shortened)" if shortened else "true length")]
        if inspector.carried is not None:
            lines.append(f"{key['carried']} {inspector.carried_label}")
        if bends is not None and np.isfinite(bends).all():
            lines.append(_cross_key(bends))
    else:
        lines = [f"<b>step {s}</b>"] + [
            f"<span style='color:{lane.color}'>━━</span> {lane.label}: "
            + (f"loss {lane.losses[s]:.4g}" if np.isfinite(lane.losses[s]) else "diverged") for lane in lanes]
    return "<br>".join(lines)


def _cross_key(values) -> str:
    """The cross's line in the panel: its curvatures at the step, each in its arm's colour."""
    arms = [f"<span style='color:{CROSS['up' if lam >= 0 else 'down'][0]}'>{'━' if lam >= 0 else '╍'} λ = {lam:.3g}</span>"
            for lam in values[::-1]]
    return "curvature " + "  ".join(arms)


# ---- layout and controls ------------------------------------------------------------------------

def _layout(surface, png, lanes, with_schedule, height, font_size, narrow, data=None) -> dict:
    (x0, x1), (y0, y1) = surface.bounds
    axis = {"showgrid": False, "zeroline": False, "ticks": "outside", "mirror": True, "linecolor": "#666"}
    bottom = 10 if narrow else control_rows(font_size, narrow)[2]  # a phone's controls are under the contour
    lines = len(lanes) if data is not None else _lines(lanes)  # a data fit's box: a line a run
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


def _lines(lanes) -> int:
    return max(PANEL_LINES, 1 + len(lanes))


def _slider(shown, k, font_size, unit="step", narrow: bool = False, y: float = 0) -> dict:
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


def _buttons(font_size, narrow: bool = False, y: float = 0) -> list[dict]:
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

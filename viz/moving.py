"""The moving parts of the player (see :mod:`viz.player`): each part is one object that owns its traces'
styles and, per trace, its data at every frame, so the order of traces and of frame data cannot drift
apart. In drawing order: the lines so far (:mod:`viz.so_far`), the curvature cross, each lane's point,
its loss (and rate) marker, the data fits, the step's arrows, and the numbers box."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from viz import curves, so_far
from viz.encode import f4
from viz.player_layout import PANEL_FONT
from viz.theme import casing

ARROW_VIEW = 0.14  # arrows are scaled up until the longest is this fraction of the view


ARROW_MAX = 0.35  # and longer ones are shortened to this fraction (a diverging step is huge)


ARROWS = {"grad": ("#FFFFFF", "dot", "−η∇f, the plain gradient step"),
          "carried": ("#56B4E9", "solid", None),  # the rule's label
          "update": ("#F0E442", "solid", "the update actually taken")}
# the curvature cross: the longer arm this fraction of the view's width, none shorter than the minimum


CROSS_VIEW, CROSS_MIN = 0.1, 0.03


CROSS = {"up": ("#3DF5A4", "solid", "curves up"), "down": ("#FF6EC7", "dash", "curves down")}


@dataclass(frozen=True)
class Part:
    """Traces that move together: their styles (and any data that never changes) and, per trace, its
    data at each shown step."""

    styles: list[dict]
    columns: list[list[dict]]


LINE = {"type": "scatter", "mode": "lines", "hoverinfo": "skip", "showlegend": False}


def lines_so_far(lanes, drawn, shown) -> Part:
    return Part(*so_far.traces(lanes, drawn, shown, casing))


def cross(bends, points) -> Part:
    """The curvature cross at the first lane's point: arms that curve up, and (dashed) those that curve down."""
    styles = [{"type": "scatter", "mode": "lines+markers", "showlegend": False, "name": f"curvature: {words}",
               "line": {"color": color, "width": 3.5, "dash": dash},  # ends outlined: seen on any colour
               "marker": {"size": 7, "color": color, "line": {"color": "#000000", "width": 1.5}},
               "hovertemplate": "curvature %{text} along this direction (" + words + ")<extra></extra>"}
              for color, dash, words in CROSS.values()]
    return Part(styles, _cross_columns(points, *bends))


def points(lanes, shown) -> Part:
    styles = [{"type": "scatter", "mode": "markers", "showlegend": False, "name": lane.label,
               "marker": {"size": 12, "color": lane.color, "line": {"color": casing(lane.color), "width": 2}},
               "hovertemplate": lane.label + " (%{x:.4g}, %{y:.4g})<extra></extra>"} for lane in lanes]
    return Part(styles, [_xy_list(lane.points[shown]) for lane in lanes])


def markers(lanes, shown, with_schedule: bool) -> Part:
    """Each lane's loss at the step on the loss curve (and its rate on the rate's, with a schedule)."""
    series = [(lane, lane.losses, "x2", "y2") for lane in lanes]
    if with_schedule:
        series += [(lane, lane.lrs, "x4", "y4") for lane in lanes]
    styles, columns = [], []
    for lane, values, x, y in series:
        styles.append({**curves.marker_style(lane.color, x, y), "name": f"{lane.label}: {'loss' if y == 'y2' else 'η'} now"})
        at = np.minimum(shown, len(values) - 1)
        ys = np.where(np.isfinite(values[at]), values[at], np.nan)
        columns.append([{"x": [int(s)], "y": [None if np.isnan(v) else float(v)]} for s, v in zip(at, ys, strict=True)])
    return Part(styles, columns)


def fits(lanes, data, shown) -> Part:
    """Each lane's model over the data at its point (the batches page)."""
    styles = [{**LINE, "xaxis": "x5", "yaxis": "y5", "name": f"{lane.label}: fit",
               "line": {"color": lane.color, "width": 3, "shape": "spline"}} for lane in lanes]
    grid = f4(data.grid)
    return Part(styles, [[{"x": grid, "y": f4(fit[s])} for s in shown] for fit in data.fits])


def step_arrows(lanes, inspector, shown, span) -> tuple[Part, list]:
    """The step's arrows at the first lane's point, and per frame (factor, shortened) for the numbers."""
    kinds = ["grad", *(["carried"] if inspector.carried is not None else []), "update"]  # update on top
    styles = [{**LINE, "mode": "lines+markers", "name": f"arrow: {kind}",
               "line": {"color": ARROWS[kind][0], "width": 3, "dash": ARROWS[kind][1]},
               "marker": {"symbol": ["circle", "arrow"], "size": [0, 14], "angleref": "previous",
                          "color": ARROWS[kind][0], "line": {"color": "#000000", "width": 1}}} for kind in kinds]
    segments, factors, shortened = arrows(lanes[0].points[shown], inspector, shown, span)
    # kinds × frames × (x0, x1), (y0, y1): one tolist for all, NaN as None (JSON has no NaN)
    ends = np.where(np.isfinite(segments), segments, np.nan).transpose(0, 1, 3, 2).tolist()
    columns = [[{"x": _none(x), "y": _none(y)} for x, y in kind] for kind in ends]
    return Part(styles, columns), list(zip(factors, shortened, strict=True))


def numbers(lanes, drawn, shown, inspector, font_size, *, scales=None, bends=None, texts=None) -> Part:
    """The step's numbers in their box: ``texts`` when the page gives them, else made here."""
    style = {"type": "scatter", "mode": "text", "name": "numbers", "textposition": "bottom right",
             "xaxis": "x3", "yaxis": "y3",
             "hoverinfo": "skip", "showlegend": False, "cliponaxis": False,
             "textfont": {"size": max(font_size - 4, 11), "color": "#f4f4f4", "family": PANEL_FONT}}
    column = [{"x": [0], "y": [1], "text": [texts[int(s)] if texts is not None else
                                            panel(lanes, drawn, int(s), inspector, scales[i] if scales else None,
                                                   None if bends is None else bends[0][i])]}
              for i, s in enumerate(shown)]
    return Part([style], [column])


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


def arrows(here, inspector, shown, span: float):
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


def panel(lanes, drawn, s, inspector, scale, bends=None) -> str:
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
        lines = [f"<b>step {s}</b>"] + [racer_line(lane.label, lane.color, lane.losses[s], path.left_view, s)
                                         for lane, path in zip(lanes, drawn, strict=True)]
    return "<br>".join(lines)


def _cross_key(values) -> str:
    """The cross's line in the panel: its curvatures at the step, each in its arm's colour."""
    arms = [f"<span style='color:{CROSS['up' if lam >= 0 else 'down'][0]}'>{'━' if lam >= 0 else '╍'} λ = {lam:.3g}</span>"
            for lam in values[::-1]]
    return "curvature " + "  ".join(arms)



def racer_line(label: str, color: str, loss: float, left_view: int, s: int) -> str:
    """A racer's line in the numbers box at step ``s``: its loss, and whether it has left the view (at
    ``left_view``) or the surface by then."""
    left = 0 <= left_view <= s
    if not np.isfinite(loss):
        return f"<span style='color:{color}'>━━</span> {label}: left the surface" + (
            f" (the view at step {left_view})" if left else "")
    return f"<span style='color:{color}'>━━</span> {label}: loss {loss:.4g}" + (
        f" (left the view at step {left_view})" if left else "")

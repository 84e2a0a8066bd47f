"""The learning-rate lab's runs, compact: what the live picture carries to the browser (and what the
page's cache keeps) so that app_pages/lab.js can redraw any run while a slider moves.

Each run is drawn by :mod:`viz.fidelity` (every turn kept, a diverging run cut where it leaves, its
exit marked), then written as int16: path vertices as offsets from the view's corner, ``QUANT`` per
view width (a path is drawn at most ``fidelity.REACH`` views beyond the view, so offsets stay within
int16); the loss curve as (step, level) vertices, ``LOSS_LEVELS`` levels across the loss axis's range
(log10 of the loss on a log axis), reduced by the same contract in the chart's own units and cut at
the axis's range the same way. Runs have different lengths: ``*_starts`` say where each begins.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

import numpy as np

from viz import fidelity

QUANT = 8000  # int16 steps per view width (or height): 1/8000 of the view
LOSS_LEVELS = 10000  # int16 levels across the loss axis's range: 0.01 % of its height
MISSING = -32768  # int16: a break in a line
CURVE_TOLERANCE = 1e-3  # of the loss chart's width and height: half a pixel on its ~500 × 250 pixels


@dataclass(frozen=True)
class Live:
    """Every run of a grid ``(M, N)``, drawn and packed."""

    paths: np.ndarray  # int16 (vertices, 2)
    path_starts: np.ndarray  # int32 (M·N + 1,)
    losses: np.ndarray  # int16 (vertices, 2): step, level
    loss_starts: np.ndarray  # int32 (M·N + 1,)
    ends: np.ndarray  # float32 (M, N, 2): the last point, NaN when it is outside the view
    exits: np.ndarray  # float32 (M, N, 2): where the run left the view, NaN if it did not
    left_view: np.ndarray  # int (M, N): the step that took it out of the view, −1 if none
    loss_axis: dict  # the loss chart's y axis (fixed range: the picture is redrawn by animation)
    steps: int

    @property
    def shape(self) -> tuple[int, int]:
        return self.ends.shape[:2]


def pack(points, losses, bounds, loss_axis: dict) -> Live:
    """``points`` (steps+1, M, N, 2) and ``losses`` (steps+1, M, N) of a grid, drawn and packed."""
    steps, m, n = points.shape[0] - 1, points.shape[1], points.shape[2]
    low, high = loss_axis["range"]
    log = loss_axis["type"] == "log"
    with np.errstate(all="ignore"):
        heights = np.log10(losses) if log else np.asarray(losses, dtype=float)
    runs = fidelity.draw_many(points.reshape(steps + 1, m * n, 2), bounds)
    last = np.maximum(runs.last_step, 0)
    end = points.reshape(steps + 1, m * n, 2)[last, np.arange(m * n)]
    shown = (runs.last_step >= 0) & ((runs.left_view < 0) | (runs.left_view > runs.last_step))
    curves = np.stack([np.broadcast_to(np.arange(steps + 1.0)[:, None], (steps + 1, m * n)),
                       heights.reshape(steps + 1, m * n)], axis=-1)
    loss = fidelity.draw_many(curves, ((0.0, max(steps, 1)), (low, high)), tolerance=CURVE_TOLERANCE)
    return Live(quantize(runs.xy, bounds), runs.starts.astype("<i4"), _levels(loss.xy, low, high),
                loss.starts.astype("<i4"), np.where(shown[:, None], end, np.nan).reshape(m, n, 2).astype("<f4"),
                runs.exits.reshape(m, n, 2).astype("<f4"), runs.left_view.reshape(m, n), loss_axis, steps)


def quantize(xy, bounds) -> np.ndarray:
    (x0, x1), (y0, y1) = bounds
    scaled = (xy - np.array([x0, y0])) / np.array([x1 - x0, y1 - y0]) * QUANT
    with np.errstate(invalid="ignore"):
        return np.where(np.isfinite(scaled), np.round(scaled), MISSING).astype("<i2")


def _levels(curve, low, high) -> np.ndarray:
    """(step, height) vertices as (step, level); a break stays a break."""
    level = (curve[:, 1] - low) / (high - low) * LOSS_LEVELS
    with np.errstate(invalid="ignore"):
        out = np.column_stack([np.round(curve[:, 0]), np.round(level)])
    return np.where(np.isfinite(out).all(axis=1, keepdims=True), out, MISSING).astype("<i2")


def run(live: Live, j: int, i: int, bounds) -> tuple[np.ndarray, np.ndarray]:
    """Run ``(j, i)``'s path (vertices, NaN breaks) and loss curve (steps, losses) as the browser
    draws them (lab.js does the same arithmetic)."""
    r = j * live.shape[1] + i
    q = live.paths[live.path_starts[r] : live.path_starts[r + 1]].astype(float)
    (x0, x1), (y0, y1) = bounds
    path = q / QUANT * np.array([x1 - x0, y1 - y0]) + np.array([x0, y0])
    path[(q == MISSING).any(axis=1)] = np.nan
    c = live.losses[live.loss_starts[r] : live.loss_starts[r + 1]].astype(float)
    low, high = live.loss_axis["range"]
    height = low + c[:, 1] / LOSS_LEVELS * (high - low)
    loss = 10**height if live.loss_axis["type"] == "log" else height
    gap = (c == MISSING).any(axis=1)
    return path, np.column_stack([np.where(gap, np.nan, c[:, 0]), np.where(gap, np.nan, loss)])


def payload(live: Live, bounds, texts, first_moving: int) -> dict:
    """What lab.js reads from ``layout.meta["lab"]``."""
    (x0, x1), (y0, y1) = bounds
    m, n = live.shape
    return {
        "m": m, "n": n, "quant": QUANT, "missing": MISSING, "origin": [x0, y0], "size": [x1 - x0, y1 - y0],
        "traces": [first_moving + t for t in range(5)],
        "paths": b64(live.paths), "path_starts": b64(live.path_starts),
        "loss": {"log": live.loss_axis["type"] == "log", "range": list(live.loss_axis["range"]), "levels": LOSS_LEVELS,
                 "data": b64(live.losses), "starts": b64(live.loss_starts)},
        "ends": b64(live.ends), "exits": b64(live.exits), "texts": texts,
    }


def b64(arr: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(arr).tobytes()).decode("ascii")

"""The descent page's live knobs: what the player's figure needs to show any run of the live grid (rates ×
the momentum-like knob) at the step it stands on, so that dragging η or the knob redraws the picture in the
browser (app_pages/live.js) with no server round trip.

The whole path, its end, where it left the view and the loss curve of every run come packed from
:mod:`viz.lab_payload` (the lab's live picture, the same grid). At the step ``k`` the player stands on, each
run's line so far (drawn by :mod:`viz.fidelity`, every turn kept, cut where it leaves), its point, its loss,
the step's arrows, the curvature cross and the numbers box come from one engine run of every grid run up to
``k + 1`` with gradients and buffers kept, made by the same functions the player's own frames use.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

import landscapes
from viz import curves, descent, fidelity, lab_payload, moving, player


def trace_map(fig: dict, lane: str = descent.LABEL) -> dict:
    """Where each part the live knobs redraw sits among ``fig``'s traces, for the lane named ``lane``: by
    the names (and axes) the player gives them, so an order change in the figure cannot misplace them."""
    named = [(trace.get("name", ""), trace.get("xaxis")) for trace in fig["data"]]

    def found(name, axis=None):
        return named.index((name, axis)) if (name, axis) in named else None

    loss = [i for i, key in enumerate(named) if key == (lane, "x2")]  # its outline, then the curve
    return {"whole": found(f"{lane}: whole path"), "end": found(f"{lane}: end"),
            "exit": found(f"{lane}: left the view"), "point": found(lane), "marker": found(f"{lane}: loss now", "x2"),
            "numbers": found("numbers", "x3"), "loss": loss if len(loss) == 2 else [],
            "blocks": [i for i, (name, _) in enumerate(named)
                       if name.startswith(f"{lane}: so far") and ", to step " in name],
            "tails": [found(f"{lane}: so far (outline)"), found(f"{lane}: so far")],
            "arrows": {kind: found(f"arrow: {kind}") for kind in moving.ARROWS},
            "cross": [found(f"curvature: {words}") for *_, words in moving.CROSS.values()]}


def payload(surface, grid, live: lab_payload.Live, at_k, rows, k: int, font_size: int) -> dict:
    """The descent page's lane: the grid ``grid`` (its rates and knob values), packed ``live`` and ``at_k``
    (every grid run, knob-major, up to ``min(k + 1, steps)`` with record ``"all"``); ``rows``: the rule at
    each knob value (scalar hyperparameters: what the carried arrow reads). Each run's numbers box is the
    page's own, word for word."""
    points = at_k.points[k]  # (R, 2)
    here = _here(surface, at_k, rows, k, live.steps)
    arrows, scales = moving.step_arrows([SimpleNamespace(points=points)], here, np.arange(len(points)), player.span(surface))
    bends = (*landscapes.curvature(surface, points), player.width(surface))
    texts = [moving.panel(None, None, r, here, scales[r], bends[0][r]) for r in range(len(points))]
    return {**_common(surface, grid, live, at_k.points, at_k.losses, k, texts),
            "arrows": {kind: _rounded(column) for kind, column in zip(_kinds(here), arrows.columns, strict=True)},
            "cross": moving.cross(bends, points).columns}


def racer(surface, grid, live: lab_payload.Live, points, losses, k: int, label: str, color: str) -> dict:
    """A racer's lane on the race page: its grid of rates (``grid``, packed ``live``) and every run's
    ``points``/``losses`` up to ``min(k + 1, steps)``. Each run's text is the racer's own line of the
    numbers box, as the page writes it."""
    texts = [moving.racer_line(label, color, float(losses[k, r]), int(live.left_view.ravel()[r]), k)
             for r in range(points.shape[1])]
    return _common(surface, grid, live, points, losses, k, texts)


def lane(surface, grid, live: lab_payload.Live, points, losses, k: int, texts) -> dict:
    """A lane whose numbers box shows ``texts`` (each run's whole text at step ``k``, as the page writes it):
    the grid ``grid`` (its ``lrs``), packed ``live``, and every run's ``points``/``losses`` up to ``k + 1``."""
    return _common(surface, grid, live, points, losses, k, texts)


def _common(surface, grid, live, points, losses, k: int, texts) -> dict:
    bounds = surface.bounds
    so_far = fidelity.draw_many(points[: k + 1], bounds)
    with np.errstate(invalid="ignore"):
        loss_now = np.where(np.abs(losses[k]) < 3e38, losses[k], np.nan)
    packed = lab_payload.payload(live, bounds, texts, 0)
    packed.pop("traces")
    here = points[k]
    return {**packed, "k": int(k), "steps": int(live.steps), "lrs": [float(v) for v in grid.lrs],
            "loss_axis": live.loss_axis,
            "betas": [float(v) for v in np.atleast_1d(getattr(grid, "betas", []))],
            "so_far": lab_payload.b64(lab_payload.quantize(so_far.xy, bounds)),
            "so_far_starts": lab_payload.b64(so_far.starts.astype("<i4")),
            "points": lab_payload.b64(np.where(np.isfinite(here), here, np.nan).astype("<f4")),
            "loss_now": lab_payload.b64(loss_now.astype("<f4"))}


def loss_axis(axes: list[dict]) -> dict:
    """One loss axis for lanes whose grids have their own (``Plotly.relayout`` keys for the player's loss
    chart): log when every one is, spanning them all."""
    if all(a["type"] == "log" for a in axes):
        low, high = min(a["range"][0] for a in axes), max(a["range"][1] for a in axes)
        axis = {"type": "log", "range": [low, high], **curves.log_ticks(10**low, 10**high, labels=5)}
    else:
        ends = [10 ** np.array(a["range"]) if a["type"] == "log" else np.array(a["range"]) for a in axes]
        axis = {"type": "linear", "range": [float(min(e[0] for e in ends)), float(max(e[1] for e in ends))]}
    keys = ("type", "range", "tickvals", "ticktext", "tickmode", "dtick", "exponentformat")
    return {f"yaxis2.{key}": axis[key] for key in keys if key in axis} | {"yaxis2.autorange": False}


def _rounded(column: list[dict]) -> list[dict]:
    """Arrow ends to 5 significant digits (~1e-5 of the view: far below a pixel), None where NaN."""
    return [{axis: [None if v is None else float(f"{v:.5g}") for v in values] for axis, values in segment.items()}
            for segment in column]


def _kinds(here) -> list[str]:
    return ["grad", *(["carried"] if here.carried is not None else []), "update"]


def _here(surface, at_k, rows, k: int, steps: int) -> player.Inspector:
    """Every run's step at ``k`` as the player's inspector holds a run's steps: the arrows (−η∇f, the
    carried part, the update taken) and the numbers box's lines, indexed by run."""
    n_runs = at_k.points.shape[1]
    lrs = np.asarray(at_k.lrs).reshape(at_k.lrs.shape[0], n_runs) if at_k.steps else np.zeros((1, n_runs))
    lr = lrs[min(k, len(lrs) - 1)]
    taken = k < steps and k + 1 < len(at_k.points)
    update = at_k.points[k + 1] - at_k.points[k] if taken else np.zeros((n_runs, 2))
    grad = -lr[:, None] * at_k.grads[k]
    carried = _carried(at_k, rows, k, lr) if taken else np.zeros((n_runs, 2)) if rows[0].carried_label else None
    lines = {r: descent.numbers(_One(at_k, r, steps, lr[r]), k) for r in range(n_runs)}
    return player.Inspector(grad=grad, update=update, carried=carried, carried_label=rows[0].carried_label, lines=lines)


def _carried(at_k, rows, k: int, lr) -> np.ndarray | None:
    """Each run's carried part of its update at ``k``, from the rule at its knob value (row-major runs)."""
    per_row = len(lr) // len(rows)
    parts = []
    for j, rule in enumerate(rows):
        runs = slice(j * per_row, (j + 1) * per_row)
        step = {"lr": lr[runs], "t": np.full(per_row, k + 1)}
        for key, history in at_k.state.items():
            step[key + "_prev"], step[key] = history[k, runs], history[k + 1, runs]
        part = rule.carried_step(step)
        if part is None:
            return None
        parts.append(part)
    return np.concatenate(parts)


class _One:
    """Run ``r`` of a batch of runs, as :func:`viz.descent.numbers` reads one run (its ``steps`` the
    whole run's, its points only up to ``k + 1``)."""

    def __init__(self, traj, r: int, steps: int, lr: float):
        self.points, self.losses, self.grads = traj.points[:, r], traj.losses[:, r], traj.grads[:, r]
        self.state = {key: history[:, r] for key, history in traj.state.items()}
        self.steps, self.lrs = steps, np.full(steps, lr)

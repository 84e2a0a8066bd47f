"""The descent loop: one array computation per step for every start at once."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

MAX_ENGINE_STEPS = 100_000  # a URL or a slider can ask for more; a page should clamp well below this
MAX_VALUES = 50_000_000  # (steps + 1) × starts: keeps one run's buffers under a few GB
ESCAPE_SPANS = 10.0  # a point this many view-widths beyond the surface's bounds has left it


@dataclass(frozen=True)
class Trajectory:
    """The record of one run. ``B`` is the shape of the batch of starts (``()`` for one start); ``d``
    the number of parameters (2 on every surface; a network's weights on ``landscapes.network``).

    Index ``k`` is the point after ``k`` updates: update ``k + 1`` starts from ``points[k]`` with
    gradient ``grads[k]``, buffers ``state[...][k]`` and learning rate ``lrs[k]``.
    """

    points: np.ndarray  # (steps+1, *B, d)
    losses: np.ndarray  # (steps+1, *B): the full loss, also on mini-batch runs
    lrs: np.ndarray  # (steps,), or (steps, N) when the learning rate differs across starts
    diverged_at: np.ndarray  # (*B,) int: first step that left the surface, −1 if none
    grads: np.ndarray | None = None  # (steps+1, *B, d): the gradient an update used (noise included)
    state: dict = field(default_factory=dict)  # buffer → (steps+1, *B, d), after each update

    @property
    def steps(self) -> int:
        return len(self.points) - 1


def descend(surface, optimizer, start, steps, *, batch_size=None, noise=0.0, seed=0,
            record="all") -> Trajectory:
    """Run ``optimizer`` on ``surface`` from ``start`` (shape ``(..., d)``, d = ``surface.dim``, 2 unless the
    surface says otherwise) for ``steps`` updates.

    - The learning rate is the optimizer's ``lr``: a number, an array over starts, or a schedule
      ``t ↦ lr_t`` (see ``optim.schedules``).
    - ``batch_size`` (data surfaces only): each update uses the mean gradient over a mini-batch drawn
      from seeded, shuffled epochs (the last batch of an epoch may be smaller, like a DataLoader with
      ``drop_last=False``); 1 is SGD, ``None`` the full batch. Every start sees the same batches.
    - ``noise``: σ of seeded Gaussian noise added to every gradient coordinate.
    - ``record``: ``"all"`` keeps gradients and buffers, ``"path"`` only points and losses, ``"end"``
      only the last two points and losses (``points[-1]`` is where each start ended, ``points[-1] −
      points[-2]`` its last update): what a basin map of 40 000 starts needs, in two rows of memory.

    Divergence: a start diverges at the first step ``k`` whose point or loss is not finite, or whose
    point lies more than ``ESCAPE_SPANS`` times the view's width (or height) outside the surface's
    bounds. ``diverged_at`` records ``k``; ``points[k]`` is kept (it shows where the path left) and every
    later point, loss, gradient and buffer of that start is NaN. No NumPy warning escapes.
    """
    start, steps, noise = _check_inputs(surface, start, steps, batch_size, noise, record)
    batch_shape = start.shape[:-1]
    n = int(np.prod(batch_shape))
    lrs = _learning_rates(optimizer.lr, steps)
    with np.errstate(all="ignore"):
        run = _Run(surface, optimizer, start.reshape(n, start.shape[-1]), steps, record, deferred=batch_size is not None)
        run.loop(lrs, _batches(surface, batch_size, steps, seed), noise, np.random.default_rng([seed, 1]))
    return run.trajectory(batch_shape, lrs)


class _Run:
    """The preallocated buffers of one run, each coordinate of all starts contiguous: ``(steps+1, d, N)``
    (two rows used in turn with ``record="end"``).

    ``deferred``: a mini-batch run's full losses, and the divergence rule, are computed after the
    loop for every step in one array call (a step's own work is a gradient over a few samples; the
    full loss over all of them, and the checks, cost as much again). A start that leaves keeps
    stepping on in the loop (its numbers overflow quietly), and everything after it is blanked, as
    when the loop stops it at once.
    """

    def __init__(self, surface, optimizer, starts, steps, record, deferred=False):
        n, d = starts.shape
        self.surface, self.optimizer, self.record, self.steps = surface, optimizer, record, steps
        self.deferred = deferred and record != "end"
        rows = 2 if record == "end" else steps + 1
        self.points = np.empty((rows, d, n))
        self.losses = np.empty((rows, n))
        self.diverged_at = np.full(n, -1)
        self.points[0] = starts.T
        low, high = np.asarray(surface.bounds, dtype=float).T  # (d,) each: the view, one side per coordinate
        self.box = np.column_stack([low - ESCAPE_SPANS * (high - low), high + ESCAPE_SPANS * (high - low)])
        self.box_bounds = self.box.tolist()
        self.state = optimizer.init(self.points[0].T)  # (N, d) views of (d, N) arrays
        self.tmp = np.empty((d, n)).T
        self.grad_buf, self.scratch = np.empty((d, n)).T, np.empty(n)  # for fused, in-place evaluation
        self.grads, self.history = None, {}
        if record == "all":
            self.grads = np.empty((steps + 1, d, n))
            self.history = {k: np.empty((steps + 1, d, n)) for k in self.state}
            for key, buf in self.state.items():
                self.history[key][0] = buf.T

    def at(self, k: int) -> int:
        """The row that holds step ``k``."""
        return k % 2 if self.record == "end" else k

    def loop(self, lrs, batches, noise, rng):
        steps = self.steps
        for k in range(steps + 1):
            params = self.points[self.at(k)].T
            idx = next(batches)
            if k == steps and self.record in ("path", "end"):
                if not self.deferred:
                    self.losses[self.at(k)] = self.surface.loss(params)
                    self._check_divergence(k)
                break
            grad = self._loss_and_gradient(k, params, idx, noise, rng)
            left = None if self.deferred else self._check_divergence(k)
            if self.record == "all":
                self.grads[k] = grad.T
            if k == steps:
                break
            nxt = self.points[self.at(k + 1)]
            np.copyto(nxt, self.points[self.at(k)])
            self.optimizer.step_(nxt.T, grad, self.state, lrs[k], k + 1, self.tmp)
            if left is not None:
                # No more updates for a start that left: NaN propagates through every rule.
                nxt[:, left] = np.nan
                for buf in self.state.values():
                    buf[left] = np.nan
            if self.record == "all":
                for key, buf in self.state.items():
                    self.history[key][k + 1] = buf.T
        if self.deferred:
            self._losses_after_the_loop()
        self._blank_after_divergence()

    def _losses_after_the_loop(self):
        """The divergence rule, applied to the whole run at once: the first step whose point left
        the box or whose point or loss is not finite (its later values are blanked after)."""
        self.losses[:] = self.surface.loss(np.moveaxis(self.points, 1, -1))
        box = self.box[None, :, :]
        inside = ((box[..., :1] <= self.points) & (self.points <= box[..., 1:])).all(axis=1)
        bad = ~(inside & np.isfinite(self.losses))  # (steps+1, N)
        self.diverged_at[:] = np.where(bad.any(axis=0), bad.argmax(axis=0), -1)

    def _loss_and_gradient(self, k, params, idx, noise, rng):
        """Store the loss at step k; return the gradient the update uses."""
        surface, row = self.surface, self.at(k)
        if idx is None and surface.loss_and_grad is not None:
            _, grad = surface.loss_and_grad(params, out=(self.losses[row], self.grad_buf, self.scratch))
        else:
            if not self.deferred:
                self.losses[row] = surface.loss(params)
            grad = surface.grad(params) if idx is None else surface.grad(params, idx)
        if noise:
            grad = grad + noise * rng.standard_normal(params.shape[::-1]).T
        return grad

    def _check_divergence(self, k):
        """The starts that leave the surface at step ``k`` (a boolean mask), or None."""
        pts, box, losses = self.points[self.at(k)], self.box, self.losses[self.at(k)]
        # Fast path, three reductions: a NaN or inf anywhere fails a comparison or the sum.
        if self._all_inside(pts.min(axis=1).tolist(), pts.max(axis=1).tolist()) and math.isfinite(losses.sum()):
            return None
        inside = ((box[:, :1] <= pts) & (pts <= box[:, 1:])).all(axis=0)
        new = ~(inside & np.isfinite(losses)) & (self.diverged_at < 0)
        if not new.any():
            return None
        self.diverged_at[new] = k
        return new

    def _all_inside(self, lows: list, highs: list) -> bool:
        if len(lows) == 2:  # the surfaces' case, in plain floats: a step's own work is a few microseconds
            (x_low, y_low), (x_high, y_high), ((bx0, bx1), (by0, by1)) = lows, highs, self.box_bounds
            return bx0 <= x_low and x_high <= bx1 and by0 <= y_low and y_high <= by1
        return bool((self.box[:, 0] <= lows).all() and (np.asarray(highs) <= self.box[:, 1]).all())

    def _blank_after_divergence(self):
        """Whatever a start computed after it left is NaN, whatever the surface does with NaN."""
        if (self.diverged_at < 0).all():
            return
        if self.record == "end":  # where a start that left ended is unknown: NaN, as on a full path
            gone = (self.diverged_at >= 0) & (self.diverged_at < self.steps)
            self.points[self.at(self.steps)][:, gone] = np.nan
            self.losses[self.at(self.steps)][gone] = np.nan
            return
        stopped = np.where(self.diverged_at < 0, len(self.points), self.diverged_at)
        later = np.arange(len(self.points))[:, None] > stopped  # (steps+1, N)
        np.copyto(self.losses, np.nan, where=later)
        for buf in (self.points, *self.history.values()):
            np.copyto(buf, np.nan, where=later[:, None, :])
        if self.grads is not None:
            np.copyto(self.grads, np.nan, where=later[:, None, :])

    def trajectory(self, batch_shape, lrs):
        if self.record == "end":  # the two rows in step order: [previous, last]
            order = [self.at(max(self.steps - 1, 0)), self.at(self.steps)]
            self.points, self.losses = self.points[order], self.losses[order]

        def shaped(buf):
            return np.moveaxis(buf, 1, -1).reshape((len(buf), *batch_shape, buf.shape[1]))

        full = self.record == "all"
        return Trajectory(
            points=shaped(self.points),
            losses=self.losses.reshape((len(self.losses), *batch_shape)),
            lrs=lrs if lrs.ndim == 1 else lrs.reshape(len(lrs), -1),
            diverged_at=self.diverged_at.reshape(batch_shape),
            grads=shaped(self.grads) if full else None,
            state={key: shaped(buf) for key, buf in self.history.items()} if full else {},
        )


def _learning_rates(lr, steps):
    """lr of each update: ``(steps,)``, or ``(steps, N, 1)`` when lr is an array over starts."""
    base = np.asarray(lr.lr if callable(lr) else lr, dtype=float)
    t = np.arange(steps).reshape((steps,) + (1,) * base.ndim)
    if not callable(lr):
        return np.broadcast_to(base, t.shape[:1] + base.shape).astype(float)
    lrs = np.asarray(lr(t), dtype=float)
    if not np.all(np.isfinite(lrs)) or np.any(lrs < 0):
        raise ValueError("the schedule gave a learning rate that is negative or not finite")
    return np.broadcast_to(lrs, t.shape[:1] + base.shape).astype(float)


def _batches(surface, batch_size, steps, seed):
    """Sample indices for each update (``None`` for the full batch), from seeded shuffled epochs."""
    if batch_size is None:
        while True:
            yield None
    rng = np.random.default_rng([seed, 0])
    while True:
        order = rng.permutation(surface.n_samples)
        for lo in range(0, surface.n_samples, batch_size):
            yield order[lo:lo + batch_size]


def _check_inputs(surface, start, steps, batch_size, noise, record):
    try:
        start = np.array(start, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"start must be numbers of shape (..., {_dim(surface)}), got {start!r}") from None
    if start.ndim == 0 or start.shape[-1] != _dim(surface) or start.size == 0:
        raise ValueError(f"start must have shape (..., {_dim(surface)}), got shape {start.shape}")
    if not np.all(np.isfinite(start)):
        raise ValueError("start must be finite numbers (no NaN or inf)")
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or not 0 <= steps <= MAX_ENGINE_STEPS:
        raise ValueError(f"steps must be a whole number from 0 to {MAX_ENGINE_STEPS}, got {steps!r}")
    rows = 2 if record == "end" else steps + 1  # record="end" keeps two rows, whatever the steps
    # a run of d parameters keeps d/2 times a surface's values per start: counted as that many starts
    if rows * (start.size // 2) > MAX_VALUES:
        raise ValueError(f"the rows kept × starts must be at most {MAX_VALUES:,}; got {rows} × {start.size // 2}")
    _check_batch(surface, batch_size)
    try:
        noise = float(noise)
    except (TypeError, ValueError):
        raise ValueError(f"noise must be a number ≥ 0, got {noise!r}") from None
    if not (np.isfinite(noise) and noise >= 0):
        raise ValueError(f"noise must be a finite number ≥ 0, got {noise!r}")
    if record not in ("all", "path", "end"):
        raise ValueError(f"record must be 'all', 'path' or 'end', got {record!r}")
    return start, int(steps), noise


def _dim(surface) -> int:
    return int(getattr(surface, "dim", 2))


def _check_batch(surface, batch_size):
    if batch_size is None:
        return
    if not surface.n_samples:
        raise ValueError(f"batch_size needs a data surface; {surface.name} is analytic (use noise)")
    valid = isinstance(batch_size, (int, np.integer)) and not isinstance(batch_size, bool)
    if not valid or not 1 <= batch_size <= surface.n_samples:
        raise ValueError(f"batch_size must be a whole number from 1 to {surface.n_samples} "
                         f"(the surface's samples), got {batch_size!r}")

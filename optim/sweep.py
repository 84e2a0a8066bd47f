"""Learning-rate sweeps: one rule from one start at many learning rates in one engine run, each run
sorted into a zone, beside the lines theory draws on a quadratic.

``sweep`` repeats the start once per rate and hands the engine the rates as an ``(N, 1)`` array
(its form for a learning rate per start). Each run's zone:

- ``"diverge"``: it left the surface, or ended not finite or higher than it started;
- ``"oscillate"``: more than half of its successive updates reverse direction (a zig-zag);
- ``"converge"``: it came within the tolerance of the minimum's loss;
- ``"crawl"``: none of these: too slow to get there in the steps given.

``sweep_grid`` adds a momentum-like knob as a second axis, still in one run. ``theory``,
``momentum_rate`` and ``optimal_momentum`` are what the textbook says on a quadratic (Polyak 1964;
Goh, "Why momentum really works", Distill 2017), to draw and test the measurements against.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from optim import summary
from optim.descend import MAX_ENGINE_STEPS, MAX_VALUES, descend
from optim.registry import defaults, get, names
from optim.registry import rule as rule_class
from optim.theory import is_number as _is_number
from optim.theory import momentum_rate, optimal_momentum, theory  # noqa: F401  (the sweep's theory, as pages name it)

ZONES = ("crawl", "converge", "oscillate", "diverge")  # in the order they come along the learning rate
MAX_RATES = 10_000
MAX_KNOB_VALUES = 1_000
MOMENTUM_LIKE = ("momentum", "beta1", "alpha")  # the URL keys of knobs that weigh the past against g_t
NEGLIGIBLE = 1e-9  # an update this much shorter than the run's longest has no direction worth counting
PROBES_PER_DECADE = 4  # useful_range's probe
CHUNK = 1024  # runs measured at a time: the temporaries stay small whatever the sweep's size
_TINY = np.finfo(float).tiny


@dataclass(frozen=True)
class Sweep:
    """One rule from one start at many learning rates: entry ``i`` of each array is ``lrs[i]``'s run."""

    lrs: np.ndarray  # (N,)
    final_loss: np.ndarray  # (N,): NaN where the run left the surface before its last step
    diverged_at: np.ndarray  # (N,) int: the engine's, −1 if none
    steps_to_tolerance: np.ndarray  # (N,) int: the first step within tol of f_star, −1 if none
    zone: np.ndarray  # (N,) str: "diverge", "oscillate", "converge" or "crawl"
    f_star: float  # the loss the tolerance is measured from
    tol: float
    # with keep_paths=True: every run's path and losses, (steps+1, N, 2) and (steps+1, N)
    points: np.ndarray | None = None
    losses: np.ndarray | None = None
    # "reached", as every page says it (optim.summary): the first step within reach_tol of a minimum
    reached_at: np.ndarray | None = None  # (N,) int, −1 if never
    reach_tol: float = float("nan")


@dataclass(frozen=True)
class SweepGrid:
    """A sweep over learning rates and a momentum-like knob: ``[i, j]`` is the run at ``betas[i]``
    and ``lrs[j]``."""

    knob: str  # the knob's URL key: "momentum", "beta1" or "alpha"
    betas: np.ndarray  # (M,)
    lrs: np.ndarray  # (N,)
    final_loss: np.ndarray  # (M, N)
    diverged_at: np.ndarray  # (M, N) int
    steps_to_tolerance: np.ndarray  # (M, N) int
    zone: np.ndarray  # (M, N) str
    f_star: float
    tol: float
    points: np.ndarray | None = None  # with keep_paths=True: (steps+1, M, N, 2)
    losses: np.ndarray | None = None  # (steps+1, M, N)
    reached_at: np.ndarray | None = None  # (M, N) int: as Sweep's
    reach_tol: float = float("nan")


def sweep(surface, rule, start, lrs, steps, *, tol=1e-6, keep_paths=False, **hyperparameters) -> Sweep:
    """Run ``rule`` (a name) from ``start`` (``None``: the surface's) at each of ``lrs`` for ``steps``
    updates, in one engine run, and measure each run.

    ``steps_to_tolerance`` is the first step ``k`` with ``loss_k − f* ≤ tol · (loss_0 − f*)``, where
    f* is the loss at the surface's first minimum, or the lowest loss of the sweep on a surface with
    none. The other ``hyperparameters`` are numbers, or arrays of one value per rate. ``keep_paths``
    keeps every run's points and losses (what a picture of the sweep draws).
    """
    lrs, start, tol = _check_values("lrs", lrs, MAX_RATES, positive=True), _check_start(surface, start), _check_tol(tol)
    n = len(lrs)
    steps = _check_steps(steps, n)
    optimizer = get(rule, lr=lrs[:, None], **_per_run(_without_lr(hyperparameters), n))
    measured = _run(surface, optimizer, start, n, steps, tol, keep_paths)
    return Sweep(lrs, **measured, tol=tol)


def sweep_grid(surface, rule, start, lrs, betas, /, steps, *, tol=1e-6, keep_paths=False,
               **hyperparameters) -> SweepGrid:
    """``sweep`` at every pair of ``betas`` (values of the rule's momentum-like knob: ``momentum``,
    Adam's β₁, RMSProp's α; see :func:`momentum_knob`) and ``lrs``, in one engine run.

    The grid's ``betas`` is positional only, so Adam's own ``betas=(β₁, β₂)`` can still be passed as
    a keyword, for β₂: the grid replaces its β₁.
    """
    knob = momentum_knob(rule)
    lrs, start, tol = _check_values("lrs", lrs, MAX_RATES, positive=True), _check_start(surface, start), _check_tol(tol)
    betas = _check_values(f"betas (values of {knob.key})", betas, MAX_KNOB_VALUES)
    m, n = len(betas), len(lrs)
    steps = _check_steps(steps, m * n)
    optimizer = grid_optimizer(rule, lrs, betas, **hyperparameters)
    measured = _run(surface, optimizer, start, m * n, steps, tol, keep_paths)
    grids = {key: value.reshape(*value.shape[:-1], m, n) if key == "losses" else
             value.reshape(value.shape[0], m, n, 2) if key == "points" else value.reshape(m, n)
             for key, value in measured.items() if isinstance(value, np.ndarray)}
    return SweepGrid(knob.key, betas, lrs, **grids, f_star=measured["f_star"], tol=tol, reach_tol=measured["reach_tol"])


def grid_optimizer(rule, lrs, betas, /, **hyperparameters):
    """``rule`` (a name) with one run per pair of ``betas`` (its momentum-like knob; empty: the rule has
    none, one row) and ``lrs``, knob-major: the runs :func:`sweep_grid` makes, for a caller that runs them
    further (the descent page's live knobs keep each run's gradients and buffers up to one step)."""
    lrs, betas = np.asarray(lrs, dtype=float), np.asarray(betas, dtype=float)
    if betas.size == 0:
        return get(rule, lr=lrs[:, None], **_per_run(_without_lr(hyperparameters), len(lrs)))
    m, n = len(betas), len(lrs)
    hyper = _with_knob(rule, momentum_knob(rule), _per_run(_without_lr(hyperparameters), m * n),
                       np.repeat(betas, n)[:, None])
    return get(rule, lr=np.tile(lrs, m)[:, None], **hyper)


def momentum_knob(rule):
    """The knob of ``rule`` that plays momentum's part (a :class:`~optim.rule.Knob`), read from its
    declared knobs; a rule without one raises ``ValueError``."""
    for knob in rule_class(rule).knobs:
        if knob.key in MOMENTUM_LIKE:
            return knob
    having = [name for name in names() if any(k.key in MOMENTUM_LIKE for k in rule_class(name).knobs)]
    raise ValueError(f"{rule} has no momentum-like knob; sweep_grid takes one of: {', '.join(having)}")


KNOB_VALUES = (0.0, 0.5, 0.8, 0.9, 0.95, 0.99, 0.999)  # how much of the past a momentum-like knob keeps


def knob_values(rule) -> np.ndarray:
    """The values of ``rule``'s momentum-like knob a picture offers: those of ``KNOB_VALUES`` within the
    knob's range, and its default; empty for a rule without such a knob."""
    try:
        knob = momentum_knob(rule)
    except ValueError:
        return np.array([])
    inside = [v for v in KNOB_VALUES if knob.low <= v <= knob.high]
    return np.unique([*inside, float(knob.default)])


def log_grid(low, high, n) -> np.ndarray:
    """``n`` learning rates evenly spaced on a log scale from ``low`` to ``high``, both included."""
    for name, value in (("low", low), ("high", high)):
        if not _is_number(value) or np.ndim(value) or not np.isfinite(value) or value <= 0:
            raise ValueError(f"{name} must be a finite number > 0, got {value!r}")
    if low > high:
        raise ValueError(f"low must be at most high, got {low!r} > {high!r}")
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 1 <= n <= MAX_RATES:
        raise ValueError(f"n must be a whole number from 1 to {MAX_RATES:,}, got {n!r}")
    return np.geomspace(float(low), float(high), int(n))


def useful_range(surface, rule, start, steps, **hyperparameters) -> tuple[float, float]:
    """A learning-rate range worth sweeping for ``rule`` on ``surface``: ``(low, high)``.

    From 1e-4× to 10× the surface's default rate for the rule's family (``Surface.defaults.lr_for``
    with ``Rule.lr_family``), widened to contain the divergence edge when there is one: a probe sweep
    of 4 rates a decade from 1e-6× to 1e4× the default finds the smallest rate that diverges, and
    the range then reaches from at most 1e-4× to at least 2× that rate.
    """
    base = surface.defaults.lr_for(*rule_class(rule).lr_family)
    low, high = 1e-4 * base, 10 * base
    probe = sweep(surface, rule, start, log_grid(1e-6 * base, 1e4 * base, 10 * PROBES_PER_DECADE + 1), steps,
                  **hyperparameters)
    diverging = probe.lrs[probe.zone == "diverge"]
    if len(diverging):
        edge = float(diverging.min())
        low, high = min(low, 1e-4 * edge), max(high, 2 * edge)
    return low, high


# --- one run, measured ---


def _run(surface, optimizer, start, n, steps, tol, keep_paths=False) -> dict:
    """Run ``n`` copies of ``start`` (each with its own row of the optimizer's arrays); measure each."""
    traj = descend(surface, optimizer, np.tile(start, (n, 1)), steps, record="path")
    with np.errstate(all="ignore"):
        f_star = _f_star(surface, traj.losses)
        parts = [_measure(traj.points[:, rows], traj.losses[:, rows], f_star, tol) for rows in _chunks(n)]
    steps_to_tolerance, oscillating = (np.concatenate(p) for p in zip(*parts, strict=True))
    final, first = traj.losses[-1].copy(), traj.losses[0]
    diverged = (traj.diverged_at >= 0) | ~np.isfinite(final) | (final > first)
    zone = np.select([diverged, oscillating, steps_to_tolerance >= 0], ["diverge", "oscillate", "converge"], "crawl")
    paths = {"points": traj.points, "losses": traj.losses} if keep_paths else {}
    minima, reach_tol = summary.minima_for(surface, traj.points), summary.tolerance_for(surface)
    reached = np.concatenate([summary.reached_at(traj.points[:, rows], minima, reach_tol) for rows in _chunks(n)])
    return {"final_loss": final, "diverged_at": traj.diverged_at.astype(int), "steps_to_tolerance": steps_to_tolerance,
            "zone": zone, "f_star": f_star, **paths, "reached_at": reached, "reach_tol": reach_tol}


def _f_star(surface, losses) -> float:
    minima = np.asarray(surface.minima, dtype=float).reshape(-1, 2)
    if len(minima):
        return float(surface.loss(minima[0]))
    finite = losses[np.isfinite(losses)]
    return float(finite.min()) if finite.size else float("nan")


def _chunks(n):
    return [slice(lo, lo + CHUNK) for lo in range(0, n, CHUNK)]


def _measure(points, losses, f_star, tol):
    """Each run's first step within tolerance (−1 if none), and whether it oscillates."""
    gap = losses - f_star
    # a start already at f* (gap 0) must reach gap ≤ 0 again, not be excused by a zero tolerance
    reached = gap <= tol * np.maximum(gap[0], _TINY)
    first = np.where(reached.any(axis=0), reached.argmax(axis=0), -1)
    return first, _oscillating(points)


def _oscillating(points):
    """Runs where more than half of the pairs of successive, non-negligible updates point against
    each other (a negative dot product). NaN updates (after divergence) are never counted."""
    updates = np.diff(points, axis=0)  # (steps, n, 2)
    length = np.sqrt(np.einsum("kni,kni->kn", updates, updates))
    longest = np.where(np.isfinite(length), length, 0).max(axis=0)
    counted = length > NEGLIGIBLE * longest
    pairs = counted[1:] & counted[:-1]
    against = (np.einsum("kni,kni->kn", updates[1:], updates[:-1]) < 0) & pairs
    return against.sum(axis=0) > pairs.sum(axis=0) / 2


# --- inputs ---


def _check_values(name, values, most, *, positive=False) -> np.ndarray:
    if not _is_number(values):
        raise ValueError(f"{name} must be numbers, got {values!r}")
    arr = np.array(values, dtype=float)
    if arr.ndim != 1 or not 1 <= len(arr) <= most:
        raise ValueError(f"{name} must be a flat list of 1 to {most:,} numbers, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite numbers (no NaN or inf)")
    if positive and np.any(arr <= 0):
        raise ValueError(f"{name} must be > 0, got {arr.min():g}")
    return arr


def _check_start(surface, start) -> np.ndarray:
    start = surface.start if start is None else start
    point = np.array(start, dtype=float) if _is_number(start) else None
    if point is None or point.shape != (2,) or not np.all(np.isfinite(point)):
        raise ValueError(f"start must be one point (x, y) of finite numbers, got {start!r}")
    return point


def _check_steps(steps, runs) -> int:
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or not 1 <= steps <= MAX_ENGINE_STEPS:
        raise ValueError(f"steps must be a whole number from 1 to {MAX_ENGINE_STEPS:,}, got {steps!r}")
    if (steps + 1) * runs > MAX_VALUES:  # the engine keeps every point of every run
        raise ValueError(f"(steps + 1) × runs must be at most {MAX_VALUES:,}; {steps} steps allow "
                         f"{MAX_VALUES // (steps + 1):,} runs, got {runs:,}")
    return int(steps)


def _check_tol(tol) -> float:
    if not _is_number(tol) or np.ndim(tol) or not 0 <= tol < 1:  # NaN fails the comparison
        raise ValueError(f"tol must be a number in [0, 1), got {tol!r}")
    return float(tol)


def _without_lr(hyperparameters) -> dict:
    if "lr" in hyperparameters:
        raise ValueError("lr is what a sweep varies: pass the learning rates as lrs")
    return hyperparameters


def _per_run(hyperparameters, n) -> dict:
    """Numbers as they are; arrays of one value per run as ``(n, 1)`` columns, the engine's form."""
    return {key: _column(key, value, n) for key, value in hyperparameters.items()}


def _column(name, value, n):
    if name == "betas" and isinstance(value, (tuple, list)):  # Adam's pair: each a number or a column
        return tuple(_column(f"{name}[{i}]", v, n) for i, v in enumerate(value))
    if np.ndim(value) == 0 or not _is_number(value):
        return value  # the rule validates it
    arr = np.asarray(value, dtype=float)
    if arr.shape not in ((n,), (n, 1)):
        raise ValueError(f"{name} must be a number or {n} values (one per run), got shape {arr.shape}")
    return arr.reshape(n, 1)


def _with_knob(rule, knob, hyper, values) -> dict:
    """``hyper`` with the grid's knob set to ``values`` (inside its tuple for Adam's β₁)."""
    if knob.index is None:
        if knob.param in hyper:
            raise ValueError(f"{knob.param} is the grid's second axis: pass its values as betas")
        return {**hyper, knob.param: values}
    pair = list(hyper.get(knob.param, defaults(rule)[knob.param]))
    pair[knob.index] = values
    return {**hyper, knob.param: tuple(pair)}

"""The picture's contract with the engine: a drawn path is the true path.

Every figure and export draws a path through :func:`draw`, which

- keeps every update the engine made, up to a reduction that only drops a point lying within
  ``TOLERANCE`` of the drawn line (Ramer–Douglas–Peucker, in view units: half a pixel on a
  1 000-pixel picture), so every turn stays and a period-2 zig-zag stays a zig-zag. Never every n-th
  point: through every second step a zig-zag is a smooth arc;
- keeps the points a caller names (``keys``: the steps an animation stops on), so the line "so far"
  at any of those steps is the same true line cut there (:meth:`Drawn.so_far`);
- draws a diverging run until it leaves: a segment that flies off is cut where it crosses a box
  ``REACH`` views around the view (beyond the plot's edge, so on screen the line leaves through the
  edge in its true direction), and the first crossing of the view's own edge is the exit, with the
  step that made it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

TOLERANCE = 5e-4  # of the view's width and height: half a pixel on a 1 000-pixel picture
REACH = 1.0  # views beyond each edge a path is still drawn (the plot clips it at its edge)
CHUNK = 256  # points a reduction looks at together (bounds its rounds; costs a point per chunk)


@dataclass(frozen=True)
class Drawn:
    """A path as a figure draws it: vertices ``xy`` (m, 2) with NaN rows where the line breaks (it
    left the box and came back), and ``steps`` (m,), the update at which each vertex is reached."""

    xy: np.ndarray
    steps: np.ndarray
    exit: np.ndarray | None  # where the path first crosses the view's edge, or None
    left_view: int  # the step that took it out of the view, −1 if none
    last_step: int  # the last step with a finite point (the run left the surface after it)

    def upto(self, step: int) -> int:
        """How many vertices the line holds once ``step`` is reached."""
        return int(np.searchsorted(self.steps, step, side="right"))

    def so_far(self, step: int) -> np.ndarray:
        return self.xy[: self.upto(step)]


def draw(points, bounds, keys=None, tolerance: float = TOLERANCE, reach: float = REACH) -> Drawn:
    """``points`` (steps+1, 2) as drawn in the view ``bounds``; ``keys``: steps whose line so far must
    be exact (each keeps its last vertex); ``reach``: views beyond the edge the line is still drawn
    (0: cut at the view's edge, as a 3D view over the surface's grid needs)."""
    many = draw_many(np.asarray(points, dtype=float)[:, None], bounds, keys, tolerance, reach)
    exit_point = many.exits[0] if many.left_view[0] >= 0 else None
    return Drawn(many.xy, many.steps, exit_point, int(many.left_view[0]), int(many.last_step[0]))


@dataclass(frozen=True)
class Many:
    """Paths drawn together: run ``r``'s vertices are ``xy[starts[r]:starts[r + 1]]``."""

    xy: np.ndarray
    steps: np.ndarray
    starts: np.ndarray
    exits: np.ndarray  # (R, 2), NaN where a run never left the view
    left_view: np.ndarray  # (R,)
    last_step: np.ndarray  # (R,): the last step with a finite point, −1 if none


def draw_many(points, bounds, keys=None, tolerance: float = TOLERANCE, reach: float = REACH) -> Many:
    """``points`` (steps+1, R, 2): R paths drawn by one vectorized pass (the lab draws 448 at once)."""
    points = np.asarray(points, dtype=float)
    finite = np.isfinite(points).all(axis=-1)
    last = np.where(finite.all(axis=0), len(points) - 1, finite.argmin(axis=0) - 1)
    xy, steps, run = _clip(points, last, _box(bounds, reach))
    starts = np.searchsorted(run, np.arange(points.shape[1] + 1))
    keep = _reduce(_unit(xy, bounds), steps, starts, keys, tolerance)
    left, exits = _exits(points, last, bounds)
    return Many(xy[keep], steps[keep], np.searchsorted(keep, starts), exits, left, last)


def _exits(points, last, bounds) -> tuple[np.ndarray, np.ndarray]:
    """Per run, the first step outside the view and where the segment into it crosses the view's edge."""
    (x0, x1), (y0, y1) = bounds
    x, y = points[..., 0], points[..., 1]
    with np.errstate(invalid="ignore"):  # a point that is not finite left the surface, not the view
        outside = np.isfinite(points).all(axis=-1) & ~((x >= x0) & (x <= x1) & (y >= y0) & (y <= y1))
    left = np.where(outside.any(axis=0), outside.argmax(axis=0), -1)
    exits = np.where((left == 0)[:, None], points[0], np.nan)
    if len(points) > 1:
        runs, k = np.arange(points.shape[1]), np.clip(left, 1, len(points) - 1)
        a, b = points[k - 1, runs], points[k, runs]
        _, t1 = _liang_barsky(a, b, _box(bounds, 0.0))
        exits = np.where((left > 0)[:, None], a + np.clip(t1, 0, 1)[:, None] * (b - a), exits)
    return left, exits


def _box(bounds, reach: float) -> np.ndarray:
    (x0, x1), (y0, y1) = bounds
    w, h = x1 - x0, y1 - y0
    return np.array([[x0 - reach * w, x1 + reach * w], [y0 - reach * h, y1 + reach * h]])


def _liang_barsky(a, b, box):
    """Per segment a→b, the parameters (t0, t1) of its part inside ``box``; t0 > t1: none of it."""
    d = b - a
    t0, t1 = np.zeros(a.shape[:-1]), np.ones(a.shape[:-1])
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):  # a near-parallel segment: r = ±inf
        for axis in (0, 1):
            for p, q in ((-d[..., axis], a[..., axis] - box[axis, 0]), (d[..., axis], box[axis, 1] - a[..., axis])):
                r = q / p
                t0 = np.where(p < 0, np.maximum(t0, r), t0)
                t1 = np.where(p > 0, np.minimum(t1, r), t1)
                t1 = np.where((p == 0) & (q < 0), -1.0, t1)  # parallel to this edge and beyond it
    return t0, t1


def _clip(points, last, box):
    """Every run's vertices inside ``box``, run after run: a segment that leaves is cut at the box, a
    NaN row breaks the line where it was outside; each vertex labelled with the step that reaches it
    and its run. Item 0 of a run is its start; item i ≥ 1 is the segment i−1 → i, which adds its end
    (or where it leaves the box), after a break and its entry point when it comes in from outside."""
    n_steps, runs = points.shape[0], points.shape[1]
    a, b = points[:-1], points[1:]
    t0, t1 = _liang_barsky(a, b, box)
    valid = np.arange(n_steps - 1)[:, None] < last[None, :]
    seen = valid & (t0 <= t1)
    inside0 = (last >= 0) & ((box[:, 0] <= points[0]) & (points[0] <= box[:, 1])).all(axis=-1)
    enters = seen & (t0 > 0)
    count = np.vstack([inside0[None].astype(int), seen.astype(int) + 2 * enters]).T  # (R, steps+1) items
    # a run that starts outside the box: its first entry needs no break before it
    first_item = np.where(count.any(axis=1), (count > 0).argmax(axis=1), -1)
    lead = (first_item > 0) & np.take_along_axis(np.hstack([np.zeros((runs, 1), bool), enters.T]),
                                                 np.maximum(first_item, 0)[:, None], axis=1)[:, 0]
    flat = count.ravel()
    end = np.cumsum(flat)
    total = int(end[-1]) if end.size else 0
    xy, steps, run = np.empty((total, 2)), np.empty(total, int), np.empty(total, int)
    item_run, item = np.divmod(np.arange(flat.size), n_steps)
    at = end - 1  # every item's last vertex: the start, or the segment's end (or exit)
    has = flat > 0
    start_items = has & (item == 0)
    seg = has & (item > 0)
    i, r = item[seg] - 1, item_run[seg]
    xy[at[start_items]] = points[0, item_run[start_items]]
    out = t1[i, r] < 1
    xy[at[seg]] = np.where(out[:, None], a[i, r] + t1[i, r][:, None] * (b[i, r] - a[i, r]), b[i, r])
    entering = seg.copy()
    entering[seg] = enters[i, r]
    ie, re_ = item[entering] - 1, item_run[entering]
    xy[at[entering] - 1] = a[ie, re_] + t0[ie, re_][:, None] * (b[ie, re_] - a[ie, re_])
    xy[at[entering] - 2] = np.nan
    for back in range(3):  # an item's vertices: its last, then (entering) its entry and the break before
        slot = has & (flat > back)
        steps[at[slot] - back] = item[slot]
        run[at[slot] - back] = item_run[slot]
    drop = np.zeros(total, bool)
    lead_items = np.flatnonzero(lead) * n_steps + first_item[lead]
    drop[end[lead_items] - 3] = True
    return xy[~drop], steps[~drop], run[~drop]


def _unit(xy, bounds) -> np.ndarray:
    (x0, x1), (y0, y1) = bounds
    return (xy - np.array([x0, y0])) / np.array([x1 - x0, y1 - y0])


def _reduce(u, steps, starts, keys, tolerance) -> np.ndarray:
    """Indices of the vertices to keep: Ramer–Douglas–Peucker in view units, on every gap between kept
    vertices at once; a round splits each gap whose farthest vertex is beyond ``tolerance`` there, and
    only the vertices of gaps that split are looked at again."""
    m = len(u)
    kept = np.zeros(m, dtype=bool)
    if m == 0:
        return np.flatnonzero(kept)
    gap = np.isnan(u).any(axis=1)
    breaks = np.flatnonzero(gap)
    ends = starts[1:] - 1
    kept[starts[:-1][starts[:-1] < m]] = True
    kept[ends[ends >= 0]] = True
    kept[breaks] = True
    kept[breaks - 1] = True  # a piece's last vertex
    kept[np.minimum(breaks + 1, m - 1)] = True  # and the next piece's first
    kept[::CHUNK] = True
    if keys is not None:
        keys = np.sort(np.asarray(keys))
        here, after = np.searchsorted(keys, steps[:-1]), np.searchsorted(keys, steps[1:])
        kept[:-1] |= here < after  # the last vertex before a key's step is passed
    u = np.where(gap[:, None], 0.0, u)
    # a turn sharper than the tolerance is kept from the start (a zig-zag keeps every turn anyway): the
    # rounds below, one per level of splitting, then only refine smooth stretches
    if m > 2:
        sharp = _distance(u[1:-1], u[:-2], u[2:]) > tolerance
        kept[1:-1] |= sharp & ~gap[:-2] & ~gap[2:]
    active = np.flatnonzero(~kept)
    while active.size:
        index = np.flatnonzero(kept)
        owner = np.searchsorted(index, active) - 1  # the kept vertex before each: gaps are contiguous runs
        far = _distance(u[active], u[index[owner]], u[index[owner + 1]])
        first = np.flatnonzero(np.concatenate([[True], owner[1:] != owner[:-1]]))
        starts_here = np.zeros(active.size, dtype=int)
        starts_here[first] = 1
        group = np.cumsum(starts_here) - 1
        farthest = np.maximum.reduceat(far, first)
        split = farthest > tolerance
        if not split.any():
            break
        # each splitting gap's farthest vertex (its first, on a tie)
        at_max = np.flatnonzero((far == farthest[group]) & split[group])
        chosen = at_max[np.concatenate([[True], group[at_max][1:] != group[at_max][:-1]])]
        kept[active[chosen]] = True
        active = active[split[group] & ~kept[active]]
    return np.flatnonzero(kept)


def _distance(p, a, b) -> np.ndarray:
    """Distance of each point ``p`` to the segment a→b."""
    d = b - a
    length2 = np.einsum("ij,ij->i", d, d)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.clip(np.einsum("ij,ij->i", p - a, d) / length2, 0.0, 1.0)
    t = np.where(length2 > 0, t, 0.0)
    return np.hypot(*(p - a - t[:, None] * d).T)


def distance_to_line(points, line) -> np.ndarray:
    """Each of ``points`` (n, 2): its distance to the polyline ``line`` (m, 2, NaN rows break it);
    what the tests hold every figure to."""
    line = np.asarray(line, dtype=float)
    a, b = line[:-1], line[1:]
    ok = np.isfinite(a).all(axis=1) & np.isfinite(b).all(axis=1)
    a, b = a[ok], b[ok]
    single = line[np.isfinite(line).all(axis=1)]
    if len(a) == 0:
        a = b = single[:1] if len(single) else np.full((1, 2), np.nan)
    best = np.full(len(points), np.inf)
    for start in range(0, len(a), 2048):  # bounded memory for long lines
        aa, bb = a[start : start + 2048], b[start : start + 2048]
        d = bb - aa
        length2 = np.einsum("ij,ij->i", d, d)
        diff = points[:, None, :] - aa[None]
        with np.errstate(divide="ignore", invalid="ignore"):
            t = np.clip(np.einsum("nmj,mj->nm", diff, d) / length2, 0.0, 1.0)
        t = np.where(length2 > 0, t, 0.0)
        gap = diff - t[..., None] * d[None]
        best = np.minimum(best, np.hypot(gap[..., 0], gap[..., 1]).min(axis=1))
    return best

"""The learning-rate lab without Streamlit: its settings, and the live picture's compact payload."""

import json

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import landscapes
import optim
from optim.summary import reached_words
from optim.sweep import knob_values, log_grid, sweep, sweep_grid
from settings.lab import PARTS, REGIMES, parse_lab, to_lab_query
from tests.draws import draws
from viz import descent, fidelity, lab, lab_payload
from viz.encode import decode


def live(surface_name="ravine", rule="momentum", steps=100, rates=64, high=0.5):
    surface = landscapes.get(surface_name)
    lrs = log_grid(1e-3, high, rates)
    values = knob_values(rule)
    if len(values):
        grid = sweep_grid(surface, rule, surface.start, lrs, values, steps=steps, keep_paths=True)
        label = optim.rule(rule).knobs[0].label
    else:
        grid, label = sweep(surface, rule, surface.start, lrs, steps, keep_paths=True), ""
    return surface, grid, lab.live_figure(surface, descent.surface_layer(surface), grid, optim.rule(rule), (0, 10),
                                          knob_label=label)


def packed(surface, grid):
    return lab.thinned(grid, surface.bounds)[1]


def in_view(points, bounds):
    (x0, x1), (y0, y1) = bounds
    return (points[..., 0] >= x0) & (points[..., 0] <= x1) & (points[..., 1] >= y0) & (points[..., 1] <= y1)


def test_the_payload_holds_every_step_of_every_run_of_the_one_sweep():
    surface, grid, fig = live(high=2.0)
    live_runs = packed(surface, grid)
    m, n = len(grid.betas), len(grid.lrs)
    meta = fig["layout"]["meta"]["lab"]
    assert (meta["m"], meta["n"]) == (m, n) and m >= 6 and n >= 60
    (x0, x1), (y0, y1) = surface.bounds
    diag = np.hypot(x1 - x0, y1 - y0)
    low, high = fig["layout"]["yaxis2"]["range"]
    for j in range(m):
        for i in range(n):
            path, curve = lab_payload.run(live_runs, j, i, surface.bounds)
            truth = grid.points[:, j, i]
            seen = truth[in_view(truth, surface.bounds)]
            assert fidelity.distance_to_line(seen, path).max(initial=0) <= 0.005 * diag, (j, i)
            # the loss curve: every step on the axis's range, within 0.5 % of the chart's diagonal
            with np.errstate(divide="ignore", invalid="ignore"):
                height = np.log10(grid.losses[:, j, i])
            on = np.isfinite(height) & (height >= low) & (height <= high)
            steps = np.arange(len(height))
            chart = np.column_stack([steps / steps[-1], (height - low) / (high - low)])[on]
            drawn = np.column_stack([curve[:, 0] / steps[-1], (np.log10(curve[:, 1]) - low) / (high - low)])
            assert fidelity.distance_to_line(chart, drawn).max(initial=0) <= 0.005 * np.sqrt(2), (j, i)


def test_a_zig_zag_stays_a_zig_zag_in_the_live_picture():
    # ravine, plain descent near 2/L: the first step overshoots to (−1.34, −1.51), and every later turn shows
    surface = landscapes.get("ravine")
    grid = sweep(surface, "sgd", surface.start, np.array([0.0723, 0.09]), 100, keep_paths=True)
    live_runs = packed(surface, grid)
    for i in range(2):
        path, _ = lab_payload.run(live_runs, 0, i, surface.bounds)
        assert fidelity.distance_to_line(grid.points[:, i], path).max() < 1e-3 * np.hypot(6, 4)  # the view: 6 × 4
    path, _ = lab_payload.run(live_runs, 0, 0, surface.bounds)
    assert np.abs(path - [-1.34, -1.51]).max(axis=1).min() < 0.01


def test_a_diverging_run_is_drawn_until_it_leaves_with_where_and_when():
    surface = landscapes.get("ravine")
    grid = sweep(surface, "sgd", surface.start, np.array([0.9]), 100, keep_paths=True)
    assert grid.diverged_at[0] > 0
    thin, live_runs = lab.thinned(grid, surface.bounds)
    path, curve = lab_payload.run(live_runs, 0, 0, surface.bounds)
    assert len(path) >= 2 and np.isfinite(path).all(axis=1).sum() >= 2  # the start and the way out
    left = int(live_runs.left_view[0, 0])
    assert left == 1 and np.isfinite(live_runs.exits[0, 0]).all() and np.isnan(live_runs.ends[0, 0]).all()
    (x0, x1), (y0, y1) = surface.bounds
    ex, ey = live_runs.exits[0, 0]
    assert min(abs(ex - x0), abs(ex - x1), abs(ey - y0), abs(ey - y1)) < 1e-4  # on the view's edge
    assert np.isfinite(curve[:, 1]).sum() >= 2  # the loss curve climbs until it leaves the chart
    assert f"left the view at step {left}" in lab.live_text(thin, live_runs, 0, 0)


def test_what_the_picture_shows_first_is_the_run_at_the_sliders():
    surface, grid, fig = live()
    path, _, _, numbers, _ = fig["data"][-5:]
    drawn, _ = lab_payload.run(packed(surface, grid), 0, 10, surface.bounds)
    np.testing.assert_allclose(decode(path["x"]), drawn[:, 0], rtol=1e-6)
    assert numbers["text"][0].startswith(lab.numbers_text(grid, 0, 10))
    meta = fig["layout"]["meta"]["lab"]
    assert [fig["data"][t]["name"] for t in meta["traces"]] == ["path", "end", "loss", "numbers", "left the view"]
    sliders = fig["layout"]["sliders"]
    assert [s["active"] for s in sliders] == [10, 0] and len(sliders[0]["steps"]) == len(grid.lrs)
    assert all(step["method"] == "skip" for s in sliders for step in s["steps"])  # lab.js redraws, not plotly


def test_the_numbers_say_what_the_engine_measured():
    surface, grid, _ = live("bowl", "sgd", steps=60, high=2.0)
    thin, live_runs = lab.thinned(grid, surface.bounds)
    diverging = int(np.flatnonzero(grid.zone == "diverge")[0])
    text = lab.live_text(thin, live_runs, 0, diverging)
    left, gone = int(live_runs.left_view[0, diverging]), int(grid.diverged_at[diverging])
    assert 0 <= left < gone  # it leaves the picture before it leaves the surface: both are said
    assert text.split("<br>")[:2] == [f"it diverges: left the view at step {left}", f"and the surface at step {gone}"]
    best = int(np.argmin(np.where(grid.reached_at >= 0, grid.reached_at, 10**9)))
    assert reached_words(grid.reached_at[best], grid.reach_tol) in lab.numbers_text(grid, 0, best)
    assert reached_words(grid.reached_at[best], grid.reach_tol).startswith("within 0.02 of a minimum at step")


def test_the_live_figure_weighs_what_the_page_states():
    _, _, fig = live("rosenbrock", "adam", steps=1000)  # seven β₁ values, 64 rates, the longest run
    size = len(json.dumps(fig, separators=(",", ":")))
    # every turn of 448 runs of 1 000 steps (61 points a run before the fidelity contract: 400 kB)
    assert size < 600_000  # bench/pages.py prints the whole rerun


def test_a_rule_without_a_momentum_like_knob_has_one_slider():
    _, _, fig = live("ravine", "sgd")
    assert [s["name"] for s in fig["layout"]["sliders"]] == ["lr"]


# ---- settings ----------------------------------------------------------------------------------

def test_a_lab_link_round_trips_and_bad_values_get_notes():
    b, notes = parse_lab({"surface": "bowl", "opt": "adam", "part": "line", "line": "double_well", "slow": "0.001",
                          "fast": "2.5", "beta1": "0.8"})
    assert notes == [] and (b.part, b.line, b.slow, b.right, b.fast) == ("line", "double_well", 0.001, None, 2.5)
    assert parse_lab(to_lab_query(b)) == (b, [])
    bad, notes = parse_lab({"part": "nope", "slow": "abc", "right": "1e9", "line": "<b>", "batch": "4", "k": "3"})
    assert (bad.part, bad.slow, bad.right, bad.line) == ("regimes", None, 100.0, "parabola")
    assert len(notes) == 6 and all("<" not in note for note in notes)


@settings(max_examples=draws(300), deadline=None)
@given(st.dictionaries(st.sampled_from(["surface", "opt", "lr", "part", *REGIMES, "line", "steps", "momentum", "x0",
                                        "sched", "zz"]), st.text(max_size=12), max_size=8))
@example({"slow": "0\x85"})  # float() takes it (a Unicode space), the rate's reader does not: it once crashed the page
def test_any_lab_link_parses_and_round_trips(query):
    b, _ = parse_lab(query)
    assert b.part in PARTS and all(v is None or 1e-6 <= v <= 100 for v in b.regimes.values())
    assert parse_lab(to_lab_query(b)) == (b, [])


@pytest.mark.parametrize("rule", optim.names())
def test_every_rule_gets_a_live_grid_from_one_engine_run(rule, monkeypatch):
    calls = []
    real = optim.sweep.__globals__["descend"]

    def counting(*args, **kwargs):
        calls.append(args[2].shape)
        return real(*args, **kwargs)

    monkeypatch.setitem(optim.sweep.__globals__, "descend", counting)
    live("beale", rule, steps=50, rates=60)
    assert len(calls) == 1 and calls[0][0] == 60 * max(1, len(knob_values(rule)))


@pytest.mark.parametrize("rule", ["momentum", "sgd"])
def test_a_thinned_grid_draws_the_same_live_picture_and_keeps_a_fraction_of_the_bytes(rule):
    surface, grid, full = live("ravine", rule, steps=1000)
    thin, live_runs = lab.thinned(grid, surface.bounds)
    kept = thin.points.nbytes + live_runs.paths.nbytes + live_runs.losses.nbytes
    assert kept * 4 < grid.points.nbytes  # what the page's cache keeps
    label = optim.rule(rule).knobs[0].label if len(knob_values(rule)) else ""
    drawn = lab.live_figure(surface, descent.surface_layer(surface), thin, optim.rule(rule), (0, 10),
                            knob_label=label, live=live_runs)
    assert json.dumps(drawn, sort_keys=True) == json.dumps(full, sort_keys=True)

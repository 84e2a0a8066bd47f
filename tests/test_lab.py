"""The learning-rate lab without Streamlit: its settings, and the live picture's compact payload."""

import base64
import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import landscapes
import optim
from optim.sweep import knob_values, log_grid, sweep, sweep_grid
from settings.lab import PARTS, REGIMES, parse_lab, to_lab_query
from viz import descent, lab
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


def payload(fig):
    meta = fig["layout"]["meta"]["lab"]
    paths = np.frombuffer(base64.b64decode(meta["paths"]), dtype="<i2").reshape(meta["m"], meta["n"], meta["k"], 2)
    losses = lab.loss_from_levels(meta["loss"]).reshape(meta["m"], meta["n"], meta["k"])
    return meta, paths, losses


def test_the_payload_holds_every_run_of_the_one_sweep_to_a_fraction_of_a_pixel():
    surface, grid, fig = live()
    meta, paths, losses = payload(fig)
    m, n = len(grid.betas), len(grid.lrs)
    assert (meta["m"], meta["n"]) == (m, n) and m >= 6 and n >= 60
    shown = np.array(meta["steps"])
    assert shown[0] == 0 and shown[-1] == 100 and len(shown) <= lab.PATH_POINTS
    drawn = lab.dequantize(paths, surface.bounds)  # (m, n, k, 2)
    truth = grid.points[shown].transpose(1, 2, 0, 3)
    (x0, x1), (y0, y1) = surface.bounds
    near = np.isfinite(drawn).all(axis=-1)
    assert near.mean() > 0.5
    err = np.abs(drawn - truth)[near]
    assert np.all(err[:, 0] <= (x1 - x0) / lab.QUANT) and np.all(err[:, 1] <= (y1 - y0) / lab.QUANT)
    # a point is missing only where the run left the surface or went more than REACH views away
    away = ~np.isfinite(truth).all(axis=-1) | (np.abs(truth - [x0, y0]) / [x1 - x0, y1 - y0] > lab.REACH).any(axis=-1)
    np.testing.assert_array_equal(~near, away)
    # losses within the loss axis's range to a fraction of its height; off it, not carried (NaN)
    truth = grid.losses[shown].transpose(1, 2, 0)
    low, high = fig["layout"]["yaxis2"]["range"]
    on_axis = (np.log10(truth) >= low) & (np.log10(truth) <= high)
    np.testing.assert_array_equal(np.isfinite(losses), on_axis)
    np.testing.assert_allclose(np.log10(losses[on_axis]), np.log10(truth[on_axis]), atol=(high - low) / 30000)


def test_what_the_picture_shows_first_is_the_run_at_the_sliders():
    _, grid, fig = live()
    path, _, _, numbers = fig["data"][-4:]
    points = grid.points[lab.sample_steps(100), 0, 10]
    np.testing.assert_allclose(decode(path["x"]), points[:, 0], rtol=1e-6)
    assert numbers["text"][0] == lab.numbers_text(grid, 0, 10)
    meta = fig["layout"]["meta"]["lab"]
    assert [fig["data"][t]["name"] for t in meta["traces"]] == ["path", "end", "loss", "numbers"]
    sliders = fig["layout"]["sliders"]
    assert [s["active"] for s in sliders] == [10, 0] and len(sliders[0]["steps"]) == len(grid.lrs)
    assert all(step["method"] == "skip" for s in sliders for step in s["steps"])  # lab.js redraws, not plotly


def test_the_numbers_say_what_the_engine_measured():
    _, grid, _ = live("bowl", "sgd", steps=60, high=2.0)
    diverging = int(np.flatnonzero(grid.zone == "diverge")[0])
    text = lab.numbers_text(grid, 0, diverging)
    assert "diverges" in text and f"left the surface at step {grid.diverged_at[diverging]}" in text
    best = int(np.argmin(np.where(grid.steps_to_tolerance >= 0, grid.steps_to_tolerance, 10**9)))
    assert f"within tolerance at step {grid.steps_to_tolerance[best]}" in lab.numbers_text(grid, 0, best)


def test_the_live_figure_weighs_what_the_page_states():
    _, _, fig = live("rosenbrock", "adam", steps=1000)  # seven β₁ values, 64 rates, the longest run
    size = len(json.dumps(fig, separators=(",", ":")))
    assert size < 400_000  # bench/pages.py prints the whole rerun (README: the lab weighs ≤ 0.8 MB a rerun)


def test_a_rule_without_a_momentum_like_knob_has_one_slider():
    _, _, fig = live("ravine", "sgd")
    assert [s["name"] for s in fig["layout"]["sliders"]] == ["lr"]


def test_quantize_marks_points_far_away_or_not_finite_as_missing():
    bounds = ((-1.0, 1.0), (0.0, 2.0))
    q = lab.quantize(np.array([[0.0, 1.0], [np.nan, 1.0], [100.0, 1.0], [-1.0, 0.0]]), bounds)
    assert q.tolist() == [[4000, 4000], [lab.MISSING] * 2, [lab.MISSING] * 2, [0, 0]]


# ---- settings ----------------------------------------------------------------------------------

def test_a_lab_link_round_trips_and_bad_values_get_notes():
    b, notes = parse_lab({"surface": "bowl", "opt": "adam", "part": "line", "line": "double_well", "slow": "0.001",
                          "fast": "2.5", "beta1": "0.8"})
    assert notes == [] and (b.part, b.line, b.slow, b.right, b.fast) == ("line", "double_well", 0.001, None, 2.5)
    assert parse_lab(to_lab_query(b)) == (b, [])
    bad, notes = parse_lab({"part": "nope", "slow": "abc", "right": "1e9", "line": "<b>", "batch": "4", "k": "3"})
    assert (bad.part, bad.slow, bad.right, bad.line) == ("regimes", None, 100.0, "parabola")
    assert len(notes) == 6 and all("<" not in note for note in notes)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(["surface", "opt", "lr", "part", *REGIMES, "line", "steps", "momentum", "x0",
                                        "sched", "zz"]), st.text(max_size=12), max_size=8))
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
    thin, kept = lab.thinned(grid)
    assert kept[0] == 0 and kept[-1] == 1000 and len(kept) == lab.PATH_POINTS
    assert thin.points.nbytes * 16 < grid.points.nbytes  # what the page's cache keeps
    label = optim.rule(rule).knobs[0].label if len(knob_values(rule)) else ""
    drawn = lab.live_figure(surface, descent.surface_layer(surface), thin, optim.rule(rule), (0, 10),
                            knob_label=label, kept=kept)
    assert json.dumps(drawn, sort_keys=True) == json.dumps(full, sort_keys=True)

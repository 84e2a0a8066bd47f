"""The fidelity contract: every drawn path is the true path (viz/fidelity.py), held to every figure
builder and export. A true point inside the view lies within 0.5 % of the view's diagonal of the drawn
line; the line "so far" at an animation frame holds every update up to that frame's step; a diverging
run is drawn until it leaves the view, with the exit marked."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import landscapes
import optim
from optim.race import race
from tests.draws import draws
from viz import compare, export, fidelity, player, so_far, surface3d
from viz import descent as descent_figures
from viz import race as race_figures
from viz.descent import surface_layer
from viz.encode import decode

SLACK = 0.005  # of the view's diagonal


def diagonal(bounds) -> float:
    (x0, x1), (y0, y1) = bounds
    return float(np.hypot(x1 - x0, y1 - y0))


def in_view(points, bounds):
    (x0, x1), (y0, y1) = bounds
    return points[(points[:, 0] >= x0) & (points[:, 0] <= x1) & (points[:, 1] >= y0) & (points[:, 1] <= y1)]


def assert_drawn(truth, line, bounds, what=""):
    seen = in_view(truth[np.isfinite(truth).all(axis=1)], bounds)
    worst = fidelity.distance_to_line(seen, line).max(initial=0.0) / diagonal(bounds)
    assert worst <= SLACK, f"{what}: a true point is {worst:.2%} of the diagonal off the drawn line"


def xy(trace) -> np.ndarray:
    return np.column_stack([decode(trace["x"]), decode(trace["y"])])


def assert_player(fig, lanes, bounds):
    """Every lane's whole path, and its line so far at every frame (the last one included)."""
    names = [t.get("name", "") for t in fig["data"]]
    for lane in lanes:
        assert_drawn(lane.points, xy(fig["data"][names.index(f"{lane.label}: whole path")]), bounds, "whole path")
        for frame in fig["frames"]:
            step = int(frame["name"])
            line = so_far.line_at(fig, frame, f"{lane.label}: so far")
            assert_drawn(lane.points[: step + 1], line, bounds, f"so far at {step}")
            # and nothing beyond the step: the line ends where the point is
            here = lane.points[step]
            if np.isfinite(here).all() and len(in_view(here[None], bounds)):
                assert np.allclose(line[np.isfinite(line).all(axis=1)][-1], here, atol=1e-5 * diagonal(bounds))


def run(surface_name, rule, lr, steps, **hyper):
    surface = landscapes.get(surface_name)
    return surface, optim.descend(surface, optim.get(rule, lr=lr, **hyper), np.array(surface.start), steps)


# ---- the helper itself ------------------------------------------------------------------------

@settings(max_examples=draws(60), deadline=None)
@given(rule=st.sampled_from(["sgd", "momentum", "nesterov", "adam", "rmsprop"]),
       edge=st.floats(0.8, 1.15), steps=st.integers(1, 1000), every=st.integers(1, 7))
def test_every_true_point_is_on_the_drawn_line_and_on_every_line_so_far(rule, edge, steps, every):
    # rates around plain descent's edge 2/L on the ravine (L = its largest curvature): zig-zags, slow and fast
    surface = landscapes.get("ravine")
    lr = edge * 2 / float(surface.lipschitz) * (0.1 if rule in ("adam", "rmsprop") else 1.0)
    traj = optim.descend(surface, optim.get(rule, lr=lr), np.array(surface.start), steps)
    keys = np.arange(0, steps + 1, every)
    line = fidelity.draw(traj.points, surface.bounds, keys=keys)
    assert_drawn(traj.points, line.xy, surface.bounds)
    for s in keys[:: max(1, len(keys) // 25)]:
        assert_drawn(traj.points[: s + 1], line.so_far(int(s)), surface.bounds, f"so far at {s}")


def test_a_period_two_zig_zag_is_not_smoothed_into_an_arc():
    # through every second step a zig-zag is a smooth arc: the contract keeps every turn
    surface, traj = run("ravine", "sgd", 0.09, 400)
    line = fidelity.draw(traj.points, surface.bounds)
    assert_drawn(traj.points, line.xy, surface.bounds)
    arc = traj.points[::2]
    off = fidelity.distance_to_line(in_view(traj.points, surface.bounds), arc).max() / diagonal(surface.bounds)
    assert off > 0.05  # what the old every-n-th thinning drew: the zig-zag gone


def test_a_run_that_flies_off_is_cut_at_the_edge_in_its_true_direction():
    surface, traj = run("bowl", "sgd", 1.2, 30)
    line = fidelity.draw(traj.points, surface.bounds)
    assert line.left_view == 1 and traj.diverged_at > 1
    a, b = traj.points[0], traj.points[1]
    exit_point = line.exit
    direction = (exit_point - a) / np.linalg.norm(exit_point - a)
    np.testing.assert_allclose(direction, (b - a) / np.linalg.norm(b - a), atol=1e-9)
    (x0, x1), (y0, y1) = surface.bounds
    assert min(abs(exit_point[0] - x0), abs(exit_point[0] - x1), abs(exit_point[1] - y0), abs(exit_point[1] - y1)) < 1e-9
    assert len(line.xy) >= 2  # the start and the way out, at least


def test_a_long_run_keeps_its_turns_and_drops_what_lies_on_the_line():
    surface, traj = run("bowl", "sgd", 0.01, 1000)  # a smooth curve: few vertices carry it
    line = fidelity.draw(traj.points, surface.bounds)
    assert len(line.xy) < 100
    assert_drawn(traj.points, line.xy, surface.bounds)


# ---- every figure builder and export ------------------------------------------------------------

@pytest.mark.parametrize(("surface_name", "rule", "lr", "steps"), [
    ("ravine", "sgd", 0.09, 100), ("ravine", "sgd", 0.0723, 400), ("bowl", "sgd", 1.2, 50),
    ("rosenbrock", "momentum", 0.002, 1000), ("saddle", "adam", 0.05, 200)])
def test_the_descent_picture_draws_every_step(surface_name, rule, lr, steps):
    surface, traj = run(surface_name, rule, lr, steps)
    fig = descent_figures.picture(surface, surface_layer(surface), traj, optim.get(rule, lr=lr), steps, False)
    assert_player(fig, descent_figures.lanes(traj), surface.bounds)


def test_the_race_so_far_lines_zig_zag_as_the_runs_do():
    # the lesson "Momentum crosses the ravine": plain descent's thick line so far zig-zags from wall to wall
    surface = landscapes.get("ravine")
    entries = [("sgd", {"lr": 0.09}), ("momentum", {"lr": 0.02, "momentum": 0.9}), ("adam", {"lr": 0.1})]
    for steps in (100, 400):
        lanes = race_figures.lanes_of(race(surface, entries, surface.start, steps))
        fig = player.figure(surface, surface_layer(surface), lanes, steps)
        assert_player(fig, lanes, surface.bounds)


def test_a_diverging_run_is_drawn_until_it_leaves_with_the_step_it_left():
    surface, traj = run("bowl", "sgd", 1.2, 30)
    fig = descent_figures.picture(surface, surface_layer(surface), traj, optim.get("sgd", lr=1.2), 30, False)
    exits = [t for t in fig["data"] if str(t.get("name", "")).endswith("left the view")]
    assert len(exits) == 1 and "left the view at step 1" in exits[0]["hovertemplate"]
    whole = xy(next(t for t in fig["data"] if t.get("name") == "path: whole path"))
    assert np.isfinite(whole).all(axis=1).sum() >= 2


def test_the_labs_three_regimes_draw_every_step():
    surface = landscapes.get("ravine")
    lanes = [player.Lane(f"η = {lr}", "#E69F00", "x", 3.0, *_path(surface, lr)) for lr in (0.01, 0.09, 0.13)]
    fig = compare.side_by_side(surface, surface_layer(surface), lanes)
    for lane in lanes:
        trace = next(t for t in fig["data"] if t.get("name") == lane.label and t.get("xaxis", "x") == "x")
        assert_drawn(lane.points, xy(trace), surface.bounds, lane.label)


def _path(surface, lr, steps=300):
    traj = optim.descend(surface, optim.get("sgd", lr=lr), np.array(surface.start), steps)
    return traj.points, traj.losses, np.ravel(traj.lrs)


def test_the_3d_view_draws_every_step_over_the_view():
    surface, traj = run("ravine", "sgd", 0.09, 200)
    fig = surface3d.surface_figure(surface, surface_layer(surface)[0], [(traj.points, "#fff", "path")], 10)
    line = next(t for t in fig["data"] if t.get("name") == "path")
    assert_drawn(traj.points, xy(line), surface.bounds, "3D")


def test_the_gif_and_png_draw_the_same_true_line_so_far():
    surface, traj = run("ravine", "sgd", 0.09, 120)
    lanes = descent_figures.lanes(traj)
    canvas = export._Canvas(surface, surface_layer(surface), lanes)
    for k in (1, 7, 60, 120):
        assert_drawn(traj.points[: k + 1], canvas.drawn[0].so_far(k), surface.bounds, f"GIF frame {k}")
    # the frame is drawn from those vertices: a pixel on the first overshoot's segment has the path's colour
    image = canvas.frame(lanes, 1, "")
    (px,), (py,) = canvas.pixels(((traj.points[0] + traj.points[1]) / 2)[None, :])
    assert image.getpixel((round(px), round(py))) == tuple(int(lanes[0].color[i : i + 2], 16) for i in (1, 3, 5))


def test_the_offline_html_page_carries_the_same_true_lines():
    import json

    surface, traj = run("ravine", "sgd", 0.09, 400)
    fig = descent_figures.picture(surface, surface_layer(surface), traj, optim.get("sgd", lr=0.09), 0, False)
    page = export.html(fig, "ravine")
    start = page.index("const fig = ") + len("const fig = ")
    embedded = json.loads(page[start : page.index(";Plotly.newPlot")].replace("<\\/", "</"))
    assert_player(embedded, descent_figures.lanes(traj), surface.bounds)


def test_a_step_of_almost_no_length_is_clipped_without_a_warning():
    """A run that settles on y = 0 takes steps ~1e-308 long in y: q / p overflows in the clip (a typed formula's
    live grid found it). The clip still answers, with no warning (warnings are errors here)."""
    points = np.array([[[-0.5149, -1.39074337e-306]], [[-0.5149, -3.81461708e-308]], [[-0.5149, -1e-309]]])
    drawn = fidelity.draw_many(points, ((-9.0, 9.0), (-9.0, 9.0)))
    assert np.isfinite(drawn.xy).all() and len(drawn.xy) >= 2

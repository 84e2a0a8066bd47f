"""Figure builders: what a reader must be able to read."""

from __future__ import annotations

import numpy as np
import pytest

import landscapes
import optim
import settings
from viz import basins as basin_figures
from viz import curves, descent, practice
from viz.descent import surface_layer
from viz.encode import decode, f4
from viz.player_layout import panel_font


def test_a_log_loss_axis_labels_only_what_fits_each_with_its_whole_value():
    short = curves.loss_figure([(np.linspace(1.0, 0.62, 60), "#fff", "loss")], 0)  # the "too small" lesson
    axis = short["layout"]["yaxis"]
    assert axis["type"] == "log" and 2 <= len(axis["tickvals"]) <= 6
    assert "0.7" in axis["ticktext"] and "7" not in axis["ticktext"]  # 0.7, not plotly's lone digit
    wide = curves.loss_figure([(np.logspace(2, -8, 60), "#fff", "loss")], 0)["layout"]["yaxis"]
    assert wide["tickvals"] == [1e-8, 1e-6, 1e-4, 1e-2, 1.0, 100.0]  # ten decades: every other one labelled
    assert curves.log_ticks(1e-13, 10, labels=4)["ticktext"] == ["10<sup>−12</sup>", "10<sup>−8</sup>",
                                                                  "10<sup>−4</sup>", "1"]
    assert curves.log_ticks(2.0, 2.4, labels=4)["tickvals"] == [2.0, 2.2]  # a tenth of a decade: still two


def test_the_practice_picture_does_not_give_the_answer_away():
    fig = practice.point_figure(landscapes.get("saddle"), np.array([0.0, 0.0]))
    assert not any("minimum" in str(t.get("name", "")) + str(t.get("hovertemplate", "")) for t in fig["data"])


def test_the_basin_legend_names_each_basin_with_its_share():
    s = landscapes.get("himmelblau")
    b = optim.basins(s, "adam", 40, 200, lr=0.05)
    fig = basin_figures.basin_figure(s, b, surface_layer(s)[2])
    names = [t["name"] for t in fig["data"] if t.get("name", "").startswith("minimum (")]
    assert len(names) == 4 and all(name.endswith("%") for name in names)
    every = [t["name"] for t in fig["data"] if str(t.get("name", "")).endswith("%")]  # moving, diverged too
    assert abs(sum(int(name.rsplit(" ", 1)[1].rstrip("%")) for name in every) - 100) <= len(every)


def test_the_3d_view_of_a_diverged_run_keeps_the_surface_in_sight():
    import settings
    from viz import descent
    from viz.encode import decode

    s, _ = settings.parse({"surface": "bowl", "opt": "sgd", "lr": "1.2", "steps": "40"})  # the lesson that diverges
    traj = settings.run(s)
    assert traj.diverged_at >= 0
    scene = descent.view3d(s.landscape, surface_layer(s.landscape), traj, 0)
    layout = scene["layout"]["scene"]
    assert layout["xaxis"]["range"] == [-2, 2] and layout["yaxis"]["range"] == [-2, 2]
    path = scene["data"][1]
    xs, ys, zs = (decode(path[k]) for k in "xyz")
    shown = np.isfinite(xs)
    assert shown[0] and (np.abs(xs[shown]) <= 2).all() and (np.abs(ys[shown]) <= 2).all()
    assert (zs[shown] <= layout["zaxis"]["range"][1]).all()


def test_corners_keep_the_ends_of_every_flat_stretch_and_every_change():
    from viz.curves import corners

    values = np.array([5.0, 5, 5, 4, 4, 4, 4, 3, np.nan, np.nan, 2])
    np.testing.assert_array_equal(corners(values), [0, 2, 3, 6, 7, 8, 9, 10])
    assert list(corners([1.0, 1.0])) == [0, 1]
    # a line through the kept points draws the same stairs
    kept = corners(values)
    finite = np.isfinite(values)
    np.testing.assert_array_equal(np.interp(np.flatnonzero(finite[:8]), kept[:5], values[kept][:5]), values[:8])


def test_round_ticks_write_out_one_two_five_within_the_range():
    from viz.batches import round_ticks

    assert round_ticks([0.17, 4.95]) == [0.2, 0.5, 1.0, 2.0]
    assert round_ticks([1, 244]) == [1.0, 10.0, 100.0]  # at most six: every third
    assert round_ticks([3.0, 3.5, np.nan, -1]) == [3.0, 3.5]  # no round value inside: the ends


def cross_traces(fig) -> list[int]:
    """The curvature cross's traces (arms that curve up, then down), by index in the figure."""
    return [i for i, t in enumerate(fig["data"]) if str(t.get("name", "")).startswith("curvature: ")]


def segments(trace) -> list[np.ndarray]:
    """A cross trace's segments, each (2 ends, 2): its points split at the None gaps."""
    xy = np.array([trace["x"], trace["y"]], dtype=float).T  # None: NaN
    assert len(xy) % 3 == 2 or len(xy) == 0  # end, end, gap, end, end
    return [xy[i : i + 2] for i in range(0, len(xy), 3)]


def test_the_descent_picture_carries_the_curvature_cross_at_every_frames_point():
    """Each frame: one segment per Hessian eigen-direction through the path's point, along the
    eigenvector, arms ∝ |λ| (the longer CROSS_VIEW of the view's width, none under CROSS_MIN), solid
    where the surface curves up and dashed where it curves down."""
    import settings
    from viz import descent, moving, player

    s, _ = settings.parse({"surface": "saddle", "opt": "sgd", "lr": "0.05", "x0": "2.5", "y0": "0.3", "steps": "80"})
    surface, traj = s.landscape, settings.run(s)
    fig = descent.picture(surface, surface_layer(surface), traj, s.rule(), 10, False)
    up, down = cross_traces(fig)
    assert fig["data"][up]["line"]["dash"] == "solid" and fig["data"][down]["line"]["dash"] == "dash"
    assert fig["data"][up]["line"]["color"] != fig["data"][down]["line"]["color"]
    assert "curvature %{text} along this direction" in fig["data"][up]["hovertemplate"]
    (x0, x1), _ = surface.bounds
    width, shown = x1 - x0, player.frame_steps(traj.steps)
    ratios = []
    for frame, k in zip(fig["frames"], shown, strict=True):
        data = dict(zip(frame["traces"], frame["data"], strict=True))
        assert set(data[up]) == set(data[down]) == {"x", "y", "text"}  # coordinates and hover text only
        values, vectors = landscapes.curvature(surface, traj.points[k])
        arms = {}
        for i, sign in ((up, 1), (down, -1)):
            for (a, b), text in zip(segments(data[i]), data[i]["text"][::3], strict=True):
                np.testing.assert_allclose((a + b) / 2, traj.points[k], atol=1e-4)  # centred on the point
                along = np.abs(vectors.T @ (b - a)) / np.linalg.norm(b - a)
                j = int(np.argmax(along))
                assert along[j] == pytest.approx(1, abs=1e-4)  # along an eigenvector
                assert np.sign(values[j]) == sign and float(text) == pytest.approx(values[j], rel=1e-2)
                arms[j] = np.linalg.norm(b - a) / 2
        assert sorted(arms) == [0, 1]
        expected = width * np.maximum(moving.CROSS_VIEW * np.abs(values) / np.abs(values).max(), moving.CROSS_MIN)
        np.testing.assert_allclose([arms[0], arms[1]], expected, atol=2e-4)
        ratios.append(min(arms.values()) / max(arms.values()))
    assert min(ratios) < 0.5 < max(ratios)  # the run passes unequal and equal curvatures
    drawn = next(f for f in fig["frames"] if f["name"] == "10")
    assert [fig["data"][i] | d for i, d in zip(drawn["traces"], drawn["data"], strict=True)
            if i in (up, down)] == [fig["data"][up], fig["data"][down]]  # the base data is step 10's cross


def test_the_race_and_batches_pictures_have_no_curvature_cross():
    import settings.batches
    from settings.race import parse_race, run_race
    from viz import batches as batch_figures
    from viz import race as race_figures

    racers, _ = parse_race({"surface": "ravine", "opt": "sgd,momentum"})
    ravine = landscapes.get("ravine")
    race = race_figures.picture(ravine, surface_layer(ravine), run_race(racers), 0, False)
    b, _ = settings.batches.parse_batches({})
    batches = batch_figures.picture(b.landscape, surface_layer(b.landscape), settings.batches.run(b), b.compare, 0)
    for fig in (race, batches):
        assert cross_traces(fig) == []
        assert "curvature" not in str(fig["frames"][0]["data"])


def test_racers_differ_by_hue_and_by_dash_or_end_symbol_and_draw_their_dash():
    from optim.race import race
    from viz import race as race_figures
    from viz.player import figure

    rules = [optim.rule(name) for name in optim.names()]
    assert len({r.color for r in rules}) == len(rules)  # every hue its own
    assert len({(r.dash, r.marker) for r in rules}) == len(rules)  # and told apart without colour
    surface = landscapes.get("ravine")
    lanes = race_figures.lanes_of(race(surface, [(r.name, {"lr": 0.01}) for r in rules], surface.start, 20))
    fig = figure(surface, surface_layer(surface), lanes, 20)
    for lane, rule in zip(lanes, rules, strict=True):
        drawn = [t for t in fig["data"] if str(t.get("name", "")).startswith(f"{lane.label}:")
                 and t.get("mode") == "lines"]
        assert drawn and all(t["line"].get("dash", "solid") == rule.dash for t in drawn), lane.label


def test_a_value_beyond_float32_is_sent_as_infinity_without_a_warning():
    """A diverging racer's loss (1.97e42 on the race's grid of rates) once raised an overflow warning."""
    assert np.isinf(decode(f4(np.array([41.25, 1.97e42, np.nan])))[1])


@pytest.mark.parametrize("opt", ["sgd", "momentum", "rmsprop", "adam", "adamw"])
def test_the_numbers_box_holds_its_longest_text(opt):
    """Adam's numbers run to nine lines (its buffers m and v): the box once held seven, and the curvature's line
    hung below it, unreadable on the page's background."""
    s, _ = settings.parse({"surface": "rosenbrock", "opt": opt})
    fig = descent.picture(s.landscape, surface_layer(s.landscape), settings.run(s), s.rule(), 0, False, height=480)
    at = next(i for i, t in enumerate(fig["data"]) if t.get("name") == "numbers")
    lines = max(len(data["text"][0].split("<br>")) for frame in fig["frames"]
                for index, data in zip(frame["traces"], frame["data"], strict=True) if index == at)
    low, high = fig["layout"]["yaxis3"]["domain"]
    plot = fig["layout"]["height"] - fig["layout"]["margin"]["t"] - fig["layout"]["margin"]["b"]
    assert lines >= 6 and (high - low) * plot >= lines * 1.3 * panel_font(14)

"""The learning-rate lab: the three regimes read off a sweep, and its figures (the sweep over zones,
heavy ball's map, the ball on a line): what a reader must find on them, and their size."""

import itertools
import json
from dataclasses import replace

import numpy as np
import pytest

import landscapes
import optim
from landscapes.lines import DOUBLE_WELL, PARABOLA
from optim.regimes import REGIMES, choose_regimes
from optim.sweep import ZONES, Sweep, momentum_rate, optimal_momentum
from viz import callouts, line_view, rates
from viz.encode import decode

RAVINE = landscapes.get("ravine")  # μ = 1, L = 20
LRS = optim.log_grid(1e-4, 3.0, 241)  # 241 rates, 4.4 % apart
STEP = LRS[1] / LRS[0]


@pytest.fixture(scope="module")
def ravine_sweep():
    return optim.sweep(RAVINE, "sgd", None, LRS, 1000)


@pytest.fixture(scope="module")
def parabola_sweep():
    return optim.sweep(PARABOLA, "sgd", None, LRS, 1000)


def grid_steps(a, b):
    return abs(np.log(a / b) / np.log(STEP))


def synthetic(zone, steps, final, lrs=None):
    n = len(zone)
    lrs = np.geomspace(1e-3, 1.0, n) if lrs is None else np.asarray(lrs, dtype=float)
    return Sweep(lrs, np.asarray(final, dtype=float), np.where(np.array(zone) == "diverge", 3, -1),
                 np.asarray(steps), np.array(zone), 0.0, 1e-6)


# --- choose_regimes ---


def test_regimes_on_the_ravine_match_theory(ravine_sweep):
    r = choose_regimes(ravine_sweep)
    assert list(r) == list(REGIMES) and all(v in ravine_sweep.lrs for v in r.values())
    assert grid_steps(r["just right"], 2 / (1 + 20)) <= 2
    assert r["too large"] > 2 / 20
    assert r["too small"] < 0.01
    zone = dict(zip(ravine_sweep.lrs, ravine_sweep.zone, strict=True))
    assert zone[r["too large"]] == "diverge" and zone[r["too small"]] == "crawl"


def test_regimes_on_the_parabola_find_the_one_step_rate(parabola_sweep):
    r = choose_regimes(parabola_sweep)
    assert grid_steps(r["just right"], 0.5) <= 1
    assert r["too large"] > 1.0 and r["too small"] < r["just right"] / 10
    exact = optim.sweep(PARABOLA, "sgd", None, 0.5 * 2.0 ** np.arange(-6, 3.1, 0.25), 300)  # 0.5 on it
    best = choose_regimes(exact)["just right"]
    assert best == 0.5 and exact.steps_to_tolerance[exact.lrs == 0.5] == 1


def test_regimes_on_the_double_well_are_three_different_runs():
    sw = optim.sweep(DOUBLE_WELL, "sgd", None, LRS, 1000)
    r = choose_regimes(sw)
    assert r["too small"] < r["just right"] < r["too large"]
    ends = {name: optim.descend(DOUBLE_WELL, optim.get("sgd", lr=lr), np.array(DOUBLE_WELL.start), 1000,
                                record="path") for name, lr in r.items()}
    assert ends["too small"].points[-1, 0] < 0  # still in the near valley
    assert ends["too large"].diverged_at > 0


def test_regime_ties_and_fallbacks():
    # ties on steps go to the lowest final loss, then to the middle of those still tied
    sw = synthetic(["crawl"] * 3 + ["converge"] * 4 + ["oscillate", "diverge", "diverge"],
                   [-1, -1, -1, 50, 9, 9, 9, 9, -1, -1], [1, 1, 1, 1e-3, 1e-9, 0, 0, 0, 5, np.nan])
    r = choose_regimes(sw)
    assert r["just right"] == sw.lrs[6]  # 5, 6, 7 tie at 9 steps and loss 0: the middle
    assert r["too small"] == sw.lrs[2]  # the largest crawl at most lrs[6] / 20 (rates 2.15× apart)
    assert r["too large"] == sw.lrs[9]  # at least 1.1 × the edge lrs[8]
    calm = synthetic(["crawl"] * 5, [-1] * 5, [5, 4, 3, 2, 1])  # nothing converges, nothing diverges
    r = choose_regimes(calm)
    assert r["just right"] == calm.lrs[4] and r["too large"] == calm.lrs[4]  # lowest final loss; the largest
    assert r["too small"] == calm.lrs[2]  # the largest crawl at most lrs[4] / 20
    wild = synthetic(["diverge"] * 3, [-1] * 3, [np.nan] * 3)
    assert set(choose_regimes(wild).values()) <= set(wild.lrs)


# --- small helpers ---


def test_palette_and_rounding():
    assert list(rates.zone_colors()) == list(ZONES)
    assert len(set(rates.zone_colors().values())) == 4
    assert rates.mark_color("too large") == rates.ZONE_COLORS["diverge"]
    assert rates.mark_color("live") == rates.OTHER_MARK
    assert rates.rounded([0.123456789, np.nan, np.inf, 1e-300]) == [0.1235, None, None, 1e-300]


def test_zone_bands_cover_the_grid_in_runs():
    lrs = np.geomspace(0.01, 1, 7)
    zone = np.array(["crawl", "crawl", "converge", "converge", "converge", "oscillate", "diverge"])
    bands = rates.zone_bands(lrs, zone)
    assert [z for *_, z in bands] == ["crawl", "converge", "oscillate", "diverge"]
    assert all(a[1] == b[0] for a, b in itertools.pairwise(bands))
    assert bands[0][0] < lrs[0] and bands[-1][1] > lrs[-1]
    assert bands[0][1] == pytest.approx(np.sqrt(lrs[1] * lrs[2]))


def test_spread_keeps_labels_apart_and_inside():
    at, widths = [100.0, 102.0, 104.0, 880.0], [120.0, 120.0, 80.0, 100.0]
    centres = callouts.spread(at, widths, 900)
    edges = [(c - w / 2, c + w / 2) for c, w in zip(centres, widths, strict=True)]
    assert all(a[1] <= b[0] + 1e-9 for a, b in itertools.pairwise(edges))
    assert edges[0][0] >= 0 and edges[-1][1] <= 900
    assert callouts.spread([10.0, 500.0], [50.0, 50.0], 900) == [25.0, 500.0]  # alone: at its line, inside


# --- the sweep figure ---


def shape_lines(fig, dash):
    return [s for s in fig["layout"]["shapes"] if s["type"] == "line" and s["line"]["dash"] == dash]


def test_sweep_figure_structure(ravine_sweep):
    theory = optim.theory(RAVINE, "sgd")
    marks = {**choose_regimes(ravine_sweep), "live": 0.05}
    fig = rates.sweep_figure(ravine_sweep, theory, marks)
    layout = fig["layout"]
    assert layout["xaxis"]["type"] == "log" and layout["yaxis"]["type"] == "log"
    assert layout["yaxis2"]["overlaying"] == "y" and layout["yaxis2"]["side"] == "right"
    assert {t["type"] for t in fig["data"]} == {"scatter"}
    assert "final loss" in layout["yaxis"]["title"]["text"] and "−" not in layout["yaxis"]["title"]["text"]
    loss = next(t for t in fig["data"] if t["name"].startswith("final loss"))
    for word in ("lr", "final loss", "zone"):
        assert word in loss["hovertemplate"]
    said = {c[1] for c in loss["customdata"]}  # steps, or that it never got there
    # "reached" as every page says it (optim.summary): within 0.5 % of the view of a minimum
    assert any(s.startswith("within 0.03 of a minimum at step ") for s in said)
    assert "never within 0.03 of a minimum" in said
    steps = next(t for t in fig["data"] if t.get("yaxis") == "y2")
    assert "never" in steps["name"] and None in steps["y"]  # the crawling runs: not drawn
    assert len(json.dumps(fig)) < 60_000


def test_sweep_zone_bands_cover_every_rate_in_its_colour(ravine_sweep):
    fig = rates.sweep_figure(ravine_sweep, {}, {})
    rects = [s for s in fig["layout"]["shapes"] if s["type"] == "rect"]
    assert len(rects) >= 3 and all(s["yref"] == "paper" and s["layer"] == "below" for s in rects)
    assert all(a["x1"] == b["x0"] for a, b in itertools.pairwise(rects))
    colour = {c: z for z, c in rates.ZONE_COLORS.items()}
    for lr, zone in zip(ravine_sweep.lrs, ravine_sweep.zone, strict=True):
        band = next(s for s in rects if s["x0"] <= lr <= s["x1"])
        assert colour[band["fillcolor"]] == zone
    shown = np.log10([rects[0]["x0"], rects[-1]["x1"]])
    np.testing.assert_allclose(fig["layout"]["xaxis"]["range"], shown)
    names = [t["name"] for t in fig["data"]]
    assert all(rates.ZONE_NAMES[z] in names for z in set(ravine_sweep.zone))


def test_theory_lines_and_marks_stand_where_they_say(ravine_sweep):
    theory = optim.theory(RAVINE, "sgd")  # diverges above 2/L = 0.1, fastest 2/(μ+L)
    marks = {"just right": 0.0925, "live": 0.05}
    fig = rates.sweep_figure(ravine_sweep, theory, marks)
    dashed, solid = shape_lines(fig, "dash"), shape_lines(fig, "solid")
    assert sorted(s["x0"] for s in dashed) == sorted(theory.values())
    assert sorted(s["x0"] for s in solid) == sorted(marks.values())
    texts = {a["text"]: a for a in fig["layout"]["annotations"]}
    assert "diverges above 0.1" in texts and "fastest = 0.0952" in texts
    assert texts["diverges above 0.1"]["x"] == pytest.approx(np.log10(0.1))  # annotations take log10 on a log axis
    assert texts["just right: 0.0925"]["font"]["color"] == rates.mark_color("just right")
    assert next(s for s in solid if s["x0"] == 0.05)["line"]["color"] == rates.OTHER_MARK
    off = rates.sweep_figure(ravine_sweep, {"far": 100.0}, {})  # outside the swept range: left out
    assert not shape_lines(off, "dash")


def test_diverged_runs_are_drawn_along_the_top(ravine_sweep):
    fig = rates.sweep_figure(ravine_sweep, {}, {})
    gone = next(t for t in fig["data"] if t["name"].startswith("diverged"))
    n = int((ravine_sweep.zone == "diverge").sum())
    assert n > 0 and len(gone["x"]) == n and "diverged" in gone["text"]
    top = fig["layout"]["yaxis"]["range"][1]
    loss = next(t for t in fig["data"] if t["name"].startswith("final loss"))
    assert np.log10(gone["y"][0]) < top and gone["y"][0] > max(y for y in loss["y"] if y is not None)
    assert len(loss["x"]) + n == len(ravine_sweep.lrs)  # every run is drawn, none hidden


def test_a_sweep_with_a_nonzero_minimum_plots_the_gap():
    sw = synthetic(["crawl", "converge", "diverge"], [-1, 5, -1], [3.0, 1.0 + 1e-9, np.nan])
    sw = replace(sw, f_star=1.0)
    fig = rates.sweep_figure(sw, {}, {})
    assert fig["layout"]["yaxis"]["title"]["text"].startswith("final loss − f*")
    loss = next(t for t in fig["data"] if t["name"].startswith("final loss"))
    assert loss["y"][0] == pytest.approx(2.0)


# --- heavy ball's map ---


def test_momentum_map_structure_and_optimum():
    mu, L = 1.0, 20.0
    fig = rates.momentum_map(mu, L)
    layout = fig["layout"]
    heat = [t for t in fig["data"] if t["type"] == "heatmap"]
    assert len(heat) == 2 and layout["xaxis"]["type"] == "log"
    assert heat[0]["colorbar"]["title"]["text"] == "rate per step (lower is faster)"
    alphas, betas = np.geomspace(1e-3 / L, 4 / L, rates.MAP_SIDE), np.linspace(0, 0.99, rates.MAP_SIDE)  # the default
    np.testing.assert_allclose(decode(heat[0]["x"]), alphas, rtol=1e-6)
    np.testing.assert_allclose(decode(heat[0]["y"]), betas, atol=1e-7)
    rate = momentum_rate(alphas[None, :], betas[:, None], mu, L)
    speed, diverges = decode(heat[0]["z"]), decode(heat[1]["z"])
    assert speed.shape == (len(betas), len(alphas))
    np.testing.assert_array_equal(np.isnan(speed), rate >= 1)
    np.testing.assert_array_equal(~np.isnan(diverges), rate >= 1)
    assert (rate >= 1).any() and (rate < 1).any()
    np.testing.assert_allclose(speed[rate < 1], np.log10(1 - rate[rate < 1]), rtol=1e-5, atol=1e-5)
    a_star, b_star, r_star = optimal_momentum(mu, L)
    star = next(t for t in fig["data"] if t.get("marker", {}).get("symbol") == "star")
    assert star["x"][0] == pytest.approx(a_star, rel=1e-3) and star["y"][0] == pytest.approx(b_star, rel=1e-3)
    plain = next(t for t in fig["data"] if t.get("marker", {}).get("symbol") == "diamond")
    assert plain["x"][0] == pytest.approx(2 / (mu + L), rel=1e-3) and plain["y"][0] == 0
    texts = " ".join(a["text"] for a in layout["annotations"])
    assert f"{a_star:.3g}" in texts and f"{b_star:.3g}" in texts and f"{r_star:.3g}" in texts
    assert any(t["name"].startswith("diverges") for t in fig["data"] if t["type"] == "scatter")
    assert len(json.dumps(fig)) < 300_000


def test_momentum_map_answers_clicks_with_invisible_points():
    mu, L = 1.0, 20.0
    fig = rates.momentum_map(mu, L)
    pick = next(t for t in fig["data"] if t["name"] == "pick")
    assert pick["type"] == "scatter" and pick["mode"] == "markers"
    assert pick["marker"]["color"] == "rgba(0,0,0,0)" and pick.get("hoverinfo") != "skip"
    assert len(pick["x"]) == rates.CLICK_SIDE**2 == len(pick["customdata"])
    alpha, beta, rate = np.array(pick["customdata"]).T
    np.testing.assert_array_equal(alpha, pick["x"])
    np.testing.assert_array_equal(beta, pick["y"])
    np.testing.assert_allclose(rate, momentum_rate(alpha, beta, mu, L), rtol=5e-3)
    assert len(np.unique(alpha)) == len(np.unique(beta)) == rates.CLICK_SIDE
    small = rates.momentum_map(mu, L, alphas=np.geomspace(0.01, 0.2, 30), betas=np.linspace(0, 0.9, 20))
    assert decode(small["data"][0]["z"]).shape == (20, 30)


# --- the ball on a line ---


def run(surface, lr, steps=40, start=None):
    start = np.array(surface.start if start is None else start, dtype=float)
    traj = optim.descend(surface, optim.get("sgd", lr=lr), start, steps)
    return traj.points[:, 0], traj.losses, traj.diverged_at


def test_line_figure_puts_every_step_on_the_curve():
    runs = []
    for label, lr in (("too small", 0.01), ("just right", 0.5), ("bounces", 1.0), ("too large", 1.1)):
        xs, losses, _ = run(PARABOLA, lr)
        runs.append((label, rates.mark_color(label), xs, losses, lr))
    fig = rates.line_figure(PARABOLA, runs)
    layout = fig["layout"]
    assert [k for k in layout if k.startswith("xaxis")] == ["xaxis", "xaxis2", "xaxis3", "xaxis4", "xaxis5"]
    assert layout["yaxis5"]["type"] == "log" and layout["yaxis5"]["title"]["text"] == "loss (log scale)"
    for trace in fig["data"]:
        if trace["name"] in ("steps", "start and end"):
            x, y = decode(trace["x"]).astype(float), decode(trace["y"]).astype(float)
            assert len(x) and np.allclose(y, x**2, rtol=1e-5, atol=1e-6), trace["name"]
    titles = [a["text"] for a in layout["annotations"]]
    assert "<b>just right: lr = 0.5</b>" in titles and "<b>loss, every run</b>" in titles
    bounce = next(t for t in fig["data"] if t.get("xaxis") == "x3" and t["name"] == "steps")
    assert set(np.round(decode(bounce["x"]), 6)) == {-2.0, 2.0}


def test_a_diverging_run_says_when_and_stays_in_a_sensible_view():
    xs, losses, diverged_at = run(PARABOLA, 1.1, steps=60)
    assert diverged_at > 0
    fig = line_view.line_figure(PARABOLA, [("too large", "#D55E00", xs, losses, 1.1)])
    notes = [a["text"] for a in fig["layout"]["annotations"] if "surface" in a["text"]]
    xs_seen = xs[np.isfinite(xs)]
    low, high = fig["layout"]["xaxis"]["range"]
    left = int(np.argmax(~((xs_seen >= low) & (xs_seen <= high))))
    assert notes and f"left the view at step {left}" in notes[0] and f"the surface at step {diverged_at}" in notes[0]
    exit_mark = next(t for t in fig["data"] if t["name"] == "left the view")
    assert len(exit_mark["x"]) == 1  # where it left, marked
    (b0, b1), _ = PARABOLA.bounds
    x_range, y_range = fig["layout"]["xaxis"]["range"], fig["layout"]["yaxis"]["range"]
    assert x_range[0] < b0 and x_range[1] > b1  # widened to the first steps that flew out
    assert x_range[1] - x_range[0] <= 3 * (b1 - b0) * 1.1  # but clipped: three times the bounds at most
    path = next(t for t in fig["data"] if t["name"] == "path")
    px, py = decode(path["x"]), decode(path["y"])
    shown = np.isfinite(px)
    assert (px[shown] >= x_range[0] - 1e-4).all() and (px[shown] <= x_range[1] + 1e-4).all()
    assert (py[shown] <= y_range[1] + 1e-3).all()
    loss = [t for t in fig["data"] if t.get("xaxis") == "x2"]
    assert any(t["name"].endswith("diverged") for t in loss)


def test_a_run_from_outside_the_bounds_widens_the_view():
    xs, losses, _ = run(PARABOLA, 0.1, start=(4.0, 0.0))
    fig = rates.line_figure(PARABOLA, [("wide", "#0072B2", xs, losses)])
    assert fig["layout"]["xaxis"]["range"][1] > 4.0
    assert "<b>wide</b>" in [a["text"] for a in fig["layout"]["annotations"]]


def test_the_loss_panel_says_what_it_plots():
    raised = replace(PARABOLA, loss=lambda p: p[..., 0] ** 2 + 1.0)
    xs, losses, _ = run(raised, 0.2)
    fig = rates.line_figure(raised, [("run", "#009E73", xs, losses, 0.2)])
    assert fig["layout"]["yaxis2"]["title"]["text"] == "loss − min loss (log scale)"
    xs, losses, _ = run(DOUBLE_WELL, 0.05, steps=100)
    fig = rates.line_figure(DOUBLE_WELL, [("run", "#009E73", xs, losses, 0.05)])
    assert fig["layout"]["yaxis2"]["title"]["text"] == "loss (log scale)"
    curve = next(t for t in fig["data"] if t["name"] == "f(x)")
    x, y = decode(curve["x"]).astype(float), decode(curve["y"]).astype(float)
    np.testing.assert_allclose(y, (x**2 - 1) ** 2, rtol=1e-5, atol=1e-5)
    assert len(json.dumps(fig)) < 60_000

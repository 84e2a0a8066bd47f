"""The descent page's live knobs (issue 25): what the browser redraws while η or the momentum-like knob is
dragged is, for every run of the grid, what the page itself draws for that run at that step (the point, the
line so far, the arrows, the curvature cross, the loss marker and the numbers box); a pick at rest becomes
the page's rate and knob; where the grid cannot stand for the run (a schedule, mini-batches, noise), no
sliders and a sentence that says why."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest
from streamlit.runtime.context import ContextProxy

import optim
import settings
from app_pages import live
from optim.sweep import momentum_knob
from settings.race import Race, parse_race, run_race
from tests.app.conftest import bridge, chart, open_app
from tests.app.test_race_and_lessons import open_page
from viz import descent, fidelity, lab_payload, so_far
from viz import race as race_figures
from viz.encode import decode

RULES = ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw"]


def payload_for(query: dict):
    s, notes = settings.parse(query)
    assert notes == []
    g = live.grid_settings(s)
    grid, _ = live.live_grid(g)
    return s, grid, live.descent_payload(g, s.k, 14)


def own_picture(s, grid, j: int, i: int) -> tuple[dict, dict]:
    """The page's own picture of run (j, i) at the step, and its frame's data by trace name."""
    knob = live.knob(s)
    knobs = tuple((key, float(grid.betas[j]) if knob and key == knob.key else value) for key, value in s.knobs)
    r = dataclasses.replace(s, lr=float(grid.lrs[i]), knobs=knobs)
    fig = descent.picture(r.landscape, descent.surface_layer(r.landscape), settings.run(r), r.rule(), r.k, False)
    frame = next(f for f in fig["frames"] if f["name"] == str(r.k))
    return fig, frame, {fig["data"][t].get("name"): data for t, data in zip(frame["traces"], frame["data"], strict=True)}


def decoded(values) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in (decode(values) if isinstance(values, dict) else values)],
                    dtype=float)


# every rule mid-run; the first step (nothing so far) and the last (no update leaves it: the carried arrow's
# key still shows, as on the page) for rules with and without a carried part
CASES = [*((opt, 17) for opt in RULES), ("sgd", 0), ("nesterov", 0), ("sgd", 100), ("momentum", 100), ("adam", 100)]


@pytest.mark.parametrize(("opt", "k"), CASES)
def test_every_part_the_sliders_redraw_is_the_pages_own_picture_of_that_run(opt, k):
    s, grid, p = payload_for({"surface": "ravine", "opt": opt, "k": str(k)})
    n, m = len(grid.lrs), max(len(p["betas"]), 1)
    points = np.frombuffer(lab_payload.base64.b64decode(p["points"]), "<f4").reshape(-1, 2)
    loss_now = np.frombuffer(lab_payload.base64.b64decode(p["loss_now"]), "<f4")
    (x0, x1), (y0, y1) = s.landscape.bounds
    size = max(x1 - x0, y1 - y0)
    for j, i in {(0, 0), (m - 1, n - 1), (m // 2, n // 3)}:
        r = j * n + i
        fig, frame, own = own_picture(s, grid, j, i)
        assert p["texts"][r] == own["numbers"]["text"][0]  # the numbers box, word for word
        np.testing.assert_allclose(points[r], decoded(own["path"]["x"]).tolist() + decoded(own["path"]["y"]).tolist(),
                                   rtol=1e-6, atol=1e-6 * size)
        np.testing.assert_allclose(loss_now[r], decoded(own["path: loss now"]["y"])[0], rtol=1e-6)
        for kind, column in p["arrows"].items():
            np.testing.assert_allclose(decoded(column[r]["x"] + column[r]["y"]),
                                       decoded(own[f"arrow: {kind}"]["x"] + own[f"arrow: {kind}"]["y"]),
                                       atol=2e-5 * size)
        for c, words in enumerate(("curves up", "curves down")):
            assert p["cross"][c][r]["text"] == own[f"curvature: {words}"]["text"]
            np.testing.assert_allclose(decoded(p["cross"][c][r]["x"]), decoded(own[f"curvature: {words}"]["x"]),
                                       atol=1e-4 * size)
        # the line so far: every true point up to the step on the drawn line (the fidelity contract)
        line = live_so_far(p, r, s.landscape.bounds)
        truth = settings.run(dataclasses.replace(s, lr=float(grid.lrs[i]))) if m == 1 else None
        page_line = so_far.line_at(fig, frame, "path: so far")
        reference = page_line if truth is None else truth.points[: k + 1]
        inside = reference[np.isfinite(reference).all(axis=1)]
        inside = inside[(np.abs(inside[:, 0] - (x0 + x1) / 2) <= (x1 - x0)) & (np.abs(inside[:, 1] - (y0 + y1) / 2)
                                                                                 <= (y1 - y0))]
        assert fidelity.distance_to_line(inside, line).max(initial=0) <= 2e-3 * size, (opt, k, j, i)


def live_so_far(p: dict, r: int, bounds) -> np.ndarray:
    verts = np.frombuffer(lab_payload.base64.b64decode(p["so_far"]), "<i2").reshape(-1, 2).astype(float)
    starts = np.frombuffer(lab_payload.base64.b64decode(p["so_far_starts"]), "<i4")
    q = verts[starts[r] : starts[r + 1]]
    (x0, x1), (y0, y1) = bounds
    out = q / lab_payload.QUANT * np.array([x1 - x0, y1 - y0]) + np.array([x0, y0])
    out[(q == lab_payload.MISSING).any(axis=1)] = np.nan
    return out


@pytest.mark.parametrize("opt", ["sgd", "momentum", "adam"])
def test_every_part_is_found_in_the_picture_by_its_name(opt):
    s, _ = settings.parse({"surface": "ravine", "opt": opt})
    fig = descent.picture(s.landscape, descent.surface_layer(s.landscape), settings.run(s), s.rule(), 0, False)
    where = live.live_player.trace_map(fig)
    assert None not in (where["whole"], where["end"], where["point"], where["marker"], where["numbers"])
    assert len(where["loss"]) == 2 and None not in where["tails"] and where["blocks"] and None not in where["cross"]
    assert (where["arrows"]["carried"] is None) == (opt == "sgd")
    names = {fig["data"][t]["name"] for t in where["blocks"]}
    assert all(", to step " in name for name in names)


@pytest.fixture
def browser(monkeypatch):
    """Runs as a browser's: the frontend answered the first run (the picture's size), so the sliders show."""
    monkeypatch.setattr(ContextProxy, "url", property(lambda self: "http://localhost:8501/"))

    def open_in_browser(query: dict, page: str | None = None):
        return bridge(open_page(page, query) if page else open_app(query), fit={"narrow": False, "height": 600})

    return open_in_browser


def live_data(at) -> dict | None:
    found = [e for e in at.get("bidi_component") if e.key == live.KEY]
    return json.loads(found[0].proto.json) if found else None


def test_no_sliders_for_a_client_without_a_frontend():
    at = open_app({"surface": "ravine", "opt": "momentum"})
    assert not at.exception and live_data(at) is None


def test_a_pick_at_rest_becomes_the_pages_rate_and_knob_and_its_link(browser):
    at = browser({"surface": "ravine", "opt": "momentum", "k": "20"})
    (lane,) = live_data(at)["lanes"]
    assert lane["knob"]["label"] == "Momentum μ" and lane["live"]["k"] == 20
    lrs, betas = lane["live"]["lrs"], lane["live"]["betas"]
    at = bridge(at, key=live.KEY, pick={"i": 40, "j": 1})
    assert not at.exception
    assert float(at.query_params["lr"]) == float(f"{lrs[40]:.4g}")
    assert float(at.query_params["momentum"]) == betas[1] and at.query_params["k"] == "20"
    assert chart(at, "picture")["frames"]  # the page ran the picked run, Play and all
    assert live_data(at)["lanes"][0]["at"] == {"i": 40, "j": 1}


@pytest.mark.parametrize("pick", [{"i": -1, "j": 0}, {"i": 10**9, "j": 0}, {"i": "3", "j": 0}, {"i": True, "j": 0},
                                  {"i": 1.5, "j": 0}, {"i": 3, "j": 99}, "3", None, [1, 2]])
def test_a_crafted_pick_changes_nothing(browser, pick):
    at = browser({"surface": "ravine", "opt": "momentum"})
    lr, momentum = at.query_params["lr"], at.query_params["momentum"]
    at = bridge(at, key=live.KEY, pick=pick)
    assert not at.exception
    assert (at.query_params["lr"], at.query_params["momentum"]) == (lr, momentum)


@pytest.mark.parametrize(("query", "why"), [({"sched": "cosine"}, "a schedule"), ({"noise": "0.5"}, "gradient noise"),
                                            ({"surface": "tips", "batch": "8"}, "mini-batches")])
def test_no_live_sliders_where_the_grid_cannot_stand_for_the_run_and_a_sentence_says_why(browser, query, why):
    at = browser({"surface": "ravine", "opt": "momentum", **query})
    assert not at.exception and live_data(at) is None
    assert any(f"with {why}, type η above" in c.value for c in at.caption)


# ---- the race: each racer's η ------------------------------------------------------------------

def test_each_racers_line_point_and_loss_are_the_races_own_for_every_rate_shown():
    racers, _ = parse_race({"k": "25"})
    surface = racers[0].landscape
    for n, racer in enumerate(racers):
        title = optim.rule(racer.opt).title
        g = live.rate_free(racer)
        grid, _ = live.live_grid(g, knob_axis=False)
        lane = live.racer_payload(g, 25, title)
        points = np.frombuffer(lab_payload.base64.b64decode(lane["points"]), "<f4").reshape(-1, 2)
        for i in (0, len(grid.lrs) // 2, len(grid.lrs) - 1):
            moved = Race(tuple(dataclasses.replace(r, lr=float(grid.lrs[i])) if m == n else r
                               for m, r in enumerate(racers)), racers.tune)
            fig = race_figures.picture(surface, descent.surface_layer(surface), run_race(moved), 25, False)
            frame = next(f for f in fig["frames"] if f["name"] == "25")
            own = {fig["data"][t].get("name"): data for t, data in zip(frame["traces"], frame["data"], strict=True)}
            assert own["numbers"]["text"][0].split("<br>")[n + 1] == lane["texts"][i], (title, i)
            np.testing.assert_allclose(points[i], np.concatenate([decoded(own[title]["x"]), decoded(own[title]["y"])]),
                                       rtol=1e-6, atol=1e-9)


def test_a_racers_pick_at_rest_becomes_its_rate_and_the_links(browser):
    at = browser_race({"k": "10"}, browser)
    data = live_data(at)
    assert [lane["name"] for lane in data["lanes"]] == [optim.rule(o).title for o in optim.RACE_DEFAULT]
    adam = [lane["name"] for lane in data["lanes"]].index("Adam")
    lrs = data["lanes"][adam]["live"]["lrs"]
    assert settings.LR_RANGE[0] <= min(lrs) and max(lrs) <= settings.LR_RANGE[1]  # Adam's useful range reaches 48
    for pick in ({"lane": adam, "i": 99}, {"lane": 9, "i": 3}, {"lane": True, "i": 3}, {"lane": adam, "i": -1}):
        at = bridge(at, key=live.KEY, pick=pick)  # crafted: nothing changes
        assert (not at.exception and "lr.adam" not in at.query_params) or at.query_params["lr.adam"] != str(lrs[3])
    at = bridge(at, key=live.KEY, pick={"lane": adam, "i": 50})
    assert not at.exception and float(at.query_params["lr.adam"]) == float(f"{lrs[50]:.4g}")


def test_tuning_offers_no_live_slider_and_says_why(browser):
    at = browser_race({"tune": "1"}, browser)
    assert live_data(at) is None and any("with tuning" in c.value for c in at.caption)


def browser_race(query: dict, browser):
    return browser(query, "app_pages/race.py")


def test_a_grid_too_heavy_to_send_keeps_eta_live_without_the_knob_and_says_so(browser, monkeypatch):
    """A budget between the weight of the rates alone and that of the rates × the knob's values (a chaotic
    typed surface over 1 000 steps: ~0.7 and ~5 MB; here the ravine's, scaled down the same way)."""
    s, _ = settings.parse({"surface": "ravine", "opt": "rmsprop"})
    heavy = live.descent_payload(live.grid_settings(s), s.k, 14)["weight"]
    light = live.descent_payload(live.rate_free(s), s.k, 14, knob_axis=False)["weight"]
    assert light < heavy / 4
    monkeypatch.setattr(live, "LIVE_BUDGET", (light + heavy) // 2)
    at = browser({"surface": "ravine", "opt": "rmsprop"})
    assert not at.exception
    (lane,) = live_data(at)["lanes"]
    assert lane["knob"] is None and lane["live"]["betas"] == [] and lane["live"]["weight"] == light
    assert any(c.value.startswith(f"{momentum_knob('rmsprop').label} is not live here: with it the runs would weigh")
               for c in at.caption)
    at = bridge(at, key=live.KEY, pick={"i": 10, "j": 0})
    assert not at.exception and float(at.query_params["lr"]) == float(f"{lane['live']['lrs'][10]:.4g}")


def test_past_the_budget_no_live_slider_and_a_sentence_says_why(browser, monkeypatch):
    monkeypatch.setattr(live, "LIVE_BUDGET", 1000)
    at = browser({"surface": "ravine", "opt": "momentum"})
    assert not at.exception and live_data(at) is None
    assert any("Live dragging is off here" in c.value for c in at.caption)

"""Lessons true after the action they invite (issue 22). For every lesson whose caption asks the reader
to change a control ("switch the optimizer to …", "click …", "find the largest rate …"): open the lesson's
link as the gallery does, make that change as a person would (the widget by its key, or the picture's
click as the browser sends it), and check the caption's claim on the engine's output after it, from
the settings the page then holds (its URL): computed numbers, never copied ones."""

from __future__ import annotations

import json
import re
from unittest import mock

import numpy as np
from streamlit.testing.v1.element_tree import ElementTree

import landscapes
import lessons
import optim
import settings
from lessons import pages
from optim.summary import summarize
from settings.basins import parse_basins
from tests.app.conftest import bridge, chart
from tests.app.test_race_and_lessons import open_page
from viz.encode import decode

#: the lessons whose caption invites an action, each with its test below
INVITING = {"basins-momentum": "switch", "terrain-start": "click", "only-learning-rate": "find",
            "lab-heavy-ball": "click", "tune-before-you-compare": "tune"}
# imperatives a caption invites with ("lower" is left out: "ends every epoch lower than both" is no invitation)
ACTION_WORDS = ("switch", "try", "raise", "pick", "click", "drag", "find", "set", "turn", "move", "change",
                "choose", "select", "type", "open", "tune", "untick", "tick", "toggle")


def open_lesson(preset_id: str):
    preset = lessons.get(preset_id)
    at = open_page(pages.get(preset.page).path, {**preset.full_query(), "lesson": preset_id})
    assert not at.exception and any(preset.title in info.value for info in at.info)  # the caption is shown
    return at


def url(at) -> dict[str, str]:
    return {key: at.query_params[key] for key in at.query_params}


def test_every_caption_that_invites_an_action_has_its_test_here():
    pattern = re.compile(r"\b(" + "|".join(ACTION_WORDS) + r")\b", re.IGNORECASE)
    inviting = {p.id: pattern.search(p.caption).group(1).lower() for p in lessons.PRESETS if pattern.search(p.caption)}
    assert inviting == INVITING


def test_momentum_moves_the_borders_after_the_switch_the_lesson_invites():
    """"Plain descent splits the terrain roughly in thirds; switch the optimizer to Momentum (μ = 0.9,
    lr = 0.1) and … the deepest well, top right, collects about half of all starts." The switch once
    reset lr to momentum's default 0.02 (38 %): a rate the lesson set is now kept."""
    at = open_lesson("basins-momentum")
    before, _ = parse_basins(url(at))
    surface = before.run.landscape
    plain = optim.basins(surface, before.run.rule(), before.n, before.run.steps)
    assert before.run.opt == "sgd" and all(0.28 < share < 0.4 for share in plain.shares().values())  # in thirds
    at.selectbox(key="opt").set_value("momentum").run()
    assert not at.exception
    after, notes = parse_basins(url(at))
    assert notes == [] and after.run.opt == "momentum"
    assert after.run.lr == 0.1 and dict(after.run.knobs)["momentum"] == 0.9  # what the caption names
    assert at.number_input(key="lr").value == 0.1
    rolled = optim.basins(surface, after.run.rule(), after.n, after.run.steps)
    deepest = int(np.argmin(surface.loss(rolled.minima)))
    assert np.allclose(rolled.minima[deepest], [1.12, 0.94], atol=0.01)
    assert (plain.labels != rolled.labels).mean() > 0.2  # the borders moved, not only the shares
    (x0, x1), (y0, y1) = surface.bounds
    x, y = rolled.minima[deepest]
    assert x > (x0 + x1) / 2 and y > (y0 + y1) / 2  # top right
    assert 0.45 < rolled.shares()[deepest] < 0.55  # about half
    legend = [t["name"] for t in json.loads(at.get("plotly_chart")[0].proto.spec)["data"] if ": " in t.get("name", "")]
    assert f"minimum ({x:.3g}, {y:.3g}): {rolled.shares()[deepest]:.0%}" in legend  # and the page says so


def test_a_rate_the_learner_moved_gives_way_to_the_new_optimizers_own():
    at = open_lesson("basins-momentum")
    at.number_input(key="lr").set_value(0.05).run()
    at.selectbox(key="opt").set_value("momentum").run()
    assert float(at.query_params["lr"]) == settings.defaults("terrain", "momentum").lr
    plain = open_page(pages.get("basins").path, {"surface": "terrain", "n": "40", "opt": "sgd", "lr": "0.1"})
    plain.selectbox(key="opt").set_value("momentum").run()  # no lesson open: the optimizer's own rate
    assert float(plain.query_params["lr"]) == settings.defaults("terrain", "momentum").lr


def test_a_click_half_a_unit_to_the_right_finds_the_deepest_well():
    """"From (−0.4, 0.3) descent rolls into the left-hand well, a local minimum. Click the contour half
    a unit to the right, near (0.1, 0.3), and the same descent finds the deepest well instead.\""""
    at = open_lesson("terrain-start")
    surface = landscapes.get("terrain")

    def well(query) -> int:
        s, notes = settings.parse(query)
        assert notes == []
        t = settings.run(s)
        summary = summarize(surface, t.points, t.losses, int(t.diverged_at))
        assert summary.steps_to_tolerance >= 0  # it gets there
        return int(np.argmin(np.linalg.norm(surface.minima - t.points[-1], axis=1)))

    first = well(url(at))
    assert first != int(np.argmin(surface.loss(surface.minima)))  # a local minimum
    assert surface.minima[first][0] == surface.minima[:, 0].min()  # the left-hand one
    x0, y0 = float(at.query_params["x0"]), float(at.query_params["y0"])
    bridge(at, click={"x": x0 + 0.5, "y": y0})  # the click, as the picture's bridge reports it
    assert not at.exception and (float(at.query_params["x0"]), float(at.query_params["y0"])) == (0.1, 0.3)
    assert well(url(at)) == int(np.argmin(surface.loss(surface.minima)))  # the deepest well


def test_the_largest_rate_that_converges_is_2_over_l():
    """"Find the largest rate that still converges on the ravine, and check it against 2/L = 0.1": just
    below 2/L the run converges, just above it every step lands higher; only the rate is shown."""
    at = open_lesson("only-learning-rate")
    surface = landscapes.get("ravine")
    edge = 2 / surface.lipschitz
    assert f"{edge:.2g}" == "0.1"
    assert [w.key for w in at.selectbox] == [] and at.number_input(key="lr")  # only the rate to move
    for factor, converges in ((0.95, True), (1.05, False)):
        at.number_input(key="lr").set_value(round(factor * edge, 6)).run()
        assert not at.exception
        t = settings.run(settings.parse(url(at))[0])
        finite = t.losses[np.isfinite(t.losses)]
        if converges:
            assert t.diverged_at == -1 and finite[-1] < 1e-3 * finite[0]
        else:
            assert t.diverged_at >= 0 or finite[-1] > finite[0]
            assert np.all(np.diff(finite[1:]) > 0)  # every step lands higher than the last


def select(at, key: str, point: dict):
    """Rerun as the browser does after a click on the chart ``key`` (``on_select="rerun"``): its
    selection is a widget state AppTest does not send, so it is added to this rerun's states."""
    (element,) = [e for e in at.get("plotly_chart") if e.proto.id.endswith(f"-{key}")]
    send = ElementTree.get_widget_states

    def with_selection(tree):
        states = send(tree)
        state = states.widgets.add()
        state.id = element.proto.id
        state.string_value = json.dumps({"selection": {"points": [point], "point_indices": [0], "box": [],
                                                       "lasso": []}})
        return states

    with mock.patch.object(ElementTree, "get_widget_states", with_selection):
        return at.run()


def test_a_click_on_the_star_runs_polyaks_pair_as_the_caption_says():
    """"(click the map's star to run the pair)": after the click the descent page runs the star's pair;
    from step 5 on it is always closer than gradient descent at 2/(μ + L), and about 10⁻⁶ away after 40
    steps against 0.046."""
    at = open_lesson("lab-heavy-ball")
    fig = chart(at, "momentum_chart")
    (star,) = [t for t in fig["data"] if str(t.get("name", "")).startswith("Polyak's best pair")]
    alpha, beta = (float(decode(star[axis])[0]) if isinstance(star[axis], dict) else float(star[axis][0])
                   for axis in ("x", "y"))
    select(at, "momentum_chart", {"x": alpha, "y": beta, "curve_number": fig["data"].index(star), "point_number": 0})
    assert not at.exception and at.query_params["opt"] == "momentum"
    s, notes = settings.parse(url(at))
    assert notes == [] and abs(s.lr - alpha) < 1e-9 and abs(dict(s.knobs)["momentum"] - beta) < 1e-9
    surface = s.landscape
    heavy = settings.run(s)
    mu, big = surface.strong_convexity, surface.lipschitz
    plain = optim.descend(surface, optim.get("sgd", lr=2 / (mu + big)), np.array([s.x0, s.y0]), s.steps)
    near, far = (np.linalg.norm(t.points - surface.minima[0], axis=1) for t in (heavy, plain))
    assert np.all(near[5:] < far[5:]) and not near[4] < far[4]  # from step 5 on, always the closer
    assert f"{near[40]:.0e}" == "1e-06" and f"{far[40]:.3f}" == "0.046"


def test_tune_before_you_compare_both_ways_of_the_toggle():
    """"At the rates the race opens with, Adam reaches Rosenbrock's minimum and momentum never comes
    within 0.8 of it … Tuned …, momentum's best rate is ten times its opening one and it gets there first,
    ahead of a tuned Adam": the link opens tuned; the toggle off (as a reader checks the first sentence)
    and on again."""
    from settings.race import parse_race, run_race, tune_race

    at = open_lesson("tune-before-you-compare")
    surface = landscapes.get("rosenbrock")

    def race(query):
        racers, notes = parse_race(query)
        assert notes == []
        lanes = {lane.name: lane.trajectory for lane in run_race(racers)}
        tol = summarize(surface, lanes["adam"].points, lanes["adam"].losses, -1).tolerance
        gaps = {name: np.linalg.norm(t.points - surface.minima[0], axis=1) for name, t in lanes.items()}
        arrive = {name: int(np.argmax(g < tol)) if (g < tol).any() else -1 for name, g in gaps.items()}
        return racers, gaps, arrive

    racers, _, tuned = race(url(at))
    assert racers.tune and 0 <= tuned["momentum"] < tuned["adam"]  # momentum first, ahead of a tuned Adam
    rates = {r.opt: t.lr for r, t in zip(racers, tune_race(racers), strict=True)}
    assert round(rates["momentum"] / next(r.lr for r in racers if r.opt == "momentum")) == 10
    at.toggle(key="tune").set_value(False).run()
    assert not at.exception and at.query_params.get("tune", "0") == "0"
    untuned, gaps, arrive = race(url(at))
    assert not untuned.tune and arrive["adam"] >= 0 and arrive["momentum"] == -1
    assert round(float(gaps["momentum"].min()), 1) == 0.8  # never within 0.8
    at.toggle(key="tune").set_value(True).run()
    assert not at.exception and race(url(at))[2] == tuned

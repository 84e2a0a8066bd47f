"""The race page, every lesson link, hidden controls and presentation mode, under AppTest."""

from unittest import mock
from urllib.parse import parse_qsl, urlsplit

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import lessons
import settings.race
from settings.race import parse_race, to_race_query, tune_race
from tests.app.conftest import APP, chart, chart_keys, open_app, whole_paths
from viz import so_far
from viz.encode import decode


def open_page(page: str, query: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.switch_page(page)
    return at.run()


def race(query=None):
    return open_page("app_pages/race.py", query)


def moving_paths(fig, racers):
    """How many vertices each racer's line so far holds in the first and last frame (viz/so_far.py)."""
    names = [t["name"] for t in fig["data"] if str(t.get("name", "")).endswith(": so far")][:racers]
    return [[len(so_far.line_at(fig, frame, name)) for name in names] for frame in (fig["frames"][0], fig["frames"][-1])]


def test_default_race_renders_four_racers_in_one_picture():
    at = race()
    assert not at.exception and not at.error
    assert at.query_params["opt"] == "sgd,momentum,rmsprop,adam"
    fig = chart(at, "picture")
    names = {t.get("name") for t in fig["data"]}
    assert {"Gradient descent", "Momentum", "RMSProp", "Adam"} <= names
    assert {f"{name}: end" for name in ("Gradient descent", "Momentum", "RMSProp", "Adam")} <= names
    # each racer's path so far and its casing (each: blocks and a tail, viz/so_far.py), its point and its
    # loss marker; and the numbers
    blocks = so_far.blocks(len(fig["frames"]))
    assert all(len(frame["data"]) == 4 * (2 * (blocks + 1) + 2) + 1 for frame in fig["frames"])
    first, last = moving_paths(fig, 4)
    assert all(end > start for start, end in zip(first, last, strict=True))
    table = at.dataframe[0].value
    assert list(table["optimizer"]) == ["Gradient descent", "Momentum", "RMSProp", "Adam"]
    assert chart_keys(at) == ["picture", "surface3d"]


def test_adding_a_racer_and_changing_its_learning_rate():
    at = race()
    at.multiselect(key="opt").set_value(["sgd", "adam", "nesterov"]).run()
    assert at.query_params["opt"] == "sgd,adam,nesterov"
    at.run()
    at.number_input(key="lr.nesterov").set_value(0.0005).run()
    assert not at.exception and at.query_params["lr.nesterov"] == "0.0005"
    assert "Nesterov momentum" in list(at.dataframe[0].value["optimizer"])


def test_each_racer_keeps_its_own_knobs():
    at = race({"opt": "momentum,nesterov", "momentum.momentum": "0.5", "momentum.nesterov": "0.95"})
    assert at.slider(key="momentum.momentum").value == 0.5
    assert at.slider(key="momentum.nesterov").value == 0.95


def test_a_race_link_reproduces_the_same_figures():
    query = to_race_query(parse_race({"surface": "himmelblau", "opt": "adam,rmsprop", "lr.adam": "0.2",
                                      "sched": "step", "step_size": "50", "steps": "120", "k": "9"})[0])
    first = race(query)
    again = race(dict(first.query_params))
    assert dict(first.query_params) == query
    assert chart_keys(first) == ["picture", "surface3d"]
    assert any(t.get("xaxis") == "x4" for t in chart(first, "picture")["data"])  # the lr curves are compared too
    for key in ("picture", "surface3d"):
        assert chart(first, key) == chart(again, key)


@pytest.mark.parametrize("query", [
    {"opt": "lbfgs"}, {"opt": ""}, {"opt": "adam,adam,<b>x</b>"}, {"lr.adam": "nan"}, {"lr.ghost": "1"},
    {"steps": "-5"}, {"surface": "nowhere"}, {"opt": ",,,", "momentum.momentum": "7"}, {"opt": "sgd" * 300},
])
def test_hostile_race_links_render_with_a_note(query):
    at = race(query)
    assert not at.exception and at.warning
    assert chart_keys(at) == ["picture", "surface3d"]


def test_tuning_each_racer_shows_the_tuned_rates_and_says_one_surface_is_not_a_benchmark():
    at = race({"surface": "rosenbrock", "opt": "momentum,adam", "steps": "1000"})
    assert not at.exception and len(at.dataframe) == 1 and "tune" not in at.query_params
    at.toggle(key="tune").set_value(True).run()
    assert not at.exception and not at.warning and at.query_params["tune"] == "1"
    assert at.query_params["lr.momentum"] == "0.0002"  # its own rate stays in the link
    assert not {"lr.momentum", "lr.adam"} & {w.key for w in at.number_input}  # the tuned number instead
    tunings = tune_race(parse_race(dict(at.query_params))[0])
    standings, table = at.dataframe[0].value, at.dataframe[1].value
    rates = [f"{t.lr:g}" for t in tunings]
    assert list(table["tuned η"]) == rates == list(standings["η"]) and rates[0] == "0.00205"
    assert all(text.startswith(("52, from", "51, from")) for text in table["rates tried"])
    shown = " ".join(m.value for m in at.markdown)
    assert "Tuned on this surface from this start: one surface is not a benchmark — a rule that wins here can " \
           "lose elsewhere." in shown
    assert "Learning rate η: **0.00205**, tuned (its own: 0.0002)" in shown
    assert chart_keys(at) == ["picture", "surface3d"]
    at.toggle(key="tune").set_value(False).run()  # off again: the widgets, at the racers' own rates
    assert not at.exception and "tune" not in at.query_params and len(at.dataframe) == 1
    assert at.number_input(key="lr.momentum").value == 0.0002


@pytest.mark.parametrize("query", [
    {"surface": "ravine", "opt": "sgd,adam", "noise": "0.5", "sched": "cosine"},
    {"surface": "tiny_net", "opt": "sgd,rmsprop", "batch": "4", "sched": "step"},
    {"surface": "bowl", "opt": "sgd", "lr.sgd": "5", "steps": "30"},
])
def test_a_tuned_race_link_with_a_schedule_noise_or_mini_batches(query):
    at = race({**query, "tune": "1"})
    assert not at.exception and not at.warning and at.query_params["tune"] == "1"
    assert len(at.dataframe) == 2 and chart_keys(at) == ["picture", "surface3d"]
    assert not at.error  # no racer diverges at its tuned rate


def test_a_view_change_does_not_tune_again():
    at = race({"surface": "beale", "opt": "sgd,adam", "tune": "1"})
    with mock.patch.object(settings.race, "tune_race", wraps=settings.race.tune_race) as tuning:
        at.toggle(key="view3d").set_value(False).run()
        assert tuning.call_count == 0
        at.multiselect(key="opt").set_value(["sgd", "adam", "nesterov"]).run()
        assert tuning.call_count == 1 and not at.exception


@pytest.mark.parametrize("preset", lessons.PRESETS, ids=lambda p: p.id)
def test_every_lesson_link_opens_its_picture(preset):
    url = urlsplit(preset.link())
    query = dict(parse_qsl(url.query))
    at = open_page(f"app_pages/{preset.page}.py", query)
    assert not at.exception and not at.warning  # a preset needs no fixing
    assert dict(at.query_params) == query


def test_the_lessons_page_links_every_preset():
    at = open_page("app_pages/lessons.py")
    assert not at.exception
    links = at.get("page_link")
    assert len(links) == len(lessons.PRESETS)


def test_a_lesson_link_hides_the_controls_it_names():
    preset = lessons.get("only-learning-rate")
    at = open_page("app_pages/descent.py", preset.full_query())
    keys = {w.key for w in at.sidebar if getattr(w, "key", None)}
    assert {"lr", "lr_slider"} <= keys
    assert not keys & {"surface", "opt", "steps", "x0", "y0", "noise", "seed", "sched"}
    at.number_input(key="lr").set_value(0.08).run()
    assert at.query_params["lr"] == "0.08" and at.query_params["hide"] == preset.full_query()["hide"]


def test_presentation_mode_uses_larger_fonts():
    plain = open_page("app_pages/descent.py", {})
    big = open_page("app_pages/descent.py", {"present": "1"})
    assert chart(big, "picture")["layout"]["font"]["size"] > chart(plain, "picture")["layout"]["font"]["size"]
    assert big.query_params["present"] == "1"


def test_race_paths_share_one_start():
    at = race({"surface": "rosenbrock", "opt": "sgd,adam,rmsprop"})
    fig = chart(at, "picture")
    starts = [path[0] for path in whole_paths(fig)]
    assert len(starts) == 3 and np.ptp(np.array(starts), axis=0).max() == 0
    start = next(t for t in fig["data"] if t.get("name") == "start")  # the one start marker
    assert (decode(start["x"])[0], decode(start["y"])[0]) == tuple(starts[0])


def test_controls_follow_a_switch_in_the_same_run():
    descent = open_page("app_pages/descent.py", {"surface": "bowl", "opt": "sgd"})
    descent.selectbox(key="opt").set_value("adam").run()
    assert descent.slider(key="beta1").value == 0.9  # Adam's knobs at once, not one interaction later
    descent.selectbox(key="surface").set_value("tiny_net").run()
    assert descent.selectbox(key="batch").value == "full"
    at = race({"opt": "sgd"})
    at.multiselect(key="opt").set_value(["sgd", "rmsprop"]).run()
    assert at.slider(key="alpha.rmsprop").value == 0.99


def test_a_race_links_step_between_frames_snaps_for_one_racer_too():
    at = open_app()
    at.switch_page("app_pages/race.py")
    at.query_params.clear()
    at.query_params.update({"surface": "rosenbrock", "opt": "adam", "steps": "1000", "k": "7"})
    at.run()
    assert not at.exception
    assert (at.query_params["k"], at.query_params["opt"]) == ("5", "adam")  # a frame every 5th step

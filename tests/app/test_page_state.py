"""The shared page-state flow (app_pages/state.py) in AppTest: what the URL, the widgets and the
session each decide, and what may never change."""

from __future__ import annotations

from unittest import mock

import pytest
import streamlit as st

import settings
import settings.race
from tests.app.conftest import bridge, open_app


@pytest.fixture(autouse=True)
def fresh_cache():
    st.cache_data.clear()  # shared by every AppTest in the process: count real engine runs
    yield


def test_view_knobs_never_rerun_the_engine_on_the_descent_page():
    with mock.patch.object(settings, "run", wraps=settings.run) as engine:
        at = open_app({"surface": "bowl", "opt": "adam", "lr": "0.0777"})
        assert engine.call_count == 1
        bridge(at, step=7)  # the player stopped at step 7
        assert at.query_params["k"] == "7"
        at.session_state["k"] = 3  # the step set in the session
        at.run()
        at.toggle(key="view3d").set_value(False).run()
        at.toggle(key="view3d").set_value(True).run()
        assert at.query_params["k"] == "3"
        assert engine.call_count == 1 and not at.exception
        at.number_input(key="lr").set_value(0.0555).run()
        assert engine.call_count == 2


def test_view_knobs_never_rerun_the_engine_on_the_race():
    at = open_app()
    at.switch_page("app_pages/race.py")
    at.query_params.clear()
    at.query_params.update({"surface": "bowl", "opt": "sgd,adam", "lr.adam": "0.0777"})
    with mock.patch.object(settings.race, "run_race", wraps=settings.race.run_race) as engine:
        at.run()
        assert engine.call_count == 2  # one run per racer, each cached on its own
        bridge(at, step=9)  # the player stopped at step 9
        assert at.query_params["k"] == "9"
        at.session_state["k"] = 4  # the step set in the session
        at.run()
        at.toggle(key="view3d").set_value(False).run()
        assert at.query_params["k"] == "4"
        assert engine.call_count == 2 and not at.exception
        at.number_input(key="lr.adam").set_value(0.0555).run()
        assert engine.call_count == 3  # Adam alone ran again
        assert [r.opt for r in engine.call_args.args[0]] == ["adam"]


def test_cosine_anneals_over_the_run_and_follows_the_steps():
    at = open_app({"surface": "bowl", "sched": "cosine", "steps": "150"})
    assert at.slider(key="t_max").value == 150 and "t_max" not in at.query_params
    at.slider(key="steps").set_value(300).run()
    assert at.slider(key="t_max").value == 300 and "t_max" not in at.query_params
    at.slider(key="t_max").set_value(120).run()  # set by hand: it is written, and stays
    assert at.query_params["t_max"] == "120"
    at.slider(key="steps").set_value(200).run()
    assert at.query_params["t_max"] == "120" and at.slider(key="t_max").value == 120


def test_step_decay_follows_rosenbrocks_thousand_steps():
    at = open_app({"surface": "bowl", "sched": "step"})
    at.selectbox(key="surface").set_value("rosenbrock").run()
    assert at.query_params["steps"] == "1000" and at.slider(key="step_size").value == 250
    s, _ = settings.parse(dict(at.query_params))
    assert s.step_size == 250


def test_a_hidden_start_cannot_be_moved_by_any_route():
    link = {"surface": "ravine", "opt": "sgd", "lr": "0.05", "hide": "surface,opt,steps,x0,y0"}
    at = open_app(link)
    start = (at.query_params["x0"], at.query_params["y0"])
    bridge(at, click={"x": 0.5, "y": 0.5})  # a click that got through anyway (the bridge is told not to report one)
    assert (at.query_params["x0"], at.query_params["y0"]) == start
    at.session_state["x0"], at.session_state["y0"] = 0.5, 0.5  # what the click callback writes
    at.number_input(key="lr").set_value(0.04).run()
    assert (at.query_params["x0"], at.query_params["y0"]) == start
    assert at.query_params["hide"] == link["hide"] and at.query_params["lr"] == "0.04"
    assert not at.number_input(key="lr").disabled and not [w for w in at.number_input if w.key == "x0"]


def test_hide_and_present_stay_for_the_session_across_pages():
    at = open_app({"surface": "ravine", "hide": "surface,steps", "present": "1"})
    for page in ("app_pages/race.py", "app_pages/lessons.py", "app_pages/descent.py"):
        at.query_params.clear()  # what a browser does on a sidebar link
        at.switch_page(page).run()
        assert not at.exception
        assert at.query_params["hide"] == "surface,steps" and at.query_params["present"] == "1"
        assert not [w for w in at.selectbox if w.key == "surface"]


def test_a_page_remembers_its_state_when_you_come_back():
    at = open_app({"surface": "booth", "lr": "0.0123"})
    at.query_params.clear()
    at.switch_page("app_pages/race.py").run()
    at.query_params.clear()
    at.switch_page("app_pages/descent.py").run()
    assert at.query_params["surface"] == "booth" and at.query_params["lr"] == "0.0123"


def test_a_link_replaces_the_state_and_says_what_it_fixed():
    at = open_app({"surface": "bowl"})
    at.query_params.clear()
    at.query_params.update({"surface": "saddle", "lr": "abc"})
    at.switch_page("app_pages/descent.py").run()  # a link opened within the session (the gallery, back)
    assert at.query_params["surface"] == "saddle"
    assert any("lr=abc is not a number" in w.value for w in at.warning)


def test_a_lesson_from_the_gallery_says_what_to_watch_on_its_own_page_only():
    import lessons

    at = open_app({})
    at.query_params.clear()
    at.switch_page("app_pages/lessons.py").run()
    link = next(p.proto for p in at.get("page_link") if "lesson=terrain-start" in p.proto.query_string)
    preset = lessons.get("terrain-start")
    at.query_params.clear()
    for pair in link.query_string.split("&"):
        key, value = pair.split("=", 1)
        at.query_params[key] = value.replace("%2C", ",").replace("%2B", "+")
    at.switch_page("app_pages/descent.py").run()
    assert not at.exception
    assert any(preset.caption in box.value for box in at.info)  # "click near (0.1, 0.3)" is not lost
    at.query_params.clear()
    at.switch_page("app_pages/race.py").run()  # a sidebar link: the lesson is not about this page
    assert not any(preset.caption in box.value for box in at.info)

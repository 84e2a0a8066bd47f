"""A browser's first run holds the picture's place, and its bridge's answer (what fits the screen)
draws the picture once, at that size: not at a guess and then again (issue 25's first visit). AppTest
has no Streamlit frontend, so these tests lend the session the URL a browser reports."""

import json

import pytest
from streamlit.runtime.context import ContextProxy

from tests.app.conftest import bridge, chart, chart_keys, open_app


@pytest.fixture
def browser_run(monkeypatch):
    monkeypatch.setattr(ContextProxy, "url", property(lambda self: "http://localhost:8501/"))
    return open_app({"surface": "ravine", "opt": "sgd"})


def data_of_bridge(at) -> dict:
    (element,) = [e for e in at.get("bidi_component") if e.key == "player"]
    return json.loads(element.proto.json)


def test_a_browsers_first_run_holds_the_place_and_draws_no_picture(browser_run):
    assert not browser_run.exception
    assert "picture" not in chart_keys(browser_run)
    assert data_of_bridge(browser_run)["pending"] is True


def test_the_bridges_answer_draws_the_picture_at_the_size_that_fits(browser_run):
    at = bridge(browser_run, fit={"narrow": False, "height": 700})
    assert not at.exception
    assert chart(at, "picture")["layout"]["height"] == 700
    assert data_of_bridge(at)["pending"] is False
    at = bridge(at, step=3)  # later runs draw it as before
    assert chart(at, "picture")["layout"]["height"] == 700


def test_a_narrow_place_gets_the_stacked_picture(browser_run, monkeypatch):
    at = bridge(browser_run, fit={"narrow": True, "height": None})
    assert data_of_bridge(at)["narrow"] is True
    monkeypatch.undo()  # the reference: a session without a frontend, stacked by a later report
    stacked = bridge(open_app({"surface": "ravine", "opt": "sgd"}), narrow=True)
    assert chart(at, "picture")["layout"] == chart(stacked, "picture")["layout"]


@pytest.mark.parametrize("answer", ["tall", [1], {"narrow": "yes", "height": float("nan")}], ids=["text", "list", "junk"])
def test_a_crafted_answer_still_draws_the_picture_at_its_default_size(browser_run, answer):
    at = bridge(browser_run, fit=answer)
    assert not at.exception
    assert chart(at, "picture")["layout"]["height"] == 480
    assert data_of_bridge(at)["pending"] is False


def test_without_a_frontend_the_first_run_draws_the_picture():
    at = open_app({"surface": "ravine", "opt": "sgd"})
    assert "picture" in chart_keys(at) and data_of_bridge(at)["pending"] is False

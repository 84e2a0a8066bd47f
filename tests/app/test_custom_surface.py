"""A typed formula (surface=custom, f=…) on every page that picks a surface, in AppTest."""

from __future__ import annotations

import json

import pytest

import settings
from tests.app.test_race_and_lessons import open_page

FORMULA = "x^2 + 3*y^2 + sin(2*x)"


@pytest.mark.parametrize("page", ["app_pages/descent.py", "app_pages/race.py", "app_pages/basins.py"])
def test_a_link_with_a_formula_opens_it(page):
    query = {"surface": "custom", "f": FORMULA, "view": "-2,2,-2,2", **({"n": "40"} if "basins" in page else {})}
    at = open_page(page, query)
    assert not at.exception and not at.warning
    assert at.query_params["f"] == FORMULA and at.query_params["view"] == "-2,2,-2,2"
    assert at.text_input(key="f").value == FORMULA
    fig = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert fig["layout"]["xaxis"]["range"] == [-2, 2]
    assert any(r"\frac{\partial f}" in e.value or "nabla" in e.value for e in at.get("latex")) or "basins" in page


def test_typing_a_formula_redraws_and_a_bad_one_keeps_the_last_good_picture():
    at = open_page("app_pages/descent.py", {"surface": "custom", "f": "x^2 + y^2"})
    at.text_input(key="f").set_value("x^2 + 5*y^2").run()
    assert not at.exception and at.query_params["f"] == "x^2 + 5*y^2"
    good = at.get("plotly_chart")[0].proto.spec
    hostile = "__import__('os').system('id')"
    at.text_input(key="f").set_value(hostile).run()
    assert not at.exception and at.query_params["f"] == "x^2 + 5*y^2"  # the link keeps the good one
    assert at.text_input(key="f").value == hostile  # the box keeps what was typed, to be fixed
    assert any("Not taken" in e.value for e in at.sidebar.error)
    assert at.get("plotly_chart")[0].proto.spec == good


def test_a_half_typed_formula_stays_in_the_box_and_the_message_says_what_is_missing():
    at = open_page("app_pages/descent.py", {"surface": "custom", "f": "x^2 + y^2"})
    good = at.get("plotly_chart")[0].proto.spec
    at.text_input(key="f").set_value("x**").run()
    assert not at.exception and at.text_input(key="f").value == "x**"
    assert at.query_params["f"] == "x^2 + y^2" and at.get("plotly_chart")[0].proto.spec == good
    [message] = [e.value for e in at.sidebar.error]
    assert "ends after '**'" in message and "exponent" in message and "position" not in message
    at.number_input(key="lr").set_value(0.05).run()  # another control: the typed text and the message stay
    assert not at.exception and at.text_input(key="f").value == "x**" and at.query_params["f"] == "x^2 + y^2"
    assert at.query_params["lr"] == "0.05" and any("ends after" in e.value for e in at.sidebar.error)
    at.text_input(key="f").set_value("x**2 + y**4").run()  # fixed: taken, and the message goes
    assert not at.exception and at.query_params["f"] == "x**2 + y**4" and not at.sidebar.error
    assert at.text_input(key="f").value == "x**2 + y**4"


def test_choosing_your_own_function_starts_from_an_example():
    at = open_page("app_pages/descent.py", {})
    at.selectbox(key="surface").set_value(settings.CUSTOM).run()
    assert not at.exception and at.query_params["f"] == settings.DEFAULT_FORMULA


def test_a_hostile_formula_link_gets_a_note_and_the_example():
    at = open_page("app_pages/descent.py", {"surface": "custom", "f": "().__class__.__mro__", "view": "nan,1,2,3"})
    assert not at.exception and at.warning
    assert at.query_params["f"] == settings.DEFAULT_FORMULA and at.query_params["view"] == "-3,3,-3,3"

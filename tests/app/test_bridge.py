"""The picture's bridge takes only finite numbers in range from the browser (issue 23): a crafted client
can send JSON NaN, Infinity, 1e999 (read as inf), a 400-digit integer, true or text, and its page must
neither crash nor move."""

import pytest

from settings.readers import fmt
from tests.app.conftest import bridge, open_app

NOT_NUMBERS = [float("nan"), float("inf"), float("-inf"), 1e300, 10**400, -(10**400), True, "7", [7]]
IDS = ["NaN", "Infinity", "-Infinity", "1e300", "400 digits", "-400 digits", "true", "text", "list"]


@pytest.fixture
def page():
    return open_app({"surface": "bowl", "opt": "sgd", "k": "5"})


def settled(at) -> dict:
    assert not at.exception, at.exception
    return dict(at.query_params)


@pytest.mark.parametrize("value", NOT_NUMBERS, ids=IDS)
def test_a_step_that_is_no_step_is_ignored(page, value):
    before = settled(page)
    assert settled(bridge(page, step=value)) == before


@pytest.mark.parametrize("value", NOT_NUMBERS, ids=IDS)
def test_a_click_that_is_no_point_is_ignored(page, value):
    before = settled(page)
    assert settled(bridge(page, click={"x": value, "y": 0.5})) == before
    assert settled(bridge(page, click={"x": 0.5, "y": value})) == before


@pytest.mark.parametrize("value", NOT_NUMBERS, ids=IDS)
def test_a_height_that_is_no_height_is_ignored(page, value):
    before = settled(page)
    assert settled(bridge(page, height=value)) == before


def test_numbers_in_range_still_move_the_page(page):
    assert settled(bridge(page, step=7))["k"] == "7"
    query = settled(bridge(page, click={"x": 0.25, "y": -0.5}))
    assert (query["x0"], query["y0"], query["k"]) == ("0.25", "-0.5", "0")
    assert settled(bridge(page, height=10**6)) == query  # no picture is a million pixels high: ignored


def test_fmt_prints_what_is_not_finite_instead_of_crashing():
    assert (fmt(float("nan")), fmt(float("inf")), fmt(float("-inf"))) == ("nan", "inf", "-inf")

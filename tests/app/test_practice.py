"""The practice page in AppTest: answering, progress, new numbers, teacher links, hostile links, and
every exercise's picture link opening without error."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from lessons import practice
from tests.app.conftest import APP


def open_practice(query: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("app_pages/practice.py")
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at.run()


def check(at: AppTest, answer) -> AppTest:
    x = practice.instance(at.query_params["ex"], int(at.query_params["seed"]))
    key = f"{x.exercise.id}.{x.seed}"
    if x.exercise.kind == "choice":
        at.radio(key=f"answer.{key}").set_value(answer)
    else:
        at.text_input(key=f"answer.{key}").set_value(str(answer))
    return at.button(key=f"FormSubmitter:form.{key}-Check").click().run()


def test_the_page_opens_on_the_first_exercise_with_its_seed_in_the_link():
    at = open_practice()
    assert not at.exception
    assert at.query_params["seed"] == "1" and at.query_params["ex"] == practice.ids()[0]
    assert practice.instance(practice.ids()[0], 1).prompt in [m.value for m in at.markdown]


def test_a_right_answer_counts_and_explains_with_a_link():
    at = open_practice({"ex": "one-update", "seed": "3"})
    x = practice.instance("one-update", 3)
    at = check(at, x.answer)
    assert not at.exception and at.success and "Right" in at.success[0].value
    assert any(m.value == x.explanation for m in at.markdown)
    assert at.sidebar.get("metric")[0].proto.body == "1 of 1"
    links = [link.proto for link in at.get("page_link")]
    assert any(link.label == "See it on the descent page" and "surface=bowl" in link.query_string for link in links)


def test_a_wrong_answer_says_what_the_engine_computes_and_asks_for_a_retry():
    at = check(open_practice({"ex": "momentum-limit", "seed": "4"}), 123.0)
    x = practice.instance("momentum-limit", 4)
    assert at.error and x.shown_answer in at.error[0].value
    assert at.sidebar.get("metric")[0].proto.body == "0 of 1"
    assert any("To retry" in m.value and x.exercise.title in m.value for m in at.sidebar.markdown)


def test_a_choice_exercise_is_checked_as_a_choice():
    at = open_practice({"ex": "hiker", "seed": "9"})
    x = practice.instance("hiker", 9)
    at = check(at, x.answer)
    assert at.success and not at.exception


def test_new_numbers_change_the_seed_in_the_link_and_the_numbers():
    at = open_practice({"ex": "one-update", "seed": "5"})
    before = practice.instance("one-update", 5).prompt
    at.sidebar.button[0].click().run()
    seed = int(at.query_params["seed"])
    assert seed != 5 and practice.instance("one-update", seed).prompt in [m.value for m in at.markdown]
    assert before not in [m.value for m in at.markdown] or practice.instance("one-update", seed).prompt == before


def test_next_and_previous_walk_the_set_in_order():
    at = open_practice({"set": "hiker,one-update,adam-bias", "present": "1"})
    assert at.query_params["ex"] == "hiker" and at.query_params["present"] == "1"
    at.button[1].click().run()  # Next
    assert at.query_params["ex"] == "one-update"
    at.button[1].click().run()
    at.button[1].click().run()  # wraps round
    assert at.query_params["ex"] == "hiker" and at.query_params["set"] == "hiker,one-update,adam-bias"
    at.button[0].click().run()  # Previous
    assert at.query_params["ex"] == "adam-bias"


@pytest.mark.parametrize("query", [{"seed": "abc"}, {"set": "nope,,,"}, {"ex": "<script>"}, {"seed": "1e999"},
                                   {"set": "x" * 5000}, {"ex": "hiker", "set": "one-update"}])
def test_hostile_links_show_a_note_and_an_exercise(query):
    at = open_practice(query)
    assert not at.exception and at.warning
    assert at.query_params["ex"] in practice.ids()


@pytest.mark.parametrize("exercise_id", practice.ids())
def test_every_exercise_renders_and_its_picture_link_opens(exercise_id):
    at = open_practice({"ex": exercise_id, "seed": "11"})
    assert not at.exception
    x = practice.instance(exercise_id, 11)
    if x.figure is not None:
        assert at.get("plotly_chart")
    page, query = x.link()
    target = AppTest.from_file(APP, default_timeout=60)
    target.switch_page(f"app_pages/{page}.py")
    for key, value in query.items():
        target.query_params[key] = value
    target.run()
    assert not target.exception and not target.warning  # the link is clean: no note on it


def test_the_teacher_link_opens_the_chosen_set_in_order_in_presentation_mode():
    at = open_practice({"seed": "8"})
    at.multiselect(key="teacher_set").set_value(["adam-bias", "one-update"]).run()
    link = next(c.value for c in at.sidebar.code if "set=" in c.value)
    assert "set=adam-bias%2Cone-update" in link and "seed=8" in link and "present=1" in link
    query = dict(pair.split("=", 1) for pair in link.split("?", 1)[1].split("&"))
    opened = open_practice({k: v.replace("%2C", ",") for k, v in query.items()})
    assert opened.query_params["ex"] == "adam-bias" and opened.query_params["present"] == "1"
    assert not opened.exception and not opened.warning

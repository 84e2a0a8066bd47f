"""Every value a link can carry, at its edges and beyond, on every page: never an exception, always
the page's picture, and a note exactly when something had to be changed: every link through its page's
parser, and one page run (AppTest) for each distinct state the parser makes of them. Then thousands of
arbitrary links through each page's parser (hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import optim
import settings as descent_settings
from lessons.practice_state import parse_practice
from settings.basins import parse_basins, to_basins_query
from settings.batches import KEYS as BATCH_KEYS
from settings.batches import parse_batches, to_batches_query
from settings.lab import OWN_KEYS as LAB_KEYS
from settings.lab import parse_lab, to_lab_query
from settings.network import KEYS as NETWORK_KEYS
from settings.network import parse_network, to_network_query
from settings.race import parse_race, to_race_query
from tests.app.conftest import chart_keys, one_run_each, outcome_of, same, stands_for
from tests.app.test_race_and_lessons import open_page
from tests.draws import draws

HOSTILE = ["-1e308", "1e308", "nan", "", "<b>x</b>", "9" * 400]  # below, above, not a number, empty, markup, long
PAGES = {
    "descent": ("app_pages/descent.py", descent_settings.parse,
                [*descent_settings.BASE_KEYS, "momentum", "wd", "step_size", "gamma", "t_max", "eta_min", "warmup"],
                {"sched": "step"}),
    "race": ("app_pages/race.py", parse_race, ["opt", "lr.adam", "beta1.adam", "momentum.momentum", "steps", "x0", "k",
                                                "tune"],
             {}),
    "basins": ("app_pages/basins.py", parse_basins, ["surface", "opt", "lr", "steps", "n"], {"n": "20"}),
    "batches": ("app_pages/batches.py", parse_batches, list(BATCH_KEYS), {}),
    "practice": ("app_pages/practice.py", parse_practice, ["seed", "set", "ex"], {}),
    "learning_rate": ("app_pages/learning_rate.py", parse_lab, ["surface", "opt", "lr", "momentum", "steps", "x0",
                                                                "sched", *LAB_KEYS], {"opt": "momentum"}),
    "network": ("app_pages/network.py", parse_network, list(NETWORK_KEYS), {"steps": "40"}),
}
CASES = [(page, key, value) for page, (_, _, keys, _) in PAGES.items() for key in keys for value in HOSTILE]


def link(page, key, value) -> dict:
    return {**PAGES[page][3], key: value}


# one page run for each distinct outcome of a page's parser (tests/app/conftest.py, one_run_each)
RUNS = one_run_each(CASES, lambda case: (case[0], outcome_of(PAGES[case[0]][1], link(*case))))


def test_the_hostile_keys_are_read_through_the_parser():
    """The grouping holds only for keys a page reads through its parser; every case is in one group."""
    assert not {key for _, _, keys, _ in PAGES.values() for key in keys} & set(descent_settings.PAGE_KEYS)
    assert sorted(case for first, others in RUNS for case in (first, *others)) == sorted(CASES)


@pytest.mark.parametrize(("name", "key", "value"), CASES, ids=lambda v: str(v)[:12])
def test_a_hostile_value_parses_as_the_page_run_that_stands_for_it(name, key, value):
    parse = PAGES[name][1]
    state, notes = parse(link(name, key, value))
    assert all(isinstance(n, str) for n in notes)
    first = stands_for(RUNS, (name, key, value))
    assert same(outcome_of(parse, link(*first)), (state, bool(notes))), first


@pytest.mark.parametrize(("name", "key", "value", "others"), [(*first, others) for first, others in RUNS],
                         ids=lambda v: str(v)[:12] if isinstance(v, str) else f"+{len(v)}")
def test_a_hostile_value_gets_a_note_and_the_page(name, key, value, others):
    """``others``: the cases whose link parses as this one's (the test above), so they run the page as it does."""
    script, parse, _, _ = PAGES[name]
    query = link(name, key, value)
    at = open_page(script, query)
    assert not at.exception
    if name != "practice":
        assert chart_keys(at) and chart_keys(at)[0] in ("picture", "basins", "lab")
    assert bool(at.warning) == bool(parse(query)[1]), (query, parse(query)[1])


TEXT = st.one_of(st.text(max_size=30), st.sampled_from(HOSTILE), st.sampled_from(optim.names()),
                 st.sampled_from(["tips", "iris", "ravine", "custom", "cosine", "1", "0.05", "sgd,adam", "x,y"]))


def links(keys) -> st.SearchStrategy:
    return st.dictionaries(st.one_of(st.sampled_from(keys), st.text(max_size=8)),
                           st.one_of(TEXT, st.lists(TEXT, max_size=3)), max_size=12)


SLOW = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow]}


@settings(max_examples=draws(300), **SLOW)
@given(links(PAGES["race"][2] + ["surface", "sched", "batch", "noise", "seed", "lr.sgd"]))
def test_any_race_link_parses_and_round_trips(query):
    racers, notes = parse_race(query)
    assert racers and all(isinstance(n, str) for n in notes)
    assert parse_race(to_race_query(racers)) == (racers, [])


@settings(max_examples=draws(300), **SLOW)
@given(links(PAGES["basins"][2] + ["momentum", "beta1"]))
def test_any_basins_link_parses_and_round_trips(query):
    b, notes = parse_basins(query)
    assert all(isinstance(n, str) for n in notes)
    assert parse_basins(to_basins_query(b)) == (b, [])


@settings(max_examples=draws(300), **SLOW)
@given(links(list(BATCH_KEYS)))
def test_any_batches_link_parses_and_round_trips(query):
    b, notes = parse_batches(query)
    assert all(isinstance(n, str) for n in notes)
    assert parse_batches(to_batches_query(b)) == (b, [])


@settings(max_examples=draws(300), **SLOW)
@given(links(["seed", "set", "ex"]))
def test_any_practice_link_parses(query):
    p, notes = parse_practice(query)
    assert p.ex in p.exercises and all(isinstance(n, str) for n in notes)


@settings(max_examples=draws(300), deadline=None)
@given(links(PAGES["network"][2] + ["surface", "x0", "lr.adam"]))
def test_any_network_link_parses_and_round_trips(query):
    s, notes = parse_network(query)
    assert all(isinstance(n, str) for n in notes)
    assert parse_network(to_network_query(s)) == (s, [])


@settings(max_examples=draws(300), **SLOW)
@given(links(PAGES["learning_rate"][2] + ["f", "view", "beta1", "t_max", "batch"]))
def test_any_lab_link_parses_and_round_trips(query):
    b, notes = parse_lab(query)
    assert all(isinstance(n, str) for n in notes)
    assert parse_lab(to_lab_query(b)) == (b, [])

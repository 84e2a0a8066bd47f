"""Practice exercises: every expected answer is what a hand-derived formula gives (so the engine and
the formula agree), the same seed gives the same numbers, and hostile links are handled."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import landscapes
from lessons import practice
from lessons.practice_state import parse_practice, to_practice_query
from tests.draws import draws

SEEDS = [0, 1, 2, 3, 7, 42, 1234, 99999]


def v(x, name):
    return float(x.values[name])


HAND = {  # exercise → the answer from its numbers, by the formula in its hint
    "one-update": lambda x: v(x, "w") - v(x, "lr") * v(x, "g"),
    "momentum-limit": lambda x: 1 / (1 - v(x, "beta")),
    "momentum-warmup": lambda x: math.ceil(math.log(0.1) / math.log(v(x, "beta"))),
    "adam-first-step": lambda x: v(x, "theta") - v(x, "lr") * math.copysign(1, v(x, "g")),
    "adam-no-bias-correction": lambda x: v(x, "lr") * 0.1 * v(x, "g") / (math.sqrt(0.001) * v(x, "g") + 1e-8),
    "largest-stable-rate": lambda x: 2 / (2 * max(v(x, "a"), v(x, "b"))),
    "adagrad-step": lambda x: v(x, "lr") * v(x, "g") / (math.sqrt(v(x, "t")) * v(x, "g") + 1e-10),
    "rmsprop-step": lambda x: v(x, "lr"),
}


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("exercise_id", sorted(HAND))
def test_numeric_answers_match_the_formula(exercise_id, seed):
    x = practice.instance(exercise_id, seed)
    assert float(x.answer) == pytest.approx(HAND[exercise_id](x), rel=1e-6, abs=1e-9)
    assert x.check(x.answer) and x.check(str(x.answer))


def test_the_classic_line_fit_epoch_is_what_the_loop_prints():
    """x = 1…5, y = 2x + 1, lr 0.01 from (0, 0): w = 0.5, b = 0.14, loss 57 (not the tutorial's 0.14, 0.04, 65)."""
    answers = {practice.instance("line-fit-epoch", seed).values["quantity"]: practice.instance("line-fit-epoch", seed).answer
               for seed in range(30)}
    assert sorted(answers.values()) == pytest.approx([0.14, 0.5, 57.0], rel=1e-12)
    # the same loop written out in NumPy, as the tutorial writes it
    x, y, w, b = np.arange(1.0, 6.0), 2 * np.arange(1.0, 6.0) + 1, 0.0, 0.0
    loss = np.mean((y - (w * x + b)) ** 2)
    w, b = w - 0.01 * -2 * np.mean(x * (y - (w * x + b))), b - 0.01 * -2 * np.mean(y - (w * x + b))
    assert (w, b, loss) == pytest.approx((0.5, 0.14, 57.0))


def test_cost_per_step_counts_multiply_adds():
    for seed in SEEDS:
        x = practice.instance("cost-per-step", seed)
        n, d, b = (int(x.values[k]) for k in ("n", "d", "b"))
        assert x.answer in (n * d, d, b * d)
        assert x.values["method"].split(" ")[0] in x.prompt


def test_curves_are_read_from_real_runs():
    for case in range(3):
        answer, extra = practice.regime(case)
        losses = extra["figure"]["losses"]
        if answer == 2:
            assert not np.isfinite(losses[-1])  # it diverged
        else:
            ratio = losses[-1] / losses[0]
            assert (ratio > 0.25) == (answer == 0)


def test_saddles_and_minima_follow_the_hessian():
    kinds = [practice.saddle_or_minimum(case)[0] for case in range(len(practice.POINTS))]
    assert kinds == [1, 0, 1, 0, 0]  # saddle, terrain well, tiny net's origin, Himmelblau, terrain well
    for name, where in practice.POINTS:
        s = landscapes.get(name)
        point = s.minima[where] if isinstance(where, int) else np.array(where)
        assert np.linalg.norm(s.grad(point)) < 1e-6  # a point where the gradient vanishes


@pytest.mark.parametrize("exercise_id", practice.ids())
def test_every_exercise_shows_and_checks(exercise_id):
    for seed in SEEDS:
        x = practice.instance(exercise_id, seed)
        assert "{" not in x.prompt and "{" not in x.explanation and "{" not in x.hint
        assert x.check(x.answer)
        if x.exercise.kind == "choice":
            assert sorted(x.choices) == sorted(x.exercise.choices)
            assert not any(x.check(i) for i in range(len(x.choices)) if i != x.answer)
        else:
            wrong = float(x.answer) + 10 * (x.tolerance + abs(float(x.answer)) * 0.01 + 0.01)
            assert not x.check(wrong) and not x.check("not a number") and not x.check("nan")


def test_the_same_seed_gives_the_same_numbers_and_others_differ():
    assert practice.instance("one-update", 5).prompt == practice.instance("one-update", 5).prompt
    prompts = {practice.instance("one-update", seed).prompt for seed in range(20)}
    assert len(prompts) > 10


def test_at_least_fifteen_exercises():
    assert len(practice.ids()) >= 15 and len(set(practice.ids())) == len(practice.ids())


@pytest.mark.parametrize(
    ("query", "fragment"),
    [({"seed": "abc"}, "seed=abc is not a number"), ({"seed": "-5"}, "seed=-5 is out of range"),
     ({"seed": "1e400"}, "not a finite number"), ({"set": "nope"}, "set=nope names no exercise"),
     ({"set": "hiker,<script>"}, "?script? is not an exercise"), ({"ex": "zz"}, "ex=zz is not an exercise"),
     ({"lr": "0.1"}, "lr is not a setting of this page")],
)
def test_hostile_links_get_a_note(query, fragment):
    p, notes = parse_practice(query)
    assert p.ex in p.exercises and 0 <= p.seed < 2**31
    assert any(fragment in note for note in notes), notes


@settings(max_examples=draws(300), deadline=None)
@given(st.dictionaries(st.sampled_from(["seed", "set", "ex", "hide", "present", "x"]),
                       st.one_of(st.text(max_size=40), st.lists(st.text(max_size=10), max_size=3),
                                 st.sampled_from(practice.ids()))))
def test_any_query_gives_a_valid_state_that_round_trips(query):
    p, notes = parse_practice(query)
    assert p.ex in p.exercises and set(p.exercises) <= set(practice.ids())
    assert all(isinstance(note, str) and len(note) < 300 for note in notes)
    assert parse_practice(to_practice_query(p)) == (p, [])

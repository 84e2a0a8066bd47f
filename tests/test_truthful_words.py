"""Issue 22, "every sentence exact": one definition of "reached" (optim.summary) for every page, minima
near where a typed formula's run ends, leaving the view said, exact curvature boundaries, the heavy
ball's note, and numbers for learners written plainly."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

import landscapes
import optim
import settings
from lessons import practice
from optim import summary
from optim.sweep import momentum_rate, optimal_momentum
from optim.sweep import sweep as sweep_rates
from tests.draws import draws
from viz import rates
from viz.captions import StepCurvature, curvature_sentence, divergence_reason, view_note


def run(**query):
    s, notes = settings.parse({key: str(value) for key, value in query.items()})
    assert notes == []
    return s, settings.run(s)


# ---- 1. one "reached" -------------------------------------------------------------------------

def test_descent_and_the_lab_say_the_same_step_for_the_same_run():
    s, traj = run(surface="ravine", opt="sgd", lr=0.09)
    said = summary.summarize(s.landscape, traj.points, traj.losses, int(traj.diverged_at))
    sw = sweep_rates(s.landscape, "sgd", (s.x0, s.y0), [0.09], s.steps)
    assert sw.reached_at[0] == said.steps_to_tolerance >= 0 and sw.reach_tol == said.tolerance == 0.03
    words = summary.reached_words(sw.reached_at[0], sw.reach_tol)
    assert words == f"within 0.03 of a minimum at step {said.steps_to_tolerance}"
    assert summary.reached_words(-1, 0.03) == "never within 0.03 of a minimum"


def test_the_tolerance_is_the_number_the_words_print():
    for name in landscapes.names():
        tol = summary.tolerance_for(landscapes.get(name))
        assert float(summary.plain(tol)) == tol and "e" not in summary.plain(tol)


def test_a_sweep_grid_carries_reached_per_run():
    ravine = landscapes.get("ravine")
    grid = optim.sweep_grid(ravine, "momentum", None, [0.01, 0.05], [0.0, 0.9], steps=60)
    assert grid.reached_at.shape == (2, 2) and grid.reach_tol == summary.tolerance_for(ravine)


def test_the_sweep_figure_says_reached_as_every_page_does():
    sw = sweep_rates(landscapes.get("ravine"), "sgd", None, np.geomspace(0.001, 0.2, 12), 100)
    fig = rates.sweep_figure(sw, {}, {})
    assert fig["layout"]["yaxis2"]["title"]["text"].replace("<br>", " ") == "first step within 0.03 of a minimum"
    said = [row[1] for trace in fig["data"] for row in trace.get("customdata") or [] if isinstance(row, list)]
    assert said and all("of a minimum" in text for text in said)


# ---- 2. minima near where a typed formula's run ends -------------------------------------------

def test_sin_cos_reaches_the_minimum_just_outside_the_view():
    s, traj = run(surface="custom", f="sin(x)*cos(y)")
    assert traj.losses[-1] == pytest.approx(-1)
    said = summary.summarize(s.landscape, traj.points, traj.losses, int(traj.diverged_at))
    assert said.distance < 1e-6 and 0 <= said.steps_to_tolerance < s.steps
    minima = summary.minima_for(s.landscape, traj.points)
    assert np.min(np.linalg.norm(minima - [np.pi / 2, -np.pi], axis=-1)) < 1e-8


def test_declared_surfaces_keep_their_declared_minima():
    ravine = landscapes.get("ravine")
    _, traj = run(surface="ravine", opt="sgd", lr=0.01)
    np.testing.assert_array_equal(summary.minima_for(ravine, traj.points), ravine.minima)


# ---- 3. leaving the view ----------------------------------------------------------------------

def test_bowl_at_1_2_left_the_view_at_step_1_and_the_surface_later():
    s, traj = run(surface="bowl", opt="sgd", lr=1.2)
    step, left = int(traj.diverged_at), int(summary.left_view_at(traj.points, s.landscape.bounds))
    assert left == 1 and step > 1
    words = divergence_reason(s.landscape, s.rule(), s.lr, step, left)
    assert words.startswith(f"The run diverged at step {step}: it left the view at step 1 and the surface at step {step}.")


def test_a_path_that_leaves_the_view_without_diverging_says_so():
    s, traj = run(surface="custom", f="sin(x)*cos(y)")
    left = int(summary.left_view_at(traj.points, s.landscape.bounds))
    assert left > 0 and traj.diverged_at < 0
    assert view_note(s.landscape, traj) == (f"The path left the view at step {left} and ends outside it, "
                                            "at (1.571, −3.142).")
    _, stays = run(surface="ravine", opt="sgd", lr=0.01)
    assert view_note(landscapes.get("ravine"), stays) is None


def test_view_words():
    assert summary.view_words(1, 10) == "left the view at step 1 and the surface at step 10"
    assert summary.view_words(10, 10) == "left the view and the surface at step 10"
    assert summary.view_words(3, -1) == "left the view at step 3"
    assert summary.view_words(-1, -1) is None


# ---- 4. curvature boundaries ------------------------------------------------------------------

def sentence(product, limit=2.0, rule="sgd", **hyper):
    c = StepCurvature(0, np.array([1.0, 20.0]), np.eye(2), product / 20, 0.0, limit)
    return c, curvature_sentence(c, optim.get(rule, lr=0.01, **hyper), False)


@pytest.mark.parametrize(("product", "words"), [
    (0.5, "falls short of the valley floor"), (0.999, "falls short of the valley floor"),
    (1.0, "lands exactly on the valley floor"), (0.05 * 20, "lands exactly on the valley floor"),
    (1.001, "overshoots the valley floor, but less each time"), (1.999, "overshoots the valley floor, but less"),
    (2.0, "bouncing between the walls forever"), (0.1 * 20, "bouncing between the walls forever"),
    (2.001, "each step overshoots along that direction and grows"),
])
def test_each_regime_at_and_beside_its_boundary(product, words):
    c, text = sentence(product)
    assert words in text
    assert c.unstable == (product > 2.0001)


def test_a_product_beside_a_boundary_is_not_written_as_the_boundary():
    _, text = sentence(1 + 1e-6)
    assert "η·λ_max = 1.000001 < 2" in text
    _, text = sentence(2 - 1e-6)
    assert "η·λ_max = 1.999999 < 2" in text


def test_momentum_at_its_own_limit_neither_shrinks_nor_grows():
    c, text = sentence(3.8, limit=3.8, rule="momentum", momentum=0.9)
    assert c.at_limit and not c.unstable and "neither shrinks nor grows" in text


# ---- 5. the heavy ball's note -----------------------------------------------------------------

def test_the_heavy_ball_note_on_noisy_regression_keeps_two_points():
    surface = landscapes.get("noisy_regression")
    mu, L = surface.strong_convexity, surface.lipschitz
    _, b_star, r_star = optimal_momentum(mu, L)
    plain_rate = float(momentum_rate(2 / (mu + L), 0.0, mu, L))
    assert f"{r_star:.3g}" == "0.0914" and f"{plain_rate:.3g}" == "0.181"
    assert not rates.same_point(plain_rate, r_star, b_star)
    texts = [a["text"] for a in rates.momentum_map(mu, L)["layout"]["annotations"]]
    assert not any("plain descent's best too" in t for t in texts) and len(texts) == 2


def test_the_heavy_ball_note_merges_only_one_point():
    _, b_star, r_star = optimal_momentum(1.0, 1.0)
    assert rates.same_point(float(momentum_rate(1.0, 0.0, 1.0, 1.0)), r_star, b_star)
    assert not rates.same_point(0.5, 0.5, 0.1)  # same rate, other β
    assert not rates.same_point(0.5, 0.4, 0.0)  # same β, other rate


# ---- 6. numbers for learners ------------------------------------------------------------------

def test_cost_per_step_with_seed_224_writes_n_in_full():
    x = practice.instance("cost-per-step", 224)
    assert "n = 10000 samples" in x.prompt and "e+" not in x.prompt + x.explanation


@hsettings(max_examples=draws(60), deadline=None)
@given(st.integers(0, 2**31 - 1))
def test_cost_per_step_never_prints_e_notation(seed):
    x = practice.instance("cost-per-step", seed)
    for text in (x.prompt, x.explanation, x.hint, x.shown_answer, *map(str, x.values.values())):
        assert "e+" not in text and "e-" not in text


@pytest.mark.parametrize(("value", "text"), [(10000, "10000"), (10000.0, "10000"), (500000, "500000"), (0.25, "0.25"),
                                             (1 / 3, "0.3333"), (2.5e-5, "0.000025"), (-0.0, "0"), (12.3456, "12.35")])
def test_number_is_plain(value, text):
    assert practice.number(value) == text

"""The curvature sentence (viz.captions): λ_max at a step, η·λ_max against the rule's limit, on any surface."""

from __future__ import annotations

import numpy as np
import pytest

import landscapes
import optim
import settings
from viz.captions import StepCurvature, curvature_note, curvature_sentence, explained_step, step_curvature


def run(**query):
    s, notes = settings.parse({key: str(value) for key, value in query.items()})
    assert notes == []
    return s, settings.run(s)


def test_the_ravine_bends_twenty_everywhere():
    ravine = landscapes.get("ravine")
    points = np.random.default_rng(0).uniform(-3, 3, (50, 2))
    values, _ = landscapes.curvature(ravine, points)
    np.testing.assert_allclose(values[:, 1], 20.0, rtol=1e-12)
    s, traj = run(surface="ravine", opt="sgd", lr=0.09)
    for k in (0, 7, traj.steps):
        assert step_curvature(ravine, s.rule(), traj, k).steepest == pytest.approx(20.0)


def test_above_two_the_ravine_run_diverges_and_the_sentence_says_why():
    s, traj = run(surface="ravine", opt="sgd", lr=0.11)
    c = step_curvature(s.landscape, s.rule(), traj, 3)
    assert c.lr == 0.11 and c.limit == 2 and c.product == pytest.approx(2.2) and c.unstable
    assert traj.diverged_at > 0
    note = curvature_note(s.landscape, s.rule(), traj, 3)
    assert note.startswith("At step 3 the steepest curvature is λ_max = 20; η·λ_max = 2.2 > 2")
    assert note.endswith("which is why the run diverged.")


def test_below_two_the_ravine_run_settles():
    s, traj = run(surface="ravine", opt="sgd", lr=0.09)
    c = step_curvature(s.landscape, s.rule(), traj, 0)
    assert c.product == pytest.approx(1.8) and not c.unstable and traj.diverged_at < 0
    note = curvature_note(s.landscape, s.rule(), traj, 0)
    assert "η·λ_max = 1.8 < 2" in note and "stable here" in note and "diverged" not in note


def test_on_the_saddle_axis_the_curvature_along_y_is_negative():
    saddle = landscapes.get("saddle")
    s, traj = run(surface="saddle", opt="sgd", lr=0.05, x0=2.5, y0=0)
    assert np.all(traj.points[:, 1] == 0)  # the path stays on the axis y = 0
    c = step_curvature(saddle, s.rule(), traj, 4)
    np.testing.assert_allclose(c.values, [-2.0, 2.0])
    np.testing.assert_allclose(np.abs(c.vectors[:, 0]), [0, 1], atol=1e-12)  # down along y
    note = curvature_sentence(c, s.rule(), diverged=False)
    assert "λ_max = 2; η·λ_max = 0.1 < 2" in note
    assert "Along (0, 1) it curves down (λ_min = −2)" in note


def test_rosenbrock_agrees_with_numpy_at_a_point():
    rosen = landscapes.get("rosenbrock")
    s, traj = run(surface="rosenbrock", opt="sgd", lr=0.001, steps=30)
    for k in (0, 11, 30):
        c = step_curvature(rosen, s.rule(), traj, k)
        np.testing.assert_allclose(c.values, np.linalg.eigvalsh(rosen.hessian(traj.points[k])), rtol=1e-12)
        assert c.product == pytest.approx(0.001 * c.values[1])


def test_past_the_divergence_the_sentence_is_about_the_last_step_before_it_left():
    s, traj = run(surface="rosenbrock", opt="sgd", lr=0.01)  # leaves at step 4
    left = int(traj.diverged_at)
    assert left > 1 and explained_step(traj, left) == explained_step(traj, traj.steps) == left - 1
    assert explained_step(traj, 1) == 1
    note = curvature_note(s.landscape, s.rule(), traj, traj.steps)
    h = s.landscape.hessian(traj.points[left - 1])
    product = 0.01 * np.linalg.eigvalsh(h)[1]
    assert note.startswith(f"At step {left - 1} the steepest curvature")
    assert f"η·λ_max = {product:.3g} > 2" in note and note.endswith("which is why the run diverged.")
    # a step whose product is barely above 2 is written with the digits that show it
    assert "η·λ_max = 2.003 > 2" in curvature_note(s.landscape, s.rule(), traj, 1)


def test_momentum_is_judged_by_its_own_limit_and_weight_decay_adds_to_the_curvature():
    s, traj = run(surface="ravine", opt="momentum", lr=0.2, momentum=0.9, wd=0.1)
    c = step_curvature(s.landscape, s.rule(), traj, 0)
    assert c.limit == pytest.approx(3.8) and c.steepest == pytest.approx(20.1)
    assert c.product == pytest.approx(0.2 * 20.1) and c.unstable
    note = curvature_sentence(c, s.rule(), diverged=True)
    assert "λ_max = 20.1 (20 from the surface + 0.1 weight decay)" in note
    assert "η·λ_max = 4.02 > 3.8, Momentum's limit (η < 2(1 + μ)/L)" in note


def test_an_adaptive_rule_has_no_such_limit():
    s, traj = run(surface="ravine", opt="adam", lr=0.1)
    c = step_curvature(s.landscape, s.rule(), traj, 0)
    assert c.limit is None and not c.unstable
    note = curvature_sentence(c, s.rule(), diverged=False)
    assert "η·λ_max = 2, but Adam rescales each step" in note and "does not apply directly" in note


def test_where_the_surface_curves_down_everywhere_there_is_no_limit():
    c = StepCurvature(5, np.array([-3.0, -1.0]), np.eye(2), 0.1, 0.0, 2.0)
    assert not c.unstable
    note = curvature_sentence(c, None, diverged=False)
    assert note.startswith("At step 5 the surface curves down in every direction (λ_max = −1)")
    assert "no step-size limit here" in note
    s, traj = run(surface="custom", f="-(x^2 + 2*y^2)", opt="sgd", lr=0.1, x0=0.5, y0=0.5)
    assert traj.diverged_at > 0
    assert "λ_max = −2): no step-size limit here" in curvature_note(s.landscape, s.rule(), traj, 0)


def test_nothing_to_say_where_the_point_has_left_or_the_run_has_no_update():
    s, traj = run(surface="bowl", opt="sgd", lr=1.2)
    assert step_curvature(s.landscape, s.rule(), traj, traj.steps) is None  # NaN after it left
    bowl, rule = landscapes.get("bowl"), optim.get("sgd", lr=0.1)
    assert curvature_note(bowl, rule, optim.descend(bowl, rule, (1.0, 1.0), steps=0), 0) is None

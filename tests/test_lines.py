"""The lab's one-dimensional surfaces: a loss and its derivatives in x alone, outside the registry, and
the engine running on them with y held at 0; the textbook behaviour of descent on x²."""

import math

import numpy as np
import pytest

import landscapes
import optim
from landscapes.lines import DOUBLE_WELL, LINES, PARABOLA

SURFACES = list(LINES.values())


def points(surface, n=50, seed=0):
    (x0, x1), (y0, y1) = surface.bounds
    rng = np.random.default_rng(seed)
    return np.column_stack([rng.uniform(x0, x1, n), rng.uniform(y0, y1, n)])


def test_the_lines_stay_out_of_the_registry():
    assert set(LINES) == {"parabola", "double_well"}
    assert not set(LINES) & set(landscapes.names())
    assert all(name == surface.name for name, surface in LINES.items())
    assert (PARABOLA.title, DOUBLE_WELL.title) == ("Parabola", "Double well")


@pytest.mark.parametrize("surface", SURFACES, ids=list(LINES))
def test_shapes_follow_the_surface_contract(surface):
    p = np.zeros((3, 4, 2))
    assert surface.loss(p).shape == (3, 4)
    assert surface.grad(p).shape == (3, 4, 2)
    assert surface.hessian(p).shape == (3, 4, 2, 2)
    assert surface.minima.shape[1] == 2 and (surface.minima[:, 1] == 0).all()
    assert surface.bounds[1] == (-1.0, 1.0) and surface.start[1] == 0
    assert surface.code and len(surface.grad_code) == 2 and surface.formula


@pytest.mark.parametrize("surface", SURFACES, ids=list(LINES))
def test_the_loss_ignores_y_and_the_gradient_matches_central_differences(surface):
    p = points(surface)
    flat = p.copy()
    flat[:, 1] = 0
    np.testing.assert_array_equal(surface.loss(p), surface.loss(flat))
    h = 1e-6
    numeric = np.stack([(surface.loss(p + e) - surface.loss(p - e)) / (2 * h) for e in np.eye(2) * h], axis=-1)
    np.testing.assert_allclose(surface.grad(p), numeric, rtol=1e-6, atol=1e-7)
    assert (surface.grad(p)[:, 1] == 0).all()


@pytest.mark.parametrize("surface", SURFACES, ids=list(LINES))
def test_the_hessian_matches_central_differences_of_the_gradient(surface):
    p = points(surface)
    h = 1e-5
    numeric = np.stack([(surface.grad(p + e) - surface.grad(p - e)) / (2 * h) for e in np.eye(2) * h], axis=-1)
    np.testing.assert_allclose(surface.hessian(p), numeric, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("surface", SURFACES, ids=list(LINES))
def test_the_code_forms_compute_the_loss_and_gradient(surface):
    p = points(surface)
    scope = {"x": p[:, 0], "y": p[:, 1], "m": np, "math": math}
    np.testing.assert_allclose(eval(surface.code, scope), surface.loss(p), rtol=1e-12)
    grad = np.stack([np.broadcast_to(eval(code, scope), len(p)) for code in surface.grad_code], axis=-1)
    np.testing.assert_allclose(grad, surface.grad(p), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("rule", optim.names())
@pytest.mark.parametrize("surface", SURFACES, ids=list(LINES))
def test_every_rule_keeps_y_at_zero(surface, rule):
    lr = surface.defaults.lr_for(*optim.rule(rule).lr_family)
    traj = optim.descend(surface, optim.get(rule, lr=lr), np.array(surface.start), 80)
    ys = traj.points[:, 1]
    assert (ys[np.isfinite(ys)] == 0).all()
    assert traj.points[-1, 0] != surface.start[0]  # it moved along x


def test_parabola_one_step_at_half_bounces_at_one_flies_off_above():
    start = np.array([2.0, 0.0])
    exact = optim.descend(PARABOLA, optim.get("sgd", lr=0.5), start, 5)
    assert exact.points[1, 0] == 0 and exact.losses[1] == 0
    bounce = optim.descend(PARABOLA, optim.get("sgd", lr=1.0), start, 200)
    np.testing.assert_array_equal(bounce.points[:, 0], 2.0 * (-1.0) ** np.arange(201))  # ±2 for ever
    assert bounce.diverged_at == -1
    away = optim.descend(PARABOLA, optim.get("sgd", lr=1.1), start, 200)
    assert away.diverged_at > 0 and np.isnan(away.points[-1, 0])
    sw = optim.sweep(PARABOLA, "sgd", None, [0.5, 1.0, 1.1], 200)
    assert list(sw.zone) == ["converge", "oscillate", "diverge"] and sw.steps_to_tolerance[0] == 1


def test_parabola_theory_lines():
    assert optim.theory(PARABOLA, "sgd") == {"diverges above": 1.0, "fastest": 0.5}


def test_the_double_well_has_minima_at_plus_and_minus_one_and_a_hump_between():
    np.testing.assert_array_equal(np.sort(DOUBLE_WELL.minima[:, 0]), [-1.0, 1.0])
    assert (DOUBLE_WELL.loss(DOUBLE_WELL.minima) == 0).all()
    assert (DOUBLE_WELL.grad(DOUBLE_WELL.minima) == 0).all()
    assert (DOUBLE_WELL.hessian(DOUBLE_WELL.minima)[:, 0, 0] > 0).all()
    hump = np.array([0.0, 0.0])
    assert DOUBLE_WELL.loss(hump) == 1 and DOUBLE_WELL.hessian(hump)[0, 0] < 0
    for m in DOUBLE_WELL.minima:  # the points beside each minimum are higher
        assert (DOUBLE_WELL.loss(m + np.array([[-1e-3, 0], [1e-3, 0]])) > 0).all()


def test_from_its_start_the_double_well_shows_three_regimes():
    """Small steps settle in the near valley, larger ones overshoot into the far one, larger still fly off."""
    start = np.array(DOUBLE_WELL.start)
    ends = {lr: optim.descend(DOUBLE_WELL, optim.get("sgd", lr=lr), start, 2000, record="path") for lr in
            (0.01, 0.2, 0.3)}
    assert ends[0.01].points[-1, 0] == pytest.approx(-1.0, abs=1e-6)
    assert ends[0.2].points[-1, 0] == pytest.approx(1.0, abs=1e-6)
    assert ends[0.3].diverged_at > 0

"""Every surface: analytic gradients equal finite differences, minima are minima, shapes broadcast."""

import numpy as np
import pytest

import landscapes

NAMES = landscapes.names()
DATA = [n for n in NAMES if landscapes.get(n).is_data]


def random_points(surface, n=60, seed=0):
    (x0, x1), (y0, y1) = surface.bounds
    rng = np.random.default_rng(seed)
    return np.column_stack([rng.uniform(x0, x1, n), rng.uniform(y0, y1, n)])


def central_differences(f, p, h=1e-6):
    steps = np.eye(2) * h
    return np.stack([(f(p + e) - f(p - e)) / (2 * h) for e in steps], axis=-1)


def test_the_registry_has_every_surface_of_the_brief():
    assert NAMES == ["bowl", "ravine", "saddle", "terrain", "plateau", "rosenbrock", "beale", "himmelblau",
                     "booth", "rastrigin", "ackley", "linear_regression", "noisy_regression", "tiny_net"]
    with pytest.raises(ValueError, match="unknown surface 'moon'; choose one of: bowl, ravine"):
        landscapes.get("moon")


@pytest.mark.parametrize("name", NAMES)
def test_declaration_is_well_formed(name):
    s = landscapes.get(name)
    (x0, x1), (y0, y1) = s.bounds
    assert x0 < x1 and y0 < y1 and s.formula and s.title and s.description
    assert s.minima.ndim == 2 and s.minima.shape[1] == 2
    assert x0 <= s.start[0] <= x1 and y0 <= s.start[1] <= y1
    assert all(x0 <= mx <= x1 and y0 <= my <= y1 for mx, my in s.minima)


@pytest.mark.parametrize("name", NAMES)
def test_gradient_equals_central_differences(name):
    s = landscapes.get(name)
    p = random_points(s)
    numeric = central_differences(s.loss, p)
    scale = 1 + np.abs(numeric).max(axis=-1, keepdims=True)
    np.testing.assert_allclose(s.grad(p) / scale, numeric / scale, atol=2e-6)


@pytest.mark.parametrize("name", DATA)
def test_mini_batch_gradient_equals_central_differences(name):
    s = landscapes.get(name)
    idx = np.random.default_rng(1).choice(s.n_samples, size=max(s.n_samples // 2, 1), replace=False)
    p = random_points(s, 20)
    numeric = central_differences(lambda q: s.loss(q, idx), p)
    scale = 1 + np.abs(numeric).max(axis=-1, keepdims=True)
    np.testing.assert_allclose(s.grad(p, idx) / scale, numeric / scale, atol=2e-6)


@pytest.mark.parametrize("name", [n for n in NAMES if landscapes.get(n).loss_and_grad])
def test_fused_loss_and_grad_agree_with_the_separate_ones(name):
    s = landscapes.get(name)
    p = random_points(s)
    loss, grad = s.loss_and_grad(p)
    np.testing.assert_allclose(loss, s.loss(p), rtol=1e-14)
    np.testing.assert_allclose(grad, s.grad(p), rtol=1e-14)
    bufs = (np.empty(len(p)), np.empty_like(p), np.empty(len(p)))  # the in-place form writes into them
    loss2, grad2 = s.loss_and_grad(p, out=bufs)
    assert loss2 is bufs[0] and grad2 is bufs[1]
    np.testing.assert_allclose(loss2, loss, rtol=1e-13)
    np.testing.assert_allclose(grad2, grad, rtol=1e-13, atol=1e-12)


STATED_LOSS = {"saddle": -2.0, "terrain": None, "noisy_regression": None}


@pytest.mark.parametrize("name", NAMES)
def test_minima_are_stationary_and_the_global_one_is_lowest(name):
    s = landscapes.get(name)
    assert np.abs(s.grad(s.minima)).max() < 1e-6
    losses = s.loss(s.minima)
    expected = STATED_LOSS.get(name, 0.0)
    if expected is not None:
        np.testing.assert_allclose(losses, expected, atol=1e-12)
    assert losses[0] <= losses.min() + 1e-12
    (x0, x1), (y0, y1) = s.bounds
    grid = np.stack(np.meshgrid(np.linspace(x0, x1, 201), np.linspace(y0, y1, 201)), axis=-1)
    assert losses[0] <= s.loss(grid).min() + 1e-9


@pytest.mark.parametrize("name", ["terrain", "himmelblau", "saddle", "tiny_net"])
def test_every_listed_minimum_is_a_minimum(name):
    s = landscapes.get(name)
    angles = np.linspace(0, 2 * np.pi, 16)
    for m in s.minima:  # a small ring around it is higher
        ring = m + 1e-3 * np.column_stack([np.cos(angles), np.sin(angles)])
        assert (s.loss(ring) > s.loss(m)).all()


def test_terrain_has_one_global_and_at_least_two_local_minima():
    s = landscapes.get("terrain")
    losses = s.loss(s.minima)
    assert len(s.minima) >= 3 and losses[0] < losses[1:].min()


def test_himmelblau_lists_its_four_minima():
    s = landscapes.get("himmelblau")
    np.testing.assert_allclose(s.minima[0], [3.0, 2.0])
    np.testing.assert_allclose(np.sort(s.minima[:, 0]), [-3.779310, -2.805118, 3.0, 3.584428], atol=1e-6)


def test_quadratics_state_their_largest_curvature():
    for name, expected in [("bowl", 2.0), ("ravine", 20.0), ("booth", 18.0)]:
        assert landscapes.get(name).lipschitz == pytest.approx(expected)
    # linear regression, x = 1…5: Hessian 2·[[11, 3], [3, 1]], eigenvalues 12 ± 2√34
    assert landscapes.get("linear_regression").lipschitz == pytest.approx(12 + 2 * np.sqrt(34))


def test_linear_regression_by_hand():
    s = landscapes.get("linear_regression")
    # at (0, 0) the residuals are y = 3, 5, 7, 9, 11: mean of squares 285/5 = 57
    assert s.loss(np.array([0.0, 0.0])) == pytest.approx(57.0)
    # ∂/∂w = −2·mean(x·y) = −2·(3+10+21+36+55)/5 = −50,  ∂/∂b = −2·mean(y) = −14
    np.testing.assert_allclose(s.grad(np.array([0.0, 0.0])), [-50.0, -14.0])


@pytest.mark.parametrize("name", DATA)
def test_data_loss_is_the_mean_of_per_sample_losses(name):
    s = landscapes.get(name)
    p = random_points(s, 5)
    per_sample = np.stack([s.loss(p, [i]) for i in range(s.n_samples)])
    np.testing.assert_allclose(per_sample.mean(axis=0), s.loss(p), rtol=1e-12)
    np.testing.assert_allclose(s.loss(p, np.arange(s.n_samples)), s.loss(p), rtol=1e-14)


@pytest.mark.parametrize("name", NAMES)
def test_any_batch_shape_and_memory_layout(name):
    s = landscapes.get(name)
    p = random_points(s, 12)
    assert s.loss(p[0]).shape == () and s.grad(p[0]).shape == (2,)
    grid = p.reshape(3, 4, 2)
    np.testing.assert_allclose(s.grad(grid), s.grad(p).reshape(3, 4, 2))
    transposed = np.ascontiguousarray(p.T).T  # how the engine passes points
    np.testing.assert_array_equal(s.grad(transposed), s.grad(p))
    assert s.grad(transposed).flags.f_contiguous


@pytest.mark.parametrize("name", NAMES)
def test_huge_and_nan_inputs_do_not_raise(name):
    s = landscapes.get(name)
    p = np.array([[1e300, -1e300], [np.nan, 0.0], [np.inf, 1.0]])
    with np.errstate(all="ignore"):
        s.loss(p), s.grad(p)

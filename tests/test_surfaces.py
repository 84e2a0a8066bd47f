"""The registry, the fused loss-and-gradient form, and minima as true minima (the rest of what a surface
promises is in test_landscapes.py)."""

import numpy as np
import pytest

import landscapes

NAMES = landscapes.names()


def random_points(surface, n=60, seed=0):
    (x0, x1), (y0, y1) = surface.bounds
    rng = np.random.default_rng(seed)
    return np.column_stack([rng.uniform(x0, x1, n), rng.uniform(y0, y1, n)])


def test_the_registry_has_every_surface_of_the_brief():
    assert NAMES == ["bowl", "ravine", "saddle", "terrain", "plateau", "rosenbrock", "beale", "himmelblau",
                     "booth", "rastrigin", "ackley", "linear_regression", "noisy_regression", "tiny_net", "tips",
                     "tips_unscaled", "iris"]
    with pytest.raises(ValueError, match="unknown surface 'moon'; choose one of: bowl, ravine"):
        landscapes.get("moon")


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


@pytest.mark.parametrize("name", ["terrain", "himmelblau", "saddle", "tiny_net"])
def test_every_listed_minimum_is_a_minimum(name):
    s = landscapes.get(name)
    angles = np.linspace(0, 2 * np.pi, 16)
    for m in s.minima:  # a small ring around it is higher
        ring = m + 1e-3 * np.column_stack([np.cos(angles), np.sin(angles)])
        assert (s.loss(ring) > s.loss(m)).all()

"""Every surface declares its analytic Hessian: shapes, symmetry, agreement with central differences of the
analytic gradient, the values derived by hand, and ``landscapes.curvature`` built on it."""

import dataclasses
import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import landscapes
from landscapes.data import NET_X, NET_Y, tiny_net_hessian
from landscapes.teaching import RAVINE_CURVATURES
from tests.draws import draws

NAMES = landscapes.names()
# where a surface has no Hessian (a kink): differences of the gradient across it measure nothing
KINKS = {"ackley": np.array([[0.0, 0.0]])}
KINK_MARGIN = 0.1  # the cone's curvature grows like 1/r: at r ≥ 0.1 the difference quotient is still exact to ~1e-6
DECLARED = [n for n in NAMES if landscapes.get(n).lipschitz is not None or landscapes.get(n).strong_convexity is not None]


def points_within(surface, n=40, seed=0):
    (x0, x1), (y0, y1) = surface.bounds
    rng = np.random.default_rng(seed)
    return np.column_stack([rng.uniform(x0, x1, n), rng.uniform(y0, y1, n)])


def away_from_kinks(name, p):
    kinks = KINKS.get(name, np.empty((0, 2)))
    far = (np.linalg.norm(p[..., None, :] - kinks, axis=-1) > KINK_MARGIN).all(axis=-1)
    return p[far]


def central_differences(surface, p):
    """The Jacobian of the analytic gradient, column j from a step along axis j; h scales with the view."""
    h = 1e-5 * max(np.ptp(surface.bounds[0]), np.ptp(surface.bounds[1]))
    return np.stack([(surface.grad(p + e) - surface.grad(p - e)) / (2 * h) for e in np.eye(2) * h], axis=-1)


def assert_matches_differences(surface, p):
    analytic, numeric = surface.hessian(p), central_differences(surface, p)
    # rounding in the quotient is relative to each point's largest entry, so small entries get that slack
    scale = 1 + np.abs(numeric).max(axis=(-2, -1), keepdims=True)
    err = np.abs(analytic - numeric)
    assert (err <= 1e-4 * np.abs(numeric) + 1e-6 * scale).all(), f"worst error {err.max():.3g} at {p}"


@pytest.mark.parametrize("name", NAMES)
def test_every_surface_declares_a_hessian(name):
    assert callable(landscapes.get(name).hessian), f"{name} has no analytic Hessian"


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("batch", [(), (5,), (3, 4)])
def test_hessian_is_symmetric_and_shaped_like_the_points(name, batch):
    s = landscapes.get(name)
    p = points_within(s, int(np.prod(batch)), seed=1).reshape(*batch, 2)
    h = s.hessian(p)
    assert h.shape == (*batch, 2, 2) and h.dtype == np.float64
    np.testing.assert_array_equal(h, np.swapaxes(h, -1, -2))
    assert np.isfinite(h).all()


@pytest.mark.parametrize("name", NAMES)
def test_hessian_equals_central_differences_of_the_gradient(name):
    s = landscapes.get(name)
    assert_matches_differences(s, away_from_kinks(name, points_within(s, 200, seed=2)))


@pytest.mark.parametrize("name", NAMES)
@settings(max_examples=draws(50), deadline=None)
@given(data=st.data())
def test_hessian_matches_differences_anywhere_in_view(name, data):
    s = landscapes.get(name)
    (x0, x1), (y0, y1) = s.bounds
    p = np.array([data.draw(st.floats(x0, x1)), data.draw(st.floats(y0, y1))])
    if len(away_from_kinks(name, p[None])):
        assert_matches_differences(s, p)
    values, vectors = landscapes.curvature(s, p)  # and curvature takes the Hessian apart exactly
    np.testing.assert_allclose(vectors @ np.diag(values) @ vectors.T, s.hessian(p),
                               atol=1e-12 * (1 + np.abs(values).max()))


def test_mini_batch_hessian_of_the_tiny_net():
    s, idx = landscapes.get("tiny_net"), np.array([0, 7, 19, 33])
    p = points_within(s, 30, seed=3)
    mini = dataclasses.replace(s, grad=lambda q: s.grad(q, idx), hessian=lambda q: s.hessian(q, idx))
    assert_matches_differences(mini, p)
    assert not np.allclose(tiny_net_hessian(p, idx), s.hessian(p))


# --- values derived by hand ------------------------------------------------------------------------


def test_bowl_is_2i_everywhere():
    s = landscapes.get("bowl")
    np.testing.assert_array_equal(s.hessian(points_within(s)), np.broadcast_to(2 * np.eye(2), (40, 2, 2)))


def test_ravine_curvatures_are_1_and_20_everywhere():
    s = landscapes.get("ravine")
    np.testing.assert_allclose(np.linalg.eigvalsh(s.hessian(points_within(s))), np.tile(RAVINE_CURVATURES, (40, 1)),
                               rtol=1e-12)


def test_rosenbrock_at_its_minimum():
    np.testing.assert_allclose(landscapes.get("rosenbrock").hessian(np.array([1.0, 1.0])), [[802, -400], [-400, 200]],
                               rtol=1e-15)


def test_saddle_at_the_origin():
    np.testing.assert_array_equal(landscapes.get("saddle").hessian(np.zeros(2)), np.diag([2.0, -2.0]))


def test_booth_is_constant():
    s = landscapes.get("booth")
    np.testing.assert_array_equal(s.hessian(points_within(s)), np.broadcast_to([[10.0, 8.0], [8.0, 10.0]], (40, 2, 2)))


def test_tiny_net_origin_is_a_saddle():
    # t = 0 there: only the cross term −2·mean(x y) survives, so the curvatures are ±2·mean(x y)
    c = 2 * np.mean(NET_X * NET_Y)
    np.testing.assert_allclose(landscapes.get("tiny_net").hessian(np.zeros(2)), [[0, -c], [-c, 0]], atol=1e-15)


def test_ackley_origin_is_finite_like_its_gradient():
    # the cone's kink gets no curvature, as it gets no slope; the ripples' is 2π²e in both directions
    s = landscapes.get("ackley")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        at_origin = s.hessian(np.zeros(2))
        near = s.hessian(np.array([[1e-160, 0.0], [0.0, -1e-300], [3e-170, 3e-170]]))
    np.testing.assert_allclose(at_origin, 2 * np.pi**2 * np.e * np.eye(2), rtol=1e-15)
    assert np.isfinite(near).all()


@pytest.mark.parametrize("name", DECLARED)
def test_declared_curvatures_are_the_hessian_eigenvalues(name):
    s = landscapes.get(name)
    values = np.linalg.eigvalsh(s.hessian(points_within(s, 10, seed=5)))
    if s.strong_convexity is not None:
        np.testing.assert_allclose(values[:, 0], s.strong_convexity, rtol=1e-9)
    if s.lipschitz is not None:
        np.testing.assert_allclose(values[:, -1], s.lipschitz, rtol=1e-9)


@pytest.mark.parametrize("name", NAMES)
def test_every_listed_minimum_curves_upward(name):
    s = landscapes.get(name)
    if len(s.minima):
        values = np.linalg.eigvalsh(s.hessian(s.minima))
        assert (values >= -1e-9 * (1 + np.abs(values).max())).all()


# --- landscapes.curvature ---------------------------------------------------------------------------


def test_ravine_curvature_and_axes():
    s = landscapes.get("ravine")
    values, vectors = landscapes.curvature(s, points_within(s).reshape(8, 5, 2))
    assert values.shape == (8, 5, 2) and vectors.shape == (8, 5, 2, 2)
    np.testing.assert_allclose(values, np.broadcast_to(RAVINE_CURVATURES, (8, 5, 2)), rtol=1e-12)
    # the steep axis is v, the y axis turned 30°; an eigenvector's sign is arbitrary
    v_axis = np.array([-np.sin(np.pi / 6), np.cos(np.pi / 6)])
    np.testing.assert_allclose(np.abs(vectors[..., :, 1] @ v_axis), 1.0, rtol=1e-12)
    np.testing.assert_allclose(np.abs(vectors[..., :, 0] @ v_axis), 0.0, atol=1e-12)


def test_curvature_of_one_point_from_a_list():
    values, vectors = landscapes.curvature(landscapes.get("saddle"), [0.0, 0.0])
    np.testing.assert_array_equal(values, [-2.0, 2.0])
    np.testing.assert_array_equal(np.abs(vectors), [[0.0, 1.0], [1.0, 0.0]])


@pytest.mark.parametrize("name", NAMES)
def test_curvature_is_nan_at_bad_points_without_a_warning(name):
    s = landscapes.get(name)
    p = np.array([[np.nan, 0.0], [0.0, np.nan], [np.inf, 1.0], [-np.inf, np.inf], [1e300, -1e300], [*s.start]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        values, vectors = landscapes.curvature(s, p)
    assert np.isnan(values[:4]).all() and np.isnan(vectors[:4]).all()
    assert np.isfinite(values[5]).all() and np.isfinite(vectors[5]).all()
    assert np.isfinite(values[4]).all() == np.isfinite(vectors[4]).all()  # far out: real numbers or NaN, no mix


@pytest.mark.parametrize("name", landscapes.names())
def test_the_gradient_as_code_is_the_gradient(name):
    """``grad_code`` (what a NumPy script computes) against the analytic gradient, at points in view."""
    surface = landscapes.get(name)
    (x0, x1), (y0, y1) = surface.bounds
    rng = np.random.default_rng(5)
    p = np.column_stack([rng.uniform(x0, x1, 50), rng.uniform(y0, y1, 50)])
    data = {}
    if surface.is_data:  # our own declarations, run as the generated script runs them
        exec(compile(surface.samples_code or surface.model.samples_code, "<samples>", "exec"), {"np": np}, data)
    scope = {"m": np, "math": math, "X": np.asarray(data.get("X", 0.0), float), "Y": np.asarray(data.get("Y", 0.0), float)}
    got = np.array([[eval(code, scope, {"x": x, "y": y}) for code in surface.grad_code] for x, y in p])
    np.testing.assert_allclose(got, surface.grad(p), rtol=1e-9, atol=1e-12)

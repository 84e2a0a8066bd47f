"""issue 26: the plane through the network's weights. The loss drawn on it is the network's loss at those
weights; the PCA plane's explained variance and the filter normalization are what Li et al. define;
projection recovers a point of the plane and measures how far others are off it."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import optim
from landscapes import network as nets
from landscapes import plane as planes
from landscapes.network import SHAPES, SIZES
from tests.draws import draws

NET = nets.iris()


@pytest.fixture(scope="module")
def path():
    return optim.descend(NET, optim.get("adam", lr=0.01), NET.init(0), 200, record="path").points


@pytest.mark.parametrize("kind", planes.KINDS)
def test_the_loss_on_the_plane_is_the_networks_loss_at_those_weights(path, kind):
    plane = planes.pca_plane(path) if kind == "pca" else planes.random_plane(path[-1], 3)
    surface = planes.surface(NET, plane, planes.view(plane.project(path), kind))
    ab = np.random.default_rng(1).uniform(-3, 3, (2100, 2))  # more than one chunk
    np.testing.assert_allclose(surface.loss(ab), NET.loss(plane.weights(ab)), rtol=1e-12)
    grid = surface.loss(ab.reshape(30, 70, 2))
    assert grid.shape == (30, 70)
    # the gradient on the plane: the network's, along the two directions (central differences)
    eps, at = 1e-6, ab[:20]
    numeric = np.stack([(surface.loss(at + eps * e) - surface.loss(at - eps * e)) / (2 * eps) for e in np.eye(2)], -1)
    np.testing.assert_allclose(surface.grad(at), numeric, atol=1e-7)


def test_the_pca_plane_explains_the_paths_variance_and_the_path_starts_on_its_positive_side(path):
    plane = planes.pca_plane(path)
    moves = path - path[-1]
    total = (moves**2).sum()
    along = ((moves @ plane.directions.T) ** 2).sum(0)
    np.testing.assert_allclose(plane.explained, along / total, rtol=1e-10)
    np.testing.assert_allclose(plane.directions @ plane.directions.T, np.eye(2), atol=1e-12)
    assert (plane.project(path[0]) > 0).all() and 0.5 < sum(plane.explained) <= 1 + 1e-12
    np.testing.assert_allclose(plane.project(path[-1]), [0, 0], atol=1e-12)


@settings(max_examples=draws(30), deadline=None)
@given(st.integers(0, 10_000), st.floats(-5, 5), st.floats(-5, 5))
def test_a_path_inside_a_plane_is_held_whole_and_projects_back_exactly(seed, a, b):
    rng = np.random.default_rng(seed)
    centre, directions = rng.normal(size=nets.DIM), rng.normal(size=(2, nets.DIM))
    coords = np.vstack([rng.normal(size=(30, 2)), [a, b], [0, 0]])
    inside = centre + coords @ directions
    plane = planes.pca_plane(inside)
    assert sum(plane.explained) == pytest.approx(1.0, abs=1e-9)
    assert plane.residual(inside).max() < 1e-9 * max(1.0, np.abs(inside).max())
    random = planes.Plane(centre, directions, "random")
    np.testing.assert_allclose(random.project(inside), coords, atol=1e-8)


def test_random_directions_are_filter_normalized_and_leave_the_biases(path):
    plane = planes.random_plane(path[-1], 7)
    at = 0
    for (name, shape), size in zip(SHAPES, SIZES, strict=True):
        for direction in plane.directions:
            d, w = direction[at : at + size], path[-1][at : at + size]
            if len(shape) == 1:
                assert not d.any(), name
            else:
                np.testing.assert_allclose(np.linalg.norm(d.reshape(shape), axis=1),
                                           np.linalg.norm(w.reshape(shape), axis=1), rtol=1e-12)
        at += size
    assert not np.allclose(*plane.directions)


def test_the_view_holds_the_path_and_a_random_planes_unit_square():
    (x0, x1), (y0, y1) = planes.view(np.array([[0.2, 0.1], [3.0, -0.5], [np.nan, np.nan]]), "pca")
    assert x0 < 0.2 and x1 > 3.0 and y0 < -0.5 and y1 > 0.1
    (x0, x1), (y0, y1) = planes.view(np.array([[0.1, 0.1]]), "random")
    assert x0 < -1 and x1 > 1 and y0 < -1 and y1 > 1

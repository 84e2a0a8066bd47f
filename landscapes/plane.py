"""A plane through a network's weight space, and the loss on it as a 2D surface every page can draw.

Two planes, after Li et al. 2018 ("Visualizing the Loss Landscape of Neural Nets"):
- ``pca``: through the trained weights θ_T, along the two principal directions of the path's
  θ_t − θ_T (their §7): the plane the training path moved in most. Its explained variance says how
  much of the path the plane holds.
- ``random``: through θ_T along two random directions, each filter-normalized (their §4): every
  neuron's incoming weights in a direction scaled to the norm of that neuron's weights in θ_T, the
  biases not moved (their ``ignore='biasbn'``), so that a unit step means as much in every layer.

A path's points are projected on the plane by least squares. A projected path can look uphill on the
contour: the loss drawn under a point is the plane's, not the path's own (the true loss curve is).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from landscapes.network import SHAPES, SIZES, Network, unpack
from landscapes.surface import Defaults, Surface

KINDS = ("pca", "random")
DESCRIPTION = ("A network learning to tell three iris species apart from four measurements: its loss on a plane "
               "through its 131 weights, and its path projected on that plane.")
CHUNK = 2048  # points of the plane evaluated at once: (CHUNK, samples, hidden) floats at most


@dataclass(frozen=True)
class Plane:
    centre: np.ndarray  # (d,): the plane's origin, θ_T
    directions: np.ndarray  # (2, d)
    kind: str
    explained: tuple[float, float] | None = None  # the PCA plane's share of the path's variance

    def weights(self, ab) -> np.ndarray:
        """θ = centre + a·d₁ + b·d₂ at plane coordinates ``ab`` (..., 2): shape (..., d)."""
        return self.centre + np.asarray(ab) @ self.directions

    def project(self, thetas) -> np.ndarray:
        """The plane's coordinates nearest to each θ (least squares): (..., 2)."""
        gram = self.directions @ self.directions.T
        return np.linalg.solve(gram, self.directions @ (np.asarray(thetas) - self.centre)[..., None])[..., 0]

    def residual(self, thetas) -> np.ndarray:
        """How far each θ lies off the plane (its distance to its projection)."""
        thetas = np.asarray(thetas)
        return np.linalg.norm(thetas - self.weights(self.project(thetas)), axis=-1)


def pca_plane(path, centre=None) -> Plane:
    """The plane of the path's two principal directions (of its points' moves from ``centre``), through
    ``centre``: its last point unless given (a race's paths stacked: the winner's end)."""
    path = np.asarray(path, dtype=float)
    centre = path[-1] if centre is None else np.asarray(centre, dtype=float)
    moves = path - centre
    _, values, vectors = np.linalg.svd(moves, full_matrices=False)
    share = values**2 / max(float((values**2).sum()), 1e-300)
    directions = vectors[:2] if len(vectors) >= 2 else np.vstack([vectors[:1], np.zeros((1, path.shape[1]))])
    # a sign per direction: the path starts on the positive side of each (a picture that does not flip)
    signs = np.where(directions @ (path[0] - centre) < 0, -1.0, 1.0)
    return Plane(centre, directions * signs[:, None], "pca", (float(share[0]), float(share[1:2].sum())))


def random_plane(centre, seed: int) -> Plane:
    """Two filter-normalized random directions through ``centre``."""
    rng = np.random.default_rng([seed, 11])
    centre = np.asarray(centre, dtype=float)
    return Plane(centre, np.stack([_filter_normalized(rng.standard_normal(len(centre)), centre) for _ in range(2)]),
                 "random")


def _filter_normalized(direction, centre) -> np.ndarray:
    out, at = np.zeros_like(direction), 0
    for (_, shape), size in zip(SHAPES, SIZES, strict=True):
        if len(shape) == 2:  # a weight matrix: each row is one neuron's incoming weights
            d, w = direction[at : at + size].reshape(shape), centre[at : at + size].reshape(shape)
            norms = np.linalg.norm(d, axis=1, keepdims=True)
            out[at : at + size] = (d / np.maximum(norms, 1e-300) * np.linalg.norm(w, axis=1, keepdims=True)).ravel()
        at += size  # a bias (name b…): not moved
    return out


def view(coords, kind: str) -> tuple:
    """Bounds that hold the projected path with a margin (and, on a random plane, at least ±1: a unit step
    along a filter-normalized direction is where its picture is read)."""
    coords = np.asarray(coords, dtype=float)
    coords = coords[np.isfinite(coords).all(axis=-1)]
    low, high = (coords.min(0), coords.max(0)) if len(coords) else (np.zeros(2), np.zeros(2))
    reach = 1.0 if kind == "random" else 0.0
    low, high = np.minimum(low, -reach), np.maximum(high, reach)
    pad = 0.15 * np.maximum(high - low, 1e-3)
    return tuple((float(a), float(b)) for a, b in zip(low - pad, high + pad, strict=True))


def surface(network: Network, plane: Plane, bounds: tuple) -> Surface:
    """The loss on the plane as a 2D surface: ``loss(ab)`` is the network's loss at ``plane.weights(ab)``,
    ``grad(ab)`` its gradient along the plane's two directions."""

    def loss(ab):
        return _chunked(lambda rows: loss_on_plane(network, plane, rows), ab, ())

    def grad(ab):
        return _chunked(lambda rows: network.grad(plane.weights(rows)) @ plane.directions.T, ab, (2,))

    title = "the path's principal plane" if plane.kind == "pca" else "two random filter-normalized directions"
    return Surface(name=f"{network.name}-{plane.kind}", title=f"{network.title}: {title}",
                   formula=r"L(\theta_T + a\,d_1 + b\,d_2)", description=DESCRIPTION,
                   bounds=bounds, minima=np.zeros((0, 2)), start=(0.0, 0.0), loss=loss, grad=grad,
                   kind="network", defaults=Defaults("adam", 200, 0.1, 0.01), labels=("a (along d₁)", "b (along d₂)"))


def loss_on_plane(network: Network, plane: Plane, ab) -> np.ndarray:
    """``network.loss(plane.weights(ab))`` for many points ``ab`` (M, 2) at once, in a few large products.

    θ is linear in (a, b), and so are the first layer's input sums: x·W1ᵀ + b1 at the centre and along each
    direction, computed once, then mixed for every point in one (M, 3) × (3, 16·S) product. Only the tanh
    and the small second layer are per point."""
    ab = np.asarray(ab, dtype=float)
    mix = np.column_stack([np.ones(len(ab)), ab])  # (M, 3): 1, a, b
    w1, b1, w2, b2 = unpack(np.vstack([plane.centre, plane.directions]))  # each: centre, d₁, d₂
    first = w1 @ network.x.T + b1[..., None]  # (3, 16, S)
    h = (mix @ first.reshape(3, -1)).reshape(len(ab), *first.shape[1:])
    np.tanh(h, out=h)
    logits = (mix @ w2.reshape(3, -1)).reshape(len(ab), *w2.shape[1:]) @ h  # (M, 3, S)
    logits += (mix @ b2)[..., None]
    return network.cross_entropy(logits)


def _chunked(function, ab, tail: tuple) -> np.ndarray:
    ab = np.asarray(ab, dtype=float)
    rows = ab.reshape(-1, 2)
    out = np.empty((len(rows), *tail))
    for lo in range(0, len(rows), CHUNK):
        out[lo : lo + CHUNK] = function(rows[lo : lo + CHUNK])
    return out.reshape(*ab.shape[:-1], *tail)

"""A small real network on real data: a 4 → 16 → 3 multilayer perceptron (tanh, then softmax
cross-entropy) classifying Fisher's iris (150 flowers, 4 measurements standardised, 3 species), read
from plotly's bundled copy.

Its flat parameter vector θ is what the engine descends, exactly as it descends a point on a 2D surface
(``dim`` tells the engine its size). θ is laid out as ``torch.nn.Linear`` keeps its tensors, in the
order ``model.parameters()`` gives them: W1 (16, 4), b1 (16), W2 (3, 16), b2 (3), 131 numbers. The loss
and its gradient (backpropagation, written out) take θ of shape ``(..., 131)``: many networks at once,
as every surface takes many points.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

import numpy as np

from landscapes import datasets
from landscapes.surface import Defaults

IN, HIDDEN, OUT = 4, 16, 3
SHAPES = (("W1", (HIDDEN, IN)), ("b1", (HIDDEN,)), ("W2", (OUT, HIDDEN)), ("b2", (OUT,)))
SIZES = tuple(int(np.prod(shape)) for _, shape in SHAPES)
DIM = sum(SIZES)
SPECIES = ("setosa", "versicolor", "virginica")
# the rule a page opens with, its steps, and the rates: plain descent's family and the adaptive rules'
DEFAULTS = Defaults("adam", 300, 0.5, 0.01)
WEIGHT_VIEW = 5.0  # |weight| of the "view" the engine's escape rule measures from: past ~105 a run has left


@dataclass(frozen=True)
class Network:
    """The iris network as the engine sees a surface: ``loss(θ, idx)``, ``grad(θ, idx)`` over samples."""

    x: np.ndarray = field(repr=False)  # (150, 4), standardised
    labels: np.ndarray = field(repr=False)  # (150,), 0, 1 or 2
    name: str = "iris"
    title: str = "A 4-16-3 network on the iris flowers"
    dim: int = DIM
    loss_and_grad: None = None  # the engine's fused path is for 2D surfaces

    @property
    def n_samples(self) -> int:
        return len(self.labels)

    @property
    def defaults(self):
        return DEFAULTS

    @property
    def minima(self) -> np.ndarray:
        """None known (cross-entropy on separable flowers has no finite minimum)."""
        return np.zeros((0, self.dim))

    @property
    def bounds(self) -> tuple:
        return ((-WEIGHT_VIEW, WEIGHT_VIEW),) * self.dim

    def loss(self, theta, idx=None) -> np.ndarray:
        """Mean cross-entropy over the samples (those in ``idx``): shape ``theta.shape[:-1]``."""
        x, labels = self._samples(idx)
        return self.cross_entropy(_forward(theta, x)[1], labels)

    def cross_entropy(self, logits, labels=None) -> np.ndarray:
        """The mean cross-entropy of logits (..., 3, S) against the labels (all flowers' by default)."""
        labels = self.labels if labels is None else labels
        top = logits.max(-2)
        picked = (logits * _one_hot(labels)).sum(-2)
        return _mean(np.log(np.exp(logits - top[..., None, :]).sum(-2)) + top - picked)

    def grad(self, theta, idx=None) -> np.ndarray:
        """∂loss/∂θ by backpropagation, laid out like θ."""
        x, labels = self._samples(idx)
        h, logits = _forward(theta, x)
        d_logits = np.exp(logits - logits.max(-2)[..., None, :])
        d_logits /= d_logits.sum(-2)[..., None, :]  # the softmax
        d_logits -= _one_hot(labels)
        d_logits /= x.shape[0]
        w2 = unpack(theta)[2]
        g_w2 = d_logits @ h.swapaxes(-1, -2)
        d_z = w2.swapaxes(-1, -2) @ d_logits  # back through W2 …
        np.multiply(h, h, out=h)
        np.subtract(1.0, h, out=h)
        d_z *= h  # … and through tanh (h holds 1 − h² now)
        return pack(d_z @ x, d_z.sum(-1), g_w2, d_logits.sum(-1))

    def hessian(self, theta, eps: float = 1e-5) -> np.ndarray:
        """The (131, 131) Hessian at one θ: central differences of the backprop gradient along every weight,
        all 262 gradients in one batched call (the 131 Hessian-vector products with the unit vectors:
        with so few weights that is cheaper and more exact than Lanczos), made symmetric."""
        theta = np.asarray(theta, dtype=float)
        moves = np.eye(len(theta)) * eps
        grads = self.grad(np.vstack([theta + moves, theta - moves]))
        h = (grads[: len(theta)] - grads[len(theta) :]) / (2 * eps)
        return (h + h.T) / 2

    def predict(self, theta) -> np.ndarray:
        """The species each network gives each flower: ``(..., 150)``."""
        return _forward(theta, self.x)[1].argmax(-2)

    def accuracy(self, theta) -> np.ndarray:
        return (self.predict(theta) == self.labels).mean(-1)

    def init(self, seed: int, count: int | None = None) -> np.ndarray:
        """Weights drawn as ``torch.nn.Linear`` draws them, U(−1/√fan_in, 1/√fan_in) for weights and biases:
        shape (131,), or (count, 131)."""
        rng = np.random.default_rng([seed, 7])
        lead = () if count is None else (count,)
        parts = []
        for (name, _), size in zip(SHAPES, SIZES, strict=True):
            fan_in = IN if name in ("W1", "b1") else HIDDEN
            parts.append(rng.uniform(-1, 1, (*lead, size)) / np.sqrt(fan_in))
        return np.concatenate(parts, axis=-1)

    def _samples(self, idx):
        return (self.x, self.labels) if idx is None else (self.x[idx], self.labels[idx])


def unpack(theta):
    """W1 (..., 16, 4), b1 (..., 16), W2 (..., 3, 16), b2 (..., 3) from θ (..., 131)."""
    theta = np.asarray(theta)
    out, at = [], 0
    for (_, shape), size in zip(SHAPES, SIZES, strict=True):
        out.append(theta[..., at : at + size].reshape(*theta.shape[:-1], *shape))
        at += size
    return out


def pack(w1, b1, w2, b2) -> np.ndarray:
    lead = np.shape(b2)[:-1]
    return np.concatenate([np.reshape(a, (*lead, -1)) for a in (w1, b1, w2, b2)], axis=-1)


def _forward(theta, x):
    """Hidden activations (..., 16, S) and logits (..., 3, S): unit-major, so that every sum over the
    classes or the samples runs over rows (a sum over a last axis of 3 was most of a step's time)."""
    w1, b1, w2, b2 = unpack(theta)
    h = w1 @ x.T
    h += b1[..., None]
    np.tanh(h, out=h)  # in place: each new (N, 16, S) array costs page faults as much as its arithmetic
    logits = w2 @ h
    logits += b2[..., None]
    return h, logits


def _one_hot(labels) -> np.ndarray:
    """(3, S): 1 where a sample's class is."""
    return (np.arange(OUT)[:, None] == labels).astype(float)


def _mean(a):
    return a.sum(-1) / a.shape[-1]


@cache
def iris() -> Network:
    """The network on the 150 flowers, each measurement standardised (mean 0, standard deviation 1)."""
    table = datasets.table("iris")
    x = np.column_stack([table[name] for name in ("sepal_length", "sepal_width", "petal_length", "petal_width")])
    x = (x - x.mean(0)) / x.std(0)
    labels = np.array([SPECIES.index(str(s).removeprefix("Iris-")) for s in table["species"]])
    return Network(np.ascontiguousarray(x), labels)

"""Data-fitting surfaces: the loss of a model over its two parameters, a mean over samples.

``loss(p, idx)`` and ``grad(p, idx)`` average over the samples ``idx`` only (all when None), which is
what SGD and mini-batches use.
"""

from __future__ import annotations

import numpy as np

from landscapes.surface import Defaults, Surface, pack


def _pick(data, idx):
    return data if idx is None else data[np.asarray(idx)]


def _line(xs, ys):
    """Loss and gradient of mean((y − (w·x + b))²) over the parameters p = (w, b)."""

    def loss(p, idx=None):
        x, y = _pick(xs, idx), _pick(ys, idx)
        r = y - (p[..., 0, None] * x + p[..., 1, None])
        return np.mean(r * r, axis=-1)

    def grad(p, idx=None):
        x, y = _pick(xs, idx), _pick(ys, idx)
        r = y - (p[..., 0, None] * x + p[..., 1, None])
        return pack(p, -2 * np.mean(r * x, axis=-1), -2 * np.mean(r, axis=-1))

    return loss, grad


def _line_curvature(xs, smallest: bool = False) -> float:
    """Largest (or smallest) eigenvalue of the Hessian 2·[[mean x², mean x], [mean x, 1]]."""
    hess = 2 * np.array([[np.mean(xs * xs), np.mean(xs)], [np.mean(xs), 1.0]])
    return float(np.linalg.eigvalsh(hess)[0 if smallest else -1])


LINE_X = np.arange(1.0, 6.0)
LINE_Y = 2 * LINE_X + 1
_rng = np.random.default_rng(20261123)
NOISY_X = _rng.uniform(-2, 2, 200)
NOISY_Y = 1.5 * NOISY_X - 0.5 + _rng.normal(0, 0.5, 200)
_NOISY_FIT = np.linalg.lstsq(np.column_stack([NOISY_X, np.ones_like(NOISY_X)]), NOISY_Y, rcond=None)[0]

NET_X = np.linspace(-2, 2, 40)
NET_Y = 2 * np.tanh(1.5 * NET_X)


def tiny_net_loss(p, idx=None):
    x, y = _pick(NET_X, idx), _pick(NET_Y, idx)
    r = y - p[..., 1, None] * np.tanh(p[..., 0, None] * x)
    return np.mean(r * r, axis=-1)


def tiny_net_grad(p, idx=None):
    x, y = _pick(NET_X, idx), _pick(NET_Y, idx)
    w1, w2 = p[..., 0, None], p[..., 1, None]
    t = np.tanh(w1 * x)
    r = y - w2 * t
    return pack(p, np.mean(-2 * r * w2 * (1 - t * t) * x, axis=-1), np.mean(-2 * r * t, axis=-1))


_line_loss, _line_grad = _line(LINE_X, LINE_Y)
_noisy_loss, _noisy_grad = _line(NOISY_X, NOISY_Y)

SURFACES = [
    Surface(
        name="linear_regression", title="Linear regression", kind="data",
        formula=r"L(w, b) = \frac{1}{5} \sum_{i=1}^{5} \left(y_i - (w x_i + b)\right)^2,"
        r"\quad x_i = i,\; y_i = 2 x_i + 1",
        description="Fitting a line to five points: the loss is a stretched bowl, so even this is a ravine.",
        bounds=((-1.0, 5.0), (-4.0, 6.0)), minima=np.array([[2.0, 1.0]]), start=(-0.5, -3.0),
        loss=_line_loss, grad=_line_grad, n_samples=len(LINE_X), lipschitz=_line_curvature(LINE_X),
        log_color=True,
        defaults=Defaults("sgd", 150, 0.08, 0.2), labels=("w", "b"), strong_convexity=_line_curvature(LINE_X, smallest=True),
    ),
    Surface(
        name="noisy_regression", title="Noisy regression", kind="data",
        formula=r"L(w, b) = \frac{1}{200} \sum_{i=1}^{200} \left(y_i - (w x_i + b)\right)^2,"
        r"\quad x_i \sim U[-2, 2],\; y_i = 1.5 x_i - 0.5 + \varepsilon_i,\; \varepsilon_i \sim \mathcal{N}(0, 0.5^2)",
        description="A line through 200 noisy points: small mini-batches give noisy steps that never settle.",
        bounds=((-1.5, 4.5), (-3.5, 2.5)), minima=_NOISY_FIT[None, :], start=(-1.0, 2.0),
        loss=_noisy_loss, grad=_noisy_grad, n_samples=len(NOISY_X), lipschitz=_line_curvature(NOISY_X),
        defaults=Defaults("sgd", 100, 0.3, 0.1), labels=("w", "b"), strong_convexity=_line_curvature(NOISY_X, smallest=True),
    ),
    Surface(
        name="tiny_net", title="A two-weight network", kind="data",
        formula=r"L(w_1, w_2) = \frac{1}{40} \sum_{i=1}^{40} \left(y_i - w_2 \tanh(w_1 x_i)\right)^2,"
        r"\quad y_i = 2 \tanh(1.5\, x_i)",
        description="A tiny neural network: a saddle at the origin between two mirrored minima, "
        "(1.5, 2) and (−1.5, −2).",
        bounds=((-3.0, 3.0), (-3.0, 3.0)), minima=np.array([[1.5, 2.0], [-1.5, -2.0]]), start=(0.05, -2.5),
        loss=tiny_net_loss, grad=tiny_net_grad, n_samples=len(NET_X),
        defaults=Defaults("sgd", 200, 0.1, 0.05), labels=("w₁", "w₂"),
    ),
]

"""Data-fitting surfaces: the loss of a model over its two parameters, a mean over samples.

``loss(p, idx)`` and ``grad(p, idx)`` average over the samples ``idx`` only (all when None), which is
what SGD and mini-batches use.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from landscapes.datasets import table
from landscapes.surface import Defaults, Surface, pack, pack_hessian


@dataclass(frozen=True)
class Model:
    """What a data surface fits, as the batches page draws it and as a training loop writes it.

    The model sees the feature ``(x − centre) / scale`` (standardised where ``scale`` ≠ 1); a line
    predicts ``w·feature + b``, a logistic model the probability ``σ(w·feature + b)`` of class 1.
    """

    kind: str  # "line" or "logistic"
    x: np.ndarray  # the feature as the data has it: what the scatter shows
    y: np.ndarray  # the target (0 or 1 for a logistic model)
    x_label: str
    y_label: str
    load: str  # NumPy lines that define X (the raw feature) and y: the training loop's first lines
    centre: float = 0.0
    scale: float = 1.0
    unscaled: str = ""  # the surface fitting the raw feature, where this one standardises it
    # what the batches page opens with: a rate every flavour (SGD too) is stable at, and the start
    lr: float = 0.01
    epochs: int = 20
    start: tuple = (0.0, 0.0)

    @property
    def samples_code(self) -> str:
        """The load lines, then X as the loss sees it (standardised where it is) and Y."""
        scale = "X = (X - X.mean()) / X.std()  # standardised\n" if self.standardised else ""
        return f"{self.load}\n{scale}Y = y"

    @property
    def standardised(self) -> bool:
        return (self.centre, self.scale) != (0.0, 1.0)

    def feature(self, x):
        return (np.asarray(x, dtype=float) - self.centre) / self.scale

    def predict(self, p, x):
        """The model at parameters ``p`` (..., 2) over feature values ``x`` (m,): shape (..., m)."""
        p = np.asarray(p, dtype=float)
        z = p[..., 0, None] * self.feature(x) + p[..., 1, None]
        return 1 / (1 + np.exp(-z)) if self.kind == "logistic" else z


def _pick(data, idx):
    return data if idx is None else data[np.asarray(idx)]


def _mean(a):
    """np.mean over the samples, the same sum and division without its wrapper: an SGD step is a few
    microseconds of arithmetic, and np.mean's checks cost more than that."""
    return np.add.reduce(a, axis=-1) / a.shape[-1]


def _line(xs, ys):
    """Loss and gradient of mean((y − (w·x + b))²) over the parameters p = (w, b)."""

    def loss(p, idx=None):
        x, y = _pick(xs, idx), _pick(ys, idx)
        r = y - (p[..., 0, None] * x + p[..., 1, None])
        return _mean(r * r)

    def grad(p, idx=None):
        x, y = _pick(xs, idx), _pick(ys, idx)
        r = y - (p[..., 0, None] * x + p[..., 1, None])
        return pack(p, -2 * _mean(r * x), -2 * _mean(r))

    def hessian(p):
        h = 2 * np.array([[np.mean(xs * xs), np.mean(xs)], [np.mean(xs), 1.0]])
        return np.broadcast_to(h, (*np.shape(p)[:-1], 2, 2)).copy()

    return loss, grad, hessian


def _logistic(xs, ys):
    """Mean cross-entropy of σ(w·x + b) against labels 0/1, written stably: log(1 + eᶻ) − y·z."""

    def loss(p, idx=None):
        x, y = _pick(xs, idx), _pick(ys, idx)
        z = p[..., 0, None] * x + p[..., 1, None]
        return _mean(np.logaddexp(0.0, z) - y * z)

    def grad(p, idx=None):
        x, y = _pick(xs, idx), _pick(ys, idx)
        err = _sigmoid(p[..., 0, None] * x + p[..., 1, None]) - y
        return pack(p, _mean(err * x), _mean(err))

    def hessian(p):
        s = _sigmoid(p[..., 0, None] * xs + p[..., 1, None])
        w = s * (1 - s)
        h = np.stack([np.mean(w * xs * xs, axis=-1), np.mean(w * xs, axis=-1), np.mean(w, axis=-1)], axis=-1)
        return h[..., [[0, 1], [1, 2]]]

    return loss, grad, hessian


def _sigmoid(z):
    # tanh form: no overflow warning for any z
    return 0.5 * (1 + np.tanh(0.5 * z))


def _newton(grad, hessian, p, steps=60):
    """The minimum of a convex loss, to machine precision (a few Newton steps from p)."""
    p = np.asarray(p, dtype=float)
    for _ in range(steps):
        p = p - np.linalg.solve(hessian(p), grad(p))
    return p


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


def tiny_net_hessian(p, idx=None):
    # 2(∇r ∇rᵀ + r ∇²r) for the residual r = y − w₂·tanh(w₁x), averaged: ∇r = −(w₂ s x, t) with
    # s = 1 − t², and ∇²r = [[2 w₂ x² t s, −s x], [−s x, 0]] (the network is linear in w₂)
    x, y = _pick(NET_X, idx), _pick(NET_Y, idx)
    w1, w2 = p[..., 0, None], p[..., 1, None]
    t = np.tanh(w1 * x)
    s, r = 1 - t * t, y - w2 * t
    hxx = np.mean(2 * (w2 * s * x) ** 2 + 4 * r * w2 * x * x * t * s, axis=-1)
    hxy = np.mean(2 * s * x * (w2 * t - r), axis=-1)
    return pack_hessian(p, hxx, hxy, np.mean(2 * t * t, axis=-1))


_line_loss, _line_grad, _line_hessian = _line(LINE_X, LINE_Y)
_noisy_loss, _noisy_grad, _noisy_hessian = _line(NOISY_X, NOISY_Y)

_TIPS = table("tips")
TIPS_X, TIPS_Y = _TIPS["total_bill"], _TIPS["tip"]
TIPS_FEATURE = (TIPS_X - TIPS_X.mean()) / TIPS_X.std()
_tips_loss, _tips_grad, _tips_hessian = _line(TIPS_FEATURE, TIPS_Y)
_raw_loss, _raw_grad, _raw_hessian = _line(TIPS_X, TIPS_Y)
_TIPS_LOAD = ("import gzip, pathlib, plotly\n"
              "path = pathlib.Path(plotly.__file__).parent / \"package_data\" / \"datasets\" / \"tips.csv.gz\"\n"
              "data = np.genfromtxt(gzip.open(path, \"rt\"), delimiter=\",\", names=True, dtype=None, encoding=None)\n"
              "X, y = data[\"total_bill\"], data[\"tip\"]")
_TIPS_MODEL = Model("line", TIPS_X, TIPS_Y, "total bill ($)", "tip ($)", _TIPS_LOAD, lr=0.0003, start=(-0.05, 0.0))

_IRIS = table("iris")
_TWO = np.isin(_IRIS["species"], ["versicolor", "virginica"])
IRIS_X = _IRIS["petal_width"][_TWO]
IRIS_Y = (_IRIS["species"][_TWO] == "virginica").astype(float)
IRIS_FEATURE = (IRIS_X - IRIS_X.mean()) / IRIS_X.std()
_iris_loss, _iris_grad, _iris_hessian = _logistic(IRIS_FEATURE, IRIS_Y)
_IRIS_MIN = _newton(_iris_grad, _iris_hessian, np.zeros(2))
_IRIS_LOAD = ("import gzip, pathlib, plotly\n"
              "path = pathlib.Path(plotly.__file__).parent / \"package_data\" / \"datasets\" / \"iris.csv.gz\"\n"
              "data = np.genfromtxt(gzip.open(path, \"rt\"), delimiter=\",\", names=True, dtype=None, encoding=None)\n"
              "two = np.isin(data[\"species\"], [\"versicolor\", \"virginica\"])\n"
              "X, y = data[\"petal_width\"][two], (data[\"species\"][two] == \"virginica\").astype(float)")

# the line fits' gradient as code
_LINE_GRAD_CODE = ("(-2 * X * (Y - (x * X + y))).mean()", "(-2 * (Y - (x * X + y))).mean()")

SURFACES = [
    Surface(
        name="linear_regression", title="Linear regression", kind="data",
        formula=r"L(w, b) = \frac{1}{5} \sum_{i=1}^{5} \left(y_i - (w x_i + b)\right)^2,"
        r"\quad x_i = i,\; y_i = 2 x_i + 1",
        description="Fitting a line to five points: the loss is a stretched bowl, so even this is a ravine.",
        bounds=((-1.0, 5.0), (-4.0, 6.0)), minima=np.array([[2.0, 1.0]]), start=(-0.5, -3.0),
        loss=_line_loss, grad=_line_grad, n_samples=len(LINE_X), lipschitz=_line_curvature(LINE_X),
        log_color=True, hessian=_line_hessian,
        defaults=Defaults("sgd", 150, 0.08, 0.2), labels=("w", "b"), strong_convexity=_line_curvature(LINE_X, smallest=True),
        # the classic tutorial loop: lr 0.01 from (0, 0) for 100 epochs
        model=Model("line", LINE_X, LINE_Y, "x", "y", "X = np.arange(1.0, 6.0)\ny = 2 * X + 1", epochs=100),
        code="((Y - (x * X + y)) ** 2).mean()", grad_code=_LINE_GRAD_CODE,
    ),
    Surface(
        name="noisy_regression", title="Noisy regression", kind="data",
        formula=r"L(w, b) = \frac{1}{200} \sum_{i=1}^{200} \left(y_i - (w x_i + b)\right)^2,"
        r"\quad x_i \sim U[-2, 2],\; y_i = 1.5 x_i - 0.5 + \varepsilon_i,\; \varepsilon_i \sim \mathcal{N}(0, 0.5^2)",
        description="A line through 200 noisy points: small mini-batches give noisy steps that never settle.",
        bounds=((-1.5, 4.5), (-3.5, 2.5)), minima=_NOISY_FIT[None, :], start=(-1.0, 2.0),
        loss=_noisy_loss, grad=_noisy_grad, n_samples=len(NOISY_X), lipschitz=_line_curvature(NOISY_X),
        hessian=_noisy_hessian,
        defaults=Defaults("sgd", 100, 0.3, 0.1), labels=("w", "b"), strong_convexity=_line_curvature(NOISY_X, smallest=True),
        code="((Y - (x * X + y)) ** 2).mean()", grad_code=_LINE_GRAD_CODE,
        samples_code="rng = np.random.default_rng(20261123)\nX = rng.uniform(-2, 2, 200)\n"
                     "Y = 1.5 * X - 0.5 + rng.normal(0, 0.5, 200)",
    ),
    Surface(
        name="tiny_net", title="A two-weight network", kind="data",
        formula=r"L(w_1, w_2) = \frac{1}{40} \sum_{i=1}^{40} \left(y_i - w_2 \tanh(w_1 x_i)\right)^2,"
        r"\quad y_i = 2 \tanh(1.5\, x_i)",
        description="A tiny neural network: a saddle at the origin between two mirrored minima, "
        "(1.5, 2) and (−1.5, −2).",
        bounds=((-3.0, 3.0), (-3.0, 3.0)), minima=np.array([[1.5, 2.0], [-1.5, -2.0]]), start=(0.05, -2.5),
        loss=tiny_net_loss, grad=tiny_net_grad, hessian=tiny_net_hessian, n_samples=len(NET_X),
        defaults=Defaults("sgd", 200, 0.1, 0.05), labels=("w₁", "w₂"),
        code="((Y - y * m.tanh(x * X)) ** 2).mean()",
        grad_code=("(-2 * (Y - y * m.tanh(x * X)) * y * X / m.cosh(x * X) ** 2).mean()",
                   "(-2 * (Y - y * m.tanh(x * X)) * m.tanh(x * X)).mean()"),
        samples_code="X = np.linspace(-2, 2, 40)\nY = 2 * np.tanh(1.5 * X)",
    ),
    Surface(
        name="tips", title="Tips: a line through real data", kind="data",
        formula=r"L(w, b) = \frac{1}{244} \sum_{i=1}^{244} \left(t_i - (w z_i + b)\right)^2,"
        r"\quad z_i = \frac{x_i - \bar{x}}{s_x}",
        description="Tip against total bill for 244 restaurant bills, the bill standardised: a round bowl.",
        bounds=((-1.5, 3.5), (0.0, 5.0)), minima=_newton(_tips_grad, _tips_hessian, np.zeros(2))[None, :],
        start=(-1.0, 0.5), loss=_tips_loss, grad=_tips_grad, hessian=_tips_hessian, n_samples=len(TIPS_X),
        lipschitz=_line_curvature(TIPS_FEATURE), strong_convexity=_line_curvature(TIPS_FEATURE, smallest=True),
        defaults=Defaults("sgd", 50, 0.2, 0.1), labels=("w", "b"),
        model=Model("line", TIPS_X, TIPS_Y, "total bill ($)", "tip ($)", _TIPS_LOAD,
                    centre=float(TIPS_X.mean()), scale=float(TIPS_X.std()), unscaled="tips_unscaled", lr=0.02,
                    start=(-1.0, 0.5)),
        code="((Y - (x * X + y)) ** 2).mean()", grad_code=_LINE_GRAD_CODE,
    ),
    Surface(
        name="tips_unscaled", title="Tips, the bill in dollars", kind="data",
        formula=r"L(w, b) = \frac{1}{244} \sum_{i=1}^{244} \left(t_i - (w x_i + b)\right)^2",
        description="The same line fit with the bill left in dollars: a ravine thousands of times steeper "
        "across than along.",
        bounds=((-0.1, 0.3), (-1.0, 3.0)), minima=_newton(_raw_grad, _raw_hessian, np.zeros(2))[None, :],
        start=(-0.05, 0.0), loss=_raw_loss, grad=_raw_grad, hessian=_raw_hessian, n_samples=len(TIPS_X),
        lipschitz=_line_curvature(TIPS_X), strong_convexity=_line_curvature(TIPS_X, smallest=True), log_color=True,
        defaults=Defaults("sgd", 200, 0.002, 0.01), labels=("w", "b"), model=_TIPS_MODEL,
        code="((Y - (x * X + y)) ** 2).mean()", grad_code=_LINE_GRAD_CODE,
    ),
    Surface(
        name="iris", title="Iris: logistic regression", kind="data",
        formula=r"L(w, b) = \frac{1}{100} \sum_{i=1}^{100} \left(\log\left(1 + e^{w z_i + b}\right)"
        r" - y_i (w z_i + b)\right),\quad z_i = \frac{x_i - \bar{x}}{s_x}",
        description="Telling virginica from versicolor irises by petal width: a curved valley, not a bowl.",
        bounds=((-2.0, 8.0), (-4.0, 4.0)), minima=_IRIS_MIN[None, :], start=(-1.0, -3.0),
        loss=_iris_loss, grad=_iris_grad, hessian=_iris_hessian, n_samples=len(IRIS_X),
        defaults=Defaults("sgd", 200, 2.0, 0.1), labels=("w", "b"),
        model=Model("logistic", IRIS_X, IRIS_Y, "petal width (cm)", "virginica (1) or versicolor (0)", _IRIS_LOAD,
                    centre=float(IRIS_X.mean()), scale=float(IRIS_X.std()), lr=1.0, epochs=30, start=(-1.0, -3.0)),
        code="(m.logaddexp(0 * X, x * X + y) - Y * (x * X + y)).mean()",
        grad_code=("((1 / (1 + m.exp(-(x * X + y))) - Y) * X).mean()", "(1 / (1 + m.exp(-(x * X + y))) - Y).mean()"),
    ),
]

"""One-dimensional functions for the learning-rate lab's line view: the ball rolls along a curve.

They are :class:`Surface` objects so the engine, sweeps and regimes run on them unchanged, but they
are not in the registry (``landscapes.names()`` does not list them): the second coordinate ``y`` is
ignored by the loss and its gradient is 0, so a run started at ``y = 0`` stays on the line ``y = 0``.
"""

from __future__ import annotations

import numpy as np

from landscapes.surface import Defaults, Surface, pack, pack_hessian


def parabola_loss(p):
    x = p[..., 0]
    return x**2


def parabola_grad(p):
    return pack(p, 2 * p[..., 0], 0.0)


def parabola_hessian(p):
    return pack_hessian(p, 2.0, 0.0, 0.0)


def double_well_loss(p):
    x = p[..., 0]
    return (x**2 - 1) ** 2


def double_well_grad(p):
    x = p[..., 0]
    return pack(p, 4 * x * (x**2 - 1), 0.0)


def double_well_hessian(p):
    x = p[..., 0]
    return pack_hessian(p, 12 * x**2 - 4, 0.0, 0.0)


PARABOLA = Surface(
    name="parabola", title="Parabola", kind="teaching",
    formula=r"f(x) = x^2",
    description="The simplest curve: its slope is 2x, so lr = 0.5 lands on the minimum in one step, "
    "lr = 1 bounces between ±x for ever, and anything above 1 = 2/L flies off.",
    bounds=((-2.5, 2.5), (-1.0, 1.0)), minima=np.array([[0.0, 0.0]]), start=(2.0, 0.0),
    loss=parabola_loss, grad=parabola_grad, hessian=parabola_hessian,
    lipschitz=2.0, strong_convexity=2.0,  # in x; y is ignored (its curvature is 0)
    defaults=Defaults("sgd", 40, 0.1, 0.1),
    code="x**2", grad_code=("2 * x", "0 * y"),
)

DOUBLE_WELL = Surface(
    name="double_well", title="Double well", kind="teaching",
    formula=r"f(x) = \left(x^2 - 1\right)^2",
    description="Two valleys at x = ±1 with a hump between them. From x = −1.8 a small learning rate "
    "settles in the near valley, a larger one overshoots into the far valley, a larger still flies off.",
    bounds=((-2.0, 2.0), (-1.0, 1.0)), minima=np.array([[-1.0, 0.0], [1.0, 0.0]]), start=(-1.8, 0.0),
    loss=double_well_loss, grad=double_well_grad, hessian=double_well_hessian,
    defaults=Defaults("sgd", 50, 0.05, 0.05),
    code="(x**2 - 1)**2", grad_code=("4 * x * (x**2 - 1)", "0 * y"),
)

LINES = {"parabola": PARABOLA, "double_well": DOUBLE_WELL}

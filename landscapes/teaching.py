"""Teaching surfaces: each shows one idea about gradient descent."""

from __future__ import annotations

import numpy as np

from landscapes.refine import refine
from landscapes.surface import Defaults, Surface, pack, pack_hessian


def bowl_loss(p):
    x, y = p[..., 0], p[..., 1]
    return x**2 + y**2


def bowl_grad(p):
    return pack(p, 2 * p[..., 0], 2 * p[..., 1])


def bowl_hessian(p):
    return pack_hessian(p, 2.0, 0.0, 2.0)


# The ravine: f = ½(u² + 20 v²) in coordinates (u, v) turned 30° from (x, y).
_C, _S = np.cos(np.pi / 6), np.sin(np.pi / 6)
RAVINE_CURVATURES = (1.0, 20.0)


def _uv(p):
    x, y = p[..., 0], p[..., 1]
    return _C * x + _S * y, -_S * x + _C * y


def ravine_loss(p):
    u, v = _uv(p)
    return 0.5 * (RAVINE_CURVATURES[0] * u**2 + RAVINE_CURVATURES[1] * v**2)


def ravine_grad(p):
    u, v = _uv(p)
    du, dv = RAVINE_CURVATURES[0] * u, RAVINE_CURVATURES[1] * v
    return pack(p, _C * du - _S * dv, _S * du + _C * dv)


def ravine_hessian(p):
    # Rᵀ diag(1, 20) R: the curvatures along u and v, turned back to (x, y); the same at every point
    a, b = RAVINE_CURVATURES
    return pack_hessian(p, a * _C**2 + b * _S**2, (a - b) * _C * _S, a * _S**2 + b * _C**2)


def saddle_loss(p):
    x, y = p[..., 0], p[..., 1]
    return x**2 - y**2 + y**4 / 8


def saddle_grad(p):
    x, y = p[..., 0], p[..., 1]
    return pack(p, 2 * x, -2 * y + y**3 / 2)


def saddle_hessian(p):
    return pack_hessian(p, 2.0, 0.0, -2 + 1.5 * p[..., 1] ** 2)


# Terrain: a gentle bowl with three Gaussian wells of different depths.
_WELLS = np.array([  # centre x, centre y, depth, width
    [1.2, 1.0, 2.0, 0.8],
    [-1.4, 0.8, 1.5, 0.7],
    [0.2, -1.5, 1.2, 0.6],
])
_WELL_ROWS = [tuple(map(float, row)) for row in _WELLS]


def terrain_loss(p):
    x, y = p[..., 0], p[..., 1]
    out = 0.1 * (x * x + y * y) + 2.0
    for cx, cy, depth, width in _WELL_ROWS:  # one well at a time: no (..., 3) temporaries (4-7x faster)
        u, v = x - cx, y - cy
        out -= depth * np.exp((u * u + v * v) * (-0.5 / width**2))
    return out


def terrain_grad(p):
    x, y = p[..., 0], p[..., 1]
    dx, dy = 0.2 * x, 0.2 * y
    for cx, cy, depth, width in _WELL_ROWS:
        u, v = x - cx, y - cy
        well = np.exp((u * u + v * v) * (-0.5 / width**2))
        well *= depth / width**2
        dx += well * u
        dy += well * v
    return pack(p, dx, dy)


def terrain_hessian(p):
    x, y = p[..., 0, None], p[..., 1, None]
    cx, cy, depth, width = _WELLS.T
    wells = depth * np.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * width**2)) / width**2
    # each well's gradient term wells·(x − cx) differentiated once more: the product rule, with
    # ∂wells/∂x = −wells·(x − cx)/s²
    hxx = 0.2 + (wells * (1 - (x - cx) ** 2 / width**2)).sum(axis=-1)
    hxy = -(wells * (x - cx) * (y - cy) / width**2).sum(axis=-1)
    hyy = 0.2 + (wells * (1 - (y - cy) ** 2 / width**2)).sum(axis=-1)
    return pack_hessian(p, hxx, hxy, hyy)


def plateau_loss(p):
    x, y = p[..., 0], p[..., 1]
    return 1 - np.exp(-(x**2 + y**2) / 2)


def plateau_grad(p):
    x, y = p[..., 0], p[..., 1]
    e = np.exp(-(x**2 + y**2) / 2)
    return pack(p, x * e, y * e)


def plateau_hessian(p):
    x, y = p[..., 0], p[..., 1]
    e = np.exp(-(x**2 + y**2) / 2)
    return pack_hessian(p, (1 - x * x) * e, -x * y * e, (1 - y * y) * e)


_TERRAIN_MINIMA = refine(terrain_loss, terrain_grad, _WELLS[:, :2])

# the ravine's gradient as code: its rotation written out
_CODE_C, _CODE_S = "math.cos(math.pi / 6)", "math.sin(math.pi / 6)"
_CODE_U, _CODE_V = f"({_CODE_C} * x + {_CODE_S} * y)", f"(-{_CODE_S} * x + {_CODE_C} * y)"

SURFACES = [
    Surface(
        name="bowl", title="Bowl", kind="teaching",
        formula=r"f(x, y) = x^2 + y^2",
        description="The easiest surface: every step points straight at the minimum, and above "
        "lr = 2/L = 1 descent diverges.",
        bounds=((-2.0, 2.0), (-2.0, 2.0)), minima=np.array([[0.0, 0.0]]), start=(1.5, 1.0),
        loss=bowl_loss, grad=bowl_grad, hessian=bowl_hessian, lipschitz=2.0,
        defaults=Defaults("sgd", 60, 0.1, 0.1), strong_convexity=2.0,
        code="x**2 + y**2", grad_code=("2 * x", "2 * y"),
    ),
    Surface(
        name="ravine", title="Ravine", kind="teaching",
        formula=r"f = \tfrac12\left(u^2 + 20\,v^2\right),\quad "
        r"u = x\cos 30^\circ + y \sin 30^\circ,\; v = -x \sin 30^\circ + y \cos 30^\circ",
        description="A long narrow valley (condition number 20): plain descent zig-zags across it, "
        "momentum rolls along it.",
        bounds=((-3.0, 3.0), (-2.0, 2.0)), minima=np.array([[0.0, 0.0]]), start=(-2.5, 0.2),
        loss=ravine_loss, grad=ravine_grad, hessian=ravine_hessian, lipschitz=RAVINE_CURVATURES[1],
        defaults=Defaults("sgd", 100, 0.09, 0.1), strong_convexity=RAVINE_CURVATURES[0],
        code="0.5 * ((math.cos(math.pi / 6) * x + math.sin(math.pi / 6) * y) ** 2"
             " + 20 * (-math.sin(math.pi / 6) * x + math.cos(math.pi / 6) * y) ** 2)",
        grad_code=(f"{_CODE_C} * {_CODE_U} - 20 * {_CODE_S} * {_CODE_V}",
                   f"{_CODE_S} * {_CODE_U} + 20 * {_CODE_C} * {_CODE_V}"),
    ),
    Surface(
        name="saddle", title="Saddle", kind="teaching",
        formula=r"f(x, y) = x^2 - y^2 + \tfrac18 y^4",
        description="A saddle at the origin (the y⁴/8 term keeps it bounded below far out): a start on "
        "the ridge y = 0 stalls there unless noise, momentum or Adam pushes it off.",
        bounds=((-3.0, 3.0), (-3.0, 3.0)), minima=np.array([[0.0, 2.0], [0.0, -2.0]]), start=(2.5, 0.0),
        loss=saddle_loss, grad=saddle_grad, hessian=saddle_hessian,
        defaults=Defaults("sgd", 100, 0.05, 0.05),
        code="x**2 - y**2 + y**4 / 8", grad_code=("2 * x", "-2 * y + y**3 / 2"),
    ),
    Surface(
        name="terrain", title="Terrain of local minima", kind="teaching",
        formula=r"f = 2 + 0.1\,(x^2 + y^2) - \sum_{i=1}^{3} d_i \exp\!\left(-\frac{(x - a_i)^2 + (y - b_i)^2}"
        r"{2 s_i^2}\right)",
        description="Three wells of different depths: where you start decides which minimum you reach.",
        bounds=((-3.0, 3.0), (-3.0, 3.0)), minima=_TERRAIN_MINIMA, start=(-0.4, 0.3),
        loss=terrain_loss, grad=terrain_grad, hessian=terrain_hessian,
        defaults=Defaults("momentum", 150, 0.1, 0.05),
        code="0.1 * (x**2 + y**2) + 2.0" + "".join(f" - {d!r} * m.exp(-((x - {cx!r}) ** 2 + (y - {cy!r}) ** 2)"
                                                   f" / (2 * {w!r} ** 2))" for cx, cy, d, w in _WELLS.tolist()),
        grad_code=tuple(f"0.2 * {z}" + "".join(f" + {d!r} / {w!r} ** 2 * ({z} - {c[i]!r}) * m.exp(-((x - {c[0]!r}) ** 2"
                                               f" + (y - {c[1]!r}) ** 2) / (2 * {w!r} ** 2))"
                                               for *c, d, w in _WELLS.tolist()) for i, z in enumerate("xy")),
    ),
    Surface(
        name="plateau", title="Plateau", kind="teaching",
        formula=r"f(x, y) = 1 - \exp\!\left(-\tfrac{x^2 + y^2}{2}\right)",
        description="Almost flat far from the well, so plain descent crawls; Adam rescales the tiny "
        "gradient and crosses.",
        bounds=((-6.0, 6.0), (-6.0, 6.0)), minima=np.array([[0.0, 0.0]]), start=(4.5, 3.5),
        loss=plateau_loss, grad=plateau_grad, hessian=plateau_hessian,
        defaults=Defaults("adam", 200, 1.0, 0.1),
        code="1 - m.exp(-(x**2 + y**2) / 2)",
        grad_code=("x * m.exp(-(x**2 + y**2) / 2)", "y * m.exp(-(x**2 + y**2) / 2)"),
    ),
]

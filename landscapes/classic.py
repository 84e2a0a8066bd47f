"""The standard test functions of optimization, with their textbook definitions and minima."""

from __future__ import annotations

import numpy as np

from landscapes.refine import refine
from landscapes.surface import Defaults, Surface, pack, pack_hessian

ROSEN_A, ROSEN_B = 1.0, 100.0


def rosenbrock_loss(p):
    x, y = p[..., 0], p[..., 1]
    return (ROSEN_A - x) ** 2 + ROSEN_B * (y - x * x) ** 2


def rosenbrock_grad(p):
    x, y = p[..., 0], p[..., 1]
    r = y - x * x
    return pack(p, -2 * (ROSEN_A - x) - 4 * ROSEN_B * x * r, 2 * ROSEN_B * r)


def rosenbrock_hessian(p):
    x, y = p[..., 0], p[..., 1]
    return pack_hessian(p, 2 - 4 * ROSEN_B * (y - 3 * x * x), -4 * ROSEN_B * x, 2 * ROSEN_B)


def rosenbrock_loss_and_grad(p, out=None):
    """Both at once; with ``out = (loss, grad, scratch)`` (arrays shaped like p[..., 0], p, p[..., 0])
    written in place, allocating nothing: the engine's hot path on 10 000 starts."""
    x, y = p[..., 0], p[..., 1]
    if out is None:
        a, r = ROSEN_A - x, y - x * x
        return a * a + ROSEN_B * r * r, pack(p, -2 * a - 4 * ROSEN_B * x * r, 2 * ROSEN_B * r)
    loss, grad, a = out
    gx, r = grad[..., 0], grad[..., 1]
    np.multiply(x, x, out=r)
    np.subtract(y, r, out=r)  # r = y − x²
    np.subtract(ROSEN_A, x, out=a)  # a = 1 − x
    np.multiply(a, a, out=loss)
    np.multiply(x, r, out=gx)
    gx *= -4 * ROSEN_B
    gx -= a
    gx -= a  # ∂x = −2a − 4b·x·r
    np.multiply(r, r, out=a)
    a *= ROSEN_B
    loss += a  # f = a² + b·r²
    r *= 2 * ROSEN_B  # ∂y = 2b·r
    return loss, grad


_BEALE_C = (1.5, 2.25, 2.625)


def beale_loss(p):
    x, y = p[..., 0], p[..., 1]
    return sum((c - x + x * y ** (i + 1)) ** 2 for i, c in enumerate(_BEALE_C))


def beale_grad(p):
    x, y = p[..., 0], p[..., 1]
    dx = dy = 0
    for i, c in enumerate(_BEALE_C):
        r = c - x + x * y ** (i + 1)
        dx = dx + 2 * r * (y ** (i + 1) - 1)
        dy = dy + 2 * r * (i + 1) * x * y**i
    return pack(p, dx, dy)


def beale_hessian(p):
    # each term r² with r = c − x + x·yᵏ has Hessian 2(∇r ∇rᵀ + r ∇²r), and ∂²r/∂x² = 0
    x, y = p[..., 0], p[..., 1]
    hxx = hxy = hyy = 0
    for k, c in enumerate(_BEALE_C, start=1):
        r, rx, ry = c - x + x * y**k, y**k - 1, k * x * y ** (k - 1)
        ryy = k * (k - 1) * x * y ** max(k - 2, 0)  # max: no y⁻¹ (and no 0/0 at y = 0) when k = 1
        hxx = hxx + 2 * rx * rx
        hxy = hxy + 2 * (rx * ry + r * k * y ** (k - 1))
        hyy = hyy + 2 * (ry * ry + r * ryy)
    return pack_hessian(p, hxx, hxy, hyy)


def beale_loss_and_grad(p, out=None):
    """Both at once, sharing the residuals: Beale is the race page's default surface."""
    x, y = p[..., 0], p[..., 1]
    y2 = y * y
    r1, r2, r3 = 1.5 - x + x * y, 2.25 - x + x * y2, 2.625 - x + x * y2 * y
    dx = 2 * (r1 * (y - 1) + r2 * (y2 - 1) + r3 * (y2 * y - 1))
    dy = 2 * x * (r1 + 2 * r2 * y + 3 * r3 * y2)
    return _into(out, r1 * r1 + r2 * r2 + r3 * r3, pack(p, dx, dy))


def _into(out, loss, grad):
    """Honour the ``out`` of the fused-evaluation protocol for a function that allocates anyway."""
    if out is None:
        return loss, grad
    np.copyto(out[0], loss)
    np.copyto(out[1], grad)
    return out[0], out[1]


def himmelblau_loss(p):
    x, y = p[..., 0], p[..., 1]
    return (x * x + y - 11) ** 2 + (x + y * y - 7) ** 2


def himmelblau_grad(p):
    x, y = p[..., 0], p[..., 1]
    a, b = x * x + y - 11, x + y * y - 7
    return pack(p, 4 * x * a + 2 * b, 2 * a + 4 * y * b)


def himmelblau_hessian(p):
    x, y = p[..., 0], p[..., 1]
    a, b = x * x + y - 11, x + y * y - 7
    return pack_hessian(p, 4 * a + 8 * x * x + 2, 4 * (x + y), 4 * b + 8 * y * y + 2)


def booth_loss(p):
    x, y = p[..., 0], p[..., 1]
    return (x + 2 * y - 7) ** 2 + (2 * x + y - 5) ** 2


def booth_grad(p):
    x, y = p[..., 0], p[..., 1]
    a, b = x + 2 * y - 7, 2 * x + y - 5
    return pack(p, 2 * a + 4 * b, 4 * a + 2 * b)


def booth_hessian(p):
    return pack_hessian(p, 10.0, 8.0, 10.0)


def rastrigin_loss(p):
    x, y = p[..., 0], p[..., 1]
    return 20 + x**2 - 10 * np.cos(2 * np.pi * x) + y**2 - 10 * np.cos(2 * np.pi * y)


def rastrigin_grad(p):
    x, y = p[..., 0], p[..., 1]
    return pack(p, 2 * x + 20 * np.pi * np.sin(2 * np.pi * x), 2 * y + 20 * np.pi * np.sin(2 * np.pi * y))


def rastrigin_hessian(p):
    x, y = p[..., 0], p[..., 1]
    wave = 40 * np.pi**2
    return pack_hessian(p, 2 + wave * np.cos(2 * np.pi * x), 0.0, 2 + wave * np.cos(2 * np.pi * y))


def ackley_loss(p):
    x, y = p[..., 0], p[..., 1]
    r = np.sqrt(0.5 * (x**2 + y**2))
    return -20 * np.exp(-0.2 * r) - np.exp(0.5 * (np.cos(2 * np.pi * x) + np.cos(2 * np.pi * y))) + np.e + 20


def ackley_grad(p):
    x, y = p[..., 0], p[..., 1]
    r = np.sqrt(0.5 * (x**2 + y**2))
    # d/dx of −20 e^{−0.2 r} is 2 e^{−0.2 r} x / r: finite as r → 0 only along a ray, so the
    # origin (the minimum, a kink) gets gradient 0 instead of 0/0.
    radial = np.where(r > 0, 2 * np.exp(-0.2 * r) / np.where(r > 0, r, 1), 0.0)
    wave = np.pi * np.exp(0.5 * (np.cos(2 * np.pi * x) + np.cos(2 * np.pi * y)))
    return pack(p, radial * x + wave * np.sin(2 * np.pi * x), radial * y + wave * np.sin(2 * np.pi * y))


def ackley_hessian(p):
    x, y = p[..., 0], p[..., 1]
    r = np.sqrt(0.5 * (x**2 + y**2))
    safe = np.where(r > 0, r, 1)
    # the cone's part, e^{−0.2r}/r · (2I − (1 + 0.2r) u uᵀ) with u = (x, y)/r, written with u rather
    # than x²/r³ so that no r³ underflows near the origin; there, as in the gradient, the kink (where
    # this part grows like 1/r) gets 0 and only the ripples' curvature is left
    radial = np.where(r > 0, np.exp(-0.2 * r) / safe, 0.0)
    ux, uy, bend = x / safe, y / safe, 1 + 0.2 * r
    sx, sy, cx, cy = np.sin(2 * np.pi * x), np.sin(2 * np.pi * y), np.cos(2 * np.pi * x), np.cos(2 * np.pi * y)
    wave = np.pi**2 * np.exp(0.5 * (cx + cy))
    return pack_hessian(p, radial * (2 - bend * ux * ux) + wave * (2 * cx - sx * sx),
                        -radial * bend * ux * uy - wave * sx * sy,
                        radial * (2 - bend * uy * uy) + wave * (2 * cy - sy * sy))


_HIMMELBLAU_GUESSES = [[3.0, 2.0], [-2.805, 3.131], [-3.779, -3.283], [3.584, -1.848]]
_HIMMELBLAU_MINIMA = refine(himmelblau_loss, himmelblau_grad, _HIMMELBLAU_GUESSES, sort=False)

SURFACES = [
    Surface(
        name="rosenbrock", title="Rosenbrock's valley", kind="classic",
        formula=r"f(x, y) = (1 - x)^2 + 100\,(y - x^2)^2",
        description="A curved, flat-bottomed valley: finding it is easy, following it to (1, 1) is hard.",
        bounds=((-2.0, 2.0), (-1.0, 3.0)), minima=np.array([[1.0, 1.0]]), start=(-1.5, 2.0),
        loss=rosenbrock_loss, grad=rosenbrock_grad, hessian=rosenbrock_hessian, log_color=True,
        loss_and_grad=rosenbrock_loss_and_grad,
        defaults=Defaults("adam", 1000, 0.001, 0.1),
        code=f"({ROSEN_A!r} - x) ** 2 + {ROSEN_B!r} * (y - x * x) ** 2",
        grad_code=(f"-2 * ({ROSEN_A!r} - x) - 4 * {ROSEN_B!r} * x * (y - x * x)", f"2 * {ROSEN_B!r} * (y - x * x)"),
    ),
    Surface(
        name="beale", title="Beale's function", kind="classic",
        formula=r"f = (1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2",
        description="Flat plains and steep walls: step sizes that suit one part of it fail in another.",
        bounds=((-4.5, 4.5), (-4.5, 4.5)), minima=np.array([[3.0, 0.5]]), start=(1.0, 1.5),
        loss=beale_loss, grad=beale_grad, hessian=beale_hessian, log_color=True, loss_and_grad=beale_loss_and_grad,
        defaults=Defaults("adam", 500, 0.003, 0.1),
        code=" + ".join(f"({c!r} - x + x * y ** {i + 1}) ** 2" for i, c in enumerate(_BEALE_C)),
        grad_code=(" + ".join(f"2 * ({c!r} - x + x * y ** {i + 1}) * (y ** {i + 1} - 1)" for i, c in enumerate(_BEALE_C)),
                   " + ".join(f"2 * ({c!r} - x + x * y ** {i + 1}) * {i + 1} * x * y ** {i}"
                              for i, c in enumerate(_BEALE_C))),
    ),
    Surface(
        name="himmelblau", title="Himmelblau's function", kind="classic",
        formula=r"f(x, y) = (x^2 + y - 11)^2 + (x + y^2 - 7)^2",
        description="Four equally deep minima: which one you reach depends on where you start.",
        bounds=((-5.0, 5.0), (-5.0, 5.0)), minima=_HIMMELBLAU_MINIMA, start=(0.0, 0.0),
        loss=himmelblau_loss, grad=himmelblau_grad, hessian=himmelblau_hessian, log_color=True,
        defaults=Defaults("sgd", 150, 0.01, 0.1),
        code="(x * x + y - 11) ** 2 + (x + y * y - 7) ** 2",
        grad_code=("4 * x * (x * x + y - 11) + 2 * (x + y * y - 7)", "2 * (x * x + y - 11) + 4 * y * (x + y * y - 7)"),
    ),
    Surface(
        name="booth", title="Booth's function", kind="classic",
        formula=r"f(x, y) = (x + 2y - 7)^2 + (2x + y - 5)^2",
        description="A tilted quadratic bowl: a gentle, well-conditioned first test.",
        bounds=((-10.0, 10.0), (-10.0, 10.0)), minima=np.array([[1.0, 3.0]]), start=(-8.0, -6.0),
        loss=booth_loss, grad=booth_grad, hessian=booth_hessian, log_color=True, lipschitz=18.0,
        defaults=Defaults("momentum", 100, 0.05, 0.5), strong_convexity=2.0,
        code="(x + 2 * y - 7) ** 2 + (2 * x + y - 5) ** 2",
        grad_code=("2 * (x + 2 * y - 7) + 4 * (2 * x + y - 5)", "4 * (x + 2 * y - 7) + 2 * (2 * x + y - 5)"),
    ),
    Surface(
        name="rastrigin", title="Rastrigin's function", kind="classic",
        formula=r"f(x, y) = 20 + \sum_{z \in \{x, y\}} \left(z^2 - 10 \cos 2\pi z\right)",
        description="An egg-crate of local minima on a bowl: descent stops in the nearest dimple.",
        bounds=((-5.12, 5.12), (-5.12, 5.12)), minima=np.array([[0.0, 0.0]]), start=(3.3, 2.6),
        loss=rastrigin_loss, grad=rastrigin_grad, hessian=rastrigin_hessian,
        defaults=Defaults("momentum", 150, 0.002, 0.05),
        code="20 + x**2 - 10 * m.cos(2 * math.pi * x) + y**2 - 10 * m.cos(2 * math.pi * y)",
        grad_code=("2 * x + 20 * math.pi * m.sin(2 * math.pi * x)", "2 * y + 20 * math.pi * m.sin(2 * math.pi * y)"),
    ),
    Surface(
        name="ackley", title="Ackley's function", kind="classic",
        formula=r"f = -20\,e^{-0.2\sqrt{(x^2 + y^2)/2}} - e^{(\cos 2\pi x + \cos 2\pi y)/2} + e + 20",
        description="A nearly flat, rippled plain around one deep hole at the origin.",
        bounds=((-5.0, 5.0), (-5.0, 5.0)), minima=np.array([[0.0, 0.0]]), start=(3.2, 2.3),
        loss=ackley_loss, grad=ackley_grad, hessian=ackley_hessian,
        defaults=Defaults("adam", 150, 0.05, 0.1),
        code="-20 * m.exp(-0.2 * m.sqrt(0.5 * (x**2 + y**2)))"
             " - m.exp(0.5 * (m.cos(2 * math.pi * x) + m.cos(2 * math.pi * y))) + math.e + 20",
        grad_code=tuple(f"2 * {z} * m.exp(-0.2 * m.sqrt(0.5 * (x**2 + y**2))) / m.sqrt(0.5 * (x**2 + y**2))"
                        f" + math.pi * m.sin(2 * math.pi * {z}) * m.exp(0.5 * (m.cos(2 * math.pi * x)"
                        " + m.cos(2 * math.pi * y)))" for z in "xy"),
    ),
]

"""What theory says about learning rates on a quadratic whose curvatures lie in [μ, L]: the rates a
sweep's picture marks (:func:`theory`), heavy ball's rate (:func:`momentum_rate`) and Polyak's best
pair (:func:`optimal_momentum`)."""

from __future__ import annotations

import numpy as np

from optim.registry import get


def theory(surface, rule, **hyperparameters) -> dict[str, float]:
    """The learning rates theory marks for ``rule`` on ``surface``, by name, where it gives any.

    Only on quadratics (``surface.lipschitz`` L and ``surface.strong_convexity`` μ known); coupled
    weight decay λ adds λ to both. ``"diverges above"``: the rule's own ``stable_lr`` (2/L for plain
    descent; 2(1 + β)/L for torch's heavy ball, which is Polyak's with α = η). ``"fastest"``, plain
    descent only: 2/(μ + L), where the slowest and the fastest direction shrink alike.
    """
    optimizer = get(rule, **hyperparameters)  # validates the hyperparameters and fills in defaults
    if surface.lipschitz is None or surface.strong_convexity is None:
        return {}
    decay = float(np.max(getattr(optimizer, "weight_decay", 0.0)))  # coupled in every rule with a stable_lr
    big, small = surface.lipschitz + decay, surface.strong_convexity + decay
    lines = {}
    edge = optimizer.stable_lr(big)
    if edge is not None:
        lines["diverges above"] = float(edge)
    if rule == "sgd":
        lines["fastest"] = 2 / (small + big)
    return lines


def momentum_rate(alpha, beta, mu, L):
    """Heavy ball's rate on a quadratic with curvatures in [μ, L]: the largest spectral radius of
    ``[[1 + β − αλ, −β], [1, 0]]`` over λ ∈ {μ, L} (the ends of the range are the worst). Distances
    to the minimum shrink about this much per step; above 1 the run diverges. Broadcasts over arrays.
    """
    alpha, beta = np.asarray(alpha, dtype=float), np.asarray(beta, dtype=float)
    return np.maximum(_largest_root(alpha, beta, mu), _largest_root(alpha, beta, L))[()]


def _largest_root(alpha, beta, curvature):
    """|largest root| of z² − (1 + β − αλ) z + β, the matrix's characteristic polynomial."""
    trace, sqrt_beta = 1 + beta - alpha * curvature, np.sqrt(beta)
    # trace² − 4β, as a product: at a double root (the optimal pair) each factor is a difference of
    # two equal quantities, so the rounding left is ~1e-17, not ~1e-16 (its square root is the error)
    discriminant = ((1 - sqrt_beta) ** 2 - alpha * curvature) * ((1 + sqrt_beta) ** 2 - alpha * curvature)
    root = np.sqrt(discriminant + 0j)
    return np.maximum(np.abs(trace + root), np.abs(trace - root)) / 2


def optimal_momentum(mu, L) -> tuple[float, float, float]:
    """Polyak's best heavy ball on a quadratic with curvatures in [μ, L], and its rate:
    ``(α*, β*, rate) = ((2/(√L + √μ))², ((√κ − 1)/(√κ + 1))², (√κ − 1)/(√κ + 1))``, κ = L/μ.
    (In torch's form α is the learning rate η.)"""
    if not (is_number(mu) and is_number(L) and np.isfinite(L) and 0 < mu <= L):
        raise ValueError(f"need finite numbers 0 < mu ≤ L, got mu={mu!r}, L={L!r}")
    root_l, root_mu = np.sqrt(float(L)), np.sqrt(float(mu))
    rate = (root_l - root_mu) / (root_l + root_mu)
    return float((2 / (root_l + root_mu)) ** 2), float(rate**2), float(rate)


def is_number(value) -> bool:
    """A real number (NumPy's too), not text or an object."""
    try:
        return np.asarray(value).dtype.kind in "biuf"
    except (TypeError, ValueError):
        return False

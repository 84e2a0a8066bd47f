"""What a run achieved, in numbers and plain words: distance to the minima, steps to tolerance,
why it diverged."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Summary:
    final_loss: float  # NaN when the run diverged
    distance: float  # from the last point to the nearest known minimum (NaN: none known, or diverged)
    steps_to_tolerance: int  # first step within ``tolerance`` of a known minimum, −1 if never
    tolerance: float
    diverged_at: int


def tolerance_for(surface) -> float:
    """"Reached the minimum": within 0.5 % of the view's width."""
    (x0, x1), (y0, y1) = surface.bounds
    return 0.005 * max(x1 - x0, y1 - y0)


def summarize(surface, points: np.ndarray, losses: np.ndarray, diverged_at: int) -> Summary:
    """For one start: ``points`` (steps+1, 2) and ``losses`` (steps+1,)."""
    tol = tolerance_for(surface)
    if len(surface.minima) == 0:
        return Summary(float(losses[-1]), float("nan"), -1, tol, int(diverged_at))
    with np.errstate(invalid="ignore"):
        gaps = np.linalg.norm(points[:, None, :] - surface.minima[None, :, :], axis=-1).min(axis=1)
        within = np.flatnonzero(gaps < tol)
    return Summary(
        final_loss=float(losses[-1]),
        distance=float(gaps[-1]),
        steps_to_tolerance=int(within[0]) if within.size else -1,
        tolerance=tol,
        diverged_at=int(diverged_at),
    )


def divergence_reason(surface, rule_name: str, lr: float, step: int) -> str:
    """A plain sentence on why a run left the surface, and what to try instead."""
    lead = f"The run diverged at step {step}: it left the surface."
    if surface.lipschitz and rule_name == "sgd":
        limit = 2 / surface.lipschitz
        if lr > limit:
            return (f"{lead} On this quadratic, gradient descent is stable only for lr < 2/L = {limit:.4g} "
                    f"(L = {surface.lipschitz:.4g}, the largest curvature), and lr = {lr:.4g}. "
                    f"Try lr below {limit:.4g}.")
    if rule_name in ("momentum", "nesterov") and surface.lipschitz:
        return (f"{lead} With momentum the steps add up: lower the learning rate "
                f"(below 2(1 + μ)/L is stable on a quadratic, L = {surface.lipschitz:.4g}) or the momentum.")
    return f"{lead} Each step overshot and the next gradient was larger still. Try a smaller learning rate."


def gradient_steps(traj) -> np.ndarray:
    """−η_k ∇f(θ_k) at every point of a one-start run: the step plain descent would take there."""
    lrs = np.ravel(traj.lrs)
    lrs = np.append(lrs, lrs[-1] if lrs.size else 0.0)
    return -lrs[:, None] * traj.grads

"""Heavy-ball and Nesterov momentum: one rule, as in torch's ``SGD(momentum=μ, nesterov=...)`` and
optax's ``trace(decay, nesterov)``; the page lists them as two optimizers."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from optim.latex import coupled_decay, num, vec
from optim.rule import Knob, Rule, check_lr, check_range, weight_decay_knob

MOMENTUM = Knob("momentum", "momentum", "Momentum μ", 0.0, 0.999, 0.9, step=0.01)


@dataclass(frozen=True)
class Momentum(Rule):
    r"""Heavy-ball momentum, as ``torch.optim.SGD(momentum=μ)`` (dampening 0):

        g_t ← ∇f(θ_{t-1}) + λ θ_{t-1}
        b_1 = g_1,   b_t = μ b_{t-1} + g_t
        θ_t = θ_{t-1} − η_t b_t

    With a constant gradient g the buffer tends to g / (1 − μ): ten times g for μ = 0.9. On a
    quadratic of largest curvature L it converges exactly when η < 2(1 + μ)/L.
    """

    name = "momentum"
    title = "Momentum"
    torch = ("SGD", {})
    numpy_init = ("b = np.zeros(2)",)
    numpy = ("[wd] g = g + {weight_decay} * p", "b = g if t == 1 else {momentum} * b + g", "p = p - lr * b")
    color = "#009E73"  # bluish green: gradient descent's vermillion is the colour it is raced against
    knobs = (MOMENTUM, weight_decay_knob())
    lr_family = ("gradient", 0.2)  # the steps add up: about ×10 at μ = 0.9
    stable_lr_formula = "2(1 + μ)/L"
    buffers = ("velocity",)
    marker = "diamond"
    carried_label = "−ημ·b, carried by momentum"
    lr: float = 1e-3
    momentum: float = 0.9
    weight_decay: float = 0.0
    nesterov = False

    def __post_init__(self):
        check_lr(self.lr)
        # torch refuses Nesterov without momentum: it would silently be plain descent.
        check_range("momentum", self.momentum, 0, 1, low_open=self.nesterov, high_open=True)
        check_range("weight_decay", self.weight_decay, 0, float("inf"))

    def step_(self, params, grad, state, lr, t, tmp):
        self._decay_grad(params, grad, tmp)
        velocity = state["velocity"]
        if t == 1:
            velocity[...] = grad
        else:
            velocity *= self.momentum
            velocity += grad
        if self.nesterov:  # look ahead along the buffer: the step is g + μ b
            np.multiply(velocity, self.momentum, out=tmp)
            grad += tmp
            grad *= -lr
            params += grad
        else:
            np.multiply(velocity, -lr, out=tmp)
            params += tmp

    def explain(self, step):
        lines, g = coupled_decay(self, step)
        t, mu, theta, b = step["t"], self.momentum, vec(step["theta"]), vec(step["velocity"])
        if t == 1:
            lines.append((r"b_1 = g_1", rf"b_1 = {b}"))
        else:
            lines.append((r"b_t = \mu\, b_{t-1} + g_t",
                          rf"b_{{{t}}} = {num(mu)}\cdot {vec(step['velocity_prev'])} + {vec(g)} = {b}"))
        if self.nesterov:
            lines.append((r"\theta_t = \theta_{t-1} - \eta_t\,(g_t + \mu\, b_t)",
                          rf"{theta} - {num(step['lr'])}\cdot\left({vec(g)} + {num(mu)}\cdot {b}\right)"))
        else:
            lines.append((r"\theta_t = \theta_{t-1} - \eta_t\, b_t", rf"{theta} - {num(step['lr'])}\cdot {b}"))
        return lines

    def carried_step(self, step):
        # heavy ball: −η b_t = −η g_t − ημ b_{t−1}; Nesterov: −η(g_t + μ b_t): the μ part is carried
        buffer = step["velocity"] if self.nesterov else step["velocity_prev"]
        return -(np.asarray(step["lr"]) * self.momentum)[:, None] * buffer

    def stable_lr(self, curvature):
        mu = float(np.max(self.momentum))
        return 2 * (1 + mu) / curvature


@dataclass(frozen=True)
class Nesterov(Momentum):
    r"""Nesterov momentum, as ``torch.optim.SGD(momentum=μ, nesterov=True)`` (dampening 0):

        g_t ← ∇f(θ_{t-1}) + λ θ_{t-1}
        b_1 = g_1,   b_t = μ b_{t-1} + g_t
        θ_t = θ_{t-1} − η_t (g_t + μ b_t)

    The step looks ahead along the buffer: it is the gradient plus μ times the new velocity. On a
    quadratic of largest curvature L, with h = ηL, (θ, ηb) evolves by a matrix whose characteristic
    polynomial is z² − (1 + μ)(1 − h) z + μ(1 − h); Jury's test gives convergence exactly when
    η < 2(1 + μ) / ((1 + 2μ) L).
    """

    name = "nesterov"
    title = "Nesterov momentum"
    torch = ("SGD", {"nesterov": True})
    numpy = ("[wd] g = g + {weight_decay} * p", "b = g if t == 1 else {momentum} * b + g",
             "p = p - lr * (g + {momentum} * b)")
    color = "#CC79A7"
    stable_lr_formula = "2(1 + μ)/((1 + 2μ)L)"
    marker = "triangle-up"
    dash = "dash"  # heavy ball's sibling: the same family, told apart by the dash
    knobs = (Knob("momentum", "momentum", "Momentum μ", 0.01, 0.999, 0.9, step=0.01), weight_decay_knob())
    nesterov = True

    def stable_lr(self, curvature):
        mu = float(np.max(self.momentum))
        return 2 * (1 + mu) / ((1 + 2 * mu) * curvature)

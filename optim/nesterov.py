"""Nesterov momentum."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from optim.rule import Rule, check_range


@dataclass(frozen=True)
class Nesterov(Rule):
    r"""Nesterov momentum, as ``torch.optim.SGD(momentum=μ, nesterov=True)`` (dampening 0):

        g_t ← ∇f(θ_{t-1}) + λ θ_{t-1}
        b_1 = g_1,   b_t = μ b_{t-1} + g_t
        θ_t = θ_{t-1} − η_t (g_t + μ b_t)

    The step looks ahead along the buffer: it is the gradient plus μ times the new velocity.
    """

    name = "nesterov"
    buffers = ("velocity",)
    lr: float = 1e-3
    momentum: float = 0.9
    weight_decay: float = 0.0

    def __post_init__(self):
        check_range("lr", self.lr, 0, float("inf"))
        # torch refuses Nesterov without momentum: it would silently be plain descent.
        check_range("momentum", self.momentum, 0, 1, low_open=True, high_open=True)
        check_range("weight_decay", self.weight_decay, 0, float("inf"))

    def step_(self, params, grad, state, lr, t, tmp):
        self._decay_grad(params, grad, tmp)
        velocity = state["velocity"]
        if t == 1:
            velocity[...] = grad
        else:
            velocity *= self.momentum
            velocity += grad
        np.multiply(velocity, self.momentum, out=tmp)
        grad += tmp
        grad *= -lr
        params += grad

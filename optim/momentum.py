"""Heavy-ball momentum."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from optim.rule import Rule, check_range


@dataclass(frozen=True)
class Momentum(Rule):
    r"""Heavy-ball momentum, as ``torch.optim.SGD(momentum=μ)`` (dampening 0):

        g_t ← ∇f(θ_{t-1}) + λ θ_{t-1}
        b_1 = g_1,   b_t = μ b_{t-1} + g_t
        θ_t = θ_{t-1} − η_t b_t

    With a constant gradient g the buffer tends to g / (1 − μ): ten times g for μ = 0.9.
    """

    name = "momentum"
    buffers = ("velocity",)
    lr: float = 1e-3
    momentum: float = 0.9
    weight_decay: float = 0.0

    def __post_init__(self):
        check_range("lr", self.lr, 0, float("inf"))
        check_range("momentum", self.momentum, 0, 1, high_open=True)
        check_range("weight_decay", self.weight_decay, 0, float("inf"))

    def step_(self, params, grad, state, lr, t, tmp):
        self._decay_grad(params, grad, tmp)
        velocity = state["velocity"]
        if t == 1:
            velocity[...] = grad
        else:
            velocity *= self.momentum
            velocity += grad
        np.multiply(velocity, -lr, out=tmp)
        params += tmp


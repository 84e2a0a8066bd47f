"""Plain gradient descent."""

from __future__ import annotations

from dataclasses import dataclass

from optim.rule import Rule, check_range


@dataclass(frozen=True)
class SGD(Rule):
    r"""Gradient descent, as ``torch.optim.SGD`` with ``momentum=0``:

        g_t ← ∇f(θ_{t-1}) + λ θ_{t-1}
        θ_t = θ_{t-1} − η_t g_t
    """

    name = "sgd"
    lr: float = 1e-3
    weight_decay: float = 0.0

    def __post_init__(self):
        check_range("lr", self.lr, 0, float("inf"))
        check_range("weight_decay", self.weight_decay, 0, float("inf"))

    def step_(self, params, grad, state, lr, t, tmp):
        self._decay_grad(params, grad, tmp)
        grad *= -lr
        params += grad

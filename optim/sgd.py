"""Plain gradient descent."""

from __future__ import annotations

from dataclasses import dataclass

from optim.latex import coupled_decay, num, vec
from optim.rule import Rule, check_lr, check_range, weight_decay_knob


@dataclass(frozen=True)
class SGD(Rule):
    r"""Gradient descent, as ``torch.optim.SGD`` with ``momentum=0``:

        g_t ← ∇f(θ_{t-1}) + λ θ_{t-1}
        θ_t = θ_{t-1} − η_t g_t

    On a quadratic whose largest curvature is L it converges exactly when η < 2/L.
    """

    name = "sgd"
    title = "Gradient descent"
    torch = ("SGD", {})  # torch.optim class, and arguments the rule implies
    numpy = ("[wd] g = g + {weight_decay} * p", "p = p - lr * g")
    color = "#D55E00"
    marker = "x"
    knobs = (weight_decay_knob(),)
    stable_lr_formula = "2/L"
    lr: float = 1e-3
    weight_decay: float = 0.0

    def __post_init__(self):
        check_lr(self.lr)
        check_range("weight_decay", self.weight_decay, 0, float("inf"))

    def step_(self, params, grad, state, lr, t, tmp):
        self._decay_grad(params, grad, tmp)
        grad *= -lr
        params += grad

    def explain(self, step):
        lines, g = coupled_decay(self, step)
        return [*lines, (r"\theta_t = \theta_{t-1} - \eta_t\, g_t",
                         rf"{vec(step['theta'])} - {num(step['lr'])}\cdot {vec(g)}")]

    def stable_lr(self, curvature):
        return 2 / curvature

"""RMSProp."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from optim.latex import coupled_decay, num, vec
from optim.rule import Knob, Rule, check_lr, check_range, eps_knob, weight_decay_knob


@dataclass(frozen=True)
class RMSprop(Rule):
    r"""RMSProp, as ``torch.optim.RMSprop`` (momentum 0, centered False):

        g_t ← ∇f(θ_{t-1}) + λ θ_{t-1}
        v_t = α v_{t-1} + (1 − α) g_t²,   v_0 = 0
        θ_t = θ_{t-1} − η_t g_t / (√v_t + ε)

    Like AdaGrad, but ``v`` forgets old gradients, so steps do not shrink for ever.
    """

    name = "rmsprop"
    title = "RMSProp"
    torch = ("RMSprop", {})
    numpy_init = ("v = np.zeros(2)",)
    numpy = ("[wd] g = g + {weight_decay} * p", "v = {alpha} * v + (1 - {alpha}) * g * g",
             "p = p - lr * g / (np.sqrt(v) + {eps})")
    color = "#56B4E9"
    marker = "pentagon"
    knobs = (Knob("alpha", "alpha", "Smoothing α", 0.0, 0.9999, 0.99, step=0.001, format="%.4f"), eps_knob(),
             weight_decay_knob())
    lr_family = ("adaptive", 0.5)
    buffers = ("v",)
    lr: float = 1e-2
    alpha: float = 0.99
    eps: float = 1e-8
    weight_decay: float = 0.0

    def __post_init__(self):
        check_lr(self.lr)
        check_range("alpha", self.alpha, 0, 1, high_open=True)
        check_range("eps", self.eps, 0, 1, low_open=True)
        check_range("weight_decay", self.weight_decay, 0, float("inf"))

    def step_(self, params, grad, state, lr, t, tmp):
        self._decay_grad(params, grad, tmp)
        v = state["v"]
        v *= self.alpha
        np.multiply(grad, grad, out=tmp)
        tmp *= 1 - self.alpha
        v += tmp
        np.sqrt(v, out=tmp)
        tmp += self.eps
        np.divide(grad, tmp, out=tmp)
        tmp *= -lr
        params += tmp

    def explain(self, step):
        lines, g = coupled_decay(self, step)
        t, alpha, v = step["t"], self.alpha, vec(step["v"])
        return [*lines,
                (r"v_t = \alpha\, v_{t-1} + (1 - \alpha)\, g_t^2",
                 rf"v_{{{t}}} = {num(alpha)}\cdot {vec(step['v_prev'])} + {num(1 - alpha)}\cdot {vec(g)}^2 = {v}"),
                (r"\theta_t = \theta_{t-1} - \eta_t\, \frac{g_t}{\sqrt{v_t} + \epsilon}",
                 rf"{vec(step['theta'])} - {num(step['lr'])}\cdot \frac{{{vec(g)}}}{{\sqrt{{{v}}} + {num(self.eps)}}}")]

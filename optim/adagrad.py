"""AdaGrad."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from optim.latex import coupled_decay, num, vec
from optim.rule import Rule, check_lr, check_range, eps_knob, weight_decay_knob


@dataclass(frozen=True)
class Adagrad(Rule):
    r"""AdaGrad, as ``torch.optim.Adagrad``:

        g_t ← ∇f(θ_{t-1}) + λ θ_{t-1}
        η̃_t = η_t / (1 + (t − 1) ρ)                      (ρ: lr_decay)
        s_t = s_{t-1} + g_t²,   s_0 = initial_accumulator_value
        θ_t = θ_{t-1} − η̃_t g_t / (√s_t + ε)

    Each coordinate's step shrinks as its squared gradients pile up in ``sum``.
    """

    name = "adagrad"
    title = "AdaGrad"
    torch = ("Adagrad", {})
    numpy_init = ("s = np.full(2, {initial_accumulator_value})",)
    numpy = ("[wd] g = g + {weight_decay} * p", "s = s + g * g", "step_lr = lr / (1 + (t - 1) * {lr_decay})",
             "p = p - step_lr * g / (np.sqrt(s) + {eps})")
    color = "#E69F00"
    dash = "dash"  # orange beside gradient descent's vermillion: told apart by the dash too
    marker = "square"
    knobs = (eps_knob(1e-10), weight_decay_knob())
    lr_family = ("adaptive", 5.0)  # its steps shrink as √t: start larger
    buffers = ("sum",)
    lr: float = 1e-2
    lr_decay: float = 0.0
    weight_decay: float = 0.0
    initial_accumulator_value: float = 0.0
    eps: float = 1e-10

    def __post_init__(self):
        check_lr(self.lr)
        check_range("lr_decay", self.lr_decay, 0, float("inf"))
        check_range("weight_decay", self.weight_decay, 0, float("inf"))
        check_range("initial_accumulator_value", self.initial_accumulator_value, 0, float("inf"))
        # eps = 0 would turn a zero gradient into 0/0.
        check_range("eps", self.eps, 0, 1, low_open=True)

    def init(self, params):
        total = np.empty_like(params, dtype=float)
        total[...] = self.initial_accumulator_value
        return {"sum": total}

    def step_(self, params, grad, state, lr, t, tmp):
        self._decay_grad(params, grad, tmp)
        clr = lr / (1 + (t - 1) * self.lr_decay)
        total = state["sum"]
        np.multiply(grad, grad, out=tmp)
        total += tmp
        np.sqrt(total, out=tmp)
        tmp += self.eps
        np.divide(grad, tmp, out=tmp)
        tmp *= -clr
        params += tmp

    def explain(self, step):
        lines, g = coupled_decay(self, step)
        t, total = step["t"], vec(step["sum"])
        lr = step["lr"] / (1 + (t - 1) * float(self.lr_decay))
        return [*lines,
                (r"s_t = s_{t-1} + g_t^2", rf"s_{{{t}}} = {vec(step['sum_prev'])} + {vec(g)}^2 = {total}"),
                (r"\theta_t = \theta_{t-1} - \eta_t\, \frac{g_t}{\sqrt{s_t} + \epsilon}",
                 rf"{vec(step['theta'])} - {num(lr)}\cdot \frac{{{vec(g)}}}{{\sqrt{{{total}}} + {num(self.eps)}}}")]

"""Adam and AdamW."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from optim.latex import coupled_decay, num, vec
from optim.rule import Knob, Rule, check_lr, check_range, eps_knob, has_decay, weight_decay_knob

BIAS_CORRECTION = Knob("bc", "bias_correction", "Bias correction", 0, 1, True, widget="toggle", advanced=True,
                       help="Off shows why Adam divides by 1 − βᵗ.")
BETAS = (Knob("beta1", "betas", "β₁ (first moment)", 0.0, 0.999, 0.9, step=0.01, index=0),
         Knob("beta2", "betas", "β₂ (second moment)", 0.0, 0.9999, 0.999, step=0.0001, format="%.4f", index=1))


@dataclass(frozen=True)
class Adam(Rule):
    r"""Adam, as ``torch.optim.Adam`` (amsgrad False):

        g_t ← ∇f(θ_{t-1}) + λ θ_{t-1}
        m_t = β₁ m_{t-1} + (1 − β₁) g_t,     v_t = β₂ v_{t-1} + (1 − β₂) g_t²
        θ_t = θ_{t-1} − (η_t / (1 − β₁ᵗ)) · m_t / (√v_t / √(1 − β₂ᵗ) + ε)

    The first step is −η·sign(g) whatever the gradient's size. ``bias_correction=False`` drops
    the two (1 − βᵗ) factors (not a torch option): early steps are then far too small, which shows
    what the correction is for.
    """

    name = "adam"
    title = "Adam"
    torch = ("Adam", {})
    numpy_init = ("m, v = np.zeros(2), np.zeros(2)",)
    numpy = ("[wd] g = g + {weight_decay} * p", "m = {beta1} * m + (1 - {beta1}) * g",
             "v = {beta2} * v + (1 - {beta2}) * g * g",
             "[bc] p = p - lr / (1 - {beta1} ** t) * m / (np.sqrt(v) / math.sqrt(1 - {beta2} ** t) + {eps})",
             "[no bc] p = p - lr * m / (np.sqrt(v) + {eps})")
    color = "#0072B2"
    knobs = (*BETAS, eps_knob(), weight_decay_knob(), BIAS_CORRECTION)
    lr_family = ("adaptive", 1.0)
    buffers = ("m", "v")
    carried_label = "−η·m̂, Adam's smoothed gradient"
    lr: float = 1e-3
    betas: tuple = (0.9, 0.999)
    eps: float = 1e-8
    weight_decay: float = 0.0
    bias_correction: bool = True

    def __post_init__(self):
        check_lr(self.lr)
        if not isinstance(self.betas, (tuple, list)) or len(self.betas) != 2:
            raise ValueError(f"betas must be a pair (beta1, beta2), got {self.betas!r}")
        check_range("beta1", self.betas[0], 0, 1, high_open=True)
        check_range("beta2", self.betas[1], 0, 1, high_open=True)
        check_range("eps", self.eps, 0, 1, low_open=True)
        check_range("weight_decay", self.weight_decay, 0, float("inf"))
        if not isinstance(self.bias_correction, (bool, np.bool_)):
            raise ValueError(f"bias_correction must be True or False, got {self.bias_correction!r}")

    def step_(self, params, grad, state, lr, t, tmp):
        self._decay(params, grad, lr, tmp)
        beta1, beta2 = self.betas
        m, v = state["m"], state["v"]
        # torch: m.lerp_(g, 1 − β₁), which is m + (1 − β₁)(g − m) for β₁ > 0.5
        np.subtract(grad, m, out=tmp)
        tmp *= 1 - beta1
        m += tmp
        v *= beta2
        np.multiply(grad, grad, out=tmp)
        tmp *= 1 - beta2
        v += tmp
        np.sqrt(v, out=tmp)
        if self.bias_correction:
            tmp *= 1 / (1 - beta2**t) ** 0.5
            step_size = lr / (1 - beta1**t)
        else:
            step_size = lr
        tmp += self.eps
        np.divide(m, tmp, out=tmp)
        tmp *= -step_size
        params += tmp

    def carried_step(self, step):
        # −η m̂: where the smoothed gradient alone would move (the update divides it by √v̂ + ε)
        t, m = np.asarray(step["t"], dtype=float), step["m"]
        scale = 1 / (1 - self.betas[0] ** t) if self.bias_correction else np.ones_like(t)
        return -(np.asarray(step["lr"]) * scale)[:, None] * m

    def _decay(self, params, grad, lr, tmp):
        self._decay_grad(params, grad, tmp)

    def _decay_lines(self, step):
        return coupled_decay(self, step)

    def explain(self, step):
        lines, g = self._decay_lines(step)
        (b1, b2), t, eps = self.betas, step["t"], self.eps
        m, v, theta, lr = step["m"], step["v"], vec(step["theta"]), num(step["lr"])
        lines += [
            (r"m_t = \beta_1 m_{t-1} + (1 - \beta_1)\, g_t",
             rf"m_{{{t}}} = {num(b1)}\cdot {vec(step['m_prev'])} + {num(1 - b1)}\cdot {vec(g)} = {vec(m)}"),
            (r"v_t = \beta_2 v_{t-1} + (1 - \beta_2)\, g_t^2",
             rf"v_{{{t}}} = {num(b2)}\cdot {vec(step['v_prev'])} + {num(1 - b2)}\cdot {vec(g)}^2 = {vec(v)}"),
        ]
        if not self.bias_correction:
            return [*lines, (r"\theta_t = \theta_{t-1} - \eta_t\, \frac{m_t}{\sqrt{v_t} + \epsilon}\ "
                             r"\text{(no bias correction)}",
                             rf"{theta} - {lr}\cdot \frac{{{vec(m)}}}{{\sqrt{{{vec(v)}}} + {num(eps)}}}")]
        m_hat, v_hat = vec(m / (1 - b1**t)), vec(v / (1 - b2**t))
        return [*lines,
                (r"\hat m_t = \frac{m_t}{1 - \beta_1^t},\quad \hat v_t = \frac{v_t}{1 - \beta_2^t}",
                 rf"\hat m_{{{t}}} = {m_hat},\quad \hat v_{{{t}}} = {v_hat}"),
                (r"\theta_t = \theta_{t-1} - \eta_t\, \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}",
                 rf"{theta} - {lr}\cdot \frac{{{m_hat}}}{{\sqrt{{{v_hat}}} + {num(eps)}}}")]


@dataclass(frozen=True)
class AdamW(Adam):
    r"""AdamW, as ``torch.optim.AdamW``: Adam with decoupled weight decay.

        θ ← θ_{t-1} (1 − η_t λ)                  (decay first, not through the gradient)
        m_t, v_t, and the step as in Adam, with g_t = ∇f(θ_{t-1})
    """

    name = "adamw"
    title = "AdamW"
    torch = ("AdamW", {})
    numpy = ("[wd] p = p * (1 - lr * {weight_decay})  # decoupled: the decay skips the gradient",
             *Adam.numpy[1:])
    color = "#F0E442"
    marker = "hexagon"
    dash = "dash"  # Adam's sibling: told apart by the dash as well as the hue
    knobs = (*BETAS, eps_knob(), weight_decay_knob(1e-2, "Weight decay λ (decoupled)"), BIAS_CORRECTION)
    weight_decay: float = 1e-2

    def _decay(self, params, grad, lr, tmp):
        if has_decay(self.weight_decay):
            params *= 1 - lr * self.weight_decay

    def _decay_lines(self, step):
        wd = float(np.asarray(self.weight_decay).ravel()[0])
        if not wd:
            return [], step["grad"]
        return [(r"\theta_{t-1} \leftarrow \theta_{t-1}\,(1 - \eta_t \lambda)",
                 rf"\text{{decay first: }} \times {num(1 - float(step['lr']) * wd)}")], step["grad"]

"""Adam and AdamW."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from optim.rule import Rule, check_range, has_decay


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
    buffers = ("m", "v")
    lr: float = 1e-3
    betas: tuple = (0.9, 0.999)
    eps: float = 1e-8
    weight_decay: float = 0.0
    bias_correction: bool = True

    def __post_init__(self):
        check_range("lr", self.lr, 0, float("inf"))
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

    def _decay(self, params, grad, lr, tmp):
        self._decay_grad(params, grad, tmp)


@dataclass(frozen=True)
class AdamW(Adam):
    r"""AdamW, as ``torch.optim.AdamW``: Adam with decoupled weight decay.

        θ ← θ_{t-1} (1 − η_t λ)                  (decay first, not through the gradient)
        m_t, v_t, and the step as in Adam, with g_t = ∇f(θ_{t-1})
    """

    name = "adamw"
    weight_decay: float = 1e-2

    def _decay(self, params, grad, lr, tmp):
        if has_decay(self.weight_decay):
            params *= 1 - lr * self.weight_decay

"""The update rule of the chosen optimizer in LaTeX, then the same lines with the numbers of one
step filled in, so a learner can check the step by hand."""

from __future__ import annotations

import math

import numpy as np


def num(value: float) -> str:
    """A number in LaTeX, four significant digits, powers of ten written as such."""
    value = float(value)
    if not math.isfinite(value):
        return r"\text{NaN}" if math.isnan(value) else (r"\infty" if value > 0 else r"-\infty")
    text = f"{value:.4g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        return rf"{mantissa}\times 10^{{{int(exponent)}}}"
    return text


def vec(v) -> str:
    a, b = np.asarray(v, dtype=float)
    return rf"\begin{{pmatrix}}{num(a)}\\ {num(b)}\end{{pmatrix}}"


def update_lines(rule: str, hyper: dict, step: dict) -> list[tuple[str, str]]:
    """``(symbols, numbers)`` pairs for update ``t`` of ``rule``.

    ``step`` holds ``t``, ``lr``, ``theta`` (θ_{t−1}), ``grad`` (g_t), ``theta_next`` (θ_t), and the
    buffers before (``<name>_prev``) and after (``<name>``) the update.
    """
    t, lr = step["t"], step["lr"]
    wd = float(np.asarray(hyper.get("weight_decay", 0.0)))
    lines = []
    if wd and rule != "adamw":
        lines.append((r"g_t \leftarrow \nabla f(\theta_{t-1}) + \lambda\,\theta_{t-1}",
                      rf"\lambda = {num(wd)}\ \text{{(weight decay, added to the gradient)}}"))
    g = step["grad"] + wd * step["theta"] if wd and rule != "adamw" else step["grad"]
    lines += _RULES[rule](hyper, step, t, lr, g)
    lines.append((r"\theta_t", rf"\theta_{{{t}}} = {vec(step['theta_next'])}"))
    return lines


def _sgd(hyper, s, t, lr, g):
    return [(r"\theta_t = \theta_{t-1} - \eta_t\, g_t",
             rf"{vec(s['theta'])} - {num(lr)}\cdot {vec(g)}")]


def _momentum(hyper, s, t, lr, g):
    mu = hyper["momentum"]
    first = (r"b_1 = g_1", rf"b_1 = {vec(s['velocity'])}")
    later = (r"b_t = \mu\, b_{t-1} + g_t",
             rf"b_{{{t}}} = {num(mu)}\cdot {vec(s['velocity_prev'])} + {vec(g)} = {vec(s['velocity'])}")
    return [first if t == 1 else later,
            (r"\theta_t = \theta_{t-1} - \eta_t\, b_t", rf"{vec(s['theta'])} - {num(lr)}\cdot {vec(s['velocity'])}")]


def _nesterov(hyper, s, t, lr, g):
    mu = hyper["momentum"]
    lines = _momentum(hyper, s, t, lr, g)[:1]
    return [*lines, (r"\theta_t = \theta_{t-1} - \eta_t\,(g_t + \mu\, b_t)",
                     rf"{vec(s['theta'])} - {num(lr)}\cdot\left({vec(g)} + {num(mu)}\cdot {vec(s['velocity'])}\right)")]


def _adagrad(hyper, s, t, lr, g):
    eps = hyper["eps"]
    return [(r"s_t = s_{t-1} + g_t^2", rf"s_{{{t}}} = {vec(s['sum_prev'])} + {vec(g)}^2 = {vec(s['sum'])}"),
            (r"\theta_t = \theta_{t-1} - \eta_t\, \frac{g_t}{\sqrt{s_t} + \epsilon}",
             rf"{vec(s['theta'])} - {num(lr)}\cdot \frac{{{vec(g)}}}{{\sqrt{{{vec(s['sum'])}}} + {num(eps)}}}")]


def _rmsprop(hyper, s, t, lr, g):
    alpha, eps = hyper["alpha"], hyper["eps"]
    return [(r"v_t = \alpha\, v_{t-1} + (1 - \alpha)\, g_t^2",
             rf"v_{{{t}}} = {num(alpha)}\cdot {vec(s['v_prev'])} + {num(1 - alpha)}\cdot {vec(g)}^2 = {vec(s['v'])}"),
            (r"\theta_t = \theta_{t-1} - \eta_t\, \frac{g_t}{\sqrt{v_t} + \epsilon}",
             rf"{vec(s['theta'])} - {num(lr)}\cdot \frac{{{vec(g)}}}{{\sqrt{{{vec(s['v'])}}} + {num(eps)}}}")]


def _adam(hyper, s, t, lr, g):
    (b1, b2), eps = hyper["betas"], hyper["eps"]
    lines = []
    if hyper.get("weight_decay") and hyper.get("decoupled"):
        lines.append((r"\theta_{t-1} \leftarrow \theta_{t-1}\,(1 - \eta_t \lambda)",
                      rf"\text{{decay first: }} \times {num(1 - lr * hyper['weight_decay'])}"))
    lines += [
        (r"m_t = \beta_1 m_{t-1} + (1 - \beta_1)\, g_t",
         rf"m_{{{t}}} = {num(b1)}\cdot {vec(s['m_prev'])} + {num(1 - b1)}\cdot {vec(g)} = {vec(s['m'])}"),
        (r"v_t = \beta_2 v_{t-1} + (1 - \beta_2)\, g_t^2",
         rf"v_{{{t}}} = {num(b2)}\cdot {vec(s['v_prev'])} + {num(1 - b2)}\cdot {vec(g)}^2 = {vec(s['v'])}"),
    ]
    if hyper.get("bias_correction", True):
        c1, c2 = 1 - b1**t, 1 - b2**t
        lines += [
            (r"\hat m_t = \frac{m_t}{1 - \beta_1^t},\quad \hat v_t = \frac{v_t}{1 - \beta_2^t}",
             rf"\hat m_{{{t}}} = {vec(s['m'] / c1)},\quad \hat v_{{{t}}} = {vec(s['v'] / c2)}"),
            (r"\theta_t = \theta_{t-1} - \eta_t\, \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}",
             rf"{vec(s['theta'])} - {num(lr)}\cdot \frac{{{vec(s['m'] / c1)}}}{{\sqrt{{{vec(s['v'] / c2)}}} + {num(eps)}}}"),
        ]
    else:
        lines.append((r"\theta_t = \theta_{t-1} - \eta_t\, \frac{m_t}{\sqrt{v_t} + \epsilon}\ "
                      r"\text{(no bias correction)}",
                      rf"{vec(s['theta'])} - {num(lr)}\cdot \frac{{{vec(s['m'])}}}{{\sqrt{{{vec(s['v'])}}} + {num(eps)}}}"))
    return lines


def _adamw(hyper, s, t, lr, g):
    return _adam({**hyper, "decoupled": True}, s, t, lr, g)


_RULES = {"sgd": _sgd, "momentum": _momentum, "nesterov": _nesterov, "adagrad": _adagrad,
          "rmsprop": _rmsprop, "adam": _adam, "adamw": _adamw}


def step_values(traj, k: int) -> dict | None:
    """The numbers of update ``k + 1`` of a one-start trajectory, or None past the last update."""
    if k >= traj.steps or not np.isfinite(traj.points[k + 1]).all():
        return None
    values = {"t": k + 1, "lr": float(np.ravel(traj.lrs[k])[0]), "theta": traj.points[k],
              "grad": traj.grads[k], "theta_next": traj.points[k + 1]}
    for key, history in traj.state.items():
        values[key + "_prev"], values[key] = history[k], history[k + 1]
    return values

"""A run as code a learner can keep: a short PyTorch script that reproduces it (the surface as a
function torch differentiates, the rule as ``torch.optim`` with the same hyperparameters, the
schedule as a ``torch.optim.lr_scheduler``, the start, the steps, and the same mini-batches or
noise). Generated from validated settings and the declarations in ``landscapes`` and ``optim``,
never from user text; ``tests/test_as_code.py`` runs it and compares its path with the engine's.
"""

from __future__ import annotations

import re

from optim import schedules

_SCHEDULERS = {
    "step": "torch.optim.lr_scheduler.StepLR(opt, step_size={step_size!r}, gamma={gamma!r})",
    "exponential": "torch.optim.lr_scheduler.ExponentialLR(opt, gamma={gamma!r})",
    "cosine": "torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max={t_max!r}, eta_min={eta_min!r})",
    # a linear warmup, then cosine annealing: one LambdaLR with the closed form (the factor of lr)
    "warmup_cosine": ("torch.optim.lr_scheduler.LambdaLR(opt, lambda t: (t + 1) / {warmup!r} if t < {warmup!r} else "
                      "({eta_min!r} + ({lr!r} - {eta_min!r}) * (1 + math.cos(math.pi * (t - {warmup!r}) / "
                      "({t_max!r} - {warmup!r}))) / 2) / {lr!r})"),
}


class NotExpressible(ValueError):
    """The run uses something torch.optim does not have (Adam without bias correction)."""


def torch_script(surface, rules, start, steps: int, *, batch_size: int | None = None, noise: float = 0.0,
                 seed: int = 0) -> str:
    """The script for one rule or several racing (``rules``: a rule, or ``{label: rule}``); it
    leaves each path, (steps + 1, 2), in ``paths[label]`` and prints where each ended."""
    if not surface.code:
        raise NotExpressible(f"{surface.title} has no code form")
    rules = rules if isinstance(rules, dict) else {rules.title: rules}
    data = _samples(surface)
    lines = ["import math", "", "import numpy as np", "import torch", ""]
    if data:
        lines += [*data.splitlines(), "X, Y = (torch.tensor(np.array(a, dtype=float)) for a in (X, Y))", ""]
    lines += ["", f"def loss(x, y{', X=X, Y=Y' if data else ''}):", f"    return {_torch(surface.code)}", ""]
    lines += _source(batch_size)
    lines += ["", "def run(make_optimizer, make_scheduler=None):",
              f"    p = torch.tensor([{float(start[0])!r}, {float(start[1])!r}], dtype=torch.float64, requires_grad=True)",
              "    opt = make_optimizer([p])", "    sched = make_scheduler(opt) if make_scheduler else None"]
    if batch_size:
        lines.append(f"    batches = shuffled(len(X), {batch_size}, np.random.default_rng([{seed}, 0]))")
    if noise:
        lines.append(f"    noise = np.random.default_rng([{seed}, 1])")
    lines += ["    path = [p.detach().clone()]", f"    for step in range({steps}):", "        opt.zero_grad()",
              "        idx = next(batches)\n        loss(p[0], p[1], X[idx], Y[idx]).backward()" if batch_size
              else "        loss(p[0], p[1]).backward()"]
    if noise:
        lines.append(f"        p.grad += torch.from_numpy({float(noise)!r} * noise.standard_normal(2))")
    lines += ["        opt.step()", "        if sched:", "            sched.step()",
              "        path.append(p.detach().clone())", "    return torch.stack(path).numpy()", "", ""]
    lines.append("paths = {")
    lines += [f"    {label!r}: run({_optimizer(rule)}{_scheduler(rule)})," for label, rule in rules.items()]
    lines += ["}", "for label, path in paths.items():",
              '    print(f"{label}: after {len(path) - 1} steps, x = {path[-1, 0]:.6g}, y = {path[-1, 1]:.6g}, '
              'loss = {loss(*torch.from_numpy(path[-1])).item():.6g}")']
    return "\n".join(lines) + "\n"


def _optimizer(rule) -> str:
    name, implied = type(rule).torch or (None, {})
    hyper = rule.hyperparameters()
    if name is None or not hyper.pop("bias_correction", True):
        raise NotExpressible(f"torch.optim has no {rule.title} with these settings (bias correction off)")
    lr = hyper.pop("lr")
    start_lr = lr.lr if isinstance(lr, schedules.Schedule) else lr
    args = ", ".join(f"{key}={value!r}" for key, value in {"lr": float(start_lr), **hyper, **implied}.items())
    return f"lambda params: torch.optim.{name}(params, {args})"


def _scheduler(rule) -> str:
    lr = rule.lr
    if not isinstance(lr, schedules.Schedule) or lr.name == "constant":
        return ""
    return ", lambda opt: " + _SCHEDULERS[lr.name].format(lr=float(lr.lr), **lr.parameters)


def _torch(code: str) -> str:
    return re.sub(r"\bm\.", "torch.", code)


def _samples(surface) -> str:
    return surface.samples_code or (surface.model.samples_code if surface.model is not None else "")


def _source(batch_size) -> list[str]:
    """The engine's mini-batches: shuffled epochs from ``[seed, 0]`` (its noise comes from ``[seed, 1]``),
    a new generator for each run, drawn in the same order."""
    if not batch_size:
        return []
    return ["", "def shuffled(n, size, rng):  # epochs of shuffled batches, the last one shorter",
            "    while True:", "        order = rng.permutation(n)",
            "        for i in range(0, n, size):", "            yield order[i:i + size]", ""]

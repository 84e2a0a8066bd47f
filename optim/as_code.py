"""A run as code a learner can keep: a short script that reproduces it.

- ``torch_script``: the surface as a function torch differentiates, the rule as ``torch.optim`` with
  the same hyperparameters, the schedule as a ``torch.optim.lr_scheduler``.
- ``numpy_script``: the same run in plain NumPy, the gradient written out (``Surface.grad_code``) and
  the update rule as its equations (``Rule.numpy``), for whoever wants to see every line.

Both keep the start, the steps, and the same mini-batches or noise. They are generated from validated
settings and the declarations in ``landscapes`` and ``optim``, never from user text;
``tests/test_as_code.py`` runs them and compares their paths with the engine's.
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


# the rate of update ``t`` (from 1), as the engine's schedules compute it
_NUMPY_SCHEDULES = {
    "step": "{lr!r} * {gamma!r} ** ((t - 1) // {step_size!r})",
    "exponential": "{lr!r} * {gamma!r} ** (t - 1)",
    "cosine": "{eta_min!r} + ({lr!r} - {eta_min!r}) * (1 + math.cos(math.pi * (t - 1) / {t_max!r})) / 2",
    "warmup_cosine": ("{lr!r} * t / {warmup!r} if t <= {warmup!r} else {eta_min!r} + ({lr!r} - {eta_min!r}) * "
                      "(1 + math.cos(math.pi * (t - 1 - {warmup!r}) / ({t_max!r} - {warmup!r}))) / 2"),
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
    lines += shuffled_source(batch_size)
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


def numpy_script(surface, rules, start, steps: int, *, batch_size: int | None = None, noise: float = 0.0,
                 seed: int = 0) -> str:
    """The same run as :func:`torch_script` in NumPy: one function per rule, each update written out."""
    if not surface.code or not surface.grad_code:
        raise NotExpressible(f"{surface.title} has no code form")
    rules = rules if isinstance(rules, dict) else {rules.title: rules}
    data = _samples(surface)
    given = ", X=X, Y=Y" if data else ""
    lines = ["import math", "", "import numpy as np", "", "np.seterr(all='ignore')  # a run that diverges overflows",
             ""]
    if data:
        lines += [*data.splitlines(), "X, Y = np.array(X, dtype=float), np.array(Y, dtype=float)", ""]
    dx, dy = (_numpy(code) for code in surface.grad_code)
    lines += ["", f"def loss(x, y{given}):", f"    return {_numpy(surface.code)}", "", "",
              f"def grad(p{given}):", "    x, y = p", f"    return np.array([{dx}, {dy}])", ""]
    lines += shuffled_source(batch_size)
    names = _function_names(rules)
    for label, rule in rules.items():
        lines += ["", *_numpy_run(names[label], rule, start, steps, batch_size, noise, seed), ""]
    lines += ["", "paths = {", *(f"    {label!r}: {name}()," for label, name in names.items()), "}",
              "for label, path in paths.items():",
              '    print(f"{label}: after {len(path) - 1} steps, x = {path[-1, 0]:.6g}, y = {path[-1, 1]:.6g}, '
              'loss = {loss(*path[-1]):.6g}")']
    return "\n".join(lines) + "\n"


def _function_names(rules: dict) -> dict:
    names, seen = {}, set()
    for i, (label, rule) in enumerate(rules.items()):
        name = f"run_{type(rule).name}"
        names[label] = name if name not in seen else f"{name}_{i}"
        seen.add(name)
    return names


def _numpy_run(name, rule, start, steps, batch_size, noise, seed) -> list[str]:
    values = _numpy_values(rule)
    lines = [f"def {name}():", f"    p = np.array([{float(start[0])!r}, {float(start[1])!r}])",
             *(f"    {line.format(**values)}" for line in type(rule).numpy_init)]
    if batch_size:
        lines.append(f"    batches = shuffled(len(X), {batch_size}, np.random.default_rng([{seed}, 0]))")
    if noise:
        lines.append(f"    noise = np.random.default_rng([{seed}, 1])")
    lines += ["    path = [p]", f"    for t in range(1, {steps + 1}):", f"        lr = {_numpy_rate(rule.lr)}"]
    if batch_size:
        lines += ["        idx = next(batches)", "        g = grad(p, X[idx], Y[idx])"]
    else:
        lines.append("        g = grad(p)")
    if noise:
        lines.append(f"        g = g + {float(noise)!r} * noise.standard_normal(2)")
    lines += [f"        {line.format(**values)}" for line in _kept(rule, values)]
    return [*lines, "        path.append(p)", "    return np.array(path)"]


def _numpy_values(rule) -> dict:
    hyper = rule.hyperparameters()
    values = {key: float(v) for key, v in hyper.items() if key not in ("lr", "betas", "bias_correction")}
    if "betas" in hyper:
        values["beta1"], values["beta2"] = (float(b) for b in hyper["betas"])
    return {key: repr(v) for key, v in values.items()}


def _kept(rule, values) -> list[str]:
    """The rule's lines for these settings: weight decay and bias correction only where they act."""
    flags = {"[wd] ": float(values.get("weight_decay", "0")) != 0,
             "[bc] ": bool(getattr(rule, "bias_correction", True)),
             "[no bc] ": not getattr(rule, "bias_correction", True)}
    kept = []
    for line in type(rule).numpy:
        prefix = next((p for p in flags if line.startswith(p)), None)
        if prefix is None or flags[prefix]:
            kept.append(line.removeprefix(prefix or ""))
    return kept


def _numpy_rate(lr) -> str:
    if not isinstance(lr, schedules.Schedule):
        return repr(float(lr))
    if lr.name == "constant":
        return repr(float(lr.lr))
    return _NUMPY_SCHEDULES[lr.name].format(lr=float(lr.lr), **lr.parameters)


def _numpy(code: str) -> str:
    return re.sub(r"\bm\.", "np.", code)


def _optimizer(rule) -> str:
    return f"lambda params: {torch_optimizer(rule, 'params')}"


def torch_optimizer(rule, params: str) -> str:
    """The ``torch.optim`` constructor call of ``rule`` over ``params`` (an expression), its hyperparameters
    spelled out; raises NotExpressible where torch.optim has no such optimizer."""
    name, implied = type(rule).torch or (None, {})
    hyper = rule.hyperparameters()
    if name is None or not hyper.pop("bias_correction", True):
        raise NotExpressible(f"torch.optim has no {rule.title} with these settings (bias correction off)")
    lr = hyper.pop("lr")
    start_lr = lr.lr if isinstance(lr, schedules.Schedule) else lr
    args = ", ".join(f"{key}={value!r}" for key, value in {"lr": float(start_lr), **hyper, **implied}.items())
    return f"torch.optim.{name}({params}, {args})"


def _scheduler(rule) -> str:
    lr = rule.lr
    if not isinstance(lr, schedules.Schedule) or lr.name == "constant":
        return ""
    return ", lambda opt: " + _SCHEDULERS[lr.name].format(lr=float(lr.lr), **lr.parameters)


def _torch(code: str) -> str:
    return re.sub(r"\bm\.", "torch.", code)


def _samples(surface) -> str:
    return surface.samples_code or (surface.model.samples_code if surface.model is not None else "")


def shuffled_source(batch_size) -> list[str]:
    """The engine's mini-batches: shuffled epochs from ``[seed, 0]`` (its noise comes from ``[seed, 1]``),
    a new generator for each run, drawn in the same order."""
    if not batch_size:
        return []
    return ["", "def shuffled(n, size, rng):  # epochs of shuffled batches, the last one shorter",
            "    while True:", "        order = rng.permutation(n)",
            "        for i in range(0, n, size):", "            yield order[i:i + size]", ""]

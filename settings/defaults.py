"""Starting values per surface and optimizer, chosen so the first picture already shows something.

Each surface has a learning rate for the gradient rules (set against its curvature) and one for the
adaptive rules (whose steps are about lr long whatever the gradient), a run length, and the
optimizer that shows its idea best. tests/test_settings.py checks that none of them diverges.
"""

from __future__ import annotations

import landscapes
import optim

#: surface: (optimizer shown first, steps, lr for gradient rules, lr for adaptive rules)
SURFACE_DEFAULTS = {
    "bowl": ("sgd", 60, 0.1, 0.1),
    "ravine": ("sgd", 100, 0.09, 0.1),
    "saddle": ("sgd", 100, 0.05, 0.05),
    "terrain": ("momentum", 150, 0.1, 0.05),
    "plateau": ("adam", 200, 1.0, 0.1),
    "rosenbrock": ("adam", 1000, 1e-3, 0.1),
    "beale": ("adam", 500, 3e-3, 0.1),
    "himmelblau": ("sgd", 150, 0.01, 0.1),
    "booth": ("momentum", 100, 0.05, 0.5),
    "rastrigin": ("momentum", 150, 2e-3, 0.05),
    "ackley": ("adam", 150, 0.05, 0.1),
    "linear_regression": ("sgd", 150, 0.08, 0.2),
    "noisy_regression": ("sgd", 100, 0.3, 0.1),
    "tiny_net": ("sgd", 200, 0.1, 0.05),
}
#: how each rule's lr relates to its surface's: momentum's steps add up (about ×10 at μ = 0.9),
#: AdaGrad's shrink as √t
LR_FACTOR = {"sgd": ("gd", 1.0), "momentum": ("gd", 0.2), "nesterov": ("gd", 0.2), "adagrad": ("adaptive", 5.0),
             "rmsprop": ("adaptive", 0.5), "adam": ("adaptive", 1.0), "adamw": ("adaptive", 1.0)}


def default_lr(surface: str, opt: str) -> float:
    _, _, gd, adaptive = SURFACE_DEFAULTS[surface]
    kind, factor = LR_FACTOR[opt]
    return float(f"{(gd if kind == 'gd' else adaptive) * factor:.3g}")


def defaults_for(surface: str, opt: str | None) -> dict:
    """Every setting but the surface and the schedule's parameters, for this surface and optimizer."""
    shown, steps, _, _ = SURFACE_DEFAULTS[surface]
    opt = opt or shown
    torch_defaults = optim.defaults(opt)
    s = landscapes.get(surface)
    return {
        "opt": opt,
        "lr": default_lr(surface, opt),
        "momentum": 0.9,
        "beta1": 0.9,
        "beta2": 0.999,
        "alpha": 0.99,
        "eps": torch_defaults.get("eps", 1e-8),
        "wd": torch_defaults.get("weight_decay", 0.0),
        "bc": True,
        "sched": "constant",
        "steps": steps,
        "x0": float(s.start[0]),
        "y0": float(s.start[1]),
        "batch": "full",
        "noise": 0.0,
        "seed": 0,
        "k": 0,  # the first update: its arrows and numbers teach the most
        "view3d": True,
    }

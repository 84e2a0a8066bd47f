"""The engine against torch.optim on the same gradients (skipped when torch is absent).

Runs are chosen not to be chaotic, so the ~1e-16 rounding differences of torch's fused kernels stay
small: agreement is asked to 1e-8 relative over hundreds of steps.
"""

import numpy as np
import pytest

import landscapes
import optim
from optim import schedules

torch = pytest.importorskip("torch")

CASES = [
    ("sgd", {"lr": 0.05}, {}),
    ("sgd", {"lr": 0.05, "weight_decay": 0.1}, {}),
    ("momentum", {"lr": 0.01, "momentum": 0.9}, {"momentum": 0.9}),
    ("momentum", {"lr": 0.01, "momentum": 0.5, "weight_decay": 0.05}, {"momentum": 0.5}),
    ("nesterov", {"lr": 0.01, "momentum": 0.9}, {"momentum": 0.9, "nesterov": True}),
    ("adagrad", {"lr": 0.3}, {}),
    ("adagrad", {"lr": 0.3, "lr_decay": 0.01, "initial_accumulator_value": 0.1}, {}),
    ("rmsprop", {"lr": 0.01}, {}),
    ("rmsprop", {"lr": 0.003, "alpha": 0.9, "weight_decay": 0.01}, {}),
    ("adam", {"lr": 0.05}, {}),
    ("adam", {"lr": 0.05, "betas": (0.8, 0.99), "weight_decay": 0.02}, {}),
    ("adamw", {"lr": 0.05}, {}),
    ("adamw", {"lr": 0.05, "weight_decay": 0.1, "eps": 1e-6}, {}),
]
LR_SCALE = {"ravine": 1.0, "rosenbrock": 0.02, "linear_regression": 0.5}  # stable, not chaotic runs
TORCH_CLASS = {"sgd": "SGD", "momentum": "SGD", "nesterov": "SGD", "adagrad": "Adagrad",
               "rmsprop": "RMSprop", "adam": "Adam", "adamw": "AdamW"}


def torch_path(surface, name, hyper, extra, starts, steps, scheduler=None):
    p = torch.tensor(starts, dtype=torch.float64, requires_grad=True)
    opt = getattr(torch.optim, TORCH_CLASS[name])([p], **{**hyper, **extra})
    sched = scheduler(opt) if scheduler else None
    path = [p.detach().numpy().copy()]
    for _ in range(steps):
        p.grad = torch.from_numpy(surface.grad(p.detach().numpy()))
        opt.step()
        if sched:
            sched.step()
        path.append(p.detach().numpy().copy())
    return np.array(path)


@pytest.mark.parametrize(("name", "hyper", "extra"), CASES)
@pytest.mark.parametrize("surface", ["ravine", "rosenbrock", "linear_regression"])
def test_trajectories_match_torch(name, hyper, extra, surface):
    s = landscapes.get(surface)
    hyper = {**hyper, "lr": hyper["lr"] * LR_SCALE[surface]}
    starts = np.array([s.start, np.add(s.start, 0.3), np.subtract(s.start, 0.2)])
    ours = optim.descend(s, optim.get(name, **hyper), starts, 300).points
    theirs = torch_path(s, name, hyper, extra, starts, 300)
    assert np.isfinite(ours).all()
    np.testing.assert_allclose(ours, theirs, rtol=1e-8, atol=1e-12)


@pytest.mark.parametrize(
    ("name", "kw", "make"),
    [
        ("step", {"step_size": 40, "gamma": 0.5},
         lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=40, gamma=0.5)),
        ("exponential", {"gamma": 0.99}, lambda o: torch.optim.lr_scheduler.ExponentialLR(o, gamma=0.99)),
        ("cosine", {"t_max": 150, "eta_min": 0.001},
         lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=150, eta_min=0.001)),
    ],
)
def test_schedules_match_torch_schedulers(name, kw, make):
    s = landscapes.get("ravine")
    sched = schedules.get(name, lr=0.05, **kw)
    ours = optim.descend(s, optim.get("adam", lr=sched), s.start, 200)
    theirs = torch_path(s, "adam", {"lr": 0.05}, {}, np.array(s.start), 200, scheduler=make)
    np.testing.assert_allclose(ours.points, theirs, rtol=1e-8, atol=1e-12)

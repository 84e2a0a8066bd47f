"""URL ⇄ Settings for the descent page: parse, validate, clamp, and explain what was fixed.

``parse(query)`` takes any mapping of strings (or lists of strings, for repeated keys) and always
returns a valid :class:`Settings` plus plain-text notes; ``to_query(s)`` writes the keys back. Keys:

    surface, opt, lr, momentum, beta1, beta2, alpha, eps, wd, bc (Adam's bias correction, 1/0),
    sched, step_size, gamma, t_max, eta_min, warmup (the schedule's parameters), steps, x0, y0,
    batch (full, or 1…n on data surfaces), noise (σ on analytic surfaces), seed,
    k (the step being inspected, 0…steps), view3d (show the 3D view, 1/0)

Only the keys that matter for the chosen surface, optimizer and schedule are written; the others
read back as their defaults, so ``parse(to_query(s))`` gives ``s`` back for every normalized ``s``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace

import landscapes
import optim
from optim import schedules
from settings.defaults import SURFACE_DEFAULTS, defaults_for
from settings.readers import Choice, Flag, Number, fmt, show

MAX_STEPS = 1000
PAGE_KEYS = ("hide", "present")  # how a page is shown, not what it shows: read by the pages
KNOBS = {  # the URL keys each optimizer uses, besides lr
    "sgd": ("wd",),
    "momentum": ("momentum", "wd"),
    "nesterov": ("momentum", "wd"),
    "adagrad": ("eps", "wd"),
    "rmsprop": ("alpha", "eps", "wd"),
    "adam": ("beta1", "beta2", "eps", "wd", "bc"),
    "adamw": ("beta1", "beta2", "eps", "wd", "bc"),
}
SCHEDULE_KEYS = {name: tuple(schedules.parameters(name)) for name in schedules.names()}


@dataclass(frozen=True)
class Settings:
    surface: str
    opt: str
    lr: float
    momentum: float
    beta1: float
    beta2: float
    alpha: float
    eps: float
    wd: float
    bc: bool
    sched: str
    step_size: int
    gamma: float
    t_max: int
    eta_min: float
    warmup: int
    steps: int
    x0: float
    y0: float
    batch: str
    noise: float
    seed: int
    k: int
    view3d: bool

    @property
    def relevant(self) -> tuple[str, ...]:
        """The keys that change the picture for this surface, optimizer and schedule."""
        data = landscapes.get(self.surface).is_data
        return ("surface", "opt", "lr", *KNOBS[self.opt], "sched", *SCHEDULE_KEYS[self.sched], "steps",
                "x0", "y0", "batch" if data else "noise", "seed", "k", "view3d")

    def hyperparameters(self) -> dict:
        """The optimizer's keyword arguments (torch's names)."""
        names = {"momentum": "momentum", "alpha": "alpha", "eps": "eps", "wd": "weight_decay",
                 "bc": "bias_correction"}
        hyper = {"lr": self.lr}
        for key in KNOBS[self.opt]:
            if key in names:
                hyper[names[key]] = getattr(self, key)
        if "beta1" in KNOBS[self.opt]:
            hyper["betas"] = (self.beta1, self.beta2)
        return hyper

    def schedule_spec(self) -> tuple[str, dict] | None:
        """``(name, parameters)`` of the schedule, or None for a constant rate."""
        if self.sched == "constant":
            return None
        return self.sched, {key: getattr(self, key) for key in SCHEDULE_KEYS[self.sched]}

    def schedule(self):
        """``t ↦ lr_t``, or None for a constant rate."""
        spec = self.schedule_spec()
        return None if spec is None else schedules.get(spec[0], lr=self.lr, **spec[1])

    def gradient_source(self) -> dict:
        """``descend``'s keywords for where gradients come from: mini-batches or noise, and the seed."""
        data = landscapes.get(self.surface).is_data
        return {"batch_size": self.batch_size if data else None, "noise": 0.0 if data else self.noise,
                "seed": self.seed}

    @property
    def batch_size(self) -> int | None:
        return None if self.batch == "full" else int(self.batch)


def spec(surface: str, steps: int) -> dict:
    """The reader of every key but surface and opt; ranges that depend on the surface included."""
    s = landscapes.get(surface)
    (x0, x1), (y0, y1) = s.bounds
    return {
        "lr": Number(1e-5, 10.0, log=True),
        "momentum": Number(0.0, 0.999),
        "beta1": Number(0.0, 0.999),
        "beta2": Number(0.0, 0.9999),
        "alpha": Number(0.0, 0.9999),
        "eps": Number(1e-12, 1.0, log=True),
        "wd": Number(0.0, 1.0),
        "bc": Flag(),
        "sched": Choice(tuple(schedules.names())),
        "step_size": Number(1, MAX_STEPS, whole=True),
        "gamma": Number(0.0, 1.0),
        "t_max": Number(2, MAX_STEPS, whole=True),
        "eta_min": Number(0.0, 10.0),
        "warmup": Number(1, MAX_STEPS - 1, whole=True),
        "steps": Number(1, MAX_STEPS, whole=True),
        "x0": Number(x0, x1),
        "y0": Number(y0, y1),
        "batch": Choice(("full", *map(str, range(1, s.n_samples + 1))),
                        f"full or a whole number from 1 to {s.n_samples}"),
        "noise": Number(0.0, 10.0),
        "seed": Number(0, 2**31 - 1, whole=True),
        "k": Number(0, steps, whole=True),
        "view3d": Flag(),
    }


def parse(query: Mapping) -> tuple[Settings, list[str]]:
    """Valid settings from any URL query, and a note for every value that had to be changed."""
    raw, notes = _single_values(query)

    def read(reader, key, default):
        value, note = reader.read(key, raw[key], default) if key in raw else (default, None)
        notes.extend([note] if note else [])
        return value

    surface = read(Choice(tuple(landscapes.names())), "surface", "ravine")
    opt = read(Choice(tuple(optim.names())), "opt", SURFACE_DEFAULTS[surface][0])
    values = defaults_for(surface, opt)
    values["sched"] = read(Choice(tuple(schedules.names())), "sched", "constant")
    values.update(schedule_defaults(values["sched"], values["steps"]))
    for key in _ordered(Settings(surface=surface, **values).relevant):
        if key in ("surface", "opt", "sched"):
            continue
        values[key] = read(spec(surface, values["steps"])[key], key, values[key])
        if key == "steps":  # what follows the run's length, unless the link says otherwise
            values.update(schedule_defaults(values["sched"], values["steps"]))
    settings, fixes = _consistent(Settings(surface=surface, **values))
    return settings, notes + fixes


def run(s: Settings):
    """The engine run these settings describe (one start)."""
    return optim.descend(landscapes.get(s.surface), optim.get(s.opt, **s.hyperparameters()), (s.x0, s.y0),
                         s.steps, schedule=s.schedule(), **s.gradient_source())


def to_query(s: Settings) -> dict[str, str]:
    """The URL keys of ``s`` that matter for its surface, optimizer and schedule."""
    out = {}
    for key in s.relevant:
        value = getattr(s, key)
        out[key] = value if isinstance(value, str) else fmt(value)
    return out


def defaults(surface: str = "ravine", opt: str | None = None) -> Settings:
    """The settings a page opens with for this surface (and optimizer: its best one if None)."""
    values = defaults_for(surface, opt)
    return Settings(surface=surface, **values, **schedule_defaults("constant", values["steps"]))


def schedule_defaults(sched: str, steps: int) -> dict:
    """Schedule parameters: the schedule's own defaults, with t_max spanning the run."""
    base = {"step_size": max(steps // 4, 1), "gamma": 0.5, "t_max": steps, "eta_min": 0.0,
            "warmup": max(steps // 10, 1)}
    if sched == "exponential":
        base["gamma"] = 0.99
    return base


def _single_values(query: Mapping) -> tuple[dict, list[str]]:
    raw, notes = {}, []
    known = {f.name for f in fields(Settings)}
    for key, value in query.items():
        if key in PAGE_KEYS:
            continue
        if key not in known:
            if len(notes) < 5:
                notes.append(f"{show(key)} is not a setting; ignored")
            continue
        if isinstance(value, (list, tuple)):
            if len(value) > 1:
                notes.append(f"{key} was given {len(value)} times; using the last, {show(value[-1])}")
            value = value[-1] if value else ""
        raw[key] = str(value)
    return raw, notes


def _ordered(keys):
    """steps first: k's range depends on it."""
    return sorted(keys, key=lambda k: k != "steps")


def _consistent(s: Settings) -> tuple[Settings, list[str]]:
    """Fix combinations that are each valid but not together."""
    notes = []
    if s.sched == "warmup_cosine" and s.t_max <= s.warmup:
        t_max = min(s.warmup + 1, MAX_STEPS)
        s, warmup = replace(s, t_max=t_max), min(s.warmup, t_max - 1)
        s = replace(s, warmup=warmup)
        notes.append(f"t_max must be larger than warmup; using t_max={s.t_max}, warmup={s.warmup}")
    if s.opt == "nesterov" and s.momentum == 0:
        s = replace(s, momentum=0.9)
        notes.append("Nesterov needs momentum above 0; using 0.9")
    return s, notes


__all__ = ["MAX_STEPS", "Settings", "defaults", "parse", "run", "spec", "to_query"]

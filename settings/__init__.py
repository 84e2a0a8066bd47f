"""URL ⇄ Settings for the descent page: parse, validate, clamp, and explain what was fixed.

``parse(query)`` takes any mapping of strings (or lists of strings, for repeated keys) and always
returns a valid :class:`Settings` plus plain-text notes; ``to_query(s)`` writes the keys back. Keys:

    surface, opt, lr, the optimizer's own knobs (each rule declares them: momentum, beta1, beta2,
    alpha, eps, wd, bc, …), sched and its parameters (step_size, gamma, t_max, eta_min, warmup),
    steps, x0, y0, batch (full, or 1…n on data surfaces), noise (σ on analytic surfaces), seed,
    k (the step being inspected, 0…steps), view3d (show the 3D view, 1/0)

Only the keys that matter for the chosen surface, optimizer and schedule are written; the others
read back as their defaults, so ``parse(to_query(s))`` gives ``s`` back for every normalized ``s``.
A schedule's length parameters (step_size, t_max, warmup) follow the number of steps unless a link
or a widget sets them: then they are written, and stay. Its other parameters are always written.

Every table here is derived from ``optim`` and ``landscapes``: no optimizer or surface is named.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import landscapes
import optim
from landscapes.formula import formula
from optim import schedules
from settings.readers import Choice, Flag, Formula, Number, View, fmt, show

CUSTOM = "custom"  # the surface a typed formula (key f) describes, over the view (key view)
DEFAULT_FORMULA = "sin(x)*cos(y) + 0.1*(x^2 + y^2)"
DEFAULT_VIEW = ((-3.0, 3.0), (-3.0, 3.0))
LR_RANGE = (1e-5, 10.0)  # the learning rates a link, a box or a live slider may set
MAX_PAGE_STEPS = 1000  # a page's longest run; the engine allows far more (optim.MAX_ENGINE_STEPS)
PAGE_KEYS = ("hide", "present", "lesson")  # how a page is shown, not what it shows: read by the page-state flow
RUN_LENGTH = ("step_size", "t_max", "warmup")  # schedule parameters that follow the number of steps
BASE_KEYS = ("surface", "opt", "lr", "sched", "steps", "x0", "y0", "batch", "noise", "seed", "k", "view3d")


def surface_names() -> list[str]:
    """Every surface a page offers: the declared ones, then a typed formula."""
    return [*landscapes.names(), CUSTOM]


def surface_of(name: str, f: str = "", view: tuple = DEFAULT_VIEW):
    """The Surface a page draws: a declared one, or the formula ``f`` over ``view`` (cached)."""
    return formula(f, bounds=view) if name == CUSTOM else landscapes.get(name)


def knob_keys(opt: str) -> tuple[str, ...]:
    """The URL keys of the optimizer's own knobs (besides lr), in its declared order."""
    return tuple(knob.key for knob in optim.rule(opt).knobs)


def all_knob_keys() -> tuple[str, ...]:
    return tuple(dict.fromkeys(key for name in optim.names() for key in knob_keys(name)))


def schedule_keys(sched: str) -> tuple[str, ...]:
    return tuple(schedules.parameters(sched))


def all_schedule_keys() -> tuple[str, ...]:
    return tuple(dict.fromkeys(key for name in schedules.names() for key in schedule_keys(name)))


@dataclass(frozen=True)
class Settings:
    """One picture: the run (surface, optimizer and knobs, schedule, start, gradient source) and
    how it is viewed (``k``, the inspected step; ``view3d``). Knob values are read as attributes
    (``s.momentum``), as are the schedule's parameters, explicit or following the steps (``s.t_max``)."""

    surface: str
    opt: str
    lr: float
    knobs: tuple  # ((key, value), …) in the rule's order
    sched: str
    sched_set: tuple  # ((key, value), …): the schedule's parameters but the length ones that follow the steps
    steps: int
    x0: float
    y0: float
    batch: str
    noise: float
    seed: int
    k: int
    view3d: bool
    f: str = ""  # the formula, on the custom surface
    view: tuple = DEFAULT_VIEW  # its bounds ((x0, x1), (y0, y1)), on the custom surface

    @property
    def landscape(self):
        """The Surface these settings run on."""
        return surface_of(self.surface, self.f, self.view)

    def __getattr__(self, name):
        if name.startswith("_") or name in ("knobs", "sched_set", "f", "view"):
            raise AttributeError(name)
        values = {**dict(self.knobs), **self.schedule_parameters()}
        if name in values:
            return values[name]
        raise AttributeError(f"{type(self).__name__} has no setting {name!r} for {self.opt} and {self.sched}")

    @property
    def relevant(self) -> tuple[str, ...]:
        """The URL keys that describe this picture."""
        data = self.landscape.is_data
        custom = ("f", "view") if self.surface == CUSTOM else ()
        return ("surface", *custom, "opt", "lr", *knob_keys(self.opt), "sched", *dict(self.sched_set), "steps", "x0", "y0",
                "batch" if data else "noise", "seed", "k", "view3d")

    @property
    def run_settings(self) -> Settings:
        """These settings without the view (inspected step, 3D switch): what the engine run depends on."""
        return replace(self, k=0, view3d=True)

    def schedule_parameters(self) -> dict:
        """Every parameter of the schedule: the explicit ones, the rest at their defaults."""
        return {**schedule_defaults(self.sched, self.steps), **dict(self.sched_set)}

    def learning_rate(self):
        """The rule's ``lr``: a number, or the schedule starting from it."""
        if self.sched == "constant":
            return self.lr
        return schedules.get(self.sched, lr=self.lr, **self.schedule_parameters())

    def rule(self) -> optim.Rule:
        return optim.rule(self.opt).from_knobs(self.learning_rate(), dict(self.knobs))

    def hyperparameters(self) -> dict:
        """The optimizer's keyword arguments (torch's names), ``lr`` a number or a schedule."""
        return self.rule().hyperparameters()

    def gradient_source(self) -> dict:
        """``descend``'s keywords for where gradients come from: mini-batches or noise, and the seed."""
        data = self.landscape.is_data
        return {"batch_size": self.batch_size if data else None, "noise": 0.0 if data else self.noise,
                "seed": self.seed}

    @property
    def batch_size(self) -> int | None:
        return None if self.batch == "full" else int(self.batch)


def schedule_defaults(sched: str, steps: int) -> dict:
    """A schedule's parameters by default: its own, with the length ones spanning the run."""
    base = dict(schedules.parameters(sched))
    warmup = max(steps // 10, 1)
    follow = {"step_size": max(steps // 4, 1), "t_max": max(steps, warmup + 1, 2), "warmup": warmup}
    base.update({key: value for key, value in follow.items() if key in base})
    if "gamma" in base and sched == "step":
        base["gamma"] = 0.5  # halve four times over the run: visible, not abrupt
    return base


def knob_reader(knob: optim.Knob):
    return Flag() if knob.widget == "toggle" else Number(knob.low, knob.high, log=knob.log)


def readers_for(surface, steps: int) -> dict:
    """The reader of every key but surface, opt and the knobs; ranges that depend on the surface (a
    name or a Surface) included."""
    s = landscapes.get(surface) if isinstance(surface, str) else surface
    (x0, x1), (y0, y1) = s.bounds
    return {
        "lr": Number(*LR_RANGE, log=True),
        "sched": Choice(tuple(schedules.names())),
        "step_size": Number(1, MAX_PAGE_STEPS, whole=True),
        "gamma": Number(0.0, 1.0),
        "t_max": Number(2, MAX_PAGE_STEPS, whole=True),
        "eta_min": Number(0.0, 10.0),
        "warmup": Number(1, MAX_PAGE_STEPS - 1, whole=True),
        "steps": Number(1, MAX_PAGE_STEPS, whole=True),
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
    raw, notes = single_values(query, {*BASE_KEYS, "f", "view", *all_knob_keys(), *all_schedule_keys()})

    def read(reader, key, default):
        value, note = reader.read(key, raw[key], default) if key in raw else (default, None)
        notes.extend([note] if note else [])
        return value

    surface = read(Choice(tuple(surface_names())), "surface", landscapes.DEFAULT)
    f, view = DEFAULT_FORMULA, DEFAULT_VIEW
    if surface == CUSTOM:
        view = read(View(), "view", DEFAULT_VIEW)
        f = read(Formula(view), "f", DEFAULT_FORMULA)
    where = surface_of(surface, f, view)
    opt = read(Choice(tuple(optim.names())), "opt", where.defaults.opt)
    d = defaults(surface, opt, f, view)
    steps = read(readers_for(where, 1)["steps"], "steps", d.steps)
    spec = readers_for(where, steps)
    source = "batch" if where.is_data else "noise"
    values = {key: read(spec[key], key, getattr(d, key)) for key in ("lr", "sched", "x0", "y0", source, "seed", "k",
                                                                    "view3d")}
    knobs = tuple((knob.key, read(knob_reader(knob), knob.key, value))
                  for knob, (_, value) in zip(optim.rule(opt).knobs, d.knobs, strict=True))
    fallback = schedule_defaults(values["sched"], steps)
    sched_set = tuple((key, read(spec[key], key, fallback[key])) for key in schedule_keys(values["sched"])
                      if key in raw or key not in RUN_LENGTH)
    s = replace(d, **values, steps=steps, knobs=knobs, sched_set=sched_set)
    s, fixes = _consistent(s)
    return s, notes + fixes


def run(s: Settings):
    """The engine run these settings describe (one start)."""
    return optim.descend(s.landscape, s.rule(), (s.x0, s.y0), s.steps, **s.gradient_source())


def values(s: Settings) -> dict:
    """Every setting of ``s`` by URL key, as its control holds it (the schedule's parameters too,
    even those that follow the steps): what the pages seed their widgets with."""
    return {**{key: getattr(s, key) for key in BASE_KEYS}, "f": s.f, "view": View.text(s.view), **dict(s.knobs),
            **s.schedule_parameters()}


def to_query(s: Settings) -> dict[str, str]:
    """The URL keys of ``s`` that matter for its surface, optimizer and schedule."""
    typed = values(s)
    return {key: _text(typed[key]) for key in s.relevant}


def _text(value) -> str:
    return value if isinstance(value, str) else fmt(value)


def defaults(surface: str | None = None, opt: str | None = None, f: str = DEFAULT_FORMULA,
             view: tuple = DEFAULT_VIEW) -> Settings:
    """The settings a page opens with for this surface (and optimizer: the surface's own if None)."""
    surface = surface or landscapes.DEFAULT
    s = surface_of(surface, f, view)
    opt = opt or s.defaults.opt
    rule = optim.rule(opt)
    return Settings(
        surface=surface, opt=opt, lr=s.defaults.lr_for(*rule.lr_family),
        knobs=tuple((knob.key, knob.default) for knob in rule.knobs),
        sched="constant", sched_set=(), steps=s.defaults.steps,
        x0=float(s.start[0]), y0=float(s.start[1]), batch="full", noise=0.0, seed=0,
        k=0,  # the first update: its arrows and numbers teach the most
        view3d=True,
        **({"f": f, "view": view} if surface == CUSTOM else {}),
    )


def single_values(query: Mapping, known, where: str = "") -> tuple[dict, list[str]]:
    """One text per ``known`` key (the last of a repeated one), and notes on what was left out;
    ``where`` qualifies the note on an unknown key (" of this page")."""
    raw, notes = {}, []
    for key, value in query.items():
        if key in PAGE_KEYS:
            continue
        if key not in known:
            if len(notes) < 5:
                notes.append(f"{show(key)} is not a setting{where}; ignored")
            continue
        if isinstance(value, (list, tuple)):
            if len(value) > 1:
                notes.append(f"{key} was given {len(value)} times; using the last, {show(value[-1])}")
            value = value[-1] if value else ""
        raw[key] = str(value)
    return raw, notes


def _consistent(s: Settings) -> tuple[Settings, list[str]]:
    """Fix combinations that are each valid but not together."""
    params = s.schedule_parameters()
    if s.sched != "warmup_cosine" or params["t_max"] > params["warmup"]:
        return s, []
    t_max = min(params["warmup"] + 1, MAX_PAGE_STEPS)
    warmup = min(params["warmup"], t_max - 1)
    fixed = {**dict(s.sched_set), "t_max": t_max, "warmup": warmup}
    s = replace(s, sched_set=tuple((key, fixed[key]) for key in schedule_keys(s.sched) if key in fixed))
    return s, [f"t_max must be larger than warmup; using t_max={t_max}, warmup={warmup}"]


__all__ = ["MAX_PAGE_STEPS", "Settings", "defaults", "knob_keys", "parse", "readers_for", "run", "schedule_keys",
           "to_query"]

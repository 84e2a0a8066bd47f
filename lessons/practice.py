"""Practice: exercises as data (exercises.toml) whose numbers come from a seed and whose answers the
engine computes. ``instance(exercise_id, seed)`` gives one exercise with its numbers filled in."""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np

import landscapes
import lessons
import optim
import settings
from landscapes.refine import hessian
from lessons.exercises import EXERCISES as EXERCISES  # the catalogue, read through this module too
from lessons.exercises import Exercise, get
from lessons.exercises import ids as ids


@dataclass(frozen=True)
class Instance:
    """One exercise with its numbers: what the page shows and how an answer is checked."""

    exercise: Exercise
    seed: int
    values: dict  # the drawn numbers and what the solver adds (for prompt, explanation and link)
    answer: float | int  # a number, or the index of the right choice in ``choices`` (shown order)
    choices: tuple = ()
    figure: dict | None = None  # data for the figure: {"losses": …} or {"surface", "point"}

    @property
    def prompt(self) -> str:
        return self.exercise.prompt.format(**self.values)

    @property
    def explanation(self) -> str:
        return self.exercise.explanation.format(**self.values, answer=self.shown_answer)

    @property
    def hint(self) -> str:
        return self.exercise.hint.format(**self.values)

    @property
    def shown_answer(self) -> str:
        return self.choices[self.answer] if self.exercise.kind == "choice" else number(self.answer)

    @property
    def tolerance(self) -> float:
        """The absolute tolerance a numeric answer is checked with."""
        ex = self.exercise
        if ex.tolerance_rel is not None:
            return ex.tolerance_rel * abs(float(self.answer))
        return float(ex.tolerance or 0.0)

    @property
    def tolerance_text(self) -> str:
        """How close a numeric answer must be, in words (without giving the answer away)."""
        ex = self.exercise
        if ex.tolerance_rel is not None:
            return f"within {number(ex.tolerance_rel * 100)} % of the engine's value"
        return "exactly (a whole number)" if not ex.tolerance else f"within ±{number(ex.tolerance)} of the engine's value"

    def check(self, given) -> bool:
        if self.exercise.kind == "choice":
            return given == self.answer
        try:
            value = float(given)
        except (TypeError, ValueError):
            return False
        return bool(np.isfinite(value)) and abs(value - float(self.answer)) <= self.tolerance + 1e-12

    def link(self) -> tuple[str, dict[str, str]]:
        """The page (``descent`` or ``race``) and query of the picture that shows the idea."""
        spec = self.exercise.link
        if "lesson" in spec:
            preset = lessons.get(spec["lesson"].format(**self.values))
            return preset.page, preset.full_query()
        query = {key: str(value).format(**self.values) for key, value in spec["query"].items()}
        return spec["page"], settings.to_query(settings.parse(query)[0])


def number(value) -> str:
    """A number as a learner reads it: whole numbers in full (10000, not 1e+04), others to 4 significant
    digits, never in e-notation (0.0001234, not 1.234e-04)."""
    value = float(value) + 0.0  # no "-0"
    if not np.isfinite(value):
        return str(value)
    if value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return np.format_float_positional(value, precision=4, unique=True, fractional=False, trim="-")


def instance(exercise_id: str, seed: int) -> Instance:
    """The exercise with numbers drawn from ``seed`` (the same seed, the same numbers)."""
    ex = get(exercise_id)
    rng = np.random.default_rng([seed, zlib.crc32(ex.id.encode())])
    values = {name: _draw(rng, *bounds) for name, bounds in ex.params.items()}
    answer, extra = SOLVERS[ex.solver](**values)
    values = {**{k: number(v) for k, v in values.items()}, **extra.pop("text", {})}
    figure = extra.pop("figure", None)
    if ex.kind != "choice":
        return Instance(ex, seed, values, answer, figure=figure)
    order = rng.permutation(len(ex.choices))
    choices = tuple(ex.choices[i] for i in order)
    return Instance(ex, seed, values, int(np.flatnonzero(order == answer)[0]), choices, figure)


def _draw(rng, low, high, step):
    count = round((high - low) / step) + 1
    value = low + step * int(rng.integers(count))
    return int(value) if float(step).is_integer() and float(low).is_integer() else round(float(value), 10)


# ---- solvers: each computes its answer with the engine ------------------------------------------

def _steps(rule, gradient: float, updates: int, start: float = 0.0):
    """One coordinate under ``rule`` with the same gradient at every update: the points and last state."""
    p = np.array([start])
    state = rule.init(p)
    points = [p]
    for t in range(1, updates + 1):
        p, state = rule.update(p, np.array([gradient]), state, rule.lr, t)
        points.append(p)
    return np.array(points)[:, 0], state


def sgd_update(w, g, lr):
    new, _ = optim.get("sgd", lr=lr).update(np.array([w]), np.array([g]), {}, lr, 1)
    return float(new[0]), {}


def _momentum_buffers(beta, updates):
    rule = optim.get("momentum", lr=0.0, momentum=beta)  # lr 0: only the buffer moves
    p, state, out = np.zeros(1), rule.init(np.zeros(1)), []
    for t in range(1, updates + 1):
        p, state = rule.update(p, np.ones(1), state, 0.0, t)
        out.append(float(state["velocity"][0]))
    return np.array(out)


def momentum_limit(beta):
    return float(_momentum_buffers(beta, 5000)[-1]), {}


def momentum_steps_to_ten_percent(beta):
    buffers = _momentum_buffers(beta, 5000)
    return int(np.flatnonzero(buffers >= 0.9 * buffers[-1])[0]) + 1, {}


def adam_first_step(theta, g, lr):
    points, _ = _steps(optim.get("adam", lr=lr), g, 1, start=theta)
    return float(points[1]), {}


def adam_step_without_correction(lr, g):
    points, _ = _steps(optim.get("adam", lr=lr, bias_correction=False), g, 1)
    return float(points[0] - points[1]), {}


def largest_stable_lr(a, b):
    curvature = 2 * max(a, b)  # f = a x² + b y²: the Hessian is diag(2a, 2b)
    return float(optim.get("sgd", lr=0.1).stable_lr(curvature)), {}


REGIMES = ("lr-too-small", "lr-just-right", "lr-too-large")


def regime(case):
    preset = lessons.get(REGIMES[case])
    s = settings.parse(preset.full_query())[0]
    traj = settings.run(s)
    losses = traj.losses
    if traj.diverged_at >= 0:
        answer = 2
        why = f"each step overshot further than the last and the run left the surface at step {traj.diverged_at}."
    elif losses[-1] > 0.25 * losses[0]:
        answer = 0
        why = f"after {s.steps} steps the loss is still {number(losses[-1] / losses[0] * 100)} % of where it started."
    else:
        answer = 1
        why = f"the loss falls by a constant factor every step, to {number(losses[-1])} after {s.steps} steps."
    return answer, {"text": {"lr": number(s.lr), "why": why, "lesson": preset.id}, "figure": {"losses": losses}}


METHODS = ("full-batch", "SGD (one sample per step)", "mini-batch")


def cost_per_step(n, d, b, which):
    counts = (n * d, d, b * d)
    formulas = (f"n·d = {n}·{d}", f"d = {d}", f"b·d = {b}·{d}")
    method = METHODS[which] + (f" (b = {b})" if which == 2 else "")
    batch = ("full", "1", str(b))[which]
    return counts[which], {"text": {"method": method, "method_short": method.capitalize(),
                                    "formula": formulas[which], "batch": batch}}


POINTS = (("saddle", (0.0, 0.0)), ("terrain", 0), ("tiny_net", (0.0, 0.0)), ("himmelblau", 0), ("terrain", 1))


def saddle_or_minimum(case):
    name, where = POINTS[case]
    surface = landscapes.get(name)
    point = surface.minima[where] if isinstance(where, int) else np.array(where)
    eigenvalues = np.linalg.eigvalsh(hessian(surface.grad, point, 1e-5))
    minimum = bool(np.all(eigenvalues > 0))
    why = ("both are positive, so the loss curves up in every direction: a minimum." if minimum else
           "one is negative, so the loss curves down along that direction: a saddle point, where plain descent "
           "can stall.")
    (x0, x1), (y0, y1) = surface.bounds
    start = np.clip(point + 0.15 * np.array([x1 - x0, y1 - y0]) * np.array([1, -0.5]), (x0, y0), (x1, y1))
    text = {"surface": surface.title, "surface_name": name, "eigenvalues": ", ".join(number(e) for e in eigenvalues),
            "why": why, "x0": number(start[0]), "y0": number(start[1])}
    return (0 if minimum else 1), {"text": text, "figure": {"surface": name, "point": point}}


QUANTITIES = ("w after the first update", "b after the first update",
              "the loss printed for epoch 0 (computed at w = b = 0, before that update)")


def line_fit_first_epoch(which):
    surface = landscapes.get("linear_regression")
    traj = optim.descend(surface, optim.get("sgd", lr=0.01), (0.0, 0.0), 1)
    values = (traj.points[1, 0], traj.points[1, 1], traj.losses[0])
    return float(values[which]), {"text": {"quantity": QUANTITIES[which]}}


def adagrad_step(lr, g, t):
    points, _ = _steps(optim.get("adagrad", lr=lr), g, t)
    return float(points[t - 1] - points[t]), {}


def rmsprop_step(lr, g):
    points, _ = _steps(optim.get("rmsprop", lr=lr), g, 2000)
    return float(points[-2] - points[-1]), {}


def concept():
    return 0, {}  # the data lists the right choice first; the page shows them shuffled


SOLVERS = {f.__name__: f for f in (sgd_update, momentum_limit, momentum_steps_to_ten_percent, adam_first_step,
                                   adam_step_without_correction, largest_stable_lr, regime, cost_per_step,
                                   saddle_or_minimum, line_fit_first_epoch, adagrad_step, rmsprop_step, concept)}

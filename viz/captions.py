"""Plain sentences about a run, from its numbers (no Streamlit): what a banner or caption says."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import landscapes
from optim.summary import left_view_at, view_words


def divergence_reason(surface, rule, lr: float, step: int, left_view: int | None = None) -> str:
    """Why a run left the surface, and what to try instead. On a quadratic, the rule's own stability
    limit (``Rule.stable_lr``) against the surface's largest curvature L. ``left_view``: the first step
    outside the view (``optim.summary.left_view_at``), said too: a run leaves the picture first."""
    lead = f"The run diverged at step {step}: it left the surface."
    if left_view is not None:
        lead = f"The run diverged at step {step}: it {view_words(left_view, step)}."
    curvature = surface.lipschitz
    limit = rule.stable_lr(curvature) if curvature else None
    if limit is None:
        return f"{lead} Each step overshot and the next gradient was larger still. Try a smaller learning rate."
    if lr > limit:
        return (f"{lead} On this quadratic, {rule.title.lower()} is stable only for "
                f"lr < {rule.stable_lr_formula} = {limit:.4g} (L = {curvature:.4g}, the largest curvature), "
                f"and lr = {lr:.4g}. Try lr below {limit:.4g}.")
    return (f"{lead} lr = {lr:.4g} is below this quadratic's stability limit {limit:.4g} "
            f"(L = {curvature:.4g}), so something else pushed it off: lower the learning rate or the other knobs.")


def view_note(surface, traj) -> str | None:
    """For a one-start run that leaves the view without leaving the surface: when, and where it ends
    ("The path left the view at step 12 and ends outside it, at (1.571, −3.142)."); None otherwise."""
    left = int(left_view_at(traj.points, surface.bounds))
    if left < 0 or int(np.max(traj.diverged_at)) >= 0:
        return None
    end = np.asarray(traj.points)[-1]
    back = int(left_view_at(end[None], surface.bounds)) < 0
    where = "is back inside it at the end" if back else f"ends outside it, at ({_num(end[0], 4)}, {_num(end[1], 4)})"
    return f"The path {view_words(left, -1)} and {where}."


# ---- curvature: why a step grows or shrinks, at any point of any surface -----------------------

@dataclass(frozen=True)
class StepCurvature:
    """How the surface bends where step ``step`` starts, against the update that leaves it.

    Plain descent multiplies the offset along an eigen-direction of curvature λ by (1 − ηλ) each
    step: it shrinks while ηλ < 2 and grows past 2. ``limit`` is that bound for the rule (its
    ``stable_lr`` times the curvature: 2, 2(1 + μ), …), None for a rule that rescales its steps.
    """

    step: int
    values: np.ndarray  # the Hessian's eigenvalues, ascending (2,)
    vectors: np.ndarray  # their unit directions, as columns (2, 2)
    lr: float  # η of the update leaving ``step``
    decay: float  # coupled weight decay, which adds to every curvature the rule sees
    limit: float | None

    @property
    def steepest(self) -> float:
        """λ_max as the rule sees it (with weight decay)."""
        return float(self.values[-1]) + self.decay

    @property
    def product(self) -> float:
        """η·λ_max."""
        return self.lr * self.steepest

    @property
    def unstable(self) -> bool:
        return self.limit is not None and self.steepest > 0 and self.product > self.limit and not self.at_limit

    @property
    def at_limit(self) -> bool:
        """η·λ_max is the limit itself (up to rounding): the step neither shrinks nor grows."""
        return self.limit is not None and self.steepest > 0 and _equal(self.product, self.limit)


def step_curvature(surface, rule, traj, k: int) -> StepCurvature | None:
    """The curvature at ``traj.points[k]`` (a one-start run) and the learning rate of the update
    leaving it (the last update's, at the end); None where the point has left or bends unknowably."""
    lrs = np.ravel(traj.lrs)
    if not 0 <= k < len(traj.points) or lrs.size == 0 or surface.hessian is None:
        return None
    values, vectors = landscapes.curvature(surface, traj.points[k])
    if not np.isfinite(values).all():
        return None
    lr = float(lrs[min(k, lrs.size - 1)])
    unit = rule.stable_lr(1.0)  # every rule's limit is (its number)/curvature: this is the number
    decay = float(np.max(getattr(rule, "weight_decay", 0.0))) if unit is not None else 0.0  # coupled in those
    return StepCurvature(k, values, vectors, lr, decay, None if unit is None else float(unit))


def explained_step(traj, k: int) -> int | None:
    """The step whose curvature explains what the page shows at ``k``: ``k`` itself, or, once the
    run has left the surface, the last step before it left (None if it left at once)."""
    left = int(np.max(traj.diverged_at))
    if left < 0 or k < left:
        return k
    return left - 1 if left >= 1 else None


def curvature_sentence(c: StepCurvature, rule, diverged: bool) -> str:
    """One plain sentence: λ_max at the step, η·λ_max against the rule's limit, what follows."""
    lead = f"At step {c.step} the steepest curvature is λ_max = {_num(c.steepest)}"
    if c.decay:
        lead += f" ({_num(c.values[-1])} from the surface + {_num(c.decay)} weight decay)"
    if c.steepest <= 0:
        return (f"At step {c.step} the surface curves down in every direction (λ_max = {_num(c.steepest)}): "
                "no step-size limit here, the surface curves down and each step slides further downhill"
                + (", which is how the run left the surface." if diverged else "."))
    if c.limit is None:
        return (f"{lead} and η·λ_max = {_num(c.product)}, but {rule.title} rescales each step by the size of "
                "recent gradients, so plain descent's limit η·λ_max < 2 does not apply directly"
                + (": its steps stayed about η long where the surface bends sharply; try a smaller η."
                   if diverged else ".") + _down(c))
    bound = "" if abs(c.limit - 2) < 1e-12 else f", {rule.title}'s limit (η < {rule.stable_lr_formula})"
    if c.at_limit:
        head = f"{lead}; η·λ_max = {_num(c.limit)}, exactly " + (
            "the limit" if not bound else f"{rule.title}'s limit (η = {rule.stable_lr_formula})")
        tail = (": along that direction each step overshoots the valley floor by exactly as far as it started "
                "from it, so the path oscillates, bouncing between the walls forever, never closer and never "
                "further" if c.limit == 2 else ": along that direction each step neither shrinks nor grows, so "
                "the path oscillates forever, never closer and never further")
        return f"{head}{tail}." + _down(c) + (" So this step does not explain the divergence: other steps do."
                                             if diverged else "")
    product, limit = _pair(c.product, c.limit)
    head = f"{lead}; η·λ_max = {product}"
    if c.unstable:
        tail = ", which is why the run diverged." if diverged else " while the path stays where it bends this sharply."
        return f"{head} > {limit}{bound}: each step overshoots along that direction and grows{tail}" + _down(c)
    if c.limit == 2:
        how = ("lands exactly on the valley floor" if _equal(c.product, 1)
               else "overshoots the valley floor, but less each time" if c.product > 1
               else "falls short of the valley floor")
        product = "1" if _equal(c.product, 1) else _apart(c.product, 1, c.limit)  # 1.0000001 is not "1"
        head = f"{lead}; η·λ_max = {product}"
    else:
        how = "shrinks"
    tail = (" So this step does not explain the divergence: other steps do (steeper ground, or speed carried "
            "from earlier steps)." if diverged else "")
    return f"{head} < {limit}{bound}: along that direction each step {how}, so it is stable here." + _down(c) + tail


BOUNDARY = 1e-9  # relative: an η·λ_max this close to 1 or to the limit is on it (η × λ rounds: 0.05 × 20)


def _equal(a: float, b: float) -> bool:
    return abs(a - b) <= BOUNDARY * abs(b)


def _apart(value: float, *boundaries: float) -> str:
    """``value`` with just enough digits (at least 3) that it reads as none of ``boundaries``."""
    for digits in range(3, 18):
        text = _num(value, digits)
        if all(text != _num(b, digits) for b in boundaries):
            break
    return text


def _down(c: StepCurvature) -> str:
    """On a saddle: the direction that curves down, where no step size keeps the path."""
    low = float(c.values[0]) + c.decay
    if low >= 0 or c.steepest <= 0:
        return ""
    x, y = c.vectors[:, 0] * (1 if (c.vectors[0, 0], c.vectors[1, 0]) >= (0, 0) else -1)  # either sign: x ≥ 0
    return (f" Along ({_num(x, 2)}, {_num(y, 2)}) it curves down "
            f"(λ_min = {_num(low)}): the path is pushed away there whatever the step size.")


def _num(x: float, digits: int = 3) -> str:
    x = float(x) + 0.0  # no "-0"
    return (f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.{digits}g}").replace("-", "−")


def _pair(a: float, b: float) -> tuple[str, str]:
    """``a`` and ``b`` written with just enough digits that they read as different numbers."""
    for digits in range(3, 18):
        left, right = _num(a, digits), _num(b, digits)
        if left != right:
            break
    return left, right


def curvature_note(surface, rule, traj, k: int) -> str | None:
    """The page's sentence for step ``k`` of a one-start run (past a divergence: the last step
    before it left), or None where there is nothing to measure."""
    step = explained_step(traj, k)
    c = None if step is None else step_curvature(surface, rule, traj, step)
    return None if c is None else curvature_sentence(c, rule, int(np.max(traj.diverged_at)) >= 0)

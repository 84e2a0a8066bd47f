"""The declaration every loss surface is: a loss, its analytic gradient and Hessian, and what a page needs to show it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Defaults:
    """What a page opens this surface with, chosen so the first picture already shows something.

    Two learning rates: one for rules whose step scales with the gradient (set against the
    surface's curvature), one for adaptive rules (whose steps are about lr long whatever the
    gradient). A rule scales them by its own factor (``Rule.lr_family``).
    """

    opt: str  # the optimizer that shows the surface's idea best
    steps: int
    lr: float
    adaptive_lr: float

    def lr_for(self, family: str, factor: float = 1.0) -> float:
        base = self.adaptive_lr if family == "adaptive" else self.lr
        return float(f"{base * factor:.3g}")


@dataclass(frozen=True)
class Surface:
    """A 2D loss surface.

    ``loss`` maps points of shape ``(..., 2)`` to ``(...)``; ``grad`` maps them to ``(..., 2)``;
    ``hessian`` maps them to symmetric ``(..., 2, 2)``.
    Data surfaces (``n_samples > 0``) also accept ``idx``, an integer array of sample indices:
    ``loss(p, idx)`` and ``grad(p, idx)`` are then the mean over those samples only.
    """

    name: str  # URL key, e.g. "rosenbrock"
    title: str  # "Rosenbrock's valley"
    formula: str  # LaTeX, shown on the page
    description: str  # the one idea it teaches
    bounds: tuple  # ((xmin, xmax), (ymin, ymax)) of the default view
    minima: np.ndarray  # (k, 2), global first; shape (0, 2) where there is none
    start: tuple  # a start that shows something
    loss: Callable
    grad: Callable
    log_color: bool = False  # colour the contour on a log scale (range spans decades)
    n_samples: int = 0  # > 0 on data surfaces: loss/grad accept idx
    lipschitz: float | None = None  # largest Hessian eigenvalue L, for quadratics (lr > 2/L diverges)
    kind: str = "analytic"  # "teaching", "classic", "data" or "custom": how the page groups it
    # optional (p, out=None) -> (loss, grad) sharing work; with out = (loss, grad, scratch) arrays it
    # writes into them and allocates nothing. The engine prefers it on full-batch steps.
    loss_and_grad: Callable | None = None
    defaults: Defaults = Defaults("sgd", 100, 0.01, 0.05)
    labels: tuple[str, str] = ("x", "y")  # the axes: parameters are (w, b) on a line fit
    strong_convexity: float | None = None  # smallest Hessian eigenvalue μ, for quadratics
    hessian: Callable | None = None  # (..., 2) -> (..., 2, 2), analytic; every registered surface has one
    gradient_formula: str | None = None  # LaTeX of the gradient, where it is derived symbolically
    model: object | None = None  # on data surfaces: the data and the model fitted (landscapes.data.Model)
    # the loss as Python, for code a learner runs: an expression in x, y (the parameters), ``m`` the
    # array module (torch or numpy) and ``math``; data surfaces also use X, Y (the samples)
    code: str = ""
    grad_code: tuple[str, str] = ()  # the gradient as code, like ``code``: (∂f/∂x, ∂f/∂y), for NumPy scripts
    samples_code: str = ""  # data surfaces: NumPy lines that define X and Y as the loss sees them

    @property
    def is_data(self) -> bool:
        return self.n_samples > 0


def pack(p: np.ndarray, dx: np.ndarray, dy: np.ndarray) -> np.ndarray:
    """Stack the two partial derivatives into an array laid out like ``p``.

    ``np.empty_like`` keeps ``p``'s memory order, so when the engine passes a transposed view of a
    ``(2, N)`` buffer, the gradient comes back with x and y contiguous too (about 2x faster later).
    """
    out = np.empty_like(p, dtype=np.result_type(p, dx, dy))
    out[..., 0] = dx
    out[..., 1] = dy
    return out


def pack_hessian(p: np.ndarray, hxx, hxy, hyy) -> np.ndarray:
    """The symmetric matrices ``[[hxx, hxy], [hxy, hyy]]`` at points ``p`` (..., 2): shape (..., 2, 2).

    Entries broadcast, so a quadratic passes its constants and still gets one matrix per point.
    """
    out = np.empty((*np.shape(p)[:-1], 2, 2), dtype=np.result_type(p, hxx, hxy, hyy))
    out[..., 0, 0] = hxx
    out[..., 0, 1] = out[..., 1, 0] = hxy
    out[..., 1, 1] = hyy
    return out

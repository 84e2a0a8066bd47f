"""A surface from a formula the user types, such as ``x^2 + 3*y^2``, read without ever evaluating the text.

The text arrives in a link (``?surface=custom&f=…``), so it is hostile input. It is never given to
``eval``, ``exec`` or SymPy's string parsers. Instead:

1. (landscapes/formula_parse.py, in the page's process) The text is checked as text: at most
   ``MAX_LENGTH`` characters, one line, ASCII only (``×``, ``·`` and ``−`` are read as ``*``, ``*`` and
   ``-``; look-alikes such as Cyrillic ``х`` are refused by name), no ``!`` and no ``#``; ``^`` means power.
   ``ast.parse(text, mode="eval")`` turns it into a tree, walked with an allow-list before anything is
   built: numbers (finite, at most ``MAX_CONSTANT`` in size), the names ``x, y, pi, e``, ``+ - * / **``,
   unary ``-``/``+``, and calls of the functions in ``FUNCTIONS`` with one positional argument. At most
   ``MAX_NODES`` nodes, nested at most ``MAX_DEPTH`` deep. The checked tree's canonical key
   (``formula_parse.canonical``) keys the cache, so ``x/1`` finds the surface of ``x``.
2. (landscapes/formula_build.py, in a worker process ended after ``formula_worker.LIMIT`` seconds of CPU) A
   SymPy expression is built node by node from the checked tree; its size estimate is checked
   (``MAX_COST``); the gradient and Hessian come from ``sympy.diff`` and are recorded as tapes of NumPy
   operations (landscapes/formula_tape.py); the loss and gradient must evaluate on a ``GRID × GRID`` grid
   of the view within ``TIME_BUDGET`` seconds and be finite on at least half of it; the minima, a start
   and the defaults are read from the grid (landscapes/formula_view.py).
3. (here) The page's process makes the Surface from the worker's Recipe: plain data, no SymPy.

Quirks: SymPy simplifies as it builds (``sqrt(x^2)`` is ``|x|``, ``exp(log(x))`` is ``x``, defined for
x < 0 too); ``x^(1/3)`` is NaN for x < 0 (NumPy's power, not a real cube root); the gradient and Hessian
are NaN wherever the loss is, though SymPy's ``1/x`` for ``log(x)`` would be finite there. Texts with one
canonical key share one surface, shown as the first of them was typed (``x^2.0`` and ``x^2``).
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict

import numpy as np

from landscapes import formula_tape, formula_worker
from landscapes.formula_parse import (  # noqa: F401  (the limits, read by tests and pages here)
    DEFAULT_BOUNDS,
    FUNCTIONS,
    GRID,
    MAX_COST,
    MAX_DEPTH,
    MAX_LENGTH,
    MAX_NODES,
    NAMES,
    TIME_BUDGET,
    canonical,
    read,
)
from landscapes.surface import Surface

TREE_CACHE = 64  # surfaces (and refusals of the whole tree) kept by canonical key
_BY_TREE: OrderedDict = OrderedDict()
_BY_TREE_LOCK = threading.Lock()


def formula(text: str, bounds=DEFAULT_BOUNDS) -> Surface:
    """The surface ``f(x, y) = text`` over ``bounds`` ((xmin, xmax), (ymin, ymax)).

    Raises ``ValueError`` with a short message pointing at the problem when the text is not an allowed
    formula, or when the function is too costly or undefined over most of the view. Results (and
    refusals) are memoised on the text and on the checked tree, so a page may call this on every rerun.
    """
    if not isinstance(text, str):
        raise ValueError(f"the formula must be text, not {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise ValueError(f"formula too long ({len(text)} characters; max {MAX_LENGTH})")
    bounds = _clean_bounds(bounds)
    try:
        surface, error = _cached(text, bounds)
    except formula_worker.Busy as busy:  # not cached: the next try may find a free slot
        raise ValueError(str(busy)) from None
    if error:
        raise ValueError(error)
    return surface


def _clean_bounds(bounds) -> tuple:
    try:
        (x0, x1), (y0, y1) = ((float(a), float(b)) for a, b in bounds)
    except (TypeError, ValueError):
        raise ValueError("bounds must be ((xmin, xmax), (ymin, ymax))") from None
    if not all(np.isfinite([x0, x1, y0, y1])) or not (x0 < x1 and y0 < y1) or max(map(abs, (x0, x1, y0, y1))) > 1e6:
        raise ValueError(f"bounds must be finite, within ±1e6 and increasing, got {bounds!r}")
    return (x0, x1), (y0, y1)


@functools.lru_cache(maxsize=64)
def _cached(text: str, bounds: tuple) -> tuple[Surface | None, str | None]:
    try:
        with np.errstate(all="ignore"):
            _, tree = read(text)
    except ValueError as err:
        return None, str(err)
    except (RecursionError, MemoryError):
        return None, "formula nested too deeply"
    return _by_tree(canonical(tree), text, bounds)


def _by_tree(key: tuple, text: str, bounds: tuple) -> tuple[Surface | None, str | None]:
    """The surface of the canonical tree ``key`` (built from ``text``) over ``bounds``, from the cache or
    the worker. A refusal that points at a position in the text is kept for that text only."""
    with _BY_TREE_LOCK:
        if (key, bounds) in _BY_TREE:
            _BY_TREE.move_to_end((key, bounds))
            return _BY_TREE[(key, bounds)]
    try:
        found = _surface(formula_worker.build(text, bounds), bounds), None
    except formula_worker.Busy:
        raise
    except ValueError as err:
        found = None, str(err)
    if found[1] is None or "position" not in found[1]:
        with _BY_TREE_LOCK:
            _BY_TREE[(key, bounds)] = found
            while len(_BY_TREE) > TREE_CACHE:
                _BY_TREE.popitem(last=False)
    return found


def clear_caches() -> None:
    """Forget every surface and refusal (tests time the whole work with this)."""
    _cached.cache_clear()
    with _BY_TREE_LOCK:
        _BY_TREE.clear()


def _surface(recipe, bounds: tuple) -> Surface:
    loss, grad, hessian, loss_and_grad = formula_tape.functions(*recipe.tapes)
    minima = np.array(recipe.minima, dtype=float).reshape(-1, 2)
    minima.flags.writeable = False
    latex_gradient = (r"\nabla f(x, y) = \begin{pmatrix} " + recipe.latex[1] + r" \\ " + recipe.latex[2]
                      + r" \end{pmatrix}")
    count = {0: "no minimum", 1: "one minimum"}.get(len(minima), f"{len(minima)} minima")
    return Surface(
        name="custom", title="Your function", kind="custom",
        formula="f(x, y) = " + recipe.latex[0], gradient_formula=latex_gradient,
        description=f"Your formula, differentiated by SymPy; the view holds {count} (found on a grid, polished by "
        "Newton's method).",
        bounds=bounds, minima=minima, start=recipe.start, loss=loss, grad=grad, hessian=hessian,
        loss_and_grad=loss_and_grad, log_color=recipe.log_color, defaults=recipe.defaults, labels=("x", "y"),
        code=recipe.code[0], grad_code=tuple(recipe.code[1:]),
    )

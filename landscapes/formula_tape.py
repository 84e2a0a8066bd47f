"""A typed formula's trusted SymPy expressions as a tape of NumPy operations, and the surface's functions
run from it.

``sympy.lambdify`` prints an expression as Python source and executes it; on nested functions its
common-subexpression pass was slow (``sigmoid^15(x*y)``, issue 23). A tape is recorded in one walk over
the expression's distinct subexpressions (SymPy's equal subtrees are one key, so a subexpression shared
by the loss, the gradient and the Hessian is computed once), holds only names from ``_FUNCTIONS`` and
numbers, pickles (the formula's worker process sends it to the page's process), and runs as one NumPy
call per step, each intermediate array released after its last use. No text is executed anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MAX_STEPS = 20_000  # operations on a tape: past this the formula is refused as too costly to evaluate

_FUNCTIONS = {  # SymPy class name -> NumPy function
    "sin": np.sin, "cos": np.cos, "tan": np.tan, "exp": np.exp, "log": np.log, "Abs": np.abs, "sign": np.sign,
    "tanh": np.tanh, "sinh": np.sinh, "cosh": np.cosh, "atan": np.arctan, "asin": np.arcsin, "acos": np.arccos,
}


@dataclass(frozen=True)
class Tape:
    """``steps[i]`` computes value i from earlier values: ("x",), ("y",), ("c", number), ("+", i, j, …),
    ("*", i, j, …), ("^", i, j), ("sqrt", i), (function name, i); ``outputs`` are the values returned;
    ``release[i]`` the values no later step needs, dropped after step i."""

    steps: tuple
    outputs: tuple
    release: tuple

    def __call__(self, x, y) -> list:
        values: list = [None] * len(self.steps)
        for i, step in enumerate(self.steps):
            values[i] = _run(step, values, x, y)
            for j in self.release[i]:
                values[j] = None
        return [values[i] for i in self.outputs]


def _run(step, values, x, y):
    kind = step[0]
    if kind == "x":
        return x
    if kind == "y":
        return y
    if kind == "c":
        return step[1]
    if kind == "+":
        total = values[step[1]]
        for i in step[2:]:
            total = total + values[i]
        return total
    if kind == "*":
        product = values[step[1]]
        for i in step[2:]:
            product = product * values[i]
        return product
    if kind == "^":
        return values[step[1]] ** values[step[2]]
    if kind == "sqrt":
        return np.sqrt(values[step[1]])
    return _FUNCTIONS[kind](values[step[1]])


def record(sp, exprs, x, y) -> Tape:
    """The tape computing ``exprs`` (trusted SymPy expressions in the symbols ``x`` and ``y``); raises
    ``ValueError`` for a node it has no operation for, or past ``MAX_STEPS``."""
    steps: list = []
    index: dict = {}

    def add(step) -> int:
        if step not in index:
            if len(steps) >= MAX_STEPS:
                raise ValueError(f"the formula is too costly to evaluate (more than {MAX_STEPS} operations for its "
                                 "gradient and Hessian): try less nesting")
            index[step] = len(steps)
            steps.append(step)
        return index[step]

    memo: dict = {}

    def walk(e) -> int:
        if e in memo:
            return memo[e]
        if e in (x, y):
            out = add(("x",) if e == x else ("y",))
        elif not e.free_symbols:
            out = add(("c", _number(e)))
        elif e.is_Add or e.is_Mul:
            out = add(("+" if e.is_Add else "*", *(walk(a) for a in e.args)))
        elif e.is_Pow:
            base, exponent = e.args
            if exponent == sp.Rational(1, 2):
                out = add(("sqrt", walk(base)))
            elif exponent.free_symbols:
                out = add(("^", walk(base), walk(exponent)))
            else:
                power = int(exponent) if exponent.is_Integer else _number(exponent)
                out = add(("^", walk(base), add(("c", power))))
        elif type(e).__name__ in _FUNCTIONS and len(e.args) == 1:
            out = add((type(e).__name__, walk(e.args[0])))
        else:
            raise ValueError(f"could not make a surface of this formula (no operation for {type(e).__name__})")
        memo[e] = out
        return out

    outputs = tuple(walk(e) for e in exprs)
    return Tape(tuple(steps), outputs, _releases(steps, outputs))


def _number(e) -> float:
    value = complex(e)
    return value.real if value.imag == 0 else float("nan")


def _releases(steps, outputs) -> tuple:
    last = {}
    for i, step in enumerate(steps):
        if step[0] not in ("c", "x", "y"):
            for j in step[1:]:
                last[j] = i
    for j in outputs:
        last.pop(j, None)
    release: list[list[int]] = [[] for _ in steps]
    for j, i in last.items():
        release[i].append(j)
    return tuple(tuple(r) for r in release)


def functions(loss_tape: Tape, both_tape: Tape, hessian_tape: Tape):
    """loss, grad, hessian and loss_and_grad (the engine's ``out=`` protocol) on points (..., 2). A
    constant part (the gradient of x^2 + 3 along y) is broadcast to the batch shape; the gradient and
    Hessian are NaN wherever the loss is (log(x)'s slope 1/x means nothing at x < 0); no NumPy warning
    escapes. Points are evaluated as one flat batch: a lone point then follows the arrays' arithmetic,
    not NumPy scalars' (which round ``x**2`` differently in the last bit)."""

    def run(tape, p):
        p = np.asarray(p, dtype=float)
        flat = p.reshape(-1, 2)
        with np.errstate(all="ignore"):
            values = tape(flat[:, 0], flat[:, 1])
        return p.shape[:-1], [np.broadcast_to(v, flat.shape[:1]).reshape(p.shape[:-1]) for v in values]

    def loss(p):
        _, (f,) = run(loss_tape, p)
        return np.array(f, dtype=float)[()]

    def loss_and_grad(p, out=None):
        shape, (f, dx, dy) = run(both_tape, p)
        values, slopes = (np.empty(shape), np.empty((*shape, 2))) if out is None else out[:2]
        values[...], slopes[..., 0], slopes[..., 1] = f, dx, dy
        slopes[np.isnan(values)] = np.nan
        return (values[()] if out is None else values), slopes

    def grad(p):
        return loss_and_grad(p)[1]

    def hessian(p):
        shape, (f, hxx, hxy, hyy) = run(hessian_tape, p)
        out = np.empty((*shape, 2, 2))
        out[..., 0, 0], out[..., 0, 1], out[..., 1, 0], out[..., 1, 1] = hxx, hxy, hxy, hyy
        out[np.isnan(f)] = np.nan
        return out

    return loss, grad, hessian, loss_and_grad

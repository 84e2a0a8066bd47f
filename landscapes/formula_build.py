"""The SymPy side of a typed formula: its expression built from the checked tree, its derivatives, their
LaTeX and code, and their tapes. Run in the formula's worker process (landscapes/formula_worker.py) under a
hard time limit: SymPy's cost on some trees is exponential in their nesting.

The expression is built node by node from the checked tree with real symbols (so ``abs``'s derivative is
``sign``), with SymPy objects chosen here. Every constant part is also computed in float64 on the side,
so that ``9^9^9`` or ``1/0`` is refused before SymPy sees it. An exponent must be a constant with
``|exponent| <= MAX_EXPONENT``, or the base must be a positive constant (``2^x``, ``e^(-x^2)``). The
gradient and Hessian come from ``sympy.diff``; an estimate of their size is checked first (``MAX_COST``).
Printing (LaTeX, code) works on a copy with plain symbols made without evaluation: evaluating the
expression again with plain symbols (``xreplace``) doubled in cost per level of ``tanh^n(x)``, and the
LaTeX printer's questions to real symbols (``is_negative``) were slow already at ``sigmoid^6(x*y)``
(issue 23; measured figures belong in docs/benchmarks.md, not here).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

import numpy as np

from landscapes import formula_tape, formula_view, python_code
from landscapes.formula_parse import (
    _NUMPY_OPERATORS,
    FUNCTIONS,
    MAX_COST,
    MAX_EXPONENT,
    _Source,
    read,
)
from landscapes.surface import Defaults

# how many copies of its argument a function's derivative holds: sigmoid'(u) = e^-u / (1 + e^-u)^2
COPIES = {"sigmoid": 2}


@dataclass(frozen=True)
class Recipe:
    """Everything the page's process needs to make the Surface, all of it plain data that pickles."""

    tapes: tuple  # loss; loss and gradient; loss and Hessian (xx, xy, yy)
    latex: tuple  # f, ∂f/∂x, ∂f/∂y
    code: tuple  # f, ∂f/∂x, ∂f/∂y as Python over m (torch or numpy) and math
    minima: np.ndarray
    start: tuple
    defaults: Defaults
    log_color: bool
    count: int  # the tape's length: how many NumPy operations one loss-and-gradient costs


def recipe(text: str, bounds: tuple) -> Recipe:
    """The Recipe of the formula ``text`` over ``bounds``; raises ``ValueError`` saying why not."""
    import sympy as sp  # here: SymPy is slow to import, and loads only when a formula is built

    with np.errstate(all="ignore"):
        source, tree = read(text)
        x, y = sp.Symbol("x", real=True), sp.Symbol("y", real=True)
        expr, _, cost = _build(tree.body, source, sp, {"x": x, "y": y})
        if not expr.free_symbols:
            raise ValueError("the formula is a constant: it must depend on x or y")
        if cost[2] > MAX_COST:
            raise ValueError(f"formula too costly to differentiate (estimated {cost[2]} terms in its Hessian; "
                             f"max {MAX_COST}): try a shorter product or less nesting")
        expr = _floated(sp, expr)
        gradient = [_floated(sp, sp.diff(expr, v)) for v in (x, y)]
        second = [_floated(sp, sp.diff(gradient[i], v)) for i, v in ((0, x), (0, y), (1, y))]
        # the second derivative of abs (sign's derivative) is zero wherever it is defined
        second = [h.replace(sp.DiracDelta, lambda *_: sp.S.Zero) for h in second]
        if any(e.has(sp.zoo, sp.nan, sp.oo, -sp.oo, sp.I) for e in (expr, *gradient, *second)):
            raise ValueError("the formula is infinite or undefined everywhere (a division by zero?)")
        if any(e.has(sp.Derivative, sp.Subs, sp.DiracDelta) for e in (*gradient, *second)):
            raise ValueError("the formula could not be differentiated symbolically")
        tapes = tuple(formula_tape.record(sp, exprs, x, y) for exprs in ([expr], [expr, *gradient], [expr, *second]))
        loss, grad, hessian, _ = formula_tape.functions(*tapes)
        view = formula_view.View(bounds, loss, grad, hessian)
        minima = formula_view.minima(view)
        plain = _plain_copies(sp, (expr, *gradient), {x: sp.Symbol("x"), y: sp.Symbol("y")})
        return Recipe(tapes, tuple(sp.latex(e) for e in plain), tuple(_code(e) for e in plain), minima,
                      formula_view.start(view, minima), formula_view.defaults(view), view.log_color(),
                      len(tapes[1].steps))


def _plain_copies(sp, exprs, plain: dict) -> list:
    """``exprs`` with plain symbols for the real ones, rebuilt without evaluation (linear in the number of
    distinct subexpressions: nothing is simplified or asked again)."""
    memo: dict = {}

    def walk(e):
        if e not in memo:
            memo[e] = plain.get(e, e) if not e.args else e.func(*map(walk, e.args), evaluate=False)
        return memo[e]

    return [walk(e) for e in exprs]


def _code(expr) -> str:
    """The trusted expression printed as Python over ``m`` (torch or numpy) and ``math``."""
    return python_code.code(expr)


def _floated(sp, expr):
    """``expr`` with its exact numbers beyond 2^53 as floats: NumPy cannot take ``sin`` of a Python int of
    300 digits, nor turn one beyond 1e308 into a float (as a float it is inf, which the view's check judges)."""
    big = [r for r in expr.atoms(sp.Rational) if abs(r.p) > 2**53 or r.q > 2**53]
    return expr.xreplace({r: sp.Float(r, 15) for r in big}) if big else expr


class _Cost:
    """Estimated tree sizes of (f, ∂f, ∂²f) along one direction, by the sum, product and chain rules:
    a product of k factors has a first derivative of ~k² and a second of ~k³ nodes, which is what makes
    ``sympy.diff`` slow, so the build refuses a formula whose estimate passes ``MAX_COST``."""

    LEAF = (1, 1, 1)
    CONSTANT = (1, 0, 0)

    @staticmethod
    def add(a, b):
        return (a[0] + b[0] + 1, a[1] + b[1] + 1, a[2] + b[2] + 1)

    @staticmethod
    def mul(a, b):
        return (a[0] + b[0] + 1, a[1] + b[0] + a[0] + b[1] + 3, a[2] + b[0] + 2 * (a[1] + b[1]) + a[0] + b[2] + 7)

    @staticmethod
    def chain(a, copies: int = 1):  # f(u), u^c, c^u; f'(u) holding ``copies`` copies of u
        if not a[1]:
            return (a[0] + 1, 0, 0)
        c = copies
        return (a[0] + 1, c * a[0] + a[1] + 3 * c, 2 * c * a[0] + (1 + c) * a[1] + a[2] + 8 * c)

    @classmethod
    def div(cls, a, b):
        return cls.mul(a, cls.chain(b))


def _build(node, source: _Source, sp, symbols):
    """(SymPy expression, float64 value or None when it depends on x or y, _Cost) of a checked node."""
    at = source.at(node)
    if isinstance(node, ast.Constant):
        value = node.value
        return (sp.Integer(value) if isinstance(value, int) else sp.Float(value)), np.float64(value), _Cost.CONSTANT
    if isinstance(node, ast.Name):
        if node.id in symbols:
            return symbols[node.id], None, _Cost.LEAF
        return (sp.pi, np.float64(np.pi), _Cost.CONSTANT) if node.id == "pi" else (sp.E, np.float64(np.e), _Cost.CONSTANT)
    if isinstance(node, ast.UnaryOp):
        expr, value, cost = _build(node.operand, source, sp, symbols)
        if isinstance(node.op, ast.USub):
            return -expr, None if value is None else -value, cost
        return expr, value, cost
    if isinstance(node, ast.Call):
        expr, value, cost = _build(node.args[0], source, sp, symbols)
        sympy_name, numpy_function = FUNCTIONS[node.func.id]
        if value is not None:
            value = numpy_function(value)
            _check_constant(value, node, source)
        result = 1 / (1 + sp.exp(-expr)) if sympy_name is None else getattr(sp, sympy_name)(expr)
        return result, value, _Cost.chain(cost, COPIES.get(node.func.id, 1))
    # a BinOp
    left, lvalue, lcost = _build(node.left, source, sp, symbols)
    right, rvalue, rcost = _build(node.right, source, sp, symbols)
    op = type(node.op)
    if op is ast.Div and rvalue is not None and rvalue == 0:
        raise ValueError(f"division by zero ('{source.segment(node)}' {at})")
    if op is ast.Pow:
        _check_power(node, lvalue, rvalue, source)
    value = None
    if lvalue is not None and rvalue is not None:  # a constant part, in float64 (under the build's errstate)
        value = _NUMPY_OPERATORS[op](lvalue, rvalue)
        _check_constant(value, node, source)
    if op is ast.Add:
        return left + right, value, _Cost.add(lcost, rcost)
    if op is ast.Sub:
        return left - right, value, _Cost.add(lcost, rcost)
    if op is ast.Mult:
        return left * right, value, _Cost.mul(lcost, rcost)
    if op is ast.Div:
        return left / right, value, _Cost.div(lcost, rcost)
    return left**right, value, _Cost.chain(lcost if rvalue is not None else rcost)


def _check_power(node, base, exponent, source: _Source) -> None:
    if exponent is not None:
        if not abs(exponent) <= MAX_EXPONENT:
            raise ValueError(f"'^' exponent too large (max {MAX_EXPONENT}): '{source.segment(node.right)}' "
                             f"{source.at(node.right)}")
    elif base is None or not base > 0:
        raise ValueError(f"'^' with an exponent that depends on x or y needs a positive number as its base, like "
                         f"2^x or e^(-x^2) ('{source.segment(node)}' {source.at(node)})")


def _check_constant(value, node, source: _Source) -> None:
    if not np.isfinite(value):
        raise ValueError(f"'{source.segment(node)}' {source.at(node)} is not a finite real number")

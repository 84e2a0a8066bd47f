"""A surface from a formula the user types, such as ``x^2 + 3*y^2``, read without ever evaluating the text.

The text arrives in a link (``?surface=custom&f=…``), so it is hostile input. It is never given to
``eval``, ``exec``, ``compile`` or SymPy's string parsers. Instead:

1. The text is checked as text: at most ``MAX_LENGTH`` characters, one line, ASCII only (``×``, ``·`` and
   ``−`` are read as ``*``, ``*`` and ``-``; look-alikes such as Cyrillic ``х`` are refused by name), no
   ``!`` (factorial) and no ``#``. ``^`` means power: it is replaced by ``**`` before parsing.
2. ``ast.parse(text, mode="eval")`` turns it into a tree, which is walked with an allow-list before
   anything is built: numbers (int or float, finite, at most ``MAX_CONSTANT`` in size), the names
   ``x, y, pi, e``, the operators ``+ - * / **`` and unary ``-``/``+``, and calls of the functions in
   ``FUNCTIONS`` by name, with exactly one positional argument. Anything else is refused with a message
   naming it. At most ``MAX_NODES`` nodes, nested at most ``MAX_DEPTH`` deep.
3. A SymPy expression is built node by node from the checked tree, with SymPy objects chosen here.
   Every constant part is also computed in float64 on the side, so that ``9^9^9`` or ``1/0`` is refused
   before SymPy sees it. An exponent must be a constant with ``|exponent| <= MAX_EXPONENT``, or the base
   must be a positive constant (``2^x``, ``e^(-x^2)``); ``x^y`` is refused.
4. The gradient and Hessian come from ``sympy.diff``; an estimate of their size is checked first
   (``MAX_COST``), because differentiating a long product grows like the cube of its length.
5. Only the trusted SymPy expressions go to ``sympy.lambdify``. The loss and gradient must evaluate on a
   ``GRID × GRID`` grid of the view within ``TIME_BUDGET`` seconds and be finite on at least half of it.

The minima are the grid's local minima polished by damped Newton steps on the analytic gradient and
Hessian, kept when the gradient vanishes, the Hessian is positive semi-definite, no nearby point is lower
and descent from a nearby point comes back (isolated). So ``x^4 + y^4`` has its minimum, while a minimum
at a kink (``abs(x) + abs(y)``) or a valley floor of minima (``y^2``) is not listed.

Quirks: SymPy simplifies as it builds (``sqrt(x^2)`` is ``|x|``, ``exp(log(x))`` is ``x``, defined for
x < 0 too); ``x^(1/3)`` is NaN for x < 0 (NumPy's power, not a real cube root); the gradient and Hessian
are NaN wherever the loss is, though SymPy's ``1/x`` for ``log(x)`` would be finite there.
"""

from __future__ import annotations

import ast
import functools
import time
import unicodedata

import numpy as np

from landscapes import python_code
from landscapes.formula_words import syntax_words
from landscapes.surface import Defaults, Surface

MAX_LENGTH = 300  # characters
MAX_NODES = 200  # numbers, names, operations and calls in the tree
MAX_DEPTH = 30
MAX_EXPONENT = 64  # |exponent| of a power with a constant exponent
MAX_CONSTANT = 1e6  # |number| typed in the formula (the messages say 1e6)
MAX_COST = 3000  # estimated size of a second derivative, see _Cost
GRID = 80  # the view is sampled on GRID × GRID points
TIME_BUDGET = 0.5  # seconds for the loss and gradient on that grid
MAX_MINIMA = 12
DEFAULT_BOUNDS = ((-3.0, 3.0), (-3.0, 3.0))

NAMES = ("x", "y", "pi", "e")
# name -> (SymPy function name, NumPy function for constant arguments); every one takes one argument
FUNCTIONS = {
    "sin": ("sin", np.sin), "cos": ("cos", np.cos), "tan": ("tan", np.tan),
    "exp": ("exp", np.exp), "log": ("log", np.log), "ln": ("log", np.log), "sqrt": ("sqrt", np.sqrt),
    "abs": ("Abs", np.abs), "tanh": ("tanh", np.tanh), "sinh": ("sinh", np.sinh), "cosh": ("cosh", np.cosh),
    "arctan": ("atan", np.arctan), "atan": ("atan", np.arctan), "arcsin": ("asin", np.arcsin),
    "asin": ("asin", np.arcsin), "arccos": ("acos", np.arccos), "acos": ("acos", np.arccos),
    "sigmoid": (None, lambda a: 1 / (1 + np.exp(-a))),
}
_NUMPY_OPERATORS = {ast.Add: np.add, ast.Sub: np.subtract, ast.Mult: np.multiply, ast.Div: np.divide, ast.Pow: np.power}
_REFUSED_OPERATORS = {ast.Mod: "%", ast.FloorDiv: "//", ast.MatMult: "@", ast.BitOr: "|", ast.BitAnd: "&",
                      ast.LShift: "<<", ast.RShift: ">>", ast.BitXor: "^", ast.Not: "not", ast.Invert: "~"}
_DESCRIBE = {  # what the user wrote, for nodes outside the allow-list
    "Attribute": "attribute access ('.')", "Subscript": "indexing ('[…]')", "Lambda": "lambda",
    "ListComp": "comprehensions", "SetComp": "comprehensions", "DictComp": "comprehensions",
    "GeneratorExp": "generator expressions", "Compare": "comparisons", "BoolOp": "'and'/'or'",
    "IfExp": "'… if … else …'", "NamedExpr": "assignments (':=')", "Starred": "'*' unpacking",
    "JoinedStr": "f-strings", "FormattedValue": "f-strings", "Tuple": "tuples (',')", "List": "lists",
    "Dict": "dictionaries", "Set": "sets", "Await": "'await'", "Yield": "'yield'", "YieldFrom": "'yield'",
    "Slice": "slices",
}
_TRANSLATE = {"^": "**", "×": "*", "·": "*", "⋅": "*", "−": "-", "\t": " "}
_LOOKS_LIKE = {"х": "x", "у": "y", "е": "e", "о": "o", "а": "a", "с": "c", "р": "p", "і": "i", "ѕ": "s"}
_SHOWN_FUNCTIONS = ", ".join(FUNCTIONS)
_ALLOWED = f"use x, y, pi, e, numbers, + - * / ^, parentheses and {_SHOWN_FUNCTIONS}"


def formula(text: str, bounds=DEFAULT_BOUNDS) -> Surface:
    """The surface ``f(x, y) = text`` over ``bounds`` ((xmin, xmax), (ymin, ymax)).

    Raises ``ValueError`` with a short message pointing at the problem when the text is not an allowed
    formula, or when the function is too costly or undefined over most of the view. Results (and
    refusals) are memoised on the exact text and bounds, so a page may call this on every rerun.
    """
    if not isinstance(text, str):
        raise ValueError(f"the formula must be text, not {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise ValueError(f"formula too long ({len(text)} characters; max {MAX_LENGTH})")
    surface, error = _cached(text, _clean_bounds(bounds))
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
        with np.errstate(all="ignore"):  # huge or undefined values are expected here, and judged
            return _surface(text, bounds), None
    except ValueError as err:
        return None, str(err)
    except Exception as err:  # a SymPy or NumPy corner no check foresaw: still a refusal, not a crash
        return None, f"could not make a surface of this formula ({type(err).__name__}: {str(err)[:80]})"


# --- reading the text -------------------------------------------------------------------------------


class _Source:
    """The formula after translation, and where each of its characters came from in the typed text."""

    def __init__(self, text: str):
        chars, origin = [], []
        for i, ch in enumerate(text):
            ch = _TRANSLATE.get(ch, ch)
            _check_character(ch, i)
            chars.append(ch)
            origin.extend([i] * len(ch))
        lead = len("".join(chars)) - len("".join(chars).lstrip())
        self.typed = text
        self.text = "".join(chars).strip()
        self.origin = origin[lead:lead + len(self.text)]
        if not self.text:
            raise ValueError("empty formula: type a function of x and y, such as x^2 + 3*y^2")

    def position(self, col: int) -> int:
        """The 1-based position in the typed text of the translated text's ``col``."""
        return self.origin[min(max(col, 0), len(self.origin) - 1)] + 1 + max(col - len(self.origin) + 1, 0)

    def at(self, node) -> str:
        return f"at position {self.position(node.col_offset)}"

    def segment(self, node, limit: int = 24) -> str:
        """What the user typed for ``node``."""
        s = self.typed[self.position(node.col_offset) - 1:self.position(node.end_col_offset - 1)]
        return s if len(s) <= limit else s[:limit] + "…"


def _check_character(ch: str, i: int) -> None:
    where = f"at position {i + 1}"
    if ch in "\n\r":
        raise ValueError(f"line break {where}: type the formula on one line")
    if not ch.isascii():
        name = unicodedata.name(ch, "unnamed character")
        guess = _LOOKS_LIKE.get(ch.lower()) or unicodedata.normalize("NFKC", ch)
        hint = f" (did you mean '{guess}'?)" if guess.isascii() and guess.isprintable() and guess.strip() else ""
        raise ValueError(f"character U+{ord(ch):04X} ({name}) {where} is not allowed: type plain ASCII{hint}")
    if not ch.isprintable():
        raise ValueError(f"control character U+{ord(ch):04X} {where} is not allowed")
    if ch == "!":
        raise ValueError(f"'!' {where} is not allowed (no factorials or '!=')")
    if ch == "#":
        raise ValueError(f"'#' {where} is not allowed")


def _parse(source: _Source) -> ast.Expression:
    try:
        return ast.parse(source.text, mode="eval")
    except SyntaxError as err:
        raise ValueError(syntax_words(source, err)) from None
    except (ValueError, RecursionError, MemoryError, OverflowError):
        raise ValueError("not a formula: Python's parser refused it") from None


def _check_tree(tree: ast.Expression, source: _Source) -> None:
    """Walk the tree (without recursion) and refuse any node outside the allow-list, too many nodes or
    too deep a nesting, before anything is built from it."""
    stack, count = [(tree.body, 1)], 0
    while stack:
        node, depth = stack.pop()
        count += 1
        if count > MAX_NODES:
            raise ValueError(f"formula too big (more than {MAX_NODES} numbers, names and operations)")
        if depth > MAX_DEPTH:
            raise ValueError(f"formula nested too deeply (max {MAX_DEPTH} levels) {source.at(node)}")
        stack.extend((child, depth + 1) for child in reversed(_allowed_children(node, source)))


def _allowed_children(node, source: _Source) -> list:
    """The sub-expressions of an allowed node; raises ``ValueError`` for a node that is not allowed."""
    at = source.at(node)
    if isinstance(node, ast.BinOp | ast.UnaryOp):
        allowed = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow) if isinstance(node, ast.BinOp) else (ast.USub, ast.UAdd)
        if not isinstance(node.op, allowed):
            op = _REFUSED_OPERATORS.get(type(node.op), type(node.op).__name__)
            raise ValueError(f"operator '{op}' is not allowed (in the expression {at}): use + - * / ^")
        return [node.left, node.right] if isinstance(node, ast.BinOp) else [node.operand]
    if isinstance(node, ast.Constant):
        _check_number(node, source)
        return []
    if isinstance(node, ast.Name):
        _check_name(node.id, at)
        return []
    if isinstance(node, ast.Call):
        return _check_call(node, source)
    what = _DESCRIBE.get(type(node).__name__, f"'{type(node).__name__}'")
    raise ValueError(f"{what} {at}: not allowed; {_ALLOWED}")


def _check_number(node: ast.Constant, source: _Source) -> None:
    value, at = node.value, source.at(node)
    if isinstance(value, bool) or value is None or value is Ellipsis:
        raise ValueError(f"'{source.segment(node)}' {at}: not allowed; {_ALLOWED}")
    if isinstance(value, str | bytes):
        raise ValueError(f"text in quotes {at}: not allowed; {_ALLOWED}")
    if isinstance(value, complex):
        raise ValueError(f"imaginary number '{source.segment(node)}' {at} is not allowed")
    if type(value) not in (int, float):
        raise ValueError(f"'{source.segment(node)}' {at} is not a number")
    if isinstance(value, float) and not np.isfinite(value):
        raise ValueError(f"number '{source.segment(node)}' {at} is not finite")
    if abs(value) > MAX_CONSTANT:
        raise ValueError(f"number '{source.segment(node)}' {at} is too large (max 1e6 in size)")


def _check_name(name: str, at: str) -> None:
    if name in NAMES:
        return
    shown = name if len(name) <= 30 else name[:30] + "…"
    if name in FUNCTIONS:
        raise ValueError(f"'{name}' {at} is a function: write {name}(…)")
    if name.startswith("_"):
        raise ValueError(f"names starting with '_' are not allowed ('{shown}' {at})")
    hint = " (names are lower-case)" if name.lower() in NAMES or name.lower() in FUNCTIONS else ""
    raise ValueError(f"unknown name '{shown}' {at}: use x, y, pi, e{hint}")


def _check_call(node: ast.Call, source: _Source) -> list:
    at = source.at(node)
    if not isinstance(node.func, ast.Name):
        raise ValueError(f"only named functions can be called, like sin(x) ({at}): allowed functions: {_SHOWN_FUNCTIONS}")
    name = node.func.id if len(node.func.id) <= 30 else node.func.id[:30] + "…"
    if name not in FUNCTIONS:
        raise ValueError(f"calls to '{name}' are not allowed ({at}); allowed functions: {_SHOWN_FUNCTIONS}")
    if node.keywords:
        raise ValueError(f"keyword arguments are not allowed in calls to '{name}' ({at})")
    if any(isinstance(a, ast.Starred) for a in node.args):
        raise ValueError(f"'*' unpacking is not allowed in calls to '{name}' ({at})")
    if len(node.args) != 1:
        raise ValueError(f"'{name}' takes exactly 1 argument, got {len(node.args)} ({at})")
    return list(node.args)


# --- building the SymPy expression --------------------------------------------------------------------


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
    def chain(a):  # f(u), u^c, c^u
        if not a[1]:
            return (a[0] + 1, 0, 0)
        return (a[0] + 1, a[0] + a[1] + 3, 2 * a[0] + 2 * a[1] + a[2] + 8)

    @classmethod
    def div(cls, a, b):
        return cls.mul(a, cls.chain(b))


def _sympy():
    import sympy  # imported on first use: it adds ~0.4 s to every page's start otherwise

    return sympy


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
        return result, value, _Cost.chain(cost)
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


# --- the surface --------------------------------------------------------------------------------------


def _surface(text: str, bounds: tuple) -> Surface:
    source = _Source(text)
    tree = _parse(source)
    _check_tree(tree, source)
    sp = _sympy()
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
    loss, grad, hessian, loss_and_grad = _compiled(sp, (x, y), expr, gradient, second)
    view = _View(bounds, loss, grad, hessian)
    minima = _minima(view)
    minima.flags.writeable = False
    # printed with assumption-free symbols: for real ones, the LaTeX printer asks is_constant() of every
    # negative exponent (exp(-1/(1 + e^{-xy}))), which calls simplify and took seconds on nested sigmoids
    plain = {x: sp.Symbol("x"), y: sp.Symbol("y")}
    latex = [sp.latex(e.xreplace(plain)) for e in (expr, *gradient)]
    latex_gradient = r"\nabla f(x, y) = \begin{pmatrix} " + latex[1] + r" \\ " + latex[2] + r" \end{pmatrix}"
    count = {0: "no minimum", 1: "one minimum"}.get(len(minima), f"{len(minima)} minima")
    return Surface(
        name="custom", title="Your function", kind="custom",
        formula="f(x, y) = " + latex[0], gradient_formula=latex_gradient,
        description=f"Your formula, differentiated by SymPy; the view holds {count} (found on a grid, polished by "
        "Newton's method).",
        bounds=bounds, minima=minima, start=_start(view, minima), loss=loss, grad=grad, hessian=hessian,
        loss_and_grad=loss_and_grad, log_color=view.log_color(), defaults=_defaults(view), labels=("x", "y"),
        code=_code(sp, expr.xreplace(plain)), grad_code=tuple(_code(sp, g.xreplace(plain)) for g in gradient),
    )


def _code(sp, expr) -> str:
    """The trusted expression printed as Python over ``m`` (torch or numpy) and ``math``."""
    return python_code.code(expr)


def _floated(sp, expr):
    """``expr`` with its exact numbers beyond 2^53 as floats: NumPy cannot take ``sin`` of a Python int of
    300 digits, nor turn one beyond 1e308 into a float (as a float it is inf, which the view's check judges)."""
    big = [r for r in expr.atoms(sp.Rational) if abs(r.p) > 2**53 or r.q > 2**53]
    return expr.xreplace({r: sp.Float(r, 15) for r in big}) if big else expr


def _compiled(sp, xy, expr, gradient, second):
    """loss, grad, hessian and loss_and_grad (the engine's ``out=`` protocol) on points (..., 2), from the
    trusted SymPy expressions. A constant part (the gradient of x^2 + 3 along y) is broadcast to the batch
    shape; the gradient and Hessian are NaN wherever the loss is (log(x)'s slope 1/x means nothing at x < 0);
    no NumPy warning escapes."""
    loss_xy = sp.lambdify(xy, expr, modules="numpy")
    both_xy = sp.lambdify(xy, [expr, *gradient], modules="numpy", cse=True)
    hess_xy = sp.lambdify(xy, [expr, *second], modules="numpy", cse=True)

    def loss(p):
        p = np.asarray(p, dtype=float)
        out = np.empty(p.shape[:-1])
        with np.errstate(all="ignore"):
            out[...] = _real(loss_xy(p[..., 0], p[..., 1]))
        return out[()]

    def loss_and_grad(p, out=None):
        p = np.asarray(p, dtype=float)
        with np.errstate(all="ignore"):
            f, dx, dy = map(_real, both_xy(p[..., 0], p[..., 1]))
        values, slopes = (np.empty(p.shape[:-1]), np.empty_like(p)) if out is None else out[:2]
        values[...], slopes[..., 0], slopes[..., 1] = f, dx, dy
        slopes[np.isnan(values)] = np.nan
        return (values[()] if out is None else values), slopes

    def grad(p):
        return loss_and_grad(p)[1]

    def hessian(p):
        p = np.asarray(p, dtype=float)
        out = np.empty((*p.shape[:-1], 2, 2))
        with np.errstate(all="ignore"):
            f, hxx, hxy, hyy = map(_real, hess_xy(p[..., 0], p[..., 1]))
        out[..., 0, 0], out[..., 0, 1], out[..., 1, 0], out[..., 1, 1] = hxx, hxy, hxy, hyy
        out[np.isnan(np.broadcast_to(f, out.shape[:-2]))] = np.nan
        return out

    return loss, grad, hessian, loss_and_grad


def _real(v):
    """NaN where a value is not real: a guard only, as the checks on constants keep complex numbers out."""
    return np.where(np.imag(v) == 0, np.real(v), np.nan) if np.iscomplexobj(v) else v


class _View:
    """The loss, gradient and Hessian on a GRID × GRID grid over the bounds; refuses a formula that is too
    slow there, or not finite over most of it."""

    def __init__(self, bounds, loss, grad, hessian):
        self.bounds, self.loss, self.grad, self.hessian = bounds, loss, grad, hessian
        (x0, x1), (y0, y1) = bounds
        self.scale = float(np.hypot(x1 - x0, y1 - y0))
        self.points = np.stack(np.meshgrid(np.linspace(x0, x1, GRID), np.linspace(y0, y1, GRID)), axis=-1)
        start = time.perf_counter()
        self.values, self.slopes = loss(self.points), grad(self.points)
        elapsed = time.perf_counter() - start
        if elapsed > TIME_BUDGET:
            raise ValueError(f"the formula is too slow to evaluate ({elapsed:.2f} s on the view's grid; "
                             f"max {TIME_BUDGET} s)")
        self.finite = np.isfinite(self.values) & np.isfinite(self.slopes).all(axis=-1)
        bad = 1 - self.finite.mean()
        if bad > 0.5:
            overflow = np.isinf(self.values).sum() > np.isnan(self.values).sum()
            what = "infinite (it overflows)" if overflow else "undefined (NaN)"
            raise ValueError(f"the function is {what} over {bad:.0%} of the view {_show(bounds)}: "
                             + ("try smaller numbers" if overflow else "check the domains of log, sqrt, arcsin, …"))
        self.curvatures = hessian(self.points)
        self.typical_slope = float(np.median(np.linalg.norm(self.slopes[self.finite], axis=-1)))

    def log_color(self) -> bool:
        """True when the loss climbs more than 1.8 decades from its 5th percentile to its top, both measured
        from its minimum: so do the views of Rosenbrock, Beale, Himmelblau and Booth, not the bowls and ripples."""
        z = self.values[self.finite]
        low, high = z.min(), z.max()
        if not high > low:
            return False
        return bool(np.log10((high - low) / max(np.percentile(z, 5) - low, 1e-6 * (high - low))) > 1.8)


def _show(bounds) -> str:
    (x0, x1), (y0, y1) = bounds
    return f"[{x0:g}, {x1:g}] × [{y0:g}, {y1:g}]"


def _defaults(view: _View) -> Defaults:
    """Plain descent at lr = 0.5 / L, L the largest Hessian eigenvalue on the grid (descent is stable below
    2 / L); adaptive rules at 1.5 % of the view's width per step."""
    h = view.curvatures[view.finite & np.isfinite(view.curvatures).all(axis=(-2, -1))]
    curvature = _eigenvalues(h)[1].max() if len(h) else 0.0
    lr = 0.01  # concave or flat without slope; on a slope, a first step of ~1 % of the view
    if curvature > 0:
        lr = 0.5 / curvature
    elif view.typical_slope > 0:
        lr = 0.01 * view.scale / view.typical_slope
    (x0, x1), (y0, y1) = view.bounds
    adaptive = 0.015 * max(x1 - x0, y1 - y0)
    return Defaults("sgd", 200, float(f"{min(max(lr, 1e-5), 10.0):.3g}"), float(f"{adaptive:.3g}"))


def _start(view: _View, minima: np.ndarray) -> tuple:
    """Of nine points at 20 %, 50 % and 80 % across the view where the loss is finite and the gradient
    finite and not zero: the farthest from the global minimum, or the highest when there is none."""
    (x0, x1), (y0, y1) = view.bounds
    fractions = np.array([0.2, 0.5, 0.8])
    points = np.stack(np.meshgrid(x0 + fractions * (x1 - x0), y0 + fractions * (y1 - y0)), axis=-1).reshape(-1, 2)
    points = np.array([[float(f"{v:.3g}") for v in q] for q in points]).clip((x0, y0), (x1, y1))
    values, slopes = view.loss(points), view.grad(points)
    usable = np.isfinite(values) & np.isfinite(slopes).all(axis=-1) & (np.abs(slopes).max(axis=-1) > 0)
    if not usable.any():
        usable = np.isfinite(values)
    if not usable.any():  # possible: the view is finite on half of the grid, maybe not on these nine points
        usable = np.ones(len(points), dtype=bool)
    score = np.linalg.norm(points - minima[0], axis=-1) if len(minima) else np.nan_to_num(values, nan=-np.inf)
    best = points[np.flatnonzero(usable)[np.argmax(score[usable])]]
    return (float(best[0]), float(best[1]))


def _eigenvalues(h):
    """(smallest, largest) eigenvalues of symmetric 2×2 matrices (..., 2, 2), in closed form."""
    a, b, c = h[..., 0, 0], h[..., 0, 1], h[..., 1, 1]
    mean, radius = (a + c) / 2, np.hypot((a - c) / 2, b)
    return mean - radius, mean + radius


def _least_curved_direction(h):
    """Unit eigenvectors (k, 2) of the smallest eigenvalues of symmetric 2×2 matrices (k, 2, 2)."""
    a, b, c = h[:, 0, 0], h[:, 0, 1], h[:, 1, 1]
    smallest = _eigenvalues(h)[0]
    u, w = np.stack([b, smallest - a], axis=-1), np.stack([smallest - c, b], axis=-1)
    v = np.where((np.linalg.norm(u, axis=-1) >= np.linalg.norm(w, axis=-1))[:, None], u, w)
    length = np.linalg.norm(v, axis=-1, keepdims=True)
    return np.where((length > 0) & np.isfinite(length), v / length, [1.0, 0.0])


def _minima(view: _View) -> np.ndarray:
    """Grid points no higher than their eight neighbours, polished by damped Newton steps, kept when they
    are minima inside the view; global first, at most MAX_MINIMA, none closer than 1e-3 of the view."""
    z = np.where(view.finite, view.values, np.inf)
    padded = np.pad(z, 1, constant_values=np.inf)
    lowest = np.isfinite(z)
    for di in (0, 1, 2):
        for dj in (0, 1, 2):
            lowest &= z <= padded[di:di + GRID, dj:dj + GRID]
    candidates = view.points[lowest][np.argsort(z[lowest], kind="stable")][:4 * MAX_MINIMA]
    p = _newton(view, candidates)
    f, g = view.loss(p), view.grad(p)
    smallest, largest = _eigenvalues(view.hessian(p))
    (x0, x1), (y0, y1) = view.bounds
    tol = 1e-9 * view.scale
    keep = (np.isfinite(f) & (np.linalg.norm(g, axis=-1) <= 1e-6 * (1 + view.typical_slope))
            & (smallest >= -1e-8 * (1 + np.abs(largest)))
            & (p[:, 0] >= x0 - tol) & (p[:, 0] <= x1 + tol) & (p[:, 1] >= y0 - tol) & (p[:, 1] <= y1 + tol))
    # no point on a small ring around it lower (a flat Hessian, as of x^4 + y^4 at 0, proves nothing)
    angles = np.linspace(0, 2 * np.pi, 8, endpoint=False)
    ring = p[:, None, :] + 1e-4 * view.scale * np.stack([np.cos(angles), np.sin(angles)], axis=-1)
    keep &= (view.loss(ring) >= f[:, None] - 1e-12 * (1 + np.abs(f[:, None]))).all(axis=-1)
    p, f = p[keep], f[keep]
    # isolated: descent from a step along the least curved direction comes back, where on a valley floor
    # (y^2, (x^2 + y^2 - 4)^2) it stays put, and a valley is not a list of minima
    step = 1e-3 * view.scale
    v = step * _least_curved_direction(view.hessian(p))
    back = _newton(view, np.concatenate([p + v, p - v]))
    isolated = (np.linalg.norm(back - np.concatenate([p, p]), axis=-1) < step / 4).reshape(2, -1).all(axis=0)
    p, f = np.clip(p[isolated], (x0, y0), (x1, y1)), f[isolated]
    found: list[np.ndarray] = []
    for q in p[np.argsort(f, kind="stable")]:
        if all(np.hypot(*(q - r)) >= 1e-3 * view.scale for r in found):
            found.append(q)
    return np.array(found[:MAX_MINIMA], dtype=float).reshape(-1, 2) + 0.0  # + 0.0 turns -0.0 into 0.0


def _newton(view: _View, p, iterations: int = 60) -> np.ndarray:
    """Newton steps on (H + μI) d = −g, μ just large enough to make the matrix positive definite, each step
    at most a quarter of the view and halved until the loss does not rise: a descent method, so it settles
    in minima, not on saddles or maxima. A point stops when it no longer moves or leaves the view."""
    (x0, x1), (y0, y1) = view.bounds
    scale, margin = view.scale, 0.1 * max(x1 - x0, y1 - y0)
    loss = view.loss
    p = np.array(p, dtype=float)
    f = loss(p)
    active = np.isfinite(f)
    for _ in range(iterations):
        idx = np.flatnonzero(active)
        if not len(idx):
            break
        q, fq = p[idx], f[idx]
        g, h = view.grad(q), view.hessian(q)
        smallest, largest = _eigenvalues(h)
        mu = np.where(smallest > 0, 0.0, 1e-3 * (1 + np.abs(largest)) - smallest)
        a, b, c = h[:, 0, 0] + mu, h[:, 0, 1], h[:, 1, 1] + mu
        d = -np.stack([c * g[:, 0] - b * g[:, 1], a * g[:, 1] - b * g[:, 0]], axis=-1) / (a * c - b * b)[:, None]
        d = np.where(np.isfinite(d), d, 0.0)
        d *= np.minimum(1.0, 0.25 * scale / np.maximum(np.linalg.norm(d, axis=-1), 1e-300))[:, None]
        moved, t = np.zeros(len(q), dtype=bool), np.ones(len(q))
        for _ in range(30):
            pending = np.flatnonzero(~moved)
            trial = q[pending] + t[pending, None] * d[pending]
            f_trial = loss(trial)
            ok = f_trial <= fq[pending]
            q[pending[ok]], fq[pending[ok]], moved[pending[ok]] = trial[ok], f_trial[ok], True
            t[~moved] /= 2
            if moved.all():
                break
        p[idx], f[idx] = q, fq
        inside = (q[:, 0] >= x0 - margin) & (q[:, 0] <= x1 + margin) & (q[:, 1] >= y0 - margin) & (q[:, 1] <= y1 + margin)
        active[idx] = moved & (t * np.linalg.norm(d, axis=-1) > 1e-13 * scale) & inside
    return p

"""Reading a typed formula as text and as a Python syntax tree, with an allow-list, before anything is built.

The text arrives in a link, so it is hostile input; it is never evaluated (see landscapes/formula.py for
the whole pipeline). This module is pure Python and NumPy: the checks here run in the page's process, in
time linear in the text. :func:`canonical` gives the checked tree's key for the caches, so that ``x/1``,
``x*1.0``, ``+x`` or ``y + x`` find the surface of ``x``, ``x``, ``x`` and ``x + y``.
"""

from __future__ import annotations

import ast
import unicodedata

import numpy as np

from landscapes.formula_words import syntax_words

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


def read(text: str) -> tuple[_Source, ast.Expression]:
    """The translated text and its checked tree; raises ``ValueError`` naming the first problem."""
    source = _Source(text)
    tree = _parse(source)
    _check_tree(tree, source)
    return source, tree


# --- the canonical key ----------------------------------------------------------------------------------

_ZERO, _ONE = ("n", 0.0), ("n", 1.0)
_SAME_FUNCTION = {"ln": "log", "arctan": "atan", "arcsin": "asin", "arccos": "acos"}


def canonical(node) -> tuple:
    """A nested tuple for the checked tree's meaning: numbers as floats, ``a - b`` as ``a + (-b)``, sums
    and products flattened and sorted, and the neutral parts dropped (``+ 0``, ``* 1``, ``/ 1``, ``^ 1``,
    unary ``+``, ``--``). Two texts with one key build one SymPy expression up to how a number is
    printed (``2`` or ``2.0``)."""
    if isinstance(node, ast.Expression):
        node = node.body
    if isinstance(node, ast.Constant):
        return ("n", float(node.value) + 0.0)
    if isinstance(node, ast.Name):
        return (node.id,)
    if isinstance(node, ast.UnaryOp):
        inner = canonical(node.operand)
        return _negated(inner) if isinstance(node.op, ast.USub) else inner
    if isinstance(node, ast.Call):
        return (_SAME_FUNCTION.get(node.func.id, node.func.id), canonical(node.args[0]))
    left, right, op = canonical(node.left), canonical(node.right), type(node.op)
    if op in (ast.Add, ast.Sub):
        return _joined("+", [left, right if op is ast.Add else _negated(right)], _ZERO)
    if op is ast.Mult:
        return _joined("*", [left, right], _ONE)
    if right == _ONE:  # a / 1, a ^ 1
        return left
    return ("/" if op is ast.Div else "^", left, right)


def _negated(key: tuple) -> tuple:
    if key[0] == "n":
        return ("n", -key[1] + 0.0)
    return key[1] if key[0] == "neg" else ("neg", key)


def _joined(op: str, parts: list, neutral: tuple) -> tuple:
    flat = [q for p in parts for q in (p[1:] if p[0] == op else (p,)) if q != neutral]
    if not flat:
        return neutral
    return flat[0] if len(flat) == 1 else (op, *sorted(flat, key=repr))

"""What is wrong with a formula that does not parse, in words a learner can act on.

Python's parser says "invalid syntax at position 1" for ``x**``; a learner needs "the formula ends
after '**': a power needs an exponent, e.g. x**2". :func:`syntax_words` looks at the (translated)
text for the usual slips (a missing operand, an unclosed or unopened parenthesis, two operators in a
row, two terms side by side) and falls back on the parser's own message, with the position in the
text as typed.
"""

from __future__ import annotations

import itertools
import re

_OPERATOR = r"(\*\*|[*/+\-])"
_NEEDS = {  # what an operator needs after it, and an example, as typed
    "**": ("a power needs an exponent", "x**2"), "^": ("a power needs an exponent", "x^2"),
    "*": ("a product needs a second factor", "x*y"), "/": ("a division needs something to divide by", "x/2"),
    "+": ("a sum needs a second term", "x + y"), "-": ("a difference needs a second term", "x - y"),
}


def syntax_words(source, err: SyntaxError) -> str:
    """The message for ``err``, raised by ``ast.parse(source.text)``; ``source`` is formula's
    ``_Source`` (its ``text``, the ``typed`` text and ``position(col)``: 1-based, in the typed text)."""
    text = source.text
    for find in (_parentheses, _trailing, _leading, _doubled, _empty, _side_by_side):
        words = find(source, text)
        if words:
            return words
    match = re.search(r"(?<![A-Za-z_0-9.])(\d+\.?\d*)([A-Za-z_(][A-Za-z_0-9]*)", text)
    if match and "decimal literal" in (err.msg or ""):
        number, name = match.groups()
        return (f"'{number}{name}' at position {source.position(match.start())}: write {number}*{name}, "
                f"not {number}{name}, for a product")
    return f"not a formula: {err.msg} at position {source.position((err.offset or 1) - 1)}"


def _typed_operator(source, col: int, op: str) -> str:
    """The operator as the user typed it (``^`` for a translated ``**``, ``×`` for ``*``)."""
    typed = source.typed[source.position(col) - 1]
    return typed if op != "**" or typed == "^" else "**"


def _parentheses(source, text):
    opened = []
    for i, ch in enumerate(text):
        if ch == "(":
            opened.append(i)
        elif ch == ")":
            if not opened:
                return f"')' at position {source.position(i)} closes nothing: there is no '(' before it"
            opened.pop()
    if opened and not re.search(_OPERATOR + r"\s*$", text):
        return (f"'(' at position {source.position(opened[-1])} is never closed: add ')' where it ends, "
                "e.g. (x + 1)*y")
    return None


def _trailing(source, text):
    match = re.search(_OPERATOR + r"\s*$", text)
    if not match:
        return None
    op = _typed_operator(source, match.start(1), match.group(1))
    need, example = _NEEDS.get(op, _NEEDS.get(match.group(1)))
    return f"the formula ends after '{op}': {need}, e.g. {example}"


def _leading(source, text):
    match = re.match(r"\s*(\*\*|[*/])", text)
    if not match:
        return None
    op = _typed_operator(source, match.start(1), match.group(1))
    return f"the formula starts with '{op}': put a number, x or y before it, e.g. 2{op}x"


def _doubled(source, text):
    """Two operators in a row, the second one binary (``x+*y``; ``x*-y`` is fine: a unary minus)."""
    ops = [(m.start(), m.group()) for m in re.finditer(r"\*\*|[*/+\-]", text)]
    for (col, op), (col2, op2) in itertools.pairwise(ops):
        if op2 in ("**", "*", "/") and not text[col + len(op):col2].strip():
            first, second = _typed_operator(source, col, op), _typed_operator(source, col2, op2)
            return (f"'{first}' at position {source.position(col)} is followed by '{second}' at position "
                    f"{source.position(col2)}: put a number, x or y between them, e.g. x {first} 2{second}y")
    return None


def _empty(source, text):
    match = re.search(r"(?<![A-Za-z_0-9])\(\s*\)", text)
    if not match:
        return None
    return f"empty parentheses at position {source.position(match.start())}: put something inside, e.g. (x + 1)"


def _side_by_side(source, text):
    match = re.search(r"([A-Za-z_0-9.]+|\))\s+([A-Za-z_0-9.]+|\()", text)
    if not match:
        return None
    left, right = match.group(1), match.group(2)
    return (f"'{left}' and '{right}' at positions {source.position(match.start(1))} and "
            f"{source.position(match.start(2))} stand side by side: write {left}*{right} for a product")

"""The chosen optimizer's update in LaTeX, then the same lines with one step's numbers filled in,
so a learner can check the step by hand. Each rule writes its own lines (``Rule.explain``)."""

from __future__ import annotations

import functools
import re

import numpy as np

from optim.latex import vec


def update_lines(rule, step: dict) -> list[tuple[str, str]]:
    """``(symbols, numbers)`` pairs for one update of ``rule`` (see :func:`step_values`), ending
    with the new point."""
    return [*rule.explain(step), (r"\theta_t", rf"\theta_{{{step['t']}}} = {vec(step['theta_next'])}")]


def step_values(traj, k: int) -> dict | None:
    """The numbers of update ``k + 1`` of a one-start trajectory, or None past the last update."""
    if k >= traj.steps or not np.isfinite(traj.points[k + 1]).all():
        return None
    values = {"t": k + 1, "lr": float(np.ravel(traj.lrs[k])[0]), "theta": traj.points[k],
              "grad": traj.grads[k], "theta_next": traj.points[k + 1]}
    for key, history in traj.state.items():
        values[key + "_prev"], values[key] = history[k], history[k + 1]
    return values


GRADIENT_LATEX_MOST = 260  # characters of LaTeX: longer gradients are shown as their code (a line too wide to read)


@functools.lru_cache(maxsize=64)
def _gradient_of_code(codes: tuple[str, str], labels: tuple[str, str]) -> tuple[str, str] | None:
    """The two partial derivatives as LaTeX, from the surface's gradient as code (tested against its
    analytic gradient), simplified by SymPy; None when the code is not a formula of the two parameters."""
    import sympy as sp  # here: SymPy is slow to import, and loads only when a gradient is shown as math

    x, y = sp.symbols(labels, real=True)
    names = {"x": x, "y": y, "pi": sp.pi, "exp": sp.exp, "sqrt": sp.sqrt, "cos": sp.cos, "sin": sp.sin,
             "tanh": sp.tanh, "log": sp.log}
    try:
        parts = [sp.parse_expr(re.sub(r"\b(math|m|np)\.", "", code), local_dict=names) for code in codes]
    except (SyntaxError, TypeError, ValueError, AttributeError, sp.SympifyError):
        return None
    if any(part.free_symbols - {x, y} for part in parts):
        return None
    parts = [sp.factor_terms(sp.expand(sp.nsimplify(p, rational=True))) if p.is_polynomial(x, y) else sp.nsimplify(p)
             for p in parts]
    return tuple(sp.latex(p) for p in parts)


def gradient_latex(surface) -> list[str]:
    """The gradient as LaTeX lines: the surface's own (a typed formula has one), else each partial
    derivative derived from its gradient code; none when that is not a short formula of the two
    parameters (data surfaces: the page shows the code)."""
    if surface.gradient_formula:
        return [surface.gradient_formula]
    if not surface.grad_code or surface.n_samples:
        return []
    parts = _gradient_of_code(tuple(surface.grad_code), ("x", "y"))
    if parts is None or sum(map(len, parts)) > GRADIENT_LATEX_MOST:
        return []
    return [rf"\frac{{\partial f}}{{\partial {name}}} = {part}" for name, part in zip(surface.labels, parts, strict=True)]


def wrapped(latex: str, width: int = 24) -> str:
    """``latex`` ("f = a + b − c") on as many lines as it needs of about ``width`` visible characters,
    broken before a + or − outside any brace and in as few brackets as possible (``\\left(`` and
    ``\\right)`` become plain brackets, which may span lines), aligned at its "=": a
    phone's column is too narrow for most surfaces' gradients. Unchanged when it fits or cannot be
    broken."""
    if _visible(latex) <= width:
        return latex
    plain = latex.replace(r"\left(", "(").replace(r"\right)", ")")
    parens, braces, equals, breaks = 0, 0, -1, {}
    for i, c in enumerate(plain):
        if c in "([":
            parens += 1
        elif c in ")]":
            parens -= 1
        elif c == "{":
            braces += 1
        elif c == "}":
            braces -= 1
        elif parens == braces == 0 and c == "=" and equals < 0:
            equals = i
        elif braces == 0 and c in "+-" and equals >= 0 and plain[equals + 1:i].strip():
            breaks.setdefault(parens, []).append(i)
    if equals < 0 or not breaks:
        return latex
    cuts = breaks[min(breaks)]
    lines, start = [], equals + 1
    lhs = _visible(plain[:equals]) + 1  # the first line holds "f =" too
    for cut in [*cuts, len(plain)]:
        if lines and _visible(lines[-1] + plain[start:cut]) + (lhs if len(lines) == 1 else 0) <= width:
            lines[-1] += plain[start:cut]
        else:
            lines.append(plain[start:cut])
        start = cut
    if len(lines) < 2:
        return latex
    body = r" \\ &".join(line.strip() for line in lines)
    return rf"\begin{{aligned}}{plain[:equals].strip()} = {{}}&{body}\end{{aligned}}"


def _visible(latex: str) -> int:
    """Roughly how many characters ``latex`` shows: without commands, braces, ^ and _."""
    return len(re.sub(r"\\[a-zA-Z]+|[{}^_\s]", "", latex))

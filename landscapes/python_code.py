"""A typed formula's SymPy tree printed as Python over ``m`` (``torch`` or ``numpy``) and ``math``.

The take-home scripts (``optim.as_code``) turn ``m.`` into ``torch.`` or ``np.``. torch's functions take
tensors only: ``torch.sqrt(2)`` is a ``TypeError``. So a part that holds no ``x`` or ``y`` (``sqrt(2)``,
``log(2)``, the ``1/(1 + exp(-2))`` of ``sigmoid(2)``) is printed with ``math`` (``math.sqrt(2)``), which
both torch and NumPy take as a plain float; a constant ``math`` cannot print becomes its float value.
"""

from __future__ import annotations

import functools
import math
import re


def code(expr) -> str:
    """The trusted expression ``expr`` (SymPy) as Python text over ``m`` and ``math``."""
    text = _printer()().doprint(expr)
    text = re.sub(r"\bnumpy\.pi\b", "math.pi", text)
    text = re.sub(r"\bnumpy\.e\b", "math.e", text)
    return re.sub(r"\bnumpy\.", "m.", text)


@functools.cache
def _printer():
    from sympy.printing.numpy import NumPyPrinter  # here: SymPy loads only when a formula is printed
    from sympy.printing.pycode import PythonCodePrinter  # (as above)

    constants = PythonCodePrinter({"strict": True})  # raises on a function math lacks

    class Printer(NumPyPrinter):
        """NumPy's printer, except that a compound constant is printed for ``math``."""

        def _print(self, expr, **kwargs):
            if getattr(expr, "is_number", False) and not expr.is_Atom:
                return _constant(constants, expr)
            return super()._print(expr, **kwargs)

    return Printer


def _constant(printer, expr) -> str:
    try:
        return printer.doprint(expr)
    except Exception:  # sympy's printers raise several kinds; the value still prints
        value = float(expr)
        return repr(value) if math.isfinite(value) else f"float({str(value)!r})"

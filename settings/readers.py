"""How each URL key is read: its type, its range, and the note it leaves when a value is fixed."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

_SAFE = re.compile(r"[^A-Za-z0-9 .,+\-_]")


def show(raw) -> str:
    """A URL value made safe to echo in a note: short, and no HTML or Markdown can survive."""
    text = str(raw)
    text = text if len(text) <= 24 else text[:21] + "..."
    return _SAFE.sub("?", text) or "(empty)"


@dataclass(frozen=True)
class Number:
    """A float (or an integer when ``whole``) clamped to ``[low, high]``."""

    low: float
    high: float
    whole: bool = False
    log: bool = False  # shown on a log-scale slider: the value must be > 0

    def read(self, key: str, raw: str, default):
        """``(value, note)``: the parsed value, or the nearest valid one / the default, and why."""
        try:
            value = float(raw) if len(str(raw)) <= 40 else math.nan
        except (TypeError, ValueError):
            return default, f"{key}={show(raw)} is not a number; using {fmt(default)}"
        if not math.isfinite(value):
            return default, f"{key}={show(raw)} is not a finite number; using {fmt(default)}"
        if self.whole and value != round(value):
            value = round(value)
            note = f"{key}={show(raw)} is not a whole number; using {value}"
        else:
            note = None
        if not self.low <= value <= self.high:
            clamped = min(max(value, self.low), self.high)
            return self.cast(clamped), f"{key}={show(raw)} is out of range; using {fmt(self.cast(clamped))}"
        return self.cast(value), note

    def cast(self, value):
        return int(value) if self.whole else float(value)


@dataclass(frozen=True)
class Choice:
    """One of a fixed list of names."""

    options: tuple
    describe: str = ""  # what the options are, when listing them all would be too long

    def read(self, key: str, raw: str, default):
        if raw in self.options:
            return raw, None
        allowed = self.describe or "one of " + ", ".join(self.options)
        return default, f"{key}={show(raw)} is not {allowed}; using {default}"


@dataclass(frozen=True)
class Flag:
    """``1`` or ``0``."""

    def read(self, key: str, raw: str, default):
        if raw in ("1", "0"):
            return raw == "1", None
        return default, f"{key}={show(raw)} should be 1 or 0; using {int(default)}"


def fmt(value) -> str:
    """A number as short as it can be while parsing back to the same float."""
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, int):
        return str(value)
    if not math.isfinite(value):  # "nan", "inf": never int() of it (a bug elsewhere must not crash a page)
        return repr(float(value))
    return repr(float(value)) if float(value) != int(value) or abs(value) >= 1e16 else str(int(value))


@dataclass(frozen=True)
class View:
    """The bounds of a typed formula's view: ``x0,x1,y0,y1``, finite, each side at most 1000 from 0,
    each span at least 0.001."""

    LIMIT = 1000.0

    def read(self, key: str, raw: str, default):
        parts = str(raw)[:200].split(",")
        try:
            x0, x1, y0, y1 = (float(part) for part in parts)
        except ValueError:
            return default, f"{key}={show(raw)} should be four numbers x0,x1,y0,y1; using {self.text(default)}"
        values = (x0, x1, y0, y1)
        if not all(math.isfinite(v) and abs(v) <= self.LIMIT for v in values) or x1 - x0 < 1e-3 or y1 - y0 < 1e-3:
            return default, (f"{key}={show(raw)} must be finite, within ±1000, with x0 < x1 and y0 < y1; "
                             f"using {self.text(default)}")
        return ((x0, x1), (y0, y1)), None

    @staticmethod
    def text(view) -> str:
        (x0, x1), (y0, y1) = view
        return ",".join(fmt(v) for v in (x0, x1, y0, y1))


@dataclass(frozen=True)
class Formula:
    """A formula in x and y, checked by the safe parser (landscapes.formula) over ``view``."""

    view: tuple

    def read(self, key: str, raw: str, default):
        from landscapes.formula import formula  # here: sympy loads only when a formula is read

        try:
            formula(str(raw), bounds=self.view)
        except ValueError as error:
            return default, f"{key}: {show_message(str(error))}; showing {default} instead"
        return str(raw), None


def show_message(text: str) -> str:
    """A parser's message, made safe to echo like a URL value, but kept readable."""
    return re.sub(r"[^A-Za-z0-9 .,;:'()+\-_*/^%=±]", "?", text)[:160]

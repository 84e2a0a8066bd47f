"""How each URL key is read: its type, its range, and the note it leaves when a value is fixed."""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

_SAFE = re.compile(r"[^A-Za-z0-9 .,+\-_]")


def show(raw) -> str:
    """A URL value made safe to echo in a note: short, and no HTML or Markdown can survive."""
    text = str(raw)
    text = text if len(text) <= 24 else text[:21] + "..."
    return _SAFE.sub("?", text) or "(empty)"


def narrowed(raw) -> str | None:
    """``raw`` as text with full-width letters, digits and signs made ASCII (NFKC: ``１０００`` is
    ``1000``, ``－０．５`` is ``-0.5``), or None when other characters remain. ``float()`` itself reads
    any script's digits (``float("١٠٠٠")`` is 1000.0): a number in a URL is read from ASCII only."""
    text = str(raw)
    if text.isascii():
        return text
    text = unicodedata.normalize("NFKC", text[:200])
    return text if text.isascii() else None


@dataclass(frozen=True)
class Number:
    """A float (or an integer when ``whole``) clamped to ``[low, high]``."""

    low: float
    high: float
    whole: bool = False
    log: bool = False  # shown on a log-scale slider: the value must be > 0

    def read(self, key: str, raw: str, default):
        """``(value, note)``: the parsed value, or the nearest valid one / the default, and why.
        Full-width characters (``１０００``) are read as their ASCII twins, and the note says so."""
        text = narrowed(raw)
        if text is None:
            return default, f"{key}={show(raw)} is not a number written with 0-9; using {fmt(default)}"
        value, note = self._read(key, text, default)
        if text != str(raw):
            note = f"{key}: full-width characters read as {show(text)}" + (f"; {note}" if note else "")
        return value, note

    def _read(self, key: str, raw: str, default):
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


def listed(key: str, raw, known, what: tuple[str, str], most: int) -> tuple[list[str], list[str]]:
    """The names of ``known`` that the comma list ``raw`` gives, in order and each once, and a note per
    distinct problem (never one per entry): more than ``most`` entries, names that are not ``what``
    (``("an optimizer", "optimizers")``), names given more than once. Empty entries are skipped."""
    text = str(raw)
    entries, notes = text.split(",", most), []
    if len(entries) > most:
        notes.append(f"{key} lists {text.count(',') + 1} names; only the first {most} are read")
        entries = entries[:most]
    chosen, unknown, repeated = [], [], []
    for name in (entry.strip() for entry in entries):
        if name in chosen:
            repeated += [] if name in repeated else [name]
        elif name in known:
            chosen.append(name)
        elif name and name not in unknown:
            unknown.append(name)
    if unknown:
        shown = [show(name) for name in unknown[:3]] + [f"{len(unknown) - 3} more"] * (len(unknown) > 3)
        verb = f"is not {what[0]}" if len(unknown) == 1 else f"are not {what[1]}"
        notes.append(f"{key}: {_and(shown)} {verb}; left out")
    if repeated:
        notes.append(f"{key}: {_and(repeated)} {'is' if len(repeated) == 1 else 'are'} listed more than once; "
                     "taken once")
    return chosen, notes


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


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
        text = narrowed(raw)
        value, note = self._read(key, raw, text or "not numbers", default)
        if text is not None and text != str(raw) and note is None:
            note = f"{key}: full-width characters read as {show(text)}"
        return value, note

    def _read(self, key: str, raw: str, text: str, default):
        parts = text[:200].split(",")
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

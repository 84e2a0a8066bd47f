"""Build a typed formula in a process of its own, stopped at a hard limit of computing time.

SymPy's cost on some short formulas is exponential in their nesting, and a thread cannot be stopped:
so each build runs in a fresh process forked from this one. SymPy is imported, and a formula with every
allowed function built, once before any fork: SymPy loads much of itself on first use, and a child that
did that loading again took ~100 ms a build instead of ~30 ms. The
kernel ends that process when it has used ``LIMIT`` seconds of CPU (``ITIMER_PROF``, whose signal
terminates by default, even inside a C call), so its CPU is free at once, whatever SymPy was doing.

The budget is CPU time, not wall clock, so that a formula's answer does not depend on how busy the
machine is (a busy CI once refused ordinary formulas at a 1.5 s wall-clock limit). A wall-clock
``CEILING`` stays as the backstop. At most ``AT_ONCE`` builds run together; one more waits for a free
slot for at most ``LIMIT`` seconds, then is told the server is busy (not cached).
"""

from __future__ import annotations

import multiprocessing
import signal
import threading
import time

from landscapes import python_code
from landscapes.formula_build import recipe
from landscapes.formula_parse import FUNCTIONS

LIMIT = 1.5  # seconds of CPU for one build
CEILING = 4.0  # times LIMIT: the wall clock a build may take on a machine busy with other work
AT_ONCE = 2
_SLOTS = threading.BoundedSemaphore(AT_ONCE)
_LOCK = threading.Lock()
_CONTEXT = None


class Busy(ValueError):
    """Every build slot was taken for the whole wait: a refusal not to be cached."""


def _context():
    global _CONTEXT
    with _LOCK:
        if _CONTEXT is None:
            # here, once, before any fork: SymPy is slow to import, and loads only when a formula is typed
            import sympy.printing.latex  # (as above: the build prints LaTeX)
            import sympy.printing.numpy  # noqa: F401  (imported by the build: here, before any fork)

            python_code._printer()  # its printer classes are made (and cached) before any fork
            for text in warm_formulas():
                recipe(text, ((-3.0, 3.0), (-3.0, 3.0)))

            _CONTEXT = multiprocessing.get_context("fork")
        return _CONTEXT


def warm_formulas() -> list[str]:
    """Formulas that between them call every allowed function, on arguments inside every domain."""
    names = list(FUNCTIONS)
    half = len(names) // 2
    return [" + ".join(f"{name}(1/(4+x*x+y))" for name in part) for part in (names[:half], names[half:])]


def build(text: str, bounds: tuple, limit: float | None = None):
    """``formula_build.recipe(text, bounds)`` from a worker process: the Recipe, or raises ``ValueError``
    with the build's own message, or a plain one past ``limit`` seconds."""
    limit = LIMIT if limit is None else limit
    waited = time.perf_counter()
    if not _SLOTS.acquire(timeout=limit):
        raise Busy(f"the server is busy building other formulas (waited {time.perf_counter() - waited:.1f} s); "
                   "try again in a moment")
    try:
        kind, value = _run(text, bounds, limit)
    finally:
        _SLOTS.release()
    if kind == "ok":
        return value
    raise ValueError(value)


def _run(text: str, bounds: tuple, limit: float) -> tuple[str, object]:
    context = _context()
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_serve, args=(send, text, bounds, limit), daemon=True)
    try:
        process.start()
        send.close()
        if not receive.poll(limit * CEILING):
            return "error", _too_costly(limit)
        try:
            return receive.recv()
        except EOFError:
            process.join(timeout=5)
            if process.exitcode == -signal.SIGPROF:
                return "error", _too_costly(limit)
            return "error", "could not make a surface of this formula (its build stopped)"
    finally:
        if process.is_alive():
            process.kill()
        if process.pid is not None:
            process.join(timeout=5)
        receive.close()


def _too_costly(limit: float) -> str:
    return (f"the formula is too costly to build (more than {limit:g} s of computing): try less "
            "nesting of functions such as tanh, sinh or sigmoid, or fewer terms")


def _serve(send, text: str, bounds: tuple, limit: float) -> None:
    """In the worker: build, and send ("ok", Recipe) or ("error", message); ended by the kernel past
    ``limit`` seconds of CPU (SIGPROF's default action: no handler, so no Python code needs to run)."""
    signal.setitimer(signal.ITIMER_PROF, limit)
    try:
        answer = ("ok", recipe(text, bounds))
    except ValueError as err:
        answer = ("error", str(err))
    except RecursionError:
        answer = ("error", "formula nested too deeply to differentiate")
    except Exception as err:  # a SymPy or NumPy corner no check foresaw: still a refusal, not a crash
        answer = ("error", f"could not make a surface of this formula ({type(err).__name__}: {str(err)[:80]})")
    send.send(answer)
    send.close()

"""Open sessions first: a fresh link's first run waits its turn behind other first runs.

A class opening the same link at once, or a burst of fresh links, would otherwise share the two
cores evenly with every open session, and a learner's knob change waited seconds behind thirty cold
races (bench/load.py). Queued, first runs take turns one at a time; a rerun of a session that has
already drawn its page (a knob change, a page switch, Play) never waits here, so it competes with at
most one first run. First visits finish in the same total time, one after another. A first run
past its budget (``RUN_BUDGET``, the bound bench/slowest.py holds every link to) holds no one: the
sessions waiting behind it go ahead at once, rather than after ``MAX_WAIT``.
"""

from __future__ import annotations

import os
import threading
import time
from contextlib import contextmanager

import streamlit as st

# 1 suits a process on two cores (a run is mostly Python, one core's worth); 0 turns the queue off
_SETTING = os.environ.get("DOWNHILL_FIRST_RUNS_AT_ONCE", "1")
FIRST_RUNS_AT_ONCE = max(0, int(_SETTING)) if _SETTING.strip().isdigit() else 1
MAX_WAIT = 30.0  # seconds: past this a first run goes ahead anyway (a stuck run must not lock out a class)
RUN_BUDGET = 5.0  # seconds: a first run running longer than this no longer makes anyone wait
POLL = 0.05  # seconds between looks at the runs holding the turns

_FIRST_RUNS = threading.BoundedSemaphore(FIRST_RUNS_AT_ONCE) if FIRST_RUNS_AT_ONCE > 0 else None
_DRAWN = "_queue.drawn"
_STARTED: dict[int, float] = {}  # the runs holding a turn: when each started (time.monotonic)
_STARTED_LOCK = threading.Lock()


@contextmanager
def first_runs_take_turns():
    """Around a page's run: wait for a turn when this session has not drawn a page yet."""
    if _FIRST_RUNS is None or st.session_state.get(_DRAWN):
        yield
        return
    turn = _wait_for_turn()
    key = threading.get_ident()
    if turn:
        with _STARTED_LOCK:
            _STARTED[key] = time.monotonic()
    try:
        yield
    finally:
        st.session_state[_DRAWN] = True
        if turn:
            with _STARTED_LOCK:
                _STARTED.pop(key, None)
            _FIRST_RUNS.release()


def _wait_for_turn() -> bool:
    """True with a turn; False when every run holding one is past RUN_BUDGET, or after MAX_WAIT."""
    deadline = time.monotonic() + MAX_WAIT
    while not _FIRST_RUNS.acquire(timeout=POLL):
        if _holders_past_budget() or time.monotonic() > deadline:
            return False
    return True


def _holders_past_budget() -> bool:
    now = time.monotonic()
    with _STARTED_LOCK:
        return bool(_STARTED) and all(now - started > RUN_BUDGET for started in _STARTED.values())

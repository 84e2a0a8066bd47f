"""First runs take turns; a session that has drawn its page never waits (app_pages/queue.py)."""

import threading

import pytest

from app_pages import queue


@pytest.fixture
def state(monkeypatch):
    session = {}
    monkeypatch.setattr(queue.st, "session_state", session)
    return session


def enter_in_thread() -> tuple[threading.Thread, threading.Event]:
    entered = threading.Event()

    def run():
        with queue.first_runs_take_turns():
            entered.set()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, entered


def test_a_first_run_waits_while_another_first_run_is_going(state):
    assert queue._FIRST_RUNS.acquire(blocking=False)  # another fresh link is being computed
    thread, entered = enter_in_thread()
    assert not entered.wait(0.2)  # still waiting its turn
    queue._FIRST_RUNS.release()
    assert entered.wait(10)
    thread.join(10)
    assert state[queue._DRAWN] is True  # its later reruns will not queue


def test_a_session_that_has_drawn_never_waits(state):
    state[queue._DRAWN] = True
    assert queue._FIRST_RUNS.acquire(blocking=False)
    try:
        thread, entered = enter_in_thread()
        assert entered.wait(10)  # a knob change goes straight through the queue of first runs
        thread.join(10)
    finally:
        queue._FIRST_RUNS.release()


def test_the_turn_is_given_back_when_a_run_raises(state):
    with pytest.raises(RuntimeError), queue.first_runs_take_turns():
        raise RuntimeError("a page that crashed, or Streamlit's rerun exception")
    assert queue._FIRST_RUNS.acquire(blocking=False)  # free again
    queue._FIRST_RUNS.release()


def test_no_one_waits_behind_a_first_run_past_its_budget(state, monkeypatch):
    """issue 23: a formula that burned 40 s held every fresh visitor for the queue's 30 s limit."""
    assert queue._FIRST_RUNS.acquire(blocking=False)  # a first run holds the turn…
    monkeypatch.setitem(queue._STARTED, -1, queue.time.monotonic() - queue.RUN_BUDGET - 1)  # …past its budget
    try:
        start = queue.time.monotonic()
        thread, entered = enter_in_thread()
        assert entered.wait(10)
        waited = queue.time.monotonic() - start
        thread.join(10)
    finally:
        queue._FIRST_RUNS.release()
    print(f"waited {waited:.3f} s behind a run past its budget")
    assert waited < 1.0


def test_a_run_within_its_budget_still_holds_the_next_first_run(state, monkeypatch):
    assert queue._FIRST_RUNS.acquire(blocking=False)
    monkeypatch.setitem(queue._STARTED, -1, queue.time.monotonic())  # just started
    thread, entered = enter_in_thread()
    assert not entered.wait(0.3)
    queue._FIRST_RUNS.release()
    assert entered.wait(10)
    thread.join(10)

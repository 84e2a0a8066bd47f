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

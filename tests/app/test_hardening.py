"""A visitor's "clear cache" message clears only their own session, not the caches everyone shares."""

from types import SimpleNamespace

import streamlit as st
from streamlit.runtime import app_session

from app_pages.hardening import keep_shared_caches


def test_clear_cache_from_one_visitor_keeps_the_shared_caches():
    assert keep_shared_caches()  # Streamlit still has the handler this replaces
    calls = []

    @st.cache_data(max_entries=2)
    def costly(x):
        calls.append(x)
        return x * 2

    costly(3)
    session_state = {"mine": 1}
    sender = SimpleNamespace(_session_state=session_state)
    app_session.AppSession._handle_clear_cache_request(sender)
    assert costly(3) == 6 and calls == [3]  # still cached: not recomputed
    assert session_state == {}  # the sender's own state was cleared, as the menu item promises
    costly.clear()


def test_the_app_installs_it(monkeypatch):
    from streamlit.testing.v1 import AppTest

    from app_pages import hardening

    monkeypatch.setattr(app_session.AppSession, "_handle_clear_cache_request", lambda self: None)
    AppTest.from_file("../../app.py", default_timeout=30).run()
    assert app_session.AppSession._handle_clear_cache_request is hardening._clear_own_state_only

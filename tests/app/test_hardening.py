"""A visitor's "clear cache" message clears only their own session, not the caches everyone shares; the
upload route is refused before its body is read (a PUT to a real server: tests/e2e/test_uploads.py)."""

from types import SimpleNamespace

import streamlit as st
from streamlit.runtime import app_session
from streamlit.web.server.starlette import starlette_path_security_middleware as path_security

from app_pages.hardening import keep_shared_caches


def unrefused():
    """Streamlit's own middleware call, whether or not an earlier test installed the refusal."""
    call = path_security.PathSecurityMiddleware.__call__
    return getattr(call, "__wrapped__", call)


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
    monkeypatch.setattr(path_security.PathSecurityMiddleware, "__call__", unrefused())
    AppTest.from_file("../../app.py", default_timeout=30).run()
    assert app_session.AppSession._handle_clear_cache_request is hardening._clear_own_state_only
    assert path_security.PathSecurityMiddleware.__call__.refuses_uploads


def run_alone(coroutine):
    """Run a coroutine on its own loop in its own thread: a browser test's Playwright keeps a loop
    running in this worker's main thread, where asyncio.run refuses to start."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def test_the_upload_route_is_refused_before_its_body_is_read(monkeypatch):
    from app_pages.hardening import refuse_uploads

    cls = path_security.PathSecurityMiddleware
    monkeypatch.setattr(cls, "__call__", unrefused())
    assert refuse_uploads() and refuse_uploads()  # Streamlit still has the middleware; twice wraps once
    assert cls.__call__.refuses_uploads and not getattr(cls.__call__.__wrapped__, "refuses_uploads", False)
    passed, sent = [], []

    async def app(scope, receive, send):
        passed.append(scope["path"])

    async def receive():
        raise AssertionError("the body was read")

    async def send(message):
        sent.append(message)

    middleware = cls(app)
    for path in ("/_stcore/upload_file/s/f", "/base/_stcore/upload_file/s/f", "/_stcore/upload_file"):
        run_alone(middleware({"type": "http", "path": path, "method": "PUT"}, receive, send))
    run_alone(middleware({"type": "http", "path": "/_stcore/health", "method": "GET"}, receive, send))
    assert passed == ["/_stcore/health"]
    assert [m["status"] for m in sent if m["type"] == "http.response.start"] == [403, 403, 403]

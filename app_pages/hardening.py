"""What Streamlit lets any visitor do to every other visitor, stopped where Streamlit has no setting for it.

Any connected client may send a ``clear_cache`` message (the menu item is hidden by ``toolbarMode =
"minimal"``, the message is still accepted), and Streamlit then empties ``st.cache_data`` and
``st.cache_resource`` for the whole process: one visitor could make every cached race cold for the
class, over and over. Here the message clears only the sender's own session state. Streamlit has no
public hook for this, so the handler is replaced on its class (``AppSession._handle_clear_cache_request``,
Streamlit 1.67); if a later Streamlit renames it, nothing is replaced and ``tests/app/test_hardening.py``
fails, so the gap cannot reopen silently.

Any client may also ``PUT /_stcore/upload_file/<its session>/<id>`` though the app has no uploader:
Streamlit keeps each file in memory for the session (200 × 1 MB took a server from 106 to 308 MB), and
``server.maxUploadSize`` limits each file, not their number. Streamlit has no setting that turns the
route off, so the first middleware of its Starlette app (``PathSecurityMiddleware``, Streamlit 1.67)
answers 403 for that route before any body is read. The class's ``__call__`` is replaced, which the
middleware already built for the running server also uses. Installed by the first run of ``app.py``
in the process (the route needs a session id, which a client learns when its first run starts);
``deploy/nginx.conf`` refuses the route in front of the app as well. ``tests/e2e/test_uploads.py``
PUTs to a real server.
"""

from __future__ import annotations

from streamlit.runtime import app_session

_HANDLER = "_handle_clear_cache_request"
_UPLOADS = "/_stcore/upload_file"  # Streamlit's route, after server.baseUrlPath if one is set


def _clear_own_state_only(session) -> None:
    session._session_state.clear()


def keep_shared_caches() -> bool:
    """Make ``clear_cache`` clear the sender's session state only; True when the handler was found."""
    cls = app_session.AppSession
    if not hasattr(cls, _HANDLER):
        return False
    setattr(cls, _HANDLER, _clear_own_state_only)
    return True


def _is_upload(path: str) -> bool:
    return path.rstrip("/").endswith(_UPLOADS) or f"{_UPLOADS}/" in path


def _refusing_uploads(passes_on):
    from starlette.responses import PlainTextResponse  # optional: only once Streamlit's starlette server was found

    async def middleware(self, scope, receive, send):
        if scope["type"] == "http" and _is_upload(scope.get("path", "")):
            refusal = PlainTextResponse("This app takes no uploads.", status_code=403)
            await refusal(scope, receive, send)
            return
        await passes_on(self, scope, receive, send)

    middleware.refuses_uploads, middleware.__wrapped__ = True, passes_on
    return middleware


def refuse_uploads() -> bool:
    """Answer 403 to every request on the upload route; True when the middleware was found."""
    try:
        from streamlit.web.server.starlette import (  # optional: private to Streamlit, absent in other versions
            starlette_path_security_middleware as path_security,
        )
    except ImportError:
        return False
    cls = getattr(path_security, "PathSecurityMiddleware", None)
    if cls is None or "__call__" not in vars(cls):
        return False
    if not getattr(cls.__call__, "refuses_uploads", False):
        cls.__call__ = _refusing_uploads(cls.__call__)
    return True

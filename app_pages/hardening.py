"""What Streamlit lets any visitor do to every other visitor, stopped where Streamlit has no setting for it.

Any connected client may send a ``clear_cache`` message (the menu item is hidden by ``toolbarMode =
"minimal"``, the message is still accepted), and Streamlit then empties ``st.cache_data`` and
``st.cache_resource`` for the whole process: one visitor could make every cached race cold for the
class, over and over. Here the message clears only the sender's own session state. Streamlit has no
public hook for this, so the handler is replaced on its class (``AppSession._handle_clear_cache_request``,
Streamlit 1.67); if a later Streamlit renames it, nothing is replaced and ``tests/app/test_hardening.py``
fails, so the gap cannot reopen silently.
"""

from __future__ import annotations

from streamlit.runtime import app_session

_HANDLER = "_handle_clear_cache_request"


def _clear_own_state_only(session) -> None:
    session._session_state.clear()


def keep_shared_caches() -> bool:
    """Make ``clear_cache`` clear the sender's session state only; True when the handler was found."""
    cls = app_session.AppSession
    if not hasattr(cls, _HANDLER):
        return False
    setattr(cls, _HANDLER, _clear_own_state_only)
    return True

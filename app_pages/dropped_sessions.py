"""A closed tab's session is shut down when Streamlit forgets it, so its files and callables go with it.

When a browser tab closes, Streamlit keeps its session for a while in case the tab reconnects
(``MemorySessionStorage``: at most 128 sessions, for ``server.disconnectedSessionTTL`` seconds). When
that store drops a session, by age or to make room, Streamlit 1.67 only forgets the reference: it never
calls ``AppSession.shutdown()``, which is what tells the media file manager to let go of the session's
downloads (each page's CSV and code bytes, and the deferred HTML/PNG exports, closures that hold the
page's figure and runs), closes the session's script event loop and clears its data sources. Every
visitor's downloads then stayed in the server for good: a soak of 400 distinct links to the lab grew
the server from 1.07 to 1.42 GB and still climbing (bench/load.py, docs/benchmarks.md).

Here the store's cache is replaced by the same cache (same size, same time-to-live) that shuts down each
session it removes, except one taken out to be resumed by its reconnecting tab. Installed by the first
run of ``app.py`` (the runtime exists then); if a later Streamlit renames what this reaches,
nothing is replaced and ``tests/app/test_dropped_sessions.py`` fails.
"""

from __future__ import annotations

from streamlit import runtime
from streamlit.runtime.caching.ttl_cache import TTLCache
from streamlit.runtime.memory_session_storage import MemorySessionStorage


def shut_down_on_removal(storage: MemorySessionStorage) -> bool:
    """Make ``storage`` shut down every session it drops, not one the manager deletes or saves again."""
    cache = getattr(storage, "_cache", None)
    if not isinstance(cache, TTLCache) or not callable(getattr(storage, "delete", None)):
        return False
    if getattr(storage, "shuts_down_removed", False):
        return True
    kept: set[str] = set()  # removed by the session manager itself: not ours to shut down

    def removed(session_id: str, info) -> None:
        if session_id not in kept:
            info.session.shutdown()  # does nothing for a session already shut down

    replacement = TTLCache(maxsize=cache.maxsize, ttl=cache.ttl, on_remove=removed)
    for session_id, info in list(cache.items()):
        replacement[session_id] = info

    def keeping(step):
        # the manager deletes a stored session when its tab reconnects (it becomes active again) and before
        # it shuts one down itself, and a save replaces an entry of the same id: none is a dropped session
        def call(arg) -> None:
            session_id = arg if isinstance(arg, str) else arg.session.id
            kept.add(session_id)
            try:
                step(arg)
            finally:
                kept.discard(session_id)
        return call

    storage._cache, storage.shuts_down_removed = replacement, True
    storage.delete, storage.save = keeping(storage.delete), keeping(storage.save)
    return True


def shut_down_dropped_sessions() -> bool:
    """Install on the running server's session store; True when it was found."""
    if not runtime.exists():
        return False
    manager = getattr(runtime.get_instance(), "_session_mgr", None)
    storage = getattr(manager, "_session_storage", None)
    return isinstance(storage, MemorySessionStorage) and shut_down_on_removal(storage)

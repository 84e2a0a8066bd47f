"""A session Streamlit's store of closed tabs drops (to make room, or when its time is up) is shut down,
so its downloads and its event loop leave the server (app_pages/dropped_sessions.py); one the session
manager takes out to resume, or replaces, is not. With Streamlit's own store and cache."""

import time
from dataclasses import dataclass, field

from streamlit.runtime.memory_session_storage import MemorySessionStorage

from app_pages.dropped_sessions import shut_down_on_removal


@dataclass
class Session:
    id: str
    shut: list = field(default_factory=list)

    def shutdown(self) -> None:
        self.shut.append(self.id)


@dataclass
class Info:
    session: Session


def store(maxsize=3, ttl=120.0) -> tuple[MemorySessionStorage, list]:
    storage, shut = MemorySessionStorage(maxsize=maxsize, ttl_seconds=ttl), []
    storage.save(Info(Session("before", shut)))  # stored before the store was changed: kept, and shut down later
    assert shut_down_on_removal(storage) and shut_down_on_removal(storage)  # once, however often it is called
    return storage, shut


def test_a_session_dropped_to_make_room_is_shut_down():
    storage, shut = store()
    for name in "abcd":
        storage.save(Info(Session(name, shut)))
    assert shut == ["before", "a"]  # the least recently stored two, as Streamlit's cache drops them
    assert {info.session.id for info in storage.list()} == {"b", "c", "d"}


def test_a_session_past_its_time_is_shut_down_when_the_store_next_changes():
    storage, shut = store(ttl=0.01)
    time.sleep(0.05)
    storage.save(Info(Session("a", shut)))
    time.sleep(0.05)
    assert "before" in shut and storage.get("a") is None


def test_a_session_taken_out_to_resume_or_saved_again_is_not_shut_down():
    storage, shut = store()
    storage.save(Info(Session("a", shut)))
    storage.delete("a")  # its tab reconnected: the session is active again
    again = Session("b", shut)
    storage.save(Info(again))
    storage.save(Info(again))  # stored again under the same id
    assert shut == [] and storage.get("b").session is again


def test_the_names_it_reaches_in_streamlit_are_there():
    """Streamlit 1.67's names (the store the manager keeps, its cache): renamed, the app would leak again."""
    from streamlit.runtime import websocket_session_manager

    assert "_session_storage" in websocket_session_manager.WebsocketSessionManager.__init__.__code__.co_names
    assert shut_down_on_removal(MemorySessionStorage())  # finds the cache it replaces

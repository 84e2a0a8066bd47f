import json
from pathlib import Path
from unittest import mock

import numpy as np
import pytest
from streamlit.components.v2.bidi_component.main import _make_trigger_id
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import ElementTree

from viz.encode import decode

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def open_app(query: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at.run()


def chart(at: AppTest, key: str) -> dict:
    """The figure JSON Streamlit sends for the chart with this key."""
    for element in at.get("plotly_chart"):
        if element.proto.id.endswith(f"-{key}"):  # Streamlit ends a keyed element's id with its key
            return json.loads(element.proto.spec)
    raise KeyError(key)


def chart_keys(at: AppTest) -> list[str]:
    """The keys of the charts drawn, in page order."""
    return [element.proto.id.rsplit("-", 1)[1] for element in at.get("plotly_chart")]


def whole_paths(fig: dict) -> list[np.ndarray]:
    """Each lane's whole path in the animated picture, (steps+1, 2): the faint lines that come
    just before the "start" marker, one per lane (one "<label>: end" marker per lane follows it)."""
    data = fig["data"]
    start = next(i for i, t in enumerate(data) if t.get("name") == "start")
    lanes = sum(1 for t in data if str(t.get("name", "")).endswith(": end"))
    paths = data[start - lanes : start]
    assert lanes and all(t["mode"] == "lines" and "xaxis" not in t for t in paths), paths
    return [np.column_stack([decode(t["x"]), decode(t["y"])]) for t in paths]


def bridge(at: AppTest, *, step: int | None = None, click: dict | None = None, key: str = "player", **more) -> AppTest:
    """Rerun as the browser does when the picture's bridge (app_pages/player.py, key "player")
    reports: ``step``, where the player stopped, or ``click``, where the surface was clicked, or another
    of its triggers (``height=``, ``narrow=``). AppTest does not send a component's values, so they are
    added to the widget states of this rerun; the page's own callbacks (``_on_step``, ``_on_click``)
    handle them. Sent as JSON the way a crafted client may: NaN and Infinity included. ``key``: another
    component's (the descent page's live sliders, "live_knobs", report ``pick=``)."""
    (element,) = [e for e in at.get("bidi_component") if e.key == key]
    send = ElementTree.get_widget_states

    def with_bridge(tree):
        states = send(tree)
        events = [{"event": name, "value": value} for name, value in (("step", step), ("click", click), *more.items())
                  if value is not None]
        trigger = states.widgets.add()
        trigger.id = _make_trigger_id(element.proto.id, "events")
        trigger.json_trigger_value = json.dumps(events)
        return states

    with mock.patch.object(ElementTree, "get_widget_states", with_bridge):
        return at.run()



def same(a, b) -> bool:
    """Equal, and written the same (0.0 == -0.0, and a NaN equals nothing: neither is merged)."""
    try:
        return bool(a == b) and repr(a) == repr(b)
    except Exception:  # e.g. an array's ambiguous truth value: never merged
        return False


def outcome_of(parse, query):
    """What a page makes of a link: its state, and whether it has a note. A link that breaks the parser
    is an outcome of its own (its parser test fails on it, and its page still gets its own run)."""
    try:
        state, notes = parse(query)
    except Exception as err:
        return ("raised", repr(err), repr(query))
    return (state, bool(notes))


def one_run_each(cases, outcome) -> list[tuple]:
    """``cases`` grouped by ``outcome(case)``: (first case, the others) per group, in the cases' order.
    A page reads its link only through its parser (app_pages/state.sync: ``parse(query)`` gives the state
    and the notes; only the view keys, settings.PAGE_KEYS, are read from the URL itself, and the notes
    reach ``st.warning`` only as text), so links that parse to the same state, with a note or none, run
    the page identically: one AppTest for the first stands for the others, whose parse a plain test checks."""
    groups: list[tuple] = []
    for case in cases:
        found = outcome(case)
        for _, known, members in groups:
            if same(known, found):
                members.append(case)
                break
        else:
            groups.append((case, found, []))
    return [(first, tuple(members)) for first, _, members in groups]


def stands_for(runs, case):
    """The first case of the group ``case`` is in (``runs`` from :func:`one_run_each`)."""
    (first,) = [first for first, others in runs if case == first or case in others]
    return first

@pytest.fixture
def app():
    return open_app()

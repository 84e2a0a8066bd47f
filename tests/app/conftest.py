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


def bridge(at: AppTest, *, step: int | None = None, click: dict | None = None, **more) -> AppTest:
    """Rerun as the browser does when the picture's bridge (app_pages/player.py, key "player")
    reports: ``step``, where the player stopped, or ``click``, where the surface was clicked, or another
    of its triggers (``height=``, ``narrow=``). AppTest does not send a component's values, so they are
    added to the widget states of this rerun; the page's own callbacks (``_on_step``, ``_on_click``)
    handle them. Sent as JSON the way a crafted client may: NaN and Infinity included."""
    (element,) = at.get("bidi_component")
    assert element.key == "player"
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


@pytest.fixture
def app():
    return open_app()

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

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


@pytest.fixture
def app():
    return open_app()

"""A new page is one script plus one entry in the page registry (lessons/pages.py): a toy page, added
to the registry here and nowhere else, is in the navigation, keeps its state through the page-state
flow, may be opened by a lesson from the gallery, and is in the screenshot tool's list."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import lessons
from lessons import pages
from tests.app.conftest import APP

ROOT = Path(__file__).resolve().parents[2]
TOY_SCRIPT = """
import streamlit as st
from app_pages import state

size, notes = state.sync("toy")
st.slider("Size", 1, 10, key="size")
st.markdown(f"toy of size {size}")
"""


def parse_toy(query):
    raw = query.get("size", "3")
    ok = raw.isdigit() and 1 <= int(raw) <= 10
    return (int(raw) if ok else 3), ([] if ok else [f"size={raw} is not 1…10; using 3"])


@pytest.fixture
def toy(monkeypatch, tmp_path):
    script = tmp_path / "toy.py"
    script.write_text(TOY_SCRIPT)
    page = pages.Page("toy", str(script), "Toy", ":material/toys:", parse_toy, lambda size: {"size": str(size)},
                      lambda size: {"size": size}, lessons=True)
    monkeypatch.setattr(pages, "PAGES", [*pages.PAGES, page])
    return page


def open_toy(toy, query: dict) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(query)
    at.switch_page(toy.path)
    return at.run()


def test_the_toy_page_is_in_the_navigation_and_its_link_is_its_state(toy):
    at = open_toy(toy, {"size": "7"})
    assert not at.exception
    assert "toy of size 7" in [m.value for m in at.markdown]
    assert at.slider(key="size").value == 7 and dict(at.query_params) == {"size": "7"}
    at.slider(key="size").set_value(4).run()  # the widget writes the URL, through the registry's codec
    assert dict(at.query_params) == {"size": "4"} and "toy of size 4" in [m.value for m in at.markdown]


def test_without_its_entry_there_is_no_toy_page(tmp_path):
    """The navigation test above is not vacuous: a script that is not in the registry does not run."""
    script = tmp_path / "toy.py"
    script.write_text(TOY_SCRIPT)
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page(str(script))
    at.run()
    assert "toy of size 3" not in [m.value for m in at.markdown]


def test_a_lesson_may_open_the_toy_page(toy, monkeypatch, tmp_path):
    assert "toy" in pages.lesson_pages()
    presets = tmp_path / "presets.toml"
    presets.write_text('[[preset]]\nid = "toy-big"\ntitle = "A big toy"\npage = "toy"\ncaption = "Big."\n'
                       'query = { size = "9" }\n')
    (preset,) = lessons.load(presets)  # a preset on a page no lesson may open is refused at load
    assert preset.full_query() == {"size": "9"} and preset.link() == "/toy?size=9"
    monkeypatch.setattr(lessons, "PRESETS", [*lessons.PRESETS, preset])
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page(pages.get("lessons").path)
    at.run()
    assert not at.exception
    links = {link.proto.page for link in at.get("page_link")}
    assert any(page.endswith("toy.py") or page == "toy" for page in links), links


def test_a_preset_on_an_unknown_page_is_refused(tmp_path):
    presets = tmp_path / "presets.toml"
    presets.write_text('[[preset]]\nid = "x"\ntitle = "X"\npage = "nowhere"\ncaption = "."\nquery = {}\n')
    with pytest.raises(ValueError, match="nowhere"):
        lessons.load(presets)


def test_the_screenshot_tool_shoots_the_toy_page(toy):
    spec = importlib.util.spec_from_file_location("screenshots", ROOT / "tools" / "screenshots.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    assert tool.page_names() == [*(p.name for p in pages.PAGES)] and "toy" in tool.page_names()
    assert tool.address("http://here", "toy") == "http://here/toy"
    assert tool.address("http://here", "descent") == "http://here/"

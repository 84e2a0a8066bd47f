"""The lean figure path (app_pages/lean.py): plotly.py validates nothing, and Streamlit sends our dict as is.

What Streamlit 1.67 does (streamlit/elements/plotly_chart.py, ``PlotlyMixin.plotly_chart``): it calls
``plotly.tools.return_figure_from_figure_or_data(figure, validate_figure=True)``. A dict is validated
there by building ``go.Figure(**figure)`` (every trace, the layout, every frame) and reading it back
with ``to_dict()``, which also adds plotly's default ``layout.template``; a ``BaseFigure`` is taken at
its word: only its ``to_dict()`` is called. Then ``plotly.io.to_json(figure, validate=False)`` writes
the resulting dict unchanged. ``PreparedFigure`` is a ``BaseFigure`` whose ``to_dict()`` is our dict.

Each claim has a control that shows the check can fail: the same pages sending the plain dict.
"""

import json
from collections import Counter
from contextlib import contextmanager
from unittest import mock

import plotly.tools
import pytest
from plotly.basedatatypes import BaseFigure, BasePlotlyType
from streamlit.testing.v1 import AppTest

from app_pages import lean
from tests.app.conftest import APP, chart, open_app

PAGES = {"descent": ("lr", 0.02), "race": ("lr.adam", 0.02)}
KEYS = ("picture", "surface3d")  # the charts both pages draw by default


def open_page(page: str):
    """The page as a fresh session sees it, then once more after a learning-rate change."""
    if page == "descent":
        at = open_app()
    else:  # switched to before the first run, as a link straight to the page (AppTest keeps the query)
        at = AppTest.from_file(APP, default_timeout=60)
        at.switch_page(f"app_pages/{page}.py").run()
    key, lr = PAGES[page]
    at.number_input(key=key).set_value(lr)
    return at.run()


@contextmanager
def plotly_validation():
    """Counts what plotly.py builds while validating: figures, and traces, layouts and frames
    (every ``go`` object's constructor runs ``BasePlotlyType.__init__``), and what Streamlit was given."""
    counts = Counter()
    given = []
    figure_init, object_init = BaseFigure.__init__, BasePlotlyType.__init__
    streamlit_reads = plotly.tools.return_figure_from_figure_or_data

    def count_figure(self, *args, **kwargs):
        counts["figures"] += 1
        return figure_init(self, *args, **kwargs)

    def count_object(self, *args, **kwargs):
        counts["objects"] += 1
        return object_init(self, *args, **kwargs)

    def record(figure_or_data, validate_figure):
        given.append(type(figure_or_data))
        return streamlit_reads(figure_or_data, validate_figure)

    with (mock.patch.object(BaseFigure, "__init__", count_figure),
          mock.patch.object(BasePlotlyType, "__init__", count_object),
          mock.patch.object(plotly.tools, "return_figure_from_figure_or_data", record)):
        yield counts, given


def plain_dict(spec: dict) -> dict:
    return spec


@pytest.mark.parametrize("page", PAGES)
def test_pages_send_figures_without_plotly_validation(page):
    with plotly_validation() as (counts, given):
        at = open_page(page)
    assert not at.exception
    assert {k: chart(at, k) for k in KEYS}  # the charts are there
    assert given and all(issubclass(t, lean.PreparedFigure) for t in given), given
    assert counts == Counter(), f"plotly.py validated something on the {page} page: {dict(counts)}"


@pytest.mark.parametrize("page", PAGES)
def test_control_the_counter_sees_streamlit_validate_a_plain_dict(page):
    """The same pages with ``prepared`` handing Streamlit the dict: the counter must see validation."""
    with plotly_validation() as (counts, given), mock.patch.object(lean, "prepared", plain_dict):
        at = open_page(page)
    assert not at.exception
    assert given and all(t is dict for t in given)
    assert counts["figures"] == len(given)  # go.Figure(**dict), once per chart drawn
    frames = len(chart(at, "picture")["frames"])
    assert counts["objects"] > frames  # traces, layouts and every frame of the picture


def sent_and_handed(page: str, prepared) -> tuple[dict, list]:
    """What Streamlit sent for each chart after the last rerun, and the dicts the page handed to ``chart()``."""
    handed = []

    def spy(spec: dict):
        handed.append(json.loads(json.dumps(spec)))  # as JSON: tuples become lists, like Streamlit's output
        return prepared(spec)

    with mock.patch.object(lean, "prepared", spy):
        at = open_page(page)
        assert not at.exception
        handed.clear()
        at.run()  # one more rerun, so ``handed`` holds exactly this run's figures
    return {k: chart(at, k) for k in KEYS}, handed


@pytest.mark.parametrize("page", PAGES)
def test_streamlit_sends_our_figure_dict_unchanged(page):
    """PreparedFigure skips plotly.py's validation; if Streamlit changes how it reads figures, this fails."""
    sent, handed = sent_and_handed(page, lean.prepared)
    assert len(handed) == len(KEYS)
    for key, fig in sent.items():
        assert fig in handed, f"the {key} chart is not the dict the {page} page drew"


def test_control_a_validated_dict_is_not_sent_unchanged():
    """The equality above can fail: validation rewrites the figure (at least it adds plotly's template)."""
    sent, handed = sent_and_handed("descent", plain_dict)
    assert len(handed) == len(KEYS)
    assert all(fig not in handed for fig in sent.values())
    assert all("template" in fig["layout"] for fig in sent.values())


@pytest.mark.parametrize("page", PAGES)
def test_each_charts_data_revision_is_the_digest_of_the_data_it_sends(page):
    """``layout.datarevision`` lets plotly.js's ``Plotly.react`` skip comparing data arrays: set where a cached
    figure is built (app_pages/work.py), it must still describe the data sent, or a redraw into the same
    graph would keep the old picture. A change of the run changes it; the same run keeps it."""
    at = open_page(page)  # the page after a learning-rate change
    before = {key: chart(at, key) for key in KEYS}
    at.run()
    again = {key: chart(at, key) for key in KEYS}
    key, _ = PAGES[page]
    at.number_input(key=key).set_value(0.03).run()
    after = {key: chart(at, key) for key in KEYS}
    assert not at.exception
    for figs in (before, after):
        for name, fig in figs.items():
            assert fig["layout"]["datarevision"] == lean.revision(fig), name
    for name in KEYS:
        assert again[name]["layout"]["datarevision"] == before[name]["layout"]["datarevision"]
        assert after[name]["layout"]["datarevision"] != before[name]["layout"]["datarevision"]

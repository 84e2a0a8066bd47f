"""The basins page in AppTest."""

from __future__ import annotations

import json

import landscapes
from tests.app.test_race_and_lessons import open_page


def test_the_basin_map_opens_with_its_legend_and_writes_the_url():
    at = open_page("app_pages/basins.py", {"n": "40"})
    assert not at.exception
    assert at.query_params["surface"] == landscapes.BASINS_DEFAULT and at.query_params["n"] == "40"
    fig = json.loads(at.get("plotly_chart")[0].proto.spec)
    names = [t.get("name", "") for t in fig["data"]]
    assert sum(name.startswith("minimum (") for name in names) == 4  # Himmelblau's four basins
    assert fig["layout"]["images"][0]["source"].startswith("data:image/png;base64,")


def test_knobs_change_the_map():
    at = open_page("app_pages/basins.py", {"surface": "terrain", "n": "40", "opt": "momentum", "lr": "0.1"})
    before = at.get("plotly_chart")[0].proto.spec
    at.slider(key="momentum").set_value(0.0).run()
    assert not at.exception and at.query_params["momentum"] == "0"
    assert at.get("plotly_chart")[0].proto.spec != before
    at.slider(key="n").set_value(60).run()
    assert at.query_params["n"] == "60"


def test_a_hostile_link_gets_a_note_and_a_map():
    at = open_page("app_pages/basins.py", {"n": "1e9", "surface": "<b>x</b>", "opt": "lbfgs"})
    assert not at.exception and at.warning and at.get("plotly_chart")


def test_the_largest_grid_with_the_most_steps_draws_a_map():
    at = open_page("app_pages/basins.py", {"n": "300", "steps": "1000"})  # once raised in the engine
    assert not at.exception and at.get("plotly_chart")

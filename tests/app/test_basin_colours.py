"""The basins page in AppTest: the basin of a minimum keeps its colour when the optimizer, its rate or
its knobs change through the widgets (issue 22: on Himmelblau, gradient descent → momentum once
swapped the colours of (3, 2) and (−2.81, 3.13))."""

from __future__ import annotations

import base64
import io
import json

import numpy as np
from PIL import Image

import landscapes
from tests.app.test_race_and_lessons import open_page

N = 40


def colours_of(at) -> dict[str, tuple]:
    """Each declared minimum's colour as the page draws it: the map's pixel at the start nearest the
    minimum, and the legend's swatch of the entry that names it."""
    fig = json.loads(at.get("plotly_chart")[0].proto.spec)
    surface = landscapes.get(at.query_params["surface"])
    (x0, x1), (y0, y1) = surface.bounds
    n = int(at.query_params["n"])
    xs, ys = np.linspace(x0, x1, n), np.linspace(y0, y1, n)
    uri = fig["layout"]["images"][0]["source"]
    image = Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))).convert("RGB")
    legend = {t["name"].split(":")[0]: t["marker"]["color"] for t in fig["data"] if ": " in str(t.get("name", ""))}
    out = {}
    for x, y in surface.minima:
        i, j = int(np.abs(ys - y).argmin()), int(np.abs(xs - x).argmin())
        name = f"minimum ({x:.3g}, {y:.3g})"
        out[name] = (image.getpixel((j, n - 1 - i)), legend[name])
    return out


def test_switching_the_optimizer_keeps_each_minimums_colour():
    at = open_page("app_pages/basins.py", {"surface": "himmelblau", "n": str(N)})
    assert not at.exception and at.query_params["opt"] == "sgd"
    before = colours_of(at)
    assert len({pixel for pixel, _ in before.values()}) == 4  # four basins, four colours
    for pixel, swatch in before.values():  # the legend's swatch is the map's colour
        assert pixel == tuple(int(swatch[k:k + 2], 16) for k in (1, 3, 5))
    at.selectbox(key="opt").set_value("momentum").run()
    assert not at.exception and at.query_params["opt"] == "momentum"
    assert colours_of(at) == before
    assert colours_of(at)["minimum (3, 2)"] == before["minimum (3, 2)"]
    at.slider(key="momentum").set_value(0.5).run()  # a knob
    assert not at.exception and colours_of(at) == before
    at.selectbox(key="opt").set_value("adam").run()
    at.number_input(key="lr").set_value(0.2).run()  # and a rate
    assert not at.exception and at.query_params["lr"] == "0.2" and colours_of(at) == before


def test_a_link_gives_the_same_colours_as_the_widgets():
    query = {"surface": "himmelblau", "n": str(N), "opt": "momentum", "lr": "0.002"}
    by_link = colours_of(open_page("app_pages/basins.py", query))
    at = open_page("app_pages/basins.py", {"surface": "himmelblau", "n": str(N)})
    at.selectbox(key="opt").set_value("momentum").run()
    assert at.query_params["lr"] == "0.002" and colours_of(at) == by_link

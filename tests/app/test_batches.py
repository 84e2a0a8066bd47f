"""The batches page in AppTest: the picture with the data, the URL both ways, bad links, the step
bridge, the gradient cloud and the training loop."""

from __future__ import annotations

import numpy as np
import pytest

import landscapes
from optim import batches
from settings.batches import parse_batches
from tests.app.conftest import bridge, chart, chart_keys
from tests.app.test_race_and_lessons import open_page
from viz.encode import decode

PAGE = "app_pages/batches.py"


def fits(fig: dict, frame: int) -> list[list]:
    """Each lane's fit line (the model over the data) in one frame."""
    moving = fig["frames"][frame]["data"]
    styles = fig["data"][-len(moving):]
    return [decode(d["y"]).tolist() for d, style in zip(moving, styles, strict=True)
            if str(style.get("name", "")).endswith(": fit")]


def test_the_page_opens_on_real_data_with_three_flavours_and_the_data_beside_them():
    at = open_page(PAGE)
    assert not at.exception and not at.warning and not at.error
    assert at.query_params["data"] == "tips" and at.query_params["compare"] == "epochs"
    assert chart_keys(at) == ["picture", "cloud", "spread"]
    assert any("2/L = 1;" in c.value for c in at.caption)  # the usable rates, computed for this surface
    fig = chart(at, "picture")
    names = [t.get("name", "") for t in fig["data"]]
    for label in ("Full batch", "SGD (batch 1)", "Mini-batch of 16"):
        assert f"{label}: whole path" in names and f"{label}: fit" in names
    scatter = next(t for t in fig["data"] if t.get("name") == "data")
    assert decode(scatter["x"]).size == 244
    assert fig["layout"]["sliders"][0]["currentvalue"]["prefix"] == "samples seen "
    # the fits move with the frames: the first frame's lines differ from the last one's
    assert fits(fig, 0) != fits(fig, -1) and len(fits(fig, 0)) == 3


def test_each_fit_is_the_model_at_its_lanes_point_in_every_frame():
    at = open_page(PAGE, {"data": "iris", "epochs": "3"})
    fig = chart(at, "picture")
    b, _ = parse_batches(dict(at.query_params))
    runs = batches.compare(b.landscape, b.lr, (b.x0, b.y0), b.epochs, b.batch)
    _, index = batches.timeline(runs, "epochs")
    model = b.landscape.model
    grid = np.linspace(model.x.min(), model.x.max(), 25)
    for frame in (0, len(fig["frames"]) // 2, -1):
        tick = int(fig["frames"][frame]["name"])
        for run, at_tick, shown in zip(runs, index, fits(fig, frame), strict=True):
            expected = model.predict(run.trajectory.points[at_tick[tick]], grid)
            np.testing.assert_allclose(np.array(shown, dtype=float), expected, rtol=1e-6, atol=1e-7)  # float32


def test_the_url_follows_the_knobs_and_a_data_switch_resets_its_defaults():
    at = open_page(PAGE)
    at.slider(key="batch").set_value(32).run()
    assert not at.exception and at.query_params["batch"] == "32"
    at.radio(key="compare").set_value("updates").run()
    assert at.query_params["compare"] == "updates"
    assert chart(at, "picture")["layout"]["sliders"][0]["currentvalue"]["prefix"] == "update "
    at.selectbox(key="data").set_value("linear_regression").run()
    assert not at.exception
    q = at.query_params
    assert (q["data"], q["lr"], q["x0"], q["y0"], q["epochs"]) == ("linear_regression", "0.01", "0", "0", "100")
    assert "scaled" not in q  # the classic set has no raw twin
    assert not [t for t in at.toggle if t.key == "scaled"]  # no raw twin, no toggle


def test_unscaled_features_switch_the_surface_and_its_rate():
    at = open_page(PAGE)
    at.toggle(key="scaled").set_value(False).run()
    assert not at.exception
    assert at.query_params["scaled"] == "0" and at.query_params["lr"] == "0.0003"
    assert landscapes.get("tips_unscaled").title in at.markdown[0].value


@pytest.mark.parametrize("query", [
    {"batch": "0"}, {"batch": "1000"}, {"batch": "abc"}, {"epochs": "99999999"}, {"k": "nan"},
    {"data": "<script>"}, {"lr": "1e9"}, {"x0": "inf", "y0": "-inf"}, {"compare": "x", "sched": "warmup_cosine"},
    {"loop": "🙂", "seed": "-1"}, {"data": "tips", "scaled": "0", "lr": "10"},
])
def test_a_bad_link_gets_a_note_and_a_picture(query):
    at = open_page(PAGE, query)
    assert not at.exception and chart(at, "picture")
    if query != {"data": "tips", "scaled": "0", "lr": "10"}:
        assert at.warning
    else:  # valid, but far too large for a ravine: said plainly
        assert at.error and "left the surface" in at.error[0].value


def test_the_step_bridge_moves_the_cloud_and_keeps_the_picture():
    at = open_page(PAGE, {"epochs": "5"})
    assert any("mini-batch's point (-1, 0.5)" in m.value for m in at.markdown)
    before = at.get("plotly_chart")[0].proto.spec
    cloud_before = chart(at, "cloud")
    at = bridge(at, step=600)
    assert not at.exception and at.query_params["k"] == "600"
    assert at.get("plotly_chart")[0].proto.spec == before  # the picture is not redrawn
    assert chart(at, "cloud") != cloud_before  # the cloud is at the mini-batch's new point
    assert not any("mini-batch's point (-1, 0.5)" in m.value for m in at.markdown)


def test_the_training_loop_shows_code_a_table_and_a_download():
    at = open_page(PAGE, {"data": "linear_regression"})
    code = at.code[0].value
    assert "for epoch in range(100):" in code and "lr = 0.01" in code and "rng" not in code
    table = at.dataframe[1].value
    assert list(table.iloc[0]) == [0, "0.500", "0.140", "57.0000"]
    assert at.code[1].value == "Learned: y = 2.08x + 0.70"
    at.radio(key="loop").set_value("sgd").run()
    assert at.query_params["loop"] == "sgd"
    assert "rng = np.random.default_rng([0, 0])" in at.code[0].value and "range(0, len(x), 1)" in at.code[0].value


def test_a_lesson_link_shows_its_caption_above_the_picture():
    import lessons

    preset = lessons.get("batches-schedule")
    at = open_page(PAGE, {**preset.full_query(), "lesson": preset.id})
    assert not at.exception and not at.warning
    assert at.info and preset.title in at.info[0].value
    assert at.query_params["sched"] == "cosine"

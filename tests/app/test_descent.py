"""The descent page under AppTest: it renders, every control does its job, links reproduce it, and
hostile links render with a note instead of an exception."""

import numpy as np
import pytest

import settings
from tests.app.conftest import chart, open_app
from viz.encode import decode


def contour_path(at):
    fig = chart(at, "contour")
    whole = next(t for t in fig["data"] if t.get("name") == "whole path")
    return np.column_stack([decode(whole["x"]), decode(whole["y"])])


def test_default_page_renders_three_charts_and_writes_the_url(app):
    assert not app.exception
    assert len(app.get("plotly_chart")) == 3
    s, _ = settings.parse(dict(app.query_params))
    assert dict(app.query_params) == settings.to_query(settings.defaults())
    assert s == settings.defaults()
    assert not app.error  # the default picture does not diverge


def test_contour_frames_carry_only_what_moves(app):
    fig = chart(app, "contour")
    assert 1 < len(fig["frames"]) <= 150
    assert all(len(frame["data"]) == 4 for frame in fig["frames"])
    assert fig["layout"]["images"][0]["source"].startswith("data:image/png;base64,")
    assert not any(t["type"] in ("contour", "heatmap") for t in fig["data"])


CHANGES = [
    ("selectbox", "surface", "rosenbrock", {"surface": "rosenbrock"}),
    ("selectbox", "opt", "adam", {"opt": "adam"}),
    ("number_input", "lr", 0.02, {"lr": "0.02"}),
    ("select_slider", "lr_slider", 0.05, {"lr": "0.05"}),
    ("slider", "steps", 40, {"steps": "40"}),
    ("number_input", "x0", 1.0, {"x0": "1"}),
    ("number_input", "y0", -1.0, {"y0": "-1"}),
    ("slider", "noise", 0.5, {"noise": "0.5"}),
    ("number_input", "seed", 3, {"seed": "3"}),
    ("number_input", "wd", 0.1, {"wd": "0.1"}),
    ("selectbox", "sched", "exponential", {"sched": "exponential", "gamma": "0.99"}),
]


@pytest.mark.parametrize(("kind", "key", "value", "expected"), CHANGES, ids=[c[1] for c in CHANGES])
def test_every_control_changes_the_url_and_the_picture(app, kind, key, value, expected):
    before = contour_path(app)
    getattr(app, kind)(key=key).set_value(value)
    app.run()
    assert not app.exception
    for k, v in expected.items():
        assert app.query_params[k] == v
    if key != "seed":  # the seed only matters with noise
        assert not np.array_equal(before, contour_path(app), equal_nan=True)


@pytest.mark.parametrize(
    ("opt", "kind", "key", "value"),
    [("momentum", "slider", "momentum", 0.5), ("nesterov", "slider", "momentum", 0.5),
     ("rmsprop", "slider", "alpha", 0.9), ("adam", "slider", "beta1", 0.5), ("adam", "slider", "beta2", 0.9),
     ("adam", "toggle", "bc", False), ("adagrad", "number_input", "eps", 1e-3)],
)
def test_optimizer_knobs_change_the_path(opt, kind, key, value):
    at = open_app({"surface": "ravine", "opt": opt})
    before = contour_path(at)
    getattr(at, kind)(key=key).set_value(value)
    at.run()
    assert not at.exception
    assert at.query_params[key] == settings.readers.fmt(value)
    assert not np.array_equal(before, contour_path(at))


def test_surface_change_resets_start_and_learning_rate_to_that_surface():
    at = open_app()
    at.selectbox(key="surface").set_value("rosenbrock").run()
    d = settings.defaults("rosenbrock", "sgd")
    assert float(at.query_params["x0"]) == d.x0 and float(at.query_params["lr"]) == d.lr


def test_the_3d_view_can_be_switched_off():
    at = open_app()
    at.toggle(key="view3d").set_value(False).run()
    assert at.query_params["view3d"] == "0"
    assert [e.proto.id.rsplit("-", 1)[1] for e in at.get("plotly_chart")] == ["contour", "loss"]


def test_schedule_parameters_and_lr_curve_appear_with_a_schedule():
    at = open_app({"sched": "step"})
    assert len(at.get("plotly_chart")) == 4
    at.slider(key="step_size").set_value(10).run()
    assert at.query_params["step_size"] == "10"


def test_data_surface_offers_mini_batches():
    at = open_app({"surface": "noisy_regression"})
    at.selectbox(key="batch").set_value("8").run()
    assert at.query_params["batch"] == "8" and "noise" not in at.query_params


def test_inspected_step_moves_the_equations_and_markers():
    at = open_app({"surface": "bowl", "opt": "adam", "k": "0"})
    first = [e.value for e in at.get("latex")]
    at.slider(key="k").set_value(5).run()
    assert [e.value for e in at.get("latex")] != first
    assert any(r"\hat m_{6}" in e.value for e in at.get("latex"))


def test_a_link_with_every_parameter_reproduces_the_same_figures():
    query = {"surface": "himmelblau", "opt": "nesterov", "lr": "0.003", "momentum": "0.8", "wd": "0.01",
             "sched": "cosine", "t_max": "120", "eta_min": "0.0001", "steps": "150", "x0": "-1", "y0": "0.5",
             "noise": "0.3", "seed": "9", "k": "17", "view3d": "1"}
    first = open_app(query)
    again = open_app(dict(first.query_params))
    assert dict(first.query_params) == query
    for key in ("contour", "surface3d", "loss", "lrs"):
        assert chart(first, key) == chart(again, key)


def test_divergence_shows_a_plain_banner_with_the_step_and_the_limit():
    at = open_app({"surface": "bowl", "opt": "sgd", "lr": "1.5"})
    (banner,) = at.error
    assert "diverged at step 5" in banner.value and "2/L = 1" in banner.value and "L = 2" in banner.value
    assert len(at.get("plotly_chart")) == 3  # the picture is still drawn


HOSTILE = [
    {"lr": "abc"}, {"lr": "nan"}, {"lr": "NaN"}, {"lr": "inf"}, {"lr": "-inf"}, {"lr": "1e308"}, {"lr": "-5"},
    {"lr": "0"}, {"lr": ""}, {"lr": "1e-400"}, {"steps": "-1"}, {"steps": "1e12"}, {"steps": "99999999999999999999"},
    {"steps": "2.5"}, {"steps": "0x10"}, {"surface": "moon"}, {"surface": "<script>alert(1)</script>"},
    {"opt": "lbfgs"}, {"opt": "__import__('os')"}, {"sched": "forever"}, {"x0": "1e308", "y0": "-1e308"},
    {"x0": "nan"}, {"momentum": "1.5", "opt": "momentum"}, {"momentum": "-0.1", "opt": "nesterov"},
    {"beta1": "1", "opt": "adam"}, {"beta2": "2", "opt": "adamw"}, {"eps": "0", "opt": "adam"},
    {"alpha": "nan", "opt": "rmsprop"}, {"wd": "1e9"}, {"bc": "yes", "opt": "adam"}, {"batch": "0", "surface": "tiny_net"},
    {"batch": "1000", "surface": "linear_regression"}, {"batch": "full", "surface": "bowl"}, {"noise": "-3"},
    {"seed": "-1"}, {"seed": "1e30"}, {"k": "5000"}, {"k": "-2"}, {"sched": "step", "step_size": "0"},
    {"sched": "warmup_cosine", "warmup": "900", "t_max": "10"}, {"gamma": "7", "sched": "exponential"},
    {"lr": ["0.1", "0.3", "abc"]}, {"**bold**": "[link](javascript:alert(1))"}, {"surface": "bowl" * 500},
    {"lr": "1" * 5000}, {"t_max": "1.5", "sched": "cosine"}, {"eta_min": "-1", "sched": "cosine"},
]


@pytest.mark.parametrize("query", HOSTILE, ids=[str(i) for i in range(len(HOSTILE))])
def test_hostile_links_render_with_a_note_and_no_exception(query):
    at = open_app(query)
    assert not at.exception
    assert len(at.get("plotly_chart")) >= 3
    text = " ".join(w.value for w in at.warning) + " ".join(e.value for e in at.error)
    assert "<script" not in text and "javascript:" not in text
    s, notes = settings.parse(query)
    if notes:
        assert at.warning, f"no note shown for {query}"
    assert dict(at.query_params) == settings.to_query(s)


def test_at_least_forty_hostile_links():
    assert len(HOSTILE) >= 40

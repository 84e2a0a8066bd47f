"""The descent page under AppTest: it renders, every control does its job, links reproduce it, and
hostile links render with a note instead of an exception."""

import numpy as np
import pytest

import settings
from tests.app.conftest import bridge, chart, chart_keys, one_run_each, open_app, outcome_of, same, stands_for, whole_paths
from viz import player, so_far
from viz.encode import decode


def contour_path(at):
    (path,) = whole_paths(chart(at, "picture"))
    return path


def test_default_page_renders_the_picture_and_the_3d_view_and_writes_the_url(app):
    assert not app.exception
    assert chart_keys(app) == ["picture", "surface3d"]
    s, _ = settings.parse(dict(app.query_params))
    assert dict(app.query_params) == settings.to_query(settings.defaults())
    assert s == settings.defaults()
    assert not app.error  # the default picture does not diverge


def test_contour_frames_carry_only_what_moves(app):
    fig = chart(app, "picture")
    steps = settings.defaults().steps
    assert [int(frame["name"]) for frame in fig["frames"]] == list(player.frame_steps(steps))
    assert 1 < len(fig["frames"]) <= player.MAX_FRAMES + 1
    moving = fig["frames"][0]["traces"]
    # the last traces move: the path so far and its casing (blocks switched on by opacity, and a tail:
    # viz/so_far.py), the curvature cross's two, point, loss marker, 2 arrows, the numbers
    blocks = 2 * (so_far.blocks(len(fig["frames"])) + 1)
    assert moving == list(range(len(fig["data"]) - len(moving), len(fig["data"]))) and len(moving) <= blocks + 7
    for frame in fig["frames"]:
        assert frame["traces"] == moving and len(frame["data"]) == len(moving)
        # coordinates and text, or a block switched on or off: no styles
        assert all(set(t) <= {"x", "y", "text"} or set(t) == {"opacity"} for t in frame["data"])
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
    assert chart_keys(at) == ["picture"]


def lr_curves(fig):
    return [t for t in fig["data"] if t.get("xaxis") == "x4" and t.get("yaxis") == "y4" and t["mode"] == "lines"]


def test_schedule_parameters_and_lr_curve_appear_with_a_schedule(app):
    assert not lr_curves(chart(app, "picture")) and "xaxis4" not in chart(app, "picture")["layout"]
    at = open_app({"sched": "step"})
    assert chart_keys(at) == ["picture", "surface3d"]  # the lr curve is in the picture, on axes x4/y4
    fig = chart(at, "picture")
    lrs = [(decode(t["x"]), decode(t["y"])) for t in lr_curves(fig)]
    assert lrs and "xaxis4" in fig["layout"] and "yaxis4" in fig["layout"]
    # one η per update, drawn from the corners of its stairs (curves.corners); it decays
    assert all(x[0] == 0 and x[-1] == settings.defaults().steps - 1 and y[-1] < y[0] for x, y in lrs)
    assert all(np.all(np.diff(y) <= 0) and len(np.unique(y)) == 4 for _, y in lrs)  # halved every 25 of 100
    at.slider(key="step_size").set_value(10).run()
    assert at.query_params["step_size"] == "10"


def test_data_surface_offers_mini_batches():
    at = open_app({"surface": "noisy_regression"})
    at.selectbox(key="batch").set_value("8").run()
    assert at.query_params["batch"] == "8" and "noise" not in at.query_params


def test_inspected_step_moves_the_equations_and_markers():
    at = open_app({"surface": "bowl", "opt": "adam", "k": "0"})
    first = [e.value for e in at.get("latex")]
    marker = chart(at, "surface3d")
    at.session_state["k"] = 5  # a step set in the session (the player's bridge sets "k")
    at.run()
    assert not at.exception and at.query_params["k"] == "5"
    assert [e.value for e in at.get("latex")] != first
    assert any(r"\hat m_{6}" in e.value for e in at.get("latex"))
    assert chart(at, "surface3d") != marker  # the 3D view's marker follows the step


def shown_step(fig) -> int:
    """The step the picture is drawn at: its scrubber's active step."""
    slider = fig["layout"]["sliders"][0]
    return int(slider["steps"][slider["active"]]["label"])


def test_the_players_step_moves_the_url_and_the_equations_but_not_the_picture():
    """Where the player stopped, the browser already shows: the picture's JSON stays the one drawn
    (so the browser does not redraw it, app_pages/player.py picture_step) while the URL, the worked
    equations and the 3D marker follow the step the bridge reported."""
    at = open_app({"surface": "bowl", "opt": "adam", "k": "0"})
    picture, marker = chart(at, "picture"), chart(at, "surface3d")
    bridge(at, step=7)
    assert not at.exception and at.query_params["k"] == "7"
    assert chart(at, "picture") == picture
    assert any(r"\hat m_{8}" in e.value for e in at.get("latex"))  # the update from step 7 to step 8
    assert any("the update to step 8" in m.value for m in at.markdown)
    assert chart(at, "surface3d") != marker
    bridge(at, step=12)  # the player moved on: still the same picture
    assert at.query_params["k"] == "12" and chart(at, "picture") == picture
    assert any(r"\hat m_{13}" in e.value for e in at.get("latex"))
    # control: the same kind of change set another way (the session, not the bridge) redraws it
    at.session_state["k"] = 7
    at.run()
    assert at.query_params["k"] == "7" and chart(at, "picture") != picture
    assert shown_step(chart(at, "picture")) == 7


@pytest.mark.parametrize(("query", "shown"), [
    ({"surface": "bowl", "k": "7"}, 7),
    ({"surface": "bowl", "k": "0"}, 0),
    ({"surface": "rosenbrock", "k": "7"}, 5),  # 1 000 steps: a frame every 5th step, the nearest is shown
])
def test_a_link_with_a_step_draws_the_picture_at_that_step(query, shown):
    """Between frames, the step snaps to the nearest: URL, equations and picture all say the same."""
    at = open_app(query)
    assert not at.exception and at.query_params["k"] == str(shown)
    assert any(f"At step {shown}:" in e.value for e in at.markdown)
    fig = chart(at, "picture")
    assert shown_step(fig) == shown
    frame = next(f for f in fig["frames"] if f["name"] == str(shown))
    drawn = [{key: fig["data"][i][key] for key in moved}
             for i, moved in zip(frame["traces"], frame["data"], strict=True)]
    assert drawn == frame["data"]  # what moves is drawn as that step's frame has it


def test_a_click_on_the_surface_moves_the_start_there_and_rewinds():
    at = open_app({"surface": "bowl", "opt": "sgd", "k": "12"})
    bridge(at, click={"x": 0.12345, "y": -0.5})
    assert not at.exception
    assert (at.query_params["x0"], at.query_params["y0"], at.query_params["k"]) == ("0.123", "-0.5", "0")
    (path,) = whole_paths(chart(at, "picture"))
    np.testing.assert_allclose(path[0], [0.123, -0.5], rtol=1e-6)  # float32 in the figure
    assert shown_step(chart(at, "picture")) == 0
    bridge(at, click={"x": 1e5, "y": -1e5})  # off the surface: the settings clamp it into the view
    (_, x1), (y0, _) = settings.defaults("bowl").landscape.bounds
    assert (float(at.query_params["x0"]), float(at.query_params["y0"])) == (x1, y0)
    query = dict(at.query_params)
    bridge(at, click={"x": "0.5", "y": None})  # not a point: nothing moves
    assert not at.exception and dict(at.query_params) == query


def test_a_link_with_every_parameter_reproduces_the_same_figures():
    query = {"surface": "himmelblau", "opt": "nesterov", "lr": "0.003", "momentum": "0.8", "wd": "0.01",
             "sched": "cosine", "t_max": "120", "eta_min": "0.0001", "steps": "150", "x0": "-1", "y0": "0.5",
             "noise": "0.3", "seed": "9", "k": "17", "view3d": "1"}
    first = open_app(query)
    again = open_app(dict(first.query_params))
    assert dict(first.query_params) == query
    assert chart_keys(first) == ["picture", "surface3d"]
    assert lr_curves(chart(first, "picture"))  # the schedule's curve is part of what is compared
    for key in ("picture", "surface3d"):
        assert chart(first, key) == chart(again, key)


def test_divergence_shows_a_plain_banner_with_the_step_and_the_limit():
    at = open_app({"surface": "bowl", "opt": "sgd", "lr": "1.5"})
    (banner,) = at.error
    assert "diverged at step 5" in banner.value and "2/L = 1" in banner.value and "L = 2" in banner.value
    assert chart_keys(at) == ["picture", "surface3d"]  # the picture is still drawn


def test_the_curvature_sentence_says_why_with_the_numbers_of_the_step():
    """Diverged: the banner adds the curvature at the inspected step (past the divergence: the last
    step before the run left); numbers from the surface's Hessian, not from the test."""
    at = open_app({"surface": "bowl", "opt": "sgd", "lr": "1.2", "k": "3"})
    assert not at.exception
    s, _ = settings.parse(dict(at.query_params))
    traj = settings.run(s)
    left = int(traj.diverged_at)
    product = 1.2 * np.linalg.eigvalsh(s.landscape.hessian(traj.points[3]))[-1]
    assert left > 3 and f"{product:.3g}" == "2.4"
    (banner,) = at.error
    assert "At step 3 the steepest curvature is λ_max = 2; η·λ_max = 2.4 > 2: each step overshoots" in banner.value
    assert banner.value.endswith("which is why the run diverged.")
    assert not [c for c in at.caption if "steepest curvature" in c.value]  # said once, in the banner
    at = open_app({"surface": "bowl", "opt": "sgd", "lr": "1.2", "k": str(left + 5)})
    assert f"At step {left - 1} the steepest curvature is λ_max = 2; η·λ_max = 2.4 > 2" in at.error[0].value


@pytest.mark.parametrize(("query", "says"), [
    ({"surface": "ravine", "opt": "sgd", "lr": "0.09", "k": "5"},
     "At step 5 the steepest curvature is λ_max = 20; η·λ_max = 1.8 < 2"),
    ({"surface": "saddle", "opt": "sgd", "lr": "0.05", "k": "0"}, "Along (0, 1) it curves down (λ_min = −2)"),
    ({"surface": "rosenbrock", "opt": "adam", "k": "0"}, "but Adam rescales each step"),
])
def test_a_run_that_stays_gets_the_sentence_too_and_the_cross(query, says):
    at = open_app(query)
    assert not at.exception and not at.error
    assert any(says in c.value for c in at.caption)
    names = [t.get("name") for t in chart(at, "picture")["data"]]
    assert "curvature: curves up" in names and "curvature: curves down" in names


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


# one page run for each distinct outcome of the parser (tests/app/conftest.py, one_run_each)
HOSTILE_RUNS = one_run_each(HOSTILE, lambda query: outcome_of(settings.parse, query))


@pytest.mark.parametrize("query", HOSTILE, ids=[str(i) for i in range(len(HOSTILE))])
def test_a_hostile_link_parses_as_the_page_run_that_stands_for_it(query):
    """Each note is plain text (the page shows it verbatim: the test below), and the link parses as the one
    whose page run stands for it."""
    s, notes = settings.parse(query)
    assert all(isinstance(n, str) and "<script" not in n and "javascript:" not in n for n in notes), notes
    first = stands_for(HOSTILE_RUNS, query)
    assert same(outcome_of(settings.parse, first), (s, bool(notes))), first


@pytest.mark.parametrize(("query", "others"), HOSTILE_RUNS,
                         ids=[str(HOSTILE.index(first)) for first, _ in HOSTILE_RUNS])
def test_hostile_links_render_with_a_note_and_no_exception(query, others):
    """``others``: the links that parse as this one (the test above), so they run the page as it does."""
    at = open_app(query)
    assert not at.exception
    assert chart_keys(at) == ["picture", "surface3d"]
    text = " ".join(w.value for w in at.warning) + " ".join(e.value for e in at.error)
    assert "<script" not in text and "javascript:" not in text
    s, notes = settings.parse(query)
    if notes:
        assert at.warning, f"no note shown for {query}"
        assert all(note in text for note in notes), (notes, text)  # verbatim: another link's notes show as theirs
    assert dict(at.query_params) == settings.to_query(s)


def test_at_least_forty_hostile_links():
    assert len(HOSTILE) >= 40

"""issue 26: the real-network page in AppTest. It opens on a link, draws the projected path and the true
loss curve of the engine's own run, says what the plane holds with the study's own numbers, and a
hostile link gets notes and the page."""

import numpy as np
from streamlit.testing.v1 import AppTest

import optim
from landscapes import network as nets
from settings import network as network_settings
from settings import network_race as race_settings
from tests.app.conftest import APP, chart, open_app, whole_paths
from viz.encode import decode
from viz.network import sweep_words

PAGE = "app_pages/network.py"


def open_network(query=None):
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.switch_page(PAGE)
    return at.run()


def loss_curve(fig: dict) -> np.ndarray:
    """The path's loss curve as drawn (its corners: a flat stretch is drawn from its ends)."""
    (trace,) = [t for t in fig["data"] if t.get("yaxis") == "y2" and t.get("hoverinfo") != "skip"
                and t.get("mode") == "lines"]
    return np.column_stack([decode(trace["x"]), decode(trace["y"])])


def test_the_default_link_draws_the_engines_path_and_its_true_loss():
    at = open_network()
    assert not at.exception
    s, _ = network_settings.parse_network({})
    study = network_settings.study(s)
    fig = chart(at, "picture")
    (drawn,) = whole_paths(fig)
    assert len(drawn) >= 2 and np.isfinite(drawn).all()
    # every drawn vertex is a projected step of the run (the drawing keeps every turn, adds none)
    distances = np.abs(drawn[:, None, :] - study.coords[None, :, :]).max(-1).min(-1)
    assert distances.max() < 1e-5 * np.abs(study.coords).max()
    curve = loss_curve(fig)
    np.testing.assert_allclose(curve[:, 1], study.trajectory.losses[curve[:, 0].astype(int)], rtol=1e-6)
    caption = " ".join(c.value for c in at.caption)
    first, second = study.plane.explained
    assert f"{first:.1%} + {second:.1%}" in caption and "true loss" in caption
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Final loss (cross-entropy)"] == f"{study.trajectory.losses[-1]:.4g}"
    assert metrics["Flowers classified right"] == f"{study.accuracy[-1]:.1%}"
    assert dict(at.query_params) == network_settings.to_network_query(s)
    words = sweep_words(network_settings.curvature(study), network_settings.SWEEP_STEPS)
    assert words in [m.value for m in at.markdown]
    (line,) = [t for t in chart(at, "surface3d")["data"] if t["type"] == "scatter3d" and t["mode"] == "lines"]
    np.testing.assert_allclose(np.column_stack([decode(line["x"]), decode(line["y"])]), study.coords, rtol=1e-6)


def test_a_random_plane_and_another_rule_follow_the_controls():
    at = open_network()
    at.radio(key="plane").set_value("random").run()
    assert at.query_params["plane"] == "random"
    assert "variance" not in " ".join(c.value for c in at.caption)
    at.selectbox(key="opt").set_value("sgd").run()
    assert at.query_params["opt"] == "sgd"
    assert float(at.query_params["lr"]) == network_settings.default_lr("sgd")
    assert not at.exception


def test_a_hostile_link_gets_notes_and_the_page():
    at = open_network({"opt": "<script>", "lr": "1e999", "steps": "-4", "batch": "NaN", "plane": "x", "k": "9e9",
                       "seed": "abc"})
    assert not at.exception
    warning = " ".join(w.value for w in at.warning)
    assert "opt=?script?" in warning and "steps=-4" in warning and "<" not in warning
    assert chart(at, "picture")["data"]


def test_a_rate_too_large_says_the_weights_left():
    at = open_network({"opt": "rmsprop", "lr": "10"})  # plain descent at 10 still trains: tanh bounds its steps
    assert not at.exception
    assert any("left at step" in e.value for e in at.error)


def test_open_app_reaches_the_page_from_the_registry():
    at = open_app()
    at.switch_page(PAGE).run()
    assert not at.exception and chart(at, "picture")


def test_the_race_shows_each_rules_tuned_run_on_the_shared_plane():
    query = {"race": "1", "steps": "40", "batch": "32", "seed": "3"}
    at = open_network(query)
    assert not at.exception and at.query_params["race"] == "1"
    s, _ = network_settings.parse_network(query)
    race = race_settings.race_study(s.run_settings, race_settings.tuning(s.run_settings))
    table = at.dataframe[0].value
    assert len(table) == 7
    by_rule = {row["optimizer"]: row for _, row in table.iterrows()}
    for lane, lr in zip(race.lanes, race.tuned, strict=True):
        row = by_rule[optim.rule(lane.name).title]
        assert row["tuned η"] == f"{lr:.3g}" and row["final loss"] == f"{lane.trajectory.losses[-1]:.4g}"
        alone = optim.descend(nets.iris(), optim.get(lane.name, lr=lr), nets.iris().init(3), 40, batch_size=32, seed=3)
        np.testing.assert_allclose(lane.trajectory.points, alone.points, rtol=1e-10, atol=1e-12)
    paths = whole_paths(chart(at, "picture"))
    assert len(paths) == 7
    caption = " ".join(c.value for c in at.caption)
    assert f"{race.plane.explained[0]:.1%} + {race.plane.explained[1]:.1%}" in caption

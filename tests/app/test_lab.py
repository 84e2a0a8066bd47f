"""The learning-rate lab under AppTest: every part draws, links set it, bad links get notes."""

import json

import pytest

import lessons
from tests.app.test_race_and_lessons import open_page

PAGE = "app_pages/learning_rate.py"


def chart_count(at) -> int:
    return len(at.get("plotly_chart"))


@pytest.mark.parametrize("part", ["line", "regimes", "map", "schedule"])
def test_every_part_draws_under_the_live_picture(part):
    at = open_page(PAGE, {"part": part, "sched": "cosine"} if part == "schedule" else {"part": part})
    assert not at.exception and not at.warning
    assert chart_count(at) == (3 if part == "regimes" else 2)  # the live picture, then the part's
    assert at.query_params["part"] == part if part != "regimes" else "part" not in at.query_params


def test_the_live_picture_carries_every_run_and_the_page_says_so():
    at = open_page(PAGE, {"surface": "bowl", "opt": "adam"})
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    meta = spec["layout"]["meta"]["lab"]
    assert meta["n"] >= 60 and meta["m"] == 7  # 64 rates × seven β₁ values
    assert [s["name"] for s in spec["layout"]["sliders"]] == ["lr", "knob"]
    assert any(f"all {meta['m'] * meta['n']} runs" in c.value for c in at.caption)


def test_the_regimes_come_from_the_sweep_unless_the_link_sets_them():
    at = open_page(PAGE, {"surface": "ravine", "opt": "sgd"})
    assert [at.number_input(key=k).value for k in ("slow", "right", "fast")] == [None, None, None]
    captions = " ".join(c.value for c in at.caption)
    assert "diverges above 0.1" in captions and "fastest 0.09524" in captions  # 2/L and 2/(μ+L), computed
    at.number_input(key="fast").set_value(0.2).run()
    assert not at.exception and at.query_params["fast"] == "0.2"


def test_a_bad_lab_link_gets_notes_and_still_a_picture():
    at = open_page(PAGE, {"part": "<script>", "slow": "abc", "line": "nope", "lr": "1e99", "batch": "3"})
    assert not at.exception and chart_count(at) >= 2
    text = at.warning[0].value
    assert "part=?script? is not one of" in text and "slow=abc" in text and "batch is not a setting" in text


def test_the_momentum_map_names_polyaks_pair_and_a_surface_without_a_minimum_says_so():
    at = open_page(PAGE, {"surface": "ravine", "part": "map"})
    assert any("α = 0.1336, β = 0.4026" in m.value for m in at.markdown)
    at = open_page(PAGE, {"surface": "custom", "f": "x + y", "part": "map"})
    assert not at.exception and any("needs a minimum" in i.value for i in at.info)


def test_a_schedule_part_without_a_schedule_asks_for_one():
    at = open_page(PAGE, {"part": "schedule"})
    assert any("Pick a schedule" in i.value for i in at.info)
    at.selectbox(key="sched").set_value("cosine").run()
    assert not at.exception and chart_count(at) == 2 and at.query_params["sched"] == "cosine"


@pytest.mark.parametrize("opt", ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw"])
def test_every_optimizer_and_a_data_surface(opt):
    at = open_page(PAGE, {"opt": opt, "surface": "tips", "steps": "200"})
    assert not at.exception and not at.warning


def test_the_lab_lessons_open_with_their_caption():
    for preset in (p for p in lessons.PRESETS if p.page == "learning_rate"):
        at = open_page(PAGE, {**preset.full_query(), "lesson": preset.id})
        assert not at.exception and any(preset.title in i.value for i in at.info)

"""The batches page in a real browser: the lanes and their fits on one clock, a lesson link, the
walk to another page and back, and the training loop's CSV."""

import csv
import io
import re
from pathlib import Path

import pytest

import lessons
from support.browser import IDLE, PICTURE, SETTLED, button, open_page, shot_of_surface, surface_visible

pytestmark = pytest.mark.e2e

LABELS = ("Full batch", "SGD (batch 1)", "Mini-batch of 16")
# each lane (in the figure's order): its path so far (its vertices: the blocks switched on and the tail,
# viz/so_far.py) and its fit over the data (the line's y values)
LANES = f"""() => {{ const gd = {PICTURE}; if (!gd || !gd._fullData) return null;
  const named = (name) => gd._fullData.find(t => t.name === name);
  return gd._fullData.filter(t => (t.name || '').endsWith(': so far')).map(path => {{
    const label = path.name.slice(0, -': so far'.length), fit = named(label + ': fit');
    const blocks = gd._fullData.filter(t => (t.name || '').startsWith(path.name + ', to step') && t.opacity > 0);
    return {{label, path: blocks.reduce((n, t) => n + t.x.length - 1, path.x.length),
             fit: fit ? Array.from(fit.y) : null}}; }}); }}"""
STEP = f"Number({PICTURE}.getAttribute('data-step'))"
# the bridge reported where the player stopped: the URL's k is the step the picture shows
STOPPED = f"""(least) => {{ const gd = {PICTURE}; const shown = gd && gd.getAttribute('data-step');
  return shown !== null && Number(shown) >= least && new URLSearchParams(location.search).get('k') === shown; }}"""
# the picture is drawn, with (the batches page) or without (any other) the data it fits beside it
DATA_PANEL = f"""(wanted) => {{ const gd = {PICTURE};
  return !!(gd && gd._fullData) && gd._fullData.some(t => t.name === 'data') === wanted; }}"""
NAV = "[data-testid=stSidebarNav] a"


def query(page) -> dict[str, str]:
    return dict(re.findall(r"[?&]([^=&]+)=([^&]*)", page.url))


def test_play_moves_every_path_and_its_fit_together(page, app_url, errors):
    open_page(page, app_url + "/batches?data=tips&epochs=5")
    before = page.evaluate(LANES)
    assert [lane["label"] for lane in before] == list(LABELS)
    assert all(lane["path"] is not None and lane["fit"] for lane in before), before
    assert page.evaluate(f"() => {PICTURE}._fullLayout.sliders[0].steps.slice(-1)[0].label") == "1220"  # 5 × 244

    button(page, "play").click()
    # samples seen, not seconds: by 400 the full batch has made its first update (at 244)
    page.wait_for_function(f"() => {STEP} >= 400", timeout=60_000)
    during = page.evaluate(LANES)
    for b, d in zip(before, during, strict=True):
        assert d["path"] > b["path"], (b, d)  # every path grew
        assert d["fit"] != b["fit"], (b, d)  # and every fit line moved with it

    assert errors == []
    button(page, "pause").click()
    page.wait_for_function(STOPPED, arg=400, timeout=30_000)  # ~400 ms after the stop, then the rerun
    page.wait_for_selector(IDLE, timeout=30_000)
    paused = int(query(page)["k"])
    assert 400 <= paused <= 1220, paused
    assert page.evaluate(f"() => {PICTURE}._fullLayout.sliders[0].steps[{PICTURE}._fullLayout.sliders[0].active]"
                         ".label") == str(paused)

    if paused < 1220:  # Play again from there, to the end
        button(page, "play").click()
        page.wait_for_function(STOPPED, arg=1220, timeout=60_000)
    page.wait_for_selector(IDLE, timeout=30_000)
    assert query(page)["k"] == "1220"
    end = page.evaluate(LANES)
    assert all(e["path"] >= d["path"] for e, d in zip(end, during, strict=True)), (during, end)
    # plotly.js rejects the interrupted Play's promise uncaught (plotly/plotly.js#5613): the bridge
    # silences exactly that, so Pause mid-play leaves no error
    assert errors == [], errors


def test_the_unscaled_lesson_renders_its_caption_and_picture(page, app_url, errors):
    preset = lessons.get("batches-unscaled")
    # the gallery's "Open" adds the lesson's id to its link: that is what shows the caption
    open_page(page, app_url + preset.link() + "&lesson=" + preset.id)
    assert "scaled=0" in page.url and "lr=0.0003" in page.url
    page.get_by_text("Unscaled features cripple the learning rate").wait_for(timeout=20_000)
    assert page.get_by_text(preset.caption[:60]).is_visible()
    assert [lane["path"] for lane in page.evaluate(LANES)] == [1, 1, 1]  # the picture, at its start
    assert surface_visible(shot_of_surface(page))
    assert errors == []


def test_the_page_comes_back_as_it_was_after_a_visit_to_descent(page, app_url, errors):
    open_page(page, app_url + "/batches?data=iris&lr=0.5")
    assert query(page)["data"] == "iris" and query(page)["lr"] == "0.5"
    page.locator(NAV).filter(has_text=re.compile(r"Descent\s*$")).click()
    page.wait_for_url(lambda url: "/batches" not in url, timeout=30_000)
    page.wait_for_function(DATA_PANEL, arg=False, timeout=60_000)  # the descent picture: no data beside it
    page.wait_for_function(SETTLED, timeout=60_000)  # the picture drawn, not only the run done
    assert "data=iris" not in page.url

    page.locator(NAV).filter(has_text=re.compile(r"Batches\s*$")).click()
    page.wait_for_url(lambda url: "/batches" in url and "data=iris" in url, timeout=30_000)
    page.wait_for_function(DATA_PANEL, arg=True, timeout=60_000)
    page.wait_for_function(SETTLED, timeout=60_000)  # the picture drawn, not only the run done
    assert query(page)["data"] == "iris" and query(page)["lr"] == "0.5", page.url
    lanes = page.evaluate(LANES)
    assert [lane["label"] for lane in lanes] == ["Full batch", "SGD (batch 1)", "Mini-batch of 12"]  # n = 100
    assert [lane["path"] for lane in lanes] == [1, 1, 1]
    assert errors == []


def test_the_training_loops_table_downloads_as_csv(page, app_url, errors, tmp_path):
    # the classic tutorial: lr 0.01 from (0, 0) for 100 epochs, the full batch's loop
    open_page(page, app_url + "/batches?data=linear_regression")
    assert {key: query(page)[key] for key in ("lr", "x0", "y0", "epochs", "loop")} == \
        {"lr": "0.01", "x0": "0", "y0": "0", "epochs": "100", "loop": "full"}
    with page.expect_download(timeout=30_000) as info:
        page.get_by_role("button", name="Download the table (CSV)").click()
    download = info.value
    assert download.suggested_filename == "linear_regression-full-loop.csv"
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    text = Path(target).read_text()
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["epoch", "w", "b", "loss"]
    epoch, w, b, loss = (float(v) for v in rows[1])
    assert epoch == 0 and abs(w - 0.5) <= 1e-9 and abs(b - 0.14) <= 1e-9 and abs(loss - 57.0) <= 1e-9, rows[1]
    assert len(rows) > 2 and all(len(r) == 4 for r in rows)
    assert errors == []

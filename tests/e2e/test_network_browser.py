"""issue 26 in a real browser: the real network's page plays its projected path, its race of seven plays,
and a lesson link opens with its caption and the computed sentence it points to."""

import re

import pytest

import lessons
from settings import network as network_settings
from support.browser import IDLE, LIVE_DRAWN, PICTURE, button, open_page, shot_of_surface, surface_visible
from tests.e2e.test_live_knobs_browser import RATE, drag, open_live
from viz.network import sweep_words

pytestmark = pytest.mark.e2e

# each lane's path so far, as vertices shown (its blocks switched on and its tail: viz/so_far.py)
SO_FAR = f"""() => {{ const gd = {PICTURE}; if (!gd || !gd._fullData) return null;
  return gd._fullData.filter(t => (t.name || '').endsWith(': so far')).map(path => {{
    const blocks = gd._fullData.filter(t => (t.name || '').startsWith(path.name + ', to step') && t.opacity > 0);
    return blocks.reduce((n, t) => n + t.x.length - 1, path.x.length); }}); }}"""
STEP = f"Number({PICTURE}.getAttribute('data-step'))"


def query(page) -> dict[str, str]:
    return dict(re.findall(r"[?&]([^=&]+)=([^&]*)", page.url))


@pytest.mark.parametrize("link", ["/network?steps=200", "/network?race=1&steps=60"], ids=["one rule", "race"])
def test_play_moves_the_projected_paths(page, app_url, errors, link):
    open_page(page, app_url + link)
    before = page.evaluate(SO_FAR)
    assert before and all(n == 1 for n in before), before
    assert len(before) == (7 if "race" in link else 1)
    assert surface_visible(shot_of_surface(page))
    button(page, "play").click()
    page.wait_for_function(f"() => {STEP} >= 30", timeout=60_000)
    during = page.evaluate(SO_FAR)
    assert all(d > b for b, d in zip(before, during, strict=True)), (before, during)
    button(page, "pause").click()
    page.wait_for_function(f"() => new URLSearchParams(location.search).get('k') === String({STEP})", timeout=30_000)
    page.wait_for_selector(IDLE, timeout=30_000)
    assert int(query(page)["k"]) >= 30
    assert errors == [], errors


def test_the_sharpness_lesson_opens_with_its_caption_and_the_measured_sentence(page, app_url, errors):
    preset = lessons.get("network-sharpness")
    open_page(page, app_url + preset.link() + "&lesson=" + preset.id)
    page.get_by_text(preset.title).wait_for(timeout=30_000)
    assert page.get_by_text(preset.caption[:60]).is_visible()
    s, _ = network_settings.parse_network(preset.full_query())
    words = sweep_words(network_settings.curvature(network_settings.study(s)), network_settings.SWEEP_STEPS)
    assert "splits them as on the ravine" in words
    page.get_by_text(words[:80]).wait_for(timeout=30_000)
    assert errors == [], errors


LIVE_SHOWN = f"""() => {{
  const gd = {PICTURE}; const live = window.__downhillLive.lanes[0];
  const whole = gd._fullData.find(t => t.name === 'the path, projected: whole path');
  return {{i: live.pos.i, lr: live.live.lrs[live.pos.i], x: Array.from(whole.x),
           numbers: gd.querySelector('.textpoint text').textContent}}; }}"""


def test_dragging_eta_moves_the_projected_path_with_no_message_and_the_url_takes_it_at_rest(page, app_url, errors):
    sent = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda frame: sent.append(frame)))
    open_live(page, app_url + "/network?k=100&steps=300")
    start = page.evaluate(LIVE_SHOWN)
    before = len(sent)
    seen = [start, *drag(page, page.locator(RATE), 3, LIVE_SHOWN, LIVE_DRAWN)]
    held = len(sent) - before
    page.mouse.up()
    assert held == 0, held  # the path followed the thumb with no message to the server
    moves = seen[1:]
    assert [s["i"] for s in moves] == [start["i"] + d for d in (1, 2, 3)]
    assert all(now["x"] != was["x"] for was, now in zip(seen, moves, strict=False))
    assert all(s["numbers"].startswith("step 100 of 300") for s in moves), moves
    page.wait_for_function("(lr) => Number(new URLSearchParams(location.search).get('lr')) === lr",
                           arg=float(f"{moves[-1]['lr']:.4g}"), timeout=20_000)
    page.wait_for_selector(IDLE, timeout=60_000)
    assert errors == [], errors

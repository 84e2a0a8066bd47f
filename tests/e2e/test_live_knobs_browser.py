"""The descent page's live knobs in a real browser (Debian's Chromium): dragging η (here by the keyboard, a
range input's own way) redraws the picture at the player's step with no message to the server; the
numbers box names the rate the slider shows; once the slider rests the URL and the sidebar take the rate,
the page runs it, and Play plays it."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import pytest

from support.browser import IDLE, LIVE_READY, PICTURE, SETTLED, open_page
from support.browser import LIVE_DRAWN as DRAWN

pytestmark = pytest.mark.e2e

RATE = '.downhill-live input[data-knob="lr"]'
KNOB = '.downhill-live input[data-knob="knob"]'
SHOWN = f"""() => {{
  const gd = {PICTURE}; const live = window.__downhillLive.lanes[0];
  const whole = gd._fullData.find(t => t.name === 'path: whole path');
  return {{run: gd.getAttribute('data-live-run'), ms: Number(gd.getAttribute('data-live-ms')),
           i: live.pos.i, j: live.pos.j, lr: live.live.lrs[live.pos.i],
           x: Array.from(whole.x), numbers: gd.querySelector('.textpoint text').textContent,
           waiting: !!gd.__downhillStale, step: gd.getAttribute('data-step')}}; }}"""
WATCH_RUNS = """() => { window.__states = [];
  const app = document.querySelector('[data-testid=stApp]');
  new MutationObserver(() => window.__states.push(app.getAttribute('data-test-script-state')))
    .observe(app, {attributes: true, attributeFilter: ['data-test-script-state']}); }"""



def open_live(page, url: str, lanes: int = 1) -> None:
    """Open a page and wait for its picture at rest and its live sliders."""
    open_page(page, url)
    page.wait_for_function(LIVE_READY, arg=lanes, timeout=30_000)


def query(page) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(page.url).query).items()}


def eta(numbers: str) -> float:
    return float(numbers.split("η = ")[1].split("θ")[0].split()[0])


def grip(page, slider) -> tuple[float, float, float]:
    """Where a range input's thumb stands (x, y) and one stop's width, in pixels (scrolled into view)."""
    slider.scroll_into_view_if_needed()
    box, value, top = slider.bounding_box(), int(slider.input_value()), int(slider.get_attribute("max"))
    stop = (box["width"] - 16) / top  # the thumb travels the track less its own width
    return box["x"] + 8 + value * stop, box["y"] + box["height"] / 2, stop


def drag(page, slider, moves: int, shown: str, wait: str) -> list[dict]:
    """Hold the slider's thumb and move it ``moves`` stops (negative: to the left), one at a time,
    pausing after each (0.6 s: longer than a keyboard's rest, and the drag still goes on)."""
    x, y, stop = grip(page, slider)
    page.mouse.move(x, y)
    page.mouse.down()
    seen = []
    for _ in range(abs(moves)):
        x += stop if moves > 0 else -stop
        page.mouse.move(x, y)
        page.wait_for_function(wait, timeout=5_000)
        seen.append(page.evaluate(shown))
        page.wait_for_timeout(600)
    return seen


def test_dragging_eta_redraws_the_picture_with_no_message_and_the_page_takes_it_at_rest(page, app_url, errors):
    sent = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda frame: sent.append(time.monotonic())))
    open_live(page, app_url + "/?surface=ravine&opt=momentum&lr=0.01&momentum=0.9&k=30")
    assert page.locator(RATE).count() == 1 and page.locator(KNOB).count() == 1
    page.evaluate(WATCH_RUNS)
    start = page.evaluate(SHOWN)
    before = len(sent)
    seen = [start, *drag(page, page.locator(RATE), 5, SHOWN, DRAWN)]
    during = {"sent": len(sent) - before, "states": page.evaluate("window.__states")}
    page.mouse.up()
    assert during == {"sent": 0, "states": []}, during  # no message, no rerun while the thumb is held
    moves = seen[1:]
    assert [s["i"] for s in moves] == [start["i"] + d for d in (1, 2, 3, 4, 5)]
    assert all(now["x"] != was["x"] for was, now in zip(seen, moves, strict=False))  # the whole path redrawn
    for s in moves:  # the numbers box: the player's step, at the rate the slider stands on
        assert s["numbers"].startswith("step 30 of 100") and abs(eta(s["numbers"]) / s["lr"] - 1) < 1e-3, s
        assert s["waiting"]  # Play waits: its frames are still the old run's
    released = moves[-1]

    # at rest: the URL and the sidebar take the rate (4 significant digits), the page runs it, Play is back
    page.wait_for_function("(lr) => Number(new URLSearchParams(location.search).get('lr')) === lr",
                           arg=float(f"{released['lr']:.4g}"), timeout=20_000)
    page.wait_for_function(SETTLED, timeout=60_000)
    page.wait_for_selector(IDLE)
    assert query(page)["k"] == "30" and query(page)["momentum"] == "0.9"
    assert page.locator("input[aria-label='Learning rate η, exact'], .st-key-lr input").first.input_value() in (
        f"{released['lr']:.4g}", str(float(f"{released['lr']:.4g}")))
    after = page.evaluate(SHOWN)
    assert not after["waiting"] and abs(eta(after["numbers"]) / released["lr"] - 1) < 1e-3
    assert errors == []


def test_the_arrow_keys_move_the_picture_too(page, app_url, errors):
    open_live(page, app_url + "/?surface=ravine&opt=adam&k=10")
    start = page.evaluate(SHOWN)
    page.locator(RATE).focus()
    page.keyboard.press("ArrowLeft")
    page.wait_for_function(DRAWN, timeout=5_000)
    moved = page.evaluate(SHOWN)
    assert moved["i"] == start["i"] - 1
    page.wait_for_function("(lr) => Number(new URLSearchParams(location.search).get('lr')) === lr",
                           arg=float(f"{moved['lr']:.4g}"), timeout=20_000)  # a key's move rests at once
    assert errors == []


def test_a_schedule_offers_no_live_slider_and_says_why(page, app_url, errors):
    open_page(page, app_url + "/?surface=ravine&opt=momentum&sched=cosine")
    assert page.locator(RATE).count() == 0
    assert page.get_by_text("with a schedule, type η above").count() == 1
    assert errors == []


RACE_SHOWN = f"""() => {{
  const gd = {PICTURE}; const lanes = window.__downhillLive.lanes;
  const strip = (html) => html.replace(/<[^>]*>/g, '');
  return {{run: gd.getAttribute('data-live-run'), names: lanes.map(l => l.name),
           lines: gd.querySelector('.textpoint text').innerHTML.split('</tspan>').length,
           text: Array.from(gd.querySelectorAll('.textpoint text tspan.line')).map(t => t.textContent),
           expected: lanes.map(l => strip(l.live.texts[l.live.lrs.length * l.pos.j + l.pos.i])),
           pos: lanes.map(l => l.pos.i), lrs: lanes.map(l => l.live.lrs[l.pos.i]),
           adamX: Array.from(gd._fullData.find(t => t.name === 'Adam: whole path').x)}}; }}"""


def test_each_racers_eta_is_live_on_the_race(page, app_url, errors):
    sent = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda frame: sent.append(time.monotonic())))
    open_live(page, app_url + "/race?k=40", 4)
    sliders = page.locator(RATE)
    start = page.evaluate(RACE_SHOWN)
    assert sliders.count() == len(start["names"]) == 4 and start["names"][3] == "Adam"
    before = len(sent)
    drag(page, sliders.nth(3), -3, RACE_SHOWN, DRAWN)
    assert len(sent) == before  # no message while the thumb is held
    page.mouse.up()
    shown = page.evaluate(RACE_SHOWN)
    assert shown["pos"][:3] == start["pos"][:3] and shown["pos"][3] == start["pos"][3] - 3
    assert shown["adamX"] != start["adamX"]  # Adam's path redrawn
    assert shown["text"][1:4] == start["text"][1:4]  # the other racers' lines as the page wrote them
    assert shown["text"][4] == shown["expected"][3] != start["text"][4]  # Adam's, at its new rate
    page.wait_for_function("(lr) => Number(new URLSearchParams(location.search).get('lr.adam')) === lr",
                           arg=float(f"{shown['lrs'][3]:.4g}"), timeout=20_000)
    page.wait_for_function(SETTLED, timeout=60_000)
    assert errors == []

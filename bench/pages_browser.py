"""bench/pages.py's browser half: the learning-rate change redrawn, the player's step, Play's frame
rate and the surface on screen mid-play, and the lab's drag, in Debian's Chromium (see bench/pages.py)."""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from support.browser import (
    CHANGED,
    COUNT_FRAMES,
    DRAWN,
    FPS,
    GRIP,
    LIVE_DRAWN,
    LIVE_READY,
    PICTURE,
    RAIL,
    STEPS,
    WHOLE_PATH,
    button,
    centre,
    open_lab,
    open_page,
    shot_of_surface,
    surface_visible,
)
from support.serve import CHROMIUM_ARGS, chromium_path, running_app

REDRAW_GOAL, STEP_GOAL = 0.300, 0.100  # seconds: a learning-rate change redrawn, the player's step
DRAG_GOAL_MS = 50

def browser(changes: int, lab_only: bool = False) -> None:
    if chromium_path() is None:
        print("browser: Debian's chromium is not installed; skipped")
        return
    lab_drag(40)
    live_drag(40, "?surface=ravine&opt=momentum&lr=0.1&momentum=0.9&k=30", 0,
              "the descent page's live η dragged (momentum on the ravine at step 30, 64 rates × 7 μ)")
    live_drag(40, "race?k=40", 3, "the race's live η dragged (Adam's, of the default four racers, at step 40)")
    if lab_only:
        return
    runs = (("", "", "descent, 3D view on (default)"), ("", "?view3d=0", "descent, 3D view off"),
            ("race", "", "race of four, 3D view on"))
    for path, query, label in runs:
        browser_run(changes, path, query, label)


def browser_run(changes: int, path: str, query: str, label: str) -> None:
    from playwright.sync_api import sync_playwright  # here: a dev-only dependency (requirements-dev.txt)

    with running_app() as url, sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        page = b.new_page(viewport={"width": 1400, "height": 1000})
        open_page(page, f"{url}/{path}{query}")
        if path == "race":  # Adam's knobs sit in its expander
            page.locator("[data-testid=stSidebar] details summary").filter(has_text="Adam").click()
        redraws = []
        for i in range(changes):
            before = page.evaluate(WHOLE_PATH)
            box = page.get_by_label("Learning rate η, exact").last  # the race: Adam's, the last racer
            box.fill(str(round(0.02 + 0.002 * i, 6)))
            start = time.perf_counter()
            box.press("Enter")
            page.wait_for_function(CHANGED, arg=before, polling="raf")
            redraws.append(time.perf_counter() - start)
            page.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]")
            page.wait_for_timeout(300)  # the 3D view lands after the picture
        steps = step_times(page, changes, STEPS, button)
        fps, visible = play(page)
        redraw, step = statistics.median(redraws), statistics.median(steps)
        print(f"browser, {label}:")
        print(f"  lr change → picture redrawn   {redraw * 1e3:6.0f} ms  (median of {changes}; goal ≤ 300 ms: "
              f"{'met' if redraw <= REDRAW_GOAL else 'NOT MET'})")
        print(f"  ▶ → next step drawn           {step * 1e3:6.0f} ms  (median of {len(steps)}; goal ≤ 100 ms: "
              f"{'met' if step <= STEP_GOAL else 'NOT MET'})")
        print(f"  Play                          {fps:6.1f} frames/s; surface on screen in "
              f"{sum(visible)}/{len(visible)} screenshots taken mid-play")
        b.close()


def watch_drag(chart: str, attribute: str) -> str:
    """A probe: from each mouse move to the frame painted after the bridge drew a new run (it sets
    ``attribute`` on the chart under the key ``chart``)."""
    return f"""() => {{ const gd = document.querySelector('.st-key-{chart} .js-plotly-plot');
  window.__drag = []; let moved = null;
  document.addEventListener('mousemove', (e) => {{ if (moved === null) moved = e.timeStamp; }}, true);
  new MutationObserver(() => {{ const at = moved; moved = null;
      if (at !== null) requestAnimationFrame(() => window.__drag.push(performance.now() - at)); }})
    .observe(gd, {{attributes: true, attributeFilter: ['{attribute}']}}); }}"""


def lab_drag(moves: int) -> None:
    """Drag the lab's rate slider one stop at a time, holding the mouse down, and time each move."""
    from playwright.sync_api import sync_playwright  # here: a dev-only dependency (requirements-dev.txt)

    with running_app() as url, sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        page = b.new_page(viewport={"width": 1400, "height": 1000})
        open_lab(page, f"{url}/learning_rate?surface=ravine&opt=momentum&lr=0.5&momentum=0.9&part=line")
        page.locator(".st-key-lab").scroll_into_view_if_needed()
        page.evaluate(watch_drag("lab", "data-run"))
        rail = page.locator(RAIL).first.bounding_box()
        x, y = centre(page.locator(GRIP).first.bounding_box())
        page.mouse.move(x, y)
        page.mouse.down()
        for _ in range(moves):
            x -= rail["width"] / 63
            page.mouse.move(x, y)
            page.wait_for_function(DRAWN, timeout=5_000)
            page.wait_for_timeout(30)  # the painted frame after the redraw
        page.mouse.up()
        times = page.evaluate("() => window.__drag")
        b.close()
    if len(times) < moves * 0.9:
        sys.exit(f"lab drag: only {len(times)} of {moves} moves drew a new run: the bridge did not take effect")
    median, worst = statistics.median(times), max(times)
    print(f"browser, the lab's live picture dragged (momentum on the ravine, 64 rates × 7 β):\n"
          f"  mouse move → new run painted {median:6.0f} ms median, {worst:.0f} ms worst, {len(times)} moves "
          f"(goal ≤ {DRAG_GOAL_MS} ms: {'met' if median <= DRAG_GOAL_MS else 'NOT MET'})")



def live_drag(moves: int, link: str, lane: int, label: str) -> None:
    """Drag a live η slider (the sidebar's range input of ``lane``) of the page ``link`` one stop at a time,
    holding the mouse down: time each move, and count the messages sent to the server."""
    from playwright.sync_api import sync_playwright  # here: a dev-only dependency (requirements-dev.txt)

    with running_app() as url, sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        page = b.new_page(viewport={"width": 1400, "height": 1000})
        open_page(page, f"{url}/{link}")
        page.wait_for_function(LIVE_READY, arg=lane + 1, timeout=30_000)
        sent = []
        page.on("websocket", lambda ws: ws.on("framesent", lambda frame: sent.append(frame)))
        page.evaluate(watch_drag("picture", "data-live-run"))
        rate = page.locator('.downhill-live input[data-knob="lr"]').nth(lane)
        rate.scroll_into_view_if_needed()
        box, at, top = rate.bounding_box(), int(rate.input_value()), int(rate.get_attribute("max"))
        stop = (box["width"] - 16) / top  # the thumb travels the track less its own width
        x, y = box["x"] + 8 + at * stop, box["y"] + box["height"] / 2
        page.mouse.move(x, y)
        page.mouse.down()
        before = len(sent)
        for _ in range(min(moves, at)):
            x -= stop
            page.mouse.move(x, y)
            page.wait_for_function(LIVE_DRAWN, timeout=5_000)
            page.wait_for_timeout(30)  # the painted frame after the redraw
        during = len(sent) - before
        page.mouse.up()
        times = page.evaluate("() => window.__drag")
        b.close()
    done = min(moves, at)
    if len(times) < done * 0.9:
        sys.exit(f"{label}: only {len(times)} of {done} moves drew a new run: live.js did not take effect")
    median, worst = statistics.median(times), max(times)
    print(f"browser, {label}:\n"
          f"  mouse move → new run painted {median:6.0f} ms median, {worst:.0f} ms worst, {len(times)} moves, "
          f"{during} messages to the server (goal ≤ {DRAG_GOAL_MS} ms and none: "
          f"{'met' if median <= DRAG_GOAL_MS and during == 0 else 'NOT MET'})")


def step_times(page, changes: int, steps_js: str, button) -> list[float]:
    """▶ clicked → the scrubber, numbers and loss marker all show the next step, timed in the page
    (Playwright's own click spends time on checks before it clicks). One step every 1.5 s, as a
    person reads the numbers; the server's rerun for the stopped step lands in between."""
    timed = f"""async () => {{
        const before = ({steps_js})().scrubber;
        const forward = document.querySelectorAll('.st-key-picture .updatemenu-button')[3];
        const start = performance.now();
        forward.dispatchEvent(new MouseEvent('click', {{bubbles: true}}));
        while (true) {{
            await new Promise(requestAnimationFrame);
            const s = ({steps_js})();
            if (s.scrubber > before && s.panel === s.scrubber && s.marker === s.scrubber)
                return (performance.now() - start) / 1000;
        }} }}"""
    times = []
    for _ in range(changes):
        times.append(page.evaluate(timed))
        page.wait_for_timeout(1500)
    return times


def play(page) -> tuple[float, list[bool]]:
    page.evaluate(COUNT_FRAMES, page.evaluate_handle(PICTURE))
    button(page, "back").click()
    button(page, "play").click()
    visible = []
    for _ in range(5):
        page.wait_for_timeout(200)
        visible.append(surface_visible(shot_of_surface(page)))
    page.wait_for_timeout(3000)
    return page.evaluate(FPS), visible



"""Reading the app's pictures in a real browser (Playwright, Debian's Chromium): the probes and page
helpers the browser tests and the benchmarks share. Each probe is a JavaScript function given to
``page.evaluate`` or ``page.wait_for_function``.
"""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

# ---- the descent page's picture (the race's too) -------------------------------------------------

PICTURE = "document.querySelector('.st-key-picture .js-plotly-plot')"
# the vertices of the first lane's line so far: the blocks switched on, and the tail (viz/so_far.py)
PATH_LENGTH = (f"() => {{ const gd = {PICTURE}; const tail = gd && gd._fullData && "
               "gd._fullData.find(t => (t.name || '').endsWith(': so far')); if (!tail) return null; "
               "const blocks = gd._fullData.filter(t => (t.name || '').startsWith(tail.name + ', to step') "
               "&& t.opacity > 0); "
               "return blocks.reduce((n, t) => n + t.x.length - 1, tail.x.length); }")
# every racer's whole path (the descent page has one)
WHOLE_PATH = (f"() => {{ const gd = {PICTURE}; if (!gd || !gd._fullData) return null; "
              "const ts = gd._fullData.filter(t => (t.name || '').endsWith('whole path')); "
              "return ts.length ? ts.flatMap(t => Array.from(t.x).concat(Array.from(t.y))) : null; }")
# redrawn: the whole path is there again and differs from what it was
CHANGED = f"(before) => {{ const now = ({WHOLE_PATH})(); return now && JSON.stringify(now) !== JSON.stringify(before); }}"
# what each part of the picture says the step is: the bridge, the scrubber, the numbers, the loss marker
STEPS = f"""() => {{
  const gd = {PICTURE}; const s = gd._fullLayout.sliders[0];
  const panel = gd.querySelector('.textpoint text').textContent;
  const marker = gd._fullData.find(t => t.xaxis === 'x2' && t.mode === 'markers');
  return {{bridge: Number(gd.getAttribute('data-step')), scrubber: Number(s.steps[s.active].label),
           panel: Number((panel.match(/step (\\d+)/) || [])[1]), marker: Number(marker.x[0])}}; }}"""
IDLE = "[data-testid=stApp][data-test-script-state=notRunning]"
# the live sliders are there (at least n lanes): their component ran (its module loads after the script's run has ended)
LIVE_READY = "(n) => !!window.__downhillLive && !!window.__downhillLive.lanes && window.__downhillLive.lanes.length >= n"
# the live sliders' picture shows the run every lane's slider stands on (live.js writes data-live-run once drawn)
LIVE_DRAWN = (f"() => {{ const gd = {PICTURE}; const b = window.__downhillLive; "
              "const run = gd && gd.getAttribute('data-live-run'); "
              "return !!run && run === b.lanes.map((l) => `${l.pos.j},${l.pos.i}`).join(';'); }")
READY = f"() => {{ const gd = {PICTURE}; return gd && gd._fullData && gd.hasAttribute('data-step'); }}"
# Play's frame rate: stamp each animation frame of the graph div given (``page.evaluate(COUNT_FRAMES, gd)``),
# then frames per second from the first stamp to the last
COUNT_FRAMES = """(gd) => { window.__frames = [];
  gd.on('plotly_animatingframe', () => window.__frames.push(performance.now())); }"""
FPS = """() => { const s = window.__frames;
  return s.length > 1 ? (s.length - 1) / ((s[s.length - 1] - s[0]) / 1000) : 0; }"""


# the page at rest: no run going, and the picture's bridge found this run's picture fitting the
# screen (it asks for another run otherwise: the height that fills the screen, a phone's stacking)
SETTLED = (f"() => {{ const gd = {PICTURE}; const b = window.__downhill; "
           f"return !!document.querySelector('{IDLE}') && !!b && b.fit === 'fits' && ({READY})(); }}")


def open_page(page, url):
    """Open ``url`` and wait for the picture at rest, after the run the browser may ask for (which
    may replace the graph div)."""
    page.goto(url)
    page.wait_for_function(SETTLED, timeout=60_000)
    page.wait_for_timeout(200)


def surface_box(page) -> dict:
    return page.locator(".st-key-picture .nsewdrag[data-subplot=xy]").bounding_box()


def surface_visible(png: bytes) -> bool:
    """The plot area shows the coloured surface, not a bare background."""
    img = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    h, w, _ = img.shape
    centre = img[int(0.3 * h): int(0.6 * h), int(0.3 * w): int(0.7 * w)]
    bare = np.minimum(np.abs(centre - 0x22).sum(axis=-1), np.abs(centre - 0xFF).sum(axis=-1)) < 30
    colours = len(np.unique(centre.reshape(-1, 3) // 8, axis=0))
    return bare.mean() < 0.2 and colours > 20


def shot_of_surface(page) -> bytes:
    return page.screenshot(clip=surface_box(page))


def button(page, name: str):
    """A player button by its role: ◀ (0), Play (1), Pause (2), ▶ (3)."""
    index = {"back": 0, "play": 1, "pause": 2, "forward": 3}[name]
    return page.locator(".st-key-picture .updatemenu-button").nth(index)


# ---- the learning-rate lab's live picture ---------------------------------------------------------

LAB = "document.querySelector('.st-key-lab .js-plotly-plot')"
LAB_READY = f"() => {{ const gd = {LAB}; return !!gd && gd.getAttribute('data-lab') === 'ready'; }}"
RAIL = ".st-key-lab .slider-rail-rect"
GRIP = ".st-key-lab .slider-grip-rect"
LAB_WAIT = 60_000  # ms: a first visit runs the engine sweep behind the live picture
# drawn: the bridge's last redraw is of the run the sliders stand on
DRAWN = f"""() => {{ const gd = {LAB}; const s = gd._fullLayout.sliders;
  const j = s.length > 1 ? s[1].active : 0;
  return gd.getAttribute('data-run') === `${{j}},${{s[0].active}}`; }}"""


def open_lab(page, url: str) -> None:
    """Open ``url`` and wait for the live picture with its bridge attached and the script at rest."""
    page.goto(url)
    page.wait_for_function(LAB_READY, timeout=LAB_WAIT)
    page.wait_for_selector(IDLE, timeout=LAB_WAIT)
    page.wait_for_function(LAB_READY, timeout=LAB_WAIT)  # Streamlit may have replaced the graph div: again
    page.wait_for_timeout(500)


def centre(box: dict) -> tuple[float, float]:
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2

"""The descent page in a real browser (Debian's Chromium): what only a browser shows."""

import io
import re
import time

import numpy as np
import pytest
from PIL import Image

pytestmark = pytest.mark.e2e

CONTOUR = ("[...document.querySelectorAll('.js-plotly-plot')]"
           ".find(g => g.data && g.data.some(t => (t.name || '').endsWith('whole path')))")
PATH_LENGTH = (f"() => {{ const gd = {CONTOUR}; const t = gd && gd._fullData && gd._fullData.find(t => t.name === 'path'); "
               "return t ? t.x.length : null; }")
# every racer's whole path (the descent page has one)
WHOLE_PATH = (f"() => {{ const gd = {CONTOUR}; if (!gd || !gd._fullData) return null; "
              "const ts = gd._fullData.filter(t => (t.name || '').endsWith('whole path')); "
              "return ts.length ? ts.flatMap(t => Array.from(t.x).concat(Array.from(t.y))) : null; }")

# redrawn: the whole path is there again and differs from what it was
CHANGED = f"(before) => {{ const now = ({WHOLE_PATH})(); return now && JSON.stringify(now) !== JSON.stringify(before); }}"


def open_page(page, url):
    page.goto(url)
    page.wait_for_function(f"() => {{ const gd = {CONTOUR}; return gd && gd._fullData; }}", timeout=60_000)
    page.wait_for_timeout(500)


def surface_visible(png: bytes) -> bool:
    """The plot area shows the coloured surface, not the bare dark background."""
    img = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    h, w, _ = img.shape
    centre = img[int(0.3 * h): int(0.6 * h), int(0.3 * w): int(0.7 * w)]
    bare = (np.abs(centre - 0x22).sum(axis=-1) < 30).mean()
    colours = len(np.unique(centre.reshape(-1, 3) // 8, axis=0))
    return bare < 0.2 and colours > 20


def test_page_renders_without_console_errors(page, app_url, errors):
    open_page(page, app_url)
    page.wait_for_timeout(2000)
    assert page.locator(".js-plotly-plot").count() == 3
    assert errors == []


def test_play_animates_with_the_surface_on_screen_throughout(page, app_url, errors):
    open_page(page, app_url + "/?surface=ravine&opt=momentum&lr=0.018&steps=150")
    chart = page.locator(".js-plotly-plot").first
    assert page.evaluate(PATH_LENGTH) == 2  # step 0: the start, then the current point
    chart.locator(".updatemenu-button").first.click()
    lengths, shots = [], []
    for _ in range(4):
        page.wait_for_timeout(250)
        lengths.append(page.evaluate(PATH_LENGTH))
        shots.append(chart.screenshot())
    page.wait_for_timeout(4000)
    assert lengths == sorted(lengths) and lengths[-1] > lengths[0] > 2, lengths
    assert all(surface_visible(s) for s in shots)
    assert surface_visible(chart.screenshot())  # and after it finished
    assert page.evaluate(PATH_LENGTH) > lengths[-1]
    assert errors == []


def test_a_click_on_the_contour_moves_the_start(page, app_url):
    open_page(page, app_url)
    box = page.locator(".js-plotly-plot .nsewdrag").first.bounding_box()
    page.mouse.move(box["x"] + 0.8 * box["width"], box["y"] + 0.2 * box["height"])
    page.wait_for_timeout(300)
    page.mouse.click(box["x"] + 0.8 * box["width"], box["y"] + 0.2 * box["height"])
    page.wait_for_function("() => !location.search.includes('x0=-2.5')", timeout=20_000)
    x0 = float(re.search(r"x0=([-\d.e]+)", page.url).group(1))
    y0 = float(re.search(r"y0=([-\d.e]+)", page.url).group(1))
    assert x0 > 1.0 and y0 > 0.5  # upper right of the ravine's view (−3…3 × −2…2)
    # where the click was, within half a spacing of the click grid: 1.3 % of the view (x −3…3, y −2…2) …
    assert abs(x0 - (-3 + 0.8 * 6)) <= 0.08 and abs(y0 - (2 - 0.2 * 4)) <= 0.08, (x0, y0)
    # … and written with three significant digits, not float32 noise
    assert all(len(f"{v:.3g}") >= len(str(v).rstrip("0").rstrip(".")) for v in (x0, y0)), (x0, y0)


def test_a_learning_rate_change_redraws_the_chart(page, app_url):
    open_page(page, app_url)
    before = page.evaluate(WHOLE_PATH)
    box = page.get_by_label("Learning rate η, exact")
    box.fill("0.02")
    box.press("Enter")
    page.wait_for_function(CHANGED, arg=before, timeout=20_000)
    assert "lr=0.02" in page.url


def test_reopening_the_address_gives_the_same_picture(page, app_url, context):
    open_page(page, app_url + "/?surface=himmelblau&opt=adam&lr=0.2&steps=80&x0=-1&y0=-1&k=3")
    box = page.get_by_label("Learning rate η, exact")
    box.fill("0.15")
    box.press("Enter")
    page.wait_for_function("() => location.search.includes('lr=0.15')", timeout=20_000)
    time.sleep(1)
    first = page.evaluate(WHOLE_PATH)
    other = context.new_page()
    open_page(other, page.url)
    assert other.evaluate(WHOLE_PATH) == first
    assert other.get_by_label("Learning rate η, exact").input_value() == "0.15"

"""The basins page and a typed formula in Chromium: the map renders, a click opens that start on the
descent page, and a formula typed in the sidebar redraws the picture."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

pytestmark = pytest.mark.e2e

EXCEPTION = "[data-testid=stException]"


def wait_for_chart(page):
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=60_000)
    page.wait_for_timeout(800)


def test_a_click_on_the_basin_map_opens_that_start_on_the_descent_page(page, app_url, errors):
    page.goto(app_url + "/basins?surface=terrain&opt=momentum&lr=0.1&momentum=0.9&steps=300&n=80")
    wait_for_chart(page)
    legend = [t.text_content() or "" for t in page.locator(".js-plotly-plot .legendtext").all()]
    assert sum(text.startswith("minimum (") for text in legend) == 3, legend
    box = page.locator(".js-plotly-plot .nsewdrag").first.bounding_box()
    x, y = box["x"] + 0.25 * box["width"], box["y"] + 0.5 * box["height"]  # left middle of the −3…3 view
    page.mouse.move(x, y)
    page.wait_for_timeout(300)
    page.mouse.click(x, y)
    page.wait_for_url(re.compile(r"/\?.*x0="), timeout=30_000)
    wait_for_chart(page)
    x0 = float(re.search(r"x0=([-\d.e]+)", page.url).group(1))
    y0 = float(re.search(r"y0=([-\d.e]+)", page.url).group(1))
    assert -2.0 < x0 < -1.0 and -0.5 < y0 < 0.5  # where the click was (to a grid spacing)
    assert "opt=momentum" in page.url and "momentum=0.9" in page.url
    assert len(f"{x0}") <= 6  # three significant digits
    assert page.locator(EXCEPTION).count() == 0 and errors == []


def test_a_typed_formula_redraws_the_descent_page(page, app_url, errors):
    page.goto(app_url + "/?surface=custom&f=x%5E2%2By%5E2")
    wait_for_chart(page)
    box = page.get_by_role("textbox", name="f(x, y) =", exact=True)
    box.fill("x^2 + 4*y^2 + sin(3*x)")
    box.press("Enter")
    page.wait_for_function("() => new URLSearchParams(location.search).get('f') === 'x^2 + 4*y^2 + sin(3*x)'",
                           timeout=30_000)
    wait_for_chart(page)
    box = page.get_by_role("textbox", name="f(x, y) =", exact=True)
    box.fill("__import__('os').system('id')")
    box.press("Enter")
    page.get_by_text("Not taken").wait_for(timeout=30_000)
    page.wait_for_timeout(1000)
    assert parse_qs(urlsplit(page.url).query)["f"] == ["x^2 + 4*y^2 + sin(3*x)"]  # the last good formula stays
    assert page.locator(EXCEPTION).count() == 0 and errors == []

"""Taking the picture home, in a real browser: the downloads, and the HTML page playing offline."""

import csv
import io
import re
from pathlib import Path

import pytest
from PIL import Image

from support.browser import IDLE, open_lab, open_page
from tests.e2e.test_basins_browser import wait_for_chart

pytestmark = pytest.mark.e2e

EXPANDER = "Take it home"


def download(page, label) -> bytes:
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name=label).click()
    return Path(info.value.path()).read_bytes()


def open_takeaway(page):
    page.get_by_text(EXPANDER).click()
    page.get_by_role("button", name="Animated page (HTML)").wait_for(timeout=20_000)


def test_the_descent_page_downloads_every_file(page, app_url, errors, tmp_path):
    open_page(page, app_url + "/?surface=ravine&opt=sgd&lr=0.09&steps=60")
    open_takeaway(page)
    rows = list(csv.DictReader(io.StringIO(download(page, "Every step (CSV)").decode())))
    assert len(rows) == 61 and rows[0]["x"] == "-2.5"
    png = Image.open(io.BytesIO(download(page, "Step 0 (PNG)")))
    assert png.format == "PNG" and png.width == 480
    page.get_by_role("button", name="Make a GIF and MP4").click()
    page.get_by_role("button", name=re.compile(r"^GIF \(")).wait_for(timeout=60_000)
    page.wait_for_selector(IDLE, timeout=60_000)
    assert page.get_by_role("button", name="Make a GIF and MP4").count() == 0  # the downloads took its place
    gif = Image.open(io.BytesIO(download(page, re.compile(r"^GIF \("))))
    assert gif.format == "GIF" and gif.n_frames == 60
    assert download(page, re.compile(r"^MP4 \("))[4:8] == b"ftyp"  # an MP4 container
    html = download(page, "Animated page (HTML)")
    (tmp_path / "picture.html").write_bytes(html)
    assert errors == []


def test_the_html_page_plays_offline(browser, app_url, tmp_path):
    context = browser.new_context()
    page = context.new_page()
    open_page(page, app_url + "/race?surface=rosenbrock&opt=sgd,adam&steps=200")
    open_takeaway(page)
    file = tmp_path / "race.html"
    file.write_bytes(download(page, "Animated page (HTML)"))
    context.close()

    offline = browser.new_context(offline=True)  # no network at all: plotly.js must be inside the file
    page = offline.new_page()
    failures = []
    page.on("pageerror", lambda e: failures.append(str(e)))
    page.on("requestfailed", lambda r: failures.append(r.url))
    page.goto(file.as_uri())
    so_far = """() => { const gd = document.getElementById('picture');
        const ts = gd && gd._fullData ? gd._fullData.filter(t => (t.name || '').endsWith(': so far')) : [];
        return ts.map(t => t.x.length); }"""
    page.wait_for_function(f"() => ({so_far})().length === 2", timeout=30_000)
    before = page.evaluate(so_far)
    page.locator(".updatemenu-button").filter(has_text="Play").click()
    page.wait_for_function(f"(b) => ({so_far})().every((n, i) => n > b[i] + 5)", arg=before, timeout=30_000)
    assert failures == []
    offline.close()


def test_the_basins_map_and_the_labs_run_download(browser, page, app_url, errors, tmp_path):
    page.goto(app_url + "/basins?surface=himmelblau&opt=adam&lr=0.1&n=40&steps=100")
    wait_for_chart(page)
    page.get_by_text(EXPANDER).click()
    rows = list(csv.DictReader(io.StringIO(download(page, "Every start (CSV)").decode())))
    assert len(rows) == 1600 and rows[0]["basin"].startswith("minimum (")
    assert Image.open(io.BytesIO(download(page, "The map (PNG)"))).format == "PNG"
    (tmp_path / "map.html").write_bytes(download(page, "The map (HTML)"))

    open_lab(page, app_url + "/learning_rate?surface=ravine&opt=sgd&lr=0.05&steps=50")
    open_takeaway(page)
    rows = list(csv.DictReader(io.StringIO(download(page, "Every step (CSV)").decode())))
    assert len(rows) == 51 and float(rows[0]["lr"]) == 0.05
    assert errors == []

    offline = browser.new_context(offline=True)  # the still map's page draws without frames or network
    still = offline.new_page()
    failures = []
    still.on("pageerror", lambda e: failures.append(str(e)))
    still.goto((tmp_path / "map.html").as_uri())
    still.wait_for_selector("#picture .main-svg", timeout=30_000)
    assert failures == []
    offline.close()

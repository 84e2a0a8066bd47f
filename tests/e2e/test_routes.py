"""Routes between the pages in a real browser: sidebar links, lesson links and the back button.

A real browser drops the query string on a sidebar link (AppTest keeps it), so a page must cope with
arriving with an empty URL and another page's widgets in the session state. After every step the
walk fails on a Streamlit exception box or on any browser error (the ``errors`` fixture).
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from support.browser import SETTLED

pytestmark = pytest.mark.e2e

NAV = "[data-testid=stSidebarNav] a"
EXCEPTION = "[data-testid=stException]"
CHART = ".js-plotly-plot .main-svg"
IDLE = "[data-testid=stApp][data-test-script-state=notRunning]"
WAIT = 30_000  # ms; a first visit to a page fills its caches

# What each page draws once its script got past the settings (its heading), and its path.
HEADINGS = {"Descent": re.compile(r" · "), "Race": re.compile(r"^The race on "), "Lessons": re.compile(r"^Lessons$"),
            "Learning rate": re.compile(r"^Learning-rate lab · "), "Basins": re.compile(r"^Basins of attraction · "),
            "Batches": re.compile(r"^Full batch, SGD and mini-batches · "),
            "Real network": re.compile(r"^A real network · ")}
PATHS = {"/": "Descent", "/race": "Race", "/lessons": "Lessons", "/learning_rate": "Learning rate",
         "/basins": "Basins", "/batches": "Batches", "/network": "Real network"}
PLAYERS = {"Descent", "Race", "Batches", "Real network"}  # the pages whose picture has the player's bridge
HIDE = "surface,opt,steps,x0,y0"
REDACTED = re.compile(r":? ?This app has encountered an error.*")  # client.showErrorDetails = "type"
# Counts finished script runs: stApp's data-test-script-state leaving "running". A step waits for a
# new run, whatever the URL does (going back can end on the very address it left).
# once per document, however many walks added it to the page (tests/e2e/conftest.py keeps the page)
COUNT_RUNS = """
if (window.__runs === undefined) {
  window.__runs = 0;
  new MutationObserver(ms => ms.forEach(m => { if (m.oldValue === 'running') window.__runs++; }))
    .observe(document, {subtree: true, attributes: true, attributeOldValue: true,
                        attributeFilter: ['data-test-script-state']});
}
"""
# A step ran the page: a finished run was counted, or (a step onto another page) that page's own heading is
# on screen, which only its run draws. A light page's run can start and end between two renders, so
# stApp's state never shows "running" (a walk onto the Lessons page once waited 30 s for it, in CI).
RAN = """([n, moved, pattern, others]) => window.__runs > n || (moved && [...document.querySelectorAll('h1, h2')].some(
  (h) => new RegExp(pattern).test(h.textContent.trim()) && !others.some((o) => new RegExp(o).test(h.textContent.trim()))))"""


class Walk:
    """One visitor's walk through the app; every step waits for the page and checks it."""

    def __init__(self, page, app_url: str, errors: list):
        self.page, self.app_url, self.errors, self.steps = page, app_url, errors, []
        self.link_query: dict[str, list[str]] = {}  # the address the last lesson link opened
        self.at: str | None = None  # the page the walk stands on
        page.add_init_script(COUNT_RUNS)

    # ---- steps -------------------------------------------------------------------------------

    def open(self, path: str) -> Walk:
        self.page.goto(self.app_url + path)
        return self.settle(f"open {path}", 0)

    def nav(self, name: str) -> Walk:
        """Click a page's link in the sidebar navigation."""
        runs = self.runs()
        self.page.locator(NAV).filter(has_text=re.compile(rf"{name}\s*$")).click()
        self.page.wait_for_url(lambda url: self.page_name(url) == name, timeout=WAIT)
        return self.settle(f"sidebar → {name}", runs)

    def lesson(self, title: str) -> Walk:
        """Click the "Open" link of a lesson on the Lessons page (in the main area, not the sidebar)."""
        self.page.get_by_role("heading", name=HEADINGS["Lessons"]).wait_for(timeout=WAIT)
        runs = self.runs()
        link = self.card(title).get_by_role("link", name="Open")
        self.link_query = parse_qs(urlsplit(link.get_attribute("href")).query, keep_blank_values=True)
        link.click()
        self.page.wait_for_url(lambda url: self.page_name(url) != "Lessons", timeout=WAIT)
        return self.settle(f"lesson {title!r}", runs)

    def back(self) -> Walk:
        runs, was = self.runs(), self.page.url
        self.page.go_back()
        # a second history entry of the same address (a page's query write, see the long walk below):
        # Streamlit has nothing to run for it
        return self.settle("back", runs, ran=self.page.url != was)

    def click_contour(self) -> Walk:
        """Click the upper right of the contour plot, as a visitor picks a start there. (No script run
        to wait for: a page whose start is fixed may not listen to clicks at all.)"""
        box = self.page.locator(".js-plotly-plot .nsewdrag").first.bounding_box()
        x, y = box["x"] + 0.8 * box["width"], box["y"] + 0.2 * box["height"]
        self.page.mouse.move(x, y)
        self.page.wait_for_timeout(300)
        self.page.mouse.click(x, y)
        self.page.wait_for_timeout(2000)  # a click that moves the start has rerun the page by now
        self.steps.append("click on the contour")
        self.page.locator(IDLE).wait_for(timeout=WAIT)
        return self.check()

    # ---- what the walk sees ------------------------------------------------------------------

    def card(self, title: str):
        """The bordered box of one lesson: the innermost block holding its title and an "Open" link."""
        return (self.page.locator("[data-testid=stVerticalBlock]").filter(has_text=title)
                .filter(has=self.page.get_by_role("link", name="Open")).last)

    @staticmethod
    def page_name(url: str) -> str | None:
        return PATHS.get(urlsplit(url).path.rstrip("/") or "/")

    def query(self) -> dict[str, list[str]]:
        return parse_qs(urlsplit(self.page.url).query, keep_blank_values=True)

    def runs(self) -> int:
        return self.page.evaluate("window.__runs")

    def settle(self, step: str, runs: int, ran: bool = True) -> Walk:
        """Wait for a script run after ``runs`` (if the step ``ran`` one) and for the page the URL names
        (or an exception box), then check it."""
        self.steps.append(step)
        name = self.page_name(self.page.url)
        others = [pattern.pattern for page, pattern in HEADINGS.items() if page != name]
        if ran:
            self.wait_for_run(runs, name, others)
        assert name, f"{self.route}: unexpected URL {self.page.url}"
        self.at = name
        boxes = self.page.locator(EXCEPTION)
        self.page.get_by_role("heading", name=HEADINGS[name]).or_(boxes).first.wait_for(timeout=WAIT)
        self.page.locator(IDLE).wait_for(timeout=WAIT)
        if name != "Lessons" and not boxes.count():
            self.page.locator(CHART).first.wait_for(timeout=WAIT)
        if name in PLAYERS and not boxes.count():  # the picture drawn at the size the bridge asked for
            self.page.wait_for_function(SETTLED, timeout=WAIT)
        self.page.wait_for_timeout(300)  # a rerun the page asked for (st.rerun, a callback) starts within this
        self.page.locator(IDLE).wait_for(timeout=WAIT)
        return self.check()

    def wait_for_run(self, runs: int, name: str, others: list[str]) -> None:
        try:
            self.page.wait_for_function(RAN, arg=[runs, name != self.at and name in HEADINGS,
                                                  HEADINGS[name].pattern if name in HEADINGS else "", others],
                                        timeout=WAIT)
        except PlaywrightTimeout as err:  # say where the walk stood
            state = self.page.locator("[data-testid=stApp]").get_attribute("data-test-script-state")
            raise AssertionError(f"{self.route}: no script run finished within {WAIT} ms "
                                 f"({self.page.url}, script state {state})") from err

    def check(self) -> Walk:
        boxes = self.page.locator(EXCEPTION)
        shown = [REDACTED.sub("", boxes.nth(i).inner_text().splitlines()[0]) for i in range(boxes.count())]
        assert not shown, f"{self.route}: the page shows an exception: {shown} ({self.page.url})"
        assert not self.errors, f"{self.route}: browser errors: {self.errors}"
        return self

    @property
    def route(self) -> str:
        return " → ".join(self.steps)


@pytest.fixture
def walk(page, app_url, errors):
    return Walk(page, app_url, errors)


# ---- sidebar routes that crashed while every AppTest passed -------------------------------------

def test_descent_race_descent(walk):
    walk.open("/").nav("Race").nav("Descent")


def test_race_descent_race(walk):
    walk.open("/race").nav("Descent").nav("Race")


def test_lesson_links_and_back_to_the_lessons(walk):
    walk.open("/lessons").lesson("Momentum crosses the ravine")
    assert walk.query()["opt"] == ["sgd,momentum"]
    walk.nav("Lessons").lesson("A learning rate that is just right")
    assert walk.page_name(walk.page.url) == "Descent" and walk.query()["lr"] == ["0.4"]
    walk.nav("Race")


def test_a_long_walk_over_every_page_and_back(walk):
    walk.open("/")
    for name in ("Lessons", "Race", "Descent", "Race", "Lessons", "Descent"):
        walk.nav(name)
    walk.back().back()
    # Lessons: a page's query write after a sidebar link pushes a second history entry (Streamlit
    # 1.67), so the first back stays on Descent with an empty query; Race without that entry
    assert walk.page_name(walk.page.url) in {"Lessons", "Race"}


def test_the_real_network_between_the_other_pages(walk):
    """The network page by its sidebar link and back: its own state comes back with it."""
    walk.open("/network?opt=sgd&lr=0.5&steps=120&plane=random")
    for name in ("Descent", "Real network", "Race", "Real network"):
        walk.nav(name)
    query = walk.page.url.split("?", 1)[-1]
    assert "opt=sgd" in query and "plane=random" in query and "steps=120" in query, query
    walk.back()


def test_the_lab_and_the_maps_between_the_other_pages(walk):
    """Each page arrives with an empty URL and the last page's widgets in the session state."""
    walk.open("/?surface=rosenbrock&opt=adam&lr=0.02")
    for name in ("Learning rate", "Race", "Learning rate", "Basins", "Learning rate", "Batches", "Descent"):
        walk.nav(name)
    walk.back().back()
    assert walk.page_name(walk.page.url) in {"Learning rate", "Batches", "Basins"}


def test_lesson_links_and_the_back_button(walk):
    """One Back press returns from a lesson to the gallery. When a page rewrites the address its link
    opened, Streamlit 1.67 pushes a second history entry for the rewrite (or replaces the entry,
    depending on timing), and Back may stay on the lesson: so the address must stay as it came."""
    for title in ("Momentum crosses the ravine", "Escaping a saddle"):
        walk.open("/lessons").lesson(title)
        assert walk.query() == walk.link_query, f"{walk.route}: the page rewrote the address its link opened"
        walk.back()
        assert walk.page_name(walk.page.url) == "Lessons", f"{walk.route}: Back stayed on {walk.page.url}"


# ---- a lesson link's hidden controls --------------------------------------------------------------

def assert_hidden(walk):
    page = walk.page
    assert walk.query().get("hide") == [HIDE], f"{walk.route}: hide= lost: {walk.page.url}"
    assert page.get_by_role("combobox", name="Surface", exact=True).count() == 0, f"{walk.route}: Surface shown"
    assert page.get_by_role("slider", name="Steps", exact=True).count() == 0, f"{walk.route}: Steps shown"


def test_a_click_on_the_contour_does_not_move_a_hidden_start(walk):
    walk.open(f"/?surface=ravine&opt=sgd&lr=0.05&hide={HIDE}")
    assert_hidden(walk)
    before = walk.query()
    after = walk.click_contour().query()
    assert (after["x0"], after["y0"]) == (before["x0"], before["y0"])
    assert_hidden(walk)


def test_hidden_controls_stay_hidden_across_pages(walk):
    walk.open(f"/?surface=ravine&opt=sgd&lr=0.05&hide={HIDE}")
    assert_hidden(walk)
    walk.nav("Race")
    assert_hidden(walk)
    walk.nav("Descent")
    assert_hidden(walk)


# ---- presentation mode ----------------------------------------------------------------------------

@pytest.mark.parametrize("title", ["Momentum crosses the ravine", "A learning rate that is just right"])
def test_a_lesson_opened_in_presentation_mode_stays_in_it(walk, title):
    """And shows what to watch (its caption) above the picture."""
    walk.open("/lessons?present=1").lesson(title)
    assert walk.query().get("present") == ["1"], f"{walk.route}: present=1 lost: {walk.page.url}"
    caption = walk.page.locator("[data-testid=stAlert]").filter(has_text=title)
    caption.wait_for(timeout=WAIT)
    picture = walk.page.locator(".st-key-picture").bounding_box()
    assert caption.bounding_box()["y"] < picture["y"], "the lesson's caption is not above its picture"

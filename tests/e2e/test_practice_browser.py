"""The practice page in a real browser (Debian's Chromium): answering, moving between exercises, a
teacher's link in presentation mode, and walks to the other pages and back.

The expected answers come from ``lessons.practice.instance``, the same call the page makes. Every step
fails on a Streamlit exception box and on any browser error (the ``errors`` fixture).
"""

from __future__ import annotations

import re
from contextlib import suppress
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from lessons import practice
from tests.e2e.test_routes import CHART, EXCEPTION, HEADINGS, IDLE, PATHS, WAIT, Walk

pytestmark = pytest.mark.e2e

ANSWER = "Your answer (a number)"  # get_by_label also finds its help icon, "Help for Your answer (a number)"
SIDEBAR = "[data-testid=stSidebar]"
METRIC = "[data-testid=stMetric]"
ALL_PATHS = {**PATHS, "/practice": "Practice"}
# the page's heading, or (in presentation mode, which leaves it out for room) an exercise's title
ALL_HEADINGS = {**HEADINGS, "Practice": re.compile(
    "^(Practice|" + "|".join(re.escape(ex.title) for ex in practice.EXERCISES) + ")$")}


class PracticeWalk(Walk):
    """test_routes' walk, knowing the practice page too (which draws a chart only for some exercises).

    A practice rerun takes ~0.1 s, and then the page may never show ``data-test-script-state=running``
    (seen once in ~30 presses of Next): the run counter of test_routes misses it. So a step here waits
    for what it must bring (a URL, a heading, a link), and the counter only helps against stale pages.
    """

    @staticmethod
    def page_name(url: str) -> str | None:
        return ALL_PATHS.get(urlsplit(url).path.rstrip("/") or "/")

    def settle(self, step: str, runs: int, ready=None) -> PracticeWalk:
        """Wait for the page the URL names, and ``ready`` (a locator) if given, or an exception box."""
        self.steps.append(step)
        with suppress(PlaywrightTimeout):  # a quick run may never show "running"
            self.page.wait_for_function("n => window.__runs > n", arg=runs, timeout=3000)
        name = self.page_name(self.page.url)
        assert name, f"{self.route}: unexpected URL {self.page.url}"
        boxes = self.page.locator(EXCEPTION)
        self.page.get_by_role("heading", name=ALL_HEADINGS[name]).or_(boxes).first.wait_for(timeout=WAIT)
        if ready is not None:
            ready.or_(boxes).first.wait_for(timeout=WAIT)
        self.page.locator(IDLE).wait_for(timeout=WAIT)
        if name == "Practice" and not boxes.count():
            self.page.get_by_role("button", name="Check").or_(boxes).first.wait_for(timeout=WAIT)
        elif name != "Lessons" and not boxes.count():
            self.page.locator(CHART).or_(boxes).first.wait_for(timeout=WAIT)
        self.page.wait_for_timeout(300)  # a rerun the page asked for starts within this
        self.page.locator(IDLE).wait_for(timeout=WAIT)
        return self.check()

    def click(self, button: str, ex: str) -> PracticeWalk:
        """Press Previous or Next; it must bring exercise ``ex``, in the URL and on the page."""
        runs = self.runs()
        self.page.get_by_role("button", name=button, exact=True).click()
        self.page.wait_for_url(lambda url: parse_qs(urlsplit(url).query).get("ex") == [ex], timeout=WAIT)
        title = self.page.get_by_role("heading", name=practice.get(ex).title, exact=True)
        return self.settle(f"press {button}", runs, title)

    def answer(self, text: str) -> PracticeWalk:
        """Type ``text`` and press Check: feedback comes with its link to the picture."""
        runs = self.runs()
        self.page.get_by_role("textbox", name=ANSWER, exact=True).fill(text)
        self.page.get_by_role("button", name="Check", exact=True).click()
        return self.settle(f"check {text!r}", runs, self.page.get_by_role("link", name=re.compile("^See it on the")))

    # ---- what the page shows -----------------------------------------------------------------

    def exercise(self) -> tuple[str, str]:
        """The exercise and seed in the URL."""
        query = self.query()
        return query["ex"][0], query["seed"][0]

    def right_so_far(self) -> str:
        return self.page.locator(SIDEBAR).locator(METRIC).inner_text().splitlines()[-1].strip()

    def shows(self, x: practice.Instance) -> PracticeWalk:
        """The card of exercise instance ``x``: its title and its prompt with these numbers."""
        heading = self.page.get_by_role("heading", name=x.exercise.title, exact=True)
        assert heading.count() == 1, f"{self.route}: no heading {x.exercise.title!r}"
        assert self.page.get_by_text(x.prompt, exact=True).count() == 1, f"{self.route}: prompt not {x.prompt!r}"
        return self


@pytest.fixture
def walk(page, app_url, errors):
    return PracticeWalk(page, app_url, errors)


def alert_text(walk) -> str:
    alerts = walk.page.locator("[data-testid=stAlert]")
    return "\n".join(alerts.nth(i).inner_text() for i in range(alerts.count()))


# ---- answering ------------------------------------------------------------------------------------

def test_a_right_answer_counts_and_links_to_its_picture(walk):
    x = practice.instance("one-update", 3)
    walk.open("/practice?ex=one-update&seed=3").shows(x)
    assert walk.right_so_far() == "—"
    walk.answer(str(x.answer))
    assert f"Right: {x.shown_answer}." in alert_text(walk), f"{walk.route}: {alert_text(walk)!r}"
    assert walk.right_so_far() == "1 of 1"

    runs = walk.runs()
    walk.page.get_by_role("link", name="See it on the descent page").click()
    walk.page.wait_for_url(lambda url: walk.page_name(url) == "Descent", timeout=WAIT)
    walk.settle("See it on the descent page", runs)
    page, query = x.link()
    assert page == "descent"
    assert walk.query()["lr"] == [query["lr"]] and float(query["lr"]) == float(x.values["lr"]), walk.page.url
    assert walk.query()["surface"] == ["bowl"], walk.page.url
    assert walk.page.locator(CHART).first.is_visible()


def test_a_wrong_answer_shows_the_engines_value_and_the_buttons_move_ex(walk):
    x = practice.instance("one-update", 3)
    walk.open("/practice?ex=one-update&seed=3")
    walk.answer(str(x.answer + 1))
    shown = alert_text(walk)
    assert f"the engine computes {x.shown_answer}." in shown and "Not quite" in shown, f"{walk.route}: {shown!r}"
    assert walk.right_so_far() == "0 of 1"

    ids = practice.ids()
    following, last = ids[ids.index("one-update") + 1], ids[-1]
    walk.click("Next ▶", following)
    assert walk.exercise() == (following, "3")
    walk.shows(practice.instance(following, 3))
    walk.click("◀ Previous", "one-update").shows(x)
    walk.click("◀ Previous", last)  # the first exercise's Previous wraps round
    assert walk.exercise() == (last, "3")


# ---- a teacher's link -----------------------------------------------------------------------------

def test_a_teacher_link_keeps_its_set_and_presentation_mode(walk):
    walk.open("/practice?set=hiker,one-update&seed=5&ex=hiker&present=1")
    sidebar = walk.page.locator(SIDEBAR)
    assert sidebar.get_attribute("data-collapsed") == "true", f"{walk.route}: the sidebar is open"
    box = sidebar.bounding_box()
    assert box is None or box["x"] + box["width"] <= 0, f"{walk.route}: the sidebar is on screen: {box}"
    hiker = practice.instance("hiker", 5)
    assert walk.page.get_by_role("heading", name=hiker.exercise.title, exact=True).count() == 1
    assert walk.page.get_by_role("radiogroup").get_by_role("radio").count() == len(hiker.choices)

    expected = {"set": ["hiker,one-update"], "seed": ["5"], "present": ["1"]}
    walk.click("Next ▶", "one-update")
    assert {key: walk.query().get(key) for key in expected} == expected, walk.page.url
    walk.shows(practice.instance("one-update", 5))
    walk.click("Next ▶", "hiker")  # the set's end wraps to its start
    assert {key: walk.query().get(key) for key in expected} == expected, walk.page.url


# ---- walks between the pages ------------------------------------------------------------------------

def test_a_walk_by_the_sidebar_comes_back_to_the_same_exercise(walk):
    x = practice.instance("one-update", 3)
    walk.open("/practice?ex=one-update&seed=3").answer(str(x.answer))
    following = practice.ids()[1]
    walk.click("Next ▶", following)
    for name in ("Descent", "Practice", "Race", "Practice", "Lessons", "Practice"):
        walk.nav(name)
        if name == "Practice":
            assert walk.exercise() == (following, "3"), f"{walk.route}: {walk.page.url}"
            heading = walk.page.get_by_role("heading", name=practice.get(following).title, exact=True)
            assert heading.count() == 1, f"{walk.route}: not on {following}"
            assert walk.right_so_far() == "1 of 1", f"{walk.route}: progress lost"
    assert not walk.page.locator(EXCEPTION).count()


"""Nothing clipped or overlapping, as a class sees it: the bounding boxes of every text plotly.js drew
(axis titles, tick labels, annotations, the numbers box, the scrubber's labels, buttons, legends) at
a projector's 1280×720, at 1920×1080, with and without ``present=1``, and on a phone (390×844). On the
same page loads: the animated picture and its Play and scrubber on the first screen, the picture the
largest thing on it, and presenting at 1280, a contour big enough and numbers to read from the back."""

import pytest

import lessons
from support.serve import PHONE_AGENT
from tests.e2e.layout import LATEX, measure, problems, settle

pytestmark = pytest.mark.e2e

SIZES = {"1280": (1280, 720), "1920": (1920, 1080), "phone": (390, 844)}
CASES = [(size, present) for size in SIZES if size != "phone" for present in ("", "?present=1")]

PAGES = ("descent", "race", "learning_rate", "batches", "basins", "lessons", "practice")


def open_at(page, app_url, path: str, size: str) -> tuple[int, int]:
    w, h = SIZES[size]
    page.set_viewport_size({"width": w, "height": h})
    page.goto(f"{app_url}/{path}")
    settle(page)
    return w, h


ANIMATED = ("descent", "race", "batches")  # the pages whose picture plays (key "picture")


def first_screen(found: dict, w: int, h: int, size: str) -> None:
    """The animated picture fills the screen below the controls, with Play and the scrubber on it."""
    picture = found["picture"]
    assert max(b["y"] + b["h"] for b in picture["buttons"]) <= h  # measured: 530 of 844 on the phone's descent page
    assert picture["rail"]["y"] + picture["rail"]["h"] <= h
    if size != "phone":
        contour, fig = picture["areas"]["xy"], picture["figure"]
        assert contour["y"] >= 0 and contour["y"] + contour["h"] <= h  # the surface on screen
        assert abs(fig["y"] + fig["h"] - h) < 40  # the browser asked for the height that fills its screen
        assert fig["w"] * fig["h"] >= 0.3 * w * h  # the largest thing on the page


def read_from_the_back(found: dict, h: int) -> None:
    """Presenting at 1280×720: the contour takes most of the screen, the numbers are large."""
    contour, loss = found["areas"]["xy"], found["areas"]["x2y2"]
    assert contour["h"] >= 0.55 * h  # measured 56-58 %
    assert loss["h"] >= 150  # the loss curve is tall enough to read its labels
    numbers = [t for t in found["texts"] if t["kind"] == "text trace"]
    assert numbers and min(t["size"] for t in numbers) >= 16
    if found["buttons"]:
        assert max(b["y"] + b["h"] for b in found["buttons"]) <= h  # Play above the fold


@pytest.mark.parametrize("size, present", CASES)
@pytest.mark.parametrize("name", PAGES)
def test_no_text_of_a_picture_overlaps_another_or_is_cut(page, app_url, errors, name, size, present):
    w, h = open_at(page, app_url, ("" if name == "descent" else name) + present, size)
    charts = measure(page)
    assert problems(charts, {"width": w, "height": h}) == []
    assert page.evaluate(LATEX) == []  # no formula runs out of its column
    assert errors == []
    found = {c["key"]: c for c in charts}
    if name in ANIMATED:
        first_screen(found, w, h, size)
    if present and size == "1280" and name in ("descent", "race", "learning_rate"):
        read_from_the_back(found["lab" if name == "learning_rate" else "picture"], h)


@pytest.mark.browser_context_args(user_agent=PHONE_AGENT, viewport={"width": 390, "height": 844})
@pytest.mark.parametrize("name", PAGES)
def test_on_a_phone_no_text_of_a_picture_overlaps_another_or_is_cut(page, app_url, errors, name):
    test_no_text_of_a_picture_overlaps_another_or_is_cut(page, app_url, errors, name, "phone", "")


@pytest.mark.parametrize("present", ["", "&present=1"])
@pytest.mark.parametrize("lesson", [p for p in lessons.PRESETS if p.page in ("descent", "race", "batches")][:6],
                         ids=lambda p: p.id)
def test_a_lessons_caption_leaves_play_and_the_scrubber_on_the_first_screen(page, app_url, lesson, present):
    # as the gallery opens it: the lesson's id in the link shows its caption above the picture
    _, h = open_at(page, app_url, lesson.link().lstrip("/") + f"&lesson={lesson.id}" + present, "1280")
    page.get_by_text(lesson.title).first.wait_for(timeout=10_000)
    picture = {c["key"]: c for c in measure(page)}["picture"]
    assert max(b["y"] + b["h"] for b in picture["buttons"]) <= h
    assert picture["rail"]["y"] + picture["rail"]["h"] <= h

"""The race page and lesson links in a real browser."""

import pytest

import lessons
from support.browser import PICTURE, button, open_page, shot_of_surface, surface_visible

pytestmark = pytest.mark.e2e

# each racer's tail: the same length for all at one step (the racers move together)
RACE_TAILS = f"""() => {{ const gd = {PICTURE};
  return gd._fullData.filter(t => (t.name || '').endsWith(': so far')).map(t => t.x.length); }}"""
# each racer's vertices so far: its blocks switched on and its tail (viz/so_far.py). The tail alone
# shrinks each time a block switches on (a loaded CI caught the tail at such a moment)
RACE_LENGTHS = f"""() => {{ const gd = {PICTURE};
  return gd._fullData.filter(t => (t.name || '').endsWith(': so far')).map(tail => gd._fullData
    .filter(t => (t.name || '').startsWith(tail.name + ', to step') && t.opacity > 0)
    .reduce((n, t) => n + t.x.length - 1, tail.x.length)); }}"""


def test_the_race_animates_every_path_together(page, app_url, errors):
    open_page(page, app_url + "/race?surface=rosenbrock&opt=sgd,momentum,adam")
    before = page.evaluate(RACE_LENGTHS)
    assert len(before) == 3
    button(page, "play").click()
    # past step 80: every path has points beyond the start, however slowly this machine draws frames
    page.wait_for_function(f"() => Number({PICTURE}.getAttribute('data-step')) >= 80", timeout=60_000)
    during, tails_during = page.evaluate(RACE_LENGTHS), page.evaluate(RACE_TAILS)
    shot = shot_of_surface(page)
    page.wait_for_timeout(4500)
    after, tails_after = page.evaluate(RACE_LENGTHS), page.evaluate(RACE_TAILS)
    assert all(d > b for d, b in zip(during, before, strict=True))  # all moved, together
    assert len(set(tails_during)) == 1 and len(set(tails_after)) == 1
    assert all(a >= d for a, d in zip(after, during, strict=True))
    assert surface_visible(shot)
    assert errors == []


def test_a_lesson_link_hides_what_it_says(page, app_url, errors):
    preset = lessons.get("only-learning-rate")
    open_page(page, app_url + preset.link())
    sidebar = page.locator('[data-testid="stSidebar"]')
    assert sidebar.get_by_label("Learning rate η, exact").count() == 1
    for label in ("Surface", "Optimizer", "Steps", "Start x", "Random seed", "Learning-rate schedule"):
        assert sidebar.get_by_label(label, exact=True).count() == 0, label
    assert errors == []


def test_a_click_on_a_lesson_opens_its_picture(page, app_url, errors):
    page.goto(app_url + "/lessons")
    page.get_by_text("Too large a learning rate diverges").wait_for(timeout=30_000)
    assert lessons.PRESETS[0].id == "lr-too-large"
    page.get_by_role("link", name="Open").first.click()
    page.wait_for_function("() => location.search.includes('lr=1.2')", timeout=20_000)
    page.get_by_text("The run diverged at step").wait_for(timeout=20_000)
    assert "surface=bowl" in page.url
    assert errors == []


def test_tune_each_racer_shows_the_tuned_rates(page, app_url, errors):
    open_page(page, app_url + "/race?surface=rosenbrock&opt=momentum,adam&steps=1000")
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_text("Tune each racer").click()
    page.wait_for_function("() => location.search.includes('tune=1')", timeout=30_000)
    page.get_by_text("one surface is not a benchmark").wait_for(timeout=30_000)
    sidebar.locator("summary").filter(has_text="Momentum").first.click()
    sidebar.get_by_text("tuned (its own: 0.0002)").wait_for(timeout=10_000)
    assert sidebar.get_by_label("Learning rate η, exact").count() == 0  # the tuned number, not the widgets
    assert "lr.momentum=0.0002" in page.url  # its own rate stays in the link
    assert errors == []

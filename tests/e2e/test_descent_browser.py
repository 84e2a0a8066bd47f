"""The descent page in a real browser (Debian's Chromium): what only a browser shows."""

import re
import time

import pytest

from support.browser import (
    CHANGED,
    IDLE,
    PATH_LENGTH,
    PICTURE,
    STEPS,
    WHOLE_PATH,
    button,
    open_page,
    shot_of_surface,
    surface_box,
    surface_visible,
)

pytestmark = pytest.mark.e2e


def test_page_renders_without_console_errors(page, app_url, errors):
    open_page(page, app_url)
    page.wait_for_timeout(2000)
    assert page.locator(".js-plotly-plot").count() == 2  # the picture and the 3D view
    # the curvature cross is drawn, and moves: each frame carries it
    cross = page.evaluate(f"""() => {{ const gd = {PICTURE};
        const i = gd.data.map((t, i) => (t.name || '').startsWith('curvature: ') ? i : -1).filter(i => i >= 0);
        return {{traces: i.length, points: i.reduce((n, j) => n + gd._fullData[j].x.length, 0),
                 framed: gd._transitionData._frames.every(f => i.every(j => f.traces.includes(j)))}}; }}""")
    assert cross == {"traces": 2, "points": 5, "framed": True}  # two arms: end, end, gap, end, end
    assert errors == []


# when each script run began (performance.now()); once per document, however often the kept page adds it
RUNS_BEGUN = """if (window.__runsBegun === undefined) { window.__runsBegun = [];
  new MutationObserver((ms) => ms.forEach((m) => { if (m.target.getAttribute('data-test-script-state') === 'running'
      && m.oldValue !== 'running') window.__runsBegun.push(performance.now()); }))
    .observe(document, {subtree: true, attributes: true, attributeOldValue: true,
             attributeFilter: ['data-test-script-state']}); }"""


@pytest.mark.parametrize("path", ["/", "/race", "/batches?epochs=2"])
def test_a_first_visit_fetches_plotly_js_before_the_picture_is_run(page, app_url, errors, path):
    """A first visit's first run only holds the picture's place and draws no chart; its bridge fetches
    Streamlit's plotly.js chunk as it asks for the picture's run (player.js, preloadPlotly), not after
    that run sent the chart, and once: at the URL Streamlit's own import then finds loaded."""
    page.add_init_script(RUNS_BEGUN)
    open_page(page, app_url + path)
    fetched = page.evaluate("""() => performance.getEntriesByType('resource')
        .filter((e) => /\\/PlotlyChart\\.[^/]+\\.js$/.test(e.name)).map((e) => e.startTime)""")
    runs = page.evaluate("() => window.__runsBegun")
    assert len(fetched) == 1, fetched
    assert len(runs) >= 2 and fetched[0] < runs[1], (fetched, runs)  # before the picture's run began
    assert errors == []


def test_play_animates_with_the_surface_on_screen_throughout(page, app_url, errors):
    open_page(page, app_url + "/?surface=ravine&opt=momentum&lr=0.018&steps=150")
    assert page.evaluate(PATH_LENGTH) == 1  # step 0: the start
    button(page, "play").click()
    lengths, shots = [], []
    for at_least in (10, 30, 50, 70):  # steps, not seconds: a loaded machine draws fewer frames
        page.wait_for_function(f"() => Number({PICTURE}.getAttribute('data-step')) >= {at_least}", timeout=60_000)
        lengths.append(page.evaluate(PATH_LENGTH))
        shots.append(shot_of_surface(page))
    page.wait_for_function("() => location.search.includes('k=150')", timeout=60_000)  # Play ended
    assert lengths == sorted(lengths) and lengths[-1] > lengths[0] > 1, lengths
    assert all(surface_visible(s) for s in shots)
    assert surface_visible(shot_of_surface(page))  # and after it finished
    assert page.evaluate(PATH_LENGTH) > lengths[-1]
    assert errors == []


def test_a_click_on_the_surface_moves_the_start_there(page, app_url):
    """Within 1 % of the view of where the click was, written with three significant digits."""
    open_page(page, app_url)
    box = surface_box(page)
    page.mouse.click(box["x"] + 0.8 * box["width"], box["y"] + 0.2 * box["height"])
    page.wait_for_function("() => !location.search.includes('x0=-2.5')", timeout=20_000)
    x0 = float(re.search(r"x0=([-\d.e]+)", page.url).group(1))
    y0 = float(re.search(r"y0=([-\d.e]+)", page.url).group(1))
    # the ravine's view is x −3…3, y −2…2: 1 % of it is 0.06 in x and 0.04 in y
    assert abs(x0 - (-3 + 0.8 * 6)) <= 0.06 and abs(y0 - (2 - 0.2 * 4)) <= 0.04, (x0, y0)
    assert all(v == float(f"{v:.3g}") for v in (x0, y0)), (x0, y0)


def test_a_learning_rate_change_redraws_the_chart(page, app_url):
    open_page(page, app_url)
    before = page.evaluate(WHOLE_PATH)
    box = page.get_by_label("Learning rate η, exact")
    box.fill("0.02")
    box.press("Enter")
    page.wait_for_function(CHANGED, arg=before, timeout=20_000)
    assert "lr=0.02" in page.url


def test_the_slider_and_the_exact_box_agree(page, app_url):
    open_page(page, app_url + "/?lr=0.09")
    shown = page.locator(".st-key-lr_slider [data-testid=stSliderThumbValue]")
    assert shown.inner_text() == "0.09"
    page.locator(".st-key-lr button").last.click()  # the box's +: about ×1.25
    page.wait_for_function("() => location.search.includes('lr=0.11')", timeout=20_000)
    page.wait_for_selector(IDLE)
    assert shown.inner_text() == "0.11"


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


def test_play_scrubber_step_buttons_and_the_equations_agree_on_the_step(page, app_url, errors):
    open_page(page, app_url + "/?surface=bowl&opt=momentum&lr=0.05&steps=60&k=0")
    for _ in range(3):
        button(page, "forward").click()
        page.wait_for_timeout(150)
    assert page.evaluate(STEPS) == {"bridge": 3, "scrubber": 3, "panel": 3, "marker": 3}
    page.wait_for_function("() => location.search.includes('k=3')", timeout=20_000)
    page.get_by_text("At step 3: the update to step 4").wait_for(timeout=20_000)
    button(page, "back").click()
    page.wait_for_function("() => location.search.includes('k=2')", timeout=20_000)
    assert page.evaluate(STEPS) == {"bridge": 2, "scrubber": 2, "panel": 2, "marker": 2}
    page.get_by_text("At step 2: the update to step 3").wait_for(timeout=20_000)

    button(page, "play").click()  # during Play every part shows the same step
    seen = []
    for _ in range(4):
        page.wait_for_function(f"(last) => Number({PICTURE}.getAttribute('data-step')) > last",
                               arg=seen[-1] if seen else 2, timeout=30_000)
        now = page.evaluate(STEPS)
        seen.append(now["scrubber"])
        assert now["panel"] == now["marker"] == now["scrubber"], now
    assert seen == sorted(seen) and seen[-1] > seen[0]
    page.wait_for_function("() => location.search.includes('k=60')", timeout=30_000)
    assert page.evaluate(STEPS) == {"bridge": 60, "scrubber": 60, "panel": 60, "marker": 60}
    page.get_by_text("Step 60 is the end of the run").wait_for(timeout=20_000)

    rail = page.locator(".st-key-picture .slider-rail-rect").bounding_box()  # the scrubber, a third along
    page.mouse.click(rail["x"] + rail["width"] / 3, rail["y"] + rail["height"] / 2)
    page.wait_for_function("() => !location.search.includes('k=60')", timeout=20_000)
    page.wait_for_selector(IDLE)
    steps = page.evaluate(STEPS)
    assert len(set(steps.values())) == 1 and 10 < steps["scrubber"] < 30, steps
    assert f"k={steps['scrubber']}" in page.url
    assert errors == []


def test_the_line_so_far_follows_the_scrubber_backwards_too(page, app_url, errors):
    # the line so far is blocks switched on by opacity plus a tail (viz/so_far.py): a jump back must
    # switch blocks off again, in the DOM, not only in plotly's data
    open_page(page, app_url + "/?surface=ravine&lr=0.09&steps=400&k=400")
    jump = ("(f) => Plotly.animate(" + PICTURE + ", [f], {mode: 'immediate', frame: {duration: 0, redraw: false},"
            " transition: {duration: 0}})")
    # each drawn trace's group carries its calcdata (d3's __data__), whose trace names it
    shown_blocks = (f"() => Array.from({PICTURE}.querySelectorAll('.scatterlayer .trace'))"
                    ".filter(g => ((g.__data__ && g.__data__[0] && g.__data__[0].trace.name) || '').includes(', to step'))"
                    ".filter(g => Number(g.style.opacity) > 0).length")
    lengths = {}
    for frame in ("400", "24", "200", "2", "398"):
        page.evaluate(jump, frame)
        page.wait_for_timeout(300)  # the bridge reports the step: let that run end before reading the picture
        page.wait_for_selector(IDLE, timeout=30_000)
        page.evaluate(jump, frame)  # and stand on the frame again, whatever that run redrew
        lengths[frame] = (page.evaluate(PATH_LENGTH), page.evaluate(shown_blocks))
    assert lengths["2"] == (3, 0) and lengths["24"][1] == 0, lengths  # back at the start: no block shown
    assert lengths["24"][0] < lengths["200"][0] < lengths["398"][0] <= lengths["400"][0], lengths
    assert lengths["200"][1] < lengths["398"][1] == lengths["400"][1], lengths
    assert errors == []

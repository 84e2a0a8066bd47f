"""Ten visitors at once on one server, each with its own settings: every page shows its own picture
(no cross-talk between sessions) and no errors. Ten, not twenty: ten already queue their first runs
(app_pages/queue.py) and share the cores with the other browser tests; bench/load.py opens twenty and
times them (twenty took this test 104 s of the suite's 16 minutes)."""

import pytest

from support.browser import PICTURE, READY

pytestmark = pytest.mark.e2e

VISITORS = 10
# each visitor's own learning rate and start: the picture's first step is different for every one (the 3D view
# off: it is the same for all and took a third of each page's load here)
LINKS = [f"/?surface=bowl&opt=sgd&steps=30&lr={0.01 * (i + 1):g}&x0={-2 + 0.1 * i:g}&y0=1.5&view3d=0"
         for i in range(VISITORS)]
FIRST_POINTS = f"""() => {{ const gd = {PICTURE};
  const t = gd._fullData.find(t => (t.name || '').endsWith(': whole path'));
  return [Array.from(t.x).slice(0, 2), Array.from(t.y).slice(0, 2)]; }}"""


def test_ten_sessions_each_see_their_own_picture(browser, app_url):
    contexts = [browser.new_context(viewport={"width": 1280, "height": 720}) for _ in range(VISITORS)]
    pages, problems = [], []
    try:
        for context, link in zip(contexts, LINKS, strict=True):
            page = context.new_page()
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.on("console", lambda m: problems.append(m.text) if m.type == "error"
                    and "Failed to load resource" not in m.text else None)
            page.goto(app_url + link)  # all load at once
            pages.append(page)
        for i, page in enumerate(pages):
            page.wait_for_function(READY, timeout=240_000)
            lr, x0 = 0.01 * (i + 1), -2 + 0.1 * i
            (xs, ys) = page.evaluate(FIRST_POINTS)
            # on the bowl, one step of gradient descent from (x0, 1.5) lands on (1 − 2·lr)·(x0, 1.5)
            assert xs[0] == pytest.approx(x0, abs=1e-6) and xs[1] == pytest.approx((1 - 2 * lr) * x0, abs=1e-5)
            assert ys[1] == pytest.approx((1 - 2 * lr) * 1.5, abs=1e-5)
            assert f"lr={lr:g}" in page.url
        assert problems == []
    finally:
        for context in contexts:
            context.close()

"""Does a long basins run in one session hold up another session? Two browser sessions on one server
(Debian's Chromium): the descent page's learning-rate redraw timed alone, then while the other session
runs a basins map on the two-weight net (6 400 starts × 200 steps, several seconds). NumPy releases the
GIL on large arrays, so the ratio should stay near 1.

    python bench/sessions.py
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from support.browser import CHANGED, WHOLE_PATH, open_page
from support.serve import CHROMIUM_ARGS, chromium_path, running_app

IDLE = "[data-testid=stApp][data-test-script-state=notRunning]"


def redraw(page, lr: float) -> float:
    before = page.evaluate(WHOLE_PATH)
    box = page.get_by_label("Learning rate η, exact")
    box.fill(str(lr))
    start = time.perf_counter()
    box.press("Enter")
    page.wait_for_function(CHANGED, arg=before, timeout=60_000)
    return time.perf_counter() - start


def main() -> None:
    from playwright.sync_api import sync_playwright  # here: a dev-only dependency (requirements-dev.txt)

    if chromium_path() is None:
        raise SystemExit("bench/sessions.py needs Debian's chromium (apt-get install chromium)")
    with running_app() as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        busy, learner = browser.new_page(), browser.new_page(viewport={"width": 1400, "height": 1000})
        open_page(learner, url + "/?view3d=0")
        alone = [redraw(learner, 0.02 + 0.001 * i) for i in range(5)]
        busy.goto(url + "/basins?surface=tiny_net&opt=sgd&lr=0.1&steps=200&n=80")
        busy.wait_for_selector(".js-plotly-plot .main-svg", timeout=120_000)
        loaded, runs = [], []
        for i in range(3):
            box = busy.get_by_label("Learning rate η, exact")
            box.fill(str(round(0.09 - 0.01 * i, 3)))
            began = time.perf_counter()
            box.press("Enter")
            time.sleep(0.5)  # the basins run is under way
            loaded.append(redraw(learner, 0.05 + 0.001 * i))
            busy.wait_for_selector(IDLE, timeout=120_000)
            runs.append(time.perf_counter() - began)
        browser.close()
    if min(runs) < 2 * statistics.median(alone):
        raise SystemExit("bench/sessions.py: the basins run was too short to overlap the redraws; nothing measured")
    print(f"basins run in the busy session: {statistics.median(runs):.1f} s (median of {len(runs)})")
    print(f"descent redraw in the other session: {statistics.median(alone) * 1e3:.0f} ms alone, "
          f"{statistics.median(loaded) * 1e3:.0f} ms during the basins run "
          f"({statistics.median(loaded) / statistics.median(alone):.2f}×)")


if __name__ == "__main__":
    main()

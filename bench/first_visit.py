"""A first visit in Debian's Chromium: this checkout against a baseline commit, interleaved.

    python bench/first_visit.py [--baseline 3d81ece] [--repeats 5] [--viewport 1400x1000]

Each repeat opens each page in a fresh browser context, once on a server of this checkout and once on a
server of the baseline (a temporary git worktree), and measures until the picture settles (its bridge
says it fits): the wall time, the CPU time of every Chromium process (from /proc: the renderer, the GPU
process that draws the 3D view in software, the browser) and how many times the animated picture was
drawn from scratch (a new plotly.js graph under the picture's key). Medians and ratios are printed.

The default baseline is the commit before a browser's first run held the picture's place: there the
picture is drawn at a guess and again at the size that fits. The bench exits non-zero when the baseline
did not take effect (its picture drawn as often as this checkout's) or a page drew no picture.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.pages import worktree
from support.browser import SETTLED
from support.serve import CHROMIUM_ARGS, chromium_path, cpu_seconds, running_app

BASELINE = "3d81ece"
PAGES = ("/", "/race", "/batches")
# Counts the picture's plotly.js graphs as they appear (a redraw from scratch makes a new one).
COUNT_DRAWS = """
window.__draws = 0;
new MutationObserver(() => {
  document.querySelectorAll('.st-key-picture .js-plotly-plot').forEach(gd => {
    if (!gd.__counted) { gd.__counted = true; window.__draws++; }
  });
}).observe(document, {childList: true, subtree: true});
"""


def chromium_cpu() -> float:
    """CPU seconds of every Chromium process now alive (the renderer, the GPU process, the browser)."""
    total = 0.0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if b"chromium" in Path(f"/proc/{pid}/cmdline").read_bytes():
                total += cpu_seconds(int(pid))
        except OSError:  # gone meanwhile
            continue
    return total


def first_visit(browser, url: str, viewport: dict) -> tuple[float, float, int]:
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.add_init_script(COUNT_DRAWS)
    cpu, start = chromium_cpu(), time.perf_counter()
    page.goto(url)
    page.wait_for_function(SETTLED, timeout=120_000)
    wall, cpu = time.perf_counter() - start, chromium_cpu() - cpu
    draws = page.evaluate("window.__draws")
    context.close()
    return wall, cpu, draws


def main() -> None:
    from playwright.sync_api import sync_playwright  # here: a dev-only dependency (requirements-dev.txt)

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default=BASELINE)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--viewport", default="1400x1000")
    args = parser.parse_args()
    if chromium_path() is None:
        raise SystemExit("bench/first_visit.py needs Debian's chromium (apt-get install chromium)")
    width, height = map(int, args.viewport.split("x"))
    viewport = {"width": width, "height": height}
    found = {(side, page): [] for side in ("new", "old") for page in PAGES}
    with worktree(args.baseline) as old_root, running_app() as new_url, running_app(root=old_root) as old_url, \
            sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        for _ in range(args.repeats):
            for page in PAGES:
                for side, url in (("new", new_url), ("old", old_url)):
                    found[side, page].append(first_visit(browser, url + page, viewport))
        browser.close()
    report(found, args.baseline, args.viewport)


def medians(runs: list[tuple]) -> list[float]:
    return [statistics.median(column) for column in zip(*runs, strict=True)]


def report(found: dict, baseline: str, viewport: str) -> None:
    print(f"A first visit at {viewport}, median of {len(found['new', PAGES[0]])}: this checkout vs {baseline}")
    problems = []
    for page in PAGES:
        new, old = found["new", page], found["old", page]
        (wall, cpu, draws), (wall0, cpu0, draws0) = (medians(runs) for runs in (new, old))
        print(f"  {page:9} settled {wall:5.2f} s vs {wall0:5.2f} s ({wall / wall0:.2f}×); Chromium CPU {cpu:5.2f} s vs "
              f"{cpu0:5.2f} s ({cpu / cpu0:.2f}×); picture drawn {draws:g} vs {draws0:g} times")
        if min(d for _, _, d in new + old) < 1:
            problems.append(f"{page}: a visit drew no picture")
        if draws0 <= draws:
            problems.append(f"{page}: the baseline drew the picture as often ({draws0:g}): did it take effect?")
    if problems:
        raise SystemExit("bench/first_visit.py: " + "; ".join(problems))


if __name__ == "__main__":
    main()

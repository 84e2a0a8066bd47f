"""How fast does the descent page answer? Server time and payload per learning-rate change, against
the obvious build, then (when Debian's Chromium is present) the browser's redraw time and frame rate.

    python bench/pages.py [--changes 20] [--no-browser]

Server (AppTest, one process, median of ``--changes`` distinct learning rates, so no cache hits):
  - lean: the page as it ships (figures as dicts with float32 typed arrays, passed through as is);
  - obvious: the same figures as validated ``go.Figure``/``go.Frame`` objects with float64 arrays.
Goals: lean ≤ 30 ms per change and ≤ 0.6 MB of figure JSON; the ratio shows what the design buys.
Browser: knob change → 2D chart redrawn (median, goal ≤ 300 ms); Play's frame rate (goal ≥ 30/s),
with screenshots taken mid-play checked for the surface.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import plotly.graph_objects as go  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

import viz.lean  # noqa: E402
from viz.encode import decode  # noqa: E402


def obvious_figure(spec: dict) -> go.Figure:
    """What a first version would send: go objects, float64 arrays, every frame validated."""
    def plain(trace):
        return {k: decode(v).astype(float) if isinstance(v, dict) and "bdata" in v else v for k, v in trace.items()}

    return go.Figure(data=[plain(t) for t in spec["data"]], layout=spec["layout"],
                     frames=[go.Frame(data=[plain(t) for t in f["data"]], traces=f["traces"], name=f["name"])
                             for f in spec.get("frames", [])])


@contextmanager
def obvious_build():
    lean = viz.lean.PreparedFigure
    viz.lean.PreparedFigure = obvious_figure
    try:
        yield
    finally:
        viz.lean.PreparedFigure = lean


def server_times(changes: int, page: str = "descent") -> tuple[float, int, int]:
    """Median rerun time after a learning-rate change, total figure JSON and the contour's share."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    if page == "race":  # the default race: four optimizers on Beale's function
        at.switch_page("app_pages/race.py")
    at.run()
    key = "lr" if page == "descent" else "lr.adam"
    times = []
    for i in range(changes):
        at.number_input(key=key).set_value(round(0.01 + 0.003 * i, 6))
        start = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - start)
    assert not at.exception, at.exception
    specs = [len(c.proto.spec) for c in at.get("plotly_chart")]
    return statistics.median(times), sum(specs), specs[0]


def browser(changes: int) -> None:
    runs = (("", "", "descent, 3D view on (default)"), ("", "?view3d=0", "descent, 3D view off"),
            ("race", "", "race of four, 3D view on"))
    for path, query, label in runs:
        browser_run(changes, path, query, label)


def browser_run(changes: int, path: str, query: str, label: str) -> None:
    from playwright.sync_api import sync_playwright

    from tests.e2e.server import CHROMIUM_ARGS, chromium_path, running_app
    from tests.e2e.test_descent_browser import CHANGED, WHOLE_PATH, open_page

    if chromium_path() is None:
        print("browser: Debian's chromium is not installed; skipped")
        return
    with running_app() as url, sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        page = b.new_page(viewport={"width": 1400, "height": 1000})
        open_page(page, f"{url}/{path}{query}")
        if path == "race":  # Adam's knobs sit in its expander
            page.locator("[data-testid=stSidebar] details summary").filter(has_text="Adam").click()
        redraws = []
        for i in range(changes):
            before = page.evaluate(WHOLE_PATH)
            box = page.get_by_label("Learning rate η, exact").last  # the race: Adam's, the last racer
            box.fill(str(round(0.02 + 0.002 * i, 6)))
            start = time.perf_counter()
            box.press("Enter")
            page.wait_for_function(CHANGED, arg=before)
            redraws.append(time.perf_counter() - start)
        print(f"browser, {label}: lr change → 2D chart redrawn, median of {changes}: "
              f"{statistics.median(redraws) * 1e3:.0f} ms (goal ≤ 300 ms)")
        fps, visible = play(page)
        print(f"browser, {label}: Play runs at {fps:.1f} frames/s (goal ≥ 30); surface on screen in "
              f"{sum(visible)}/{len(visible)} screenshots taken mid-play")
        b.close()


def play(page) -> tuple[float, list[bool]]:
    from tests.e2e.test_descent_browser import surface_visible

    page.evaluate("""() => { const gd = [...document.querySelectorAll('.js-plotly-plot')][0];
        window.__frames = []; gd.on('plotly_animatingframe', () => window.__frames.push(performance.now())); }""")
    chart = page.locator(".js-plotly-plot").first
    chart.locator(".updatemenu-button").first.click()

    visible = []
    for _ in range(5):
        page.wait_for_timeout(200)
        visible.append(surface_visible(chart.screenshot()))
    page.wait_for_timeout(4000)
    stamps = page.evaluate("() => window.__frames")
    fps = (len(stamps) - 1) / ((stamps[-1] - stamps[0]) / 1000) if len(stamps) > 1 else 0.0
    return fps, visible


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=20)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()

    for page in ("descent", "race"):
        lean = server_times(args.changes, page)
        with obvious_build():
            obvious = server_times(args.changes, page)
        what = "default picture" if page == "descent" else "default race, four optimizers"
        print(f"{page} page, server, median of {args.changes} learning-rate changes (AppTest, {what}):")
        print(f"  lean (as shipped)        {lean[0] * 1e3:7.1f} ms   {lean[1] / 1e6:5.2f} MB of figure JSON "
              f"(contour {lean[2] / 1e6:.2f} MB)   goals ≤ 30 ms, ≤ 0.6 MB")
        print(f"  obvious go.Figure build  {obvious[0] * 1e3:7.1f} ms   {obvious[1] / 1e6:5.2f} MB "
              f"(contour {obvious[2] / 1e6:.2f} MB)")
        print(f"  ratio                    {obvious[0] / lean[0]:7.1f}×         {obvious[1] / lean[1]:5.1f}× the bytes")
    if not args.no_browser:
        browser(min(args.changes, 10))


if __name__ == "__main__":
    main()

"""How fast do the descent and race pages answer? Server time and payload per learning-rate change,
against the obvious build, then (when Debian's Chromium is present) the browser's redraw time and frame rate.

    python bench/pages.py [--changes 20] [--no-browser]

Server (AppTest, one process, each page script compiled once as the server does; median of ``--changes``
learning-rate changes per build, the two builds' reruns interleaved so the machine's load falls on both
alike; the cache is cleared before each configuration and each build gets its own learning rates, so no
timed rerun is a cache hit):
  - lean: the pages as they ship (figures as dicts with float32 typed arrays, passed through as is);
  - obvious: the same figures as validated ``go.Figure``/``go.Frame`` objects with float64 arrays,
    injected by patching ``app_pages.lean.prepared`` (which ``chart()`` looks up at every call).
Goals: lean ≥ 8× faster than obvious on each page; lean ≤ 30 ms per change and ≤ 0.6 MB of figure JSON.
The benchmark exits non-zero if the obvious build did not take effect (its wrapper never called, the
same bytes sent, or not slower than lean): such a comparison would measure nothing.
Browser: knob change → 2D chart redrawn (median, goal ≤ 300 ms); Play's frame rate (goal ≥ 30/s),
with screenshots taken mid-play checked for the surface.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import plotly.graph_objects as go  # noqa: E402
import streamlit as st  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from app_pages import lean  # noqa: E402
from viz.encode import decode  # noqa: E402

GOAL = 8.0  # the lean build must be at least this many times faster than the obvious one, on each page
PAGES = {  # page → (what AppTest switches to, the learning-rate box changed, what the default shows)
    "descent": (None, "lr", "default picture"),
    "race": ("app_pages/race.py", "lr.adam", "default race, four optimizers"),
}


def float64(value):
    """Typed arrays (at any depth) back to float64 NumPy arrays, as a first version would hold them."""
    if isinstance(value, dict):
        if "bdata" in value:
            return decode(value).astype(float)
        return {k: float64(v) for k, v in value.items()}
    if isinstance(value, list):
        return [float64(v) for v in value]
    return value


def obvious_figure(spec: dict) -> go.Figure:
    """What a first version would send: go objects, float64 arrays, every frame validated."""
    return go.Figure(data=float64(spec["data"]), layout=float64(spec["layout"]),
                     frames=[go.Frame(**float64(f)) for f in spec.get("frames", [])])


@contextmanager
def obvious_build(calls: list):
    """The pages send :func:`obvious_figure` instead of the lean wrapper; each call is appended to ``calls``."""
    def counted(spec: dict) -> go.Figure:
        calls.append(1)
        return obvious_figure(spec)

    with mock.patch.object(lean, "prepared", counted):
        yield


@dataclass
class Server:
    times: list  # seconds per learning-rate change
    specs: dict  # chart key → the figure JSON Streamlit sent, both builds at the same learning rate

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def bytes(self) -> int:
        return sum(map(len, self.specs.values()))


def open_page(page: str) -> AppTest:
    switch, key, _ = PAGES[page]
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    if switch:
        at.switch_page(switch)
    at.run()
    if at.exception:
        raise SystemExit(f"bench/pages.py: the {page} page raised: {at.exception}")
    try:
        at.number_input(key=key)
    except KeyError:
        raise SystemExit(f"bench/pages.py: the {page} page has no number input {key!r} any more; "
                         f"update PAGES in bench/pages.py") from None
    return at


def rerun(at: AppTest, page: str, lr: float) -> float:
    """Seconds the page takes to answer a learning-rate change."""
    at.number_input(key=PAGES[page][1]).set_value(lr)
    start = time.perf_counter()
    at.run()
    seconds = time.perf_counter() - start
    if at.exception:
        raise SystemExit(f"bench/pages.py: the {page} page raised: {at.exception}")
    return seconds


def sent(at: AppTest) -> dict:
    return {c.proto.id.rsplit("-", 1)[-1]: c.proto.spec for c in at.get("plotly_chart")}


def server_times(page: str, changes: int) -> tuple[Server, Server, int]:
    """Both builds of one page, one AppTest session each, their reruns interleaved so the machine's load
    falls on both alike. The cache is cleared before each configuration, and the two take different
    learning rates, so every timed rerun runs the engine and builds its figures (no cache hits). Then
    both rerun once at the same learning rate, for the bytes. Fails if the obvious build did not run."""
    calls = []
    st.cache_data.clear()
    fast = open_page(page)
    st.cache_data.clear()
    with obvious_build(calls):
        slow = open_page(page)
    fast_times, slow_times = [], []
    for i in range(changes):
        lr = round(0.01 + 0.003 * i, 6)
        for which in ((0, 1) if i % 2 == 0 else (1, 0)):  # ABBA: neither always goes first
            if which == 0:
                fast_times.append(rerun(fast, page, lr))
            else:
                with obvious_build(calls):
                    slow_times.append(rerun(slow, page, round(lr + 0.0015, 6)))
    same = round(0.01 + 0.003 * changes, 6)
    rerun(fast, page, same)
    with obvious_build(calls):
        rerun(slow, page, same)
    lean_run, obvious_run = Server(fast_times, sent(fast)), Server(slow_times, sent(slow))
    check(page, changes, lean_run, obvious_run, len(calls))
    return lean_run, obvious_run, len(calls)


def check(page: str, changes: int, fast: Server, slow: Server, calls: int) -> None:
    """Exit non-zero when the obvious build did not take effect: the comparison would measure nothing."""
    runs, charts = changes + 2, len(slow.specs)
    problems = []
    if not calls:
        problems.append("app_pages.lean.prepared was patched but never called (do the pages still draw "
                        "every chart through app_pages.lean.chart?)")
    elif calls < runs * charts:
        problems.append(f"the obvious wrapper ran {calls} times, fewer than the {runs * charts} charts drawn "
                        f"({runs} runs × {charts} charts)")
    if fast.specs == slow.specs or fast.bytes == slow.bytes:
        same = "the same figure JSON" if fast.specs == slow.specs else "as many bytes of figure JSON"
        problems.append(f"both builds sent {same} ({fast.bytes:,} bytes)")
    elif not any('"dtype":"f8"' in spec for spec in slow.specs.values()):
        problems.append("the obvious build sent no float64 arrays")
    if slow.median <= fast.median:
        problems.append(f"the obvious build was not slower ({slow.median * 1e3:.1f} ms against "
                        f"{fast.median * 1e3:.1f} ms lean)")
    if problems:
        raise SystemExit(f"bench/pages.py: the obvious build did not take effect on the {page} page, so "
                         "this comparison measures nothing:\n  - " + "\n  - ".join(problems))


def report(page: str, changes: int, fast: Server, slow: Server, calls: int) -> bool:
    ratio = slow.median / fast.median
    met = ratio >= GOAL
    print(f"{page} page, server, median of {changes} learning-rate changes each, interleaved (AppTest, "
          f"{PAGES[page][2]}, {len(fast.specs)} charts):")
    print(f"  lean (as shipped)        {fast.median * 1e3:7.1f} ms   {fast.bytes:>9,} bytes of figure JSON "
          f"(contour {len(fast.specs.get('contour', '')):,})   goals ≤ 30 ms, ≤ 600,000 bytes")
    print(f"  obvious go.Figure build  {slow.median * 1e3:7.1f} ms   {slow.bytes:>9,} bytes of figure JSON "
          f"(contour {len(slow.specs.get('contour', '')):,}; wrapper called {calls} times)")
    print(f"  ratio                    {ratio:7.1f}×         {slow.bytes / fast.bytes:5.2f}× the bytes   "
          f"goal ≥ {GOAL:g}×: {'met' if met else 'NOT MET'}")
    return met


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


@contextmanager
def scripts_compiled_once():
    """The server compiles each page script once and keeps it; AppTest makes a new ScriptCache on every
    run and so recompiles app.py and the page each time (13–17 ms here), a cost no visitor pays. Share
    one cache, as the server does, so both builds are timed as the server runs them."""
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache

    shared = ScriptCache()
    with mock.patch("streamlit.testing.v1.app_test.ScriptCache", lambda: shared):
        yield


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=20)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()

    met = {}
    with scripts_compiled_once():
        for page in PAGES:
            fast, slow, calls = server_times(page, args.changes)
            met[page] = report(page, args.changes, fast, slow, calls)
    print(f"goal (lean ≥ {GOAL:g}× faster on each page): "
          + ", ".join(f"{page} {'met' if ok else 'NOT MET'}" for page, ok in met.items()))
    if not args.no_browser:
        browser(min(args.changes, 10))


if __name__ == "__main__":
    main()

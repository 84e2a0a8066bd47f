"""The app against plotly.js alone in a bare page, drawing the very figures the app drew (issue 25's limit).

    python bench/bare.py [--repeats 7] [--pages descent,race]     (or: python bench/pages.py --bare)

For each page, in Debian's Chromium at 1280×720, repeats interleaved (app, bare, bare, app, ...):
  - first visit: from the navigation to the picture drawn and at rest (the app: its picture fits and no
    run is going; bare: a new tab loads plotly.js and the figure's JSON and ``Plotly.newPlot`` resolves);
  - another change (the start's x typed into its box, a rerun): from Enter to the new path drawn; bare:
    ``Plotly.react`` from the figure before to the figure after, both captured from the app;
  - Play: frames drawn per second over 3 s; bare: ``Plotly.animate`` with the app's own frames and the
    arguments of the app's own Play button. The app plays again with plotly.js's own schema crawl put
    back (app_pages/schema_cache.js undone), the baseline of that cache (the bench stops if it is absent).
Ratios app/bare of the medians are printed with the goals (first visit ≤ 1.3, change ≤ 2, Play ≥ 0.9 on
descent and ≥ 0.8 on the race). plotly.js differs by a minor version: the app's is Streamlit's bundle,
the bare page's is plotly.py's (both printed). The bench exits non-zero when a side drew nothing
(no frame, no new path) or the bare page drew a figure other than the app's.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import statistics
import sys
import tempfile
import threading
from pathlib import Path

import plotly

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from support.browser import CHANGED, COUNT_FRAMES, FPS, PICTURE, SETTLED, WHOLE_PATH, button
from support.serve import CHROMIUM_ARGS, chromium_path, running_app

VIEWPORT = {"width": 1280, "height": 720}
GOALS = {"first": 1.3, "change": 2.0}
PLAY_GOALS = {"descent": 0.9, "race": 0.8}
PATHS = {"descent": "/", "race": "/race"}
# the picture as plotly.js holds it, at the size it is drawn
FIGURE = f"""() => {{ const gd = {PICTURE};
  const layout = {{...gd.layout, width: gd._fullLayout.width, height: gd._fullLayout.height}};
  return JSON.stringify({{data: gd.data, layout, frames: gd._transitionData._frames || []}}); }}"""
BARE = """<!doctype html><meta charset="utf-8"><body style="margin:0">
<div id="gd"></div><script src="plotly.min.js"></script>
<script>
fetch("first.json").then((r) => r.json()).then((fig) => Plotly.newPlot("gd", fig)).then((gd) =>
  requestAnimationFrame(() => { window.__drawn = performance.now(); window.__gd = gd; }));
</script>"""
# from the call to the first frame painted after plotly.js says it is done
REACT = """async (fig) => { const start = performance.now(); await Plotly.react(window.__gd, fig);
  await new Promise(requestAnimationFrame); return performance.now() - start; }"""
PLAY_ARGS = """(gd) => { const play = gd.layout.updatemenus.flatMap((m) => m.buttons).find((b) => b.name === 'play');
  return play.args; }"""


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def serve(folder: Path):
    handler = functools.partial(Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def app_side(browser, url: str, path: str, changes: int) -> dict:
    """One visit to the app: first draw, ``changes`` start changes (the figures kept for the bare page), Play."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.goto(url + path)
    page.wait_for_function(SETTLED, timeout=60_000, polling="raf")
    first = page.evaluate("() => performance.now()")
    page.wait_for_timeout(500)
    figures, times = [page.evaluate(FIGURE)], []
    box = page.get_by_label("Start x")
    x = float(box.input_value())
    for i in range(changes):
        before = page.evaluate(WHOLE_PATH)
        box.fill(f"{x + 0.05 * (i + 1):.4g}")
        start = page.evaluate("() => performance.now()")
        box.press("Enter")
        page.wait_for_function(CHANGED, arg=before, polling="raf", timeout=60_000)
        times.append(page.evaluate("() => performance.now()") - start)
        page.wait_for_function(SETTLED, timeout=60_000)
        page.wait_for_timeout(300)
        figures.append(page.evaluate(FIGURE))
    if not page.evaluate("() => !!Plotly.PlotSchema.__downhillOriginal"):
        raise SystemExit("the app's plotly.js runs without app_pages/schema_cache.js: Play would measure nothing new")
    fps = play(page)
    page.evaluate("() => { Plotly.PlotSchema.findArrayAttributes = Plotly.PlotSchema.__downhillOriginal; }")
    uncached = play(page)
    version = page.evaluate("() => Plotly.version")
    context.close()
    return {"first": first, "change": times, "fps": fps, "uncached": uncached, "figures": figures, "version": version}


def play(page) -> float:
    """Frames per second over 3 s of Play from the first step."""
    page.evaluate(COUNT_FRAMES, page.evaluate_handle(PICTURE))
    button(page, "pause").click()
    button(page, "back").click()
    button(page, "play").click()
    page.wait_for_timeout(3000)
    return page.evaluate(FPS)


def bare_side(browser, url: str, folder: Path, figures: list[str]) -> dict:
    """The same figures in a bare page: first draw (a new tab), each change by Plotly.react, Play."""
    (folder / "first.json").write_text(figures[0])
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.goto(url + "/bare.html")
    page.wait_for_function("() => window.__drawn !== undefined", timeout=60_000)
    first = page.evaluate("() => window.__drawn")
    drawn = page.evaluate("() => window.__gd.data.length")
    if drawn != len(json.loads(figures[0])["data"]):
        raise SystemExit(f"the bare page drew {drawn} traces, not the app's figure")
    page.wait_for_timeout(500)
    times = [page.evaluate(REACT, json.loads(fig)) for fig in figures[1:]]
    gd = page.evaluate_handle("() => window.__gd")
    page.evaluate(COUNT_FRAMES, gd)
    play_args = page.evaluate(PLAY_ARGS, gd)
    page.evaluate("([gd, args]) => { Plotly.animate(gd, ...args); }", [gd, play_args])
    page.wait_for_timeout(3000)
    fps = page.evaluate(FPS)
    context.close()
    return {"first": first, "change": times, "fps": fps}


def ratio_line(what: str, app: float, bare: float, goal: float, unit: str, higher_better: bool = False) -> str:
    ratio = app / bare
    met = ratio >= goal if higher_better else ratio <= goal
    sign = "≥" if higher_better else "≤"
    return (f"  {what:<22} app {app:7.1f} {unit}  bare {bare:7.1f} {unit}  ratio {ratio:4.2f} "
            f"(goal {sign} {goal}: {'met' if met else 'NOT MET'})")


def bench_page(browser, app_url: str, bare_url: str, folder: Path, name: str, repeats: int, changes: int) -> None:
    app, bare = {"first": [], "change": [], "fps": []}, {"first": [], "change": [], "fps": []}
    version, uncached = None, []
    for _ in range(repeats):
        a = app_side(browser, app_url, PATHS[name], changes)
        b = bare_side(browser, bare_url, folder, a["figures"])
        version = a["version"]
        for side, got in ((app, a), (bare, b)):
            side["first"].append(got["first"])
            side["change"].extend(got["change"])
            side["fps"].append(got["fps"])
        uncached.append(a["uncached"])
    if min(app["fps"] + bare["fps"] + uncached) <= 0:
        raise SystemExit(f"{name}: Play drew no frame on one side: app {app['fps']}, bare {bare['fps']}")
    med = {k: (statistics.median(app[k]), statistics.median(bare[k])) for k in app}
    versions = f"plotly.js app {version}, bare {plotly.offline.get_plotlyjs_version()}"
    print(f"{name} ({repeats} visits, {len(app['change'])} changes; {versions}):")
    print(ratio_line("first visit", *med["first"], GOALS["first"], "ms"))
    print(ratio_line("start changed", *med["change"], GOALS["change"], "ms"))
    print(ratio_line("Play", *med["fps"], PLAY_GOALS[name], "f/s", higher_better=True))
    slow = statistics.median(uncached)
    print(f"  Play in the app with plotly.js's own array-attribute crawl (schema_cache.js undone): "
          f"{slow:.1f} f/s; the cache plays {med['fps'][0] / slow:.2f}× as fast")


def against_bare(repeats: int = 7, changes: int = 3, pages: tuple[str, ...] = tuple(PATHS)) -> None:
    if chromium_path() is None:
        raise SystemExit("Debian's chromium is not installed")
    from playwright.sync_api import sync_playwright  # here: a dev-only dependency (requirements-dev.txt)

    with tempfile.TemporaryDirectory() as tmp, running_app() as app_url, sync_playwright() as p:
        folder = Path(tmp)
        (folder / "bare.html").write_text(BARE)
        (folder / "plotly.min.js").write_text(plotly.offline.get_plotlyjs())
        server, bare_url = serve(folder)
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            for name in pages:
                bench_page(browser, app_url, bare_url, folder, name, repeats, changes)
        finally:
            browser.close()
            server.shutdown()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--changes", type=int, default=3, help="start changes per visit")
    parser.add_argument("--pages", default=",".join(PATHS))
    args = parser.parse_args()
    against_bare(args.repeats, args.changes, tuple(args.pages.split(",")))


if __name__ == "__main__":
    main()

"""How much can one server process take? Four measures, on one server with Debian's Chromium:

1. Twenty visitors at once, each with its own link: the time until every picture is drawn, and the
   server's peak memory.
2. A change in an open session, alone and while a burst of fresh links arrives at once, with the
   app's queue of first runs and without it (headless visitors: no browser shares the cores).
3. Sessions held: with 5, 10, 20 idle visitors open, does a knob change still answer within 1 s?
4. A soak of 1 000 distinct links on a server (headless visitors): its memory after every 100 links,
   which bounded caches must keep flat once they are full.

    python bench/load.py [--soak 1000] [--visitors 20] [--only crowd|burst|soak]

Every measure prints its own baseline (the same action alone) or fails loudly when it measured
nothing (a burst that ended before the knob change, a soak whose caches never filled).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.headless import Visitor, visit
from bench.sessions import redraw
from support.browser import READY
from support.serve import CHROMIUM_ARGS, chromium_path, cpu_seconds, rss_mb, running_app

LINK = "/?surface=bowl&opt=sgd&steps=30&view3d=0&lr={lr:g}&x0={x0:g}"
KNOB = "surface=bowl&opt=sgd&steps=30&view3d=0&lr={lr:g}"  # the learner's session, changing lr


def learner(browser, url):
    """The session whose knob changes are timed."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(url + LINK.format(lr=0.05, x0=-1.5))
    page.wait_for_function(READY, timeout=120_000)
    return page


def visitors(browser, url, count: int, offset: int = 0) -> tuple[list, float]:
    """``count`` contexts opening distinct links at once; the seconds until all are drawn."""
    contexts = [browser.new_context(viewport={"width": 1280, "height": 720}) for _ in range(count)]
    start = time.perf_counter()
    pages = []
    for i, context in enumerate(contexts):
        page = context.new_page()
        page.goto(url + LINK.format(lr=0.001 * (i + offset + 1), x0=-2 + 0.01 * i))
        pages.append(page)
    for page in pages:
        page.wait_for_function(READY, timeout=600_000)
    return contexts, time.perf_counter() - start


def crowd(url, proc, count: int) -> None:
    from playwright.sync_api import sync_playwright  # here: a dev-only dependency (requirements-dev.txt)

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        cpu = cpu_seconds(proc.pid)
        contexts, seconds = visitors(browser, url, count)
        cpu = cpu_seconds(proc.pid) - cpu
        print(f"1. {count} visitors at once: all pictures drawn after {seconds:.1f} s (the {count} Chromium pages "
              f"share the 2 cores with the server); the server's own CPU time {cpu:.1f} s ({cpu / count * 1e3:.0f} ms "
              f"a visitor); server peak memory {rss_mb(proc.pid, peak=True):.0f} MB (now {rss_mb(proc.pid):.0f} MB)")
        for context in contexts:
            context.close()
        browser.close()


BURST = 30  # fresh race links at once (about 1 000 steps, four racers, none cached: a heavy common link)


async def _burst(url) -> tuple[list[float], list[float], list[float]]:
    """An open session's link changes alone, then while BURST fresh race links arrive at once; and the
    seconds each fresh link took. Headless visitors (bench/headless.py): the server's time alone."""
    async with Visitor(url) as me:
        await me.open("", KNOB.format(lr=0.05))
        alone = [await me.open("", KNOB.format(lr=0.06 + 0.001 * i)) for i in range(5)]
        fresh = [asyncio.create_task(visit(url, "race", f"surface=rosenbrock&steps={1000 - j}"))  # every racer cold
                 for j in range(BURST)]
        during = []
        for i in range(5):  # while the burst lasts
            await asyncio.sleep(0.3)
            if all(task.done() for task in fresh):
                break
            during.append(await me.open("", KNOB.format(lr=0.07 + 0.001 * i)))
        if len(during) < 2:
            raise SystemExit(f"bench/load.py: the burst was over after {len(during)} changes: too few to measure")
        return alone, during, list(await asyncio.gather(*fresh))


def burst() -> None:
    """The knob-change wait during a burst, with first runs queued (the app's setting) and without."""
    lines = []
    for label, setting in (("queued", "1"), ("not queued", "0")):
        with running_app(env={"DOWNHILL_FIRST_RUNS_AT_ONCE": setting}) as url:
            alone, during, fresh = asyncio.run(_burst(url))
        lines.append(f"{label}: a change takes {statistics.median(during) * 1e3:.0f} ms (worst {max(during) * 1e3:.0f} ms; "
                     f"{statistics.median(alone) * 1e3:.0f} ms alone), the fresh links {statistics.median(fresh):.1f} s "
                     f"(last {max(fresh):.1f} s; {len(during)} changes measured)")
    print(f"2. an open session's change while {BURST} fresh race links (1 000 steps) arrive at once: " + "; ".join(lines))


CHANGES = 9  # knob changes timed for each count of open sessions (the worst of them is the figure)


def held(url) -> None:
    from playwright.sync_api import sync_playwright  # here: a dev-only dependency (requirements-dev.txt)

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        mine = learner(browser, url)
        alone = [redraw(mine, 0.02 + 0.001 * i) for i in range(CHANGES)]
        opened = []
        lines = [f"alone: median {statistics.median(alone) * 1e3:.0f} ms, worst {max(alone) * 1e3:.0f} ms"]
        for count in (5, 10, 20):
            contexts, _ = visitors(browser, url, count - len(opened), offset=100 + len(opened))
            opened += contexts
            changes = [redraw(mine, 0.03 + 0.001 * i + 0.01 * count) for i in range(CHANGES)]
            lines.append(f"{count} open: median {statistics.median(changes) * 1e3:.0f} ms, worst {max(changes) * 1e3:.0f} ms"
                         f" ({'within' if max(changes) <= 1 else 'NOT within'} 1 s)")
        browser.close()
    print(f"3. a knob change (worst of {CHANGES}) with other sessions open and idle: " + "; ".join(lines))


SOAK_PAGES = [  # (page, query with {lr}): a link per page in turn, each distinct
    ("", "surface=rosenbrock&opt=adam&steps=300&lr={lr}"),
    ("race", "surface=beale&steps=300&lr.adam={lr}"),
    ("batches", "data=tips&epochs=5&lr={lr}"),
    ("basins", "surface=himmelblau&opt=sgd&steps=60&n=60&lr={lr}"),
    # the lab's runs are keyed on the start, not the rate: a new start makes every run again (a new number of
    # steps did too, but made each later entry larger, which read as growth)
    ("learning_rate", "surface=ravine&opt=momentum&steps=500&x0={x0}"),
]


async def _soak(url, pid: int, links: int) -> list[float]:
    marks = []
    for i in range(links):
        page, query = SOAK_PAGES[i % len(SOAK_PAGES)]
        await visit(url, page, query.format(lr=f"{0.001 + 1e-5 * i:g}", x0=f"{-1.5 + 1e-4 * i:g}"))
        if (i + 1) % 100 == 0:
            marks.append(rss_mb(pid))
    return marks


def soak(links: int) -> None:
    """Distinct links through five pages on a server (headless visitors): its memory after each 100."""
    process: list = []
    with running_app(process=process) as url:
        marks = asyncio.run(_soak(url, process[0].pid, links))
        peak = rss_mb(process[0].pid, peak=True)
    if len(marks) < 4:
        raise SystemExit("bench/load.py: the soak needs at least 400 links to see the caches fill")
    growth = [b - a for a, b in itertools.pairwise(marks)]
    half = marks[len(marks) // 2:]
    # the least-squares trend over the last half: single steps swing ±20 MB (garbage collection, the sessions
    # Streamlit keeps for a while after their tab closed), so the median of steps misreads a plateau
    trend = statistics.linear_regression(range(len(half)), half).slope
    print(f"4. soak of {links} distinct links (server, headless visitors): memory after each 100: "
          f"{', '.join(f'{m:.0f}' for m in marks)} MB (peak {peak:.0f} MB); in the last half, trend "
          f"{trend:+.1f} MB per 100 links (median step {statistics.median(growth[len(growth) // 2:]):+.1f} MB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--soak", type=int, default=1000)
    parser.add_argument("--visitors", type=int, default=20)
    parser.add_argument("--only", choices=["crowd", "burst", "soak"], help="one measure (crowd: 1 and 3)")
    args = parser.parse_args()
    if chromium_path() is None:
        raise SystemExit("bench/load.py needs Debian's chromium (apt-get install chromium)")
    if args.only in (None, "crowd"):
        process: list = []
        with running_app(process=process) as url:
            crowd(url, process[0], args.visitors)
            held(url)
    if args.only in (None, "burst"):
        burst()
    if args.only in (None, "soak"):
        soak(args.soak)


if __name__ == "__main__":
    main()

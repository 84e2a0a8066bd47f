"""The slowest links we could find, page by page, and the heaviest exports: how long one can hold the server.

Every page bounds its work in units, not seconds (steps per racer, a basin map's sample-steps
``settings.basins.WORK_BUDGET``, a batches run's ``optim.batches.MAX_UPDATES``, a GIF/MP4's
``viz.export.GIF_FRAMES``): the same link then always draws the same picture, whatever the server's load,
which a time cut-off would not. Two bounds are measured, for a typed formula only: its build is stopped
after ``landscapes.formula_worker.LIMIT`` seconds of CPU, and its basins map is priced by a probe of its cost
per step against Ackley's (landscapes/cost.py).
This script checks that those units keep every link within BOUND seconds of server time. What it
printed last, with the date, is in docs/benchmarks.md (figures live there, not here).

    python bench/slowest.py

Each link is opened cold (its runs and figures not cached) by a headless visitor (bench/headless.py)
on a server already warmed by the default link of every page (imports are paid once per process). The
baseline is the default descent link, opened the same way: a link's figure is also given as a ratio
to it. Fails loudly when a link passes BOUND, or raises.
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.headless import visit
from settings.race import parse_race, run_race
from support.serve import running_app
from viz import descent, export
from viz import race as race_figures

BOUND = 5.0  # seconds of server time for one link, on this 2-core machine
LONG_FORMULA = "+".join(f"sin({i}*x+y)*exp(-x^2/{i + 1})" for i in range(1, 9))  # near the formula's cost cap
# formulas go in a link URL-encoded: a bare '+' in a query string is a space
ATANS = quote("+".join(f"atan({k}*x*y-{k})" for k in range(1, 20)))  # issue 23: its basins map held the server
TANH12 = quote("tanh(" * 12 + "x" + ")" * 12)  # issue 23: its build grew exponentially with the nesting
SIGMOID15 = quote("sigmoid(" * 15 + "x*y" + ")" * 15)
LONG = quote(LONG_FORMULA)
LINKS = [  # (page, query): the heaviest values each page takes, alone and together
    ("", "surface=rosenbrock&opt=adam&steps=1000&view3d=1&sched=warmup_cosine"),
    ("", f"surface=custom&f={LONG}&steps=1000&view3d=1"),
    ("", f"surface=custom&f={TANH12}&view=-3,3,-3,3&steps=1000"),
    ("", f"surface=custom&f={SIGMOID15}&steps=1000"),
    ("", "surface=tips&opt=adam&batch=1&steps=1000&view3d=1"),
    ("", "surface=saddle&opt=nesterov&noise=5&steps=1000&view3d=1"),
    ("race", "surface=rosenbrock&opt=sgd,momentum,nesterov,adagrad,rmsprop,adam,adamw&steps=1000&view3d=1"),
    ("race", "surface=iris&opt=sgd,momentum,nesterov,adagrad,rmsprop,adam,adamw&batch=1&steps=1000&view3d=1"),
    ("race", f"surface=custom&f={LONG}&opt=sgd,momentum,nesterov,adagrad,rmsprop,adam,adamw&steps=1000"),
    ("basins", "surface=himmelblau&opt=adam&steps=1000&n=300"),
    ("basins", "surface=rastrigin&opt=momentum&steps=1000&n=300"),
    ("basins", "surface=tips&opt=sgd&steps=1000&n=120"),
    ("basins", "surface=ackley&opt=adam&steps=1000&n=300"),
    ("basins", "surface=iris&opt=adam&steps=1000&n=120"),
    ("basins", f"surface=custom&f={ATANS}&n=300&steps=1000"),
    ("basins", f"surface=custom&f={LONG}&opt=adam&n=300&steps=1000"),
    ("batches", "data=tips&batch=2&epochs=200&compare=epochs"),
    ("batches", "data=iris&batch=2&epochs=200&compare=updates&sched=cosine"),
    ("batches", "data=tips_unscaled&batch=3&epochs=200&loop=1"),
    ("learning_rate", "surface=rosenbrock&opt=adam&steps=1000"),
    ("learning_rate", "surface=tips&opt=adamw&steps=1000&part=map"),
    ("learning_rate", f"surface=custom&f={LONG}&opt=rmsprop&steps=1000&part=schedule&sched=warmup_cosine"),
    ("learning_rate", "surface=iris&opt=nesterov&steps=1000&part=line&line=double_well"),
    ("lessons", ""),
    ("practice", "set=1,2,3,4,5,6,7,8,9,10,11,12&seed=99"),
]
WARM = ["", "race", "basins", "batches", "learning_rate", "lessons", "practice"]


async def measure(url) -> tuple[float, list[tuple[str, float]]]:
    for page in WARM:
        await visit(url, page, "")
    baseline = await visit(url, "", "surface=ravine&opt=sgd&lr=0.0901")  # a fresh default-sized run
    times = [(f"/{page}?{query}", await visit(url, page, query)) for page, query in LINKS]
    return baseline, times


def exports() -> list[tuple[str, float]]:
    """The exports of the heaviest race (seven racers, 1 000 steps): each file made once, timed."""
    racers = parse_race({"surface": "rosenbrock", "opt": "sgd,momentum,nesterov,adagrad,rmsprop,adam,adamw",
                         "steps": "1000"})[0]
    surface, lanes = racers[0].landscape, run_race(racers)
    layer, drawn = descent.surface_layer(surface), race_figures.lanes_of(lanes)
    fig = race_figures.picture(surface, layer, lanes, 0, False)
    jobs = {"GIF and MP4": lambda: export.movies(surface, layer, drawn, "race"),
            "PNG": lambda: export.png(surface, layer, drawn, 1000, "race"),
            "CSV": lambda: export.lanes_csv([(lane.name, lane.trajectory) for lane in lanes]),
            "HTML": lambda: export.html(fig, "race")}
    out = []
    for name, job in jobs.items():
        start = time.perf_counter()
        job()
        out.append((name, time.perf_counter() - start))
    return out


def main() -> None:
    with running_app() as url:
        baseline, times = asyncio.run(measure(url))
    print(f"baseline: a fresh default descent link, {baseline:.2f} s")
    for link, seconds in sorted(times, key=lambda t: -t[1]):
        print(f"  {seconds:5.2f} s  ({seconds / baseline:4.1f}× baseline)  {link[:110]}")
    for name, seconds in exports():
        print(f"  {seconds:5.2f} s  export of the heaviest race: {name}")
    slowest = max(times, key=lambda t: t[1])
    print(f"slowest link: {slowest[1]:.2f} s (bound {BOUND:g} s): {slowest[0][:110]}")
    if slowest[1] > BOUND:
        raise SystemExit(f"bench/slowest.py: {slowest[0]} took {slowest[1]:.1f} s, over the {BOUND:g} s bound")


if __name__ == "__main__":
    main()

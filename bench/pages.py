"""How fast do the pages answer? Server time per learning-rate change against the pages at an earlier
commit, the batches page against the descent page in the same run, then (when Debian's Chromium is
present) the browser's redraw and step times.

    python bench/pages.py [--changes 20] [--no-browser] [--baseline 693cb82]

Server: the baseline commit is checked out into a temporary git worktree. Two worker processes (this
file with ``--worker``) each open one page under AppTest, one on this checkout and one on the worktree,
with each page script compiled once as the server does. The bench sends both the same learning-rate
changes in turn (ABBA order, so the machine's load falls on both alike; every change a new rate, so no
rerun is a cache hit) and each worker answers with the seconds of its rerun and the bytes it sent.
Goal: this checkout takes at most half the baseline's median on each page.

Batches against descent (the batches page is newer than the baseline): two workers on this checkout,
one on each page, the same interleaved changes. Goal: the batches page's median at most twice the
descent page's, for each data set. The bench exits non-zero when a worker is not on its page.
The bench exits non-zero when the baseline did not take effect: the worktree is not at the baseline
commit, the baseline worker imported the app from somewhere else, or both sent the same figures.

Browser (Chromium, 1400×1000, medians):
  - learning-rate change → the picture redrawn (goal ≤ 300 ms), on descent with the 3D view on and
    off, and on the race of four;
  - the player's ▶ → the next step drawn everywhere it shows (goal ≤ 100 ms, no server round trip);
  - Play's frame rate, and the surface on screen in screenshots taken mid-play;
  - the lab's live picture dragged (``--pages lab`` runs only this of the browser part): from the
    mouse's move (the event's own time stamp) to the first frame painted after the bridge redrew the
    run the slider stands on (goal ≤ 50 ms a move, no server round trip). It exits non-zero when a move
    drew no new run (the bridge was not attached: the figures would measure nothing);
  - the descent page's live η dragged the same way (its sidebar slider, at the player's step 30), with
    the messages sent to the server while dragging (goal: none).

``--drags`` runs only the two drags; ``--bare`` only the app against plotly.js alone in a bare page with
the app's own figures (first visit, another change, Play: bench/bare.py).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bare import against_bare
from bench.pages_browser import browser

ROOT = Path(__file__).resolve().parent.parent
BASELINE = "693cb82"
PAGES = {  # page → (what AppTest switches to, the learning-rate box changed, what the default shows, link)
    "descent": (None, "lr", "default picture, 3D view on", {}),
    "race": ("app_pages/race.py", "lr.adam", "default race of four, 3D view on", {}),
    "batches": ("app_pages/batches.py", "lr", "tips, 20 epochs: SGD makes 4 880 updates", {}),
    "batches-iris": ("app_pages/batches.py", "lr", "iris logistic, 30 epochs: SGD makes 3 000 updates",
                     {"data": "iris"}),
    # the lab: the rate its live slider reports when it rests (what the bridge sets), and a change of the
    # steps, which runs everything again (64 rates × 7 values of β, the 241-rate sweep, the three regimes)
    "lab": ("app_pages/learning_rate.py", "state:lr", "the slider's rate reported (momentum on the ravine)",
            {"opt": "momentum"}),
    "lab-cold": ("app_pages/learning_rate.py", "steps", "a new number of steps: every run made again",
                 {"opt": "momentum"}),
}
AGAINST_BASELINE = ("descent", "race")
AGAINST_DESCENT = ("batches", "batches-iris", "lab", "lab-cold")
BYTES_GOAL = {"lab": 800_000, "lab-cold": 800_000}  # figure JSON a rerun sends
SERVER_GOAL = 0.5  # this checkout's median at most this fraction of the baseline's
PEER_GOAL = 2.0  # the batches page's median at most this multiple of the descent page's


# ---- the worker: one page of one checkout under AppTest ------------------------------------------

def worker(root: str, page: str) -> None:
    """Answer ``<lr>`` lines with ``<seconds> <bytes sent>``; first say where the app came from."""
    # here: only the worker process needs Streamlit (the parent starts faster without it)
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache  # (as above)
    from streamlit.testing.v1 import AppTest  # (as above)

    sys.path.insert(0, root)
    shared = ScriptCache()  # AppTest recompiles every run; the server compiles each script once
    with mock.patch("streamlit.testing.v1.app_test.ScriptCache", lambda: shared):
        switch, key, _, link = PAGES[page]
        at = AppTest.from_file(str(Path(root) / "app.py"), default_timeout=120)
        for name, value in link.items():
            at.query_params[name] = value
        if switch:
            at.switch_page(switch)
        at.run()
        origin = sys.modules["app_pages"].__path__[0] if "app_pages" in sys.modules else "?"
        charts = [c.proto.id.rsplit("-", 1)[-1] for c in at.get("plotly_chart")]
        print(json.dumps({"origin": origin, "query": dict(at.query_params), "charts": charts,
                          "error": str(at.exception) if at.exception else ""}), flush=True)
        for line in sys.stdin:
            if key.startswith("state:"):  # what a bridge's callback sets, as the browser's report would
                at.session_state[key.removeprefix("state:")] = float(line)
            elif key == "steps":
                at.slider(key=key).set_value(int(float(line) * 1000) % 900 + 50)
            else:
                at.number_input(key=key).set_value(float(line))
            start = time.perf_counter()
            at.run()
            seconds = time.perf_counter() - start
            sent = sum(len(c.proto.spec) for c in at.get("plotly_chart"))
            print(json.dumps({"seconds": seconds, "bytes": sent, "error": str(at.exception) if at.exception else ""}),
                  flush=True)


class Worker:
    def __init__(self, root: Path, page: str):
        self.root = root
        self.proc = subprocess.Popen([sys.executable, __file__, "--worker", str(root), page], cwd=root,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.hello = self._read()

    def _read(self) -> dict:
        line = self.proc.stdout.readline()
        if not line:
            raise SystemExit(f"bench/pages.py: the worker on {self.root} stopped")
        answer = json.loads(line)
        if answer["error"]:
            raise SystemExit(f"bench/pages.py: the page on {self.root} raised: {answer['error']}")
        return answer

    def change(self, lr: float) -> dict:
        self.proc.stdin.write(f"{lr}\n")
        self.proc.stdin.flush()
        return self._read()

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=60)


@contextmanager
def worktree(commit: str):
    with tempfile.TemporaryDirectory(prefix="downhill-baseline-") as tmp:
        path = Path(tmp) / "tree"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(path), commit], check=True,
                       capture_output=True)
        try:
            yield path
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(path)], capture_output=True)


def server(page: str, changes: int, old_root: Path, commit: str) -> bool:
    new, old = Worker(ROOT, page), Worker(old_root, page)
    check_baseline(old_root, old, commit)
    times = {"new": [], "old": []}
    sizes = {}
    for i in range(changes):
        lr = round(0.01 + 0.003 * i, 6)
        for name in (("new", "old") if i % 2 == 0 else ("old", "new")):
            answer = (new if name == "new" else old).change(lr)
            times[name].append(answer["seconds"])
            sizes[name] = answer["bytes"]
    new.close()
    old.close()
    if sizes["new"] == sizes["old"]:
        raise SystemExit("bench/pages.py: both checkouts sent as many bytes: is the baseline really another build?")
    fast, slow = statistics.median(times["new"]), statistics.median(times["old"])
    met = fast <= SERVER_GOAL * slow
    print(f"{page} page, server, median of {changes} learning-rate changes each, interleaved "
          f"(AppTest, {PAGES[page][2]}):")
    print(f"  this checkout     {fast * 1e3:7.1f} ms   {sizes['new']:>9,} bytes of figure JSON")
    print(f"  {commit} (baseline) {slow * 1e3:7.1f} ms   {sizes['old']:>9,} bytes of figure JSON")
    print(f"  ratio             {fast / slow:7.2f}     goal ≤ {SERVER_GOAL:g}: {'met' if met else 'NOT MET'}")
    return met


def against_descent(page: str, changes: int) -> bool:
    """The batches page against the descent page, both on this checkout, in one interleaved run."""
    mine, descent = Worker(ROOT, page), Worker(ROOT, "descent")
    wanted = PAGES[page][3].get("data", "tips")
    on_page = "lab" in mine.hello["charts"] if page.startswith("lab") else mine.hello["query"].get("data") == wanted
    if not on_page or "surface" not in descent.hello["query"]:
        raise SystemExit(f"bench/pages.py: a worker is not on its page (batches: {mine.hello['query']}, descent: "
                         f"{descent.hello['query']}), so this comparison measures nothing")
    times, sizes = {"mine": [], "descent": []}, {}
    for i in range(changes):
        lr = round(0.01 + 0.003 * i, 6)
        for name in (("mine", "descent") if i % 2 == 0 else ("descent", "mine")):
            answer = (mine if name == "mine" else descent).change(lr)
            times[name].append(answer["seconds"])
            sizes[name] = answer["bytes"]
    mine.close()
    descent.close()
    ratio = statistics.median(times["mine"]) / statistics.median(times["descent"])
    met = ratio <= PEER_GOAL and sizes["mine"] <= BYTES_GOAL.get(page, float("inf"))
    print(f"{page} page against the descent page, server, median of {changes} learning-rate changes each, "
          f"interleaved ({PAGES[page][2]}):")
    print(f"  {page:<17} {statistics.median(times['mine']) * 1e3:7.1f} ms   {sizes['mine']:>9,} bytes of figure JSON"
          + (f" (goal ≤ {BYTES_GOAL[page]:,})" if page in BYTES_GOAL else ""))
    print(f"  descent           {statistics.median(times['descent']) * 1e3:7.1f} ms")
    print(f"  ratio             {ratio:7.2f}     goal ≤ {PEER_GOAL:g}: {'met' if met else 'NOT MET'}")
    return met


def check_baseline(old_root: Path, old: Worker, commit: str) -> None:
    head = subprocess.run(["git", "-C", str(old_root), "rev-parse", "HEAD"], capture_output=True, text=True).stdout
    wanted = subprocess.run(["git", "-C", str(ROOT), "rev-parse", commit], capture_output=True, text=True).stdout
    problems = []
    if not head.strip() or head != wanted:
        problems.append(f"the worktree is at {head.strip() or '?'}, not {commit}")
    if not old.hello["origin"].startswith(str(old_root)):
        problems.append(f"the baseline worker imported app_pages from {old.hello['origin']}, not the worktree")
    if problems:
        raise SystemExit("bench/pages.py: the baseline did not take effect, so this comparison measures "
                         "nothing:\n  - " + "\n  - ".join(problems))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=20)
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--baseline", default=BASELINE)
    parser.add_argument("--pages", default="", help="only these, comma-separated (e.g. lab,lab-cold)")
    parser.add_argument("--drags", action="store_true", help="only the browser's two live drags")
    parser.add_argument("--bare", action="store_true", help="only the app against plotly.js alone (bench/bare.py)")
    parser.add_argument("--worker", nargs=2, metavar=("ROOT", "PAGE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(*args.worker)
        return
    if args.drags:
        browser(0, lab_only=True)
        return
    if args.bare:
        against_bare()
        return
    chosen = set(args.pages.split(",")) if args.pages else set(PAGES)
    if chosen & set(AGAINST_BASELINE):
        with worktree(args.baseline) as old_root:
            met = {page: server(page, args.changes, old_root, args.baseline) for page in AGAINST_BASELINE
                   if page in chosen}
        print("server goal (≤ half the baseline's time on each page): "
              + ", ".join(f"{page} {'met' if ok else 'NOT MET'}" for page, ok in met.items()))
    peers = {page: against_descent(page, args.changes) for page in AGAINST_DESCENT if page in chosen}
    print("server goal (batches and the lab ≤ twice the descent page's time): "
          + ", ".join(f"{page} {'met' if ok else 'NOT MET'}" for page, ok in peers.items()))
    if not args.no_browser:
        browser(min(args.changes, 10), lab_only=chosen <= {"lab", "lab-cold"})


if __name__ == "__main__":
    main()

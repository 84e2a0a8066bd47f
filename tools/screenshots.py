"""Screenshot every page at the sizes a class and a phone see: python tools/screenshots.py [outdir] [page ...].

Starts the app, opens each page of the registry (lessons/pages.py) in Debian's Chromium and saves
``<page>-<size>[-present].png``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from lessons import pages as registry
from tests.e2e.server import CHROMIUM_ARGS, PHONE_AGENT, chromium_path, running_app

SIZES = {"1280": (1280, 720), "1920": (1920, 1080), "phone": (390, 844)}
IDLE = "[data-testid=stApp][data-test-script-state=notRunning]"


def page_names() -> list[str]:
    """Every page of the registry, in the navigation's order."""
    return registry.names()


def address(url: str, name: str) -> str:
    return f"{url}/{registry.get(name).url_path}"


def settle(page) -> None:
    """Wait for the page to finish, its charts (if it has any) to draw, and a second run (a phone's
    stacked picture) to finish too; software WebGL draws the 3D view last."""
    page.wait_for_selector(IDLE, timeout=180_000)
    if page.locator("[data-testid=stPlotlyChart]").count():
        page.wait_for_function("document.querySelectorAll('.js-plotly-plot .main-svg').length > 0", timeout=180_000)
    page.wait_for_timeout(2500)
    page.wait_for_selector(IDLE, timeout=180_000)
    page.wait_for_timeout(2500)


def main(out: Path, pages) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with running_app() as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        for name in pages:
            for size, (w, h) in SIZES.items():
                for present in ("", "?present=1") if size != "phone" else ("",):
                    page = browser.new_page(viewport={"width": w, "height": h},
                                            **({"user_agent": PHONE_AGENT} if size == "phone" else {}))
                    page.goto(address(url, name) + present)
                    settle(page)
                    page.screenshot(path=str(out / f"{name}-{size}{'-present' if present else ''}.png"))
                    page.close()
        browser.close()


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screens"), sys.argv[2:] or page_names())

"""The headers deploy/nginx.conf adds in front of the app (Content-Security-Policy and friends) do
not break it: the same headers added to every response here, the pages draw and play."""

import re
from pathlib import Path

import pytest

from support.browser import PATH_LENGTH, PICTURE, button, open_page

pytestmark = pytest.mark.e2e

NGINX = (Path(__file__).resolve().parents[2] / "deploy" / "nginx.conf").read_text()
HEADERS = dict(re.findall(r'add_header\s+(\S+)\s+"([^"]+)"\s+always;', NGINX))


def test_the_proxy_headers_are_the_ones_we_mean():
    assert {"Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options"} <= set(HEADERS)
    assert "frame-ancestors 'self'" in HEADERS["Content-Security-Policy"]


@pytest.fixture(scope="module")
def proxied(browser_type, browser_type_launch_args):
    """A browser for pages served through a route: Chromium would otherwise treat a fulfilled page as
    public and refuse its WebSocket to 127.0.0.1 (Local Network Access), which a real proxy never meets."""
    args = [*browser_type_launch_args.get("args", []), "--disable-features=LocalNetworkAccessChecks"]
    browser = browser_type.launch(**{**browser_type_launch_args, "args": args})
    yield browser
    browser.close()


@pytest.mark.parametrize("path", ["/?steps=80", "/race?steps=80", "/batches?epochs=2", "/basins?n=40"])
def test_every_page_works_under_the_proxys_headers(proxied, app_url, path):
    page = proxied.new_page(viewport={"width": 1400, "height": 1000})

    def with_headers(route):
        response = route.fetch()
        # the body comes back decoded: drop the encoding headers, add the proxy's
        kept = {k: v for k, v in response.headers.items() if k.lower() not in ("content-encoding", "content-length")}
        route.fulfill(response=response, headers={**kept, **HEADERS})

    page.route("**/*", with_headers)
    problems = []
    page.on("console", lambda m: problems.append(m.text) if (m.type == "error" and "Failed to load resource" not in m.text)
            or "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    if path.startswith("/basins"):
        page.goto(app_url + path)
        page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot .main-svg').length > 0",
                               timeout=60_000)
    else:
        open_page(page, app_url + path)
        before = page.evaluate(PATH_LENGTH)
        button(page, "play").click()
        page.wait_for_function(f"(b) => ({PATH_LENGTH})() > b", arg=before, timeout=60_000)
        assert page.evaluate(f"() => !!{PICTURE}")
    page.close()
    assert problems == []

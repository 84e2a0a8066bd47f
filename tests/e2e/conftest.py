import pytest

from support.serve import CHROMIUM_ARGS, chromium_path, running_app


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    path = chromium_path()
    if path is None:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium, or set CHROMIUM_PATH)")
    return {**browser_type_launch_args, "executable_path": path, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1400, "height": 1000}}


@pytest.fixture(scope="session")
def app_url():
    with running_app() as url:
        yield url


# Opened at a page's own path (/race), Streamlit's frontend first looks for its server under that
# path (/race/_stcore/health, /race/_stcore/host-config), gets 404, then finds it at the root.
PROBES = ("/_stcore/health", "/_stcore/host-config")


@pytest.fixture
def errors(page):
    """Console errors, failed requests and uncaught exceptions of the page (not the probes above)."""
    found = []
    page.on("console", lambda m: found.append(m.text) if m.type == "error" and "Failed to load resource" not in m.text
            else None)
    page.on("response", lambda r: found.append(f"{r.status} {r.url}") if r.status >= 400 and not r.url.endswith(PROBES)
            else None)
    page.on("pageerror", lambda e: found.append(str(e)))
    return found

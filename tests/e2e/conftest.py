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


FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call" and report.failed:
        item.stash[FAILED] = True
    return report


@pytest.fixture(scope="session")
def _kept(browser, browser_context_args):
    """One page per worker for every test that asks for ``page``. A page opened in a new tab starts a new
    renderer process that parses Streamlit's and plotly.js's bundles afresh: 4.5-5.5 s to a settled
    picture against 2.8-3.6 s on a page that has drawn the app before (even with about:blank between)."""
    kept = {}
    yield kept
    if "context" in kept:
        kept["context"].close()


@pytest.fixture
def page(request, browser, browser_context_args, _kept):
    """pytest-playwright's ``page``, kept between tests: each test finds it as a new page would be (blank,
    the default viewport, none of the last test's listeners); after a failing test the next gets a new one."""
    if "page" not in _kept or _kept["page"].is_closed():
        if "context" in _kept:
            _kept.pop("context").close()
        _kept["context"] = browser.new_context(**browser_context_args)
        _kept["page"] = _kept["context"].new_page()
    page = _kept["page"]
    impl = page._impl_obj  # the listeners a test adds with page.on, to be taken off again
    before = {name: list(impl.raw_listeners(name)) for name in impl.event_names()}
    yield page
    if request.node.stash.get(FAILED, False) or page.is_closed():
        _kept.pop("page")
        _kept.pop("context").close()  # a failed test may leave a dialog, a held mouse, a half-run page
        return
    for name in impl.event_names():
        for listener in impl.raw_listeners(name):
            if listener not in before.get(name, []):
                impl.remove_listener(name, listener)
    if page.viewport_size != browser_context_args.get("viewport"):
        page.set_viewport_size(browser_context_args["viewport"])
    page.goto("about:blank")  # the app's session ends with the test


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

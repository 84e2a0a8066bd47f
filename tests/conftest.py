"""Shared by the whole suite: how it spreads over the cores (pytest-xdist, ``-n auto --dist loadgroup`` in
pyproject.toml's addopts; ``-n 0`` runs in one process), and three costs of AppTest's own that the suite pays
once instead of on every page run (each was as large as a page's own run here; found with py-spy)."""

import functools
import gc
import os
import sys

import pytest
from hypothesis import settings
from streamlit.components.v2 import manifest_scanner
from streamlit.runtime.scriptrunner.script_cache import ScriptCache
from streamlit.testing.v1 import local_script_runner

from tests.draws import draws

# the browser tests in two halves of about equal time (measured with --durations), one per worker
SECOND_HALF = {"test_layout_browser.py", "test_concurrency_browser.py", "test_export_browser.py",
               "test_deploy_browser.py", "test_network_browser.py", "test_schema_cache_browser.py", "test_uploads.py"}


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups (its own hook of the same name)
def pytest_collection_modifyitems(config, items):
    """The browser tests in two groups, each on one worker with its own app server and browser
    (tests/e2e/conftest.py). Two at once took the layout tests from 282 to 198 s on the 2 cores (a
    page load leaves the machine ~20 % idle while it waits for the server or the browser). No
    browser test measures time: bench/ does, alone on the machine."""
    for item in items:
        if item.get_closest_marker("e2e"):
            half = "b" if item.path.name in SECOND_HALF else "a"
            item.add_marker(pytest.mark.xdist_group(f"e2e-{half}"))


def pytest_collection_finish(session):
    """What is alive after collection (the imported modules: NumPy, SymPy, Streamlit, plotly, torch) lives
    to the end: frozen, the collector stops walking it on every full collection."""
    gc.freeze()


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session):
    """Frozen again before pytest's own end-of-session collections (five in a row, ~2 s a worker here)."""
    gc.freeze()


def _scan_installed_components_once():
    """AppTest scans every installed package's metadata for Streamlit components on each run (~0.2 s). The
    packages cannot change during a session, so one scan serves all."""
    manifest_scanner.scan_component_manifests = functools.cache(manifest_scanner.scan_component_manifests)


def _compile_each_script_once():
    """Each AppTest has a script cache of its own, so every run parsed app.py and its page again (with
    Streamlit's magic rewrite): one cache for the session, keyed on the file's path and modification time."""
    compiled = {}
    get_bytecode = ScriptCache.get_bytecode

    def cached(self, script_path):
        key = (os.path.abspath(script_path), os.stat(script_path).st_mtime_ns)
        if key not in compiled:
            compiled[key] = get_bytecode(self, script_path)
        return compiled[key]

    ScriptCache.get_bytecode = cached


def _wait_for_each_run_without_polling():
    """AppTest waits for a run by polling every millisecond, which takes the GIL from the script it waits
    for. The script's thread ends right after it reports its end (SHUTDOWN), so joining the thread waits
    for the same moment; a run past its time limit still fails as AppTest's own wait fails it."""
    poll = local_script_runner.require_widgets_deltas

    def wait(runner, timeout: float = 3) -> None:
        thread = runner._script_thread
        if thread is not None:
            thread.join(timeout)
        if not runner.script_stopped():
            poll(runner, 0.05)  # a last look, then AppTest's own timeout error

    local_script_runner.require_widgets_deltas = wait


# a hypothesis test that names no count draws the default 100 the same way (tests/draws.py)
settings.register_profile("downhill", max_examples=draws(100))
settings.load_profile("downhill")
_scan_installed_components_once()
_compile_each_script_once()
_wait_for_each_run_without_polling()


# pytest keeps each test module's rewritten assertions as bytecode beside it (__pycache__, ignored by git), so
# a second run skips rewriting and compiling them (~4 s of each worker's start here). An environment that sets
# PYTHONDONTWRITEBYTECODE (this sandbox does) would have every run redo it; the suite asks for the cache anyway.
sys.dont_write_bytecode = False

"""Shared by the whole suite: how it spreads over the cores (pytest-xdist, ``-n auto --dist loadgroup`` in
pyproject.toml's addopts; ``-n 0`` runs in one process)."""

import functools
import sys

import pytest
from streamlit.components.v2 import manifest_scanner


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups (its own hook of the same name)
def pytest_collection_modifyitems(config, items):
    """Every browser test on one worker, one after another: they share one app server and one browser per
    session (tests/e2e/conftest.py); a second pair on another worker would only compete for the same two
    cores, and the browser tests that measure time would measure that."""
    for item in items:
        if item.get_closest_marker("e2e"):
            item.add_marker(pytest.mark.xdist_group("e2e"))


def _scan_installed_components_once():
    """AppTest scans every installed package's metadata for Streamlit components on each run (~0.2 s here,
    about as long as a page's own run). The packages cannot change during a session, so one scan serves all:
    the suite's AppTest runs take half the time."""
    manifest_scanner.scan_component_manifests = functools.cache(manifest_scanner.scan_component_manifests)


_scan_installed_components_once()


# pytest keeps each test module's rewritten assertions as bytecode beside it (__pycache__, ignored by git), so
# a second run skips rewriting and compiling them (~4 s of each worker's start here). An environment that sets
# PYTHONDONTWRITEBYTECODE (this sandbox does) would have every run redo it; the suite asks for the cache anyway.
sys.dont_write_bytecode = False

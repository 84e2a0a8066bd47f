"""Shared by the whole suite: how it spreads over the cores (pytest-xdist, ``-n auto --dist loadgroup`` in
pyproject.toml's addopts; ``-n 0`` runs in one process)."""

import functools

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

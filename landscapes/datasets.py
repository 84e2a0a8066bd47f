"""Real data shipped inside a dependency the app already has: plotly carries its example datasets as
gzipped CSV files. Read with NumPy alone (``plotly.data`` would need pandas), without importing plotly."""

from __future__ import annotations

import gzip
import importlib.util
from functools import cache
from pathlib import Path

import numpy as np


def folder() -> Path:
    """plotly's dataset folder, found without running plotly's ``__init__``."""
    spec = importlib.util.find_spec("plotly")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("plotly is not installed; its datasets are the app's real data")
    return Path(spec.submodule_search_locations[0]) / "package_data" / "datasets"


@cache
def table(name: str) -> np.ndarray:
    """The dataset ``name`` (``tips``, ``iris``, …) as a structured array, one field per column."""
    with gzip.open(folder() / f"{name}.csv.gz", "rt", encoding="utf-8") as f:
        return np.genfromtxt(f, delimiter=",", names=True, dtype=None, encoding="utf-8")

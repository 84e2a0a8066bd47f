"""Loss surfaces: ``names()`` lists them, ``get(name)`` returns a :class:`Surface`.

The registry lives in :mod:`landscapes.registry`; this package only re-exports.
"""

from __future__ import annotations

from landscapes.curvature import curvature
from landscapes.formula import formula
from landscapes.registry import BASINS_DEFAULT, BATCHES_DEFAULT, DEFAULT, RACE_DEFAULT, get, names
from landscapes.surface import Defaults, Surface, pack, pack_hessian

__all__ = ["BASINS_DEFAULT", "BATCHES_DEFAULT", "DEFAULT", "RACE_DEFAULT", "Defaults", "Surface", "curvature",
           "formula", "get", "names", "pack", "pack_hessian"]

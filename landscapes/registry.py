"""The surface registry: ``names()`` lists the surfaces, ``get(name)`` returns one.

Modules inside ``landscapes`` import the leaf modules they need (``surface``, ``classic``, …) and
never the package, so ``landscapes/__init__`` only re-exports and nothing imports back into it.
"""

from __future__ import annotations

from landscapes import classic, data, teaching
from landscapes.surface import Surface

_REGISTRY: dict[str, Surface] = {
    s.name: s for module in (teaching, classic, data) for s in module.SURFACES
}

#: the surface the descent page opens with, and the one the race opens with
DEFAULT = "ravine"
RACE_DEFAULT = "beale"
BASINS_DEFAULT = "himmelblau"  # the basins page: four equal minima, four basins
BATCHES_DEFAULT = "tips"  # the batches page: real data, a round bowl once the bill is standardised


def names() -> list[str]:
    """Every surface name, teaching surfaces first, then the classics, then the data surfaces."""
    return list(_REGISTRY)


def get(name: str) -> Surface:
    """The surface called ``name``; an unknown name raises ``ValueError`` listing the valid ones."""
    try:
        return _REGISTRY[name]
    except (KeyError, TypeError):
        raise ValueError(
            f"unknown surface {name!r}; choose one of: {', '.join(_REGISTRY)}"
        ) from None

"""The bridges' JavaScript: each file beside this one, after what every bridge shares."""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).parent
SHARED = ("schema_cache.js",)  # plotly.js's array-attribute crawl done once per trace type
PACKED = ("packed.js",)  # the live pictures' packed runs (lab.js, live.js)


def bridge(name: str, packed: bool = False) -> str:
    files = (*SHARED, *(PACKED if packed else ()), name)
    return "\n".join((HERE / f).read_text() for f in files)

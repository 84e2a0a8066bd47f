"""The animated line "so far": every update up to the frame's step, at a cost that grows with the
path, not with frames × path.

Sending each frame the whole line so far costs frames × vertices (a five-racer race of 1 000 steps
was 4.8 MB). Instead a lane's line is cut into blocks at every ``B``-th frame: each block is a trace
whose points are in the base figure, and a frame only switches blocks on or off (opacity: plotly.js
applies it without a redraw, forwards and backwards) and carries the short tail from the last block's
end to its step. Every frame's line is still the whole true line so far (:mod:`viz.fidelity`).
"""

from __future__ import annotations

import math

import numpy as np

from viz.encode import decode, f4

CASING_OPACITY = 0.6


def block_frames(frames: int) -> int:
    """Frames a block spans: about √frames, so blocks and tails are both short."""
    return max(1, math.ceil(math.sqrt(frames)))


def blocks(frames: int) -> int:
    """How many blocks a lane's line is cut into."""
    return len(range(0, frames, block_frames(frames))) - 1


def traces(lanes, drawn, shown, casing) -> tuple[list[dict], list[list[dict]]]:
    """The so-far traces of every lane (each lane: its casing's blocks and tail, then its line's, so
    every casing lies under its own line) and, per trace, its data at each shown step."""
    styles, columns = [], []
    every = block_frames(len(shown))
    marks = [int(s) for s in shown[::every]][1:]  # where blocks end (a block is complete at its mark)
    line_style = {"type": "scatter", "mode": "lines", "hoverinfo": "skip", "showlegend": False}
    for lane, path in zip(lanes, drawn, strict=True):
        ends = [path.upto(m) for m in marks]  # vertices in the line once each mark is reached
        starts = [1, *ends[:-1]][: len(ends)]
        blocks = [path.xy[max(a - 1, 0) : b] for a, b in zip(starts, ends, strict=True)]
        tails = _tails(path, shown, marks, ends)
        outline = {"color": casing(lane.color), "width": lane.width + 3, "dash": lane.dash}
        for kind, style, on in (("casing", outline, CASING_OPACITY),
                                ("line", {"color": lane.color, "width": lane.width, "dash": lane.dash}, 1.0)):
            name = f"{lane.label}: so far" + (" (outline)" if kind == "casing" else "")
            for block, mark in zip(blocks, marks, strict=True):
                styles.append({**line_style, "line": style, "name": f"{name}, to step {mark}",
                               "x": f4(block[:, 0]), "y": f4(block[:, 1])})
                columns.append([{"opacity": on if int(s) >= mark else 0.0} for s in shown])
            styles.append({**line_style, "line": style, "opacity": on, "name": name})
            columns.append(tails)
    return styles, columns


def _tails(path, shown, marks, ends) -> list[dict]:
    """At each shown step, the line from the last complete block's end (its last vertex) to the step."""
    out = []
    for s in np.asarray(shown).tolist():
        done = int(np.searchsorted(marks, s, side="right"))  # blocks complete at this step
        begin = ends[done - 1] - 1 if done else 0
        part = path.xy[max(begin, 0) : path.upto(s)]
        out.append({"x": f4(part[:, 0]), "y": f4(part[:, 1])})
    return out


def line_at(fig: dict, frame: dict, name: str) -> np.ndarray:
    """The line "so far" a frame shows for the lane whose trace is named ``name`` (``"<label>: so far"``):
    the blocks it switches on, then its tail, as one polyline with breaks between parts (for tests)."""
    parts = []
    for index, data in zip(frame["traces"], frame["data"], strict=True):
        trace = fig["data"][index]
        title = trace.get("name", "")
        if title.startswith(f"{name}, to step") and data.get("opacity", 0) > 0:
            parts.append(np.column_stack([decode(trace["x"]), decode(trace["y"])]))
        elif title == name:
            parts.append(np.column_stack([decode(data["x"]), decode(data["y"])]))
    gap = np.full((1, 2), np.nan)
    return np.concatenate([p for part in parts for p in (part, gap)]) if parts else np.empty((0, 2))

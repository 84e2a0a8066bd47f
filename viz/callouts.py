"""Names for vertical lines above a plot (the sweep's theory lines and marks), spread so that none
overlaps its neighbour, and long axis titles broken in two."""

from __future__ import annotations

import numpy as np


def two_lines(title: str, longest: int = 22) -> str:
    """A long axis title on two lines, broken at the space nearest its middle: a vertical title
    longer than its plot is cut by the figure's edge."""
    if len(title) <= longest or " " not in title:
        return title
    spaces = [i for i, c in enumerate(title) if c == " "]
    cut = min(spaces, key=lambda i: abs(i - len(title) / 2))
    return f"{title[:cut]}<br>{title[cut + 1:]}"


def labels(lines, span, font_size, plot_px: float, neutral: str) -> tuple[list[dict], int]:
    """Callouts above the plot naming each vertical line: marks on the upper rows, theory's lines on
    the lower, each row spread sideways so that neighbours do not overlap, with a thin leader from
    each name to its line; names that do not fit one row of ``plot_px`` take turns on more rows.
    Returns the annotations and the rows used (the top margin follows).
    (Annotations on a log axis take log10 of x; ``ax`` is in pixels.)"""
    lo, hi = np.log10(span[0]), np.log10(span[1])
    row_px = font_size + 8
    kinds = [[line for line in lines if line[3] == "dash"], [line for line in lines if line[3] != "dash"]]
    rows = []
    for kind in kinds:
        kind = sorted(kind, key=lambda line: line[0])
        widths = [0.58 * (font_size - 1) * len(text) + 14 for _, text, *_ in kind]
        n = next(n for n in range(1, len(kind) + 1) if all(sum(widths[r::n]) <= plot_px for r in range(n))) if kind else 0
        rows += [kind[r::n] for r in range(n)]
    out = []
    for row, kind in enumerate(rows):
        at = [(np.log10(v) - lo) / (hi - lo) * plot_px for v, *_ in kind]
        widths = [0.58 * (font_size - 1) * len(text) + 14 for _, text, *_ in kind]
        for (v, text, color, _), x, centre in zip(kind, at, spread(at, widths, plot_px), strict=True):
            out.append({"xref": "x", "yref": "paper", "x": float(np.log10(v)), "y": 1, "ax": float(centre - x),
                        "ay": -(8 + row_px * (row + 0.5)), "text": text, "showarrow": True, "arrowhead": 0,
                        "arrowwidth": 1, "arrowcolor": color or neutral, "standoff": 0,
                        "font": {"size": max(font_size - 1, 11), **({"color": color} if color else {})}})
    return out, len(rows)


def spread(at, widths, length) -> list[float]:
    """Centres for labels of ``widths`` wanted at ``at`` (sorted) on a line ``length`` long: as near
    as they can be without overlapping. Overlapping neighbours merge into a block centred on their
    wishes, and blocks are kept within the line, until no two overlap."""
    blocks = [[i] for i in range(len(at))]

    def place(block):
        total = sum(widths[i] for i in block)
        centre = float(np.mean([at[i] for i in block]))
        start = min(max(centre - total / 2, 0.0), max(length - total, 0.0))
        return start, start + total

    merged = True
    while merged:
        merged = False
        for j in range(len(blocks) - 1):
            if place(blocks[j])[1] > place(blocks[j + 1])[0]:
                blocks[j:j + 2] = [blocks[j] + blocks[j + 1]]
                merged = True
                break
    centres = []
    for block in blocks:
        left = place(block)[0]
        for i in block:
            centres.append(left + widths[i] / 2)
            left += widths[i]
    return centres

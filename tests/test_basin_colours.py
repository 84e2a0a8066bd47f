"""A minimum's colour on the basin map is its own: keyed on the minimum, never on the order the starts
found it in or on the share of starts that reached it (issue 22)."""

from __future__ import annotations

import base64
import csv
import io

import numpy as np
from PIL import Image

import landscapes
import optim
import settings
from viz import basins as basin_figures
from viz import export
from viz.descent import surface_layer


def run(surface: str, opt: str, n: int = 60, steps: int = 300, **knobs):
    s = settings.parse({"surface": surface, "opt": opt, "steps": str(steps), **knobs})[0]
    return s.landscape, optim.basins(s.landscape, s.rule(), n, s.steps)


def hex_rgb(code: str) -> tuple[int, int, int]:
    return tuple(int(code[i:i + 2], 16) for i in (1, 3, 5))


def map_colour_at(fig: dict, b, point) -> tuple[int, int, int]:
    """The colour the figure's picture gives the start nearest ``point`` (PNG rows run top-down)."""
    uri = fig["layout"]["images"][0]["source"]
    image = Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))).convert("RGB")
    i, j = np.abs(b.ys - point[1]).argmin(), np.abs(b.xs - point[0]).argmin()
    return image.getpixel((int(j), len(b.ys) - 1 - int(i)))


def legend_colour(fig: dict, prefix: str) -> str:
    (trace,) = [t for t in fig["data"] if str(t.get("name", "")).startswith(prefix)]
    return trace["marker"]["color"]


def test_each_declared_minimum_keeps_its_colour_under_every_optimizer():
    """The case of the issue: on Himmelblau, gradient descent and momentum (each at its page's default
    rate) fill the four basins in a different order of size; each minimum keeps one colour."""
    surface = landscapes.get("himmelblau")
    lines = surface_layer(surface)[2]
    maps = {opt: run("himmelblau", opt)[1] for opt in ("sgd", "momentum", "adam")}
    ranked = {opt: sorted(b.shares(), key=lambda m: -b.shares()[m]) for opt, b in maps.items()}
    assert ranked["sgd"] != ranked["momentum"]  # the size order differs: what the colours once followed
    for m, point in enumerate(surface.minima):
        seen = set()
        for b in maps.values():
            colour, name = basin_figures.colours(b)
            assert np.array_equal(b.minima[m], point) and colour[m] == basin_figures.PALETTE[m]
            fig = basin_figures.basin_figure(surface, b, lines)
            label = name[m]
            assert legend_colour(fig, label + ":") == colour[m]  # the legend says what the map shows
            assert map_colour_at(fig, b, point) == hex_rgb(colour[m])
            seen.add((colour[m], label))
        assert len(seen) == 1, seen


def test_the_png_key_and_the_csv_use_the_same_colours_and_names():
    surface, b = run("himmelblau", "momentum", n=40)
    lines = surface_layer(surface)[2]
    colour, name = basin_figures.colours(b)
    image = Image.open(io.BytesIO(export.basins_png(surface, b, lines, "Basins"))).convert("RGB")
    top = export.PANEL + export.GIF_SIZE
    rows = sorted(b.shares().items(), key=lambda item: -item[1])  # the key's order (export.basins_png)
    for row, (label, _) in enumerate(rows):  # each key row's swatch is its label's colour
        assert image.getpixel((16, top + export.KEY_ROW * row + 4 + 10)) == hex_rgb(colour[label])
    table = list(csv.DictReader(io.StringIO(export.basins_csv(b))))
    i, j = np.abs(b.ys - 2).argmin(), np.abs(b.xs - 3).argmin()
    assert table[i * len(b.xs) + j]["basin"] == name[0] == "minimum (3, 2)"


def test_minima_found_at_run_time_are_ordered_by_loss_then_position():
    """Rastrigin declares only its global minimum: the others are found where starts settle, polished,
    and listed by (loss, x, y), so two optimizers that find the same minimum give it the same index."""
    runs = [run("rastrigin", opt, n=40)[1] for opt in ("sgd", "momentum")]
    surface = landscapes.get("rastrigin")
    for b in runs:
        found = b.minima[1:]
        assert np.allclose(surface.grad(found), 0, atol=1e-8)  # polished onto the true minima
        cell = 1e-6 * 10.24  # positions compare to a millionth of the view (-0.0 and 1e-260 are one x)
        key = [(round(float(surface.loss(p)), 9), *np.round(p / cell)) for p in found]
        assert key == sorted(key)
    first, second = runs
    shared = min(len(first.minima), len(second.minima), len(basin_figures.PALETTE))
    np.testing.assert_allclose(first.minima[:shared], second.minima[:shared], atol=1e-9)
    assert [basin_figures.colours(b)[0][m] for b in runs for m in range(shared)] == 2 * basin_figures.PALETTE[:shared]


def test_a_typed_formula_colours_its_declared_minima_the_same_under_two_optimizers():
    f = "(x^2 - 1)^2 + y^2 + 0.3*x"  # two wells of different depth
    maps = [run(settings.CUSTOM, opt, n=40, f=f)[1] for opt in ("sgd", "adam")]
    assert all(len(b.minima) >= 2 for b in maps)
    np.testing.assert_allclose(maps[0].minima[:2], maps[1].minima[:2])
    assert basin_figures.colours(maps[0])[0] == basin_figures.colours(maps[1])[0]

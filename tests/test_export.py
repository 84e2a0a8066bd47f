"""Taking the picture home: the HTML page, the CSV, the PNG and the GIF (their content and budgets)."""

import csv
import io
import json

import numpy as np
import pytest
from PIL import Image

import settings
from settings.race import parse_race, run_race
from viz import descent, export
from viz import race as race_figures


def descent_case(query=None):
    s = settings.parse(query or {})[0]
    traj = settings.run(s)
    surface = s.landscape
    return s, surface, descent.surface_layer(surface), traj


def test_the_html_page_holds_plotly_and_the_whole_animated_figure():
    s, surface, layer, traj = descent_case()
    fig = descent.picture(surface, layer, traj, s.rule(), 0, False)
    page = export.html(fig, "Ravine </script><b>")
    assert page.count("<script>") == 2 and "Plotly.addFrames" in page
    assert "cdn" not in page.lower().split("<script>", 1)[0]  # no network needed: nothing loaded from outside
    assert "</script><b>" not in page and "&lt;/script&gt;&lt;b&gt;" in page  # the title is escaped
    payload = page.split("const fig = ", 1)[1].split(";Plotly.newPlot", 1)[0]
    shipped = json.loads(payload.replace("<\\/", "</"))
    assert len(shipped["frames"]) == len(fig["frames"]) and shipped["data"][0]["type"] == fig["data"][0]["type"]
    names = [b.get("name") for menu in shipped["layout"]["updatemenus"] for b in menu["buttons"]]
    assert "play" in names and "pause" in names and "back" not in names and "forward" not in names
    assert shipped["layout"]["paper_bgcolor"] == "#ffffff"  # dressed in the light theme


def test_the_csv_has_every_step_with_gradient_rate_and_buffers():
    _, _, _, traj = descent_case({"opt": "adam", "steps": "30"})
    rows = list(csv.DictReader(io.StringIO(export.trajectory_csv(traj))))
    assert len(rows) == 31 and list(rows[0])[:7] == ["step", "x", "y", "loss", "grad_x", "grad_y", "lr"]
    assert {"m_x", "m_y", "v_x", "v_y"} <= set(rows[0])
    np.testing.assert_array_equal([[float(r["x"]), float(r["y"])] for r in rows], traj.points)  # repr round-trips
    assert rows[-1]["lr"] == ""  # no update leaves the last step
    np.testing.assert_array_equal([float(r["m_x"]) for r in rows], traj.state["m"][:, 0])


def test_a_diverged_run_leaves_empty_cells_not_nan():
    _, _, _, traj = descent_case({"surface": "bowl", "lr": "1.5", "steps": "60"})
    text = export.trajectory_csv(traj)
    assert traj.diverged_at >= 0 and "nan" not in text.lower() and "inf" not in text.lower()


def test_a_race_table_names_each_racer():
    racers = parse_race({})[0]
    lanes = run_race(racers)
    rows = list(csv.DictReader(io.StringIO(export.lanes_csv([(lane.name, lane.trajectory) for lane in lanes]))))
    assert {r["run"] for r in rows} == {lane.name for lane in lanes}
    assert len(rows) == sum(lane.trajectory.steps + 1 for lane in lanes)


def test_png_and_gif_stay_within_their_budgets():
    racers = parse_race({})[0]
    surface = racers[0].landscape
    layer = descent.surface_layer(surface)
    lanes = race_figures.lanes_of(run_race(racers))
    image = Image.open(io.BytesIO(export.png(surface, layer, lanes, 100, "race")))
    assert image.width == export.GIF_SIZE and image.height > export.GIF_SIZE  # the key sits below the surface
    seen = []
    data = export.gif(surface, layer, lanes, "race", progress=seen.append)
    gif = Image.open(io.BytesIO(data))
    assert gif.n_frames == len(export.gif_steps(racers[0].steps)) <= export.GIF_FRAMES
    assert seen[-1] == 1.0 and len(seen) == gif.n_frames
    assert len(data) < 2_000_000  # the stated size budget (times: bench/exports.py)


def test_the_mp4_is_the_gifs_frames_in_h264_and_holds_the_end():
    av = pytest.importorskip("av")
    _, surface, layer, traj = descent_case()
    lanes = descent.lanes(traj)
    seen = []
    data = export.mp4(surface, layer, lanes, "ravine", progress=seen.append)
    with av.open(io.BytesIO(data)) as video:
        stream = video.streams.video[0]
        assert stream.codec_context.name == "h264"
        frames = [f.to_image() for f in video.decode(stream)]
    shown = len(export.gif_steps(traj.steps))
    assert len(seen) == shown and len(frames) == shown + round(export.HOLD_MS / export.FRAME_MS)
    assert frames[0].width % 2 == 0 and frames[0].width >= export.GIF_SIZE - 1
    assert len(data) < len(export.gif(surface, layer, lanes, "ravine")) / 2  # why a video: smaller
    first, last = (_orange(np.asarray(f).astype(int)) for f in (frames[0], frames[-1]))
    assert last > 5 * max(first, 1)  # the path grows over the video too


def _orange(rgb) -> int:
    return int(((abs(rgb[..., 0] - 0xFF) < 30) & (abs(rgb[..., 1] - 0x5A) < 40) & (rgb[..., 2] < 90)).sum())


def test_the_gif_shows_the_path_growing():
    _, surface, layer, traj = descent_case()
    data = export.gif(surface, layer, descent.lanes(traj), "ravine")
    gif = Image.open(io.BytesIO(data))
    orange = []
    for i in (0, gif.n_frames - 1):
        gif.seek(i)
        orange.append(_orange(np.asarray(gif.convert("RGB")).astype(int)))
    assert orange[1] > 5 * max(orange[0], 1)  # the path's colour spreads over the frames


def test_gif_steps_spread_evenly_and_keep_both_ends():
    assert list(export.gif_steps(10)) == list(range(11))
    steps = export.gif_steps(1000)
    assert steps[0] == 0 and steps[-1] == 1000 and len(steps) == export.GIF_FRAMES
    assert np.ptp(np.diff(steps)) <= 1  # evenly spread


def basins_case(n=30):
    import optim

    s = settings.parse({"surface": "himmelblau", "opt": "adam", "lr": "0.1"})[0]
    surface = s.landscape
    return surface, optim.basins(surface, s.rule(), n, 150), descent.surface_layer(surface)[2]


def test_the_basins_png_keeps_each_start_its_colour_and_keys_every_label():
    from viz import basins as basin_figures

    surface, basins, lines = basins_case()
    image = Image.open(io.BytesIO(export.basins_png(surface, basins, lines, "Basins"))).convert("RGB")
    colour, _ = basin_figures.colours(basins)
    assert image.width == export.GIF_SIZE
    assert image.height == export.PANEL + export.GIF_SIZE + export.KEY_ROW * len(basins.shares()) + 6
    # the bottom-left start's cell, drawn sharp: exactly its label's colour (no blend with a neighbour)
    corner = image.getpixel((3, export.PANEL + export.GIF_SIZE - 4))
    expected = colour[int(basins.labels[0, 0])]
    assert corner == tuple(int(expected[i:i + 2], 16) for i in (1, 3, 5))


def test_the_basins_csv_has_every_start_its_end_and_its_basin():
    from viz import basins as basin_figures

    _, basins, _ = basins_case(12)
    rows = list(csv.DictReader(io.StringIO(export.basins_csv(basins))))
    _, name = basin_figures.colours(basins)
    assert len(rows) == 144 and list(rows[0]) == ["start_x", "start_y", "end_x", "end_y", "basin"]
    i, j = 5, 7  # the start (xs[j], ys[i])
    row = rows[i * 12 + j]
    assert float(row["start_x"]) == basins.xs[j] and float(row["start_y"]) == basins.ys[i]
    assert np.allclose([float(row["end_x"]), float(row["end_y"])], basins.ends[i, j], rtol=0, atol=1e-15)
    assert row["basin"] == name[int(basins.labels[i, j])]


def test_a_still_picture_exports_as_a_page_without_frames():
    from viz import basins as basin_figures

    surface, basins, lines = basins_case(10)
    page = export.html(basin_figures.basin_figure(surface, basins, lines), "Basins")
    assert "Plotly.newPlot" in page and "data:image/png;base64," in page
    assert "fig.frames ? Plotly.addFrames" in page  # a figure without frames adds none

"""What a page's picture becomes when it is taken home: a self-contained HTML file that plays
offline, a PNG of the current step and a GIF and an MP4 of the run for slides (drawn with Pillow, no
browser; the MP4 encoded by PyAV), and a CSV of every step. Pure functions of the figure or the lanes; no Streamlit.

Budgets: a GIF has at most ``GIF_FRAMES`` frames of ``GIF_SIZE`` pixels (about 1 s to make and
under 2 MB on the pages' runs, see tests/test_export.py); a PNG is one such frame.
"""

from __future__ import annotations

import base64
import copy
import csv
import html as html_lib
import io
import json
from fractions import Fraction

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from viz import basins as basin_figures
from viz import fidelity, player, theme

GIF_FRAMES = 60
GIF_SIZE = 480  # pixels across the surface
FRAME_MS = 80
HOLD_MS = 1500  # the last frame stays this long
PANEL = 26  # pixels of caption above the surface
KEY_ROW = 24  # pixels per row of the key below it (several lanes)


# ---- HTML ---------------------------------------------------------------------------------------

def html(fig: dict, title: str) -> str:
    """A page that holds plotly.js and the figure: it opens offline and plays (the step buttons,
    which need the app's bridge, are left out; Play, Pause, speed and the scrubber stay)."""
    from plotly.offline import get_plotlyjs  # the bundled plotly.js, ~4.6 MB: loaded only here

    fig = theme.themed(without_step_buttons(fig), theme.LIGHT)
    # "</" could close the script element early; "<\/" means the same inside a JS string
    payload = json.dumps(fig, separators=(",", ":"), allow_nan=False).replace("</", "<\\/")
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{html_lib.escape(title)}</title>"
            f"<style>body{{font-family:sans-serif;margin:16px}}</style></head><body>"
            f"<h3>{html_lib.escape(title)}</h3><div id='picture'></div>"
            f"<script>{get_plotlyjs()}</script>"
            f"<script>const fig = {payload};"
            "Plotly.newPlot('picture', fig.data, fig.layout, {displaylogo: false})"
            ".then(gd => fig.frames ? Plotly.addFrames(gd, fig.frames) : gd);</script></body></html>")


def without_step_buttons(fig: dict) -> dict:
    """The animated figure without ◀ and ▶ (they need the page's bridge); Play, Pause and the scrubber stay."""
    fig = copy.deepcopy(fig)
    for menu in fig["layout"].get("updatemenus", []):
        menu["buttons"] = [b for b in menu["buttons"] if b.get("name") not in ("back", "forward")]
    return fig


# ---- CSV ----------------------------------------------------------------------------------------

def trajectory_csv(traj, label: str = "", clock=None) -> str:
    """Every step of a one-start run: step, x, y, loss, the gradient used, the learning rate of the
    update leaving it, and the rule's buffers after that update. ``clock`` adds a column (the
    batches page's samples seen)."""
    return _table(_rows(traj, label, clock))


def lanes_csv(runs: list[tuple[str, object]], clocks=None) -> str:
    """Several runs (a race, the batches page's flavours) in one table, a column naming each."""
    clocks = clocks or [None] * len(runs)
    return _table([row for (label, traj), clock in zip(runs, clocks, strict=True) for row in _rows(traj, label, clock)])


def _table(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def _rows(traj, label, clock) -> list[dict]:
    n = traj.steps
    lrs = np.append(np.ravel(traj.lrs), np.nan)  # no update leaves the last step
    rows = []
    for k in range(n + 1):
        row = {**({"run": label} if label else {}), "step": k}
        if clock is not None:
            row[clock[0]] = int(clock[1][k])
        x, y = traj.points[k]
        row.update(x=_num(x), y=_num(y), loss=_num(traj.losses[k]))
        if traj.grads is not None:
            row.update(grad_x=_num(traj.grads[k][0]), grad_y=_num(traj.grads[k][1]))
        row["lr"] = _num(lrs[k])
        for key, history in traj.state.items():
            row[f"{key}_x"], row[f"{key}_y"] = _num(history[k][0]), _num(history[k][1])
        rows.append(row)
    return rows


def _num(value) -> str:
    """Full precision (repr round-trips); empty where the run had left the surface."""
    value = float(value)
    return repr(value) if np.isfinite(value) else ""


# ---- PNG and GIF (Pillow) -----------------------------------------------------------------------

def png(surface, layer, lanes: list[player.Lane], k: int, caption: str) -> bytes:
    """The surface with every path up to step ``k`` and where each is now."""
    canvas = _Canvas(surface, layer, lanes)
    image = canvas.frame(lanes, k, f"{caption} · step {k}")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def basins_png(surface, basins, lines, caption: str) -> bytes:
    """The basin map (each start's colour kept sharp: a label is not blended with its neighbour's),
    the iso-lines, the minima as white dots, and a key with each label's share of the starts."""
    colour, name = basin_figures.colours(basins)
    canvas = _Canvas(surface, (None, basin_figures.picture(basins, colour), lines), [], Image.Resampling.NEAREST)
    shares = sorted(basins.shares().items(), key=lambda item: -item[1])
    image = Image.new("RGB", (canvas.w, canvas.base.height + KEY_ROW * len(shares) + 6), "white")
    image.paste(canvas.base, (0, 0))
    draw = ImageDraw.Draw(image)
    draw.text((6, 5), caption, fill=(20, 20, 20), font=canvas.font)
    px, py = canvas.pixels(basins.minima)
    for x, y in zip(px, py, strict=True):
        _dot(draw, x, y, 5, "#FFFFFF", "#111111")
    for row, (label, share) in enumerate(shares):
        y = canvas.base.height + KEY_ROW * row + 4
        draw.rectangle([8, y + 2, 24, y + 18], fill=colour[label], outline="#444444")
        draw.text((32, y + 2), f"{name[label]}: {share:.1%} of the starts", fill=(20, 20, 20), font=canvas.font)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def basins_csv(basins) -> str:
    """Every start of the map: where it began, where it ended, and the basin it is coloured by."""
    _, name = basin_figures.colours(basins)
    rows = [{"start_x": _num(x), "start_y": _num(y), "end_x": _num(end[0]), "end_y": _num(end[1]),
             "basin": name[int(label)]}
            for (x, y, end, label) in zip(np.tile(basins.xs, len(basins.ys)), np.repeat(basins.ys, len(basins.xs)),
                                          basins.ends.reshape(-1, 2), basins.labels.ravel(), strict=True)]
    return _table(rows)


def gif_steps(steps: int) -> np.ndarray:
    """At most GIF_FRAMES steps, evenly spread, the first and the last included."""
    return np.unique(np.linspace(0, steps, min(GIF_FRAMES, steps + 1)).round().astype(int))


def _frames(surface, layer, lanes, caption, progress) -> list:
    """The GIF's and the MP4's frames; ``progress(fraction)`` is called after each one."""
    canvas = _Canvas(surface, layer, lanes)
    shown = gif_steps(len(lanes[0].points) - 1)
    frames = []
    for i, k in enumerate(shown):
        frames.append(canvas.frame(lanes, int(k), f"{caption} · step {int(k)}"))
        if progress:
            progress((i + 1) / len(shown))
    return frames


def movies(surface, layer, lanes: list[player.Lane], caption: str, progress=None) -> dict[str, bytes]:
    """The run as a GIF and as an MP4 from one drawing of the frames: ``{"gif": …, "mp4": …}``."""
    frames = _frames(surface, layer, lanes, caption, progress)
    return {"gif": _gif(frames), "mp4": _mp4(frames)}


def gif(surface, layer, lanes: list[player.Lane], caption: str, progress=None) -> bytes:
    """The run as an animated GIF; ``progress(fraction)`` is called after each frame."""
    return _gif(_frames(surface, layer, lanes, caption, progress))


def mp4(surface, layer, lanes: list[player.Lane], caption: str, progress=None) -> bytes:
    """The GIF's frames as an H.264 MP4 (PyAV, which bundles FFmpeg): a fraction of the GIF's size,
    full colour, and what presentation software plays without a plug-in."""
    return _mp4(_frames(surface, layer, lanes, caption, progress))


def _gif(frames) -> bytes:
    palette = frames[-1].quantize(colors=192, method=Image.Quantize.MEDIANCUT)  # one palette: no flicker
    still = [f.quantize(palette=palette, dither=Image.Dither.NONE) for f in frames]
    out = io.BytesIO()
    durations = [FRAME_MS] * (len(still) - 1) + [HOLD_MS]  # hold the end before it loops
    still[0].save(out, format="GIF", save_all=True, append_images=still[1:], duration=durations, loop=0,
                  optimize=False, disposal=1)
    return out.getvalue()


def _mp4(frames) -> bytes:
    import av  # FFmpeg's libraries: loaded only when a video is asked for

    frames = frames + [frames[-1]] * round(HOLD_MS / FRAME_MS)  # hold the end, as the GIF does
    width, height = (d - d % 2 for d in frames[0].size)  # yuv420p needs even sides
    out = io.BytesIO()
    with av.open(out, mode="w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=Fraction(1000, FRAME_MS))
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.options = {"crf": "23", "preset": "veryfast", "movflags": "+faststart"}
        for image in frames:
            frame = av.VideoFrame.from_image(image.convert("RGB").crop((0, 0, width, height)))
            container.mux(stream.encode(frame))
        container.mux(stream.encode())
    return out.getvalue()


class _Canvas:
    """The surface picture scaled to GIF_SIZE with its iso-lines, and the map from (x, y) to pixels."""

    def __init__(self, surface, layer, lanes, resample=Image.Resampling.BILINEAR):
        _, uri, lines = layer
        self.key_rows = 0 if len(lanes) < 2 else (len(lanes) + 2) // 3  # three names a row
        (self.x0, self.x1), (self.y0, self.y1) = surface.bounds
        # every step (any step may be a frame), cut where it left the view
        self.drawn = [fidelity.draw(lane.points, surface.bounds, tolerance=0.0) for lane in lanes]
        aspect = (self.y1 - self.y0) / (self.x1 - self.x0)
        self.w = GIF_SIZE
        self.h = int(np.clip(round(GIF_SIZE * aspect), GIF_SIZE // 3, GIF_SIZE * 3 // 2))
        picture = Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))).convert("RGB")
        base = Image.new("RGB", (self.w, self.h + PANEL + KEY_ROW * self.key_rows), "white")
        base.paste(picture.resize((self.w, self.h), resample), (0, PANEL))
        draw = ImageDraw.Draw(base)
        for segment in _segments(*self.pixels(np.column_stack(lines))):
            draw.line(segment, fill=(235, 235, 235), width=1)
        self.font = ImageFont.load_default(size=15)
        for i, lane in enumerate(lanes if self.key_rows else []):
            x, y = 8 + (i % 3) * (self.w // 3), PANEL + self.h + KEY_ROW * (i // 3) + 5
            draw.line([(x, y + 8), (x + 22, y + 8)], fill=lane.color, width=5)
            draw.text((x + 28, y), lane.label[:22], fill=(20, 20, 20), font=self.font)
        self.base = base

    def pixels(self, points) -> tuple[np.ndarray, np.ndarray]:
        px = (points[:, 0] - self.x0) / (self.x1 - self.x0) * (self.w - 1)
        py = PANEL + (self.y1 - points[:, 1]) / (self.y1 - self.y0) * (self.h - 1)
        return px, py

    def frame(self, lanes, k: int, caption: str) -> Image.Image:
        image = self.base.copy()
        draw = ImageDraw.Draw(image)
        start = self.pixels(lanes[0].points[:1])
        for lane, line in zip(lanes, self.drawn, strict=True):
            px, py = self.pixels(line.so_far(k))
            for segment in _segments(px, py):
                draw.line(segment, fill=player.casing(lane.color), width=int(lane.width) + 3)
                draw.line(segment, fill=lane.color, width=int(lane.width))
            if line.exit is not None and 0 <= line.left_view <= k:  # where it left the picture, and when
                (x,), (y,) = self.pixels(line.exit[None, :])
                x, y = min(max(x, 12), self.w - 12), min(max(y, PANEL + 12), PANEL + self.h - 12)
                draw.line([(x - 8, y - 8), (x + 8, y + 8)], fill=lane.color, width=4)
                draw.line([(x - 8, y + 8), (x + 8, y - 8)], fill=lane.color, width=4)
                caption = f"{caption} · {lane.label if len(lanes) > 1 else 'it'} left the view at step {line.left_view}"
        draw.text((6, 5), caption, fill=(20, 20, 20), font=self.font)
        _dot(draw, start[0][0], start[1][0], 7, None, "#FFFFFF")
        for lane in lanes:
            now = lane.points[min(k, len(lane.points) - 1)]
            if np.isfinite(now).all():
                (x,), (y,) = self.pixels(now[None, :])
                _dot(draw, x, y, 6, lane.color, player.casing(lane.color))
        return image


def _segments(px, py) -> list[list[tuple[float, float]]]:
    """Runs of finite points (NaN breaks a line); a path is cut a view beyond the picture already
    (:mod:`viz.fidelity`), so nothing is clamped and every segment keeps its direction."""
    ok = np.isfinite(px) & np.isfinite(py)
    out, run = [], []
    for x, y, good in zip(px.tolist(), py.tolist(), ok.tolist(), strict=True):
        if good:
            run.append((x, y))
        elif run:
            out.append(run)
            run = []
    if run:
        out.append(run)
    return [r for r in out if len(r) > 1]


def _dot(draw, x, y, r, fill, outline) -> None:
    draw.ellipse([x - r, y - r, x + r, y + r], fill=fill, outline=outline, width=2)

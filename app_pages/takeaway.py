"""Take the picture home: an animated HTML page, a PNG of this step, a GIF of the run, a CSV of
every step. The files are made when their button is pressed (Streamlit calls the ``data``
function then, outside the page's run, so each is a pure function of what it closes over); a GIF
is drawn with a progress bar and kept for other visitors of the same run."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from optim.as_code import NotExpressible, numpy_script, torch_script
from viz import export

MOVIE_CACHE_ENTRIES = 8  # a GIF (≤ 2 MB) and an MP4 (≤ 0.5 MB) each
MOVIE_CACHE_BYTES = 16_000_000  # and never more than this in all, whatever the runs weigh


@dataclass(frozen=True)
class Picture:
    """What the files are made from."""

    name: str  # the page: file names and widget keys
    run_key: str  # the run's settings (repr): one GIF per run
    caption: str
    fig: Callable[[], dict]  # the animated figure as the page drew it (called when its file is asked for)
    surface: object
    layer: tuple
    lanes: list
    k: int
    csv: Callable[[], str]
    # the run as a script: called with optim.as_code's torch_script or numpy_script, returns its text
    script: Callable[[Callable], str] | None = None


class _Movies:
    """A small shared LRU of finished GIFs and MP4s (several sessions' threads use it)."""

    def __init__(self, entries: int, max_bytes: int):
        self.entries, self.max_bytes = entries, max_bytes
        self.items, self.lock = OrderedDict(), threading.Lock()

    @property
    def bytes(self) -> int:
        return sum(_weight(value) for value in self.items.values())

    def get(self, key):
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
            return self.items.get(key)

    def put(self, key, value) -> None:
        with self.lock:
            self.items[key] = value
            self.items.move_to_end(key)
            while len(self.items) > self.entries or (len(self.items) > 1 and self.bytes > self.max_bytes):
                self.items.popitem(last=False)


def _weight(value) -> int:
    return sum(map(len, value.values())) if isinstance(value, dict) else len(value)


MOVIES = _Movies(MOVIE_CACHE_ENTRIES, MOVIE_CACHE_BYTES)


def section(p: Picture) -> None:
    with st.expander("Take it home: an animated page, a GIF or MP4 for slides, a PNG, the numbers, the code",
                     icon=":material/download:"):
        html_col, png_col, csv_col, movie_col = st.columns(4)
        html_col.download_button("Animated page (HTML)", data=lambda: export.html(p.fig(), p.caption),
                                 file_name=f"downhill-{p.name}.html", mime="text/html", on_click="ignore",
                                 key=f"html.{p.name}", help="Plays offline in any browser: plotly.js is inside.")
        png_col.download_button(f"Step {p.k} (PNG)",
                                data=lambda: export.png(p.surface, p.layer, p.lanes, p.k, p.caption),
                                file_name=f"downhill-{p.name}-step-{p.k}.png", mime="image/png", on_click="ignore",
                                key=f"png.{p.name}")
        csv_col.download_button("Every step (CSV)", data=p.csv, file_name=f"downhill-{p.name}.csv", mime="text/csv",
                                on_click="ignore", key=f"csv.{p.name}",
                                help="step, x, y, loss, the gradient used, the learning rate and the rule's buffers")
        movies(p, movie_col)
        if p.script is not None:
            as_code(p)
        st.caption(f"The GIF and the MP4 have at most {export.GIF_FRAMES} frames, {export.GIF_SIZE} pixels across; "
                   "the HTML page holds plotly.js (about 5 MB) so it needs no network.")


def map_section(name: str, caption: str, fig: dict, png: Callable[[], bytes], csv: Callable[[], str]) -> None:
    """A still picture's files (the basins map): the interactive page, a PNG, every start as CSV."""
    with st.expander("Take it home: the map as a page, a PNG, every start as numbers", icon=":material/download:"):
        html_col, png_col, csv_col = st.columns(3)
        html_col.download_button("The map (HTML)", data=lambda: export.html(fig, caption),
                                 file_name=f"downhill-{name}.html", mime="text/html", on_click="ignore",
                                 key=f"html.{name}", help="Opens offline in any browser: plotly.js is inside.")
        png_col.download_button("The map (PNG)", data=png, file_name=f"downhill-{name}.png", mime="image/png",
                                on_click="ignore", key=f"png.{name}")
        csv_col.download_button("Every start (CSV)", data=csv, file_name=f"downhill-{name}.csv", mime="text/csv",
                                on_click="ignore", key=f"csv.{name}",
                                help="start_x, start_y, end_x, end_y and the basin each start is coloured by")


SCRIPTS = {  # tab → (writer, what it shows, file suffix)
    "PyTorch": (torch_script, "`torch.optim` with the same hyperparameters, torch differentiating the loss", "torch"),
    "NumPy": (numpy_script, "every line of the update written out, the gradient by hand", "numpy"),
}


def as_code(p: Picture) -> None:
    st.markdown("**As code**: this run as a script you can keep; its path is the one above, to 1e-8")
    for tab, (write, shows, suffix) in zip(st.tabs(list(SCRIPTS)), SCRIPTS.values(), strict=True):
        with tab:
            try:
                script = p.script(write)
            except NotExpressible as reason:
                st.caption(f"{reason}.")
                continue
            st.caption(shows)
            st.code(script, language="python")
            st.download_button("The script (.py)", script, file_name=f"downhill-{p.name}-{suffix}.py",
                               mime="text/x-python", on_click="ignore", key=f"py.{suffix}.{p.name}",
                               icon=":material/code:")


def movies(p: Picture, box) -> None:
    """"Make a GIF and MP4" (with a progress bar), then in its place the two downloads."""
    key = (p.name, p.run_key, p.caption)
    made = MOVIES.get(key)
    slot = box.empty()
    if made is None and slot.button("Make a GIF and MP4", key=f"gif.{p.name}", icon=":material/movie:"):
        bar = st.progress(0.0, text="Drawing the frames…")
        made = export.movies(p.surface, p.layer, p.lanes, p.caption,
                             progress=lambda done: bar.progress(done, text="Drawing the frames…"))
        MOVIES.put(key, made)
        bar.empty()
    if made is not None:
        with slot.container():
            st.download_button(f"GIF ({len(made['gif']) / 1e6:.1f} MB)", data=made["gif"],
                               file_name=f"downhill-{p.name}.gif", mime="image/gif", on_click="ignore",
                               key=f"gifsave.{p.name}")
            st.download_button(f"MP4 ({len(made['mp4']) / 1e6:.2f} MB)", data=made["mp4"],
                               file_name=f"downhill-{p.name}.mp4", mime="video/mp4", on_click="ignore",
                               key=f"mp4save.{p.name}")

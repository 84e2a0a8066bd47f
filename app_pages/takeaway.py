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

from optim.as_code import NotExpressible
from viz import export

GIF_CACHE_ENTRIES = 8  # ≤ ~2 MB each


@dataclass(frozen=True)
class Picture:
    """What the files are made from."""

    name: str  # the page: file names and widget keys
    run_key: str  # the run's settings (repr): one GIF per run
    caption: str
    fig: dict  # the animated figure as the page drew it
    surface: object
    layer: tuple
    lanes: list
    k: int
    csv: Callable[[], str]
    script: Callable[[], str] | None = None  # the run as a PyTorch script (optim.as_code)


class _Gifs:
    """A small shared LRU of finished GIFs (several sessions' threads use it)."""

    def __init__(self, entries: int):
        self.entries, self.items, self.lock = entries, OrderedDict(), threading.Lock()

    def get(self, key):
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
            return self.items.get(key)

    def put(self, key, value) -> None:
        with self.lock:
            self.items[key] = value
            self.items.move_to_end(key)
            while len(self.items) > self.entries:
                self.items.popitem(last=False)


GIFS = _Gifs(GIF_CACHE_ENTRIES)


def section(p: Picture) -> None:
    with st.expander("Take it home: an animated page, a GIF for slides, a PNG, the numbers", icon=":material/download:"):
        html_col, png_col, csv_col, gif_col = st.columns(4)
        html_col.download_button("Animated page (HTML)", data=lambda: export.html(p.fig, p.caption),
                                 file_name=f"downhill-{p.name}.html", mime="text/html", on_click="ignore",
                                 key=f"html.{p.name}", help="Plays offline in any browser: plotly.js is inside.")
        png_col.download_button(f"Step {p.k} (PNG)",
                                data=lambda: export.png(p.surface, p.layer, p.lanes, p.k, p.caption),
                                file_name=f"downhill-{p.name}-step-{p.k}.png", mime="image/png", on_click="ignore",
                                key=f"png.{p.name}")
        csv_col.download_button("Every step (CSV)", data=p.csv, file_name=f"downhill-{p.name}.csv", mime="text/csv",
                                on_click="ignore", key=f"csv.{p.name}",
                                help="step, x, y, loss, the gradient used, the learning rate and the rule's buffers")
        gif(p, gif_col)
        if p.script is not None:
            as_code(p)
        st.caption(f"The GIF has at most {export.GIF_FRAMES} frames, {export.GIF_SIZE} pixels across; the HTML page "
                   "holds plotly.js (about 5 MB) so it needs no network.")


def as_code(p: Picture) -> None:
    try:
        script = p.script()
    except NotExpressible as reason:
        st.caption(f"As code: {reason}.")
        return
    st.markdown("**As code**: this run in PyTorch, `torch.optim` with the same hyperparameters (its path is "
                "the one above, to 1e-8)")
    st.code(script, language="python")
    st.download_button("The script (.py)", script, file_name=f"downhill-{p.name}.py", mime="text/x-python",
                       on_click="ignore", key=f"py.{p.name}", icon=":material/code:")


def gif(p: Picture, box) -> None:
    """"Make a GIF" (with a progress bar), then in its place the GIF's download."""
    key = (p.name, p.run_key, p.caption)
    data = GIFS.get(key)
    slot = box.empty()
    if data is None and slot.button("Make a GIF", key=f"gif.{p.name}", icon=":material/movie:"):
        bar = st.progress(0.0, text="Drawing the frames…")
        data = export.gif(p.surface, p.layer, p.lanes, p.caption,
                          progress=lambda done: bar.progress(done, text="Drawing the frames…"))
        GIFS.put(key, data)
        bar.empty()
    if data is not None:
        slot.download_button(f"GIF ({len(data) / 1e6:.1f} MB)", data=data, file_name=f"downhill-{p.name}.gif",
                            mime="image/gif", on_click="ignore", key=f"gifsave.{p.name}")

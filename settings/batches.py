"""URL ⇄ state for the batches page: full batch, SGD and a mini-batch on a data set, from one start.

Keys: ``data`` (a data surface with a model: the classic line, tips, iris), ``scaled`` (1/0, where
the data has a raw feature to compare: tips), ``lr``, ``batch`` (the mini-batch, 2…n), ``epochs``,
``compare`` (``epochs``: the same samples processed; ``updates``: as many updates as the full
batch makes), ``sched`` (constant or cosine), ``x0``, ``y0``, ``seed``, ``k`` (the clock: samples
seen, or updates), ``loop`` (which flavour's training loop is shown: full, sgd, mini).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import landscapes
from optim import batches
from settings import LR_RANGE, single_values
from settings.readers import Choice, Flag, Number, fmt

KEYS = ("data", "scaled", "lr", "batch", "epochs", "compare", "sched", "x0", "y0", "seed", "k", "loop")
MAX_EPOCHS = 200
DEFAULT_DATA = landscapes.BATCHES_DEFAULT


def data_names() -> list[str]:
    """Data surfaces that carry their model, but not a raw twin (reached by ``scaled=0``)."""
    fits = [name for name in landscapes.names() if landscapes.get(name).model is not None]
    twins = {landscapes.get(name).model.unscaled for name in fits}
    return [name for name in fits if name not in twins]


@dataclass(frozen=True)
class BatchSettings:
    data: str
    scaled: bool
    lr: float
    batch: int
    epochs: int
    compare: str
    sched: str
    x0: float
    y0: float
    seed: int
    k: int
    loop: str

    @property
    def surface_name(self) -> str:
        twin = landscapes.get(self.data).model.unscaled
        return twin if twin and not self.scaled else self.data

    @property
    def landscape(self):
        return landscapes.get(self.surface_name)

    @property
    def steps(self) -> int:
        """The clock's last tick: samples seen in all epochs, or the full batch's updates."""
        return ticks(self.landscape.n_samples, self.epochs, self.compare)

    @property
    def run_settings(self) -> BatchSettings:
        """Without the view (the clock's tick and the loop shown): what the engine runs depend on."""
        return replace(self, k=0, loop="full")


def ticks(n: int, epochs: int, compare: str) -> int:
    return epochs * n if compare == "epochs" else epochs


def max_epochs(n: int) -> int:
    """SGD makes n updates an epoch: the epochs are capped so it makes at most MAX_UPDATES."""
    return max(1, min(MAX_EPOCHS, batches.MAX_UPDATES // n))


def default_batch(n: int) -> int:
    return min(16, max(2, n // 8))


def defaults(data: str = DEFAULT_DATA, scaled: bool = True) -> BatchSettings:
    s = BatchSettings(data, scaled, 0.0, 0, 0, "epochs", "constant", 0.0, 0.0, 0, 0, "full")
    surface = s.landscape
    model = surface.model
    return replace(s, lr=model.lr, batch=default_batch(surface.n_samples),
                   epochs=min(model.epochs, max_epochs(surface.n_samples)),
                   x0=float(model.start[0]), y0=float(model.start[1]))


def parse_batches(query: Mapping) -> tuple[BatchSettings, list[str]]:
    """Valid settings from any query, and a note for every value that had to be changed."""
    raw, notes = single_values(query, KEYS, " of this page")

    def read(reader, key, default):
        value, note = reader.read(key, raw[key], default) if key in raw else (default, None)
        notes.extend([note] if note else [])
        return value

    data = read(Choice(tuple(data_names())), "data", DEFAULT_DATA)
    scaled = read(Flag(), "scaled", True) if landscapes.get(data).model.unscaled else True
    d = defaults(data, scaled)
    surface = d.landscape
    n = surface.n_samples
    (x0, x1), (y0, y1) = surface.bounds
    values = {
        "lr": read(Number(*LR_RANGE, log=True), "lr", d.lr),
        "batch": read(Number(2, n, whole=True), "batch", d.batch),
        "epochs": read(Number(1, max_epochs(n), whole=True), "epochs", d.epochs),
        "compare": read(Choice(("epochs", "updates")), "compare", d.compare),
        "sched": read(Choice(batches.SCHEDULES), "sched", d.sched),
        "x0": read(Number(x0, x1), "x0", d.x0),
        "y0": read(Number(y0, y1), "y0", d.y0),
        "seed": read(Number(0, 2**31 - 1, whole=True), "seed", d.seed),
        "loop": read(Choice(tuple(batches.FLAVOURS)), "loop", d.loop),
    }
    s = replace(d, **values)
    return replace(s, k=read(Number(0, s.steps, whole=True), "k", 0)), notes


def to_batches_query(s: BatchSettings) -> dict[str, str]:
    out = {key: _text(getattr(s, key)) for key in KEYS}
    if not landscapes.get(s.data).model.unscaled:
        out.pop("scaled")
    return out


def widget_values(s: BatchSettings) -> dict:
    return {key: getattr(s, key) for key in KEYS}


def _text(value) -> str:
    return value if isinstance(value, str) else fmt(value)


def run(s: BatchSettings, equal: str | None = None) -> list:
    """The three flavours' runs (``equal`` overrides the comparison: the loop always runs whole epochs)."""
    return batches.compare(s.landscape, s.lr, (s.x0, s.y0), s.epochs, s.batch, seed=s.seed, sched=s.sched,
                           equal=equal or s.compare)

"""URL ⇄ settings for the race page: one :class:`Settings` per racer, sharing everything but the
optimizer and its knobs.

Keys: the descent page's shared keys (surface, sched and its parameters, steps, x0, y0, batch,
noise, seed, k, view3d), ``opt`` as a comma list (``opt=sgd,momentum,adam``), and each racer's own
knobs under ``<knob>.<optimizer>``: ``lr.adam=0.05``, ``beta1.adam=0.9``, ``momentum.nesterov=0.8``.

``tune`` (1/0, written only when 1): race each racer at its best learning rate on this surface from
this start instead of its own (see :func:`tune_race`); its own rate stays in the link, for when
tuning is switched off again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

import numpy as np

import landscapes
import optim
from optim.race import Tuning, candidate_rates, tune
from settings import PAGE_KEYS, Settings, all_knob_keys, knob_keys, parse, readers_for, to_query
from settings import values as settings_values
from settings.readers import Flag, listed, show

MAX_LISTED = 20  # entries of opt read (there are fewer rules than this; a longer list repeats some)
RACE_KEYS = ("opt", "tune")  # the race's own keys, besides each racer's <knob>.<optimizer>


class Race(tuple):
    """The racers (a tuple of :class:`Settings`, one per racer, as before) and the one switch that is
    the race's own: ``tune``. A tuple still, so everything that iterates over racers keeps working;
    equality, hashing and repr include ``tune``."""

    def __new__(cls, racers=(), tune: bool = False):
        race = super().__new__(cls, racers)
        race.tune = bool(tune)
        return race

    def __eq__(self, other):
        return tuple.__eq__(self, other) and self.tune == getattr(other, "tune", False)

    def __ne__(self, other):
        return not self == other

    def __hash__(self):
        return hash((tuple(self), self.tune))

    def __repr__(self):
        return f"Race({tuple.__repr__(self)}, tune={self.tune})"

    def __reduce__(self):
        return Race, (tuple(self), self.tune)


def own_everywhere() -> tuple[str, ...]:
    """What each racer sets alone: its learning rate and every knob any rule declares."""
    return ("lr", *all_knob_keys())


def own_keys(opt: str) -> tuple[str, ...]:
    return ("lr", *knob_keys(opt))


def parse_race(query: Mapping) -> tuple[Race, list[str]]:
    """Valid racers from any query, and notes on what had to be changed (each note once)."""
    notes: list[str] = []
    names = _racers(query.get("opt"), notes)
    mine = own_everywhere()
    shared = {k: v for k, v in query.items() if "." not in k and k not in mine and k not in (*RACE_KEYS, *PAGE_KEYS)}
    shared.setdefault("surface", landscapes.RACE_DEFAULT)
    racers = []
    for name in names:
        own = {key: query[f"{key}.{name}"] for key in own_keys(name) if f"{key}.{name}" in query}
        s, found = parse({**shared, **own, "opt": name})
        racers.append(s)
        notes += [_qualify(note, name) for note in found]
    for key in query:
        if key in PAGE_KEYS:
            continue
        if "." in key and (key.split(".", 1)[1] not in names or key.split(".", 1)[0] not in mine):
            notes.append(f"{show(key)} is not a setting of this race; ignored")
    tuned, note = _tune(query.get("tune"))
    return Race(racers, tuned), list(dict.fromkeys(notes + ([note] if note else [])))


def _tune(raw) -> tuple[bool, str | None]:
    """``tune`` from a link: 1 or 0; anything else is 0, with a note (as every other key)."""
    if raw is None:
        return False, None
    if isinstance(raw, (list, tuple)) and len(raw) != 1:
        last = raw[-1] if raw else ""
        value, note = Flag().read("tune", str(last), False)
        return value, note or f"tune was given {len(raw)} times; using the last, {show(last)}"
    return Flag().read("tune", str(raw[0] if isinstance(raw, (list, tuple)) else raw), False)


def to_race_query(racers) -> dict[str, str]:
    first = to_query(racers[0])
    mine = own_everywhere()
    out = {k: v for k, v in first.items() if k not in mine}
    out["opt"] = ",".join(s.opt for s in racers)
    for s in racers:
        own = to_query(s)
        out.update({f"{key}.{s.opt}": own[key] for key in own_keys(s.opt)})
    if getattr(racers, "tune", False):
        out["tune"] = "1"
    return out


def widget_values(racers) -> dict:
    """The page's controls by URL key: the shared ones, the racers (``opt``), ``tune``, and each racer's
    own rate and knobs under its suffix (``lr.adam``)."""
    shared = settings_values(racers[0])
    values = {key: value for key, value in shared.items() if key not in own_everywhere() and key != "opt"}
    values["opt"] = [r.opt for r in racers]
    values["tune"] = racers.tune
    for r in racers:
        mine = {"lr": r.lr, **dict(r.knobs)}
        values.update({f"{key}.{r.opt}": mine[key] for key in own_keys(r.opt)})
    return values


def _racers(raw, notes) -> list[str]:
    if isinstance(raw, (list, tuple)):
        raw = raw[-1] if raw else None
    if raw is None:
        return list(optim.RACE_DEFAULT)
    names, found = listed("opt", raw, optim.names(), ("an optimizer", "optimizers"), MAX_LISTED)
    notes += found
    if not names:
        notes.append(f"opt={show(raw)} names no optimizer; racing {', '.join(optim.RACE_DEFAULT)}")
        names = list(optim.RACE_DEFAULT)
    return names


def _qualify(note: str, name: str) -> str:
    """A racer's own knob is ``lr.adam`` in the URL: say so in its note."""
    for key in own_everywhere():
        if note.startswith(f"{key}="):
            return f"{key}.{name}=" + note[len(key) + 1:]
    return note


def run_race(racers) -> list:
    """The race these settings describe: one engine run for every racer (see optim.race); with
    ``tune``, at the rates :func:`tune_race` chose."""
    if getattr(racers, "tune", False):
        racers = at_tuned_rates(racers, tune_race(racers))
    s = racers[0]
    return optim.race(s.landscape, [(r.opt, r.hyperparameters()) for r in racers], (s.x0, s.y0),
                      s.steps, record="path", **s.gradient_source())


def tune_rates(racer: Settings) -> np.ndarray:
    """The starting rates a racer is tuned over: ``optim.race.candidate_rates`` (51 rates from 1e-3× to
    100× the surface's opening rate for the rule, within the page's learning-rate range) and the
    racer's own rate, so tuning never does worse than the rate it had."""
    reader = readers_for(racer.landscape, racer.steps)["lr"]
    return np.union1d(candidate_rates(racer.landscape, racer.opt, within=(reader.low, reader.high)), [racer.lr])


def tune_race(racers) -> list[Tuning]:
    """Each racer's best starting rate on this surface, from this start, over these steps, with this
    gradient source (mini-batches, or noise with its seed) and schedule (its shape, started from each
    rate): every racer at every one of its :func:`tune_rates` in one engine run (``optim.race.tune``)."""
    s = racers[0]
    return tune(s.landscape, [(r.opt, r.hyperparameters()) for r in racers], (s.x0, s.y0), s.steps,
                [tune_rates(r) for r in racers], **s.gradient_source())


def at_tuned_rates(racers, tunings) -> Race:
    """The racers at their tuned rates (a racer whose every rate diverged keeps its own)."""
    return Race((r if t.lr is None else replace(r, lr=t.lr) for r, t in zip(racers, tunings, strict=True)),
                getattr(racers, "tune", False))

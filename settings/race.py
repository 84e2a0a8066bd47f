"""URL ⇄ settings for the race page: one :class:`Settings` per racer, sharing everything but the
optimizer and its knobs.

Keys: the descent page's shared keys (surface, sched and its parameters, steps, x0, y0, batch,
noise, seed, k, view3d), ``opt`` as a comma list (``opt=sgd,momentum,adam``), and each racer's own
knobs under ``<knob>.<optimizer>``: ``lr.adam=0.05``, ``beta1.adam=0.9``, ``momentum.nesterov=0.8``.
"""

from __future__ import annotations

from collections.abc import Mapping

import landscapes
import optim
from settings import PAGE_KEYS, Settings, all_knob_keys, knob_keys, parse, to_query
from settings.readers import show


def own_everywhere() -> tuple[str, ...]:
    """What each racer sets alone: its learning rate and every knob any rule declares."""
    return ("lr", *all_knob_keys())


def own_keys(opt: str) -> tuple[str, ...]:
    return ("lr", *knob_keys(opt))


def parse_race(query: Mapping) -> tuple[tuple[Settings, ...], list[str]]:
    """Valid racers from any query, and notes on what had to be changed (each note once)."""
    notes: list[str] = []
    names = _racers(query.get("opt"), notes)
    mine = own_everywhere()
    shared = {k: v for k, v in query.items() if "." not in k and k not in mine and k not in ("opt", *PAGE_KEYS)}
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
    return tuple(racers), list(dict.fromkeys(notes))


def to_race_query(racers) -> dict[str, str]:
    first = to_query(racers[0])
    mine = own_everywhere()
    out = {k: v for k, v in first.items() if k not in mine}
    out["opt"] = ",".join(s.opt for s in racers)
    for s in racers:
        own = to_query(s)
        out.update({f"{key}.{s.opt}": own[key] for key in own_keys(s.opt)})
    return out


def _racers(raw, notes) -> list[str]:
    if isinstance(raw, (list, tuple)):
        raw = raw[-1] if raw else None
    if raw is None:
        return list(optim.RACE_DEFAULT)
    names, known = [], optim.names()
    for name in str(raw)[:200].split(","):
        if name in known and name not in names:
            names.append(name)
        elif name not in known:
            notes.append(f"opt: {show(name)} is not an optimizer; left out")
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
    """The race these settings describe: one engine run for every racer (see optim.race)."""
    s = racers[0]
    return optim.race(s.landscape, [(r.opt, r.hyperparameters()) for r in racers], (s.x0, s.y0),
                      s.steps, record="path", **s.gradient_source())

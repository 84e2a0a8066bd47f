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
from settings import KNOBS, PAGE_KEYS, Settings, parse, to_query
from settings.readers import show

DEFAULT_RACE = ("sgd", "momentum", "rmsprop", "adam")
DEFAULT_SURFACE = "beale"
OWN = ("lr", "momentum", "beta1", "beta2", "alpha", "eps", "wd", "bc")  # what each racer sets alone


def own_keys(opt: str) -> tuple[str, ...]:
    return ("lr", *KNOBS[opt])


def parse_race(query: Mapping) -> tuple[tuple[Settings, ...], list[str]]:
    """Valid racers from any query, and notes on what had to be changed (each note once)."""
    notes: list[str] = []
    names = _racers(query.get("opt"), notes)
    shared = {k: v for k, v in query.items() if "." not in k and k not in OWN and k not in ("opt", *PAGE_KEYS)}
    shared.setdefault("surface", DEFAULT_SURFACE)
    racers = []
    for name in names:
        own = {key: query[f"{key}.{name}"] for key in own_keys(name) if f"{key}.{name}" in query}
        s, found = parse({**shared, **own, "opt": name})
        racers.append(s)
        notes += [_qualify(note, name) for note in found]
    for key in query:
        if key in PAGE_KEYS:
            continue
        if "." in key and (key.split(".", 1)[1] not in names or key.split(".", 1)[0] not in OWN):
            notes.append(f"{show(key)} is not a setting of this race; ignored")
    return tuple(racers), list(dict.fromkeys(notes))


def to_race_query(racers) -> dict[str, str]:
    first = to_query(racers[0])
    out = {k: v for k, v in first.items() if k not in OWN}
    out["opt"] = ",".join(s.opt for s in racers)
    for s in racers:
        own = to_query(s)
        out.update({f"{key}.{s.opt}": own[key] for key in own_keys(s.opt)})
    return out


def _racers(raw, notes) -> list[str]:
    if isinstance(raw, (list, tuple)):
        raw = raw[-1] if raw else None
    if raw is None:
        return list(DEFAULT_RACE)
    names, known = [], optim.names()
    for name in str(raw)[:200].split(","):
        if name in known and name not in names:
            names.append(name)
        elif name not in known:
            notes.append(f"opt: {show(name)} is not an optimizer; left out")
    if not names:
        notes.append(f"opt={show(raw)} names no optimizer; racing {', '.join(DEFAULT_RACE)}")
        names = list(DEFAULT_RACE)
    return names


def _qualify(note: str, name: str) -> str:
    """A racer's own knob is ``lr.adam`` in the URL: say so in its note."""
    for key in OWN:
        if note.startswith(f"{key}="):
            return f"{key}.{name}=" + note[len(key) + 1:]
    return note


def run_race(racers) -> list:
    """The race these settings describe: one engine run for every racer (see optim.race)."""
    s = racers[0]
    return optim.race(landscapes.get(s.surface), [(r.opt, r.hyperparameters()) for r in racers], (s.x0, s.y0),
                      s.steps, schedule=s.schedule_spec(), record="path", **s.gradient_source())

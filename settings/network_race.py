"""The seven rules race on the iris network: the same initial weights and mini-batches, each rule at its
tuned rate (``optim.race.tune``: every rule at every candidate rate in one engine run), the paths projected
on one plane, the principal directions of all of them together, through the winner's end."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, replace

import numpy as np

import optim
from landscapes import network as nets
from landscapes import plane as planes
from settings import LR_RANGE
from settings.network import NetworkSettings, default_lr

race_lib = importlib.import_module("optim.race")  # the module: ``optim.race`` is also the function's name
SPAN = (1e-2, 1e2)  # candidate rates: these multiples of each rule's default rate on the network
PER_DECADE = 4  # 17 rates a rule, 119 runs in the tuning's one engine run


@dataclass(frozen=True)
class RaceStudy:
    lanes: list  # optim.race.Lane per rule, their paths in 131 weights
    projected: list  # the same lanes, their paths projected on the plane
    plane: planes.Plane
    surface: object  # the loss on the plane
    tuned: list  # each rule's rate: tuned, or its default where every candidate left
    accuracy: list  # each rule's share of flowers classified right at its end


def entries() -> list[tuple[str, dict]]:
    return [(name, {}) for name in optim.names()]


def tuning(s: NetworkSettings) -> list:
    """Each rule's learning-rate sweep from the run's initial weights, over the run's steps and batches."""
    net = nets.iris()
    rates = [race_lib.candidate_rates(net, name, within=LR_RANGE, span=SPAN, per_decade=PER_DECADE)
             for name, _ in entries()]
    return race_lib.tune(net, entries(), net.init(s.seed), s.steps, rates, batch_size=s.batch or None, seed=s.seed)


def race_study(s: NetworkSettings, tunings: list) -> RaceStudy:
    net = nets.iris()
    tuned = [t.lr if t.lr is not None else default_lr(t.name) for t in tunings]
    lanes = optim.race(net, [(name, {"lr": lr}) for (name, _), lr in zip(entries(), tuned, strict=True)],
                       net.init(s.seed), s.steps, batch_size=s.batch or None, seed=s.seed, record="path")
    finals = [float(lane.trajectory.losses[-1]) for lane in lanes]
    winner = int(np.nanargmin(np.where(np.isfinite(finals), finals, np.inf)))
    points = np.vstack([lane.trajectory.points for lane in lanes])
    plane = planes.pca_plane(points[np.isfinite(points).all(axis=-1)], centre=lanes[winner].trajectory.points[-1])
    projected = [replace(lane, trajectory=replace(lane.trajectory, points=plane.project(lane.trajectory.points)))
                 for lane in lanes]
    coords = np.vstack([lane.trajectory.points for lane in projected])
    surface = planes.surface(net, plane, planes.view(coords, "pca"))
    accuracy = [float(net.accuracy(np.nan_to_num(lane.trajectory.points[-1]))) for lane in lanes]
    return RaceStudy(lanes, projected, plane, surface, tuned, accuracy)

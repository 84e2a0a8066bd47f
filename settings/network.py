"""URL ⇄ state for the network page, and its run: the iris network trained by one rule, its path
projected on a plane of its weights, and the loss on that plane.

Keys: ``opt`` (the rule), ``lr``, ``steps``, ``batch`` (0: the full batch of 150 flowers, else the
mini-batch size), ``seed`` (the initial weights and the batches' shuffles), ``plane`` (``pca``: the
path's principal directions; ``random``: two filter-normalized random directions), ``race`` (1: the seven
rules race at their tuned rates, ``opt`` and ``lr`` then unused; see ``settings.network_race``), ``k`` (the
step shown).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np

import optim
from landscapes import network as nets
from landscapes import plane as planes
from optim.sgd import SGD
from settings import LR_RANGE, single_values
from settings.readers import Choice, Flag, Number, fmt

KEYS = ("opt", "lr", "steps", "batch", "seed", "plane", "race", "k")
MAX_STEPS = 2000
DEFAULTS = nets.DEFAULTS


@dataclass(frozen=True)
class NetworkSettings:
    opt: str
    lr: float
    steps: int
    batch: int  # 0: the full batch
    seed: int
    plane: str
    race: bool
    k: int

    @property
    def run_settings(self) -> NetworkSettings:
        """Without the step shown: what the run and the plane depend on (a race: not on the rule either)."""
        if self.race:
            return replace(defaults(), steps=self.steps, batch=self.batch, seed=self.seed, race=True)
        return replace(self, k=0)

    def rule(self) -> optim.Rule:
        return optim.get(self.opt, lr=self.lr)


@dataclass(frozen=True)
class Study:
    """One training run and what the page draws of it."""

    trajectory: optim.Trajectory  # in all 131 weights
    plane: planes.Plane
    coords: np.ndarray  # (steps+1, 2): the path projected on the plane
    surface: object  # the loss on the plane, a 2D Surface
    accuracy: np.ndarray  # (steps+1,): the share of flowers classified right at each step
    off: np.ndarray  # (steps+1,): how far each step's weights are off the plane (NaN past a divergence)


def default_lr(opt: str) -> float:
    family, factor = optim.rule(opt).lr_family
    return DEFAULTS.lr_for(family, factor)


def defaults(opt: str = DEFAULTS.opt) -> NetworkSettings:
    return NetworkSettings(opt, default_lr(opt), DEFAULTS.steps, 0, 0, "pca", False, 0)


def parse_network(query: Mapping) -> tuple[NetworkSettings, list[str]]:
    """Valid settings from any query, and a note for every value that had to be changed."""
    raw, notes = single_values(query, KEYS, " of this page")

    def read(reader, key, default):
        value, note = reader.read(key, raw[key], default) if key in raw else (default, None)
        notes.extend([note] if note else [])
        return value

    d = defaults(read(Choice(tuple(optim.names())), "opt", DEFAULTS.opt))
    s = replace(d, lr=read(Number(*LR_RANGE, log=True), "lr", d.lr),
                steps=read(Number(1, MAX_STEPS, whole=True), "steps", d.steps),
                batch=read(Number(0, nets.iris().n_samples, whole=True), "batch", d.batch),
                seed=read(Number(0, 2**31 - 1, whole=True), "seed", d.seed),
                plane=read(Choice(planes.KINDS), "plane", d.plane), race=read(Flag(), "race", d.race))
    return replace(s, k=read(Number(0, s.steps, whole=True), "k", 0)), notes


def to_network_query(s: NetworkSettings) -> dict[str, str]:
    return {key: value if isinstance(value := getattr(s, key), str) else fmt(value) for key in KEYS}


def widget_values(s: NetworkSettings) -> dict:
    return {key: getattr(s, key) for key in KEYS}


def train(s: NetworkSettings) -> optim.Trajectory:
    net = nets.iris()
    return optim.descend(net, s.rule(), net.init(s.seed), s.steps, batch_size=s.batch or None, seed=s.seed,
                         record="path")


def study(s: NetworkSettings) -> Study:
    """Train, choose the plane, project the path and put the loss on the plane."""
    net, traj = nets.iris(), train(s)
    kept = traj.points[np.isfinite(traj.points).all(axis=-1)]  # a run that left: up to where it left
    end = kept[-1]
    plane = planes.pca_plane(kept) if s.plane == "pca" else planes.random_plane(end, s.seed)
    coords = plane.project(traj.points)
    surface = planes.surface(net, plane, planes.view(coords, s.plane))
    with np.errstate(invalid="ignore"):
        accuracy = np.where(np.isfinite(traj.losses), net.accuracy(np.nan_to_num(traj.points)), np.nan)
    return Study(traj, plane, coords, surface, accuracy, plane.residual(traj.points))


SWEEP = (0.5, 0.8, 0.95, 1.05, 1.2, 1.5, 2.0)  # plain-descent rates, as multiples of 2/λ_max
SWEEP_STEPS = 200
FLAT = 1e-6


@dataclass(frozen=True)
class Curvature:
    """The Hessian at the run's last weights and what it predicts for plain descent from there."""

    eigenvalues: np.ndarray  # all 131, largest first
    rates: np.ndarray  # the sweep's rates (SWEEP × 2/λ_max)
    rose: np.ndarray  # whether plain descent's loss ever rose in SWEEP_STEPS steps, per rate
    highest: np.ndarray  # the highest loss each rate reached (inf: the weights left)
    start_loss: float

    @property
    def lr_max(self) -> float:
        return 2.0 / float(self.eigenvalues[0])

    @property
    def negative(self) -> int:
        """How many directions still curve down."""
        return int((self.eigenvalues < 0).sum())

    @property
    def curved(self) -> np.ndarray:
        """The eigenvalues of the directions that curve up by at least FLAT × λ_max: below that a direction is
        flat as far as central differences can tell (a trained network has dozens of them)."""
        return self.eigenvalues[self.eigenvalues > FLAT * self.eigenvalues[0]]

    @property
    def condition(self) -> float:
        """λ_max over the smallest eigenvalue of the directions that curve up."""
        return float(self.curved[0] / self.curved[-1])


def curvature(study: Study) -> Curvature | None:
    """λ of the Hessian where the run ended, then plain descent from there at rates around 2/λ_max, all
    rates in one engine run. None when the run left (there is no end to measure) or nothing curves up."""
    traj = study.trajectory
    if int(traj.diverged_at) >= 0:
        return None
    net, end = nets.iris(), traj.points[-1]
    eigenvalues = np.linalg.eigvalsh(net.hessian(end))[::-1]
    if not eigenvalues[0] > 0:
        return None
    rates = np.array(SWEEP) * 2.0 / eigenvalues[0]
    starts = np.broadcast_to(end, (len(rates), len(end)))
    run = optim.descend(net, SGD(lr=rates[:, None]), starts, SWEEP_STEPS, record="path")  # plain descent
    losses = run.losses
    with np.errstate(invalid="ignore"):
        rose = (np.diff(losses, axis=0) > 1e-12 * np.abs(losses[:-1])).any(axis=0) | (run.diverged_at >= 0)
    highest = np.where(run.diverged_at >= 0, np.inf, np.nanmax(losses, axis=0))
    return Curvature(eigenvalues, rates, rose, highest, float(losses[0, 0]))


LIVE_RATES = 48  # the live η slider's stops on the network page
LIVE_SPAN = (1e-2, 1e2)  # around the rule's default rate on the network


@dataclass(frozen=True)
class LiveGrid:
    """The run at every stop of the live η slider, from the same weights and batches, projected on the plane
    of the page's own run (the plane does not move while η does)."""

    lrs: np.ndarray  # (R,)
    points: np.ndarray  # (steps+1, R, 2): on the plane
    losses: np.ndarray  # (steps+1, R): the true losses
    accuracy: np.ndarray  # (steps+1, R)
    off: np.ndarray  # (steps+1, R): how far each step's weights are off the plane


def live_rates(opt: str) -> np.ndarray:
    low, high = (default_lr(opt) * f for f in LIVE_SPAN)
    low, high = max(low, LR_RANGE[0]), min(high, LR_RANGE[1])
    return np.unique([float(f"{v:.3g}") for v in np.geomspace(low, high, LIVE_RATES)])


def live_grid(s: NetworkSettings, study: Study) -> LiveGrid:
    """Every live rate's run in one engine run (a rate per row), on ``study``'s plane."""
    net, lrs = nets.iris(), live_rates(s.opt)
    rule = optim.get(s.opt, lr=lrs[:, None])
    runs = optim.descend(net, rule, np.tile(net.init(s.seed), (len(lrs), 1)), s.steps, batch_size=s.batch or None,
                         seed=s.seed, record="path")
    plane, weights = study.plane, runs.points
    with np.errstate(invalid="ignore"):
        accuracy = np.where(np.isfinite(runs.losses), net.accuracy(np.nan_to_num(weights)), np.nan)
    return LiveGrid(lrs, plane.project(weights), runs.losses, accuracy, plane.residual(weights))

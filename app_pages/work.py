"""The pages' cached work: engine runs and figures, keyed on what they depend on.

In a module of their own, not in the page scripts: a page script runs top to bottom on every rerun,
and each ``@st.cache_data`` it runs rebuilds the cache's wrapper (hashing the function's source,
~1.5 ms each here). A module is imported once.
"""

from __future__ import annotations

import streamlit as st

import landscapes
import optim
import settings
import settings.batches
import settings.race
from app_pages.controls import surface_layer
from app_pages.lean import revised
from optim import batches
from settings import Settings
from settings import network as network_settings
from settings import network_race as race_settings
from settings.batches import BatchSettings
from settings.network import NetworkSettings
from viz import batches as batch_figures
from viz import descent as descent_figures
from viz import lab as lab_figures
from viz import live_player
from viz import network as network_figures
from viz import race as race_figures

# A Settings (frozen, plain fields) is keyed by its repr: Streamlit's own hashing walks every field
# through its generic hasher, ~3 ms per cached call and several calls a rerun.
BY_REPR = {Settings: repr, BatchSettings: repr, NetworkSettings: repr}


def _layer(s: Settings):
    return surface_layer(s.surface, s.f, s.view)


@st.cache_data(max_entries=64, show_spinner=False, hash_funcs=BY_REPR)
def descent_run(s: Settings) -> optim.Trajectory:
    """The engine run: keyed on the run's settings only (``s.run_settings``), never on the view."""
    return settings.run(s)


@st.cache_data(max_entries=64, show_spinner=False, hash_funcs=BY_REPR)
def descent_picture(s: Settings, k: int, font_size: int, height: int, narrow: bool) -> dict:
    return revised(descent_figures.picture(s.landscape, _layer(s), descent_run(s), s.rule(), k, s.sched != "constant",
                                           font_size=font_size, height=height, narrow=narrow))


@st.cache_data(max_entries=64, show_spinner=False, hash_funcs=BY_REPR)
def descent_view3d(s: Settings, k: int, font_size: int) -> dict:
    return revised(descent_figures.view3d(s.landscape, _layer(s), descent_run(s), k, font_size))


def race_run(racers: tuple) -> list:
    """Each racer's run, cached on its own: a change to Adam's knobs runs Adam again, no one else
    (the lanes share start, steps and gradient source, which are in every racer's settings)."""
    return [race_lane(racer) for racer in racers]


@st.cache_data(max_entries=128, show_spinner=False, hash_funcs=BY_REPR)
def race_lane(racer: Settings):
    """One racer's engine run: keyed on its run settings only, never on the view."""
    return settings.race.run_race((racer,))[0]


@st.cache_data(max_entries=32, show_spinner=False, hash_funcs=BY_REPR)
def race_picture(racers: tuple, k: int, font_size: int, height: int, narrow: bool) -> dict:
    s = racers[0]
    return revised(race_figures.picture(s.landscape, _layer(s), race_run(racers), k, s.sched != "constant",
                                        font_size=font_size, height=height, narrow=narrow))


@st.cache_data(max_entries=32, show_spinner=False, hash_funcs=BY_REPR)
def race_view3d(racers: tuple, k: int, font_size: int) -> dict:
    return revised(race_figures.view3d(racers[0].landscape, _layer(racers[0]), race_run(racers), k, font_size))


@st.cache_data(max_entries=32, show_spinner=False, hash_funcs=BY_REPR)
def batches_run(b: BatchSettings, equal: str) -> list:
    """The three flavours' runs, compared at ``equal`` epochs or updates (keyed on run settings only)."""
    return settings.batches.run(b, equal)


@st.cache_data(max_entries=32, show_spinner=False, hash_funcs=BY_REPR)
def batches_picture(b: BatchSettings, k: int, font_size: int, height: int, narrow: bool) -> dict:
    surface = b.landscape
    return revised(batch_figures.picture(surface, surface_layer(b.surface_name), batches_run(b.run_settings, b.compare),
                                         b.compare, k, font_size=font_size, height=height, narrow=narrow))


@st.cache_data(max_entries=64, show_spinner=False)
def batches_cloud(surface_name: str, batch: int, seed: int, point: tuple, font_size: int) -> tuple[dict, list, float]:
    """At ``point``: the figure of mini-batch gradients (SGD's and the mini-batch's), their measured
    spreads, and the spread sampling theory predicts for the mini-batch (keyed on what they depend
    on: a new learning rate with the same point is a cache hit)."""
    surface = landscapes.get(surface_name)
    per_sample = batches.per_sample_gradients(surface, point)
    clouds = [batches.cloud(surface, point, size, seed=seed, per_sample=per_sample) for size in (1, batch)]
    _, single, mini = batches.FLAVOURS.values()
    colors = [single.color, mini.color]
    fig = batch_figures.cloud_figure(surface, clouds, colors, font_size=font_size)
    return fig, [c.spread for c in clouds], batches.expected_spread(per_sample, batch)


@st.cache_data(max_entries=64, show_spinner=False)
def batches_spreads(surface_name: str, batch: int, seed: int, point: tuple, font_size: int) -> dict:
    """The measured spread at ``point`` for batch sizes 1, 2, 4, … n (and the chosen one)."""
    surface = landscapes.get(surface_name)
    n = surface.n_samples
    sizes = sorted({*(2**i for i in range(n.bit_length()) if 2**i < n), batch, n})
    measured, predicted = batches.spreads(surface, point, sizes, seed=seed)
    return batch_figures.spread_figure(sizes, measured, predicted, batch, list(batches.FLAVOURS.values())[-1].color,
                                       font_size=font_size)


@st.cache_data(max_entries=32, show_spinner=False, hash_funcs=BY_REPR)
def race_tuning(racers: tuple) -> list:
    """Each racer's learning-rate sweep and its best rate (settings.race.tune_race: one engine run
    for every racer at every candidate rate), keyed on the racers' run settings."""
    return settings.race.tune_race(racers)


@st.cache_resource(max_entries=32, show_spinner=False, hash_funcs=BY_REPR)
def network_study(s: NetworkSettings) -> network_settings.Study:
    """The network trained, its plane, the projected path and the loss on the plane (keyed on run settings).
    A resource, not data: its surface holds functions, which cache_data cannot pickle; nothing changes it."""
    return network_settings.study(s)


@st.cache_data(max_entries=32, show_spinner=False, hash_funcs=BY_REPR)
def network_picture(s: NetworkSettings, k: int, font_size: int, height: int, narrow: bool) -> dict:
    return revised(network_figures.picture(network_study(s), network_layer(s), k, font_size=font_size, height=height,
                                           narrow=narrow))


@st.cache_resource(max_entries=32, show_spinner=False, hash_funcs=BY_REPR)
def network_layer(s: NetworkSettings):
    """The plane's loss on the grid, its picture and iso-lines: once for the picture and the 3D view."""
    return network_figures.layer(network_study(s).surface)


@st.cache_data(max_entries=32, show_spinner=False, hash_funcs=BY_REPR)
def network_view3d(s: NetworkSettings, k: int, font_size: int) -> dict:
    return revised(network_figures.view3d(network_study(s), network_layer(s), k, font_size))


@st.cache_resource(max_entries=32, show_spinner=False, hash_funcs=BY_REPR)
def network_curvature(s: NetworkSettings) -> network_settings.Curvature | None:
    """The Hessian where the run ended and plain descent from there around 2/λ_max (keyed on run settings)."""
    return network_settings.curvature(network_study(s))


@st.cache_resource(max_entries=16, show_spinner="Tuning each rule's learning rate: 119 trainings in one engine run…",
                   hash_funcs=BY_REPR)
def network_race(s: NetworkSettings) -> race_settings.RaceStudy:
    """The seven rules at their tuned rates, projected on their shared plane (keyed on run settings)."""
    return race_settings.race_study(s, race_settings.tuning(s))


@st.cache_data(max_entries=16, show_spinner=False, hash_funcs=BY_REPR)
def network_race_picture(s: NetworkSettings, k: int, font_size: int, height: int, narrow: bool) -> dict:
    race = network_race(s)
    return revised(network_figures.race_picture(race, network_figures.layer(race.surface), k, font_size=font_size,
                                                height=height, narrow=narrow))


@st.cache_resource(max_entries=16, show_spinner=False, hash_funcs=BY_REPR)
def network_live(s: NetworkSettings):
    """The live η slider's runs on the page's plane, and the same runs packed for the browser."""
    grid = network_settings.live_grid(s, network_study(s))
    return grid, lab_figures.thinned(grid, network_study(s).surface.bounds)[1]


@st.cache_data(max_entries=32, show_spinner=False, hash_funcs=BY_REPR)
def network_live_lane(s: NetworkSettings, k: int) -> dict:
    """What live.js redraws the network picture from at the player's step ``k``: every live run's path,
    loss curve, line so far, point and numbers."""
    grid, packed = network_live(s)
    texts = [network_figures.panel(k, s.steps, grid.losses[k, r], grid.accuracy[k, r], grid.points[k, r], grid.off[k, r])
             for r in range(len(grid.lrs))]
    return live_player.lane(network_study(s).surface, grid, packed, grid.points, grid.losses, k, texts)

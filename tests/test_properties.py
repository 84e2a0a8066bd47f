"""Property tests: whatever the surface, rule, hyperparameters and starts, descend never raises or
warns, and every value is finite or NaN after a flagged divergence."""

import warnings

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import landscapes
import optim
from tests.draws import draws

HYPER = {
    "momentum": st.floats(0.0, 0.999),
    "alpha": st.floats(0.0, 0.999),
    "eps": st.floats(1e-12, 1e-2),
    "weight_decay": st.floats(0.0, 1.0),
    "betas": st.tuples(st.floats(0.0, 0.999), st.floats(0.0, 0.9999)),
}


@st.composite
def runs(draw):
    surface = landscapes.get(draw(st.sampled_from(landscapes.names())))
    name = draw(st.sampled_from(optim.names()))
    hyper = {"lr": draw(st.floats(1e-8, 1e4))}
    for key in optim.defaults(name).keys() & HYPER.keys():
        if draw(st.booleans()):
            hyper[key] = draw(HYPER[key])
    if name == "nesterov":
        hyper["momentum"] = max(hyper.get("momentum", 0.9), 1e-3)
    (x0, x1), (y0, y1) = surface.bounds
    n = draw(st.integers(1, 4))
    starts = draw(st.lists(st.tuples(st.floats(x0, x1), st.floats(y0, y1)), min_size=n, max_size=n))
    extra = {}
    if surface.is_data and draw(st.booleans()):
        extra["batch_size"] = draw(st.integers(1, surface.n_samples))
    elif draw(st.booleans()):
        extra["noise"] = draw(st.floats(0.0, 10.0))
    return surface, optim.get(name, **hyper), np.array(starts), draw(st.integers(0, 60)), extra


@settings(max_examples=draws(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(runs(), st.integers(0, 2**32 - 1))
def test_descend_never_raises_or_warns_and_nan_only_follows_divergence(case, seed):
    surface, rule, starts, steps, extra = case
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        traj = optim.descend(surface, rule, starts, steps, seed=seed, **extra)
    k = np.arange(steps + 1)[:, None]
    stopped = np.where(traj.diverged_at < 0, steps + 1, traj.diverged_at)
    before, after = k < stopped, k > stopped
    assert np.isfinite(traj.points[before]).all()
    assert np.isfinite(traj.losses[before]).all()
    assert np.isnan(traj.points[after]).all() and np.isnan(traj.losses[after]).all()
    for buf in traj.state.values():
        assert np.isfinite(buf[before]).all()

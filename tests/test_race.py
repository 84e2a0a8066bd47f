"""optim.race: one vectorized run that equals each racer run alone."""

import numpy as np
import pytest

import landscapes
import optim
from optim import schedules


def alone(surface, name, hyper, steps, **kw):
    s = landscapes.get(surface)
    return optim.descend(s, optim.get(name, **hyper), s.start, steps, **kw)


@pytest.mark.parametrize("surface", ["beale", "ravine", "tiny_net"])
def test_every_rule_in_one_race_equals_its_run_alone(surface):
    entries = [(name, {"lr": 1e-3 if name in ("sgd", "momentum", "nesterov") else 0.02}) for name in optim.names()]
    lanes = optim.race(landscapes.get(surface), entries, landscapes.get(surface).start, 120)
    for (name, hyper), lane in zip(entries, lanes, strict=True):
        ref = alone(surface, name, hyper, 120)
        assert lane.name == name and lane.seconds > 0
        np.testing.assert_array_equal(lane.trajectory.points, ref.points)
        np.testing.assert_array_equal(lane.trajectory.losses, ref.losses)
        assert set(lane.trajectory.state) == set(ref.state)
        for key in ref.state:
            np.testing.assert_array_equal(lane.trajectory.state[key], ref.state[key])


def test_racers_of_one_rule_share_a_part_with_stacked_hyperparameters():
    entries = [("adam", {"lr": 0.1, "betas": (0.9, 0.999)}), ("sgd", {"lr": 0.05}),
               ("adam", {"lr": 0.01, "betas": (0.5, 0.99)})]
    lanes = optim.race(landscapes.get("ravine"), entries, (-2.5, 0.2), 60)
    for (name, hyper), lane in zip(entries, lanes, strict=True):
        np.testing.assert_allclose(lane.trajectory.points, alone("ravine", name, hyper, 60).points, rtol=1e-12, atol=1e-15)


def test_each_racer_follows_its_own_learning_rate_or_schedule():
    entries = [("sgd", {"lr": schedules.get("cosine", lr=0.08, t_max=50)}), ("momentum", {"lr": 0.02}),
               ("sgd", {"lr": schedules.get("step", lr=0.05, step_size=10, gamma=0.5)})]
    lanes = optim.race(landscapes.get("ravine"), entries, (-2.5, 0.2), 50)
    for (name, hyper), lane in zip(entries, lanes, strict=True):
        ref = alone("ravine", name, hyper, 50)
        np.testing.assert_allclose(lane.trajectory.lrs, ref.lrs, rtol=1e-15)
        np.testing.assert_allclose(lane.trajectory.points, ref.points, rtol=1e-13)


def test_racers_see_the_same_mini_batches_and_divergence_is_per_racer():
    entries = [("sgd", {"lr": 0.3}), ("sgd", {"lr": 5.0})]
    lanes = optim.race(landscapes.get("noisy_regression"), entries, (-1.0, 2.0), 80, batch_size=4, seed=3)
    for (name, hyper), lane in zip(entries, lanes, strict=True):
        s = landscapes.get("noisy_regression")
        ref = optim.descend(s, optim.get(name, **hyper), (-1.0, 2.0), 80, batch_size=4, seed=3)
        np.testing.assert_array_equal(lane.trajectory.points, ref.points)
    assert lanes[0].trajectory.diverged_at == -1 and lanes[1].trajectory.diverged_at > 0

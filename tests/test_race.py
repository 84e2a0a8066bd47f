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


# --- tune: each racer's best learning rate, every racer at every rate in one engine run ---

import importlib  # noqa: E402
from unittest import mock  # noqa: E402

from optim.race import candidate_rates, tune  # noqa: E402
from settings.race import at_tuned_rates, parse_race, run_race, to_race_query, tune_race, tune_rates  # noqa: E402

race_module = importlib.import_module("optim.race")  # the module: optim.race is also the function's name


def test_tuning_is_one_engine_run_for_every_racer_at_every_rate():
    surface = landscapes.get("beale")
    entries = [(name, {"lr": 0.01}) for name in optim.names()]
    lrs = [candidate_rates(surface, name) for name in optim.names()]
    assert all(len(rates) >= 30 for rates in lrs)
    with mock.patch.object(race_module, "descend", wraps=race_module.descend) as engine:
        tunings = tune(surface, entries, surface.start, 200, lrs)
    assert engine.call_count == 1
    assert engine.call_args.args[2].shape == (sum(map(len, lrs)), 2)  # rows = racers × rates
    assert [t.name for t in tunings] == optim.names()
    for t, rates in zip(tunings, lrs, strict=True):
        np.testing.assert_array_equal(t.lrs, rates)


@pytest.mark.parametrize("surface", ["ravine", "rosenbrock", "beale", "saddle", "tiny_net", "booth"])
def test_a_diverged_rate_is_never_chosen(surface):
    s = landscapes.get(surface)
    entries = [(name, {"lr": 0.01}) for name in optim.names()]
    lrs = [candidate_rates(s, name, span=(1e-2, 1e4)) for name in optim.names()]  # far into divergence
    for t in tune(s, entries, s.start, s.defaults.steps, lrs):
        assert t.diverged.any() or t.name in ("adagrad", "adam", "adamw", "rmsprop")
        assert t.best >= 0 and not t.diverged[t.best] and np.isfinite(t.final_loss[t.best])
        stayed = ~t.diverged
        if t.settled_at[t.best] < 0:  # nothing converged: the lowest final loss of those that stayed
            assert t.final_loss[t.best] == t.final_loss[stayed].min()
        else:  # converged runs tie: the first to settle
            assert t.settled_at[t.best] == t.settled_at[t.settled_at >= 0].min()


def test_when_every_rate_diverges_none_is_chosen():
    s = landscapes.get("bowl")
    (t,) = tune(s, [("sgd", {"lr": 0.1})], s.start, 40, [[1.5, 3.0, 10.0]])  # all above 2/L = 1
    assert t.diverged.all() and t.best == -1 and t.lr is None


def test_converged_runs_tie_and_the_first_to_settle_wins():
    """On the bowl (L = 2) every rate below 1 converges, and over 500 steps each loss reaches exactly 0:
    the final losses tie, and lr = 1/L = 0.5, there in one step, is chosen."""
    s = landscapes.get("bowl")
    (t,) = tune(s, [("sgd", {"lr": 0.1})], s.start, 500, [[0.3, 0.4, 0.5, 0.6, 0.7]])
    assert (t.final_loss == 0).all() and t.lr == 0.5 and t.settled_at[t.best] == 1


@pytest.mark.parametrize("steps", [100, 400])
def test_plain_descent_on_the_ravine_is_tuned_to_2_over_mu_plus_l(steps):
    surface = landscapes.get("ravine")
    fastest = 2 / (surface.strong_convexity + surface.lipschitz)  # 0.095
    for n in (31, 101, 301):
        grid = optim.log_grid(1e-3, 1.0, n)
        (t,) = tune(surface, [("sgd", {"lr": 0.01})], surface.start, steps, [grid])
        assert abs(np.log(t.lr / fastest)) <= np.log(grid[1] / grid[0])  # within the grid's resolution
        assert t.lr < 2 / surface.lipschitz  # below the edge of divergence


def test_each_rate_runs_as_it_would_alone_with_schedule_noise_and_mini_batches():
    """A schedule keeps its shape from each rate; every rate sees the race's own noise draws and
    mini-batches: the tuning's final loss at a rate is that rate's run alone."""
    rates = np.array([0.003, 0.03, 0.09, 0.3])
    cosine = schedules.get("cosine", lr=0.1, t_max=60)
    entries = [("sgd", {"lr": 0.05}), ("adam", {"lr": cosine, "betas": (0.8, 0.99)})]
    for surface, source in (("ravine", {"noise": 0.7, "seed": 5}), ("tiny_net", {"batch_size": 3, "seed": 2})):
        s = landscapes.get(surface)
        tunings = tune(s, entries, s.start, 60, [rates, rates], **source)
        for (name, hyper), t in zip(entries, tunings, strict=True):
            for rate, final in zip(rates, t.final_loss, strict=True):
                lr = schedules.get("cosine", lr=rate, t_max=60) if name == "adam" else rate
                ref = alone(surface, name, {**hyper, "lr": lr}, 60, **source)
                expected = np.nan if ref.diverged_at >= 0 else ref.losses[-1]
                np.testing.assert_array_equal(final, expected)


def test_a_mini_batch_tuning_evaluates_its_losses_in_slices_with_the_same_values():
    """descend asks a mini-batch run for every step's full loss at once: in slices of steps, the
    (steps, rows, samples) temporary stays small, and nothing else changes."""
    s = landscapes.get("tips")
    shapes = []

    def counted(p, idx=None):
        shapes.append(np.shape(p))
        return s.loss(p, idx)

    points = np.random.default_rng(0).normal(size=(81, 6, 2))
    with mock.patch.object(race_module, "LOSS_VALUES_AT_ONCE", 3000):
        np.testing.assert_array_equal(race_module._in_slices(counted, s.n_samples)(points), s.loss(points))
    assert len(shapes) == 41 and {shape[0] for shape in shapes} == {2, 1}  # 3000 // (6 × 244) = 2 steps a call
    entries, rates = [("sgd", {"lr": 0.1}), ("adam", {"lr": 0.1})], [[0.01, 0.1, 1.0], [0.01, 0.1, 1.0]]
    whole = tune(s, entries, s.start, 80, rates, batch_size=16, seed=4)
    with mock.patch.object(race_module, "LOSS_VALUES_AT_ONCE", 3000):
        sliced = tune(s, entries, s.start, 80, rates, batch_size=16, seed=4)
    for a, b in zip(whole, sliced, strict=True):
        np.testing.assert_array_equal(a.final_loss, b.final_loss)
        np.testing.assert_array_equal(a.settled_at, b.settled_at)
        assert a.best == b.best


@pytest.mark.parametrize("query", [
    {"surface": "rosenbrock", "opt": "sgd,momentum,nesterov,rmsprop,adam", "steps": "1000"},
    {"surface": "beale", "opt": "sgd,momentum,adagrad,rmsprop,adam,adamw", "steps": "500"},
    {"surface": "ravine", "opt": "sgd,momentum,adam", "noise": "0.5", "seed": "3"},
    {"surface": "tiny_net", "opt": "sgd,nesterov,adam", "batch": "4", "sched": "cosine"},
    {"surface": "himmelblau", "opt": "sgd,momentum,rmsprop,adam", "sched": "step"},
])
def test_the_tuned_race_beats_or_equals_the_untuned_one_for_each_racer(query):
    """On final loss; where both end within the tolerance (converged, a tie), the tuned one settles
    no later. The racer's own rate is among the candidates, so this holds by construction. Each racer
    runs alone, as the page runs it (with noise, a run of several starts draws per start)."""
    racers = parse_race({**query, "tune": "1"})[0]
    tunings = tune_race(racers)
    plain = [run_race((r,))[0] for r in racers]
    tuned = [run_race((r,))[0] for r in at_tuned_rates(racers, tunings)]
    if "noise" not in query:  # the whole race in one run is the same race
        for one, whole in zip(tuned, run_race(racers), strict=True):
            np.testing.assert_array_equal(one.trajectory.losses, whole.trajectory.losses)
    for r, t, before, after in zip(racers, tunings, plain, tuned, strict=True):
        assert r.lr in t.lrs and t.best >= 0
        final_before, final_after = before.trajectory.losses[-1], after.trajectory.losses[-1]
        assert final_after == t.final_loss[t.best]  # the race at the tuned rate is the tuning's run
        if not (final_after <= final_before or before.trajectory.diverged_at >= 0):
            # it ended higher: only where both converged (a tie), and then it settled no later
            own = int(np.flatnonzero(t.lrs == r.lr)[0])
            assert 0 <= t.settled_at[t.best] <= t.settled_at[own]


def test_tune_rates_span_the_rules_family_within_the_page_range():
    for name in optim.names():
        racer = parse_race({"surface": "plateau", "opt": name, "tune": "1"})[0][0]
        rates = tune_rates(racer)
        assert len(rates) >= 30 and racer.lr in rates
        assert rates.min() >= 1e-5 and rates.max() <= 10  # the lr widget's range
        assert np.all(np.diff(rates) > 0)


def test_at_tuned_rates_keeps_a_racer_whose_every_rate_diverged():
    racers = parse_race({"surface": "bowl", "opt": "sgd,adam", "tune": "1"})[0]
    kept, chosen = (race_module.Tuning(r.opt, np.array([1.0]), np.array([np.nan]), np.array([-1]), np.array([True]), b)
                    for r, b in zip(racers, (-1, 0), strict=True))
    out = at_tuned_rates(racers, [kept, chosen])
    assert out.tune and out[0] == racers[0] and out[1].lr == 1.0


# --- the tune key: parse, round trip, hostile values ---

def test_tune_round_trips_and_is_written_only_when_on():
    on, notes = parse_race({"surface": "ravine", "opt": "sgd,adam", "tune": "1"})
    assert notes == [] and on.tune and to_race_query(on)["tune"] == "1"
    assert parse_race(to_race_query(on)) == (on, [])
    off = parse_race({"surface": "ravine", "opt": "sgd,adam", "tune": "0"})[0]
    assert not off.tune and "tune" not in to_race_query(off) and off != on and tuple(off) == tuple(on)
    assert parse_race(to_race_query(off)) == (off, [])
    assert not parse_race({})[0].tune


@pytest.mark.parametrize("raw", ["2", "yes", "true", "", "nan", "-1e308", "<b>x</b>", "9" * 400, ["1", "0"], []])
def test_a_hostile_tune_is_off_with_a_note(raw):
    racers, notes = parse_race({"opt": "sgd", "tune": raw})
    assert not racers.tune
    assert len(notes) == 1 and notes[0].startswith("tune")
    assert "<" not in notes[0] and len(notes[0]) < 120
    assert parse_race(to_race_query(racers)) == (racers, [])


def test_a_repeated_tune_takes_the_last_with_a_note():
    racers, notes = parse_race({"opt": "sgd", "tune": ["0", "1"]})
    assert racers.tune and notes == ["tune was given 2 times; using the last, 1"]

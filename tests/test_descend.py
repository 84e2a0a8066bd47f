"""optim.descend: shapes, vectorization, seeds, divergence, mini-batches and bad input."""

import dataclasses

import numpy as np
import pytest

import landscapes
import optim
from optim import schedules
from optim.descend import ESCAPE_SPANS, MAX_ENGINE_STEPS

BOWL = landscapes.get("bowl")


def run(surface="bowl", name="adam", start=None, steps=30, **kw):
    surface = landscapes.get(surface)
    start = surface.start if start is None else start
    hyper = kw.pop("hyper", {"lr": 0.05})
    return optim.descend(surface, optim.get(name, **hyper), start, steps, **kw)


def test_shapes_for_one_start_and_for_a_grid_of_starts():
    one = run(steps=10)
    assert one.points.shape == (11, 2) and one.losses.shape == (11,) and one.grads.shape == (11, 2)
    assert one.lrs.shape == (10,) and one.diverged_at.shape == () and one.state["m"].shape == (11, 2)
    grid = run(start=np.zeros((3, 4, 2)) + 0.5, steps=10)
    assert grid.points.shape == (11, 3, 4, 2) and grid.losses.shape == (11, 3, 4)
    assert grid.diverged_at.shape == (3, 4)
    path = run(steps=10, record="path")
    assert path.grads is None and path.state == {} and path.points.shape == (11, 2)


def test_losses_and_grads_belong_to_the_points():
    traj = run("rosenbrock", steps=20)
    surface = landscapes.get("rosenbrock")
    np.testing.assert_allclose(traj.losses, surface.loss(traj.points), rtol=1e-14)
    np.testing.assert_allclose(traj.grads, surface.grad(traj.points), rtol=1e-14)


@pytest.mark.parametrize("name", optim.names())
def test_descend_follows_update_step_by_step(name):
    surface = landscapes.get("ravine")
    rule = optim.get(name, lr=0.02)
    traj = optim.descend(surface, rule, surface.start, 15)
    params, state = np.array(surface.start, dtype=float), rule.init(np.zeros(2))
    for t in range(1, 16):
        params, state = rule.update(params, surface.grad(params), state, 0.02, t)
        np.testing.assert_allclose(traj.points[t], params, rtol=1e-13)
        for key, buf in state.items():
            np.testing.assert_allclose(traj.state[key][t], buf, rtol=1e-13)


@pytest.mark.parametrize("name", optim.names())
@pytest.mark.parametrize("surface", ["rosenbrock", "terrain", "tiny_net"])
def test_a_vectorized_run_equals_separate_runs(name, surface):
    s = landscapes.get(surface)
    (x0, x1), (y0, y1) = s.bounds
    rng = np.random.default_rng(1)
    starts = np.column_stack([rng.uniform(x0, x1, 6), rng.uniform(y0, y1, 6)])
    rule = optim.get(name, lr=1e-3)
    together = optim.descend(s, rule, starts, 40)
    for i, start in enumerate(starts):
        alone = optim.descend(s, rule, start, 40)
        np.testing.assert_array_equal(together.points[:, i], alone.points)
        np.testing.assert_array_equal(together.losses[:, i], alone.losses)


def test_array_hyperparameters_run_a_sweep_in_one_go():
    lrs = np.array([[0.01], [0.1], [0.5]])
    starts = np.tile(BOWL.start, (3, 1))
    sweep = optim.descend(BOWL, optim.get("momentum", lr=lrs), starts, 25)
    assert sweep.lrs.shape == (25, 3)
    for i, lr in enumerate(lrs[:, 0]):
        alone = optim.descend(BOWL, optim.get("momentum", lr=lr), BOWL.start, 25)
        np.testing.assert_allclose(sweep.points[:, i], alone.points, rtol=1e-15)


def test_schedule_sets_the_learning_rate_of_each_update():
    sched = schedules.get("step", lr=0.1, step_size=5, gamma=0.5)
    traj = run(name="sgd", steps=12, hyper={"lr": sched})
    np.testing.assert_allclose(traj.lrs, [0.1] * 5 + [0.05] * 5 + [0.025] * 2)
    # θ₁ = θ₀ − lr₀ ∇f(θ₀) on the bowl, ∇f = 2θ
    np.testing.assert_allclose(traj.points[1], np.array(BOWL.start) * (1 - 2 * 0.1))


@pytest.mark.parametrize("kw", [{"noise": 0.3}, {"batch_size": 1}])
def test_the_same_seed_gives_the_same_run_and_another_seed_another(kw):
    surface = "noisy_regression" if "batch_size" in kw else "bowl"
    first, again = run(surface, steps=50, seed=7, **kw), run(surface, steps=50, seed=7, **kw)
    other = run(surface, steps=50, seed=8, **kw)
    np.testing.assert_array_equal(first.points, again.points)
    assert not np.allclose(first.points, other.points)


def test_noise_is_added_to_the_gradient():
    traj = run(steps=200, noise=1.0, seed=3)
    clean = BOWL.grad(traj.points)
    noise = traj.grads - clean
    assert noise.std() == pytest.approx(1.0, rel=0.15)


def test_mini_batches_cover_every_sample_once_per_epoch():
    surface = landscapes.get("linear_regression")
    seen = []
    original = surface.grad

    def spy(p, idx=None):
        seen.append(np.array(idx))
        return original(p, idx)

    spied = dataclasses.replace(surface, grad=spy)
    optim.descend(spied, optim.get("sgd", lr=0.01), surface.start, 6, batch_size=2)
    # 5 samples in batches of 2: [2, 2, 1] per epoch (last one smaller), then a fresh shuffle
    assert [len(i) for i in seen] == [2, 2, 1, 2, 2, 1, 2]
    assert sorted(np.concatenate(seen[:3])) == list(range(5))
    assert sorted(np.concatenate(seen[3:6])) == list(range(5))


def test_full_batch_on_a_data_surface_is_exact_descent():
    surface = landscapes.get("linear_regression")
    traj = optim.descend(surface, optim.get("sgd", lr=0.01), surface.start, 1)
    np.testing.assert_allclose(traj.points[1], surface.start - 0.01 * surface.grad(np.array(surface.start)))


def test_gradient_descent_on_the_bowl_diverges_above_two_over_l():
    lipschitz = BOWL.lipschitz
    (x0, x1), _ = BOWL.bounds
    edge = x1 + ESCAPE_SPANS * (x1 - x0)
    lr = 1.5 * 2 / lipschitz  # each step multiplies x by 1 − lr·L = −2
    traj = run(name="sgd", hyper={"lr": lr}, start=(1.5, 1.0), steps=20)
    expected = next(k for k in range(20) if 1.5 * 2**k > edge)  # first |x_k| past the edge
    assert traj.diverged_at == expected
    assert np.isfinite(traj.points[: expected + 1]).all()
    assert np.isnan(traj.points[expected + 1 :]).all() and np.isnan(traj.losses[expected + 1 :]).all()
    assert np.isnan(traj.grads[expected + 1 :]).all()
    stable = run(name="sgd", hyper={"lr": 0.99 * 2 / lipschitz}, start=(1.5, 1.0), steps=500)
    assert stable.diverged_at == -1 and np.isfinite(stable.points).all()


def test_divergence_is_flagged_per_start():
    lrs = np.array([[0.1], [1.2], [5.0]])
    traj = optim.descend(BOWL, optim.get("sgd", lr=lrs), np.tile(BOWL.start, (3, 1)), 100)
    assert traj.diverged_at[0] == -1 and traj.diverged_at[1] > traj.diverged_at[2] >= 1
    assert np.isfinite(traj.points[:, 0]).all()


def test_overflow_to_inf_is_divergence_without_warnings():
    traj = run("beale", name="sgd", hyper={"lr": 1e4}, steps=50)
    assert traj.diverged_at >= 1
    assert np.isnan(traj.points[traj.diverged_at + 1 :]).all()


def test_zero_steps_records_the_start():
    traj = run(steps=0)
    np.testing.assert_array_equal(traj.points, [BOWL.start])
    assert traj.lrs.shape == (0,)


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"start": (1.0, 2.0, 3.0)}, "start must have shape (..., 2)"),
        ({"start": (np.nan, 0.0)}, "start must be finite"),
        ({"start": "here"}, "start must be numbers"),
        ({"steps": -1}, "steps must be a whole number from 0"),
        ({"steps": 2.5}, "steps must be a whole number"),
        ({"steps": MAX_ENGINE_STEPS + 1}, "steps must be a whole number"),
        ({"start": np.zeros((1000, 2)), "steps": 60_000}, "× starts must be at most"),
        ({"batch_size": 4}, "batch_size needs a data surface; bowl is analytic"),
        ({"noise": -0.1}, "noise must be a finite number ≥ 0"),
        ({"noise": float("inf")}, "noise must be a finite number ≥ 0"),
        ({"record": "some"}, "record must be 'all', 'path' or 'end'"),
    ],
)
def test_bad_input_raises_a_plain_value_error(kw, message):
    with pytest.raises(ValueError) as err:
        run(**kw)
    assert message in str(err.value)


@pytest.mark.parametrize("batch", [0, 6, 2.0, True])
def test_batch_size_must_fit_the_data(batch):
    with pytest.raises(ValueError, match="batch_size must be a whole number from 1 to 5"):
        run("linear_regression", batch_size=batch)

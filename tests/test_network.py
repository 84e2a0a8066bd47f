"""issue 26: the iris network. Backpropagation against central differences (every layer, several seeds,
mini-batches), many networks at once, the engine on 131 weights (its 2D runs unchanged, see
test_descend), training against torch.optim on the same network, data order and initial weights."""

import csv
import importlib.util
import io

import numpy as np
import pytest

import optim
from landscapes import network as nets
from landscapes.network import DIM, SHAPES, SIZES
from optim import schedules
from settings import network as network_settings
from viz.network import csv_text, sweep_words

NET = nets.iris()
LAYERS = [name for name, _ in SHAPES]
OFFSETS = dict(zip(LAYERS, np.cumsum([0, *SIZES[:-1]]).tolist(), strict=True))
LR = {"sgd": 0.5, "momentum": 0.1, "nesterov": 0.1, "adagrad": 0.05, "rmsprop": 0.005, "adam": 0.01, "adamw": 0.01}


def central_differences(theta, idx=None, eps=1e-6):
    rows = theta + eps * np.eye(DIM)
    back = theta - eps * np.eye(DIM)
    return (NET.loss(rows, idx) - NET.loss(back, idx)) / (2 * eps)  # one batched call: 131 networks


def test_the_data_is_the_150_flowers_standardised():
    assert NET.x.shape == (150, 4) and np.bincount(NET.labels).tolist() == [50, 50, 50]
    np.testing.assert_allclose(NET.x.mean(0), 0, atol=1e-12)
    np.testing.assert_allclose(NET.x.std(0), 1, atol=1e-12)
    assert DIM == 4 * 16 + 16 + 16 * 3 + 3


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
@pytest.mark.parametrize("idx", [None, np.array([3, 50, 120, 7, 7])], ids=["all", "a batch"])
def test_backprop_agrees_with_central_differences_in_every_layer(seed, idx):
    theta = NET.init(seed) * 3  # larger weights: tanh off its linear part
    ours, numeric = NET.grad(theta, idx), central_differences(theta, idx)
    for name, size in zip(LAYERS, SIZES, strict=True):
        part = slice(OFFSETS[name], OFFSETS[name] + size)
        np.testing.assert_allclose(ours[part], numeric[part], atol=1e-8, err_msg=name)
        assert np.abs(ours[part]).max() > 1e-4, name  # every layer gets a gradient worth checking


def test_many_networks_at_once_equal_one_at_a_time():
    thetas = NET.init(5, count=6).reshape(2, 3, DIM)
    losses, grads = NET.loss(thetas), NET.grad(thetas)
    assert losses.shape == (2, 3) and grads.shape == (2, 3, DIM)
    for i in range(2):
        for j in range(3):
            np.testing.assert_allclose(losses[i, j], NET.loss(thetas[i, j]), rtol=1e-14)
            np.testing.assert_allclose(grads[i, j], NET.grad(thetas[i, j]), rtol=1e-12, atol=1e-15)


def test_the_initial_loss_is_about_log_3_and_training_learns_the_flowers():
    theta = NET.init(0)
    assert abs(float(NET.loss(theta)) - np.log(3)) < 0.3  # small weights: nearly uniform guesses
    run = optim.descend(NET, optim.get("adam", lr=0.01), theta, 300)
    assert run.points.shape == (301, DIM) and run.diverged_at == -1
    assert run.losses[-1] < 0.1 and NET.accuracy(run.points[-1]) > 0.95


def test_a_batch_of_starts_in_131_weights_equals_separate_runs():
    starts = NET.init(3, count=3)
    together = optim.descend(NET, optim.get("momentum", lr=0.1), starts, 40, batch_size=16, seed=4)
    for i, start in enumerate(starts):
        alone = optim.descend(NET, optim.get("momentum", lr=0.1), start, 40, batch_size=16, seed=4)
        np.testing.assert_allclose(together.points[:, i], alone.points, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(together.losses[:, i], alone.losses, rtol=1e-12)


def test_a_rate_far_too_large_leaves_and_is_recorded_and_blanked():
    run = optim.descend(NET, optim.get("sgd", lr=100.0), NET.init(0), 200)  # 10 still trains (loss 0.017)
    k = int(run.diverged_at)
    assert 0 <= k < 200
    assert np.isfinite(run.points[k]).all() and np.isnan(run.points[k + 1 :]).all()


def test_a_start_of_the_wrong_size_is_refused_with_the_size():
    with pytest.raises(ValueError, match=r"\(\.\.\., 131\)"):
        optim.descend(NET, optim.get("sgd", lr=0.1), np.zeros(2), 5)


TORCH = importlib.util.find_spec("torch") is not None
TORCH_CLASS = {"sgd": ("SGD", {}), "momentum": ("SGD", {"momentum": 0.9}), "nesterov": ("SGD", {"momentum": 0.9,
               "nesterov": True}), "adagrad": ("Adagrad", {}), "rmsprop": ("RMSprop", {}), "adam": ("Adam", {}),
               "adamw": ("AdamW", {})}


def torch_training(name, theta0, steps, batch, seed, lr=None, scheduler=None):
    import torch

    torch.set_num_threads(1)  # a 131-weight network: threads only cost (10x here on a busy 2-core machine)
    model = torch.nn.Sequential(torch.nn.Linear(4, 16), torch.nn.Tanh(), torch.nn.Linear(16, 3)).double()
    with torch.no_grad():
        torch.nn.utils.vector_to_parameters(torch.from_numpy(theta0.copy()), model.parameters())
    cls, extra = TORCH_CLASS[name]
    opt = getattr(torch.optim, cls)(model.parameters(), lr=LR[name] if lr is None else lr, **extra)
    sched = scheduler(opt) if scheduler else None
    x, y = torch.from_numpy(NET.x), torch.from_numpy(NET.labels)
    rng, order, path = np.random.default_rng([seed, 0]), [], [theta0.copy()]
    for _ in range(steps):
        if batch and not order:  # the engine's batches: seeded shuffled epochs, cut in order
            perm = rng.permutation(len(y))
            order = [perm[lo : lo + batch] for lo in range(0, len(y), batch)]
        idx = torch.from_numpy(order.pop(0)) if batch else slice(None)
        opt.zero_grad()
        torch.nn.functional.cross_entropy(model(x[idx]), y[idx]).backward()
        opt.step()
        if sched:
            sched.step()
        path.append(torch.nn.utils.parameters_to_vector(model.parameters()).detach().numpy().copy())
    return np.array(path)


@pytest.mark.skipif(not TORCH, reason="torch is not installed")
@pytest.mark.parametrize(("name", "batch"), [*((name, 32) for name in LR), ("sgd", 0), ("adam", 0)])
def test_training_equals_torch_optim_on_the_same_network_data_order_and_weights(name, batch):
    theta0 = NET.init(2)
    ours = optim.descend(NET, optim.get(name, lr=LR[name]), theta0, 60, batch_size=batch or None, seed=9)
    np.testing.assert_allclose(ours.points, torch_training(name, theta0, 60, batch, 9), rtol=1e-8, atol=1e-10)


def test_the_hessian_is_symmetric_and_its_top_eigenvalue_is_power_iterations_on_hessian_vector_products():
    theta = optim.descend(NET, optim.get("adam", lr=0.01), NET.init(0), 150, record="path").points[-1]
    h = NET.hessian(theta)
    np.testing.assert_allclose(h, h.T, atol=0)
    v = np.random.default_rng(0).normal(size=DIM)
    for _ in range(300):  # power iteration, each product by central differences along v
        hv = (NET.grad(theta + 1e-5 * v) - NET.grad(theta - 1e-5 * v)) / 2e-5
        v = hv / np.linalg.norm(hv)
    top = v @ ((NET.grad(theta + 1e-5 * v) - NET.grad(theta - 1e-5 * v)) / 2e-5)
    assert np.linalg.eigvalsh(h)[-1] == pytest.approx(top, rel=1e-5)


def test_plain_descent_from_the_trained_weights_never_rises_below_2_over_lambda_max_and_rises_above():
    s, _ = network_settings.parse_network({})
    c = network_settings.curvature(network_settings.study(s))
    below = c.rates < c.lr_max
    assert below.any() and (~below).any()
    assert not c.rose[below].any() and c.rose[~below].all()  # the page's sentence, checked on the engine's runs
    assert "splits them as on the ravine" in sweep_words(c, network_settings.SWEEP_STEPS)
    mixed = network_settings.Curvature(c.eigenvalues, c.rates, ~c.rose, c.highest, c.start_loss)
    assert "does not split them" in sweep_words(mixed, network_settings.SWEEP_STEPS)


def test_the_csv_holds_every_step_in_the_plane_and_in_all_131_weights():
    s, _ = network_settings.parse_network({"steps": "25"})
    study = network_settings.study(s)
    header, *rows = csv.reader(io.StringIO(csv_text(study)))
    body = np.array(rows, dtype=float)
    assert header[:6] == ["step", "loss", "accuracy", "a", "b", "off_plane"] and len(header) == 6 + nets.DIM
    assert header[6] == "W1[0,0]" and header[-1] == "b2[2]" and len(body) == 26
    np.testing.assert_array_equal(body[:, 6:], study.trajectory.points)
    np.testing.assert_array_equal(body[:, 3:5], study.coords)
    np.testing.assert_array_equal(body[:, 1], study.trajectory.losses)


def test_each_live_stop_is_its_own_run_on_the_pages_plane():
    s, _ = network_settings.parse_network({"steps": "60", "batch": "25", "seed": "2"})
    study = network_settings.study(s)
    grid = network_settings.live_grid(s, study)
    assert len(grid.lrs) == network_settings.LIVE_RATES and (np.diff(grid.lrs) > 0).all()
    for r in (0, len(grid.lrs) // 2, len(grid.lrs) - 1):
        alone = optim.descend(NET, optim.get(s.opt, lr=grid.lrs[r]), NET.init(2), 60, batch_size=25, seed=2)
        np.testing.assert_allclose(grid.losses[:, r], alone.losses, rtol=1e-10)
        np.testing.assert_allclose(grid.points[:, r], study.plane.project(alone.points), rtol=1e-8, atol=1e-10)
        assert np.nanmax(np.abs(grid.off[:, r] - study.plane.residual(alone.points))) < 1e-9


@pytest.mark.skipif(not TORCH, reason="torch is not installed")
def test_a_schedule_trains_the_network_as_torchs_scheduler_does():
    import torch

    theta0 = NET.init(5)
    ours = optim.descend(NET, optim.get("adam", lr=schedules.get("cosine", lr=0.05, t_max=40)), theta0, 40,
                         batch_size=30, seed=1)
    cosine = lambda opt: torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=40)  # noqa: E731
    np.testing.assert_allclose(ours.points, torch_training("adam", theta0, 40, 30, 1, lr=0.05, scheduler=cosine),
                               rtol=1e-8, atol=1e-10)

"""The update rules and schedules against values worked out by hand."""

import math

import numpy as np
import pytest

import optim
from optim import schedules

THETA0, G1, G2 = 1.0, 2.0, -1.0  # one coordinate, two given gradients


def two_steps(name, **hyper):
    rule = optim.get(name, **hyper)
    params = np.array([THETA0])
    state = rule.init(params)
    theta1, state = rule.update(params, np.array([G1]), state, hyper["lr"], 1)
    theta2, state = rule.update(theta1, np.array([G2]), state, hyper["lr"], 2)
    return theta1.item(), theta2.item()


# θ₀ = 1, g₁ = 2, g₂ = −1, worked by hand from each rule's docstring.
ADAM_M2, ADAM_V2 = 0.9 * 0.2 + 0.1 * G2, 0.999 * 0.004 + 0.001 * G2**2
ADAM_STEP2 = 0.1 * (ADAM_M2 / 0.19) / (math.sqrt(ADAM_V2 / (1 - 0.999**2)) + 1e-8)
HAND = {
    # θ₁ = 1 − 0.1·2,  θ₂ = 0.8 − 0.1·(−1)
    ("sgd", 0.1): (0.8, 0.9),
    # b₁ = 2, θ₁ = 0.8;  b₂ = 0.9·2 − 1 = 0.8, θ₂ = 0.8 − 0.08
    ("momentum", 0.1): (0.8, 0.72),
    # b₁ = 2, θ₁ = 1 − 0.1(2 + 1.8) = 0.62;  b₂ = 0.8, θ₂ = 0.62 − 0.1(−1 + 0.72) = 0.648
    ("nesterov", 0.1): (0.62, 0.648),
    # s₁ = 4, θ₁ = 1 − 0.1·2/2 = 0.9;  s₂ = 5, θ₂ = 0.9 + 0.1/√5
    ("adagrad", 0.1): (0.9, 0.9 + 0.1 / math.sqrt(5)),
    # v₁ = 0.01·4 = 0.04, θ₁ = 1 − 0.01·2/0.2 = 0.9;  v₂ = 0.0396 + 0.01 = 0.0496
    ("rmsprop", 0.01): (0.9, 0.9 + 0.01 / math.sqrt(0.0496)),
    # m₁ = 0.2, v₁ = 0.004, m̂ = 2, v̂ = 4: θ₁ = 1 − 0.1·2/2 = 0.9;  m₂ = 0.08, v₂ = 0.004996
    ("adam", 0.1): (0.9, 0.9 - ADAM_STEP2),
    # decay first: θ·(1 − 0.1·0.01), then the Adam step
    ("adamw", 0.1): (0.999 - 0.1, (0.999 - 0.1) * 0.999 - ADAM_STEP2),
}


@pytest.mark.parametrize(("name", "lr"), list(HAND))
def test_first_two_steps_by_hand(name, lr):
    # eps (1e-8 or 1e-10 in a denominator) is the only term the hand values leave out
    assert two_steps(name, lr=lr) == pytest.approx(HAND[name, lr], rel=1e-7)


def test_every_rule_is_worked_by_hand():
    assert {name for name, _ in HAND} == set(optim.names())


def test_one_sgd_step():
    params, _ = optim.get("sgd", lr=0.1).update(np.array([5.0]), np.array([2.0]), {}, 0.1, 1)
    assert params.item() == pytest.approx(4.8, rel=1e-15)


def test_momentum_buffer_tends_to_ten_with_constant_gradient():
    rule = optim.get("momentum", lr=0.01)
    params, state = np.zeros(1), rule.init(np.zeros(1))
    for t in range(1, 400):
        params, state = rule.update(params, np.ones(1), state, 0.01, t)
    assert state["velocity"].item() == pytest.approx(10.0, rel=1e-12)


@pytest.mark.parametrize("g", [1e-3, 0.3, -2.0, 5e4])
@pytest.mark.parametrize("name", ["adam", "adamw"])
def test_adam_first_step_is_lr_times_sign(name, g):
    rule = optim.get(name, lr=0.05, weight_decay=0.0)
    params, _ = rule.update(np.array([0.0]), np.array([g]), rule.init(np.zeros(1)), 0.05, 1)
    assert params.item() == pytest.approx(-0.05 * np.sign(g), rel=1e-5)  # up to eps/|g|


def test_adam_without_bias_correction_starts_far_too_small():
    rule = optim.get("adam", lr=0.1, bias_correction=False)
    params, _ = rule.update(np.array([0.0]), np.array([1.0]), rule.init(np.zeros(1)), 0.1, 1)
    # m₁ = 0.1, √v₁ = √0.001: the step is 0.1·0.1/0.0316 ≈ 0.316·lr instead of lr
    assert params.item() == pytest.approx(-0.1 * 0.1 / math.sqrt(0.001), rel=1e-6)


def test_defaults_follow_torch_except_momentum():
    assert optim.defaults("sgd") == {"lr": 1e-3, "weight_decay": 0.0}
    assert optim.defaults("momentum")["momentum"] == 0.9
    assert optim.defaults("nesterov")["momentum"] == 0.9
    assert optim.defaults("rmsprop") == {"lr": 1e-2, "alpha": 0.99, "eps": 1e-8, "weight_decay": 0.0}
    assert optim.defaults("adam")["betas"] == (0.9, 0.999)
    assert optim.defaults("adamw")["weight_decay"] == 1e-2
    assert optim.defaults("adagrad")["eps"] == 1e-10


@pytest.mark.parametrize(
    ("name", "hyper", "message"),
    [
        ("momentum", {"momentum": 1.5}, "momentum must be in [0, 1), got 1.5"),
        ("sgd", {"lr": -1.0}, "lr must be in"),
        ("sgd", {"lr": float("nan")}, "lr must be in"),
        ("adam", {"betas": (0.9, 1.0)}, "beta2 must be in"),
        ("adam", {"betas": 0.9}, "betas must be a pair"),
        ("rmsprop", {"alpha": "x"}, "alpha must be a number"),
        ("nesterov", {"momentum": 0.0}, "momentum must be in (0, 1)"),
        ("adagrad", {"eps": 0.0}, "eps must be in (0, 1]"),
        ("sgd", {"momentum": 0.9}, "sgd has no hyperparameter momentum"),
        ("adam", {"bias_correction": "yes"}, "bias_correction must be True or False"),
    ],
)
def test_bad_hyperparameters_say_which_and_why(name, hyper, message):
    with pytest.raises(ValueError, match=None) as err:
        optim.get(name, **hyper)
    assert message in str(err.value)


def test_unknown_optimizer_lists_the_valid_ones():
    with pytest.raises(ValueError, match="choose one of: sgd, momentum"):
        optim.get("lbfgs")


def test_array_hyperparameters_are_checked_entrywise():
    optim.get("momentum", momentum=np.array([[0.0], [0.5], [0.99]]))
    with pytest.raises(ValueError, match="momentum must be in"):
        optim.get("momentum", momentum=np.array([[0.5], [1.0]]))


@pytest.mark.parametrize(
    ("name", "kw", "t", "expected"),
    [
        ("constant", {}, 57, 0.3),
        ("step", {"step_size": 10, "gamma": 0.5}, 9, 0.3),
        ("step", {"step_size": 10, "gamma": 0.5}, 25, 0.3 * 0.25),
        ("exponential", {"gamma": 0.5}, 3, 0.3 / 8),
        ("cosine", {"t_max": 10}, 0, 0.3),
        ("cosine", {"t_max": 10}, 5, 0.15),
        ("cosine", {"t_max": 10, "eta_min": 0.1}, 10, 0.1),
        ("warmup_cosine", {"warmup": 4, "t_max": 14}, 0, 0.075),
        ("warmup_cosine", {"warmup": 4, "t_max": 14}, 3, 0.3),
        ("warmup_cosine", {"warmup": 4, "t_max": 14}, 9, 0.15),
        ("warmup_cosine", {"warmup": 4, "t_max": 14}, 14, 0.0),
    ],
)
def test_schedule_values(name, kw, t, expected):
    assert schedules.get(name, lr=0.3, **kw)(t) == pytest.approx(expected, abs=1e-15)


def test_schedules_broadcast_over_steps_and_learning_rates():
    lrs = np.array([[0.1], [1.0]])
    values = schedules.get("cosine", lr=lrs, t_max=4)(np.arange(5)[:, None, None])
    assert values.shape == (5, 2, 1)
    np.testing.assert_allclose(values[:, 1, 0], 10 * values[:, 0, 0], rtol=1e-14, atol=1e-16)
    np.testing.assert_allclose(values[:, 0, 0], 0.1 * (1 + np.cos(np.pi * np.arange(5) / 4)) / 2)


@pytest.mark.parametrize(
    ("name", "kw", "message"),
    [
        ("linear", {}, "unknown schedule 'linear'; choose one of: constant"),
        ("step", {"size": 3}, "has no parameter size"),
        ("step", {"step_size": 0}, "step_size must be a whole number"),
        ("exponential", {"gamma": 2.0}, "gamma must be in [0, 1]"),
        ("warmup_cosine", {"warmup": 50, "t_max": 20}, "t_max must be larger than warmup"),
    ],
)
def test_bad_schedules_say_why(name, kw, message):
    with pytest.raises(ValueError) as err:
        schedules.get(name, lr=0.1, **kw)
    assert message in str(err.value)

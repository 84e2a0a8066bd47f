"""Learning-rate sweeps against the theory of quadratics: the measured divergence edge, fastest rate
and zones of a sweep, and heavy ball's rate, checked against the textbook numbers."""

import importlib
import itertools
import math
from decimal import Decimal, getcontext

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import landscapes
import optim
from tests.draws import draws

sweep_module = importlib.import_module("optim.sweep")  # optim.sweep is the function

RAVINE, BOWL = landscapes.get("ravine"), landscapes.get("bowl")  # L = 20, μ = 1; L = μ = 2
STEPS = 1000
# 241 rates, 4.4 % apart; the spacing keeps every theory line strictly between two rates
LRS = optim.log_grid(1e-4, 3.0, 241)
STEP = LRS[1] / LRS[0]


def edge(result):
    """(largest rate that does not diverge, smallest that does); everything above the latter diverges."""
    diverges = result.zone == "diverge"
    assert diverges.any() and not diverges[0]
    first = int(diverges.argmax())
    assert diverges[first:].all(), "divergence is not monotone in the learning rate"
    return result.lrs[first - 1], result.lrs[first]


def assert_brackets(result, line):
    below, above = edge(result)
    assert below < line < above  # neighbours on the grid: one grid step apart
    assert above / below == pytest.approx(STEP)


def fastest(result):
    never = np.iinfo(int).max
    steps = np.where(result.steps_to_tolerance < 0, never, result.steps_to_tolerance)
    return result.lrs[np.flatnonzero(steps == steps.min())]


# --- the API ---


def test_shapes_and_dtypes():
    result = optim.sweep(RAVINE, "momentum", None, [0.001, 0.01, 0.1, 1.0], 50, momentum=0.5)
    assert isinstance(result, optim.Sweep)
    for name in ("lrs", "final_loss", "diverged_at", "steps_to_tolerance", "zone"):
        assert getattr(result, name).shape == (4,), name
    assert result.lrs.dtype == float and result.final_loss.dtype == float
    assert result.diverged_at.dtype.kind == "i" and result.steps_to_tolerance.dtype.kind == "i"
    assert result.zone.dtype.kind == "U" and set(result.zone) <= set(sweep_module.ZONES)
    assert result.f_star == 0.0 and result.tol == 1e-6

    grid = optim.sweep_grid(RAVINE, "momentum", None, [0.001, 0.01, 0.1], [0.0, 0.5], 50)
    assert isinstance(grid, optim.SweepGrid) and grid.knob == "momentum"
    assert grid.betas.shape == (2,) and grid.lrs.shape == (3,)
    for name in ("final_loss", "diverged_at", "steps_to_tolerance", "zone"):
        assert getattr(grid, name).shape == (2, 3), name
    assert grid.diverged_at.dtype.kind == "i" and grid.zone.dtype.kind == "U"


@pytest.mark.parametrize("run", [
    lambda: optim.sweep(RAVINE, "adam", None, LRS, 100),
    lambda: optim.sweep_grid(RAVINE, "adam", None, LRS, [0.0, 0.5, 0.9], 100, betas=(0.9, 0.99)),
])
def test_one_engine_run(monkeypatch, run):
    calls = []

    def spy(*args, **kwargs):
        calls.append(args)
        return optim.descend(*args, **kwargs)

    monkeypatch.setattr(sweep_module, "descend", spy)
    run()
    assert len(calls) == 1


def test_each_rate_is_the_run_alone():
    # the row of a rate (and of a knob value on a grid) is the run with that rate, to the last bit
    lrs, betas = [0.003, 0.05, 0.3], [0.0, 0.8]
    grid = optim.sweep_grid(RAVINE, "momentum", None, lrs, betas, 60)
    for (i, beta), (j, lr) in itertools.product(enumerate(betas), enumerate(lrs)):
        alone = optim.descend(RAVINE, optim.get("momentum", lr=lr, momentum=beta), RAVINE.start, 60, record="path")
        np.testing.assert_array_equal(grid.final_loss[i, j], alone.losses[-1])
        assert grid.diverged_at[i, j] == alone.diverged_at


def test_hyperparameters_per_run_and_adams_beta2():
    per_run = optim.sweep(RAVINE, "momentum", None, [0.01, 0.01], 80, momentum=np.array([0.0, 0.9]))
    for beta, loss in zip([0.0, 0.9], per_run.final_loss, strict=True):
        assert optim.sweep(RAVINE, "momentum", None, [0.01], 80, momentum=beta).final_loss[0] == loss
    # the grid sets β₁ and keeps the β₂ given
    grid = optim.sweep_grid(RAVINE, "adam", None, [0.05], [0.5], 80, betas=(0.1, 0.9))
    alone = optim.sweep(RAVINE, "adam", None, [0.05], 80, betas=(0.5, 0.9))
    assert grid.final_loss[0, 0] == alone.final_loss[0]


def test_momentum_knob_is_read_from_each_rules_knobs():
    keys = {name: optim.momentum_knob(name).key for name in ("momentum", "nesterov", "adam", "adamw", "rmsprop")}
    assert keys == {"momentum": "momentum", "nesterov": "momentum", "adam": "beta1", "adamw": "beta1",
                    "rmsprop": "alpha"}
    for name in ("sgd", "adagrad"):
        with pytest.raises(ValueError, match="no momentum-like knob"):
            optim.momentum_knob(name)


def test_log_grid():
    grid = optim.log_grid(1e-3, 10.0, 5)
    np.testing.assert_allclose(grid, [1e-3, 1e-2, 1e-1, 1.0, 10.0])
    assert optim.log_grid(0.5, 0.5, 1).tolist() == [0.5]


# --- measured against theory ---


def test_hand_derived_one_step_on_the_bowl():
    # ∇f = 2θ, so θ₁ = θ₀ − 0.5·2θ₀ = 0: the minimum, exactly, after one update
    result = optim.sweep(BOWL, "sgd", None, [0.5], 10)
    assert result.steps_to_tolerance.tolist() == [1] and result.final_loss.tolist() == [0.0]
    assert result.zone.tolist() == ["converge"]


@pytest.mark.parametrize("surface", [RAVINE, BOWL], ids=["ravine", "bowl"])
def test_sgd_divergence_edge_and_fastest_rate_match_theory(surface):
    lines = optim.theory(surface, "sgd")
    result = optim.sweep(surface, "sgd", None, LRS, STEPS)
    assert_brackets(result, lines["diverges above"])  # 2/L: 0.1 on the ravine, 1 on the bowl
    # 2/(μ + L): 1/10.5 on the ravine, 0.5 on the bowl
    best = fastest(result)
    assert np.all(np.abs(np.log(best / lines["fastest"])) <= 2 * np.log(STEP)), best


@pytest.mark.parametrize("beta", [0.5, 0.9])
@pytest.mark.parametrize("rule", ["momentum", "nesterov"])
def test_momentum_divergence_edge_matches_theory(rule, beta):
    lines = optim.theory(RAVINE, rule, momentum=beta)
    # heavy ball 2(1 + β)/L: 0.15 and 0.19; Nesterov 2(1 + β)/((1 + 2β)L): 0.075 and 0.0679
    expected = 2 * (1 + beta) / 20 if rule == "momentum" else 2 * (1 + beta) / ((1 + 2 * beta) * 20)
    assert lines == {"diverges above": pytest.approx(expected)}
    assert_brackets(optim.sweep(RAVINE, rule, None, LRS, STEPS, momentum=beta), expected)


def test_the_grid_finds_the_heavy_ball_edge_for_every_beta():
    betas = [0.0, 0.3, 0.5, 0.7, 0.9]
    grid = optim.sweep_grid(RAVINE, "momentum", None, LRS, betas, STEPS)
    for row, beta in enumerate(betas):
        row_sweep = optim.Sweep(grid.lrs, grid.final_loss[row], grid.diverged_at[row],
                                grid.steps_to_tolerance[row], grid.zone[row], grid.f_star, grid.tol)
        assert_brackets(row_sweep, 2 * (1 + beta) / 20)


def test_zones_are_ordered_along_the_learning_rate_on_the_ravine():
    # denser than LRS: the zig-zag band, 2/(μ + L) < η < 2/L, is only 5 % wide
    result = optim.sweep(RAVINE, "sgd", None, optim.log_grid(1e-4, 1.0, 800), STEPS)
    order = [zone for zone, _ in itertools.groupby(result.zone.tolist())]
    assert order == ["crawl", "converge", "oscillate", "diverge"]
    oscillating = result.lrs[result.zone == "oscillate"]
    assert oscillating.min() > 0.09 and oscillating.max() < 0.1


def test_theory_lines():
    assert optim.theory(RAVINE, "sgd") == {"diverges above": 0.1, "fastest": pytest.approx(2 / 21)}
    assert optim.theory(RAVINE, "momentum", momentum=0.9) == {"diverges above": pytest.approx(0.19)}
    # coupled weight decay λ adds λ to every curvature
    assert optim.theory(RAVINE, "sgd", weight_decay=1.0) == {"diverges above": pytest.approx(2 / 21),
                                                             "fastest": pytest.approx(2 / 23)}
    assert optim.theory(RAVINE, "adam") == {}
    assert optim.theory(landscapes.get("rosenbrock"), "sgd") == {}  # not a quadratic


# --- heavy ball's rate ---


def exact_rate(alpha, beta, mu, L):
    """momentum_rate at the same floating-point inputs, in 60-digit decimal arithmetic."""
    getcontext().prec = 60
    a, b, worst = Decimal(alpha), Decimal(beta), Decimal(0)
    for lam in (Decimal(mu), Decimal(L)):
        trace = 1 + b - a * lam
        disc = trace * trace - 4 * b
        worst = max(worst, (abs(trace) + disc.sqrt()) / 2 if disc >= 0 else b.sqrt())
    return float(worst)


@pytest.mark.parametrize(("mu", "L"), [(1.0, 20.0), (2.0, 2.0), (1.0, 100.0), (0.1, 3.7), (1.0, 1e4),
                                       (0.3380962103093992, 23.661903789690598)])
def test_optimal_momentum_is_the_best_point_of_a_grid(mu, L):
    alpha, beta, rate = optim.optimal_momentum(mu, L)
    root_kappa = math.sqrt(L / mu)
    assert rate == pytest.approx((root_kappa - 1) / (root_kappa + 1), abs=1e-15)
    assert alpha == pytest.approx(4 / (math.sqrt(L) + math.sqrt(mu)) ** 2) and beta == pytest.approx(rate**2)
    at_best = optim.momentum_rate(alpha, beta, mu, L)
    # (α*, β*) is a double root: rounding the inputs by ε moves the exact rate by ~√ε, so the rate at
    # the rounded pair is the textbook's to ~1e-8 (exactly, on the ravine), and momentum_rate is that
    # rate as 60 digits compute it, to the few 1e-9 the discriminant's rounding leaves
    assert at_best == pytest.approx(rate, abs=1e-7)
    assert at_best == pytest.approx(exact_rate(alpha, beta, mu, L), abs=1e-8)
    if (mu, L) == (1.0, 20.0):
        assert abs(at_best - rate) <= 1e-9
    alphas, betas = np.meshgrid(np.linspace(0, 2.5 * alpha, 401), np.linspace(0, 0.999, 401))
    assert optim.momentum_rate(alphas, betas, mu, L).min() >= at_best - 1e-9


def test_momentum_rate_broadcasts_and_reduces_to_descent():
    rates = optim.momentum_rate(np.array([[0.01], [0.05], [0.1]]), np.array([0.0, 0.5]), 1.0, 20.0)
    assert rates.shape == (3, 2)
    # β = 0 is plain descent: max(|1 − αμ|, |1 − αL|)
    np.testing.assert_allclose(rates[:, 0], [0.99, 0.95, 1.0])
    assert isinstance(optim.momentum_rate(0.05, 0.5, 1.0, 20.0), float)


@pytest.mark.parametrize(("alpha", "beta"), [(0.05, 0.5), (0.1, 0.3), (0.02, 0.9), (0.12, 0.7)])
def test_momentum_rate_is_what_the_engine_measures(alpha, beta):
    rate = optim.momentum_rate(alpha, beta, 1.0, 20.0)
    steps = int(math.log(1e-150) / math.log(rate))  # a long run that stays far from underflow
    traj = optim.descend(RAVINE, optim.get("momentum", lr=alpha, momentum=beta), RAVINE.start, steps, record="path")
    distance = np.linalg.norm(traj.points, axis=-1)  # the minimum is the origin
    # complex roots spin the path: the largest distance over a window of 100 steps (two turns or
    # more here) shrinks at the rate, where single distances wobble
    middle, end = distance[steps // 2 - 100:steps // 2].max(), distance[steps - 100:steps].max()
    measured = (end / middle) ** (1 / (steps - steps // 2))
    assert measured == pytest.approx(rate, rel=1e-3)


# --- useful_range ---


@pytest.mark.parametrize(("rule", "hyper"), [("sgd", {}), ("momentum", {"momentum": 0.9}), ("nesterov", {})])
def test_useful_range_holds_the_default_and_the_divergence_edge(rule, hyper):
    low, high = optim.useful_range(RAVINE, rule, None, 200, **hyper)
    default = RAVINE.defaults.lr_for(*optim.rule(rule).lr_family)
    edge_line = optim.theory(RAVINE, rule, **hyper)["diverges above"]
    assert low <= 1e-4 * default and high >= 10 * default
    assert low < edge_line < high
    result = optim.sweep(RAVINE, rule, None, optim.log_grid(low, high, 100), 200, **hyper)
    assert result.zone[0] != "diverge" and result.zone[-1] == "diverge"


def test_useful_range_reaches_an_edge_beyond_ten_times_the_default():
    # the plateau is nearly flat at the start: plain descent barely moves below thousands of times its
    # default rate, and above that it overshoots the well and ends higher than it began
    _, high = optim.useful_range(landscapes.get("plateau"), "sgd", None, 100)
    assert high > 10 * landscapes.get("plateau").defaults.lr
    assert optim.sweep(landscapes.get("plateau"), "sgd", None, [high], 100).zone[0] == "diverge"


# --- any input ---


@settings(max_examples=draws(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    surface=st.sampled_from(["bowl", "ravine", "rosenbrock", "saddle", "plateau", "himmelblau", "tips"]),
    rule=st.sampled_from(optim.names()),
    lrs=st.lists(st.floats(1e-12, 1e8), min_size=1, max_size=30),
    steps=st.integers(1, 60),
)
def test_sweep_never_raises_and_zones_are_valid(surface, rule, lrs, steps):
    result = optim.sweep(landscapes.get(surface), rule, None, lrs, steps)
    assert result.zone.shape == (len(lrs),) and set(result.zone) <= set(sweep_module.ZONES)
    diverged = result.zone == "diverge"
    assert np.all(result.diverged_at[~diverged] == -1)
    assert np.all(np.isfinite(result.final_loss[~diverged]))
    assert np.all(result.steps_to_tolerance <= steps)
    reached = result.zone == "converge"
    assert np.all(result.steps_to_tolerance[reached] >= 0)


BAD = [
    ({"lrs": []}, "lrs"), ({"lrs": [[0.1]]}, "lrs"), ({"lrs": 0.1}, "lrs"), ({"lrs": [0.1, 0.0]}, "lrs"),
    ({"lrs": [-0.1]}, "lrs"), ({"lrs": [np.nan]}, "lrs"), ({"lrs": [np.inf]}, "lrs"), ({"lrs": ["0.1"]}, "lrs"),
    ({"lrs": [0.1] * 10_001}, "lrs"), ({"lrs": None}, "lrs"),
    ({"steps": 0}, "steps"), ({"steps": -1}, "steps"), ({"steps": 1.5}, "steps"), ({"steps": True}, "steps"),
    ({"steps": 100_001}, "steps"), ({"steps": 20_000, "lrs": [0.1] * 5_000}, "runs"),
    ({"tol": np.nan}, "tol"), ({"tol": -1e-3}, "tol"), ({"tol": 1.0}, "tol"), ({"tol": "small"}, "tol"),
    ({"start": (1.0,)}, "start"), ({"start": (np.nan, 0.0)}, "start"), ({"start": "origin"}, "start"),
    ({"rule": "sgdd"}, "unknown optimizer"), ({"lr": 0.1}, "lr is what a sweep varies"),
    ({"momentum": 1.5}, "momentum"), ({"momentum": [0.5, 0.9]}, "one per run"), ({"nesterov": True}, "no hyperparameter"),
]


@pytest.mark.parametrize(("change", "message"), BAD)
def test_bad_inputs_raise_value_error(change, message):
    call = {"surface": RAVINE, "rule": "momentum", "start": None, "lrs": [0.01, 0.1, 1.0], "steps": 10, **change}
    with pytest.raises(ValueError, match=message):
        optim.sweep(**call)


@pytest.mark.parametrize(("rule", "betas", "hyper", "message"), [
    ("sgd", [0.5], {}, "no momentum-like knob"),
    ("momentum", [], {}, "betas"),
    ("momentum", [1.0], {}, "momentum must be in"),
    ("momentum", [0.5], {"momentum": 0.9}, "grid's second axis"),
    ("rmsprop", [[0.5]], {}, "betas"),
    ("momentum", [0.5] * 1_001, {}, "betas"),
])
def test_bad_grid_inputs_raise_value_error(rule, betas, hyper, message):
    with pytest.raises(ValueError, match=message):
        optim.sweep_grid(RAVINE, rule, None, [0.01], betas, 10, **hyper)


@pytest.mark.parametrize(("args", "message"), [
    ((0.0, 1.0, 10), "low"), ((1e-3, np.inf, 10), "high"), ((1.0, 0.1, 10), "at most"), ((1e-3, 1.0, 0), "n must"),
    ((1e-3, 1.0, 2.5), "n must"), ((1e-3, 1.0, 10_001), "n must"), (([1e-3], 1.0, 10), "low"),
])
def test_bad_log_grid_raises_value_error(args, message):
    with pytest.raises(ValueError, match=message):
        optim.log_grid(*args)


def test_bad_optimal_momentum_raises_value_error():
    for mu, L in [(0.0, 1.0), (2.0, 1.0), (1.0, np.inf), (-1.0, 1.0)]:
        with pytest.raises(ValueError, match="mu"):
            optim.optimal_momentum(mu, L)

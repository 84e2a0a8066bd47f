"""The 17 surfaces against their brief: declarations, gradients, minima, shapes, data means, bad inputs.

Each claim a page makes about a surface (GD diverges above 2/L, the ravine zig-zags, the saddle stalls,
the terrain has exactly the listed minima) is checked here with a few lines of plain gradient descent,
so these tests do not depend on the optim package.
"""

import warnings

import numpy as np
import pytest

import landscapes

NAMES = landscapes.names()
DATA = [n for n in NAMES if landscapes.get(n).is_data]
QUADRATIC = ["bowl", "ravine", "booth", "linear_regression", "noisy_regression", "tips", "tips_unscaled"]
KIND = {
    "teaching": ["bowl", "ravine", "saddle", "terrain", "plateau"],
    "classic": ["rosenbrock", "beale", "himmelblau", "booth", "rastrigin", "ackley"],
    "data": ["linear_regression", "noisy_regression", "tiny_net", "tips", "tips_unscaled", "iris"],
}
LOG_COLOR = {"rosenbrock", "beale", "himmelblau", "booth", "linear_regression", "tips_unscaled"}
# the loss at every listed minimum; None where it has no closed form (checked otherwise)
STATED_LOSS = {"saddle": -2.0, "terrain": None, "noisy_regression": None, "tips": None, "tips_unscaled": None,
               "iris": None}


def points_within(surface, n=60, seed=0):
    (x0, x1), (y0, y1) = surface.bounds
    rng = np.random.default_rng(seed)
    return np.column_stack([rng.uniform(x0, x1, n), rng.uniform(y0, y1, n)])


def central_differences(f, p, h=1e-6):
    return np.stack([(f(p + e) - f(p - e)) / (2 * h) for e in np.eye(2) * h], axis=-1)


def hessian(grad, p, h=1e-5):
    """Central differences of the analytic gradient: exact for quadratics up to rounding."""
    return np.stack([(grad(p + e) - grad(p - e)) / (2 * h) for e in np.eye(2) * h], axis=-1)


def assert_gradient_matches(loss, grad, p):
    numeric = central_differences(loss, p)
    # rounding in the difference quotient is about eps·|f|/h ≈ 2e-10·|f|: atol scales with the loss
    atol = 2e-8 * (1 + np.abs(loss(p)))[:, None]
    err = np.abs(grad(p) - numeric)
    assert (err <= atol + 1e-6 * np.abs(numeric)).all(), f"worst error {err.max():.3g}"


def descend(grad, p, lr, steps):
    """Plain gradient descent, every point at once; returns the whole path (steps + 1, ..., 2)."""
    path = [np.asarray(p, dtype=float)]
    for _ in range(steps):
        path.append(path[-1] - lr * grad(path[-1]))
    return np.stack(path)


def grid_over(surface, n=201):
    (x0, x1), (y0, y1) = surface.bounds
    return np.stack(np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n)), axis=-1)


def grid_local_minima(surface, n=301):
    """Grid points no higher than their eight neighbours: a coarse census of the minima."""
    g = grid_over(surface, n)
    z = np.pad(surface.loss(g), 1, constant_values=np.inf)
    centre = z[1:-1, 1:-1]
    lowest = np.ones_like(centre, dtype=bool)
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            if dx or dy:
                lowest &= centre <= z[1 + dy : n + 1 + dy, 1 + dx : n + 1 + dx]
    return g[lowest]


# --- the registry and the declarations ---------------------------------------------------------


def test_names_hold_all_seventeen_surfaces():
    assert sorted(NAMES) == sorted(n for group in KIND.values() for n in group)


def test_an_unknown_name_raises_a_value_error_naming_the_valid_ones():
    with pytest.raises(ValueError, match="nope") as err:
        landscapes.get("nope")
    assert all(name in str(err.value) for name in NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_declaration_is_well_formed(name):
    s = landscapes.get(name)
    assert s.name == name and s.title and s.formula.strip()
    (x0, x1), (y0, y1) = s.bounds
    assert x0 < x1 and y0 < y1
    assert x0 <= s.start[0] <= x1 and y0 <= s.start[1] <= y1 and isinstance(s.start, tuple)
    assert s.minima.dtype == np.float64 and s.minima.ndim == 2 and s.minima.shape[1] == 2
    assert len(s.minima) >= 1
    assert ((s.minima[:, 0] >= x0) & (s.minima[:, 0] <= x1) & (s.minima[:, 1] >= y0) & (s.minima[:, 1] <= y1)).all()
    assert s.kind in KIND and name in KIND[s.kind]
    assert s.log_color == (name in LOG_COLOR)
    assert (s.lipschitz is not None) == (name in QUADRATIC)
    assert s.is_data == (s.kind == "data")


@pytest.mark.parametrize("name", NAMES)
def test_description_is_one_sentence_and_the_formula_plausible_latex(name):
    s = landscapes.get(name)
    assert s.description.endswith(".") and ". " not in s.description
    f = s.formula
    # KaTeX will not tell us it failed: at least the braces and \left…\right pairs must balance
    assert f.isascii() and f.count("{") == f.count("}") and f.count(r"\left") == f.count(r"\right")


# --- gradients ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_gradient_equals_central_differences(name):
    s = landscapes.get(name)
    assert_gradient_matches(s.loss, s.grad, points_within(s, 60, seed=1))


@pytest.mark.parametrize("name", DATA)
def test_mini_batch_gradient_equals_central_differences(name):
    s = landscapes.get(name)
    rng = np.random.default_rng(2)
    for size in (1, max(s.n_samples // 3, 2)):
        idx = rng.choice(s.n_samples, size=size, replace=False)
        assert_gradient_matches(lambda q, i=idx: s.loss(q, i), lambda q, i=idx: s.grad(q, i), points_within(s, 50))


@pytest.mark.parametrize("name", QUADRATIC)
def test_lipschitz_is_the_largest_curvature_everywhere(name):
    s = landscapes.get(name)
    hess = hessian(s.grad, points_within(s, 5, seed=3))
    np.testing.assert_allclose(np.linalg.eigvalsh(hess)[:, -1], s.lipschitz, rtol=1e-6)


@pytest.mark.parametrize("name", QUADRATIC)
def test_descent_converges_just_below_2_over_l_and_diverges_just_above(name):
    s = landscapes.get(name)
    start, minimum = np.array(s.start), s.minima[0]
    steps = max(1500, int(20 * s.lipschitz / s.strong_convexity))  # a ravine's floor takes κ-many steps
    below = descend(s.grad, start, 0.99 * 2 / s.lipschitz, steps)[-1]
    above = descend(s.grad, start, 1.01 * 2 / s.lipschitz, 1500)[-1]
    np.testing.assert_allclose(below, minimum, atol=1e-6)
    assert np.linalg.norm(above - minimum) > 100 * np.linalg.norm(start - minimum)


# --- minima ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_listed_minima_are_stationary_with_the_stated_loss(name):
    s = landscapes.get(name)
    assert np.abs(s.grad(s.minima)).max() < 1e-9
    losses = s.loss(s.minima)
    expected = STATED_LOSS.get(name, 0.0)
    if expected is not None:
        np.testing.assert_allclose(losses, expected, atol=1e-12)
    assert (np.diff(losses) >= -1e-12).all(), "global first, then the others by loss"


@pytest.mark.parametrize("name", NAMES)
def test_the_global_minimum_is_lowest_on_a_dense_grid(name):
    s = landscapes.get(name)
    assert s.loss(s.minima[0]) <= s.loss(grid_over(s)).min() + 1e-9


@pytest.mark.parametrize(
    ("name", "lr"), [("terrain", 0.2), ("saddle", 0.05), ("himmelblau", 0.005), ("tiny_net", 0.5), ("plateau", 1.0)]
)
def test_every_minimum_within_bounds_is_listed(name, lr):
    s = landscapes.get(name)
    found = descend(s.grad, grid_local_minima(s), lr, 2000)[-1]
    distance = np.linalg.norm(found[:, None] - s.minima[None], axis=-1)  # (found, listed)
    assert (distance.min(axis=1) < 1e-6).all(), "a grid minimum that is not listed"
    assert (distance.min(axis=0) < 1e-6).all(), "a listed minimum the grid does not find"


def test_himmelblau_has_its_four_textbook_minima_with_3_2_first():
    m = landscapes.get("himmelblau").minima
    np.testing.assert_array_equal(m[0], [3.0, 2.0])
    textbook = [[-2.805118, 3.131312], [-3.779310, -3.283186], [3.584428, -1.848126]]
    np.testing.assert_allclose(np.sort(m[1:], axis=0), np.sort(textbook, axis=0), atol=1e-6)


def test_noisy_regression_minimum_is_the_least_squares_line():
    from landscapes.data import NOISY_X, NOISY_Y

    slope, intercept = np.polyfit(NOISY_X, NOISY_Y, 1)
    np.testing.assert_allclose(landscapes.get("noisy_regression").minima[0], [slope, intercept], atol=1e-9)


# --- what each teaching surface is for ---------------------------------------------------------


def test_ravine_has_condition_number_20_on_turned_axes_and_descent_zig_zags():
    s = landscapes.get("ravine")
    hess = hessian(s.grad, np.zeros(2))
    curvatures, axes = np.linalg.eigh(hess)
    assert curvatures[1] / curvatures[0] == pytest.approx(20.0, rel=1e-6)
    assert np.abs(axes).min() > 0.2  # neither axis lies along x or y
    steps = np.diff(descend(s.grad, np.array(s.start), 0.09, 12), axis=0)  # lr just under 2/L = 0.1
    turns = np.einsum("ij,ij->i", steps[1:], steps[:-1]) < 0
    assert turns.all(), "every step should double back across the valley"


def test_saddle_stalls_from_the_ridge_and_escapes_from_just_off_it():
    s = landscapes.get("saddle")
    on_ridge = descend(s.grad, np.array(s.start), 0.05, 300)[-1]
    off_ridge = descend(s.grad, np.array(s.start) + np.array([0.0, 1e-3]), 0.05, 300)[-1]
    np.testing.assert_allclose(on_ridge, [0.0, 0.0], atol=1e-6)
    np.testing.assert_allclose(off_ridge, [0.0, 2.0], atol=1e-6)
    assert np.linalg.eigvalsh(hessian(s.grad, np.zeros(2))).prod() < 0  # the origin is a saddle


def test_terrain_sends_different_starts_to_different_minima():
    s = landscapes.get("terrain")
    assert len(s.minima) >= 3 and s.loss(s.minima[0]) < s.loss(s.minima[1:]).min()
    starts = grid_over(s, 9).reshape(-1, 2)
    ends = descend(s.grad, starts, 0.2, 1000)[-1]
    reached = np.linalg.norm(ends[:, None] - s.minima[None], axis=-1).argmin(axis=1)
    assert set(reached) == set(range(len(s.minima)))


def test_plateau_start_is_flat_enough_to_stall_plain_descent():
    s = landscapes.get("plateau")
    start = np.array(s.start)
    assert np.linalg.norm(s.grad(start)) < 1e-4
    path = descend(s.grad, start, 1.0, 200)
    assert np.linalg.norm(path[-1] - start) < 1e-3 and s.loss(path[-1]) > 0.99


def test_tiny_net_has_a_saddle_at_the_origin_between_mirrored_minima():
    s = landscapes.get("tiny_net")
    np.testing.assert_array_equal(s.grad(np.zeros(2)), [0.0, 0.0])
    assert np.linalg.eigvalsh(hessian(s.grad, np.zeros(2))).prod() < 0
    np.testing.assert_array_equal(s.minima, [[1.5, 2.0], [-1.5, -2.0]])
    p = points_within(s, 20)
    np.testing.assert_allclose(s.loss(-p), s.loss(p), rtol=1e-12)  # w₂·tanh(w₁x) is odd in (w₁, w₂)


def test_ackley_gradient_at_its_kink_is_zero_not_nan():
    s = landscapes.get("ackley")
    np.testing.assert_array_equal(s.grad(np.zeros(2)), [0.0, 0.0])
    assert s.loss(np.zeros(2)) == pytest.approx(0.0, abs=1e-14)


# --- shapes and memory layout ------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_any_batch_shape(name):
    s = landscapes.get(name)
    p = points_within(s, 12)
    assert s.loss(p[0]).shape == () and s.grad(p[0]).shape == (2,)
    assert s.loss(p).shape == (12,) and s.grad(p).shape == (12, 2)
    grid = p.reshape(3, 4, 2)
    np.testing.assert_array_equal(s.loss(grid), s.loss(p).reshape(3, 4))
    np.testing.assert_array_equal(s.grad(grid), s.grad(p).reshape(3, 4, 2))


@pytest.mark.parametrize("name", NAMES)
def test_gradient_keeps_the_layout_of_a_transposed_view(name):
    s = landscapes.get(name)
    p = points_within(s, 12)
    transposed = np.ascontiguousarray(p.T).T  # how the engine passes its (2, N) buffer
    np.testing.assert_array_equal(s.loss(transposed), s.loss(p))
    np.testing.assert_array_equal(s.grad(transposed), s.grad(p))
    assert s.grad(transposed).flags.f_contiguous


# --- data surfaces -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", DATA)
def test_data_loss_over_all_indices_is_the_full_loss_and_the_mean_of_per_sample_losses(name):
    s = landscapes.get(name)
    p = points_within(s, 5).reshape(5, 1, 2)  # a batch shape with an extra axis, too
    every = np.arange(s.n_samples)
    np.testing.assert_array_equal(s.loss(p, every), s.loss(p))
    np.testing.assert_array_equal(s.grad(p, every), s.grad(p))
    per_sample = np.stack([s.loss(p, [i]) for i in every])
    np.testing.assert_allclose(per_sample.mean(axis=0), s.loss(p), rtol=1e-12)
    per_sample_grad = np.stack([s.grad(p, [i]) for i in every])
    np.testing.assert_allclose(per_sample_grad.mean(axis=0), s.grad(p), rtol=1e-11, atol=1e-13)


def test_linear_regression_by_hand():
    s = landscapes.get("linear_regression")
    origin = np.zeros(2)
    # x = 1…5, y = 2x + 1 = 3, 5, 7, 9, 11; at (w, b) = (0, 0) the residuals are y itself:
    # (9 + 25 + 49 + 81 + 121) / 5 = 285 / 5 = 57
    assert s.loss(origin) == pytest.approx(57.0, rel=1e-15)
    # ∂w = −2·mean(x·y) = −2·(3 + 10 + 21 + 36 + 55)/5 = −50;  ∂b = −2·mean(y) = −2·35/5 = −14
    np.testing.assert_allclose(s.grad(origin), [-50.0, -14.0], rtol=1e-15)
    # one sample, x = 5, y = 11: loss 121, gradient (−2·5·11, −2·11)
    assert s.loss(origin, [4]) == pytest.approx(121.0)
    np.testing.assert_allclose(s.grad(origin, [4]), [-110.0, -22.0])
    # Hessian 2·[[11, 3], [3, 1]]: eigenvalues 12 ± 2√34
    assert s.lipschitz == pytest.approx(12 + 2 * np.sqrt(34), rel=1e-12)


# --- inputs the engine may produce once a run diverges -----------------------------------------

BAD = np.array([[1e300, -1e300], [1e300, 1e300], [np.nan, 0.0], [0.0, np.nan], [np.inf, 1.0], [-np.inf, np.inf]])


@pytest.mark.parametrize("name", NAMES)
def test_huge_and_non_finite_inputs_raise_nothing(name):
    s = landscapes.get(name)
    # the engine's guard: floating-point warnings off; any other warning or exception would escape it
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="ignore"):
            for p in (BAD, BAD[0], BAD.reshape(3, 2, 2), np.ascontiguousarray(BAD.T).T):
                assert s.loss(p).shape == p.shape[:-1] and s.grad(p).shape == p.shape
            if s.is_data:
                assert s.grad(BAD, np.array([0, 1])).shape == BAD.shape


# --- Hessians and the models on real data ------------------------------------------------------

WITH_HESSIAN = [n for n in NAMES if landscapes.get(n).hessian is not None]


def test_the_data_fits_declare_their_hessian():
    assert {"linear_regression", "noisy_regression", "tips", "tips_unscaled", "iris"} <= set(WITH_HESSIAN)


@pytest.mark.parametrize("name", WITH_HESSIAN)
def test_hessian_equals_central_differences_of_the_gradient(name):
    s = landscapes.get(name)
    p = points_within(s, 40, seed=4)
    numeric = hessian(s.grad, p, h=1e-5 * max(np.ptp(s.bounds[0]), np.ptp(s.bounds[1])))
    np.testing.assert_allclose(s.hessian(p), numeric, rtol=1e-5, atol=1e-6 * (1 + np.abs(numeric).max()))
    assert s.hessian(p.reshape(4, 10, 2)).shape == (4, 10, 2, 2)


@pytest.mark.parametrize("name", ["tips", "tips_unscaled", "iris"])
def test_the_minimum_of_a_real_data_fit_has_zero_gradient(name):
    s = landscapes.get(name)
    np.testing.assert_allclose(s.grad(s.minima[0]), 0.0, atol=1e-12)


def test_tips_is_the_least_squares_line_whether_the_bill_is_scaled_or_not():
    from landscapes.data import TIPS_X, TIPS_Y

    slope, intercept = np.polyfit(TIPS_X, TIPS_Y, 1)
    raw, scaled = landscapes.get("tips_unscaled"), landscapes.get("tips")
    np.testing.assert_allclose(raw.minima[0], [slope, intercept], rtol=1e-9)
    # the same line: w_scaled / s_x is the slope, b_scaled − w_scaled·x̄ / s_x the intercept
    w, b = scaled.minima[0]
    np.testing.assert_allclose([w / TIPS_X.std(), b - w * TIPS_X.mean() / TIPS_X.std()], [slope, intercept], rtol=1e-9)
    assert len(TIPS_X) == raw.n_samples == scaled.n_samples == 244
    # standardising makes the bowl round (L = μ = 2); dollars make it a ravine with κ in the thousands
    assert scaled.lipschitz == pytest.approx(2.0) and scaled.strong_convexity == pytest.approx(2.0)
    assert raw.lipschitz / raw.strong_convexity > 2000


def test_iris_separates_two_species_on_petal_width_with_a_logistic_model():
    s = landscapes.get("iris")
    m = s.model
    assert s.n_samples == 100 and set(m.y) == {0.0, 1.0} and m.y.sum() == 50
    # probabilities rise with petal width at the minimum, and classify most flowers right
    probabilities = m.predict(s.minima[0], m.x)
    assert ((probabilities > 0.5) == (m.y == 1)).mean() > 0.9
    assert np.all(np.diff(m.predict(s.minima[0], np.sort(m.x))) >= 0)
    # by hand at (0, 0): every probability is 1/2, so the loss is log 2 and ∂b = mean(1/2 − y) = 0
    assert s.loss(np.zeros(2)) == pytest.approx(np.log(2))
    assert s.grad(np.zeros(2))[1] == pytest.approx(0.0, abs=1e-15)


@pytest.mark.parametrize("name", [n for n in DATA if landscapes.get(n).model is not None])
def test_the_model_predicts_what_the_loss_measures(name):
    s = landscapes.get(name)
    m, p = s.model, points_within(s, 3, seed=5)
    fit = m.predict(p, m.x)
    if m.kind == "line":
        np.testing.assert_allclose(np.mean((m.y - fit) ** 2, axis=-1), s.loss(p), rtol=1e-12)
    else:
        cross_entropy = -np.mean(m.y * np.log(fit) + (1 - m.y) * np.log(1 - fit), axis=-1)
        np.testing.assert_allclose(cross_entropy, s.loss(p), rtol=1e-9)

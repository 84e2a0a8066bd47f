"""Full batch, SGD and mini-batches: the counts by hand, the comparison, the gradient cloud, and the
training loop (executed, and compared with the table the engine computes)."""

import contextlib
import io
import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import landscapes
from optim import batches, loop
from settings.batches import data_names, max_epochs, parse_batches, to_batches_query
from tests.draws import draws

TIPS = landscapes.get("tips")
LINE = landscapes.get("linear_regression")


def test_samples_after_counts_the_short_last_batch_of_every_epoch():
    # n = 5 in batches of 2: 2, 4, 5 in the first epoch, then 7, 9, 10
    np.testing.assert_array_equal(batches.samples_after(5, 2, 6), [0, 2, 4, 5, 7, 9, 10])
    np.testing.assert_array_equal(batches.samples_after(5, 5, 2), [0, 5, 10])
    np.testing.assert_array_equal(batches.samples_after(5, 1, 5), [0, 1, 2, 3, 4, 5])
    assert [batches.updates_per_epoch(244, b) for b in (1, 16, 244)] == [244, 16, 1]


def test_equal_epochs_process_the_same_samples_and_equal_updates_make_the_same_steps():
    by_epochs = batches.compare(TIPS, 0.05, TIPS.model.start, 3, 16, equal="epochs")
    assert [r.trajectory.steps for r in by_epochs] == [3, 732, 48]
    assert {int(r.samples[-1]) for r in by_epochs} == {3 * 244}
    by_updates = batches.compare(TIPS, 0.05, TIPS.model.start, 3, 16, equal="updates")
    assert [r.trajectory.steps for r in by_updates] == [3, 3, 3]
    assert [int(r.samples[-1]) for r in by_updates] == [732, 3, 48]


def test_the_full_batch_is_plain_gradient_descent_and_a_batch_of_n_is_the_full_batch():
    runs = batches.compare(LINE, 0.01, (0.0, 0.0), 100, 5)
    full, _, mini = runs
    p = np.zeros(2)
    for _ in range(100):
        p = p - 0.01 * LINE.grad(p)
    np.testing.assert_allclose(full.trajectory.points[-1], p, rtol=1e-13)
    np.testing.assert_array_equal(mini.trajectory.points, full.trajectory.points)


def test_same_seed_same_runs_another_seed_other_batches():
    a = batches.compare(TIPS, 0.05, TIPS.model.start, 2, 16, seed=7)
    b = batches.compare(TIPS, 0.05, TIPS.model.start, 2, 16, seed=7)
    c = batches.compare(TIPS, 0.05, TIPS.model.start, 2, 16, seed=8)
    for x, y, z in zip(a, b, c, strict=True):
        np.testing.assert_array_equal(x.trajectory.points, y.trajectory.points)
        if x.flavour.name != "full":
            assert not np.array_equal(x.trajectory.points, z.trajectory.points)


def test_the_timeline_holds_each_run_between_its_updates():
    runs = batches.compare(LINE, 0.01, (0.0, 0.0), 2, 2)
    ticks, index = batches.timeline(runs, "epochs")
    np.testing.assert_array_equal(ticks, np.arange(11))
    np.testing.assert_array_equal(index[0], [0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2])  # full: one update per 5 samples
    np.testing.assert_array_equal(index[1], np.arange(11))  # SGD: one per sample
    np.testing.assert_array_equal(index[2], [0, 0, 1, 1, 2, 3, 3, 4, 4, 5, 6])  # 2, 2, then 1 of 5
    ticks, index = batches.timeline(batches.compare(LINE, 0.01, (0.0, 0.0), 2, 2, equal="updates"), "updates")
    assert all(np.array_equal(i, np.arange(3)) for i in index)


def test_cosine_spans_each_runs_own_updates():
    runs = batches.compare(TIPS, 0.05, TIPS.model.start, 2, 16, sched="cosine")
    for r in runs:
        lrs = np.ravel(r.trajectory.lrs)
        t_max = r.trajectory.steps
        np.testing.assert_allclose(lrs, 0.05 * (1 + np.cos(np.pi * np.arange(t_max) / t_max)) / 2, rtol=1e-12)


def test_bad_arguments_say_what_is_wrong():
    with pytest.raises(ValueError, match="data surface"):
        batches.compare(landscapes.get("bowl"), 0.1, (1, 1), 2, 2)
    with pytest.raises(ValueError, match="equal must be"):
        batches.compare(TIPS, 0.1, (1, 1), 2, 2, equal="steps")
    with pytest.raises(ValueError, match="sched must be"):
        batches.compare(TIPS, 0.1, (1, 1), 2, 2, sched="step")
    with pytest.raises(ValueError, match="at most"):
        batches.compare(TIPS, 0.1, (1, 1), batches.MAX_UPDATES // 244 + 1, 2)


# --- the gradient cloud --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["linear_regression", "tips", "tips_unscaled", "iris"])
def test_per_sample_gradients_average_to_the_full_gradient(name):
    s = landscapes.get(name)
    point = np.array(s.model.start) + 0.3
    np.testing.assert_allclose(batches.per_sample_gradients(s, point).mean(axis=0), s.grad(point), rtol=1e-10,
                               atol=1e-13)


def test_the_cloud_shrinks_as_the_batch_grows_and_matches_sampling_theory():
    point = np.array(TIPS.model.start)
    per_sample = batches.per_sample_gradients(TIPS, point)
    spreads = [batches.cloud(TIPS, point, b, draws=4000, per_sample=per_sample).spread for b in (1, 4, 16, 64, 244)]
    assert all(a > b for a, b in itertools.pairwise(spreads))
    assert spreads[-1] < 1e-12  # the full batch has no noise
    for b, measured in zip((1, 4, 16, 64), spreads, strict=False):
        assert measured == pytest.approx(batches.expected_spread(per_sample, b), rel=0.08)


def test_measured_spreads_follow_the_theory_and_vanish_at_the_full_batch():
    sizes = [1, 2, 4, 8, 16, 32, 64, 128, 244]
    measured, predicted = batches.spreads(TIPS, TIPS.model.start, sizes, draws=2000)
    assert measured[-1] < 1e-12 and predicted[-1] == 0
    np.testing.assert_allclose(measured[:-1], predicted[:-1], rtol=0.1)
    assert np.all(np.diff(predicted) < 0)


def test_stable_rates_are_two_over_the_curvatures():
    full, single = batches.stable_rates(landscapes.get("tips_unscaled"))
    assert full == pytest.approx(2 / landscapes.get("tips_unscaled").lipschitz)
    x = landscapes.get("tips_unscaled").model.x
    assert single == pytest.approx(1 / np.max(x * x + 1))
    assert batches.stable_rates(landscapes.get("tips"))[0] == pytest.approx(1.0)  # L = 2 once standardised
    assert batches.stable_rates(landscapes.get("iris")) is None  # no such bound drawn for the logistic model


def test_a_cloud_draws_distinct_samples_and_is_seeded():
    point = np.array(LINE.model.start)
    a, b = (batches.cloud(LINE, point, 4, draws=50, seed=3) for _ in range(2))
    np.testing.assert_array_equal(a.draws, b.draws)
    # 4 of 5 distinct samples: the mean gradient leaves out exactly one, so only five values are possible
    assert len(np.unique(np.round(a.draws, 12), axis=0)) <= 5


# --- the training loop ---------------------------------------------------------------------------


def run_code(code: str) -> str:
    """Execute a generated loop (our own text, built from validated numbers) and return what it prints."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "<loop>", "exec"), {})
    return out.getvalue()


def test_the_classic_loop_prints_what_it_really_computes():
    full = batches.compare(LINE, 0.01, (0.0, 0.0), 100, 2)[0]
    code = loop.code(LINE.model, full, 0.01, (0.0, 0.0), 0, "constant", 100)
    printed = run_code(code)
    lines = printed.splitlines()
    assert lines[0] == "Epoch 0: w=0.500, b=0.140, loss=57.0000"  # not the tutorial's w=0.140, b=0.040, 65.0000
    assert lines[-1] == "Learned: y = 2.08x + 0.70"  # not the tutorial's y = 1.99x + 0.97
    assert len(lines) == 11 and lines[1].startswith("Epoch 10: ")
    assert printed == loop.printed(loop.table(full, 100), full.trajectory.points[-1], "line")


@pytest.mark.parametrize("name", ["linear_regression", "tips", "iris"])
@pytest.mark.parametrize("sched", ["constant", "cosine"])
def test_every_generated_loop_prints_the_engines_table(name, sched):
    s = landscapes.get(name)
    lr, epochs = s.model.lr, 4
    for run in batches.compare(s, lr, s.model.start, epochs, 3, seed=5, sched=sched):
        code = loop.code(s.model, run, lr, s.model.start, 5, sched, epochs)
        assert run_code(code) == loop.printed(loop.table(run, epochs), run.trajectory.points[-1], s.model.kind), \
            run.label


def test_the_table_needs_whole_epochs():
    run = batches.compare(TIPS, 0.05, TIPS.model.start, 2, 16, equal="updates")[1]
    with pytest.raises(ValueError, match="whole epochs"):
        loop.table(run, 2)


def test_the_loop_prints_about_ten_rows():
    assert [loop.every(e) for e in (1, 9, 10, 20, 100, 200)] == [1, 1, 1, 2, 10, 20]


# --- links ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("query", "note"), [
    ({"batch": "0"}, "batch=0 is out of range; using 2"),
    ({"batch": "1000"}, "batch=1000 is out of range; using 244"),
    ({"batch": "ten"}, "batch=ten is not a number; using 16"),
    ({"batch": "2.5"}, "batch=2.5 is not a whole number; using 2"),
    ({"epochs": "1e9"}, "epochs=1e9 is out of range; using 102"),
    ({"data": "bowl"}, "data=bowl is not one of linear_regression, tips, iris; using tips"),
    ({"compare": "steps"}, "compare=steps is not one of epochs, updates; using epochs"),
    ({"sched": "step"}, "sched=step is not one of constant, cosine; using constant"),
    ({"lr": "nan"}, "lr=nan is not a finite number; using 0.02"),
    ({"x0": "99"}, "x0=99 is out of range; using 3.5"),
    ({"k": "-4"}, "k=-4 is out of range; using 0"),
    ({"loop": "adam"}, "loop=adam is not one of full, sgd, mini; using full"),
    ({"scaled": "yes"}, "scaled=yes should be 1 or 0; using 1"),
    ({"opt": "adam"}, "opt is not a setting of this page; ignored"),
])
def test_bad_links_are_fixed_with_a_note(query, note):
    _, notes = parse_batches(query)
    assert notes == [note]


def test_the_epochs_cap_keeps_sgd_within_the_engines_budget():
    for name in data_names():
        n = landscapes.get(name).n_samples
        assert max_epochs(n) * n <= batches.MAX_UPDATES
    assert max_epochs(244) == 102 and max_epochs(5) == 200


def test_scaled_only_matters_where_the_data_has_a_raw_twin():
    b, notes = parse_batches({"data": "iris", "scaled": "0"})
    assert b.surface_name == "iris" and notes == [] and "scaled" not in to_batches_query(b)
    assert parse_batches({"data": "tips", "scaled": "0"})[0].surface_name == "tips_unscaled"


@settings(max_examples=draws(300), deadline=None)
@given(st.dictionaries(st.sampled_from(["data", "scaled", "lr", "batch", "epochs", "compare", "sched", "x0", "y0",
                                        "seed", "k", "loop", "zz", "hide"]),
                       st.one_of(st.text(max_size=12), st.sampled_from(["tips", "iris", "0", "1", "-1", "1e308",
                                                                        "nan", "linear_regression", "244"]))))
def test_any_link_parses_to_settings_that_round_trip(query):
    b, notes = parse_batches(query)
    assert all(isinstance(note, str) for note in notes)
    assert parse_batches(to_batches_query(b)) == (b, [])
    assert 0 <= b.k <= b.steps and 2 <= b.batch <= b.landscape.n_samples


@pytest.mark.parametrize("name", ["tips", "linear_regression", "tips_unscaled"])
@pytest.mark.parametrize("size", [None, 1, 2, 5])
@pytest.mark.parametrize("rate", ["small", "too large", "cosine"])
def test_the_scan_is_the_engines_sgd_on_a_line_fit(name, size, rate):
    """``batches.line_sgd`` (a prefix scan of affine maps) against ``descend`` stepping one update at a time."""
    from optim.descend import descend
    from optim.sgd import SGD

    s = landscapes.get(name)
    lr = {"small": s.model.lr, "too large": 30 * s.model.lr,
          "cosine": batches.learning_rate(s.model.lr, "cosine", 300)}[rate]
    loop_run = descend(s, SGD(lr=lr), s.model.start, 300, batch_size=size, seed=4)
    scan = batches.line_sgd(s, lr, s.model.start, 300, size, 4)
    assert int(scan.diverged_at) == int(loop_run.diverged_at)
    for field in ("points", "grads", "losses", "lrs"):
        a, b = getattr(loop_run, field), getattr(scan, field)
        assert a.shape == b.shape and np.array_equal(np.isnan(a), np.isnan(b)), field
        np.testing.assert_allclose(b, a, rtol=1e-11, atol=1e-11, err_msg=field)
    if rate == "too large" and size in (1, 2):
        assert scan.diverged_at >= 0  # the scan's divergence rule was exercised

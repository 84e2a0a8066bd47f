"""Every preset's caption claims something about its run: check each claim on the engine's output."""

import numpy as np
import pytest

import landscapes
import lessons
import settings
from optim.summary import summarize
from settings.race import parse_race, run_race


def descent(preset):
    s, notes = settings.parse(preset.full_query())
    assert notes == []
    return s, settings.run(s)


def race(preset):
    racers, notes = parse_race(preset.full_query())
    assert notes == []
    return racers, {lane.name: lane.trajectory for lane in run_race(racers)}


def reached(surface, traj) -> int:
    return summarize(landscapes.get(surface), traj.points, traj.losses, int(traj.diverged_at)).steps_to_tolerance


def test_lr_too_large():
    s, t = descent(lessons.get("lr-too-large"))
    assert s.lr > 2 / landscapes.get("bowl").lipschitz and t.diverged_at >= 0


def test_lr_too_small():
    _, t = descent(lessons.get("lr-too-small"))
    covered = 1 - np.linalg.norm(t.points[-1]) / np.linalg.norm(t.points[0])
    assert t.diverged_at == -1 and 0.15 < covered < 0.25  # "barely a fifth"


def test_lr_just_right():
    _, t = descent(lessons.get("lr-just-right"))
    assert np.linalg.norm(t.points[-1]) < 1e-6 and reached("bowl", t) <= 10
    steps = np.linalg.norm(t.points[1:], axis=1) / np.linalg.norm(t.points[:-1], axis=1)
    np.testing.assert_allclose(steps[:20], 0.2, rtol=1e-9)  # 80 % of the distance each step, no overshoot


def test_momentum_crosses_the_ravine_where_descent_zig_zags():
    _, lanes = race(lessons.get("ravine-momentum"))
    flips, travel = {}, {}  # across the valley (its v direction), over the first 40 steps
    for name, t in lanes.items():
        v = -np.sin(np.pi / 6) * t.points[:41, 0] + np.cos(np.pi / 6) * t.points[:41, 1]
        flips[name] = int(np.sum(np.diff(np.sign(np.diff(v))) != 0))
        travel[name] = np.abs(np.diff(v)).sum()
    assert flips["sgd"] >= 30  # wall to wall, nearly every step
    assert travel["momentum"] < 0.5 * travel["sgd"]  # the zig-zag averaged away
    assert reached("ravine", lanes["momentum"]) <= 0.6 * reached("ravine", lanes["sgd"])


def test_momentum_and_adam_escape_the_saddle_where_descent_stalls():
    _, lanes = race(lessons.get("saddle-escape"))
    assert np.linalg.norm(lanes["sgd"].points[-1]) < 0.2  # still at the saddle point (0, 0)
    for name in ("momentum", "adam"):
        assert reached("saddle", lanes[name]) >= 0


def test_noise_knocks_descent_off_the_saddle():
    preset = lessons.get("saddle-noise")
    _, t = descent(preset)
    assert reached("saddle", t) >= 0
    quiet = settings.run(settings.parse({**preset.full_query(), "noise": "0"})[0])
    assert np.abs(quiet.points[:, 1]).max() == 0 and np.linalg.norm(quiet.points[-1]) < 1e-6


def test_the_start_decides_the_terrain_minimum():
    preset = lessons.get("terrain-start")
    surface = landscapes.get("terrain")
    _, t = descent(preset)
    here = int(np.argmin(np.linalg.norm(surface.minima - t.points[-1], axis=1)))
    moved = settings.run(settings.parse({**preset.full_query(), "x0": "0.1"})[0])
    there = int(np.argmin(np.linalg.norm(surface.minima - moved.points[-1], axis=1)))
    assert here != 0 and there == 0  # a local well, then the deepest one (listed first)
    assert reached("terrain", t) >= 0 and reached("terrain", moved) >= 0


def test_adam_crosses_the_plateau_where_descent_stalls():
    racers, lanes = race(lessons.get("plateau-adam"))
    start = np.array([racers[0].x0, racers[0].y0])
    assert np.linalg.norm(landscapes.get("plateau").grad(start)) < 1e-4
    assert np.linalg.norm(lanes["sgd"].points[-1] - start) < 0.01
    assert reached("plateau", lanes["adam"]) >= 0


def test_the_rosenbrock_race():
    _, lanes = race(lessons.get("race-rosenbrock"))
    assert reached("rosenbrock", lanes["adam"]) >= 0 and reached("rosenbrock", lanes["sgd"]) < 0
    assert all(t.diverged_at == -1 for t in lanes.values())


def test_the_beale_race():
    """Every claim over the whole run: never there, there and staying, there first and thrown out."""
    preset = lessons.get("race-beale")
    _, lanes = race(preset)
    surface = landscapes.get("beale")
    for name in ("sgd", "momentum"):
        assert reached("beale", lanes[name]) < 0 and lanes[name].diverged_at == -1
    t = lanes["adam"]
    tol = summarize(surface, t.points, t.losses, int(t.diverged_at)).tolerance
    near = {name: np.linalg.norm(lanes[name].points - surface.minima[0], axis=1) < tol for name in ("rmsprop", "adam")}
    arrive = {name: int(np.argmax(inside)) for name, inside in near.items()}
    assert near["adam"][arrive["adam"]:].all()  # Adam gets there and stays to the end
    assert arrive["rmsprop"] < arrive["adam"]  # RMSProp gets there first
    leaves = arrive["rmsprop"] + int(np.argmin(near["rmsprop"][arrive["rmsprop"]:]))
    assert leaves > arrive["rmsprop"] and not near["rmsprop"][-1]  # and is thrown out, for good
    assert leaves > 0.8 * len(near["rmsprop"])  # near the end


def test_rmsprop_leaves_beales_minimum_when_its_effective_rate_outgrows_the_curvature():
    """The caption's why: at the minimum the rescaled curvature λ_max(diag(η/(√v+ε)) H) grows past 2
    (the limit of a step on a quadratic) while √v decays, and only after that does the loss grow."""
    import optim
    from landscapes.refine import hessian

    racers, lanes = race(lessons.get("race-beale"))
    racer = next(r for r in racers if r.opt == "rmsprop")
    rule, surface = racer.rule(), landscapes.get("beale")
    t = optim.descend(surface, rule, np.array([racer.x0, racer.y0]), racer.steps)  # with its buffers
    assert np.array_equal(t.points, lanes["rmsprop"].points, equal_nan=True)
    best = int(np.nanargmin(t.losses))

    def rescaled(k):
        scale = np.diag(rule.lr / (np.sqrt(t.state["v"][k]) + rule.eps))
        return float(np.max(np.abs(np.linalg.eigvals(scale @ hessian(surface.grad, t.points[k])))))

    arrived = reached("beale", t)
    assert rescaled(arrived) < 2  # stable when it arrives
    crossing = next(k for k in range(arrived, t.steps) if rescaled(k) > 2)
    assert crossing < best  # unstable before the loss turns up
    assert np.all(np.diff(t.state["v"][crossing:best].max(axis=1)) < 0)  # √v decays all the while
    assert t.losses[-1] > 1e4 * t.losses[best]  # and the point is thrown out


def test_adagrads_steps_shrink():
    _, t = descent(lessons.get("adagrad-shrinks"))
    steps = np.linalg.norm(np.diff(t.points, axis=0), axis=1)
    assert steps[0] > 0.6 and steps[-1] < 0.005
    assert np.all(np.diff(t.state["sum"], axis=0) >= 0)  # the sum of squared gradients only grows


def test_a_schedule_finishes_what_a_constant_rate_cannot():
    preset = lessons.get("schedule-rescue")
    best = landscapes.get("noisy_regression").minima[0]
    _, scheduled = descent(preset)
    constant = settings.run(settings.parse({**preset.full_query(), "sched": "constant"})[0])
    late = slice(-50, None)
    assert np.linalg.norm(scheduled.points[late] - best, axis=1).mean() < 0.05
    assert np.linalg.norm(constant.points[late] - best, axis=1).mean() > 0.15


def test_an_optimizer_switch_keeps_only_a_rate_the_lesson_set():
    preset = lessons.get("basins-momentum")
    assert preset.keeps_rate("momentum", 0.1) and preset.keeps_rate("adam", 0.1)
    assert not preset.keeps_rate("momentum", 0.05)  # the learner moved it: the new optimizer's own rate
    assert lessons.keeps_rate("basins-momentum", "basins", "momentum", 0.1)
    assert not lessons.keeps_rate("basins-momentum", "descent", "momentum", 0.1)  # not open on this page
    assert not lessons.keeps_rate("", "basins", "momentum", 0.1)  # no lesson open
    assert not lessons.get("race-rosenbrock").keeps_rate("sgd", 0.1)  # sets no single rate


def batch_runs(preset, **change):
    from settings.batches import parse_batches, run, to_batches_query

    b, notes = parse_batches(preset.full_query())
    assert notes == [] and to_batches_query(b) == {k: v for k, v in preset.full_query().items() if k != "hide"}
    if change:
        b = parse_batches({**preset.full_query(), **change})[0]
    return b, {r.flavour.name: r for r in run(b)}


def test_mini_batches_are_the_middle_way():
    b, runs = batch_runs(lessons.get("batches-middle-way"))
    best = float(b.landscape.loss(b.landscape.minima[0]))
    assert b.epochs == 20 and b.batch == 16 and b.compare == "epochs"
    assert [runs[name].trajectory.steps for name in ("full", "sgd", "mini")] == [20, 4880, 320]
    ends = {name: r.trajectory.losses[r.epoch_rows()] / best - 1 for name, r in runs.items()}
    assert round(100 * ends["full"][-1]) == 14 and round(100 * ends["sgd"][-1]) == 82
    # "from the second epoch on ends every epoch lower than both"
    assert (ends["mini"][2:] < np.minimum(ends["full"][2:], ends["sgd"][2:])).all()
    assert not ends["mini"][1] < min(ends["full"][1], ends["sgd"][1])


def test_a_schedule_settles_sgd():
    preset = lessons.get("batches-schedule")
    b, scheduled = batch_runs(preset)
    _, constant = batch_runs(preset, sched="constant")
    best = float(b.landscape.loss(b.landscape.minima[0]))
    assert b.lr == 0.05 and b.sched == "cosine"
    loose, settled = constant["sgd"], scheduled["sgd"]
    last5 = loose.trajectory.losses[loose.epoch_rows()[-6]:]
    assert round(last5.max() / best, 1) == 3.7  # "still jumps to 3.7 times the best possible"
    last2 = settled.trajectory.losses[settled.epoch_rows()[-3]:]
    assert (last2 / best - 1 < 0.001).all()  # "within 0.1 % of the best loss for its last two epochs"


def test_unscaled_features_cripple_the_learning_rate():
    import optim

    b, runs = batch_runs(lessons.get("batches-unscaled"))
    raw = b.landscape
    assert raw.name == "tips_unscaled" and b.lr == 0.0003
    assert round(raw.lipschitz / raw.strong_convexity, -2) == 2800 and f"{2 / raw.lipschitz:.2g}" == "0.0021"
    # one bill's loss (t − (w x + b))² has the Hessian 2·[[x², x], [x, 1]]: curvature 2(x² + 1)
    steepest = max(np.linalg.eigvalsh(2 * np.array([[x * x, x], [x, 1.0]]))[-1] for x in raw.model.x)
    assert round(steepest) == 5165 and f"{2 / steepest:.1g}" == "0.0004"
    # gradient descent: just above 2/L leaves the surface, just below converges
    start = (b.x0, b.y0)
    assert optim.descend(raw, optim.get("sgd", lr=1.05 * 2 / raw.lipschitz), start, 400).diverged_at >= 0
    assert optim.descend(raw, optim.get("sgd", lr=0.95 * 2 / raw.lipschitz), start, 400).diverged_at < 0
    # at 0.0003: all three stay, and b never passes 0.37 in any run, anywhere along it
    assert all(r.trajectory.diverged_at < 0 for r in runs.values())
    assert max(np.nanmax(r.trajectory.points[:, 1]) for r in runs.values()) < 0.37
    assert round(raw.minima[0][1], 2) == 0.92


def test_tune_before_you_compare():
    """Every claim over the whole run, untuned (the link without tune) and tuned (the link)."""
    from settings.race import tune_race

    preset = lessons.get("tune-before-you-compare")
    racers, tuned = race(preset)
    assert racers.tune and [r.opt for r in racers] == ["momentum", "adam"]
    untuned = {lane.name: lane.trajectory
               for lane in run_race(parse_race({**preset.full_query(), "tune": "0"})[0])}
    surface = landscapes.get("rosenbrock")
    tol = summarize(surface, tuned["adam"].points, tuned["adam"].losses, -1).tolerance

    def distances(t):
        return np.linalg.norm(t.points - surface.minima[0], axis=1)

    def arrives_and_stays(t) -> int:
        near = distances(t) < tol
        arrive = int(np.argmax(near))
        assert near[arrive:].all() and t.diverged_at == -1  # there, and there to the end
        return arrive

    # at the opening rates: Adam gets there, momentum never comes within 0.8 of the minimum
    arrives_and_stays(untuned["adam"])
    assert untuned["momentum"].diverged_at == -1 and round(distances(untuned["momentum"]).min(), 1) == 0.8
    # tuned: momentum's rate is ten times its opening one, and it gets there before the tuned Adam
    rates = {r.opt: t.lr for r, t in zip(racers, tune_race(racers), strict=True)}
    opening = {r.opt: r.lr for r in racers}
    assert round(rates["momentum"] / opening["momentum"]) == 10 and rates["adam"] != opening["adam"]
    assert arrives_and_stays(tuned["momentum"]) < arrives_and_stays(tuned["adam"])
    assert arrives_and_stays(tuned["adam"]) < arrives_and_stays(untuned["adam"])  # Adam gains from tuning too


def test_the_lesson_link_hides_all_but_the_learning_rate():
    hidden = set(lessons.get("only-learning-rate").full_query()["hide"].split(","))
    assert "lr" not in hidden and {"surface", "opt", "steps", "x0", "y0"} <= hidden


def test_there_are_at_least_ten_presets_each_with_a_claim_test():
    assert len(lessons.PRESETS) >= 10
    tested = {"lr-too-large", "lr-too-small", "lr-just-right", "ravine-momentum", "saddle-escape", "saddle-noise",
              "terrain-start", "plateau-adam", "race-rosenbrock", "race-beale", "adagrad-shrinks",
              "schedule-rescue", "only-learning-rate", "basins-momentum", "batches-middle-way", "batches-schedule",
              "batches-unscaled", "tune-before-you-compare", "lab-three-regimes", "lab-heavy-ball",
              "lab-edge-schedule", "network-sharpness", "network-race"}
    assert {p.id for p in lessons.PRESETS} == tested


@pytest.mark.parametrize("preset", lessons.PRESETS, ids=lambda p: p.id)
def test_captions_are_two_sentences(preset):
    assert preset.caption.count(". ") + preset.caption.endswith(".") == 2


def lab(preset):
    from settings.lab import parse_lab

    b, notes = parse_lab(preset.full_query())
    assert notes == []
    return b


def test_lab_three_regimes():
    import optim

    b = lab(lessons.get("lab-three-regimes"))
    surface = b.run.landscape
    start = np.array([b.run.x0, b.run.y0])
    slow, right, fast = (optim.descend(surface, optim.get("sgd", lr=lr), start, b.run.steps)
                         for lr in (b.slow, b.right, b.fast))
    assert np.all(np.diff(slow.losses) < 0) and slow.losses.min() > 0.78 and f"{slow.losses[-1]:.2f}" == "0.78"
    mu, big = surface.strong_convexity, surface.lipschitz
    assert b.right < 2 / (mu + big) and f"{2 / (mu + big):.3f}" == "0.095" and f"{right.losses[-1]:.1e}" == "1.4e-08"
    assert b.fast > 2 / big and fast.diverged_at == 20 and np.all(np.diff(fast.losses[:21]) > 0)


def test_lab_heavy_ball():
    import optim
    from optim.sweep import optimal_momentum

    b = lab(lessons.get("lab-heavy-ball"))
    surface = b.run.landscape
    mu, big = surface.strong_convexity, surface.lipschitz
    alpha, beta, rate = optimal_momentum(mu, big)
    assert (f"{alpha:.3f}", f"{beta:.3f}", f"{rate:.2f}", f"{(big - mu) / (big + mu):.2f}") == ("0.134", "0.403", "0.63",
                                                                                             "0.90")
    start = np.array([b.run.x0, b.run.y0])
    heavy = optim.descend(surface, optim.get("momentum", lr=alpha, momentum=beta), start, b.run.steps)
    plain = optim.descend(surface, optim.get("sgd", lr=2 / (mu + big)), start, b.run.steps)
    near, far = (np.linalg.norm(t.points - surface.minima[0], axis=1) for t in (heavy, plain))
    assert np.all(near[5:] < far[5:]) and f"{near[40]:.0e}" == "1e-06" and f"{far[40]:.3f}" == "0.046"
    k = np.arange(len(near))
    assert np.ptp(np.log(far / ((big - mu) / (big + mu)) ** k)) < 1e-9  # plain descent: exactly 0.90 a step
    assert np.all(near[1:] <= 250 * rate**k[1:])  # momentum: 0.63 a step (a double root adds a factor k)


def test_lab_edge_schedule():
    import optim

    b = lab(lessons.get("lab-edge-schedule"))
    s = b.run
    assert s.lr == 2 / s.landscape.lipschitz
    constant = optim.descend(s.landscape, optim.get("sgd", lr=s.lr), np.array([s.x0, s.y0]), s.steps)
    scheduled = settings.run(s)
    assert constant.losses.min() > 20.2 and constant.diverged_at == -1
    assert scheduled.lrs[1] < s.lr and f"{scheduled.losses[-1]:.0e}" == "2e-09"


def test_a_real_network_has_a_ravine_too():
    from settings import network as network_settings

    s, notes = network_settings.parse_network(lessons.get("network-sharpness").full_query())
    assert notes == [] and s.opt == "adam" and not s.race
    c = network_settings.curvature(network_settings.study(s))
    below = c.rates < c.lr_max
    assert not c.rose[below].any() and c.rose[~below].all()


def test_seven_rules_train_a_real_network():
    from settings import network as network_settings
    from settings import network_race

    s, notes = network_settings.parse_network(lessons.get("network-race").full_query())
    assert notes == [] and s.race
    race = network_race.race_study(s.run_settings, network_race.tuning(s.run_settings))
    assert len(race.lanes) == 7 and all(a == 1.0 for a in race.accuracy)
    finals = {lane.name: float(lane.trajectory.losses[-1]) for lane in race.lanes}
    assert min(finals, key=finals.get) == "adam"

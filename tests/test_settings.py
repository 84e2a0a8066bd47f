"""settings: URL ⇄ Settings, for any text a link can hold."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

import landscapes
import optim
import settings
from optim import schedules
from settings import MAX_PAGE_STEPS, Settings
from tests.draws import draws

KEYS = [*settings.BASE_KEYS, "f", "view", *settings.all_knob_keys(), *settings.all_schedule_keys()]
FORMULAS = ["x^2 + y^2", "x*y", "__import__('os')", "x**1000", "", "1/0", "sin(x)+cos(y)"]


def assert_valid(s: Settings):
    surface = s.landscape
    rule = s.rule()  # raises if any knob is out of range
    if callable(rule.lr):
        assert np.isfinite(rule.lr(np.arange(s.steps))).all()
    assert 1 <= s.steps <= MAX_PAGE_STEPS and 0 <= s.k <= s.steps
    (x0, x1), (y0, y1) = surface.bounds
    assert x0 <= s.x0 <= x1 and y0 <= s.y0 <= y1
    assert s.batch == "full" or 1 <= int(s.batch) <= surface.n_samples
    assert math.isfinite(s.noise) and 0 <= s.noise <= 10 and 0 <= s.seed < 2**31
    assert 1e-5 <= s.lr <= 10


@pytest.mark.parametrize("surface", landscapes.names())
@pytest.mark.parametrize("opt", optim.names())
def test_defaults_round_trip(surface, opt):
    s = settings.defaults(surface, opt)
    assert_valid(s)
    back, notes = settings.parse(settings.to_query(s))
    assert back == s and notes == []


@pytest.mark.parametrize("sched", schedules.names())
def test_every_schedule_field_round_trips(sched):
    query = {"surface": "rosenbrock", "opt": "adam", "sched": sched, "step_size": "30", "gamma": "0.7",
             "t_max": "400", "eta_min": "0.001", "warmup": "20", "steps": "450", "k": "12"}
    s, notes = settings.parse(query)
    assert notes == [] and s.sched == sched
    for key in settings.schedule_keys(sched):
        assert settings.to_query(s)[key] == query[key]
    assert settings.parse(settings.to_query(s))[0] == s


def test_every_field_round_trips():
    query = {"surface": "noisy_regression", "opt": "adamw", "lr": "0.0123", "beta1": "0.8", "beta2": "0.99",
             "eps": "1e-06", "wd": "0.05", "bc": "0", "sched": "cosine", "t_max": "300", "eta_min": "0.0001",
             "steps": "321", "x0": "1.25", "y0": "-0.75", "batch": "16", "seed": "42", "k": "7", "view3d": "0"}
    s, notes = settings.parse(query)
    assert notes == []
    assert settings.to_query(s) == query
    for key in ("momentum", "alpha", "noise"):  # irrelevant here, so at their defaults, and not written
        assert key not in settings.to_query(s)
    other = {"surface": "saddle", "opt": "rmsprop", "alpha": "0.9", "noise": "0.5", "momentum": "0.5"}
    s2, _ = settings.parse(other)
    assert s2.alpha == 0.9 and s2.noise == 0.5 and "momentum" not in dict(s2.knobs)  # not an RMSProp knob
    assert settings.parse(settings.to_query(s2))[0] == s2


@pytest.mark.parametrize(
    ("query", "fragment"),
    [
        ({"lr": "1e308"}, "lr=1e308 is out of range; using 10"),
        ({"lr": "abc"}, "lr=abc is not a number"),
        ({"lr": "nan"}, "lr=nan is not a finite number"),
        ({"steps": "1e9"}, "steps=1e9 is out of range; using 1000"),
        ({"steps": "2.5"}, "steps=2.5 is not a whole number; using 2"),
        ({"surface": "moon"}, "surface=moon is not one of bowl"),
        ({"opt": "lbfgs"}, "opt=lbfgs is not one of sgd"),
        ({"x0": "99"}, "x0=99 is out of range; using 3"),
        ({"lr": ["0.1", "0.2"]}, "lr was given 2 times; using the last, 0.2"),
        ({"<script>": "1"}, "?script? is not a setting; ignored"),
        ({"opt": "<img src=x onerror=alert(1)>"}, "opt=?img src?x onerror?al... is not one of"),
        ({"sched": "warmup_cosine", "warmup": "500", "t_max": "100"}, "t_max must be larger than warmup"),
    ],
)
def test_bad_values_are_fixed_with_a_plain_note(query, fragment):
    s, notes = settings.parse(query)
    assert_valid(s)
    assert any(fragment in note for note in notes), notes
    assert not any(c in note for note in notes for c in "<>[]()`*")


values = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["nan", "inf", "-inf", "1e308", "-1e308", "0", "-1", "1e-320", "0x10", "1_000", " 5 ",
                     "full", "1", "True", "", "١٢", "1e400"]),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.integers().map(str),
)
names = st.sampled_from([*landscapes.names(), "custom", ""])
queries = st.dictionaries(
    st.one_of(st.sampled_from(KEYS), st.text(max_size=8)),
    st.one_of(values, names, st.sampled_from(optim.names()), st.lists(values, max_size=3), st.sampled_from(FORMULAS),
              st.sampled_from(["-1,1,-1,1", "0,0,0,0", "1e9,2e9,0,1", "a,b"])),
    max_size=25,
)


@hsettings(max_examples=draws(400), deadline=None)
@given(queries)
def test_any_query_gives_valid_settings_that_round_trip(query):
    s, notes = settings.parse(query)
    assert_valid(s)
    assert all(isinstance(n, str) and len(n) < 300 for n in notes)
    assert settings.parse(settings.to_query(s)) == (s, [])


@pytest.mark.parametrize("surface", landscapes.names())
@pytest.mark.parametrize("opt", optim.names())
def test_no_default_picture_diverges(surface, opt):
    s = settings.defaults(surface, opt)
    traj = optim.descend(landscapes.get(s.surface), optim.get(s.opt, **s.hyperparameters()), (s.x0, s.y0),
                         s.steps)
    assert traj.diverged_at == -1


@pytest.mark.parametrize("surface", landscapes.names())
def test_the_default_optimizer_makes_progress(surface):
    s = settings.defaults(surface)
    assert s.opt == landscapes.get(surface).defaults.opt
    traj = optim.descend(landscapes.get(surface), optim.get(s.opt, **s.hyperparameters()), (s.x0, s.y0), s.steps)
    assert traj.losses[-1] < traj.losses[0]


def test_a_typed_formula_round_trips_and_a_bad_one_gets_a_note():
    s, notes = settings.parse({"surface": "custom", "f": "x^2 + 3*y^2", "view": "-2,2,-1,1"})
    assert notes == [] and s.landscape.bounds == ((-2, 2), (-1, 1)) and s.f == "x^2 + 3*y^2"
    assert settings.parse(settings.to_query(s)) == (s, [])
    assert settings.run(s).losses[-1] < settings.run(s).losses[0]
    bad, notes = settings.parse({"surface": "custom", "f": "__import__('os').system('id')", "view": "3,1,0"})
    assert bad.f == settings.DEFAULT_FORMULA and bad.view == settings.DEFAULT_VIEW
    assert any("view=" in n for n in notes) and any(n.startswith("f: ") and "allowed functions" in n for n in notes)
    assert not any(c in n for n in notes for c in "<>[]`")

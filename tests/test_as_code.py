"""The run as a PyTorch script and as a NumPy script: executed, each path must be the engine's to 1e-8
(the PyTorch ones skipped without torch)."""

import contextlib
import importlib.util
import io
import re

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given
from hypothesis import settings as examples
from hypothesis import strategies as st

import landscapes
import optim
import settings
from landscapes.formula import FUNCTIONS
from optim.as_code import NotExpressible, numpy_script, torch_script
from tests.draws import draws

needs_torch = pytest.mark.skipif(importlib.util.find_spec("torch") is None, reason="torch is not installed")
SCRIPTS = [pytest.param(torch_script, marks=needs_torch, id="torch"), pytest.param(numpy_script, id="numpy")]


def run_script(code: str) -> tuple[np.ndarray, str]:
    """Execute a generated script (our own text, from validated settings) and return its path and output."""
    namespace, out = {}, io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "<as-code>", "exec"), namespace)
    (path,) = namespace["paths"].values()
    return path, out.getvalue()


def check(query: dict, script=torch_script):
    s, notes = settings.parse(query)
    assert notes == []
    code = script(s.landscape, s.rule(), (s.x0, s.y0), s.steps, **{
        k: v for k, v in s.gradient_source().items() if k != "noise" or v})
    ours = settings.run(s)
    path, printed = run_script(code)
    last = s.steps if ours.diverged_at < 0 else int(ours.diverged_at)
    np.testing.assert_allclose(path[: last + 1], ours.points[: last + 1], rtol=1e-8, atol=1e-10)
    assert printed.startswith(f"{s.rule().title}: after {s.steps} steps")
    return code


@pytest.mark.parametrize("script", SCRIPTS)
@pytest.mark.parametrize("surface", landscapes.names())
def test_every_surface_at_its_defaults(surface, script):
    check({"surface": surface}, script)


@pytest.mark.parametrize("script", SCRIPTS)
@pytest.mark.parametrize("opt", optim.names())
def test_every_rule_with_its_knobs(opt, script):
    code = check({"surface": "beale", "opt": opt, "steps": "150", "wd": "0.01"}, script)
    if script is torch_script:
        assert f"torch.optim.{optim.rule(opt).torch[0]}(" in code
    else:  # the update written out, the decay with it
        assert re.search(r"0\.01 \* p|lr \* 0\.01", code) and "torch" not in code


@pytest.mark.parametrize("query", [{"opt": "adagrad", "eps": "0.001"}, {"opt": "rmsprop", "alpha": "0.9"},
                                   {"opt": "adamw", "beta1": "0.5", "beta2": "0.9"}, {"opt": "nesterov", "momentum": "0.5"},
                                   {"opt": "adam", "bc": "0"}])
def test_the_numpy_script_follows_every_knob(query):
    check({"surface": "himmelblau", "steps": "120", **query}, numpy_script)


@pytest.mark.parametrize("script", SCRIPTS)
@pytest.mark.parametrize("sched", ["step", "exponential", "cosine", "warmup_cosine"])
def test_every_schedule(sched, script):
    code = check({"surface": "rosenbrock", "opt": "adam", "sched": sched, "steps": "200"}, script)
    assert ("sched.step()" if script is torch_script else "math.cos" if "cos" in sched else " ** ") in code


@pytest.mark.parametrize("script", SCRIPTS)
def test_the_same_mini_batches_and_the_same_noise(script):
    assert "shuffled(len(X), 4" in check({"surface": "noisy_regression", "batch": "4", "seed": "3", "steps": "120"},
                                         script)
    assert "noise.standard_normal(2)" in check({"surface": "saddle", "noise": "0.5", "seed": "7", "steps": "80"},
                                               script)
    check({"surface": "iris", "batch": "1", "steps": "150"}, script)


@pytest.mark.parametrize("script", SCRIPTS)
def test_a_run_that_diverges_agrees_until_it_leaves(script):
    check({"surface": "bowl", "lr": "1.2", "steps": "40"}, script)


def test_adam_without_bias_correction_says_torch_has_no_such_optimizer():
    s = settings.parse({"opt": "adam", "bc": "0"})[0]
    with pytest.raises(NotExpressible, match="bias correction"):
        torch_script(s.landscape, s.rule(), (s.x0, s.y0), s.steps)


def test_the_script_is_plain_text_from_the_declarations():
    s = settings.parse({"surface": "terrain", "opt": "momentum", "momentum": "0.8"})[0]
    code = torch_script(s.landscape, s.rule(), (s.x0, s.y0), s.steps)
    assert "momentum=0.8" in code and "torch.exp(" in code and not re.search(r"\bm\.", code)
    compile(code, "<as-code>", "exec")


@pytest.mark.parametrize("script", SCRIPTS)
def test_a_race_is_one_script_with_every_racer(script):
    from settings.race import parse_race, run_race

    racers, _ = parse_race({"surface": "beale", "opt": "sgd,momentum,adam,momentum", "momentum": "0.5",
                            "steps": "120"})
    s = racers[0]
    code = script(s.landscape, {r.rule().title: r.rule() for r in racers}, (s.x0, s.y0), s.steps)
    namespace = {}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(code, "<as-code>", "exec"), namespace)
    for racer, lane in zip(racers, run_race(racers), strict=True):
        np.testing.assert_allclose(namespace["paths"][racer.rule().title], lane.trajectory.points, rtol=1e-8)


@pytest.mark.parametrize("f", ["sin(x)*cos(y) + 0.1*(x^2 + y^2)",
                               "sigmoid(x*y) + abs(x - 0.3) + arctan(y) + exp(-x/4) + log(1+x^2) + pi*e*sqrt(1+y^2)",
                               "tanh(x)^2 + cosh(y/3) + arcsin(x/5) + arccos(y/5)"])
@pytest.mark.parametrize("script", SCRIPTS)
def test_a_typed_formula_becomes_code_too(f, script):
    code = check({"surface": "custom", "f": f, "opt": "adam", "steps": "80"}, script)
    assert "numpy." not in code.split("def loss", 1)[1]



# --- a function of a constant (issue 23: torch.sqrt(2) is a TypeError, torch takes tensors only) ---------

ISSUE_23 = ["sqrt(2)*x^2+y^2", "log(2)*x^2+y^2", "sin(1)*x^2+y^2", "tanh(1)*x^2+y^2", "sigmoid(2)*x^2+y^2",
            "acos(1/3)*x^2+y^2", "sqrt(pi)*x^2+y^2"]
OF_CONSTANTS = [f"(1 + {name}(1/3)^2)*x^2 + y^2 - exp({name}(1/3))" for name in FUNCTIONS]


@pytest.mark.parametrize("f", ISSUE_23 + OF_CONSTANTS)
@pytest.mark.parametrize("script", SCRIPTS)
def test_a_function_of_a_constant_is_printed_as_a_number_both_libraries_take(f, script):
    code = check({"surface": "custom", "f": f, "steps": "30"}, script)
    assert "math." in code.split("def loss", 1)[1]


# the allow-list's grammar: numbers and names, its functions (of constants too), + - * /, and powers
_NUMBERS = st.sampled_from(["1", "2", "3", "0.5", "(1/3)", "pi", "e", "10"])
_FUNCTIONS = st.sampled_from(sorted(FUNCTIONS))
_OPERATORS = st.sampled_from(["+", "-", "*", "/"])
_CONSTANTS = st.recursive(_NUMBERS, lambda inner: st.one_of(
    st.builds("{}({})".format, _FUNCTIONS, inner),
    st.builds("({}{}{})".format, inner, _OPERATORS, inner)), max_leaves=3)
_FORMULAS = st.recursive(st.sampled_from(["x", "y"]), lambda inner: st.one_of(
    st.builds("{}({})".format, _FUNCTIONS, inner),
    st.builds("({}{}{})".format, inner, _OPERATORS, st.one_of(inner, _CONSTANTS)),
    st.builds("({}{}{})".format, _CONSTANTS, _OPERATORS, inner),
    st.builds("{}^{}".format, inner, st.one_of(st.sampled_from(["2", "3", "(1/2)"]), _CONSTANTS)),
    st.builds("{}^{}".format, st.sampled_from(["2", "e", "(1/2)", "sqrt(2)"]), inner)), max_leaves=5)


@pytest.mark.parametrize("script", SCRIPTS)
@examples(max_examples=draws(25), deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(text=_FORMULAS.filter(lambda t: t.count("(") <= 8))
def test_random_typed_formulas_give_scripts_that_run_and_agree(script, text):
    _, notes = settings.parse({"surface": "custom", "f": text})
    assume(not notes)  # a refused formula is judged in tests/test_formula.py
    check({"surface": "custom", "f": text, "steps": "25"}, script)

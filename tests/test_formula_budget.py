"""issue 23, item 1: a typed formula never burns minutes. The nested-function family answers within
seconds with a picture or a refusal, the build runs in a process killed at its limit, variants of one
tree share one cache entry, and the cost estimate weighs what a function's derivative holds."""

import importlib
import multiprocessing
import re
import time
from pathlib import Path

import numpy as np
import pytest

from landscapes.formula_build import recipe
from landscapes.formula_parse import FUNCTIONS, canonical, read

formula_module = importlib.import_module("landscapes.formula")
worker = importlib.import_module("landscapes.formula_worker")
BOUND = 5.0  # seconds; the goal is 2 s on an idle machine, the margin is for a loaded one


def nest(function, depth, inner="x"):
    for _ in range(depth):
        inner = f"{function}({inner})"
    return inner


FAMILY = [nest("tanh", d) for d in (8, 9, 10, 12, 16, 20, 29)] + [
    nest("sinh", 12, "x/99"), nest("tanh", 8) + "+" + nest("tanh", 8, "y"), nest("sigmoid", 15, "x*y"),
    nest("sigmoid", 8, "x*y"), "+".join(f"atan({k}*x*y-{k})" for k in range(1, 20)),
    nest("tanh", 10).replace("(x)", "(x/1)"), nest("tanh", 10).replace("(x)", "(x*1.0)"),
]


@pytest.fixture(scope="module", autouse=True)
def warm():
    formula_module.formula("x^2 + y^2")


@pytest.mark.parametrize("text", FAMILY, ids=[t[:12] + f"…[{len(t)}]" for t in FAMILY])
def test_the_nested_family_answers_within_seconds(text):
    formula_module.clear_caches()
    start = time.perf_counter()
    try:
        surface, answer = formula_module.formula(text, ((-3, 3), (-3, 3))), "a picture"
        assert np.isfinite(surface.loss(np.array([[0.5, 0.5]]))).all()
    except ValueError as err:
        answer = f"refused: {str(err)[:70]}"
    elapsed = time.perf_counter() - start
    print(f"{elapsed:.2f} s  {text[:40]}  {answer}")
    assert elapsed < BOUND
    assert not multiprocessing.active_children()  # no build left running


def test_a_build_past_its_limit_is_stopped_and_refused_plainly(monkeypatch):
    monkeypatch.setattr(worker, "LIMIT", 0.001)
    formula_module.clear_caches()
    with pytest.raises(ValueError, match="too costly to build"):
        formula_module.formula("sin(x)*cos(y) + x^2/7")
    assert not multiprocessing.active_children()


def test_the_budget_is_computing_time_not_wall_clock(monkeypatch):
    """A build slowed by a busy machine (here: asleep, using no CPU) past LIMIT still answers; only
    computing past LIMIT is refused (a loaded CI refused ordinary formulas at a wall-clock limit)."""
    real = worker.recipe

    def slowed(text, bounds):
        time.sleep(0.3)
        return real(text, bounds)

    monkeypatch.setattr(worker, "recipe", slowed)
    assert worker.build("x^2 + y^2", ((-3, 3), (-3, 3)), limit=0.15).tapes
    with pytest.raises(ValueError, match="too costly to build"):
        worker.build("x^2 + y^2", ((-3, 3), (-3, 3)), limit=0.05)  # 0.3 s asleep is past its ceiling
    assert not multiprocessing.active_children()


def test_variants_of_one_tree_share_one_cache_entry():
    formula_module.clear_caches()
    # six deep, not ten: the key is under test here, not the budget (ten deep took over the 1.5 s build limit
    # once in CI, with the browser tests on both cores); a rebuilt variant would not be ``first``
    depth = 6
    text = nest("tanh", depth) + " + y^2"
    first = formula_module.formula(text)
    for variant in (text.replace("(x)", "(x/1)"), text.replace("(x)", "(x*1.0)"), "y^2 + " + nest("tanh", depth),
                    f"+({text})", f"--({text})", f"{text} + 0", f"1*({text})", f"({text})^1"):
        start = time.perf_counter()
        assert formula_module.formula(variant) is first, variant
        assert time.perf_counter() - start < 0.05


def test_the_canonical_key():
    def key(text):
        return canonical(read(text)[1])

    assert key("x/1") == key("x*1.0") == key("+x") == key("--x") == key("x + 0") == key("x^1") == key("x")
    assert key("x + y") == key("y + x") and key("x - y") == key("-y + x") and key("2*x*y") == key("y*(x*2)")
    assert key("x - y") != key("y - x") and key("x/y") != key("y/x") and key("ln(x)") == key("log(x)")
    assert key("x^2") != key("x^3") and key("sin(x)") != key("cos(x)")


def test_sigmoid_weighs_more_than_tanh_in_the_cost_estimate():
    build = importlib.import_module("landscapes.formula_build")
    leaf = build._Cost.LEAF
    assert build._Cost.chain(leaf, build.COPIES.get("sigmoid", 1))[2] > build._Cost.chain(leaf)[2]


def test_no_formula_module_evaluates_text():
    for path in Path(formula_module.__file__).parent.glob("formula*.py"):
        source = path.read_text()
        for forbidden in ("eval(", "exec(", "compile(", "sympify", "parse_expr", "__import__", "lambdify(", " S("):
            assert forbidden not in source, (path.name, forbidden)


def test_the_warm_up_before_any_fork_builds_every_allowed_function():
    """The parent builds these once so that each forked build finds SymPy loaded (~30 ms, not ~100)."""
    texts = worker.warm_formulas()
    assert all(re.search(rf"\b{name}\(", " ".join(texts)) for name in FUNCTIONS)
    for text in texts:
        assert recipe(text, ((-3.0, 3.0), (-3.0, 3.0))).tapes

"""A new optimizer is one module plus one registry line: everything else derives from the registry.

A toy rule (sign descent) registered for the length of a test shows up in settings, the controls,
the race colours and the equations, none of which is touched. And outside optim/, landscapes/ and
lessons/ no module names a particular optimizer or surface.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

import landscapes
import optim
import settings
from optim.latex import num, vec
from optim.rule import Knob, Rule, check_lr, check_range
from settings.race import parse_race, run_race, to_race_query
from tests.app.conftest import chart, open_app
from viz import equations
from viz import race as race_figures

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class SignDescent(Rule):
    r"""Sign descent: θ_t = θ_{t-1} − η_t · sign(g_t) · s (s: the step scale)."""

    name = "sign"
    title = "Sign descent"
    color = "#00ff7f"
    knobs = (Knob("scale", "scale", "Step scale s", 0.1, 2.0, 1.0, step=0.1),)
    lr_family = ("adaptive", 1.0)
    lr: float = 1e-2
    scale: float = 1.0

    def __post_init__(self):
        check_lr(self.lr)
        check_range("scale", self.scale, 0.1, 2.0)

    def step_(self, params, grad, state, lr, t, tmp):
        np.sign(grad, out=tmp)
        tmp *= -lr * self.scale
        params += tmp

    def explain(self, step):
        sign = rf"\mathrm{{sign}}{vec(step['grad'])}"
        return [(r"\theta_t = \theta_{t-1} - \eta_t\, s\, \mathrm{sign}(g_t)",
                 rf"{vec(step['theta'])} - {num(step['lr'])}\cdot {num(self.scale)}\cdot {sign}")]


@pytest.fixture
def sign():
    with optim.registered(SignDescent):
        yield


def test_the_toy_rule_reaches_the_settings(sign):
    s, notes = settings.parse({"surface": "bowl", "opt": "sign", "scale": "0.5", "lr": "0.1"})
    assert notes == [] and s.opt == "sign" and s.scale == 0.5
    assert settings.to_query(s)["scale"] == "0.5"
    assert settings.parse(settings.to_query(s))[0] == s
    traj = settings.run(s)
    np.testing.assert_allclose(traj.points[1], np.array(landscapes.get("bowl").start) - 0.1 * 0.5 * np.sign(
        landscapes.get("bowl").start))
    _, notes = settings.parse({"surface": "bowl", "opt": "sign", "scale": "9"})
    assert any("scale=9 is out of range; using 2" in note for note in notes)


def test_the_toy_rule_reaches_the_race_and_its_colour(sign):
    racers, notes = parse_race({"surface": "bowl", "opt": "sgd,sign", "scale.sign": "0.3"})
    assert notes == [] and racers[1].scale == 0.3
    assert to_race_query(racers)["scale.sign"] == "0.3"
    lanes = run_race(racers)
    fig = race_figures.picture(landscapes.get("bowl"), _layer("bowl"), lanes, 0, False)
    assert any(t.get("line", {}).get("color") == "#00ff7f" for t in fig["data"])
    assert any(t.get("name") == "Sign descent" for t in fig["data"])


def test_the_toy_rule_reaches_the_equations(sign):
    s, _ = settings.parse({"surface": "bowl", "opt": "sign"})
    values = equations.step_values(settings.run(s), 0)
    lines = equations.update_lines(s.rule(), values)
    assert r"\mathrm{sign}" in lines[0][0] and lines[-1][0] == r"\theta_t"


def test_the_toy_rule_reaches_the_controls(sign):
    at = open_app({"surface": "bowl", "opt": "sign"})
    assert not at.exception
    assert at.selectbox(key="opt").value == "sign"
    at.slider(key="scale").set_value(0.5).run()
    assert not at.exception and at.query_params["scale"] == "0.5"
    assert any(r"\mathrm{sign}" in e.value for e in at.get("latex"))
    race = open_app({})
    race.switch_page("app_pages/race.py")
    race.query_params.clear()
    race.query_params.update({"surface": "bowl", "opt": "sgd,sign"})
    race.run()
    assert not race.exception
    colors = {t.get("line", {}).get("color") for t in chart(race, "picture")["data"]}
    assert "#00ff7f" in colors


def _layer(name):
    from viz.descent import surface_layer
    return surface_layer(landscapes.get(name))


# ---- no module outside optim/, landscapes/ and lessons/ names an optimizer or a surface ----------

OUTSIDE = ["app.py", "app_pages", "settings", "viz"]


def _sources():
    for entry in OUTSIDE:
        path = ROOT / entry
        yield from ([path] if path.is_file() else sorted(path.rglob("*.py")))


def test_no_module_outside_the_registries_names_an_optimizer_or_a_surface():
    names = [*optim.names(), *landscapes.names()]
    pattern = re.compile(r"""["'](""" + "|".join(map(re.escape, names)) + r""")["']""")
    found = [f"{path.relative_to(ROOT)}:{i}: {line.strip()}"
             for path in _sources() for i, line in enumerate(path.read_text().splitlines(), 1)
             if pattern.search(line)]
    assert found == []


def test_the_scan_would_see_a_name():
    """The scan above is not blind: it finds a name planted the way a table would hold it."""
    pattern = re.compile(r"""["'](""" + "|".join(optim.names()) + r""")["']""")
    assert pattern.search('COLORS = {"adam": "#fff"}') and not pattern.search("adam_like = 1")


def test_the_registry_is_restored_after_a_test():
    assert "sign" not in optim.names()
    assert json.dumps(optim.names())  # plain names

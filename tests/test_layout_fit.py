"""Layout decisions made in Python (issue 22): long formulas broken for a phone, the lab's rate slider
labelled to its last stop, a phone's stacked parts in order and clear of each other."""

import itertools

import numpy as np

import landscapes
from viz import compare, equations, lab, player_layout


def test_a_long_formula_is_broken_at_plus_and_minus_and_a_short_one_is_not():
    beale = landscapes.get("beale")
    assert equations.wrapped(r"f = x^2 + y^2") == r"f = x^2 + y^2"
    out = equations.wrapped(beale.formula, 26)  # "f =" and 23 more on its first line
    assert out.startswith(r"\begin{aligned}f = {}&") and out.count(r"\\") == 2  # three lines
    lines = out.removeprefix(r"\begin{aligned}f = {}&").removesuffix(r"\end{aligned}").split(r"\\ &")
    assert all(equations._visible(line) <= 26 - 2 * (i == 0) for i, line in enumerate(lines))
    assert "".join(lines).replace(" ", "") == beale.formula.split("=", 1)[1].replace(" ", "")
    product = r"\frac{\partial f}{\partial y} = x \left(6 x y^{5} + 4 x y^{3} - 6 x y^{2} - 2 x y - 2 x + 9 y + 3\right)"
    assert r"\\" in equations.wrapped(product, 26) and r"\left(" not in equations.wrapped(product, 26)


def test_the_rate_slider_labels_round_rates_and_always_its_last():
    lrs = np.geomspace(1.14e-4, 0.114, 64)
    for narrow in (False, True):
        labels = lab.rate_labels(lrs, -0.1, 14, narrow)
        texts = [a["text"] for a in labels]
        assert texts[-1] == "0.114" and labels[-1]["x"] == 1.0
        assert "0.001" in texts and "0.01" in texts
        assert len(texts) <= (5 if narrow else 9)
        assert all(b["x"] - a["x"] >= (0.14 if narrow else 0.07) - 1e-9 for a, b in itertools.pairwise(labels))


def test_a_phones_stacked_player_puts_the_controls_under_the_contour_and_each_part_under_the_last():
    for schedule, data in ((False, False), (True, False), (False, True)):
        plot = player_layout.narrow_plot_height(293, 14, schedule, data, 7)
        where = player_layout.domains(schedule, True, data, plot, 14, 7, 293)
        contour_bottom = where["contour"][1][0]
        assert abs((1 - contour_bottom) * plot - 293) < 1
        controls = player_layout.control_rows(14)[2] / plot
        parts = [where["loss"][1], where["numbers"][1]] + ([where["data"][1]] if data else [])
        assert all(top <= contour_bottom - controls + 1e-9 for _, top in parts)
        assert where["numbers"][1][1] < where["loss"][1][0]


def test_the_regimes_stack_on_a_phone_with_the_loss_under_the_contour():
    where = compare.side_domains(False, True, 500, 14, 200)
    assert where["contour"] == [1 - 200 / 500, 1] and where["loss"][1] < where["contour"][0]
    assert compare.side_domains(False, False, 500, 14)["contour"] == [0, 1]

"""A note per distinct problem in a link, never one per entry, and no value read silently from
characters other than ASCII (issue 23's cosmetic findings)."""

import pytest

import optim
import settings
from lessons import practice
from lessons.practice_state import MAX_SET, parse_practice
from settings.race import MAX_LISTED, parse_race
from settings.readers import Number, View, listed


def test_a_race_of_a_thousand_adams_is_one_adam_and_two_plain_notes():
    racers, notes = parse_race({"opt": ",".join(["adam"] * 1000)})
    assert [r.opt for r in racers] == ["adam"]
    assert notes == [f"opt lists 1000 names; only the first {MAX_LISTED} are read",
                     "opt: adam is listed more than once; taken once"]
    assert not any("(empty)" in note for note in notes)


def test_a_list_cut_anywhere_never_names_a_piece_of_a_name():
    for n in range(1, 60):
        _, notes = parse_race({"opt": ",".join(["momentum"] * n) + ","})
        assert all("not an optimizer" not in note for note in notes), (n, notes)


def test_a_practice_set_of_one_bad_name_sixty_times_says_it_once():
    p, notes = parse_practice({"set": ",".join(["nope"] * 60)})
    assert list(p.exercises) == practice.ids()
    assert notes.count("set: nope is not an exercise; left out") == 1 and len(notes) == 2


def test_many_bad_names_make_one_note_that_counts_the_rest():
    _, notes = parse_practice({"set": ",".join(f"bad{i}" for i in range(MAX_SET + 10))})
    assert notes[0] == f"set lists {MAX_SET + 10} names; only the first {MAX_SET} are read"
    assert notes[1] == f"set: bad0, bad1, bad2 and {MAX_SET - 3} more are not exercises; left out"
    assert len(notes) == 3  # and: names no exercise, showing all of them


def test_listed_keeps_order_skips_empty_entries_and_says_each_problem_once():
    names, notes = listed("opt", "sgd,,adam, sgd ,foo,foo,adam", optim.names(), ("an optimizer", "optimizers"), 20)
    assert names == ["sgd", "adam"]
    assert notes == ["opt: foo is not an optimizer; left out", "opt: sgd and adam are listed more than once; taken once"]


@pytest.mark.parametrize(("raw", "steps", "note"), [
    ("１０００", 1000, "steps: full-width characters read as 1000"),
    ("５０００", 1000, "steps: full-width characters read as 5000; steps=5000 is out of range; using 1000"),
    ("١٠٠٠", None, "is not a number written with 0-9"),  # Arabic-Indic digits: float() reads them, we do not
    ("१००", None, "is not a number written with 0-9"),  # Devanagari
])
def test_digits_other_than_ascii_are_never_read_silently(raw, steps, note):
    s, notes = settings.parse({"surface": "bowl", "steps": raw})
    default = settings.parse({"surface": "bowl"})[0].steps
    assert s.steps == (steps if steps is not None else default)
    assert len(notes) == 1 and note in notes[0]


def test_full_width_signs_and_points_are_read_with_a_note():
    assert Number(-10, 10).read("x0", "－０．５", 0.0) == (-0.5, "x0: full-width characters read as -0.5")
    assert Number(-10, 10).read("x0", "-0.5", 0.0) == (-0.5, None)
    view, note = View().read("view", "－１，１，－２，２", ((-3.0, 3.0), (-3.0, 3.0)))
    assert view == ((-1.0, 1.0), (-2.0, 2.0)) and note == "view: full-width characters read as -1,1,-2,2"

"""The "take it home" section on every page with an animated picture, under AppTest."""

import pytest

from app_pages import takeaway
from tests.app.test_race_and_lessons import open_page

PAGES = {"descent": "app_pages/descent.py", "race": "app_pages/race.py", "batches": "app_pages/batches.py"}


@pytest.mark.parametrize("name", list(PAGES))
def test_every_picture_offers_html_png_csv_a_gif_and_an_mp4(name):
    at = open_page(PAGES[name], {"steps": "40"} if name != "batches" else {"epochs": "2"})
    labels = [b.label for b in at.get("download_button")]
    assert {"Animated page (HTML)", "Step 0 (PNG)", "Every step (CSV)"} <= set(labels)
    at.button(key=f"gif.{name}").click().run()
    assert not at.exception
    labels = [b.label for b in at.get("download_button")]
    assert any(label.startswith("GIF (") for label in labels) and any(label.startswith("MP4 (") for label in labels)
    assert not [b for b in at.button if b.key == f"gif.{name}"]  # the download took the button's place


def test_finished_movies_are_kept_for_the_same_run_and_the_cache_is_bounded_in_entries_and_bytes():
    movies = takeaway._Movies(2, max_bytes=100)
    for i in range(3):
        movies.put(i, {"gif": b"x", "mp4": b"y"})
    assert movies.get(0) is None and movies.get(2) == {"gif": b"x", "mp4": b"y"} and len(movies.items) == 2
    movies.put("big", {"gif": b"x" * 98, "mp4": b"y"})
    assert list(movies.items) == ["big"] and movies.bytes == 99  # the bytes bound evicted the rest
    at = open_page(PAGES["descent"], {"steps": "33"})
    at.button(key="gif.descent").click().run()
    again = open_page(PAGES["descent"], {"steps": "33"})  # another visitor, the same run
    assert any(b.label.startswith("GIF (") for b in again.get("download_button"))


@pytest.mark.parametrize("name", ["descent", "race"])
def test_the_run_as_code_in_pytorch_and_in_numpy(name):
    at = open_page(PAGES[name], {"steps": "40"})
    assert [t.label for t in at.tabs][-2:] == ["PyTorch", "NumPy"]
    scripts = [c.value for c in at.code if c.value.startswith("import math")]
    assert len(scripts) == 2
    torch_code, numpy_code = scripts
    assert "torch.optim." in torch_code and "torch" not in numpy_code and "def grad(p" in numpy_code
    keys = {b.key for b in at.get("download_button")}
    assert {f"py.torch.{name}", f"py.numpy.{name}"} <= keys


def test_a_surface_without_code_says_so_in_both_tabs():
    at = open_page(PAGES["descent"], {"opt": "adam", "bc": "0"})  # torch has no Adam without bias correction
    assert any("bias correction" in c.value for c in at.caption)
    assert any("def run_adam" in c.value for c in at.code)  # the NumPy script writes it out all the same


def test_the_lab_takes_home_the_run_where_its_sliders_rest():
    at = open_page("app_pages/learning_rate.py", {"surface": "ravine", "opt": "momentum", "lr": "0.05",
                                                  "momentum": "0.8", "steps": "40", "sched": "cosine"})
    assert not at.exception
    labels = [b.label for b in at.get("download_button")]
    assert {"Animated page (HTML)", "Step 40 (PNG)", "Every step (CSV)"} <= set(labels)
    torch_code = next(c.value for c in at.code if "torch.optim." in c.value)
    # the live picture's run: its rate and knob, a constant rate (the schedule is the lower part's)
    assert "lr=0.05" in torch_code and "momentum=0.8" in torch_code and "lr_scheduler" not in torch_code
    at.button(key="gif.lab").click().run()
    assert not at.exception and any(b.label.startswith("GIF (") for b in at.get("download_button"))


def test_the_basins_map_offers_its_page_a_png_and_every_start():
    at = open_page("app_pages/basins.py", {"surface": "himmelblau", "n": "40", "steps": "100"})
    assert not at.exception
    keys = {b.key for b in at.get("download_button")}
    assert {"html.basins", "png.basins", "csv.basins"} <= keys

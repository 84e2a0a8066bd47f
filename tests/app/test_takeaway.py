"""The "take it home" section on every page with an animated picture, under AppTest."""

import pytest

from app_pages import takeaway
from tests.app.test_race_and_lessons import open_page

PAGES = {"descent": "app_pages/descent.py", "race": "app_pages/race.py", "batches": "app_pages/batches.py"}


@pytest.mark.parametrize("name", list(PAGES))
def test_every_picture_offers_html_png_csv_and_a_gif(name):
    at = open_page(PAGES[name], {"steps": "40"} if name != "batches" else {"epochs": "2"})
    labels = [b.label for b in at.get("download_button")]
    assert {"Animated page (HTML)", "Step 0 (PNG)", "Every step (CSV)"} <= set(labels)
    at.button(key=f"gif.{name}").click().run()
    assert not at.exception
    assert any(label.startswith("GIF (") for label in (b.label for b in at.get("download_button")))
    assert not [b for b in at.button if b.key == f"gif.{name}"]  # the download took the button's place


def test_a_finished_gif_is_kept_for_the_same_run_and_the_cache_is_bounded():
    gifs = takeaway._Gifs(2)
    for i in range(3):
        gifs.put(i, b"x")
    assert gifs.get(0) is None and gifs.get(2) == b"x" and len(gifs.items) == 2
    at = open_page(PAGES["descent"], {"steps": "33"})
    at.button(key="gif.descent").click().run()
    again = open_page(PAGES["descent"], {"steps": "33"})  # another visitor, the same run
    assert any(b.label.startswith("GIF (") for b in again.get("download_button"))

"""Basins of attraction: which minimum each start reaches, from a whole grid of starts at once."""

from __future__ import annotations

import streamlit as st

import lessons
import optim
import settings
from app_pages import controls as ui
from app_pages import state, takeaway
from settings.basins import WORK_BUDGET, BasinsSettings, grid_range, max_n
from viz import basins as basin_figures
from viz import export


@st.cache_data(max_entries=16, show_spinner="Running every start…")
def run(b: BasinsSettings) -> optim.Basins:
    """One engine run over n × n starts, keyed on the settings that change it."""
    s = b.run
    return optim.basins(s.landscape, s.rule(), b.n, s.steps)


@st.cache_data(max_entries=16, show_spinner=False)
def figure(b: BasinsSettings, font_size: int, height: int = 540) -> dict:
    """The map, 540 px tall: it and its key fit a 720-line screen's first screen."""
    s = b.run
    _, _, lines = ui.surface_layer(s.surface, s.f, s.view)
    return basin_figures.basin_figure(s.landscape, run(b), lines, height=height, font_size=font_size)


def on_surface() -> None:
    fresh = settings.defaults(st.session_state["surface"], st.session_state["opt"])
    st.session_state.update({"lr": fresh.lr, "steps": fresh.steps, "n": grid_range(fresh.surface)[2]})


def on_opt() -> None:
    """The new optimizer's own rate, unless the open lesson set the rate and the new optimizer takes it."""
    ss = st.session_state
    if not lessons.keeps_rate(state.lesson(), "basins", ss["opt"], ss["lr"]):
        ss["lr"] = settings.defaults(ss["surface"], ss["opt"]).lr


def controls(b: BasinsSettings, hide: set) -> None:
    sb = st.sidebar
    ui.surface_and_optimizer(sb, b.run, hide, on_surface, on_opt)
    ui.learning_rate(sb, hide)
    ui.knobs(sb, b.run.opt, hide)
    if "steps" not in hide:
        sb.slider("Steps", 1, settings.MAX_PAGE_STEPS, key="steps")
    if "n" not in hide:
        low, high, _ = grid_range(b.run.surface)
        sb.slider("Starts per side", low, high, key="n", step=10,
                  help="The map runs n × n starts in one vectorized engine run.")


def open_on_descent(b: BasinsSettings, selection) -> None:
    """A click on the map opens that start on the descent page, with this optimizer and its knobs."""
    points = selection.selection.points if selection else []
    if points:
        x, y = (float(f"{points[0][axis]:.3g}") for axis in ("x", "y"))
        query = {**settings.to_query(b.run), "x0": str(x), "y0": str(y)}
        st.switch_page(ui.page_file("descent"), query_params={**query, **state.link_view()})


def take_home(b: BasinsSettings, fig: dict) -> None:
    s = b.run
    caption = f"Basins of attraction · {s.landscape.title} · {ui.rule_label(s.opt)}, {s.steps} steps"
    map_run, lines = run(b), ui.surface_layer(s.surface, s.f, s.view)[2]
    takeaway.map_section("basins", caption, fig, lambda: export.basins_png(s.landscape, map_run, lines, caption),
                         lambda: export.basins_csv(map_run))


def about(b: BasinsSettings) -> str:
    return (f"Each of the {b.n * b.n:,} starts on a {b.n} × {b.n} grid is coloured by the minimum "
            f"{ui.rule_label(b.run.opt)} reaches from there in {b.run.steps} steps. "
            "Click the map to watch one start on the descent page.")


def heading(b: BasinsSettings, notes) -> None:
    """The title, then what the map shows (under the map when presenting: the map and its key fill
    a projector's first screen) and why its grid is capped, if it is."""
    ui.lesson_caption("basins")
    st.markdown(f"### Basins of attraction · {b.run.landscape.title}")
    if not state.presenting():
        st.caption(about(b))
    ui.show_notes(notes)
    most = max_n(b.run)
    if most < grid_range(b.run.surface)[1]:
        st.caption(f"With {b.run.steps} steps a map has at most {most} × {most} starts: one map computes at most "
                   f"{WORK_BUDGET / 1e6:.0f} million sample-steps, so that no link keeps the server busy for long"
                   + (f" (a step of this formula costs {settings.basins.step_cost(b.run):.3g} of them, measured)."
                      if b.run.surface == settings.CUSTOM else "."))


def picture(b: BasinsSettings) -> dict:
    """The map; a click on it opens that start on the descent page."""
    fig = figure(b, ui.font_size())
    selection = ui.chart(fig, "basins", on_select="rerun", selection_mode="points")
    if state.presenting():
        st.caption(about(b))
    open_on_descent(b, selection)
    return fig


def main() -> None:
    current, notes = state.sync("basins")
    hide = state.hidden()
    controls(current, hide)
    heading(current, notes)
    fig = picture(current)  # the run: cached in ``figure`` (one engine run over the grid)
    take_home(current, fig)


main()

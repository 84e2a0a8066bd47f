"""plotly.js's array-attribute crawl, done once per trace type (app_pages/schema_cache.js), answers as
plotly.js's own does for every trace of every chart the pages draw, for the attributes every trace
shares (caught from plotly.js's own crawl, not exported) and for a colorbar's ticks (left out)."""

import pytest

from support.browser import IDLE

pytestmark = pytest.mark.e2e

INSTALLED = "() => !!(window.Plotly && Plotly.PlotSchema.__downhillOriginal)"
COMPARE = """() => { const s = Plotly.PlotSchema, same = (t) => JSON.stringify(s.findArrayAttributes(t)) ===
    JSON.stringify(s.__downhillOriginal(t));
  const traces = [...document.querySelectorAll('.js-plotly-plot')].flatMap((gd) => gd._fullData);
  // the attributes every trace has, and a colorbar's tick arrays (plotly.js leaves those out)
  const shared = {...traces[0], customdata: [1, 2], ids: ['a', 'b'],
                  marker: {...traces[0].marker, colorbar: {tickvals: [1, 2], ticktext: ['a', 'b']}}};
  return {charts: document.querySelectorAll('.js-plotly-plot').length, traces: traces.length,
          types: [...new Set(traces.map((t) => t.type))].sort(),
          differ: traces.filter((t) => !same(t)).map((t) => t.name || t.type),
          arrays: traces.reduce((n, t) => n + s.findArrayAttributes(t).length, 0),
          shared: same(shared) && s.findArrayAttributes(shared).includes('customdata') &&
                  !s.findArrayAttributes(shared).includes('marker.colorbar.tickvals')}; }"""


@pytest.mark.parametrize(("path", "charts", "types"), [
    ("/", 2, ["scatter", "surface"]),  # the picture and the 3D view
    ("/race?steps=40", 2, ["scatter", "surface"]),
    ("/learning_rate?part=line", 1, ["scatter"]),
    ("/batches?epochs=2", 1, ["scatter"]),
])
def test_the_cached_crawl_answers_as_plotly_js_does(page, app_url, errors, path, charts, types):
    page.goto(app_url + path)
    page.wait_for_function(INSTALLED, timeout=60_000)
    page.wait_for_selector(IDLE, timeout=60_000)
    page.wait_for_function(f"() => document.querySelectorAll('.js-plotly-plot').length >= {charts}", timeout=60_000)
    got = page.evaluate(COMPARE)
    assert got["differ"] == [] and got["shared"], got
    assert set(types) <= set(got["types"]) and got["arrays"] > got["traces"], got  # the traces hold arrays
    assert errors == []

"""What a class sees of a page's pictures, measured in the browser: every text plotly.js drew (axis
titles, tick labels, annotations, the numbers box, the scrubber's labels, buttons, legends) as a box
in CSS pixels, which of them overlap or are cut by their figure's edge, the plot areas' sizes, and
LaTeX wider than its column. Used by tests/e2e/test_layout_browser.py and, as a script, to measure:

    python -m tests.e2e.layout descent "?present=1" 1280x720 [race "" 390x844 ...]
"""

from __future__ import annotations

import sys

from support.browser import IDLE, LAB_READY, SETTLED

# Every visible SVG text of every chart, the numbers boxes (shapes drawn under a text trace), and
# each chart's figure box. A text's box is the union of its glyphs' boxes (getBoundingClientRect of
# the <text>, which covers its tspans).
MEASURE = r"""() => {
  const box = (r) => ({x: r.left, y: r.top, w: r.width, h: r.height});
  const shown = (el) => {
    for (let e = el; e && e.nodeType === 1; e = e.parentNode) {
      const cs = getComputedStyle(e);
      if (cs.display === 'none' || cs.visibility === 'hidden' || Number(cs.opacity) === 0) return false;
      if (e.classList && e.classList.contains('hoverlayer')) return false;
    }
    const cs = getComputedStyle(el);  // plotly.js writes a colour's alpha as fill-opacity
    return Number(cs.fillOpacity) > 0 && !/rgba\(.*,\s*0\)$/.test(cs.fill);
  };
  const kind = (t) => {
    for (const [sel, name] of [['.g-xtitle,.g-x2title,.g-x3title,.g-x4title,.g-x5title', 'x title'],
                                ['.g-ytitle,.g-y2title,.g-y3title,.g-y4title,.g-y5title', 'y title'],
                                ['.xtick', 'x tick'], ['.ytick', 'y tick'], ['.annotation', 'annotation'],
                                ['.textpoint', 'text trace'], ['.slider-label-group', 'slider label'],
                                ['.slider-current-value', 'slider value'], ['.updatemenu-item-text', 'button'],
                                ['.legendtext', 'legend'], ['.gtitle', 'title']]) {
      if (t.closest(sel)) return name;
    }
    return 'text';
  };
  return Array.from(document.querySelectorAll('.js-plotly-plot')).filter(gd => gd.offsetParent !== null).map(gd => {
    const key = (gd.closest('[class*=st-key-]') || {className: ''}).className.match(/st-key-([\w-]+)/);
    const fig = gd.querySelector('.main-svg').getBoundingClientRect();
    const texts = [];
    gd.querySelectorAll('svg.main-svg text').forEach(t => {
      const s = (t.textContent || '').trim();
      if (!s || !shown(t)) return;
      const r = t.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) return;
      texts.push({text: s.slice(0, 40), kind: kind(t), ...box(r), size: parseFloat(getComputedStyle(t).fontSize)});
    });
    // an opaque shape is a numbers box; a translucent one (the sweep's zone bands) is not
    const boxes = Array.from(gd.querySelectorAll('.shapelayer path'))
      .filter(p => Number(getComputedStyle(p).opacity) * Number(getComputedStyle(p).fillOpacity || 1) >= 0.5)
      .map(p => box(p.getBoundingClientRect())).filter(b => b.w > 40 && b.h > 20);
    const areas = {};
    gd.querySelectorAll('.nsewdrag').forEach(d => {
      areas[d.getAttribute('data-subplot')] = box(d.getBoundingClientRect()); });
    const play = Array.from(gd.querySelectorAll('.updatemenu-button')).map(b => box(b.getBoundingClientRect()));
    const rail = gd.querySelector('.slider-rail-rect');
    return {key: key ? key[1] : '', figure: box(fig), texts, boxes, areas, buttons: play,
            rail: rail ? box(rail.getBoundingClientRect()) : null};
  });
}"""

# LaTeX (KaTeX) wider than what holds it: cut off or scrolled out of sight
LATEX = r"""() => Array.from(document.querySelectorAll('.katex-display, [data-testid=stMarkdownContainer] .katex'))
  .filter(k => k.offsetParent !== null).map(k => {
    const holder = k.closest('[data-testid=stMarkdownContainer], [data-testid=stElementContainer]') || k.parentNode;
    const inner = k.querySelector('.katex-html') || k;
    const r = inner.getBoundingClientRect(), h = holder.getBoundingClientRect();
    return {text: k.textContent.slice(0, 40), right: r.right, holder: h.right, left: r.left, holder_left: h.left,
            scrolled: k.scrollWidth > k.clientWidth + 4};  // KaTeX's struts overhang by a pixel or two
  }).filter(k => k.scrolled || k.right > k.holder + 4 || k.left < k.holder_left - 4)"""


def _overlap(a: dict, b: dict) -> float:
    w = min(a["x"] + a["w"], b["x"] + b["w"]) - max(a["x"], b["x"])
    h = min(a["y"] + a["h"], b["y"] + b["h"]) - max(a["y"], b["y"])
    return max(w, 0) * max(h, 0)


def _inside(inner: dict, outer: dict, slack: float = 1.0) -> bool:
    return (inner["x"] >= outer["x"] - slack and inner["y"] >= outer["y"] - slack
            and inner["x"] + inner["w"] <= outer["x"] + outer["w"] + slack
            and inner["y"] + inner["h"] <= outer["y"] + outer["h"] + slack)


def problems(charts: list[dict], viewport: dict | None = None) -> list[str]:
    """Every overlap of two texts, text cut by its figure's edge (or the window's sides), a text
    under a numbers box that is not its own, and a numbers text spilling out of its box."""
    found = []
    for chart in charts:
        name, texts, fig = chart["key"] or "chart", chart["texts"], chart["figure"]
        for i, a in enumerate(texts):
            if not _inside(a, fig):
                found.append(f"{name}: {a['kind']} {a['text']!r} cut by the figure's edge")
            if viewport and (a["x"] < -1 or a["x"] + a["w"] > viewport["width"] + 1):
                found.append(f"{name}: {a['kind']} {a['text']!r} beyond the window's side")
            for b in texts[i + 1:]:
                # glyph boxes include the font's ascent and descent: a pixel or two of touching is not overlap
                if _overlap(_shrunk(a), _shrunk(b)) > 0:
                    found.append(f"{name}: {a['kind']} {a['text']!r} overlaps {b['kind']} {b['text']!r}")
            for box in chart["boxes"]:
                if a["kind"] == "text trace":
                    if _overlap(a, box) > 0 and not _inside(a, box, 2):
                        found.append(f"{name}: {a['text']!r} spills out of its box")
                elif _overlap(_shrunk(a), box) > 0:
                    found.append(f"{name}: {a['kind']} {a['text']!r} under a numbers box")
    return found


def _shrunk(a: dict, by: float = 0.15) -> dict:
    """The box without the font's ascent/descent slack (vertical) and a pixel either side."""
    return {"x": a["x"] + 1, "w": max(a["w"] - 2, 0), "y": a["y"] + by * a["h"], "h": a["h"] * (1 - 2 * by)}


# the charts' boxes: when they stay put while the page is idle, the page has settled
BOXES = """() => Array.from(document.querySelectorAll('.js-plotly-plot .main-svg')).map(s => {
  const r = s.getBoundingClientRect(); return [Math.round(r.width), Math.round(r.height)].join('x'); }).join(' ')"""


def settle(page, timeout: int = 120_000) -> None:
    """The page finished its runs and its charts are drawn. A page with the animated picture says so
    itself (its bridge found the picture fitting the screen, support/browser.SETTLED), the lab when its
    live picture is ready; another page is given 2 s to start its run. Then the charts' sizes must stay
    the same twice in a row, 0.7 s apart."""
    page.wait_for_selector(IDLE, timeout=timeout)
    if page.query_selector(".st-key-picture, .st-key-lab") is None:
        page.wait_for_timeout(2000)
    if page.query_selector(".st-key-picture"):
        page.wait_for_function(SETTLED, timeout=timeout)
    elif page.query_selector(".st-key-lab"):
        page.wait_for_function(LAB_READY, timeout=timeout)
    last = None
    for _ in range(timeout // 700):
        page.wait_for_selector(IDLE, timeout=timeout)
        now = page.evaluate(BOXES)
        if now == last:
            break
        last = now
        page.wait_for_timeout(700)


def measure(page) -> list[dict]:
    return page.evaluate(MEASURE)


def main(argv: list[str]) -> None:
    from playwright.sync_api import sync_playwright

    from support.serve import CHROMIUM_ARGS, chromium_path, running_app

    with running_app() as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        for i in range(0, len(argv), 3):
            _report(browser, url, *argv[i:i + 3])
        browser.close()


def _report(browser, url: str, path: str, query: str, size: str) -> None:
    w, h = map(int, size.split("x"))
    page = browser.new_page(viewport={"width": w, "height": h})
    page.goto(f"{url}/{'' if path == 'descent' else path}{query}")
    settle(page)
    print(f"== {path}{query} at {size}")
    if True:
        charts = measure(page)
        for chart in charts:
            sizes = sorted({round(t["size"], 1) for t in chart["texts"] if t["kind"] == "text trace"})
            print(chart["key"], "figure", {k: round(v) for k, v in chart["figure"].items()},
                  "numbers font", sizes)
            for name, a in chart["areas"].items():
                print(f"  plot {name}: {a['w']:.0f}×{a['h']:.0f} at y {a['y']:.0f}  ({a['h'] / h:.0%} of the window)")
            if chart["buttons"]:
                print(f"  lowest button bottom {max(b['y'] + b['h'] for b in chart['buttons']):.0f} of {h}")
        for line in problems(charts, {"width": w, "height": h}) + [f"latex cut: {k}" for k in page.evaluate(LATEX)]:
            print("  !", line)
    page.close()


if __name__ == "__main__":
    main(sys.argv[1:])

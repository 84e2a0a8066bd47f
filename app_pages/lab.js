// The learning-rate lab's bridge: while a slider of the live picture is dragged, redraw the path, its
// end, the loss curve and the numbers from the arrays the figure carries (layout.meta.lab, see
// viz/lab.py), with no server round trip; once the sliders rest, report the rate and the knob's value
// so the URL follows. No user text reaches this code: it reads the figure's own numbers and words.
export default function (component) {
  window.__downhillLab = { data: component.data, send: component.setTriggerValue };
  if (!window.__downhillLabWatch) {
    window.__downhillLabWatch = setInterval(watch, 250);
    for (const type of ["pointerup", "pointercancel"]) window.addEventListener(type, () => release());
  }
  watch();
}

const still = { mode: "immediate", frame: { duration: 0, redraw: false }, transition: { duration: 0 } };

function watch() {
  cacheArrayAttributes(); // schema_cache.js
  const bridge = window.__downhillLab;
  const gd = bridge && document.querySelector(`.st-key-${bridge.data.chart} .js-plotly-plot`);
  if (!gd || !gd.on || !gd.layout || !gd.layout.meta || !gd.layout.meta.lab) return;
  if (gd.__downhillLab) return;
  gd.__downhillLab = unpack(gd.layout.meta.lab); // packed.js
  // a phone: ask for the stacked picture (and back, if the window grows)
  const narrow = gd.getBoundingClientRect().width < bridge.data.narrow_below;
  if (narrow !== bridge.data.narrow) bridge.send("narrow", narrow);
  gd.on("plotly_sliderchange", (e) => { redraw(gd); if (e.interaction) report(gd); });
  // while the pointer holds a slider the drag goes on, however long it pauses (a busy machine draws a
  // move in more than the rest's 0.4 s): the report waits for the release
  gd.addEventListener("pointerdown", () => { const h = hold(); h.held = true; clearTimeout(h.timer); }, true);
  gd.setAttribute("data-lab", "ready");
}

// Where the sliders stand: plotly.js moves a slider in gd.layout before it emits plotly_sliderchange,
// while gd._fullLayout.sliders is by then an older copy (each Plotly.animate rebuilds it) that
// catches up only at the next redraw: read from it, the picture lagged one move behind the slider.
function active(gd) {
  const sliders = gd.layout.sliders || [];
  const find = (name) => sliders.find((s) => s.name === name);
  const rate = find("lr"), knob = find("knob");
  return { i: rate ? rate.active : 0, j: knob ? knob.active : 0 };
}

// Run (j, i) as viz/lab_payload.py packed it: its path's vertices (every turn; a missing vertex breaks
// the line where the run was far outside), its end and where it left the view (NaN: none), and its
// loss curve's (step, level) vertices on the loss axis's fixed range (log10 of the loss on a log axis).
function redraw(gd) {
  const started = performance.now();
  const lab = gd.__downhillLab, { i, j } = active(gd);
  const run = j * lab.n + i;
  const path = pathOf(lab.pathStarts, lab.paths, run, lab), curve = curveOf(lab, run); // packed.js
  const at = (arr) => ({ x: [arr[2 * run]], y: [arr[2 * run + 1]] });
  // an animation frame of zero length, not restyle: it redraws only these traces, not the whole figure
  Plotly.animate(gd, {
    data: [path, at(lab.ends), curve, { text: [lab.texts[j][i]] }, at(lab.exits)],
    traces: lab.traces,
  }, still).then(() => {
    // drawn: how long from the slider's move to the picture (bench/pages.py and the browser test read it)
    gd.setAttribute("data-run", `${j},${i}`);
    gd.setAttribute("data-redraw-ms", String(performance.now() - started));
  }, () => {}); // a newer move interrupted this one: nothing to report
}

// Kept on window, not in this module: the listeners outlive a module evaluated again on a later run.
// due: the figure whose sliders moved and are not reported yet.
const hold = () => (window.__downhillLabHold = window.__downhillLabHold || { timer: null, held: false, due: null });

function release() {
  const h = hold();
  if (!h.held) return;
  h.held = false;
  if (h.due) report(h.due);
}

function report(gd) {
  const h = hold();
  clearTimeout(h.timer);
  h.due = gd;
  if (h.held) return;
  h.timer = setTimeout(() => {
    h.due = null;
    const { i, j } = active(gd);
    window.__downhillLab.send("pick", { i, j });
    gd.setAttribute("data-reported", `${j},${i}`);
  }, 400);
}

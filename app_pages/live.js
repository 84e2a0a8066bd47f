// The descent page's live knobs: while η (or the momentum-like knob) is dragged, redraw the player's
// picture at its current step from the grid of runs this component carries (app_pages/live.py,
// viz/live_player.py): the whole path, the line so far, the point, the arrows, the curvature cross, the
// loss curve and its marker, the numbers box; no server round trip. Once the slider rests, report where
// it stands ("pick"): the page then runs that rate, its URL and sidebar follow, and Play plays it.
// Until then the player's own controls wait (their frames are the old run's). No user text reaches
// this code: it reads the payload's own numbers and words.
const still = { mode: "immediate", frame: { duration: 0, redraw: false }, transition: { duration: 0 } };
const REST_MS = 400;

export default function (component) {
  const { data, setTriggerValue, parentElement } = component;
  const bridge = (window.__downhillLive = window.__downhillLive || {});
  bridge.data = data;
  bridge.send = setTriggerValue;
  bridge.live = decode(data.live);
  // the server's position, unless the learner is still dragging or the answer to the last report is yet
  // to come (this run answers an earlier one): a rerun never moves the slider under the learner's hand
  const { i, j } = data.at, sent = bridge.sent;
  if (!bridge.dragging && (!sent || (sent.i === i && sent.j === j))) {
    bridge.pos = { i, j };
    bridge.sent = null;
  }
  render(parentElement, bridge);
  const gd = chart(bridge);
  if (gd && gd.layout && own(bridge)) waiting(gd, false); // the page now runs what the picture shows
  if (!window.__downhillLiveWatch) window.__downhillLiveWatch = setInterval(watch, 250);
  watch();
}

function decode(live) {
  const bytes = (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0)).buffer;
  return {
    ...live,
    paths: new Int16Array(bytes(live.paths)), pathStarts: new Int32Array(bytes(live.path_starts)),
    curves: new Int16Array(bytes(live.loss.data)), curveStarts: new Int32Array(bytes(live.loss.starts)),
    soFar: new Int16Array(bytes(live.so_far)), soFarStarts: new Int32Array(bytes(live.so_far_starts)),
    ends: new Float32Array(bytes(live.ends)), exits: new Float32Array(bytes(live.exits)),
    points: new Float32Array(bytes(live.points)), lossNow: new Float32Array(bytes(live.loss_now)),
  };
}

const fmt = (v) => String(Number(Number(v).toPrecision(4)));

// The sliders (plain range inputs: a keyboard moves them too), built once per element, set each run.
function render(root, bridge) {
  const { data, live } = bridge;
  let box = root.querySelector(".downhill-live");
  if (!box) {
    box = document.createElement("div");
    box.className = "downhill-live";
    box.innerHTML = `
      <style>
        .downhill-live { font-size: 0.95rem; margin: 0.2rem 0 0.6rem; }
        .downhill-live label { display: block; margin-top: 0.35rem; }
        .downhill-live input { width: 100%; accent-color: #ff5a36; }
        .downhill-live small { opacity: 0.8; }
      </style>
      <label><span data-name="lr"></span><input type="range" step="1" data-knob="lr" aria-label="learning rate η, live"></label>
      <label data-row="knob"><span data-name="knob"></span><input type="range" step="1" data-knob="knob"></label>
      <small data-name="note"></small>`;
    root.appendChild(box);
    box.querySelectorAll("input").forEach((input) => {
      input.addEventListener("input", () => moved(window.__downhillLive, box));
      // the loss axis of every run, set as the hand reaches a slider: the first move then draws at once
      for (const type of ["pointerdown", "focus"]) input.addEventListener(type, () => axis(chart(window.__downhillLive)));
    });
  }
  const rate = box.querySelector('[data-knob="lr"]'), knob = box.querySelector('[data-knob="knob"]');
  rate.max = String(live.lrs.length - 1);
  rate.value = String(bridge.pos.i);
  const row = box.querySelector('[data-row="knob"]');
  row.style.display = data.knob ? "block" : "none";
  if (data.knob) {
    knob.max = String(live.betas.length - 1);
    knob.value = String(bridge.pos.j);
    knob.setAttribute("aria-label", `${data.knob.label}, live`);
  }
  box.querySelector('[data-name="note"]').textContent =
    `Drag for a live picture: η snaps to the nearest of ${live.lrs.length} rates (log-spaced, ` +
    `${fmt(live.lrs[0])} to ${fmt(live.lrs[live.lrs.length - 1])}); the page takes it when you let go.`;
  labels(bridge, box, !bridge.dragging && !bridge.sent);
}

function labels(bridge, box, fromServer) {
  const { data, live, pos } = bridge;
  const lr = fromServer ? data.lr : live.lrs[pos.i];
  box.querySelector('[data-name="lr"]').textContent = `η = ${fmt(lr)} (live)`;
  box.querySelector('[data-knob="lr"]').setAttribute("aria-valuetext", `η = ${fmt(lr)}`);
  if (data.knob) {
    const value = fromServer ? data.knob.value : live.betas[pos.j];
    box.querySelector('[data-name="knob"]').textContent = `${data.knob.label} = ${fmt(value)} (live)`;
    box.querySelector('[data-knob="knob"]').setAttribute("aria-valuetext", `${data.knob.label} = ${fmt(value)}`);
  }
}

function chart(bridge) {
  return document.querySelector(`.st-key-${bridge.data.chart} .js-plotly-plot`);
}

// What this component did to the figure now drawn (its loss axis, the blocks it switched off, whether
// its controls wait): kept with the figure's layout, which a server redraw (Plotly.react) replaces.
function state(gd) {
  if (!gd.__downhillLive || gd.__downhillLive.layout !== gd.layout) {
    gd.__downhillLive = { layout: gd.layout, axis: null, blocksOff: false };
  }
  return gd.__downhillLive;
}

// A new picture from the server: its controls are live again, and if the sliders stand elsewhere (a drag
// went on after a report) their run is drawn on it at once.
function watch() {
  const bridge = window.__downhillLive;
  const gd = bridge && chart(bridge);
  if (!gd || !gd.layout || (gd === bridge.gd && gd.layout === bridge.layout)) return;
  bridge.gd = gd;
  bridge.layout = gd.layout;
  const { i, j } = bridge.data.at;
  if (bridge.pos.i !== i || bridge.pos.j !== j) draw(bridge, gd);
  else waiting(gd, false);
}

let timer = null;
function moved(bridge, box) {
  const rate = box.querySelector('[data-knob="lr"]'), knob = box.querySelector('[data-knob="knob"]');
  bridge.pos = { i: Number(rate.value), j: bridge.data.knob ? Number(knob.value) : 0 };
  labels(bridge, box, false);
  // one drawing per displayed frame: a fast drag's moves between two frames are drawn once, at the last
  if (!bridge.frame) {
    bridge.frame = requestAnimationFrame(() => {
      bridge.frame = null;
      const gd = chart(bridge);
      if (gd && gd.layout) draw(bridge, gd);
    });
  }
  bridge.dragging = true;
  clearTimeout(timer);
  timer = setTimeout(() => rest(bridge), REST_MS);
}

function rest(bridge) {
  const { i, j } = bridge.pos, gd = chart(bridge);
  bridge.dragging = false;
  if (gd) gd.setAttribute("data-live-reported", `${j},${i}`);
  if (own(bridge) && !bridge.sent) return; // back on the page's own run
  bridge.sent = { i, j };
  bridge.send("pick", { i, j });
}

// The loss chart's axis fixed to the range of every run of the grid, once per picture (a frame of an
// animation keeps the axes as they are).
function axis(gd) {
  if (!gd || !gd.layout) return Promise.resolve();
  const mine = state(gd);
  if (!mine.axis) mine.axis = Plotly.relayout(gd, window.__downhillLive.live.loss_axis);
  return mine.axis;
}

// Whether the sliders stand on the run the page ran (its rate is the grid's, as the page rounds it).
function own({ pos, data, live }) {
  return pos.i === data.at.i && pos.j === data.at.j && fmt(live.lrs[pos.i]) === fmt(data.lr);
}

// The player's controls wait while the picture shows a run the page has not run yet.
function waiting(gd, on) {
  gd.__downhillStale = on;
  gd.querySelectorAll(".slider-container, .updatemenu-container").forEach((el) => {
    el.style.pointerEvents = on ? "none" : "";
    el.style.opacity = on ? "0.45" : "";
  });
}

function path(starts, verts, run, live) {
  const xs = [], ys = [];
  for (let v = starts[run]; v < starts[run + 1]; v++) {
    const qx = verts[2 * v], qy = verts[2 * v + 1];
    const off = qx === live.missing || qy === live.missing;
    xs.push(off ? NaN : live.origin[0] + (qx / live.quant) * live.size[0]);
    ys.push(off ? NaN : live.origin[1] + (qy / live.quant) * live.size[1]);
  }
  return { x: xs, y: ys };
}

function curve(live, run) {
  const steps = [], loss = [], [low, high] = live.loss.range;
  for (let v = live.curveStarts[run]; v < live.curveStarts[run + 1]; v++) {
    const step = live.curves[2 * v], q = live.curves[2 * v + 1];
    const off = step === live.missing || q === live.missing;
    const value = low + (q / live.loss.levels) * (high - low);
    steps.push(off ? NaN : step);
    loss.push(off ? NaN : live.loss.log ? Math.pow(10, value) : value);
  }
  return { x: steps, y: loss };
}

// Run (j, i) of the grid at the player's step, drawn by one animation frame of zero length (it redraws
// only these traces, not the whole figure).
function draw(bridge, gd) {
  const started = performance.now();
  const { live, pos, data } = bridge, t = data.traces;
  const run = pos.j * live.lrs.length + pos.i;
  const at = (arr) => ({ x: [arr[2 * run]], y: [arr[2 * run + 1]] });
  const parts = [];
  const put = (index, value) => { if (index !== null && index !== undefined) parts.push([index, value]); };
  put(t.whole, path(live.pathStarts, live.paths, run, live));
  put(t.end, at(live.ends));
  put(t.exit, at(live.exits));
  const loss = curve(live, run);
  t.loss.forEach((index) => put(index, loss));
  const mine = state(gd);
  if (!mine.blocksOff) t.blocks.forEach((index) => put(index, { opacity: 0 })); // the tail holds it all
  mine.blocksOff = true;
  const line = path(live.soFarStarts, live.soFar, run, live);
  t.tails.forEach((index) => put(index, line));
  put(t.point, at(live.points));
  put(t.marker, { x: [live.k], y: [live.lossNow[run]] });
  for (const [kind, index] of Object.entries(t.arrows)) {
    put(index, live.arrows[kind] ? live.arrows[kind][run] : { x: [], y: [] });
  }
  t.cross.forEach((index, c) => put(index, live.cross[c] ? live.cross[c][run] : { x: [], y: [] }));
  put(t.numbers, { text: [live.texts[run]] });
  waiting(gd, !own(bridge));
  axis(gd).then(() => Plotly.animate(gd, { data: parts.map((p) => p[1]), traces: parts.map((p) => p[0]) }, still))
    .then(() => {
      // drawn: how long from the slider's move to the picture (the browser test and bench read it)
      gd.setAttribute("data-live-run", `${pos.j},${pos.i}`);
      gd.setAttribute("data-live-ms", String(performance.now() - started));
    }, () => {}); // a newer move interrupted this one: nothing to report
}

// Live knobs for the player's picture (the descent page: η and the momentum-like knob; the race: each
// racer's η): while a slider is dragged, redraw its lane at the player's current step from the grid of
// runs this component carries (app_pages/live.py, viz/live_player.py): the whole path, the line so far,
// the point, the loss curve and its marker, the numbers (and on the descent page the arrows and the
// curvature cross); no server round trip. Once the slider rests, report where it stands ("pick"): the
// page then runs that rate, its URL and sidebar follow, and Play plays it. Until then the player's own
// controls wait (their frames are the old run's). No user text reaches this code: it reads the
// payload's own numbers and words.
const still = { mode: "immediate", frame: { duration: 0, redraw: false }, transition: { duration: 0 } };
const REST_MS = 400;

export default function (component) {
  const { data, setTriggerValue, parentElement } = component;
  const bridge = (window.__downhillLive = window.__downhillLive || {});
  const before = bridge.lanes || [];
  bridge.data = data;
  bridge.send = setTriggerValue;
  bridge.lanes = data.lanes.map((lane, n) => {
    const was = before[n] && before[n].label === lane.label ? before[n] : {};
    // the server's position, unless the learner is still dragging or the answer to the last report is yet
    // to come (this run answers an earlier one): a rerun never moves a slider under the learner's hand
    const { i, j } = lane.at, sent = was.sent;
    const adopt = !was.dragging && (!sent || (sent.i === i && sent.j === j));
    return { ...lane, live: decode(lane.live), pos: adopt || !was.pos ? { i, j } : was.pos,
             sent: adopt ? null : sent, dragging: !!was.dragging };
  });
  render(parentElement, bridge);
  const gd = chart(bridge);
  if (gd && gd.layout && bridge.lanes.every(own)) waiting(gd, false); // the page now runs what it shows
  if (!window.__downhillLiveWatch) window.__downhillLiveWatch = setInterval(watch, 250);
  watch();
}

function decode(live) { // unpack: packed.js
  return unpack(live, { soFar: ["so_far", Int16Array], soFarStarts: ["so_far_starts", Int32Array],
                        points: ["points", Float32Array], lossNow: ["loss_now", Float32Array] });
}

const fmt = (v) => String(Number(Number(v).toPrecision(4)));

// The sliders (plain range inputs: a keyboard moves them too), built once per set of lanes, set each run.
function render(root, bridge) {
  const shape = bridge.lanes.map((lane) => `${lane.label}:${!!lane.knob}`).join("|");
  let box = root.querySelector(".downhill-live");
  if (!box || box.dataset.shape !== shape) {
    if (box) box.remove();
    box = document.createElement("div");
    box.className = "downhill-live";
    box.dataset.shape = shape;
    box.innerHTML = `
      <style>
        .downhill-live { font-size: 0.95rem; margin: 0.2rem 0 0.6rem; }
        .downhill-live label { display: block; margin-top: 0.35rem; }
        .downhill-live input { width: 100%; }
        .downhill-live small { opacity: 0.8; }
      </style>` + bridge.lanes.map((lane, n) => `
      <label><span data-name="lr-${n}"></span>
        <input type="range" step="1" data-lane="${n}" data-knob="lr" style="accent-color: ${lane.color}"></label>` +
      (lane.knob ? `
      <label><span data-name="knob-${n}"></span>
        <input type="range" step="1" data-lane="${n}" data-knob="knob" style="accent-color: ${lane.color}"></label>` : ""))
      .join("") + `<small data-name="note"></small>`;
    root.appendChild(box);
    box.querySelectorAll("input").forEach((input) => {
      const n = Number(input.dataset.lane);
      input.addEventListener("input", () => moved(window.__downhillLive, box, n));
      // the loss axis of every run, set as the hand reaches a slider: the first move then draws at once
      for (const type of ["pointerdown", "focus"]) input.addEventListener(type, () => axis(chart(window.__downhillLive)));
      // while the pointer holds a slider the drag goes on, however long it pauses: the report waits for the release
      input.addEventListener("pointerdown", () => {
        const bridge = window.__downhillLive;
        bridge.held = n;
        clearTimeout(timers[n]);
        window.addEventListener("pointerup", () => release(bridge, n), { once: true });
        window.addEventListener("pointercancel", () => release(bridge, n), { once: true });
      });
    });
  }
  bridge.lanes.forEach((lane, n) => {
    const rate = box.querySelector(`[data-lane="${n}"][data-knob="lr"]`);
    rate.max = String(lane.live.lrs.length - 1);
    rate.value = String(lane.pos.i);
    if (lane.knob) {
      const knob = box.querySelector(`[data-lane="${n}"][data-knob="knob"]`);
      knob.max = String(lane.live.betas.length - 1);
      knob.value = String(lane.pos.j);
    }
    labels(lane, box, n);
  });
  const { lrs } = bridge.lanes[0].live;
  box.querySelector('[data-name="note"]').textContent = bridge.lanes.length === 1
    ? `Drag for a live picture: η snaps to the nearest of ${lrs.length} rates (log-spaced, ${fmt(lrs[0])} to ` +
      `${fmt(lrs[lrs.length - 1])}); the page takes it when you let go.`
    : `Drag for a live picture: each η snaps to the nearest of ${lrs.length} rates of its racer's useful ` +
      `range (log-spaced); the page takes it when you let go.`;
}

function labels(lane, box, n) {
  const fromServer = !lane.dragging && !lane.sent;
  const lr = fromServer ? lane.lr : lane.live.lrs[lane.pos.i];
  const name = lane.name ? `${lane.name}: η` : "η";
  box.querySelector(`[data-name="lr-${n}"]`).textContent = `${name} = ${fmt(lr)} (live)`;
  const rate = box.querySelector(`[data-lane="${n}"][data-knob="lr"]`);
  rate.setAttribute("aria-label", `${name}, live`);
  rate.setAttribute("aria-valuetext", `${name} = ${fmt(lr)}`);
  if (lane.knob) {
    const value = fromServer ? lane.knob.value : lane.live.betas[lane.pos.j];
    box.querySelector(`[data-name="knob-${n}"]`).textContent = `${lane.knob.label} = ${fmt(value)} (live)`;
    const knob = box.querySelector(`[data-lane="${n}"][data-knob="knob"]`);
    knob.setAttribute("aria-label", `${lane.knob.label}, live`);
    knob.setAttribute("aria-valuetext", `${lane.knob.label} = ${fmt(value)}`);
  }
}

function chart(bridge) {
  return document.querySelector(`.st-key-${bridge.data.chart} .js-plotly-plot`);
}

// What this component did to the figure now drawn (its loss axis, the blocks it switched off): kept
// with the figure's layout, which a server redraw (Plotly.react) replaces.
function state(gd) {
  if (!gd.__downhillLive || gd.__downhillLive.layout !== gd.layout) {
    gd.__downhillLive = { layout: gd.layout, axis: null, blocksOff: new Set() };
  }
  return gd.__downhillLive;
}

// A new picture from the server: its controls are live again, and a lane whose slider stands elsewhere
// (a drag went on after a report) is drawn on it at once.
function watch() {
  cacheArrayAttributes(); // schema_cache.js
  const bridge = window.__downhillLive;
  const gd = bridge && chart(bridge);
  if (!gd || !gd.layout || (gd === bridge.gd && gd.layout === bridge.layout)) return;
  bridge.gd = gd;
  bridge.layout = gd.layout;
  const away = bridge.lanes.map((lane, n) => [lane, n]).filter(([lane]) => lane.pos.i !== lane.at.i || lane.pos.j !== lane.at.j);
  if (away.length) away.forEach(([, n]) => draw(bridge, gd, n));
  else waiting(gd, false);
}

const timers = {};
function moved(bridge, box, n) {
  const lane = bridge.lanes[n];
  const rate = box.querySelector(`[data-lane="${n}"][data-knob="lr"]`);
  const knob = box.querySelector(`[data-lane="${n}"][data-knob="knob"]`);
  lane.pos = { i: Number(rate.value), j: knob ? Number(knob.value) : 0 };
  lane.dragging = true;
  labels(lane, box, n);
  // one drawing per displayed frame: a fast drag's moves between two frames are drawn once, at the last
  bridge.due = (bridge.due || new Set()).add(n);
  if (!bridge.frame) {
    bridge.frame = requestAnimationFrame(() => {
      bridge.frame = null;
      const gd = chart(bridge), due = bridge.due;
      bridge.due = new Set();
      if (gd && gd.layout) due.forEach((m) => draw(bridge, gd, m));
    });
  }
  clearTimeout(timers[n]);
  if (bridge.held !== n) timers[n] = setTimeout(() => rest(bridge, n), REST_MS); // a keyboard's moves: rest when they pause
}

function release(bridge, n) {
  if (bridge.held !== n) return;
  bridge.held = null;
  clearTimeout(timers[n]);
  if (bridge.lanes[n].dragging) timers[n] = setTimeout(() => rest(bridge, n), REST_MS);
}

function rest(bridge, n) {
  const lane = bridge.lanes[n], { i, j } = lane.pos, gd = chart(bridge);
  lane.dragging = false;
  if (gd) gd.setAttribute("data-live-reported", `${n}:${j},${i}`);
  if (own(lane) && !lane.sent) return; // back on the page's own run
  lane.sent = { i, j };
  bridge.send("pick", { lane: n, i, j });
}

// The loss chart's axis fixed to the range of every run of every lane, once per picture (a frame of an
// animation keeps the axes as they are).
function axis(gd) {
  if (!gd || !gd.layout) return Promise.resolve();
  const mine = state(gd);
  if (!mine.axis) mine.axis = Plotly.relayout(gd, window.__downhillLive.data.loss_axis);
  return mine.axis;
}

// Whether a lane's slider stands on the run the page ran (its rate is the grid's, as the page rounds it).
function own(lane) {
  const { pos, at, live, lr } = lane;
  return pos.i === at.i && pos.j === at.j && fmt(live.lrs[pos.i]) === fmt(lr);
}

// The player's controls wait while the picture shows a run the page has not run yet.
function waiting(gd, on) {
  gd.__downhillStale = on;
  gd.querySelectorAll(".slider-container, .updatemenu-container").forEach((el) => {
    el.style.pointerEvents = on ? "none" : "";
    el.style.opacity = on ? "0.45" : "";
  });
}

// The numbers box: the run's whole text (the descent page), or the racer's own line put in its place.
function numbers(gd, lane, run) {
  const text = lane.live.texts[run];
  if (lane.line === null || lane.line === undefined) return { text: [text] };
  const lines = String(gd.data[lane.traces.numbers].text[0]).split("<br>");
  lines[lane.line] = text;
  return { text: [lines.join("<br>")] };
}

// Lane n's run (j, i) of its grid at the player's step, drawn by one animation frame of zero length (it
// redraws only these traces, not the whole figure).
function draw(bridge, gd, n) {
  const started = performance.now();
  const lane = bridge.lanes[n], { live, pos } = lane, t = lane.traces;
  const run = pos.j * live.lrs.length + pos.i;
  const at = (arr) => ({ x: [arr[2 * run]], y: [arr[2 * run + 1]] });
  const parts = [];
  const put = (index, value) => { if (index !== null && index !== undefined) parts.push([index, value]); };
  put(t.whole, pathOf(live.pathStarts, live.paths, run, live));
  put(t.end, at(live.ends));
  put(t.exit, at(live.exits));
  const loss = curveOf(live, run);
  t.loss.forEach((index) => put(index, loss));
  const mine = state(gd);
  t.blocks.filter((index) => !mine.blocksOff.has(index)).forEach((index) => { // the tail holds it all
    put(index, { opacity: 0 });
    mine.blocksOff.add(index);
  });
  const line = pathOf(live.soFarStarts, live.soFar, run, live);
  t.tails.forEach((index) => put(index, line));
  put(t.point, at(live.points));
  put(t.marker, { x: [live.k], y: [live.lossNow[run]] });
  for (const [kind, index] of Object.entries(t.arrows || {})) {
    put(index, live.arrows && live.arrows[kind] ? live.arrows[kind][run] : { x: [], y: [] });
  }
  (t.cross || []).forEach((index, c) => put(index, live.cross && live.cross[c] ? live.cross[c][run] : { x: [], y: [] }));
  put(t.numbers, numbers(gd, lane, run));
  waiting(gd, !bridge.lanes.every(own));
  axis(gd).then(() => Plotly.animate(gd, { data: parts.map((p) => p[1]), traces: parts.map((p) => p[0]) }, still))
    .then(() => {
      // drawn: how long from the slider's move to the picture (the browser test and bench read it)
      gd.setAttribute("data-live-run", bridge.lanes.map((l) => `${l.pos.j},${l.pos.i}`).join(";"));
      gd.setAttribute("data-live-ms", String(performance.now() - started));
    }, () => {}); // a newer move interrupted this one: nothing to report
}

// The bridge between the animated picture (a plotly.js figure drawn by st.plotly_chart) and the
// page: one notion of the current step.
// - The figure's "◀" and "▶" buttons step to the neighbouring frame (plotly.js buttons cannot be
//   relative, so their arguments are pointed at the neighbours just before plotly.js reads them).
// - The speed menu's choice is kept for the Play button.
// - Where the figure stops (Play ends, Pause, a step button, the scrubber) is reported to the
//   server as the trigger "step": the URL, the worked equations and the 3D marker follow.
// - A click on the surface reports where it was, to the pixel ("click"), to move the start there.
// No user text reaches this code: it only reads plotly.js's own layout.
const still = { mode: "immediate", frame: { duration: 0, redraw: false }, transition: { duration: 0 } };

// Each run hands over its data and sender; a watch (every 250 ms) finds the chart's graph div,
// which Streamlit may replace between runs, and attaches to each new one.
export default function (component) {
  window.__downhill = { data: component.data, send: component.setTriggerValue, checked: false };
  if (!window.__downhillWatch) {
    window.__downhillWatch = setInterval(watch, 250);
    window.addEventListener("unhandledrejection", quietInterruptedPlay);
  }
  watch();
}

// Pause during Play: plotly.js rejects Play's Plotly.animate promise (with no reason) when another
// animation interrupts it, and its buttons do not catch that (plotly/plotly.js#5613), so every Pause
// left an "Uncaught (in promise) undefined" in the console. Only that rejection is silenced: no
// reason, and a plotly animation interrupted just before.
function quietInterruptedPlay(event) {
  const since = performance.now() - (window.__downhillInterrupted || -1e9);
  if (event.reason === undefined && since < 1000) event.preventDefault();
}

function slider(gd) {
  return gd._fullLayout && gd._fullLayout.sliders && gd._fullLayout.sliders[0];
}

function current(gd) {
  const s = slider(gd);
  return s ? Number(s.steps[s.active].label) : 0;
}

function watch() {
  cacheArrayAttributes(); // schema_cache.js
  const bridge = window.__downhill;
  if (bridge && bridge.data.pending) return place(bridge);
  const gd = bridge && document.querySelector(`.st-key-${bridge.data.chart} .js-plotly-plot`);
  if (!gd || !gd.on || !slider(gd)) return;
  if (!bridge.checked) {
    bridge.checked = true;
    // this run's step (the bridge reports only another one) and whether clicks move the start
    gd.__downhill = { ...(gd.__downhill || { speed: null }), clickable: bridge.data.clickable, step: bridge.data.step };
    fit(gd, bridge);
  }
  if (!gd.__downhillAttached) {
    gd.__downhillAttached = true;
    gd.__downhill = gd.__downhill || { speed: null, clickable: bridge.data.clickable, step: bridge.data.step };
    listen(gd);
  }
}

// A phone: ask for the stacked picture (and back, if the window grows); otherwise ask for the
// height that fills the screen below the title (a projector's 1080 lines, a laptop's 720).
// Whether this run's picture fits ("fits") or another run was asked for ("asked") is kept on the
// bridge, which each run replaces: a browser test waits for "fits" instead of guessing a delay.
function fit(gd, bridge) {
  const { data, send } = bridge;
  const box = gd.getBoundingClientRect();
  const narrow = box.width < data.narrow_below;
  bridge.fit = "fits";
  if (narrow !== data.narrow) {
    bridge.fit = "asked";
    send("narrow", narrow);
  } else if (!narrow) {
    const wanted = filling(box, data);
    if (Math.abs(wanted - data.height) >= 20) {
      bridge.fit = "asked";
      send("height", wanted);
    }
  }
}

// A first visit: the server held the picture's place (it cannot know the screen), so the picture is
// drawn once, at the size that fits, instead of at a guess and then again.
function place(bridge) {
  const spot = document.querySelector(`.st-key-${bridge.data.chart}`);
  if (bridge.checked || !spot) return;
  bridge.checked = true;
  preloadPlotly(bridge.data.plotly_chunk);
  bridge.fit = "asked";
  const box = spot.getBoundingClientRect();
  const narrow = box.width < bridge.data.narrow_below;
  bridge.send("fit", { narrow, height: narrow ? null : filling(box, bridge.data) });
}

// A first visit: this run only holds the picture's place and draws no chart, so Streamlit would fetch
// its plotly.js chunk only with the next run's picture. Fetched now, it loads while the server runs that
// one. The same URL Streamlit's own lazy import resolves (beside its main module), so the browser loads
// and runs the module once; a chunk that is not there fails quietly and Streamlit fetches its own.
function preloadPlotly(chunk) {
  const main = document.querySelector('script[type="module"][src*="/static/js/"]');
  if (!chunk || !main || window.Plotly) return;
  import(new URL(chunk, main.src).href).catch(() => {});
}

// The picture's height that fills the screen below its top, in steps of 20 px, within the bounds.
function filling(box, data) {
  const room = Math.floor((window.innerHeight - (box.top + window.scrollY) - 8) / 20) * 20;
  return Math.max(data.min_height, Math.min(data.max_height, room));
}

function listen(gd) {
  let timer = null;
  const report = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      const step = current(gd);
      gd.setAttribute("data-step", String(step));
      if (step !== gd.__downhill.step) {
        gd.__downhill.step = step;
        window.__downhill.send("step", step); // a trigger: sent again even if it equals an earlier one
      }
    }, 400); // after a pause: quick clicks on ▶ step without waiting for the server
  };
  gd.setAttribute("data-step", String(current(gd)));
  gd.on("plotly_animated", report);
  gd.on("plotly_animationinterrupted", () => { window.__downhillInterrupted = performance.now(); report(); });
  gd.on("plotly_sliderchange", (e) => { if (e.interaction) report(); });
  gd.on("plotly_animatingframe", (e) => gd.setAttribute("data-step", String(e.name)));
  // a report still waiting when Play starts would rerun the page (and redraw the 3D view) mid-play
  gd.on("plotly_animating", () => clearTimeout(timer));

  // Runs before plotly.js's own click handler (capture phase), which reads the button's arguments.
  gd.addEventListener("click", (ev) => {
    const button = ev.target.closest && ev.target.closest(".updatemenu-button");
    const opts = button && button.__data__;
    if (!opts) return;
    const s = slider(gd);
    if (opts.name === "back" || opts.name === "forward") {
      const i = Math.max(0, Math.min(s.steps.length - 1, s.active + (opts.name === "forward" ? 1 : -1)));
      opts.args = [[s.steps[i].label], still];
    } else if (opts.name === "play" && gd.__downhill.speed !== null) {
      opts.args = [null, { ...opts.args[1], frame: { duration: gd.__downhill.speed, redraw: false } }];
    } else if (opts.method === "animate" && opts.args && opts.args[0] === null) {
      gd.__downhill.speed = opts.args[1].frame.duration; // a speed from the menu
    }
  }, true);

  gd.addEventListener("click", (ev) => {
    const drag = ev.target.closest && ev.target.closest(".nsewdrag");
    if (!gd.__downhill.clickable || !drag || drag.getAttribute("data-subplot") !== "xy") return;
    const box = drag.getBoundingClientRect();
    const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
    const x = xa.p2d(ev.clientX - box.left), y = ya.p2d(ev.clientY - box.top);
    if (Number.isFinite(x) && Number.isFinite(y)) window.__downhill.send("click", { x, y });
  });
}

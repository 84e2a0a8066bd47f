// The bridge between the animated picture (a plotly.js figure drawn by st.plotly_chart) and the
// page: one notion of the current step.
// - The figure's "◀" and "▶" buttons step to the neighbouring frame (plotly.js buttons cannot be
//   relative, so their arguments are pointed at the neighbours just before plotly.js reads them).
// - The speed menu's choice is kept for the Play button.
// - Where the figure stops (Play ends, Pause, a step button, the scrubber) is reported to the
//   server as the trigger "step": the URL, the worked equations and the 3D marker follow.
// - A click on the surface reports where it was, to the pixel ("click"), to move the start there.
// No user text reaches this code: it only reads plotly.js's own layout.
export default function (component) {
  const { data, setTriggerValue } = component;
  let tries = 0;

  const still = { mode: "immediate", frame: { duration: 0, redraw: false }, transition: { duration: 0 } };

  function slider(gd) {
    return gd._fullLayout && gd._fullLayout.sliders && gd._fullLayout.sliders[0];
  }

  function current(gd) {
    const s = slider(gd);
    return s ? Number(s.steps[s.active].label) : 0;
  }

  function attach() {
    const gd = document.querySelector(`.st-key-${data.chart} .js-plotly-plot`);
    if (!gd || !gd.on || !slider(gd)) {
      if (tries++ < 400) setTimeout(attach, 50);
      return;
    }
    // refreshed on every run: the step the server shows now, and whether clicks move the start
    gd.__downhill = { ...(gd.__downhill || { speed: null }), clickable: data.clickable, step: data.step };
    // a phone: ask for the stacked picture (and back, if the window grows)
    const narrow = gd.getBoundingClientRect().width < data.narrow_below;
    if (narrow !== data.narrow) setTriggerValue("narrow", narrow);
    if (gd.__downhillAttached) return;
    gd.__downhillAttached = true;
    let timer = null;
    const report = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        const step = current(gd);
        gd.setAttribute("data-step", String(step));
        if (step !== gd.__downhill.step) {
          gd.__downhill.step = step;
          setTriggerValue("step", step); // a trigger: sent again even if it equals an earlier one
        }
      }, 400); // after a pause: quick clicks on ▶ step without waiting for the server
    };
    gd.setAttribute("data-step", String(current(gd)));
    gd.on("plotly_animated", report);
    gd.on("plotly_animationinterrupted", report);
    gd.on("plotly_sliderchange", (e) => { if (e.interaction) report(); });
    gd.on("plotly_animatingframe", (e) => gd.setAttribute("data-step", String(e.name)));

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
      if (Number.isFinite(x) && Number.isFinite(y)) setTriggerValue("click", { x, y });
    });
  }

  attach();
}

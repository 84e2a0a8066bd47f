// plotly.js's PlotSchema.findArrayAttributes (which of a trace's attributes hold arrays) crawls the whole
// attribute schema of the trace's type, ~1 700 keys for a scatter, on every call; plotly.js calls it for
// every trace of the figure on every frame of an animation (plots.doCalcdata). The schema never changes,
// so its crawl is done once per trace type here and only the trace's own values are looked up each time:
// the same answer (the browser tests compare it with plotly.js's own on every trace of every page's
// charts), and Play on the descent page went from ~23 to ~42 frames/s (bench/bare.py). Put before each
// bridge (app_pages/scripts.py); every bridge calls it as it runs, since plotly.js may load after it.
function cacheArrayAttributes() {
  const schema = window.Plotly && window.Plotly.PlotSchema;
  if (!schema || schema.__downhillOriginal) return;
  const original = schema.findArrayAttributes, crawl = schema.crawl, plans = new WeakMap();
  let base = null; // the attributes every trace has (plots/attributes.js): not exported, caught from a crawl
  const isPlain = (o) => Object.prototype.toString.call(o) === "[object Object]" &&
    Object.getPrototypeOf(o).hasOwnProperty("hasOwnProperty");
  const isArray = (a) => Array.isArray(a) || (ArrayBuffer.isView(a) && !(a instanceof DataView));

  // The attribute paths that may hold arrays, as plotly.js's own crawl finds them (stack: the names down
  // to the attribute; linked: which of them is an array of containers, as annotations are).
  function plan(attributes) {
    let list = plans.get(attributes);
    if (list) return list;
    list = [];
    let stack = [], linked = [];
    crawl(attributes, (attr, name, _, level) => {
      stack = stack.slice(0, level).concat([name]);
      linked = linked.slice(0, level).concat([attr && attr._isLinkedToArray]);
      const colorbarTicks = stack[level - 1] === "colorbar" && (name === "ticktext" || name === "tickvals");
      if (attr && (attr.valType === "data_array" || attr.arrayOk === true) && !colorbarTicks) list.push([stack, linked]);
    });
    plans.set(attributes, list);
    return list;
  }

  function into(found, [stack, linked], container, i, partial) {
    const item = container[stack[i]], here = partial + stack[i];
    if (i === stack.length - 1) {
      if (isArray(item)) found.push(here);
    } else if (linked[i]) {
      if (Array.isArray(item)) {
        item.forEach((each, j) => { if (isPlain(each)) into(found, [stack, linked], each, i + 1, `${here}[${j}].`); });
      }
    } else if (isPlain(item)) {
      into(found, [stack, linked], item, i + 1, here + ".");
    }
  }

  schema.findArrayAttributes = function (trace) {
    if (base === null) { // plotly.js's own call crawls the shared attributes first: keep them
      schema.crawl = (attributes, ...rest) => { if (base === null) base = attributes; return crawl(attributes, ...rest); };
      try { original(trace); } finally { schema.crawl = crawl; }
    }
    const found = [];
    for (const attributes of [base, trace._module && trace._module.attributes]) {
      if (attributes) plan(attributes).forEach((path) => into(found, path, trace, 0, ""));
    }
    return found;
  };
  schema.__downhillOriginal = original;
}

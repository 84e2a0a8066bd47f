// Runs as viz/lab_payload.py packs them (shared by lab.js and live.js, put before each): int16 path
// vertices as offsets from the view's corner (a missing vertex breaks the line where the run was far
// outside), loss curves as (step, level) vertices on the loss axis's fixed range (log10 of the loss on
// a log axis), float32 points; each run's part from its ``*_starts``.
function unpack(packed, extra = {}) {
  const bytes = (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0)).buffer;
  const out = {
    ...packed,
    paths: new Int16Array(bytes(packed.paths)), pathStarts: new Int32Array(bytes(packed.path_starts)),
    curves: new Int16Array(bytes(packed.loss.data)), curveStarts: new Int32Array(bytes(packed.loss.starts)),
    ends: new Float32Array(bytes(packed.ends)), exits: new Float32Array(bytes(packed.exits)),
  };
  for (const [name, [key, Type]] of Object.entries(extra)) out[name] = new Type(bytes(packed[key]));
  return out;
}

function pathOf(starts, verts, run, packed) {
  const xs = [], ys = [];
  for (let v = starts[run]; v < starts[run + 1]; v++) {
    const qx = verts[2 * v], qy = verts[2 * v + 1];
    const off = qx === packed.missing || qy === packed.missing;
    xs.push(off ? NaN : packed.origin[0] + (qx / packed.quant) * packed.size[0]);
    ys.push(off ? NaN : packed.origin[1] + (qy / packed.quant) * packed.size[1]);
  }
  return { x: xs, y: ys };
}

function curveOf(packed, run) {
  const steps = [], loss = [], [low, high] = packed.loss.range;
  for (let v = packed.curveStarts[run]; v < packed.curveStarts[run + 1]; v++) {
    const step = packed.curves[2 * v], q = packed.curves[2 * v + 1];
    const off = step === packed.missing || q === packed.missing;
    const value = low + (q / packed.loss.levels) * (high - low);
    steps.push(off ? NaN : step);
    loss.push(off ? NaN : packed.loss.log ? Math.pow(10, value) : value);
  }
  return { x: steps, y: loss };
}

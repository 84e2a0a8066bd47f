"""The training loop as people write it, for one flavour of a batches comparison, and the table it
prints. The code is generated from validated numbers (never from user text); the table is computed
from the engine's run, and ``tests/test_batches.py`` executes the code and compares what it prints.

The loop prints, every ``every`` epochs, the parameters *after* that epoch's updates and the full
loss computed at its start (before them), the way the classic tutorial loop does.
"""

from __future__ import annotations

from optim.batches import Run

_LINE = {
    "loss": "loss = np.mean((y - (w * x + b)) ** 2)",
    "grad": ["y_pred = w * xb + b", "dw = -2 * np.mean(xb * (yb - y_pred))", "db = -2 * np.mean(yb - y_pred)"],
    "learned": 'print(f"Learned: y = {w:.2f}x + {b:.2f}")',
}
_LOGISTIC = {
    "loss": "loss = np.mean(np.logaddexp(0, w * x + b) - y * (w * x + b))",
    "grad": ["p = 1 / (1 + np.exp(-(w * xb + b)))", "dw = np.mean((p - yb) * xb)", "db = np.mean(p - yb)"],
    "learned": 'print(f"Learned: P(y = 1) = 1 / (1 + exp(-({w:.2f}x + {b:.2f})))")',
}


def every(epochs: int) -> int:
    """Print about ten rows: every 10 epochs of 100, every epoch of 10."""
    return max(1, epochs // 10)


def code(model, run: Run, lr: float, start, seed: int, sched: str, epochs: int) -> str:
    """A runnable NumPy loop that reproduces ``run`` (one flavour over ``epochs`` epochs) exactly."""
    parts = _LOGISTIC if model.kind == "logistic" else _LINE
    n, size = len(model.x), run.batch_size
    updates = run.trajectory.steps
    w0, b0 = (float(v) for v in start)
    lines = ["import numpy as np", "", *model.load.splitlines()]
    lines.append("x = (X - X.mean()) / X.std()  # standardised" if model.standardised else "x = X")
    lines += [f"w, b = {w0!r}, {b0!r}", f"lr = {lr!r}"]
    if sched == "cosine":
        lines.append(f"T = {updates}  # updates in the whole run: cosine annealing to 0 over it")
    full = size == n
    if not full:
        lines.append(f"rng = np.random.default_rng([{seed}, 0])")
    lines.append("t = 0" if sched == "cosine" else "")
    body = _body(parts, size, full, sched)
    lines += ["", f"for epoch in range({epochs}):",
              *("    " + line for line in body)]
    lines += [f"    if epoch % {every(epochs)} == 0:",
              '        print(f"Epoch {epoch}: w={w:.3f}, b={b:.3f}, loss={loss:.4f}")', parts["learned"]]
    return "\n".join(line for i, line in enumerate(lines) if line or lines[i - 1]) + "\n"


def _body(parts, size, full, sched) -> list[str]:
    step = "lr * (1 + np.cos(np.pi * t / T)) / 2" if sched == "cosine" else "lr"
    update = [f"w -= {step} * dw", f"b -= {step} * db", *(["t += 1"] if sched == "cosine" else [])]
    if full:
        return [parts["loss"] + "  # before this epoch's update",
                *(line.replace("xb", "x").replace("yb", "y") for line in parts["grad"]), *update]
    return [parts["loss"] + "  # the full loss, before this epoch's updates",
            "order = rng.permutation(len(x))",
            f"for i in range(0, len(x), {size}):",
            f"    xb, yb = x[order[i:i + {size}]], y[order[i:i + {size}]]",
            *("    " + line for line in parts["grad"]), *("    " + line for line in update)]


def table(run: Run, epochs: int) -> list[dict]:
    """What the loop prints, from the engine's run of ``epochs`` epochs: one row every
    ``every(epochs)`` epochs."""
    t, per_epoch = run.trajectory, run.updates_per_epoch
    if t.steps != epochs * per_epoch:
        raise ValueError(f"the loop runs whole epochs: {epochs} epochs are {epochs * per_epoch} updates, "
                         f"the run has {t.steps}")
    rows = []
    for epoch in range(0, epochs, every(epochs)):
        w, b = t.points[min((epoch + 1) * per_epoch, t.steps)]
        rows.append({"epoch": epoch, "w": float(w), "b": float(b), "loss": float(t.losses[epoch * per_epoch])})
    return rows


def printed(rows: list[dict], end, kind: str) -> str:
    """The loop's output, from the table."""
    out = [f"Epoch {r['epoch']}: w={r['w']:.3f}, b={r['b']:.3f}, loss={r['loss']:.4f}" for r in rows]
    w, b = (float(v) for v in end)
    out.append(f"Learned: P(y = 1) = 1 / (1 + exp(-({w:.2f}x + {b:.2f})))" if kind == "logistic"
               else f"Learned: y = {w:.2f}x + {b:.2f}")
    return "\n".join(out) + "\n"

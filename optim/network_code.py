"""The network page's run as a PyTorch script a learner can keep: the same 4-16-3 network on the same
flowers (read from plotly's copy, standardised the same way), the same initial weights, the same
mini-batches, and the rule as ``torch.optim``. It leaves the path of all 131 weights in ``path`` and
prints the final loss and accuracy; ``tests/test_network_code.py`` runs it and compares the path with the
engine's. Generated from validated settings and the declarations here, never from user text.
"""

from __future__ import annotations

import numpy as np

from landscapes import network as nets
from optim.as_code import shuffled_source, torch_optimizer

_COLUMNS = ("sepal_length", "sepal_width", "petal_length", "petal_width")


def torch_script(rule, theta0, steps: int, *, batch_size: int | None = None, seed: int = 0) -> str:
    weights = ", ".join(repr(float(v)) for v in np.asarray(theta0, dtype=float))
    lines = ["import gzip", "import importlib.util", "from pathlib import Path", "", "import numpy as np",
             "import torch", "",
             "# the iris flowers as plotly ships them, each measurement standardised (mean 0, standard deviation 1)",
             'folder = Path(importlib.util.find_spec("plotly").submodule_search_locations[0]) / "package_data" / '
             '"datasets"',
             'with gzip.open(folder / "iris.csv.gz", "rt", encoding="utf-8") as f:',
             '    table = np.genfromtxt(f, delimiter=",", names=True, dtype=None, encoding="utf-8")',
             f"X = np.column_stack([table[c] for c in {_COLUMNS!r}])",
             "X = torch.from_numpy((X - X.mean(0)) / X.std(0))",
             f"Y = torch.tensor([{nets.SPECIES!r}.index(s) for s in table['species']])", "",
             f"model = torch.nn.Sequential(torch.nn.Linear({nets.IN}, {nets.HIDDEN}), torch.nn.Tanh(), "
             f"torch.nn.Linear({nets.HIDDEN}, {nets.OUT})).double()",
             f"theta0 = [{weights}]",
             "torch.nn.utils.vector_to_parameters(torch.tensor(theta0, dtype=torch.float64), model.parameters())",
             f"opt = {torch_optimizer(rule, 'model.parameters()')}"]
    lines += shuffled_source(batch_size)
    if batch_size:
        lines.append(f"batches = shuffled(len(X), {batch_size}, np.random.default_rng([{seed}, 0]))")
    lines += ["path = [torch.nn.utils.parameters_to_vector(model.parameters()).detach().clone()]",
              f"for step in range({steps}):",
              f"    idx = {'next(batches)' if batch_size else 'slice(None)'}",
              "    opt.zero_grad()",
              "    torch.nn.functional.cross_entropy(model(X[idx]), Y[idx]).backward()",
              "    opt.step()",
              "    path.append(torch.nn.utils.parameters_to_vector(model.parameters()).detach().clone())",
              "path = torch.stack(path).numpy()  # (steps + 1, 131)",
              "with torch.no_grad():",
              "    logits = model(X)",
              "    loss, right = torch.nn.functional.cross_entropy(logits, Y).item(), (logits.argmax(1) == Y).double()",
              f'print(f"{rule.title}: after {steps} steps, loss {{loss:.6g}}, accuracy {{right.mean().item():.1%}}")']
    return "\n".join(lines) + "\n"

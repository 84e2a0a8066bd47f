"""issue 26: the network page's PyTorch script trains the same network from the same weights on the same
batches: executed, its path of all 131 weights is the engine's to 1e-8 (skipped without torch)."""

import contextlib
import io

import numpy as np
import pytest

import optim
from landscapes import network as nets
from optim.network_code import torch_script

torch = pytest.importorskip("torch")
NET = nets.iris()


@pytest.mark.parametrize(("name", "lr", "batch"), [("adam", 0.01, None), ("nesterov", 0.1, 16), ("rmsprop", 0.005, 50)])
def test_the_script_reproduces_the_engines_path(name, lr, batch):
    rule, theta0 = optim.get(name, lr=lr), NET.init(4)
    ours = optim.descend(NET, rule, theta0, 30, batch_size=batch, seed=6)
    code = torch_script(rule, theta0, 30, batch_size=batch, seed=6)
    namespace, out = {}, io.StringIO()
    torch.set_num_threads(1)
    with contextlib.redirect_stdout(out):
        exec(compile(code, "<network-code>", "exec"), namespace)  # our own text, from validated numbers
    np.testing.assert_allclose(namespace["path"], ours.points, rtol=1e-8, atol=1e-10)
    assert out.getvalue().startswith(f"{rule.title}: after 30 steps, loss {ours.losses[-1]:.6g}")

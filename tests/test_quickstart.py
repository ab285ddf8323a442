# ruff: noqa: E501  (the quickstart block below is kept verbatim, long comments included)
"""The README's quickstart runs verbatim and shows the lessons' numbers.

The block is run statement by statement the way a notebook or the Python prompt runs it:
the value of every bare expression is displayed (``sys.displayhook``), and the test checks
what is shown against the comments.
"""

import ast
import os
import re
import sys
from pathlib import Path

import numpy as np
import pytest

QUICKSTART = '''\
import nnlessons as nl
nl.sigmoid(7.0)                                        # 0.99909
nl.Neuron(weights=[0, 1], bias=4).feedforward([2, 3])  # 0.99909 (sigmoid by default)
net = nl.MLP([2, 2, 1], activation="sigmoid")          # weights[l]: shape (n_in, n_out); biases[l]: shape (n_out,)
net.weights[0][:] = [[0, 0], [1, 1]]; net.weights[1][:] = [[0], [1]]
for b in net.biases: b[:] = 0
net.forward([[2, 3]])                                  # [[0.7216]], with h1 = h2 = 0.9526
nl.MLP([784, 15, 10]).n_params                         # 11935
nl.mse([1, 0, 0, 1], [0, 0, 0, 0])                     # 0.5
for W in net.weights: W[:] = 1
dW, db = net.gradients([[-2, -1]], [[1]], loss="mse")  # Alice; dW and db are lists shaped like weights and biases
dW[0][0, 0]                                            # dL/dw1 = 0.0214
X, y = nl.datasets.gender()                            # Victor Zhou's four people, shifted by 135 lb and 66 in
net = nl.MLP([2, 2, 1], activation="sigmoid", rng=0)   # fresh weights drawn from rng
history = nl.fit(net, X, y, loss="mse", optimizer="sgd", learning_rate=0.1,
                 n_epochs=1000, batch_size=1, rng=0)  # history.loss: one value per epoch
net.forward([[-7, -3], [20, 2]])                       # Emily (128 lb, 63 in) near 1 = F; Frank (155 lb, 68 in) near 0 = M
net.save("net.npz"); nl.MLP.load("net.npz")            # exact round trip
'''


def run_like_a_prompt(source):
    """Run ``source`` one statement at a time; return the namespace and what was shown,
    as (line number, value, text shown) triples."""
    shown, namespace, line = [], {"__name__": "__quickstart__"}, [0]

    def displayhook(value):
        if value is not None:
            shown.append((line[0], value, repr(value)))

    saved, sys.displayhook = sys.displayhook, displayhook
    try:
        for statement in ast.parse(source).body:
            line[0] = statement.lineno
            code = compile(ast.Interactive(body=[statement]), "<quickstart>", "single")
            exec(code, namespace)
    finally:
        sys.displayhook = saved
    return namespace, shown


@pytest.fixture(scope="module")
def quickstart(tmp_path_factory):
    folder = tmp_path_factory.mktemp("quickstart")
    cwd = Path.cwd()
    os.chdir(folder)
    try:
        namespace, shown = run_like_a_prompt(QUICKSTART)
    finally:
        os.chdir(cwd)
    return folder, namespace, {lineno: (value, text) for lineno, value, text in shown}


def number_shown(text):
    """The first number in a displayed text, e.g. 'np.float64(0.99908...)' -> 0.99908..."""
    return float(re.search(r"-?\d+\.?\d*(e-?\d+)?", text.replace("float64", "")).group())


def test_the_seeds_numbers_are_shown(quickstart):
    _, _, shown = quickstart
    assert round(number_shown(shown[2][1]), 5) == 0.99909       # nl.sigmoid(7.0)
    assert round(number_shown(shown[3][1]), 5) == 0.99909       # the neuron
    assert "0.7216" in shown[7][1] and shown[7][0].shape == (1, 1)
    assert shown[8][1] == "11935"
    assert shown[9][1] == "0.5"
    assert "0.0214" in shown[12][1]                               # dL/dw1
    assert abs(float(shown[12][0]) - 0.0214) < 1e-4
    assert set(shown) == {2, 3, 7, 8, 9, 12, 17, 18}              # nothing else is shown


def test_emily_and_frank(quickstart):
    _, _, shown = quickstart
    emily, frank = shown[17][0][:, 0]
    assert emily > 0.9 and frank < 0.1


def test_history_has_one_loss_per_epoch_going_down(quickstart):
    _, namespace, _ = quickstart
    loss = np.array(namespace["history"].loss)
    assert loss.shape == (1000,) and np.all(np.isfinite(loss))
    assert loss[-1] < loss[0] / 10
    assert np.mean(np.diff(loss) < 0) > 0.9                      # generally decreasing
    assert np.all(loss[100::100] < loss[:-100:100])              # every 100 epochs lower


def test_save_and_load_round_trip_exactly(quickstart):
    folder, namespace, shown = quickstart
    assert (folder / "net.npz").exists()
    net, loaded = namespace["net"], shown[18][0]
    assert type(loaded) is type(net) and loaded is not net
    assert loaded.layer_sizes == net.layer_sizes
    for p, q in zip(net.parameters(), loaded.parameters(), strict=True):
        assert p.dtype == q.dtype and np.array_equal(p, q)


def readme_quickstart():
    readme = Path(__file__).resolve().parents[1] / "README.md"
    if not readme.exists():
        return None
    blocks = re.findall(r"```python\n(.*?)```", readme.read_text(encoding="utf-8"), re.S)
    return next((b for b in blocks if "nl.fit(" in b and "nl.MLP(" in b), None)


def test_the_readme_quickstart_is_this_block():
    block = readme_quickstart()
    if block is None:
        pytest.skip("README.md has no quickstart block (yet)")
    assert block.strip() == QUICKSTART.strip()

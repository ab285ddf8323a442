import numpy as np
import pytest
from conftest import require

import nnlessons as nl
from nnlessons.activations import get_activation
from nnlessons.losses import get_loss
from nnlessons.network import MLP, Neuron

# (layer sizes, hidden activation, output activation, loss)
CONFIGS = [
    ([3, 4, 2], "tanh", "sigmoid", "mse"),
    ([3, 5, 4, 3], "relu", "softmax", "cross_entropy"),
    ([4, 3, 1], "leaky_relu", "sigmoid", "binary_cross_entropy"),
    ([2, 6, 5, 4, 2], "sigmoid", "identity", "mse"),
    ([3, 4, 3], "tanh", "softmax", "mse"),
    ([3, 4, 2], "sigmoid", "sigmoid", "binary_cross_entropy"),
]


def make_batch(net, loss, n=7, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, net.layer_sizes[0]))
    k = net.layer_sizes[-1]
    if loss == "cross_entropy":
        y = rng.integers(0, k, n)
    elif loss == "binary_cross_entropy":
        y = rng.integers(0, 2, (n, k)).astype(float)
    else:
        y = rng.standard_normal((n, k))
    return X, y


# --- Neuron ---

def test_neuron_seed_example_and_batches():
    neuron = Neuron(weights=[0, 1], bias=4)
    assert round(neuron.feedforward([2, 3]), 5) == 0.99909
    assert isinstance(neuron.feedforward([2, 3]), float)
    out = neuron.feedforward([[2, 3], [0, -4]])
    assert out.shape == (2,)
    assert out[1] == 0.5
    assert Neuron([1, 1, 1], 0, activation="relu").feedforward([1, -3, 1]) == 0.0
    assert "Neuron(weights=[0.0, 1.0], bias=4.0" in repr(neuron)


def test_neuron_bad_input():
    with pytest.raises(ValueError, match="x has 3 inputs per sample .* the neuron has 2 weights"):
        Neuron([0, 1], 4).feedforward([1, 2, 3])
    with pytest.raises(ValueError, match="weights must be a 1-D array"):
        Neuron([[0, 1]], 4)
    with pytest.raises(ValueError, match="bias must be a 0-D array"):
        Neuron([0, 1], [4, 5])
    with pytest.raises(ValueError, match="x must contain only finite numbers"):
        Neuron([0, 1], 4).feedforward([np.nan, 1])
    with pytest.raises(ValueError, match="activation must be one of"):
        Neuron([0, 1], 4, activation="step")


# --- construction ---

def test_shapes_and_counts():
    net = MLP([784, 15, 10])
    assert net.n_params == 11935
    assert net.layer_sizes == (784, 15, 10)
    assert net.n_layers == 2
    assert [W.shape for W in net.weights] == [(784, 15), (15, 10)]
    assert [b.shape for b in net.biases] == [(15,), (10,)]
    assert net.activation.name == net.output_activation.name == "sigmoid"
    params = net.parameters()
    assert all(p is q for p, q in zip(params, net.weights + net.biases, strict=True))


def test_output_activation():
    net = MLP([2, 3, 4], activation="relu", output_activation="softmax", rng=0)
    assert (net.activation.name, net.output_activation.name) == ("relu", "softmax")
    assert np.allclose(net.forward(np.ones((5, 2))).sum(axis=1), 1.0)
    leaky = MLP([2, 2], activation=get_activation("leaky_relu", slope=0.3))
    assert leaky.activation.params == {"slope": 0.3}


# --- forward, trace, predict ---

def test_forward_one_sample_and_batch():
    net = MLP([3, 4, 2], rng=0)
    X = np.random.default_rng(1).standard_normal((5, 3))
    batch = net.forward(X)
    assert batch.shape == (5, 2)
    assert net.forward(X[0]).shape == (2,)
    assert np.allclose(net.forward(X[0]), batch[0], rtol=1e-15)
    assert np.array_equal(net._forward(X), batch)
    assert net.forward(X.tolist()).shape == (5, 2)


def test_trace_matches_forward_by_hand():
    net = MLP([3, 4, 2], activation="tanh", output_activation="identity", rng=0)
    X = np.random.default_rng(2).standard_normal((5, 3))
    zs, activations = net.trace(X)
    assert len(zs) == 2 and len(activations) == 3
    assert activations[0] is not None and np.array_equal(activations[0], X)
    z0 = X @ net.weights[0] + net.biases[0]
    assert np.allclose(zs[0], z0)
    assert np.allclose(activations[1], np.tanh(z0))
    assert np.allclose(activations[2], np.tanh(z0) @ net.weights[1] + net.biases[1])
    assert np.array_equal(activations[2], net.forward(X))


def test_predict():
    one = MLP([1, 1], activation="identity")
    one.weights[0][:] = 1
    one.biases[0][:] = 0
    assert one.predict([[0.2], [0.5], [0.9]]).tolist() == [0, 0, 1]
    assert one.predict([0.9]) == 1
    many = MLP([2, 3], activation="identity")
    many.weights[0][:] = [[1, 0, 0], [0, 1, 2]]
    many.biases[0][:] = 0
    labels = many.predict([[5.0, 1.0], [0.0, 1.0]])
    assert labels.tolist() == [0, 2] and labels.dtype == np.int64


def test_copy_is_independent():
    net = MLP([2, 3, 1], rng=0)
    twin = net.copy()
    twin.weights[0][0, 0] += 1.0
    assert twin.weights[0][0, 0] != net.weights[0][0, 0]
    assert np.array_equal(twin.biases[1], net.biases[1])
    assert twin.biases[1] is not net.biases[1]
    assert repr(twin) == repr(net)


# --- gradients ---

@pytest.mark.parametrize("sizes, hidden, output, loss", CONFIGS)
def test_gradients_match_pytorch(sizes, hidden, output, loss):
    torch = require("torch")
    F = torch.nn.functional
    net = MLP(sizes, activation=hidden, output_activation=output, rng=1)
    X, y = make_batch(net, loss)
    dW, db = net.gradients(X, y, loss=loss)

    Ws = [torch.tensor(W, requires_grad=True) for W in net.weights]
    bs = [torch.tensor(b, requires_grad=True) for b in net.biases]
    act = {"tanh": torch.tanh, "sigmoid": torch.sigmoid, "relu": torch.relu,
           "leaky_relu": lambda t: F.leaky_relu(t, 0.01), "identity": lambda t: t,
           "softmax": lambda t: torch.softmax(t, dim=1)}
    a = torch.tensor(X)
    for layer, (W, b) in enumerate(zip(Ws, bs, strict=True)):
        a = act[output if layer == len(Ws) - 1 else hidden](a @ W + b)
    target = torch.tensor(nl.losses.as_targets(y, sizes[-1]))
    value = {"mse": lambda: F.mse_loss(a, target),
             "binary_cross_entropy": lambda: F.binary_cross_entropy(a, target),
             "cross_entropy": lambda: -(target * torch.log(a)).sum(dim=1).mean()}[loss]()
    value.backward()
    assert net.loss(X, y, loss=loss) == pytest.approx(value.item(), rel=1e-12)
    for ours, theirs in zip(dW + db, Ws + bs, strict=True):
        assert np.allclose(ours, theirs.grad.numpy(), rtol=1e-10, atol=1e-15)


def test_fused_output_deltas_equal_the_chain_rule():
    # softmax + cross-entropy and sigmoid + BCE use (y_hat - y) / n; the long way round
    # (loss gradient through the activation's backward) must give the same numbers.
    for output, loss in (("softmax", "cross_entropy"), ("sigmoid", "binary_cross_entropy")):
        net = MLP([3, 4, 3], activation="tanh", output_activation=output, rng=2)
        X, y = make_batch(net, loss, n=6)
        Y = nl.losses.as_targets(y, 3)
        zs, activations = net.trace(X)
        lossobj = get_loss(loss)
        fused = net._output_delta(zs[-1], activations[-1], Y, lossobj)
        chain = net.output_activation.backward(
            zs[-1], activations[-1], lossobj.gradient(Y, activations[-1]))
        assert np.allclose(fused, chain, rtol=1e-10, atol=1e-15)


def test_gradients_accept_labels_lists_and_one_sample():
    net = MLP([2, 3, 3], output_activation="softmax", rng=0)
    X = [[0.5, -1.0], [1.0, 2.0]]
    by_labels = net.gradients(X, [2, 0], loss="cross_entropy")
    by_onehot = net.gradients(X, [[0, 0, 1], [1, 0, 0]], loss="cross_entropy")
    for a, b in zip(by_labels[0] + by_labels[1], by_onehot[0] + by_onehot[1], strict=True):
        assert np.array_equal(a, b)
    label = net.gradients([0.5, -1.0], 2, loss="cross_entropy")
    row = net.gradients([[0.5, -1.0]], [2], loss="cross_entropy")
    assert all(np.array_equal(a, b) for a, b in zip(label[0], row[0], strict=True))
    single = net.gradients([0.5, -1.0], [0, 0, 1], loss="mse")
    batch = net.gradients([[0.5, -1.0]], [[0, 0, 1]], loss="mse")
    assert all(np.array_equal(a, b) for a, b in zip(single[0], batch[0], strict=True))


def test_gradients_do_not_touch_inputs_or_parameters():
    net = MLP([2, 3, 1], rng=0)
    X, y = np.array([[1.0, 2.0]]), np.array([1.0])
    before = [p.copy() for p in net.parameters()] + [X.copy(), y.copy()]
    net.gradients(X, y)
    net.loss(X, y)
    after = net.parameters() + [X, y]
    assert all(np.array_equal(p, q) for p, q in zip(before, after, strict=True))


# --- bad input ---

@pytest.mark.parametrize(
    "call, error, words",
    [
        (lambda: MLP([2, 2]).forward(np.zeros((4, 3))), ValueError,
         r"layer 1 expects inputs with 2 features, got X with shape \(4, 3\)"),
        (lambda: MLP([2, 2]).forward([1.0, 2.0, 3.0]), ValueError,
         r"layer 1 expects inputs with 2 features, got X with shape \(3,\)"),
        (lambda: MLP([2, 2]).forward([[np.nan, 1.0]]), ValueError,
         r"X must contain only finite numbers, got nan at index \(0, 0\)"),
        (lambda: MLP([2, 2]).forward(np.zeros((1, 1, 2))), ValueError, "X must be a 1-D or 2-D"),
        (lambda: MLP([2, 2]).gradients([[1, 2]], [[np.inf, 0]]), ValueError, "y must contain"),
        (lambda: MLP([2, 2]).gradients([[1, 2], [3, 4]], [1, 2]), ValueError,
         r"y labels must be in \[0, 2\), got 2 at index 1"),
        (lambda: MLP([2, 1]).gradients([[1, 2], [3, 4]], [1, 0, 1]), ValueError,
         "y has 3 samples but X has 2"),
        (lambda: MLP([2, 3], output_activation="softmax").gradients(
            [[1, 2]], [5], loss="cross_entropy"), ValueError,
         r"y labels must be in \[0, 3\), got 5 at index 0"),
        (lambda: MLP([2, 3]).gradients([[1, 2]], [[1, 0]]), ValueError, "y must have 3 column"),
        (lambda: MLP([2, 3]).loss([[1, 2]], [0], loss="hinge"), ValueError,
         "loss must be one of 'mse', 'binary_cross_entropy', 'cross_entropy'; got 'hinge'"),
        (lambda: MLP([2, 2], activation="sigmoidd"), ValueError,
         "activation must be one of 'sigmoid', 'tanh', 'relu', 'leaky_relu', 'identity', "
         "'softmax'; got 'sigmoidd'"),
        (lambda: MLP([2, 2], output_activation="soft_max"), ValueError, "got 'soft_max'"),
        (lambda: MLP([2, 2], init="glorot"), ValueError,
         "init must be one of 'normal', 'xavier', 'he', 'zeros'; got 'glorot'"),
        (lambda: MLP([2, 0, 1]), ValueError, r"layer_sizes\[1\] must be an integer >= 1, got 0"),
        (lambda: MLP([2, -3]), ValueError, r"layer_sizes\[1\] must be an integer >= 1, got -3"),
        (lambda: MLP([2.5, 1]), TypeError, r"layer_sizes\[0\] must be an integer, got 2.5"),
        (lambda: MLP([3]), ValueError, "at least 2 entries"),
        (lambda: MLP(5), TypeError, "layer_sizes must be a list of ints"),
        (lambda: MLP("784"), TypeError, "layer_sizes must be a list of ints"),
        (lambda: MLP([2, 2], rng=-1), ValueError, "rng must be a non-negative"),
    ],
)
def test_bad_input(call, error, words):
    with pytest.raises(error, match=words):
        call()


# --- from_parameters: the validated constructor ---

def test_from_parameters_builds_the_seeds_network():
    net = MLP.from_parameters([[[0, 0], [1, 1]], [[0], [1]]], [[0, 0], [0]])
    assert net.layer_sizes == (2, 2, 1) and net.n_params == 9
    assert round(float(net.forward([2, 3])[0]), 4) == 0.7216
    assert set(vars(net)) == set(vars(MLP([2, 2, 1])))


def test_from_parameters_copies_and_keeps_activations():
    W, b = np.ones((3, 2)), np.zeros(2)
    net = MLP.from_parameters([W], [b], activation="relu", output_activation="softmax")
    W[:] = 5
    assert net.weights[0].max() == 1.0 and net.weights[0] is not W
    assert (net.activation.name, net.output_activation.name) == ("relu", "softmax")
    assert net.output_activation is get_activation("softmax")


@pytest.mark.parametrize("weights, biases, error, words", [
    ([np.ones((2, 3))], [np.ones(2)], ValueError,
     r"biases\[0\] must have shape \(3,\) to match weights\[0\] of shape \(2, 3\)"),
    ([np.ones((2, 3)), np.ones((2, 1))], [np.ones(3), np.ones(1)], ValueError,
     r"weights\[1\] must have 3 rows, one per output of layer 1, got shape \(2, 1\)"),
    ([np.ones((2, 3))], [np.ones(3), np.ones(1)], ValueError,
     "one entry per layer, got 1 weights and 2 biases"),
    ([], [], TypeError, "weights must be a non-empty list of arrays"),
    (np.ones((2, 3)), [np.ones(3)], TypeError, "weights must be a non-empty list"),
    ([np.ones(3)], [np.ones(3)], ValueError, r"weights\[0\] must be a 2-D array"),
    ([np.full((1, 1), np.nan)], [np.ones(1)], ValueError, r"weights\[0\] must contain only "
                                                           "finite numbers"),
    ([np.ones((1, 1)) * 1j], [np.ones(1)], TypeError, r"weights\[0\] must hold real numbers"),
    ([np.ones((2, 0))], [np.ones(0)], ValueError, "at least one row and column"),
])
def test_from_parameters_bad_input(weights, biases, error, words):
    with pytest.raises(error, match=words):
        MLP.from_parameters(weights, biases)

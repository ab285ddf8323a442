import numpy as np
import pytest

import nnlessons as nl
from nnlessons.activations import ACTIVATIONS, Activation, get_activation
from nnlessons.gradcheck import gradient_check, numerical_gradients, relative_errors
from nnlessons.network import MLP

# Several depths, every hidden activation, every output activation and every loss.
ARCHITECTURES = [
    # (layer sizes, hidden, output, loss)
    ([3, 4, 1], "sigmoid", "sigmoid", "mse"),
    ([3, 4, 1], "tanh", "sigmoid", "binary_cross_entropy"),
    ([3, 5, 2], "relu", "identity", "mse"),
    ([2, 4, 3], "leaky_relu", "softmax", "cross_entropy"),
    ([3, 4, 4, 2], "tanh", "sigmoid", "binary_cross_entropy"),
    ([3, 5, 4, 3], "sigmoid", "softmax", "cross_entropy"),
    ([4, 5, 3, 2], "relu", "identity", "mse"),
    ([2, 4, 4, 3, 3], "tanh", "softmax", "mse"),
    ([2, 5, 4, 3, 2], get_activation("leaky_relu", slope=0.1), "sigmoid", "mse"),
    ([3, 4, 3, 4, 3], "sigmoid", "identity", "mse"),
    ([2, 6, 5, 4, 1], "tanh", "identity", "mse"),
]


def batch_for(net, loss, rng, n=6):
    X = rng.standard_normal((n, net.layer_sizes[0]))
    k = net.layer_sizes[-1]
    if loss == "cross_entropy":
        return X, rng.integers(0, k, n)
    if loss == "binary_cross_entropy":
        return X, rng.integers(0, 2, (n, k)).astype(float)
    return X, rng.standard_normal((n, k))


def kinks_nearby(net, X, margin=1e-3):
    """Whether some ReLU input is within ``margin`` of 0 (the difference would straddle it)."""
    zs, _ = net.trace(X)
    return any(np.abs(z).min() < margin for z in zs[:-1])


@pytest.mark.parametrize("sizes, hidden, output, loss", ARCHITECTURES)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_backprop_agrees_with_central_differences(sizes, hidden, output, loss, seed):
    # The central difference has two errors: truncation ~ eps**2 and roundoff
    # ~ 1e-16 |L| / eps. With eps = 1e-6 the roundoff (~1e-10) alone gives relative errors
    # above 1e-6 for any gradient entry below ~1e-4, and in deeper sigmoid networks some
    # entries always are; eps = 1e-5, near the textbook optimum (1e-16)**(1/3), balances
    # the two. The default eps is tested on the lessons' network in test_worked_numbers.py.
    rng = np.random.default_rng([seed, *sizes])
    net = MLP(sizes, activation=hidden, output_activation=output, init="normal", rng=rng)
    X, y = batch_for(net, loss, rng)
    if net.activation.name in ("relu", "leaky_relu"):
        assert not kinks_nearby(net, X), "choose another seed: an input sits on the ReLU kink"
    assert gradient_check(net, X, y, loss=loss, eps=1e-5) < 1e-6


def test_default_eps_on_a_small_network():
    net = MLP([2, 3, 2], activation="tanh", output_activation="softmax", rng=0)
    X, y = [[0.3, -0.8], [1.2, 0.4], [-0.5, 0.9]], [1, 0, 1]
    assert gradient_check(net, X, y, loss="cross_entropy") < 1e-6


def test_numerical_gradients_leave_the_network_unchanged():
    net = MLP([3, 4, 2], rng=0)
    before = [p.copy() for p in net.parameters()]
    objects = [id(p) for p in net.parameters()]
    numerical_gradients(net, np.ones((2, 3)), [[0.0, 1.0], [1.0, 0.0]])
    assert all(np.array_equal(p, q) for p, q in zip(before, net.parameters(), strict=True))
    assert objects == [id(p) for p in net.parameters()]


def test_numerical_gradients_match_backprop_in_value():
    net = MLP([2, 3, 2], activation="tanh", output_activation="softmax", rng=1)
    X, y = [[0.3, -0.8], [1.2, 0.4]], [1, 0]
    nW, nb = numerical_gradients(net, X, y, loss="cross_entropy")
    dW, db = net.gradients(X, y, loss="cross_entropy")
    for a, n in zip(dW + db, nW + nb, strict=True):
        assert a.shape == n.shape
        assert np.allclose(a, n, rtol=1e-6, atol=1e-10)


def test_gradient_check_catches_a_wrong_derivative():
    # a "sigmoid" whose backward forgets the (1 - a) factor: the check must fail loudly
    right = ACTIVATIONS["sigmoid"]
    wrong = Activation("sigmoid", right.function, right.derivative, right.bounds, {},
                       right.fast, lambda z, a, grad_a: grad_a * a)
    net = MLP([2, 3, 1], activation=wrong, output_activation="identity", rng=0)
    X, y = [[0.5, -1.0], [1.5, 0.3]], [1.0, -1.0]
    assert gradient_check(net, X, y) > 1e-2
    good = MLP([2, 3, 1], activation="sigmoid", output_activation="identity", rng=0)
    assert gradient_check(good, X, y) < 1e-6


def test_relative_errors():
    a = np.array([1.0, 0.0, -2.0, 1e-20])
    n = np.array([1.0, 0.0, 2.0, 0.0])
    assert relative_errors(a, n).tolist() == [0.0, 0.0, 1.0, 1e-8]


def test_gradient_check_is_exported():
    assert nl.gradient_check is gradient_check


@pytest.mark.parametrize("eps", [0, -1e-6])
def test_bad_eps(eps):
    with pytest.raises(ValueError, match=f"eps must be > 0, got {eps}"):
        gradient_check(MLP([2, 1], rng=0), [[1.0, 2.0]], [1.0], eps=eps)


def test_bad_batch_is_reported_before_any_work():
    with pytest.raises(ValueError, match="layer 1 expects inputs with 2 features"):
        numerical_gradients(MLP([2, 1], rng=0), [[1.0, 2.0, 3.0]], [1.0])

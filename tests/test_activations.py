import warnings

import numpy as np
import pytest
from conftest import require

import nnlessons as nl
from nnlessons.activations import (
    ACTIVATIONS,
    Activation,
    get_activation,
    identity_derivative,
    leaky_relu_derivative,
    relu_derivative,
    sigmoid_derivative,
    softmax_derivative,
    tanh_derivative,
)

ELEMENTWISE = ["sigmoid", "tanh", "relu", "leaky_relu", "identity"]


def away_from_zero(rng, shape, scale=3.0):
    """Random z with |z| >= 0.1, so ReLU's kink at 0 is never inside a difference."""
    z = rng.uniform(0.1, scale, shape)
    return z * rng.choice([-1.0, 1.0], shape)


def test_registry_names():
    assert list(ACTIVATIONS) == ["sigmoid", "tanh", "relu", "leaky_relu", "identity", "softmax"]
    for name, act in ACTIVATIONS.items():
        assert act.name == name
        assert isinstance(act, Activation)


def test_known_values():
    assert float(nl.sigmoid(0.0)) == 0.5
    assert float(nl.tanh(0.0)) == 0.0
    assert nl.relu([-1.0, 2.0]).tolist() == [0.0, 2.0]
    assert nl.leaky_relu([-1.0, 2.0]).tolist() == [-0.01, 2.0]
    assert nl.leaky_relu([-1.0], slope=0.2).tolist() == [-0.2]
    assert nl.identity([[1, 2]]).tolist() == [[1.0, 2.0]]
    assert np.allclose(nl.softmax([0.0, np.log(3.0)]), [0.25, 0.75])
    assert float(sigmoid_derivative(0.0)) == 0.25
    assert float(tanh_derivative(0.0)) == 1.0
    assert relu_derivative([-1.0, 0.0, 1.0]).tolist() == [0.0, 0.0, 1.0]
    assert leaky_relu_derivative([-1.0, 0.0, 1.0], slope=0.3).tolist() == [0.3, 0.3, 1.0]
    assert identity_derivative([[5.0, -5.0]]).tolist() == [[1.0, 1.0]]


def test_scalars_lists_and_shapes():
    assert isinstance(nl.sigmoid(7.0), np.float64)
    assert isinstance(nl.relu(-3), np.float64)
    assert isinstance(tanh_derivative(1), np.float64)
    z = np.arange(24.0).reshape(2, 3, 4) - 12
    for name in ELEMENTWISE:
        act = ACTIVATIONS[name]
        assert act(z).shape == z.shape
        assert act.derivative(z).shape == z.shape
        assert act([1.0, 2.0]).shape == (2,)
    assert nl.softmax(z).shape == z.shape
    assert np.allclose(nl.softmax(z).sum(axis=-1), 1.0)


def test_inputs_are_not_modified():
    z = np.array([[-2.0, 0.5, 3.0]])
    before = z.copy()
    for act in ACTIVATIONS.values():
        out = act(z)
        act.derivative(z)
        assert np.array_equal(z, before)
        assert out is not z


@pytest.mark.parametrize("big", [1000.0, 1e6, 1e300])
def test_stable_at_extremes_without_warnings(big):
    z = np.array([-big, -750.0, 0.0, 750.0, big])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for act in ACTIVATIONS.values():
            assert np.all(np.isfinite(act(z))), act.name
            assert np.all(np.isfinite(act.derivative(z))), act.name
        s = nl.sigmoid(z)
        assert s[0] < 1e-300 and s[-1] == 1.0 and s[2] == 0.5
        assert np.all((s >= 0) & (s <= 1))
        p = nl.softmax(np.array([[big, big, -big], [-big, 0.0, big]]))
    assert np.all(np.isfinite(p))
    assert np.allclose(p, [[0.5, 0.5, 0.0], [0.0, 0.0, 1.0]])


def test_softmax_near_1000_matches_shifted_logits():
    z = np.array([[1000.0, 1001.0, 1002.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.allclose(nl.softmax(z), nl.softmax(z - 1000.0), rtol=0, atol=1e-15)


def test_sigmoid_tails_keep_relative_precision():
    # 1 / (1 + e^30) is about 9.36e-14; a naive 1 - sigmoid(-z) would lose it entirely
    assert nl.sigmoid(-30.0) == pytest.approx(np.exp(-30.0) / (1 + np.exp(-30.0)), rel=1e-14)


def central_difference(f, z, eps=1e-6):
    return (f(z + eps) - f(z - eps)) / (2 * eps)


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_derivatives_by_central_differences(name):
    rng = np.random.default_rng(1)
    z = away_from_zero(rng, (50,))
    act = ACTIVATIONS[name]
    numeric = central_difference(act.function, z)
    analytic = act.derivative(z)
    rel = np.abs(analytic - numeric) / np.maximum(np.abs(analytic) + np.abs(numeric), 1e-12)
    assert rel.max() < 1e-6


def test_leaky_relu_with_slope_by_central_differences():
    act = get_activation("leaky_relu", slope=0.2)
    z = away_from_zero(np.random.default_rng(2), (20,))
    assert np.allclose(act.derivative(z), central_difference(act.function, z), rtol=1e-8)
    assert np.allclose(act.derivative(z[z < 0]), 0.2)


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_backward_by_central_differences_with_upstream_gradient(name):
    # L = sum(g * f(z)) for a random upstream gradient g, so dL/dz = backward(z, f(z), g);
    # for softmax this exercises the off-diagonal Jacobian terms too.
    rng = np.random.default_rng(3)
    z = away_from_zero(rng, (4, 5))
    g = rng.standard_normal((4, 5))
    act = ACTIVATIONS[name]
    analytic = act.backward(z, act(z), g)
    numeric = np.zeros_like(z)
    eps = 1e-6
    for i in np.ndindex(z.shape):
        up, down = z.copy(), z.copy()
        up[i] += eps
        down[i] -= eps
        numeric[i] = (np.sum(g * act(up)) - np.sum(g * act(down))) / (2 * eps)
    rel = np.abs(analytic - numeric) / np.maximum(np.abs(analytic) + np.abs(numeric), 1e-12)
    assert rel.max() < 1e-6


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_elementwise_backward_is_grad_times_derivative(name):
    rng = np.random.default_rng(4)
    z = away_from_zero(rng, (3, 4))
    g = rng.standard_normal((3, 4))
    act = ACTIVATIONS[name]
    assert np.allclose(act.backward(z, act(z), g), g * act.derivative(z), rtol=1e-14, atol=0)


def test_softmax_derivative_is_jacobian_diagonal():
    z = np.array([0.3, -1.2, 2.0])
    s = nl.softmax(z)
    jacobian = np.diag(s) - np.outer(s, s)
    assert np.allclose(softmax_derivative(z), np.diag(jacobian))


def torch_activation(torch, name, slope=0.01):
    F = torch.nn.functional
    return {
        "sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu,
        "leaky_relu": lambda t: F.leaky_relu(t, negative_slope=slope),
        "identity": lambda t: t * 1.0, "softmax": lambda t: torch.softmax(t, dim=-1),
    }[name]


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_values_and_backward_match_pytorch(name):
    torch = require("torch")
    rng = np.random.default_rng(5)
    z = away_from_zero(rng, (6, 7), scale=20.0)
    g = rng.standard_normal((6, 7))
    act = ACTIVATIONS[name]
    zt = torch.tensor(z, dtype=torch.float64, requires_grad=True)
    at = torch_activation(torch, name)(zt)
    (at * torch.tensor(g)).sum().backward()
    # atol: where tanh or sigmoid saturate, 1 - a*a cancels in both libraries (error ~1e-16)
    assert np.allclose(act(z), at.detach().numpy(), rtol=1e-10, atol=1e-300)
    assert np.allclose(act.backward(z, act(z), g), zt.grad.numpy(), rtol=1e-10, atol=1e-15)
    if name != "softmax":
        # the derivative itself: backward with an upstream gradient of ones
        zt.grad = None
        torch_activation(torch, name)(zt).sum().backward()
        assert np.allclose(act.derivative(z), zt.grad.numpy(), rtol=1e-10, atol=1e-15)


def test_leaky_slope_matches_pytorch():
    torch = require("torch")
    z = np.linspace(-3, 3, 13)
    act = get_activation("leaky_relu", slope=0.3)
    expected = torch.nn.functional.leaky_relu(torch.tensor(z), negative_slope=0.3).numpy()
    assert np.allclose(act(z), expected, rtol=1e-12)


def test_get_activation():
    assert get_activation("tanh") is ACTIVATIONS["tanh"]
    act = ACTIVATIONS["relu"]
    assert get_activation(act) is act
    leaky = get_activation("leaky_relu", slope=0.2)
    assert leaky.params == {"slope": 0.2}
    assert leaky == get_activation("leaky_relu", slope=0.2)
    assert leaky != ACTIVATIONS["leaky_relu"]
    assert hash(leaky) == hash(get_activation("leaky_relu", slope=0.2))
    assert ACTIVATIONS["sigmoid"].bounds == (0.0, 1.0)
    assert ACTIVATIONS["tanh"].bounds == (-1.0, 1.0)


def test_unknown_activation_lists_the_valid_names():
    with pytest.raises(ValueError) as err:
        get_activation("sigmoidd")
    message = str(err.value)
    assert "'sigmoidd'" in message
    for name in ACTIVATIONS:
        assert repr(name) in message


@pytest.mark.parametrize(
    "call, error, words",
    [
        (lambda: get_activation(3), TypeError, "activation must be a name"),
        (lambda: get_activation("tanh", slope=0.1), TypeError, "takes no parameters"),
        (lambda: get_activation("leaky_relu", alpha=0.1), TypeError, "slope"),
        (lambda: get_activation("leaky_relu", slope=-0.1), ValueError, "slope must be >= 0"),
        (lambda: nl.leaky_relu([1.0], slope=-1), ValueError, "slope must be >= 0, got -1"),
        (lambda: get_activation(ACTIVATIONS["relu"], slope=0.1), TypeError, "parameters"),
        (lambda: nl.sigmoid("abc"), TypeError, "z must be an array of numbers"),
        (lambda: nl.softmax(3.0), ValueError, "at least 1 dimension"),
    ],
)
def test_bad_input(call, error, words):
    with pytest.raises(error, match=words):
        call()


def test_nan_propagates_like_numpy():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.isnan(nl.sigmoid(np.nan))
        assert np.isnan(nl.tanh(np.nan))


def test_home_made_activation_works_in_a_network():
    # softplus log(1 + e^z), with derivative sigmoid(z): only function and derivative given
    softplus = Activation("softplus", lambda z: np.logaddexp(0.0, z), nl.sigmoid)
    z = np.array([[-1.0, 0.5]])
    assert np.allclose(softplus.backward(z, softplus(z), np.ones_like(z)), nl.sigmoid(z))
    net = nl.MLP([2, 3, 1], activation=softplus, output_activation="identity", rng=0)
    X, y = [[0.5, -1.0], [1.0, 0.3]], [1.0, -1.0]
    assert nl.gradient_check(net, X, y) < 1e-6

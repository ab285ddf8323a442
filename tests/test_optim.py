"""Tests for nnlessons.optim: hand-worked steps, PyTorch agreement, registry and errors."""

import numpy as np
import pytest
from conftest import require

from nnlessons import optim
from nnlessons.optim import (
    OPTIMIZERS,
    SGD,
    Adagrad,
    Adam,
    Momentum,
    Nesterov,
    Optimizer,
    RMSProp,
    get_optimizer,
)


def run(opt, theta0, grads):
    """Apply one step per gradient to a copy of theta0 and return the path of theta."""
    theta = np.array(theta0, dtype=float)
    path = []
    for g in grads:
        opt.step([theta], [np.array(g, dtype=float)])
        path.append(theta.copy())
    return path


# --- one or two steps worked by hand ---------------------------------------------------

def test_sgd_by_hand():
    # theta = [1, -2], eta = 0.1
    # step 1, g = [0.5, 0.25]: theta = [1 - 0.05, -2 - 0.025] = [0.95, -2.025]
    # step 2, g = [1, -1]:     theta = [0.95 - 0.1, -2.025 + 0.1] = [0.85, -1.925]
    path = run(SGD(learning_rate=0.1), [1.0, -2.0], [[0.5, 0.25], [1.0, -1.0]])
    np.testing.assert_allclose(path[0], [0.95, -2.025], rtol=1e-12)
    np.testing.assert_allclose(path[1], [0.85, -1.925], rtol=1e-12)


def test_momentum_by_hand():
    # eta = 0.1, mu = 0.9, theta = 1, g = 1 twice
    # step 1: v = 0.9 * 0 + 1 = 1,   theta = 1 - 0.1 * 1 = 0.9
    # step 2: v = 0.9 * 1 + 1 = 1.9, theta = 0.9 - 0.1 * 1.9 = 0.71
    path = run(Momentum(learning_rate=0.1, momentum=0.9), [1.0], [[1.0], [1.0]])
    np.testing.assert_allclose(np.concatenate(path), [0.9, 0.71], rtol=1e-12)


def test_nesterov_by_hand():
    # eta = 0.1, mu = 0.9, theta = 1, g = 1 twice
    # step 1: v = 1,   theta = 1 - 0.1 * (1 + 0.9 * 1) = 0.81
    # step 2: v = 1.9, theta = 0.81 - 0.1 * (1 + 0.9 * 1.9) = 0.81 - 0.271 = 0.539
    path = run(Nesterov(learning_rate=0.1, momentum=0.9), [1.0], [[1.0], [1.0]])
    np.testing.assert_allclose(np.concatenate(path), [0.81, 0.539], rtol=1e-12)


def test_adagrad_by_hand():
    # eta = 0.1, theta = 1, g = 2 then 1 (eps = 1e-10 is negligible here)
    # step 1: G = 4, theta = 1 - 0.1 * 2 / 2 = 0.9
    # step 2: G = 5, theta = 0.9 - 0.1 * 1 / sqrt(5) = 0.9 - 0.0447214 = 0.8552786
    path = run(Adagrad(learning_rate=0.1), [1.0], [[2.0], [1.0]])
    np.testing.assert_allclose(np.concatenate(path), [0.9, 0.8552786404500042], rtol=1e-9)


def test_rmsprop_by_hand():
    # eta = 0.01, rho = 0.9, theta = 1, g = 1 then 2
    # step 1: s = 0.1 * 1 = 0.1,          theta = 1 - 0.01 * 1 / 0.3162278 = 0.9683772
    # step 2: s = 0.9 * 0.1 + 0.1 * 4 = 0.49, theta = 0.9683772 - 0.01 * 2 / 0.7 = 0.9398058
    path = run(RMSProp(learning_rate=0.01, rho=0.9), [1.0], [[1.0], [2.0]])
    np.testing.assert_allclose(np.concatenate(path), [0.9683772233983162, 0.9398057948268876],
                               rtol=1e-7)


def test_adam_by_hand():
    # eta = 0.1, beta1 = 0.9, beta2 = 0.999, theta = 1, g = 1 then 3
    # step 1: m = 0.1, v = 0.001; m_hat = 0.1 / 0.1 = 1, v_hat = 0.001 / 0.001 = 1
    #         theta = 1 - 0.1 * 1 / (1 + 1e-8) = 0.9
    # step 2: m = 0.09 + 0.3 = 0.39, v = 0.000999 + 0.009 = 0.009999
    #         m_hat = 0.39 / 0.19 = 2.0526316, v_hat = 0.009999 / 0.001999 = 5.0020010
    #         theta = 0.9 - 0.1 * 2.0526316 / 2.2365154 = 0.9 - 0.0917781 = 0.8082219
    path = run(Adam(learning_rate=0.1), [1.0], [[1.0], [3.0]])
    np.testing.assert_allclose(np.concatenate(path), [0.9, 0.8082218881019702], rtol=1e-7)


# --- agreement with torch.optim, step after step ------------------------------------------

SHAPES = [(3, 4), (4,), (2, 3, 2), (1,)]

TORCH_TWINS = [
    (SGD, {"learning_rate": 0.05}, "SGD", {"lr": 0.05}),
    (Momentum, {"learning_rate": 0.05, "momentum": 0.8}, "SGD",
     {"lr": 0.05, "momentum": 0.8, "dampening": 0.0}),
    (Nesterov, {"learning_rate": 0.05, "momentum": 0.7}, "SGD",
     {"lr": 0.05, "momentum": 0.7, "nesterov": True}),
    (Adagrad, {"learning_rate": 0.3, "eps": 1e-10}, "Adagrad", {"lr": 0.3, "eps": 1e-10}),
    (RMSProp, {"learning_rate": 0.02, "rho": 0.9, "eps": 1e-8}, "RMSprop",
     {"lr": 0.02, "alpha": 0.9, "eps": 1e-8}),
    (Adam, {"learning_rate": 0.01, "beta1": 0.8, "beta2": 0.99, "eps": 1e-8}, "Adam",
     {"lr": 0.01, "betas": (0.8, 0.99), "eps": 1e-8}),
]


@pytest.mark.parametrize("ours, hyper, torch_name, torch_hyper", TORCH_TWINS,
                         ids=[t[0].__name__ for t in TORCH_TWINS])
def test_matches_torch_step_after_step(ours, hyper, torch_name, torch_hyper):
    torch = require("torch")
    rng = np.random.default_rng(42)
    params = [rng.normal(size=shape) for shape in SHAPES]
    twins = [torch.tensor(p.copy(), dtype=torch.float64, requires_grad=True) for p in params]
    opt = ours(**hyper)
    torch_opt = getattr(torch.optim, torch_name)(twins, **torch_hyper)
    for _ in range(25):
        grads = [rng.normal(scale=2.0, size=shape) for shape in SHAPES]
        opt.step(params, grads)
        for twin, g in zip(twins, grads, strict=True):
            twin.grad = torch.tensor(g, dtype=torch.float64)
        torch_opt.step()
        for p, twin in zip(params, twins, strict=True):
            np.testing.assert_allclose(p, twin.detach().numpy(), rtol=1e-10, atol=0)
    assert opt.n_steps == 25


# --- the interface ----------------------------------------------------------------------

@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_step_updates_in_place_and_leaves_grads_alone(name):
    opt = get_optimizer(name, learning_rate=0.1)
    W, b = np.ones((2, 3)), np.zeros(3)
    dW, db = np.full((2, 3), 0.5), np.array([1.0, -1.0, 0.0])
    dW_before, db_before = dW.copy(), db.copy()
    params = [W, b]
    opt.step(params, [dW, db])
    assert params[0] is W and params[1] is b
    assert np.all(W < 1)                           # moved against a positive gradient
    assert b[0] < 0 < b[1] and b[2] == 0           # a zero gradient does not move b[2]
    np.testing.assert_array_equal(dW, dW_before)
    np.testing.assert_array_equal(db, db_before)


def test_state_is_kept_per_position_and_reset_forgets_it():
    opt = Momentum(learning_rate=0.1, momentum=0.9)
    a, b = np.zeros(2), np.zeros(3)
    opt.step([a, b], [np.ones(2), 2 * np.ones(3)])
    assert set(opt.state) == {0, 1}
    np.testing.assert_array_equal(opt.state[1]["velocity"], [2.0, 2.0, 2.0])
    opt.reset()
    assert opt.state == {} and opt.n_steps == 0
    # after reset the first step is a first step again: theta = -eta * g
    c = np.zeros(1)
    opt.step([c], [np.ones(1)])
    np.testing.assert_allclose(c, [-0.1])


def test_registry_and_defaults():
    assert list(OPTIMIZERS) == ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"]
    assert all(issubclass(cls, Optimizer) for cls in OPTIMIZERS.values())
    assert get_optimizer("sgd").learning_rate == 0.01
    assert get_optimizer("adam").learning_rate == 0.001
    assert isinstance(get_optimizer("rmsprop", rho=0.5), RMSProp)
    assert get_optimizer("rmsprop", rho=0.5).rho == 0.5
    opt = Adam(learning_rate=0.01)
    assert get_optimizer(opt) is opt
    assert repr(Nesterov()) == "Nesterov(learning_rate=0.01, momentum=0.9)"
    assert optim.__all__[-1] == "get_optimizer"


# --- bad input ----------------------------------------------------------------------------

def test_unknown_name_lists_the_valid_ones():
    with pytest.raises(ValueError, match=r"optimizer must be one of 'sgd', 'momentum', "
                                         r"'nesterov', 'adagrad', 'rmsprop', 'adam'; got 'adamm'"):
        get_optimizer("adamm")


def test_unknown_hyper_parameter_lists_the_valid_ones():
    with pytest.raises(TypeError, match="'sgd' has no hyper-parameter 'momentum'; it has "
                                        "learning_rate"):
        get_optimizer("sgd", momentum=0.9)


def test_object_with_extra_settings_and_class_instead_of_object():
    with pytest.raises(ValueError, match="already an object.*learning_rate"):
        get_optimizer(Adam(), learning_rate=0.1)
    with pytest.raises(TypeError, match=r"did you mean Adam\(\)"):
        get_optimizer(Adam)
    with pytest.raises(TypeError, match="optimizer must be a name"):
        get_optimizer(3)


@pytest.mark.parametrize("bad", [0, -0.1, float("nan")])
def test_learning_rate_must_be_positive(bad):
    with pytest.raises(ValueError, match=f"learning_rate must be > 0, got {bad}"):
        SGD(learning_rate=bad)
    with pytest.raises(ValueError, match="learning_rate must be > 0"):
        get_optimizer("adam", learning_rate=bad)


@pytest.mark.parametrize("cls, name, bad", [
    (Momentum, "momentum", 1.0), (Nesterov, "momentum", -0.1), (RMSProp, "rho", 1.5),
    (Adam, "beta1", 1.0), (Adam, "beta2", -0.5),
])
def test_decay_rates_must_lie_in_zero_one(cls, name, bad):
    with pytest.raises(ValueError, match=rf"{name} must be in \[0, 1\), got {bad}"):
        cls(**{name: bad})


def test_eps_must_be_positive_and_hyper_parameters_numbers():
    with pytest.raises(ValueError, match="eps must be > 0, got 0"):
        Adam(eps=0)
    with pytest.raises(TypeError, match="momentum must be a number, got '0.9'"):
        Momentum(momentum="0.9")


def test_length_mismatch_names_both_lengths():
    with pytest.raises(ValueError, match="same length, got 2 params and 1 grads"):
        SGD().step([np.zeros(2), np.zeros(3)], [np.zeros(2)])


def test_shape_mismatch_names_the_index_and_both_shapes():
    with pytest.raises(ValueError, match=r"grads\[1\] must have the shape of params\[1\] "
                                         r"\(2, 3\), got shape \(3, 2\)"):
        SGD().step([np.zeros(4), np.zeros((2, 3))], [np.zeros(4), np.zeros((3, 2))])


def test_params_must_be_a_list_of_float_arrays():
    with pytest.raises(TypeError, match="params must be a list of arrays"):
        SGD().step(np.zeros(3), [np.zeros(3)])
    with pytest.raises(TypeError, match=r"params\[0\] must be a float numpy array"):
        SGD().step([np.zeros(3, dtype=int)], [np.zeros(3)])


def test_reusing_state_on_another_network_asks_for_reset():
    opt = Adam()
    opt.step([np.zeros((2, 2))], [np.ones((2, 2))])
    with pytest.raises(ValueError, match=r"params\[0\] has shape \(3,\).*call reset\(\)"):
        opt.step([np.zeros(3)], [np.ones(3)])
    opt.reset()
    opt.step([np.zeros(3)], [np.ones(3)])
    assert opt.n_steps == 1


def test_gradients_may_be_lists_and_nan_passes_through():
    theta = np.array([1.0, 2.0])
    SGD(learning_rate=0.5).step([theta], [[1.0, -2.0]])
    np.testing.assert_array_equal(theta, [0.5, 3.0])
    with pytest.raises(TypeError, match=r"grads\[0\] must be an array of numbers"):
        SGD().step([theta], [["a", "b"]])
    SGD().step([theta], [np.array([np.nan, 0.0])])      # a diverging run shows as nan
    assert np.isnan(theta[0]) and theta[1] == 3.0

import warnings

import numpy as np
import pytest
from conftest import require

import nnlessons as nl
from nnlessons.losses import (
    LOSSES,
    Loss,
    as_targets,
    binary_cross_entropy_gradient,
    cross_entropy_gradient,
    get_loss,
    mse_gradient,
)


def probabilities(rng, shape):
    """Random predictions strictly inside (0, 1)."""
    return rng.uniform(0.05, 0.95, shape)


def softmax_rows(rng, n, k):
    return nl.softmax(rng.standard_normal((n, k)))


def test_registry():
    assert list(LOSSES) == ["mse", "binary_cross_entropy", "cross_entropy"]
    for name, loss in LOSSES.items():
        assert isinstance(loss, Loss) and loss.name == name
    assert get_loss("mse") is LOSSES["mse"]
    assert get_loss(LOSSES["mse"]) is LOSSES["mse"]


def test_mse_is_the_plain_mean_over_all_elements():
    assert nl.mse([1, 0, 0, 1], [0, 0, 0, 0]) == 0.5
    assert isinstance(nl.mse([1.0], [0.0]), float)
    y_true = np.array([[1.0, 2.0], [3.0, 4.0]])
    y_pred = np.array([[1.5, 2.0], [2.0, 4.0]])
    assert nl.mse(y_true, y_pred) == pytest.approx((0.25 + 0 + 1 + 0) / 4)
    # not halved, unlike scikit-learn's MLP
    assert nl.mse([2.0], [0.0]) == 4.0


def test_mse_accepts_labels_against_a_column():
    y = np.array([1.0, 0.0, 1.0])
    col = np.array([[0.5], [0.5], [0.5]])
    assert nl.mse(y, col) == nl.mse(y[:, None], col) == 0.25
    assert mse_gradient(y, col).shape == (3, 1)
    assert mse_gradient(y[:, None], y).shape == (3,)


def test_gradient_shapes_and_values():
    assert mse_gradient([1.0, 0.0], [0.5, 0.5]).tolist() == [-0.5, 0.5]
    assert binary_cross_entropy_gradient([[1.0]], [[0.25]]).tolist() == [[-4.0]]
    assert cross_entropy_gradient([1], [[0.5, 0.5]]).tolist() == [[0.0, -2.0]]


def test_cross_entropy_labels_equal_one_hot():
    rng = np.random.default_rng(0)
    p = softmax_rows(rng, 6, 4)
    labels = np.array([0, 3, 1, 1, 2, 0])
    onehot = nl.datasets.one_hot(labels, 4)
    assert nl.cross_entropy(labels, p) == nl.cross_entropy(onehot, p)
    assert np.array_equal(cross_entropy_gradient(labels, p), cross_entropy_gradient(onehot, p))
    expected = -np.mean(np.log(p[np.arange(6), labels]))
    assert nl.cross_entropy(labels, p) == pytest.approx(expected, rel=1e-14)


def test_stable_at_predictions_of_exactly_0_and_1():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # confident and right: loss 0; confident and wrong: log clamped at -100
        assert nl.binary_cross_entropy([1, 0], [1.0, 0.0]) == 0.0
        assert nl.binary_cross_entropy([1, 0], [0.0, 1.0]) == 100.0
        assert nl.cross_entropy([0], [[1.0, 0.0]]) == 0.0
        assert nl.cross_entropy([1], [[1.0, 0.0]]) == 100.0
        for g in (binary_cross_entropy_gradient([1, 0, 1, 0], [0.0, 1.0, 1.0, 0.0]),
                  cross_entropy_gradient([1, 0], [[1.0, 0.0], [1.0, 0.0]])):
            assert np.all(np.isfinite(g))
        assert binary_cross_entropy_gradient([1.0], [0.0])[0] < -1e11  # still pushes up


def central_difference_gradient(f, y_true, y_pred, eps=1e-6):
    grad = np.zeros_like(y_pred)
    for i in np.ndindex(y_pred.shape):
        up, down = y_pred.copy(), y_pred.copy()
        up[i] += eps
        down[i] -= eps
        grad[i] = (f(y_true, up) - f(y_true, down)) / (2 * eps)
    return grad


def relative_error(a, b):
    return (np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), 1e-12)).max()


@pytest.mark.parametrize("shape", [(5,), (4, 1), (3, 4)])
def test_mse_and_bce_gradients_by_central_differences(shape):
    rng = np.random.default_rng(1)
    y_pred = probabilities(rng, shape)
    for loss, y_true in ((LOSSES["mse"], rng.standard_normal(shape)),
                         (LOSSES["binary_cross_entropy"], rng.integers(0, 2, shape) * 1.0),
                         (LOSSES["binary_cross_entropy"], rng.uniform(0, 1, shape))):
        numeric = central_difference_gradient(loss.function, y_true, y_pred)
        assert relative_error(loss.gradient(y_true, y_pred), numeric) < 1e-6, loss.name


@pytest.mark.parametrize("targets", ["labels", "one_hot", "soft"])
def test_cross_entropy_gradient_by_central_differences(targets):
    rng = np.random.default_rng(2)
    p = softmax_rows(rng, 5, 3)
    y = {"labels": rng.integers(0, 3, 5),
         "one_hot": nl.datasets.one_hot(rng.integers(0, 3, 5), 3),
         "soft": softmax_rows(rng, 5, 3)}[targets]
    numeric = central_difference_gradient(nl.cross_entropy, y, p)
    assert relative_error(cross_entropy_gradient(y, p), numeric) < 1e-6


def torch_value_and_grad(torch, fn, y_true, y_pred):
    p = torch.tensor(y_pred, dtype=torch.float64, requires_grad=True)
    value = fn(p, torch.tensor(y_true, dtype=torch.float64))
    value.backward()
    return value.item(), p.grad.numpy()


def test_mse_and_bce_match_pytorch():
    torch = require("torch")
    F = torch.nn.functional
    rng = np.random.default_rng(3)
    y_pred = probabilities(rng, (7, 3))
    cases = [(nl.mse, mse_gradient, F.mse_loss, rng.standard_normal((7, 3))),
             (nl.binary_cross_entropy, binary_cross_entropy_gradient, F.binary_cross_entropy,
              rng.integers(0, 2, (7, 3)) * 1.0)]
    for fn, grad, torch_fn, y_true in cases:
        value, torch_grad = torch_value_and_grad(torch, torch_fn, y_true, y_pred)
        assert fn(y_true, y_pred) == pytest.approx(value, rel=1e-12)
        assert np.allclose(grad(y_true, y_pred), torch_grad, rtol=1e-10, atol=0)


def test_bce_at_0_and_1_matches_pytorch_clamping():
    torch = require("torch")
    y_true = np.array([1.0, 0.0, 1.0, 0.0])
    y_pred = np.array([0.0, 1.0, 1.0, 0.0])
    value, torch_grad = torch_value_and_grad(
        torch, torch.nn.functional.binary_cross_entropy, y_true, y_pred)
    assert nl.binary_cross_entropy(y_true, y_pred) == pytest.approx(value, rel=1e-12)
    # both floor p (1 - p) at 1e-12; torch stores that floor as float32 (9.99999996e-13)
    assert np.allclose(binary_cross_entropy_gradient(y_true, y_pred), torch_grad, rtol=1e-7)


def test_cross_entropy_matches_pytorch():
    torch = require("torch")
    rng = np.random.default_rng(4)
    logits = rng.standard_normal((8, 5))
    labels = rng.integers(0, 5, 8)
    p = nl.softmax(logits)

    def nll(pt, _):
        return torch.nn.functional.nll_loss(torch.log(pt), torch.tensor(labels))

    value, torch_grad = torch_value_and_grad(torch, nll, labels * 1.0, p)
    assert nl.cross_entropy(labels, p) == pytest.approx(value, rel=1e-12)
    assert np.allclose(cross_entropy_gradient(labels, p), torch_grad, rtol=1e-10, atol=0)
    # and the usual form on logits
    expected = torch.nn.functional.cross_entropy(torch.tensor(logits), torch.tensor(labels))
    assert nl.cross_entropy(labels, p) == pytest.approx(expected.item(), rel=1e-12)


def test_losses_do_not_modify_inputs():
    y_true = np.array([[1.0, 0.0], [0.0, 1.0]])
    y_pred = np.array([[0.7, 0.3], [0.2, 0.8]])
    before = (y_true.copy(), y_pred.copy())
    for loss in LOSSES.values():
        loss(y_true, y_pred)
        loss.gradient(y_true, y_pred)
    assert np.array_equal(y_true, before[0]) and np.array_equal(y_pred, before[1])


def test_as_targets():
    assert as_targets([1, 0], 1).tolist() == [[1.0], [0.0]]
    assert as_targets([[0.5], [2.0]], 1).tolist() == [[0.5], [2.0]]
    assert as_targets(np.array([2, 0]), 3).tolist() == [[0, 0, 1], [1, 0, 0]]
    assert as_targets([2.0, 1.0], 3).tolist() == [[0, 0, 1], [0, 1, 0]]
    assert as_targets([[0, 1]], 2).dtype == np.float64


@pytest.mark.parametrize(
    "call, error, words",
    [
        (lambda: get_loss("mae"), ValueError,
         "loss must be one of 'mse', 'binary_cross_entropy', 'cross_entropy'; got 'mae'"),
        (lambda: get_loss(None), TypeError, "loss must be a name"),
        (lambda: nl.mse([1, 2, 3], [1, 2]), ValueError, r"same shape, got \(3,\) and \(2,\)"),
        (lambda: nl.mse([[1, 2]], [1, 2]), ValueError, "same shape"),
        (lambda: nl.mse([1.0, np.nan], [1.0, 2.0]), ValueError, "y_true must contain only finite"),
        (lambda: nl.mse([1.0], [np.inf]), ValueError, "y_pred must contain only finite"),
        (lambda: nl.mse([], []), ValueError, r"at least one value, got shape \(0,\)"),
        (lambda: nl.binary_cross_entropy([1], [1.5]), ValueError, r"y_pred must be in \[0, 1\]"),
        (lambda: nl.binary_cross_entropy([2], [0.5]), ValueError, r"y_true must be in \[0, 1\]"),
        (lambda: nl.cross_entropy([0, 3], [[0.5, 0.5]] * 2), ValueError,
         r"labels must be in \[0, 2\), got 3 at index 1"),
        (lambda: nl.cross_entropy([-1], [[0.5, 0.5]]), ValueError, r"got -1 at index 0"),
        (lambda: nl.cross_entropy([0.5], [[0.5, 0.5]]), ValueError, "integer class labels"),
        (lambda: nl.cross_entropy([0, 1, 0], [[0.5, 0.5]] * 2), ValueError, "shape"),
        (lambda: nl.cross_entropy([[1, 0, 0]], [[0.5, 0.5]]), ValueError, "one-hot"),
        (lambda: nl.cross_entropy([0], [0.5, 0.5]), ValueError, "y_pred must be a 2-D"),
        (lambda: cross_entropy_gradient([0], [[-0.1, 1.1]]), ValueError, "y_pred must be in"),
        (lambda: as_targets([0, 4], 3), ValueError, r"y labels must be in \[0, 3\), got 4"),
        (lambda: as_targets([[1, 2]], 3), ValueError, "y must have 3 column"),
        (lambda: as_targets(np.zeros((2, 2, 2)), 2), ValueError, "y must be a 1-D or 2-D"),
        (lambda: as_targets(["a", "b"], 2), TypeError, "y must be an array of numbers"),
        (lambda: as_targets([np.nan], 1), ValueError, "finite"),
    ],
)
def test_bad_input(call, error, words):
    with pytest.raises(error, match=words):
        call()


def test_home_made_loss_works_in_a_network():
    # half the squared error summed: gradient y_pred - y_true
    def half_sse(y_true, y_pred):
        return 0.5 * float(np.sum((np.asarray(y_pred) - y_true) ** 2))

    loss = Loss("half_sse", half_sse, lambda y_true, y_pred: np.asarray(y_pred) - y_true)
    net = nl.MLP([2, 3, 2], activation="tanh", output_activation="identity", rng=0)
    X, y = [[0.5, -1.0], [1.0, 0.3]], [[1.0, 0.0], [-1.0, 2.0]]
    # 4 elements: half their sum is 0.5 * 4 * their mean
    assert net.loss(X, y, loss=loss) == pytest.approx(0.5 * 4 * nl.mse(y, net.forward(X)))
    assert nl.gradient_check(net, X, y, loss=loss) < 1e-6

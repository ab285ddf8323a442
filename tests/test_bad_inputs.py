"""Bad input through every public path: a clear error naming the parameter and its value.

One case per bad input found by an outside fuzz of the public API (a careless user's
inputs). Each case asserts the exception type and that the message names the parameter
and shows the bad value; complex numbers are refused, never silently truncated.
"""

import warnings

import numpy as np
import pytest

import nnlessons as nl
from nnlessons import datasets, metrics, model_selection
from nnlessons.features import polynomial_features
from nnlessons.gradcheck import gradient_check
from nnlessons.optim import SGD, Adam
from nnlessons.training import StuckWarning, fit, train_epoch

X4, Y4 = nl.datasets.gender()                 # 4 samples, 2 features, 0/1 targets
EMPTY_X, EMPTY_Y = np.zeros((0, 2)), np.zeros(0)


def net(*args, **kwargs):
    return nl.MLP([2, 2, 1], *args, rng=0, **kwargs)


def used_adam():
    """An Adam optimizer that has taken steps on a 2-3-1 network."""
    opt = Adam()
    train_epoch(nl.MLP([2, 3, 1], rng=0), X4, Y4, opt)
    return opt


# (id, call, exception type, the parameter named, the value shown)
CASES = [
    # complex input: refused everywhere, never truncated
    ("mse complex", lambda: nl.mse([1.0], [0.5 + 9j]), TypeError, "y_pred", "(0.5+9j)"),
    ("bce complex", lambda: nl.binary_cross_entropy([1 + 1j], [0.5]), TypeError, "y_true",
     "(1+1j)"),
    ("cross_entropy complex", lambda: nl.cross_entropy([0], [[0.5 + 1j, 0.5]]), TypeError,
     "y_pred", "(0.5+1j)"),
    ("sigmoid complex", lambda: nl.sigmoid(1 + 2j), TypeError, "z", "(1+2j)"),
    ("forward complex", lambda: net().forward([[1 + 1j, 2]]), TypeError, "X", "(1+1j)"),
    ("fit complex X", lambda: fit(net(), X4 + 1j, Y4), TypeError, "X", "j)"),
    ("fit complex y", lambda: fit(net(), X4, Y4 + 2j), TypeError, "y", "2j)"),
    ("gradients complex", lambda: net().gradients(X4, Y4 * 1j), TypeError, "y", "1j"),
    ("step complex grads", lambda: SGD(0.1).step([np.zeros(2)], [np.array([1j, 0])]),
     TypeError, "grads[0]", "1j"),
    ("standardize complex", lambda: datasets.standardize([[1j]]), TypeError, "X_train", "1j"),
    ("split complex", lambda: model_selection.train_test_split(X4 * 1j, Y4), TypeError, "X",
     "2j"),
    ("from_parameters complex", lambda: nl.MLP.from_parameters([np.ones((2, 1)) * 1j],
                                                               [np.ones(1)]),
     TypeError, "weights[0]", "1j"),
    ("true_cosine complex", lambda: datasets.true_cosine(1j), TypeError, "x", "1j"),
    # fit's targets are checked as the losses check them
    ("fit bce target 2", lambda: fit(net(output_activation="sigmoid"), X4, 2 * Y4,
                                     loss="binary_cross_entropy"), ValueError, "y", "2.0"),
    ("bce target 2", lambda: nl.binary_cross_entropy(2 * Y4, [0.5] * 4), ValueError,
     "y_true", "2.0"),
    ("fit softmax targets [5, -3, 0]", lambda: fit(
        nl.MLP([2, 3], output_activation="softmax", rng=0), X4[:3], [5, -3, 0],
        loss="cross_entropy"), ValueError, "y", "-3"),
    ("fit softmax target rows", lambda: fit(
        nl.MLP([2, 3], output_activation="softmax", rng=0), X4[:1], [[5, -3, 0]],
        loss="cross_entropy"), ValueError, "y", "5.0"),
    ("cross_entropy target rows", lambda: nl.cross_entropy([[5, -3, 0]], [[0.2, 0.3, 0.5]]),
     ValueError, "y_true", "5.0"),
    # output activation and loss: one check for every path
    ("fit sigmoid with cross_entropy", lambda: fit(net(), X4, Y4, loss="cross_entropy"),
     ValueError, "output_activation", "'sigmoid'"),
    ("train_epoch sigmoid with cross_entropy", lambda: train_epoch(
        net(), X4, Y4, SGD(), loss="cross_entropy"), ValueError, "output_activation",
     "'sigmoid'"),
    ("loss sigmoid with cross_entropy", lambda: net().loss(X4, Y4, loss="cross_entropy"),
     ValueError, "output_activation", "'sigmoid'"),
    ("gradients identity with bce", lambda: net(output_activation="identity").gradients(
        X4, Y4, loss="binary_cross_entropy"), ValueError, "output_activation", "'identity'"),
    ("gradient_check identity with bce", lambda: gradient_check(
        net(output_activation="identity"), X4, Y4, loss="binary_cross_entropy"), ValueError,
     "output_activation", "'identity'"),
    ("softmax of one output", lambda: nl.MLP([2, 1], output_activation="softmax"), ValueError,
     "output_activation", "'softmax'"),
    ("softmax everywhere, one output", lambda: nl.MLP([2, 1], activation="softmax"),
     ValueError, "output_activation", "[2, 1]"),
    # empty batches
    ("gradients empty", lambda: net().gradients(EMPTY_X, EMPTY_Y), ValueError, "X", "(0, 2)"),
    ("gradients empty cross_entropy", lambda: nl.MLP(
        [2, 2], output_activation="softmax").gradients(EMPTY_X, EMPTY_Y, "cross_entropy"),
     ValueError, "X", "(0, 2)"),
    ("gradient_check empty", lambda: gradient_check(net(), EMPTY_X, EMPTY_Y), ValueError, "X",
     "(0, 2)"),
    ("loss empty", lambda: net().loss(EMPTY_X, EMPTY_Y), ValueError, "X", "(0, 2)"),
    ("cross_entropy empty", lambda: nl.cross_entropy(EMPTY_Y, np.zeros((0, 2))), ValueError,
     "y_pred", "(0, 2)"),
    ("mse empty", lambda: nl.mse([], []), ValueError, "y_pred", "(0,)"),
    ("fit empty", lambda: fit(net(), EMPTY_X, EMPTY_Y), ValueError, "X", "(0, 2)"),
    ("train_epoch empty", lambda: train_epoch(net(), EMPTY_X, EMPTY_Y, SGD()), ValueError, "X",
     "(0, 2)"),
    ("accuracy empty", lambda: metrics.accuracy([], []), ValueError, "y_true", "0"),
    ("standardize empty", lambda: datasets.standardize(np.zeros((0, 3))), ValueError,
     "X_train", "(0, 3)"),
    # an optimizer carried over to another network
    ("train_epoch optimizer of a bigger net", lambda: train_epoch(nl.MLP([2, 1]), X4, Y4,
                                                                  used_adam()),
     ValueError, "reset()", "4"),
    ("train_epoch optimizer of another shape", lambda: train_epoch(nl.MLP([2, 4, 1]), X4, Y4,
                                                                   used_adam()),
     ValueError, "params[0]", "(2, 4)"),
    ("step optimizer of another shape", lambda: used_adam().step(
        [np.zeros((2, 4)), np.zeros((4, 1)), np.zeros(4), np.zeros(1)],
        [np.zeros((2, 4)), np.zeros((4, 1)), np.zeros(4), np.zeros(1)]), ValueError,
     "params[0]", "(2, 4)"),
    # one_hot
    ("one_hot strings", lambda: datasets.one_hot(["a"]), TypeError, "y", "['a']"),
    ("one_hot nan", lambda: datasets.one_hot([0, np.nan]), ValueError, "y", "nan"),
    ("one_hot huge label", lambda: datasets.one_hot([10**9]), ValueError, "n_classes",
     "1000000000"),
    ("one_hot negative", lambda: datasets.one_hot([1, -1]), ValueError, "y", "-1"),
    ("one_hot fraction", lambda: datasets.one_hot([0.5]), ValueError, "y", "0.5"),
    ("one_hot 2-D", lambda: datasets.one_hot([[0, 1]]), ValueError, "y", "(1, 2)"),
    ("one_hot too few classes", lambda: datasets.one_hot([0, 3], n_classes=2), ValueError, "y",
     "3"),
    # splits
    ("train_test_split ragged", lambda: model_selection.train_test_split([[1, 2], [3]], [0, 1]),
     ValueError, "X", "[[1, 2], [3]]"),
    ("train_test_split strings", lambda: model_selection.train_test_split(
        ["a", "b", "c", "d"], [0, 1, 0, 1]), TypeError, "X", "['a', 'b', 'c', 'd']"),
    ("train_test_split string labels", lambda: model_selection.train_test_split(
        X4, ["m", "f", "m", "f"]), TypeError, "y", "['m', 'f', 'm', 'f']"),
    ("train_val_test_split ragged", lambda: model_selection.train_val_test_split(
        [[1], [2, 3]], [0, 1]), ValueError, "X", "[[1], [2, 3]]"),
    ("train_test_split a string", lambda: datasets.train_test_split("abcd", "abcd"), TypeError,
     "X", "'abcd'"),
    # other values taken wrongly before
    ("sigmoid None", lambda: nl.sigmoid(None), TypeError, "z", "None"),
    ("relu string", lambda: nl.relu("3"), TypeError, "z", "'3'"),
    ("gender shifted 'no'", lambda: datasets.gender(shifted="no"), TypeError, "shifted",
     "'no'"),
    ("gender shifted 0", lambda: datasets.gender(shifted=0), TypeError, "shifted", "0"),
    ("MLP dict sizes", lambda: nl.MLP({2: "a", 1: "b"}), TypeError, "layer_sizes",
     "{2: 'a', 1: 'b'}"),
    ("MLP set sizes", lambda: nl.MLP({2, 1}), TypeError, "layer_sizes", "{1, 2}"),
    ("MLP float size", lambda: nl.MLP([2, 1.5]), TypeError, "layer_sizes[1]", "1.5"),
    ("fit net not an MLP", lambda: fit("net", X4, Y4), TypeError, "net", "'net'"),
    ("train_epoch net not an MLP", lambda: train_epoch(None, X4, Y4, SGD()), TypeError, "net",
     "None"),
    ("gradient_check net not an MLP", lambda: gradient_check([1], X4, Y4), TypeError, "net",
     "[1]"),
    ("train_epoch shuffle 'no'", lambda: train_epoch(net(), X4, Y4, SGD(), shuffle="no"),
     TypeError, "shuffle", "'no'"),
    ("fit loss not a name", lambda: fit(net(), X4, Y4, loss=nl.mse), TypeError, "loss",
     "loss='mse'"),
    ("confusion_matrix labels", lambda: metrics.confusion_matrix([0, 1.5], [0, 1]), ValueError,
     "y_true", "1.5"),
    ("k_fold_indices k > n", lambda: model_selection.k_fold_indices(3, 5), ValueError, "k", "5"),
    ("polynomial_features degree", lambda: polynomial_features([1.0], -2), ValueError,
     "degree", "-2"),
]


@pytest.mark.parametrize("call, error, name, value",
                         [pytest.param(*case[1:], id=case[0]) for case in CASES])
def test_bad_input_is_named(call, error, name, value):
    with warnings.catch_warnings():
        warnings.simplefilter("error")            # no RuntimeWarning or ComplexWarning first
        with pytest.raises(error) as caught:
            call()
    message = str(caught.value)
    assert name in message, message
    assert value in message, message


def test_cross_entropy_is_never_minus_zero():
    for loss in (nl.cross_entropy([0], [[1.0, 0.0]]), nl.binary_cross_entropy([1.0], [1.0]),
                 nl.MLP([1, 2], output_activation="softmax").loss([[0.0]], [0],
                                                                  loss="cross_entropy")):
        assert np.copysign(1.0, loss) == 1.0 or loss > 0


def test_a_stuck_start_warns_that_the_learning_rate_may_be_too_large():
    with pytest.warns(StuckWarning, match=r"stayed at 0\.5 .* learning_rate=100 may be too "
                                          r"large .* try e\.g\. learning_rate=10$") as caught:
        history = fit(net(), X4, Y4, learning_rate=100, n_epochs=10, batch_size=1, rng=0)
    assert len(caught) == 1 and caught[0].filename == __file__
    assert history.loss[-1] == pytest.approx(0.5)      # a warning, not an error: fit finished


@pytest.mark.parametrize("learning_rate", [0.1, 1.0, 10.0])
def test_no_stuck_warning_when_training_moves(learning_rate):
    with warnings.catch_warnings():
        warnings.simplefilter("error", StuckWarning)
        fit(net(), X4, Y4, learning_rate=learning_rate, n_epochs=10, batch_size=1, rng=0)


def test_no_stuck_warning_for_a_trained_network():
    trained = net()
    fit(trained, X4, Y4, learning_rate=10.0, n_epochs=300, batch_size=1, rng=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", StuckWarning)
        fit(trained, X4, Y4, learning_rate=0.001, n_epochs=10, batch_size=1, rng=0)

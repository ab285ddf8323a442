"""Tests for nnlessons.metrics: accuracy and the confusion matrix."""

import numpy as np
import pytest
from conftest import require

from nnlessons import metrics, training
from nnlessons.metrics import accuracy, confusion_matrix


def test_accuracy_of_labels_rows_and_columns():
    assert accuracy([0, 1, 2, 2], [0, 1, 1, 2]) == 0.75
    assert accuracy([[1, 0], [0, 1]], [[0.2, 0.8], [0.1, 0.9]]) == 0.5    # one-hot and rows
    assert accuracy([1, 0, 1], [[0.9], [0.4], [0.5]]) == pytest.approx(2 / 3)  # 0.5 is not > 0.5
    assert accuracy(np.array([1.0, 0.0]), np.array([1, 0])) == 1.0


def test_accuracy_bad_input():
    with pytest.raises(ValueError, match="same number of samples, got 2 and 3"):
        accuracy([0, 1], [0, 1, 1])
    with pytest.raises(ValueError, match=r"y_pred of shape \(2,\) must hold class labels, "
                                         r"got 0.9"):
        accuracy([1, 0], [0.9, 0.2])
    with pytest.raises(ValueError, match="at least one sample"):
        accuracy([], [])


def test_training_keeps_accuracy_importable():
    assert training.accuracy is metrics.accuracy


def test_confusion_matrix_counts_rows_true_columns_predicted():
    counts = confusion_matrix([0, 0, 1, 1, 2, 2, 2], [0, 1, 1, 1, 2, 0, 2])
    np.testing.assert_array_equal(counts, [[1, 1, 0], [0, 2, 0], [1, 0, 2]])
    assert counts.dtype == np.int64
    assert confusion_matrix([0, 1], [0, 0], n_classes=4).shape == (4, 4)
    assert confusion_matrix([1.0, 0.0], [1, 1]).tolist() == [[0, 1], [0, 1]]   # float labels


def test_confusion_matrix_matches_scikit_learn():
    require("sklearn")
    from sklearn.metrics import confusion_matrix as sk_confusion

    rng = np.random.default_rng(0)
    y_true, y_pred = rng.integers(0, 6, 200), rng.integers(0, 6, 200)
    np.testing.assert_array_equal(confusion_matrix(y_true, y_pred, 7),
                                  sk_confusion(y_true, y_pred, labels=range(7)))


@pytest.mark.parametrize("args, error, words", [
    (([0, 1], [0]), ValueError, r"same shape \(n_samples,\), got \(2,\) and \(1,\)"),
    (([0, -1], [0, 1]), ValueError, "y_true must hold integer class labels >= 0, got -1.0"),
    (([0, 1], [0, 1.5]), ValueError, "y_pred must hold integer class labels >= 0, got 1.5"),
    (([0, 3], [0, 1], 2), ValueError, "n_classes=2 is too small: the labels go up to 3"),
    (([[0, 1]], [[0, 1]]), ValueError, "y_true must be a 1-D array"),
    ((["a"], [0]), TypeError, "y_true must be an array of numbers"),
])
def test_confusion_matrix_bad_input(args, error, words):
    with pytest.raises(error, match=words):
        confusion_matrix(*args)

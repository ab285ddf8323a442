"""Tests for nnlessons.model_selection: hold-out splits and k-fold indices."""

import numpy as np
import pytest
from conftest import require

from nnlessons import datasets
from nnlessons.model_selection import k_fold_indices, train_test_split, train_val_test_split


def test_datasets_keeps_the_same_split_functions():
    assert datasets.train_test_split is train_test_split
    assert datasets.train_val_test_split is train_val_test_split


def test_train_test_split_returns_scikit_learns_order():
    X, y = np.arange(40.0).reshape(20, 2), np.arange(20)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, rng=0)
    assert X_train.shape == (15, 2) and X_test.shape == (5, 2)
    assert y_train.shape == (15,) and y_test.shape == (5,)
    np.testing.assert_array_equal(X_train[:, 0] / 2, y_train)
    np.testing.assert_array_equal(X_test[:, 0] / 2, y_test)


def test_train_test_split_sizes_agree_with_scikit_learn():
    require("sklearn")
    from sklearn.model_selection import train_test_split as sk_split

    X, y = np.zeros((40, 3)), np.arange(40)     # (sizes round; scikit-learn's test size is
    ours = train_test_split(X, y, test_size=0.3)
    theirs = sk_split(X, y, test_size=0.3, random_state=0)   # rounded up: same here)
    assert [p.shape for p in ours] == [p.shape for p in theirs]


def test_k_folds_are_contiguous_and_cover_everything():
    folds = k_fold_indices(23, 5)
    assert [len(val) for _, val in folds] == [5, 5, 5, 4, 4]
    np.testing.assert_array_equal(np.concatenate([val for _, val in folds]), np.arange(23))
    for train, val in folds:
        assert set(train) | set(val) == set(range(23)) and not set(train) & set(val)
        assert np.all(np.diff(train) > 0)


def test_k_folds_match_scikit_learn():
    require("sklearn")
    from sklearn.model_selection import KFold

    for n_samples, k in ((10, 3), (23, 5), (6, 6)):
        for (train, val), (sk_train, sk_val) in zip(
                k_fold_indices(n_samples, k), KFold(k).split(np.zeros(n_samples)), strict=True):
            np.testing.assert_array_equal(train, sk_train)
            np.testing.assert_array_equal(val, sk_val)


@pytest.mark.parametrize("args, error, words", [
    ((1, 2), ValueError, "n_samples must be an integer >= 2, got 1"),
    ((5, 6), ValueError, r"k must be an integer in \[2, 5\], got 6"),
    ((5, 1), ValueError, r"k must be an integer in \[2, 5\], got 1"),
    ((5.0, 2), TypeError, "n_samples must be an integer, got 5.0"),
])
def test_k_fold_bad_input(args, error, words):
    with pytest.raises(error, match=words):
        k_fold_indices(*args)


@pytest.mark.parametrize("call, error, words", [
    (lambda: train_test_split([[1, 2], [3]], [0, 1]), ValueError,
     r"X must be a rectangular array of numbers.*got \[\[1, 2\], \[3\]\]"),
    (lambda: train_test_split(["a", "b", "c", "d"], [0, 1, 0, 1]), TypeError,
     "X must be an array of numbers, got"),
    (lambda: train_test_split(np.zeros((4, 2)), ["x", "y", "x", "y"]), TypeError,
     "y must be an array of numbers"),
    (lambda: train_test_split(np.zeros((4, 2)) + 1j, np.zeros(4)), TypeError,
     "X must hold real numbers, got complex"),
    (lambda: train_val_test_split([[1], [2, 3]], [0, 1]), ValueError, "X must be a rectangular"),
])
def test_split_bad_input(call, error, words):
    with pytest.raises(error, match=words):
        call()

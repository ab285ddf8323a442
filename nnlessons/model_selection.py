"""Splitting data to measure what a network learned: hold-out splits and k folds.

Lesson 08 keeps a validation set apart to choose hyper-parameters and a test set apart to
report once (``train_val_test_split``); lesson 09 builds k-fold cross-validation
(``k_fold_indices``), which the under/overfitting explorer uses too. ``train_test_split``
returns its parts in scikit-learn's order, ``X_train, X_test, y_train, y_test``, so code
written here reads the same with scikit-learn.

Every split is drawn with ``rng`` (int, Generator or None) and returns new arrays; the
arrays passed in are never changed. Left out on purpose: stratified and grouped splits,
shuffled folds and time-series splits.
"""

import numpy as np

from ._validation import as_numeric_array, as_rng, check_int, check_probability

__all__ = ["train_test_split", "train_val_test_split", "k_fold_indices"]


def _check_Xy(X, y):
    X, y = as_numeric_array(X, "X"), as_numeric_array(y, "y")
    if X.ndim == 0 or y.ndim == 0 or len(X) != len(y):
        raise ValueError(f"X and y must have the same number of samples (rows), got shapes "
                         f"{X.shape} and {y.shape}")
    return X, y


def _split_sizes(n_samples, sizes):
    """Numbers of test/validation samples, ``round(n * size)``, leaving >= 1 to train."""
    counts = [round(n_samples * s) for s in sizes]
    if any(c < 1 for c in counts) or n_samples - sum(counts) < 1:
        raise ValueError(f"cannot split {n_samples} samples into a training set and parts of "
                         f"sizes {sizes} with at least 1 sample each")
    return counts


def train_test_split(X, y, test_size=0.25, rng=0):
    """Shuffle and split into training and test sets, in scikit-learn's order.

    Parameters
    ----------
    X : array_like of numbers, shape (n_samples, ...)
    y : array_like of numbers, shape (n_samples, ...)
    test_size : float in (0, 1), default 0.25
        The test set gets ``round(n_samples * test_size)`` rows.
    rng : int, Generator or None

    Returns
    -------
    X_train, X_test, y_train, y_test : ndarray
        New arrays, as ``sklearn.model_selection.train_test_split`` returns them.

    Examples
    --------
    >>> X_train, X_test, y_train, y_test = train_test_split(np.zeros((8, 2)), np.arange(8))
    >>> X_train.shape, X_test.shape, y_train.shape
    ((6, 2), (2, 2), (6,))
    """
    X, y = _check_Xy(X, y)
    (n_test,) = _split_sizes(len(y), [check_probability(test_size, "test_size")])
    order = as_rng(rng).permutation(len(y))
    train, test = order[n_test:], order[:n_test]
    return X[train], X[test], y[train], y[test]


def train_val_test_split(X, y, val_size=0.2, test_size=0.2, rng=0):
    """Shuffle and split into training, validation and test sets.

    Parameters
    ----------
    X : array_like of numbers, shape (n_samples, ...)
    y : array_like of numbers, shape (n_samples, ...)
    val_size, test_size : float in (0, 1), default 0.2
        The validation and test sets get ``round(n_samples * val_size)`` and
        ``round(n_samples * test_size)`` rows; training gets the rest.
    rng : int, Generator or None

    Returns
    -------
    X_train, y_train, X_val, y_val, X_test, y_test : ndarray
        New arrays, in (X, y) pairs: the pair a lesson passes to ``fit`` or
        ``validation_data`` stays together.

    Examples
    --------
    >>> parts = train_val_test_split(np.zeros((10, 2)), np.arange(10))
    >>> [len(p) for p in parts]
    [6, 6, 2, 2, 2, 2]
    """
    X, y = _check_Xy(X, y)
    sizes = [check_probability(val_size, "val_size"), check_probability(test_size, "test_size")]
    if sum(sizes) >= 1:
        raise ValueError(f"val_size + test_size must be < 1, got {sizes[0]} + {sizes[1]}")
    n_val, n_test = _split_sizes(len(y), sizes)
    order = as_rng(rng).permutation(len(y))
    n_train = len(y) - n_val - n_test
    train, val, test = order[:n_train], order[n_train:n_train + n_val], order[n_train + n_val:]
    return X[train], y[train], X[val], y[val], X[test], y[test]


def k_fold_indices(n_samples, k):
    """k contiguous, unshuffled folds; the first ``n_samples % k`` folds are one larger.

    Fold ``i`` validates on its own block of indices and trains on all the others, as
    scikit-learn's ``KFold`` without shuffling.

    Parameters
    ----------
    n_samples : int, >= 2
    k : int in [2, n_samples]

    Returns
    -------
    list of k (train_idx, val_idx) pairs of int arrays
        ``val_idx`` is increasing; ``train_idx`` is the sorted rest.

    Examples
    --------
    >>> [val.tolist() for _, val in k_fold_indices(5, 2)]
    [[0, 1, 2], [3, 4]]
    >>> k_fold_indices(5, 2)[1][0]
    array([0, 1, 2])
    """
    n_samples = check_int(n_samples, "n_samples", minimum=2)
    k = check_int(k, "k", minimum=2, maximum=n_samples)
    sizes = np.full(k, n_samples // k)
    sizes[: n_samples % k] += 1                     # the first n % k folds are one larger
    ends = np.cumsum(sizes)
    everything = np.arange(n_samples)
    return [(np.r_[everything[:end - size], everything[end:]], everything[end - size:end])
            for size, end in zip(sizes, ends, strict=True)]

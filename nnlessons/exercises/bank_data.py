"""Exercises of lessons 08-10: data splits, mini-batches, cross-validation and digits.

Two of them are random (a shuffled split, shuffled mini-batches): any right answer is
accepted, so they are judged by properties (integer indices, no overlap, every sample
once, the right sizes, actually shuffled) instead of against one expected value. The
others compare with the package's own definitions (``nl.datasets.one_hot``,
``nnlessons.metrics``, ``nnlessons.features``, ``nnlessons.model_selection``).

Left out: exercises on standardisation and early stopping (the lessons use the package's).
"""

import numpy as np

from .. import datasets, features, metrics, model_selection
from .._validation import as_rng
from .core import Exercise, case, hidden
from .judges import Failure, Numbers, reworded, to_array, type_name
from .report import Kind


def _indices(value, name):
    """``value`` as a 1-D integer array, or a message saying why it is not one."""
    array = to_array(value)
    if array.dtype.kind not in "iu":
        return None, Failure(f"{name} must hold integer indices, got {array.dtype} values",
                             Kind.WRONG_TYPE)
    if array.ndim != 1:
        return None, Failure(f"{name} must be a 1-D array of indices, got shape "
                             f"{array.shape}", Kind.WRONG_SHAPE)
    return array, None


def _in_order(parts):
    """Whether every part of two or more indices is a run of consecutive increasing ones."""
    long = [p for p in parts if p.size >= 2]
    return bool(long) and all(np.all(np.diff(p) == 1) for p in long)


def _arranged(everything, n_samples):
    """Whether a permutation follows one fixed step instead of a shuffle: reversed, rolled,
    a fixed stride, or long runs of consecutive indices (more than half of its steps, mod
    n_samples, are the same; a shuffle of 10 or more samples essentially never does that).
    """
    if n_samples < 10 or everything.size < 2:
        return False
    steps = np.diff(everything) % n_samples
    return int(np.bincount(steps).max()) > max(n_samples // 2, 8)


def _permutation_message(parts, n_samples, what):
    everything = np.concatenate(parts) if parts else np.zeros(0, dtype=int)
    if np.any(everything < 0) or np.any(everything >= n_samples):
        return Failure(f"an index is out of range: {what} must be in 0 .. n_samples - 1",
                       Kind.WRONG_VALUE)
    if np.unique(everything).size != everything.size:
        return Failure(f"an index appears twice: every sample must be in exactly one of the "
                       f"{what}", Kind.WRONG_VALUE)
    if everything.size != n_samples:
        return Failure(f"some samples are missing: every sample must be in one of the {what}",
                       Kind.WRONG_VALUE)
    shuffled_away = not np.array_equal(everything, np.arange(n_samples)) and not _in_order(parts)
    if n_samples >= 20 and not shuffled_away:
        return Failure("the indices are in order, not shuffled", Kind.IGNORES_RNG)
    if _arranged(everything, n_samples):
        return Failure("the indices follow a fixed pattern (reversed, rolled or a fixed "
                       "step), not shuffled: shuffle with np.random.default_rng(rng)",
                       Kind.IGNORES_RNG)
    return None


def _split_indices(n_samples, val_size, test_size, rng):
    perm = as_rng(rng).permutation(n_samples)
    n_val, n_test = round(n_samples * val_size), round(n_samples * test_size)
    return perm[n_val + n_test:], perm[:n_val], perm[n_val:n_val + n_test]


def _split_properties(args, got, reveal):
    n_samples, val_size, test_size = args[:3]
    names = ("train_idx", "val_idx", "test_idx")
    if type(got) not in (tuple, list) or len(got) != 3:
        return Failure(f"returned {type_name(got)}, expected a tuple (train_idx, val_idx, "
                       "test_idx)", Kind.WRONG_TYPE)
    parts = []
    for name, part in zip(names, got, strict=True):
        array, message = _indices(part, name)
        if message:
            return message
        parts.append(array)
    n_val, n_test = round(n_samples * val_size), round(n_samples * test_size)
    sizes = (n_samples - n_val - n_test, n_val, n_test)
    rules = ("n_samples minus the other two", "round(n_samples * val_size)",
             "round(n_samples * test_size)")
    for i in (1, 2, 0):                          # the validation and test sizes come first
        name, part, size, rule = names[i], parts[i], sizes[i], rules[i]
        if part.size != size:
            told = f"{part.size} indices, expected {size} = {rule}" if reveal else \
                f"the wrong number of indices: expected {rule}"
            return Failure(f"{name} has {told}", Kind.WRONG_SHAPE)
    return _permutation_message(parts, n_samples, "three parts")


def _no_tie(rng, *sizes):
    """A random n_samples for which no n_samples * size ends in .5 (rounding is then clear)."""
    while True:
        n = int(rng.integers(20, 300))
        if all(abs((n * s) % 1 - 0.5) > 1e-6 for s in sizes):
            return n


def _split_cases(rng):
    cases = [hidden("small n_samples", 7, 0.2, 0.3, int(rng.integers(2**31)))]
    for val_size, test_size in ((0.2, 0.2), (0.1, 0.3), (0.25, 0.15), (0.15, 0.1)):
        cases.append(hidden("random n_samples and sizes", _no_tie(rng, val_size, test_size),
                            val_size, test_size, int(rng.integers(2**31))))
    return cases


def _minibatches(n_samples, batch_size, rng):
    perm = as_rng(rng).permutation(n_samples)
    return [perm[start:start + batch_size] for start in range(0, n_samples, batch_size)]


def _minibatch_properties(args, got, reveal):
    n_samples, batch_size = args[:2]
    if type(got) not in (tuple, list):
        return Failure(f"returned {type_name(got)}, expected a list of index arrays",
                       Kind.WRONG_TYPE)
    n_batches = -(-n_samples // batch_size)
    if len(got) != n_batches:
        told = f", expected {n_batches}" if reveal else ""
        return Failure(f"returned {len(got)} batches{told} (ceil(n_samples / batch_size))",
                       Kind.WRONG_SHAPE)
    batches = []
    for i, batch in enumerate(got):
        array, message = _indices(batch, f"batch {i}")
        if message:
            return message
        want = batch_size if i < n_batches - 1 else n_samples - batch_size * (n_batches - 1)
        if array.size != want:
            rule = "batch_size" if i < n_batches - 1 else "what is left"
            told = f"{array.size} indices, expected {want}" if reveal else "the wrong size"
            return Failure(f"batch {i} has {told} ({rule})", Kind.WRONG_SHAPE)
        batches.append(array)
    return _permutation_message(batches, n_samples, "batches")


def _minibatch_cases(rng):
    cases = [hidden("batch_size 1", 25, 1, int(rng.integers(2**31))),
             hidden("batch_size larger than n_samples", 5, 8, int(rng.integers(2**31))),
             hidden("n_samples a multiple of batch_size", 40, 8, int(rng.integers(2**31)))]
    for _ in range(3):
        cases.append(hidden("random n_samples and batch_size", int(rng.integers(20, 200)),
                            int(rng.integers(2, 40)), int(rng.integers(2**31))))
    return cases


def _polynomial_features(x, degree):
    return features.polynomial_features(x, degree)


def _poly_cases(rng):
    cases = [hidden(f"random x, a {size} degree",
                    np.sort(rng.uniform(0, 1, int(rng.integers(5, 30)))), degree)
             for size, degree in (("low", 1), ("middle", 4), ("high", 15))]
    return cases + [hidden("negative x", rng.normal(size=6), 3),
                    hidden("one sample", rng.normal(size=1), 2)]


def _k_fold_indices(n_samples, k):
    return model_selection.k_fold_indices(n_samples, k)


def _compare_folds(expected, got, reveal):
    if type(got) not in (tuple, list):
        return Failure(f"returned {type_name(got)}, expected a list of (train_idx, val_idx) "
                       "pairs", Kind.WRONG_TYPE)
    if len(got) != len(expected):
        return Failure(f"returned {len(got)} folds, expected k"
                       + (f" = {len(expected)}" if reveal else ""), Kind.WRONG_SHAPE)
    judge = Numbers(integer=True)
    for i, (want, pair) in enumerate(zip(expected, got, strict=True)):
        if type(pair) not in (tuple, list) or len(pair) != 2:
            return Failure(f"fold {i} is {type_name(pair)}, expected a pair (train_idx, "
                           "val_idx)", Kind.WRONG_TYPE)
        message = judge(want[1], pair[1], reveal)
        if message:
            return reworded(f"fold {i}, val_idx: {message}", message)
        message = judge(want[0], np.sort(to_array(pair[0]), axis=-1), reveal)
        if message:
            return reworded(f"fold {i}, train_idx (sorted): {message}", message)
    return None


def _k_fold_cases(rng):
    n_loo = int(rng.integers(3, 12))
    cases = [hidden("k = n_samples (leave one out)", n_loo, n_loo),
             hidden("k = 2", int(rng.integers(5, 40)), 2)]
    for _ in range(3):
        n_samples = int(rng.integers(10, 100))
        cases.append(hidden("random n_samples and k", n_samples, int(rng.integers(3, 11))))
    return cases


def _one_hot(labels, n_classes):
    return datasets.one_hot(labels, n_classes)


def _labels(rng, n_classes, n_samples):
    return rng.integers(0, n_classes, size=n_samples)


def _one_hot_cases(rng):
    return [hidden("random labels", _labels(rng, 10, 15), 10),
            hidden("more classes than labels seen", _labels(rng, 3, 6), 5),
            hidden("labels as a list", [int(v) for v in _labels(rng, 4, 5)], 4),
            hidden("one label", _labels(rng, 2, 1), int(rng.integers(2, 6)))]


def _accuracy(y_true, y_pred):
    return metrics.accuracy(y_true, y_pred)


def _accuracy_cases(rng):
    y_true = _labels(rng, 10, 40)
    y_pred = np.where(rng.uniform(size=40) < 0.7, y_true, _labels(rng, 10, 40))
    return [hidden("random labels, mostly right", y_true, y_pred),
            hidden("all right", y_true, y_true.copy()),
            hidden("all wrong", *_all_wrong(rng, int(rng.integers(3, 12)))),
            hidden("labels as lists", *(_labels(rng, 2, 7).tolist() for _ in range(2)))]


def _all_wrong(rng, n_samples):
    y_true = _labels(rng, 3, n_samples)
    return y_true, (y_true + rng.integers(1, 3, size=n_samples)) % 3


def _confusion_matrix(y_true, y_pred, n_classes):
    return metrics.confusion_matrix(y_true, y_pred, n_classes)


def _confusion_cases(rng):
    y_true = _labels(rng, 5, 50)
    y_pred = np.where(rng.uniform(size=50) < 0.6, y_true, _labels(rng, 5, 50))
    return [hidden("random labels", y_true, y_pred, 5),
            hidden("a class never predicted", *_never_predicted(rng, 3, 8), 3),
            hidden("more classes than labels seen", _labels(rng, 2, 8), _labels(rng, 2, 8), 4),
            hidden("not symmetric", *_not_symmetric(rng), 2)]


def _never_predicted(rng, n_classes, n_samples):
    """Labels of every class, predictions that never say the last class."""
    y_true = np.concatenate([np.arange(n_classes), _labels(rng, n_classes, n_samples)])
    return y_true, _labels(rng, n_classes - 1, y_true.size)


def _not_symmetric(rng):
    """Two classes, more 0 -> 1 mistakes than 1 -> 0 ones, so the matrix is not symmetric."""
    extra = _labels(rng, 2, 4)
    y_true = np.concatenate([[0, 0, 0, 1], extra])
    y_pred = np.concatenate([[1, 1, 0, 1], np.maximum(extra, _labels(rng, 2, 4))])  # no 1 -> 0
    order = rng.permutation(y_true.size)
    return y_true[order], y_pred[order]


EXERCISES = [
    Exercise(
        "split_indices", "08_hyperparameters", 2,
        "split_indices(n_samples, val_size, test_size, rng)", _split_indices,
        public_cases=(case(10, 0.2, 0.2, 0), case(100, 0.1, 0.3, 1)),
        hidden_cases=_split_cases,
        compare=None, properties=_split_properties,
        returns="a tuple (train_idx, val_idx, test_idx)",
        hint="shuffle with perm = np.random.default_rng(rng).permutation(n_samples), then cut "
             "perm into val_idx, test_idx and the rest (train_idx)",
        allowed=(),
    ),
    Exercise(
        "minibatches", "08_hyperparameters", 2, "minibatches(n_samples, batch_size, rng)",
        _minibatches,
        public_cases=(case(10, 4, 0), case(6, 6, 1), case(50, 16, 2)),
        hidden_cases=_minibatch_cases,
        compare=None, properties=_minibatch_properties,
        returns="a list of index arrays",
        hint="shuffle with perm = np.random.default_rng(rng).permutation(n_samples), then "
             "take perm[start:start + batch_size] for start = 0, batch_size, 2 * batch_size, ...",
        allowed=(),
    ),
    Exercise(
        "polynomial_features", "09_overfitting", 1, "polynomial_features(x, degree)",
        _polynomial_features,
        public_cases=(case(np.array([1.0, 2.0, 3.0]), 2), case(np.array([0.5, -1.0]), 0)),
        hidden_cases=_poly_cases,
        hint="column j is x ** j for j = 0 .. degree (column 0 is all ones); "
             "the shape is (n_samples, degree + 1)",
        allowed=(),
    ),
    Exercise(
        "k_fold_indices", "09_overfitting", 2, "k_fold_indices(n_samples, k)", _k_fold_indices,
        public_cases=(case(10, 5), case(7, 3)),
        hidden_cases=_k_fold_cases,
        compare=_compare_folds,
        returns="a list of (train_idx, val_idx) pairs",
        hint="fold sizes are n_samples // k, the first n_samples % k folds one larger; "
             "folds are consecutive and not shuffled",
        allowed=(),
    ),
    Exercise(
        "one_hot", "10_digits", 1, "one_hot(labels, n_classes)", _one_hot,
        public_cases=(case(np.array([0, 2, 1]), 3), case(np.array([1, 1]), 4)),
        hidden_cases=_one_hot_cases,
        hint="row i has a 1 in column labels[i] and 0 elsewhere; the shape is "
             "(n_samples, n_classes)",
        allowed=(),
    ),
    Exercise(
        "accuracy", "10_digits", 1, "accuracy(y_true, y_pred)", _accuracy,
        public_cases=(case(np.array([0, 1, 2, 2]), np.array([0, 1, 1, 2])),),
        hidden_cases=_accuracy_cases,
        returns="a number",
        hint="the fraction of positions where y_true == y_pred (np.mean of the comparison)",
        allowed=(),
    ),
    Exercise(
        "confusion_matrix", "10_digits", 2, "confusion_matrix(y_true, y_pred, n_classes)",
        _confusion_matrix,
        public_cases=(case(np.array([0, 1, 2, 2]), np.array([0, 1, 1, 2]), 3),
                      case(np.array([1, 0, 1]), np.array([1, 1, 1]), 2)),
        hidden_cases=_confusion_cases,
        compare=Numbers(integer=True),
        returns="an array of integer counts",
        hint="entry [i, j] counts the samples of true class i predicted as class j",
        allowed=(),
    ),
]


# --- the capstone of lesson 10: a digit recogniser from the learner's own functions -------
#
# The learner's ``train_digit_classifier(X_train, y_train, rng)`` trains a sigmoid network
# with their own forward pass, backprop and SGD loop and returns ``(weights, biases)``. Its
# answer is random (it depends on the initialisation), so it is judged by a property: the
# accuracy of those weights on the 8x8 digits it was *not* trained on (every digit of
# ``datasets.digits()`` whose pixels are not a training row; the hidden cases give the
# pixels in a random order, the same for training and held-out images, so that stored
# weights trained elsewhere cannot pass), with the lesson's forward
# pass (``a = sigmoid(a @ W + b)`` layer after layer, the prediction is the largest
# output). Partial credit comes from bars: each case trains once on a fresh random set of
# 1,000 digits and passes when the held-out accuracy clears that case's bar.

from dataclasses import dataclass as _dataclass  # noqa: E402
from dataclasses import replace as _replace  # noqa: E402
from functools import partial as _partial  # noqa: E402

from ..activations import sigmoid as _sigmoid  # noqa: E402
from .core import Case as _Case  # noqa: E402

CAPSTONE_TRAIN_SIZE = 1000
"""Training digits per graded case (8x8 images); the other 797 or so are held out."""

CAPSTONE_BARS = (0.9, 0.5, 0.5, 0.8, 0.8, 0.8, 0.9)
"""The held-out accuracy each case must reach: the public case first, then the hidden ones.

With 5 points: 90 % or more on every case earns 5, 80 % to 90 % earns 5 x 5/7 = 3.6, 50 % to
80 % earns 5 x 2/7 = 1.4."""

_MAX_CAPSTONE_LAYERS = 6       # layers of weights the judge accepts (hidden layers + 1)
_MAX_CAPSTONE_UNITS = 1000     # units per layer: the judge's forward pass stays small
_MAX_CAPSTONE_PARAMS = 500_000


@_dataclass(frozen=True, repr=False)
class _BarCase(_Case):
    """A case whose answer passes when its held-out accuracy reaches ``min_accuracy``."""

    min_accuracy: float = 0.9
    columns: tuple = None       # the case's order of the 64 pixels; None: the natural order


@_dataclass(frozen=True, repr=False)
class _BarExercise(Exercise):
    """An exercise judged by held-out accuracy against each case's own bar."""

    def judge(self, case, got):
        bar = getattr(case, "min_accuracy", CAPSTONE_BARS[0])
        columns = getattr(case, "columns", None)
        judged = _replace(self, properties=_partial(_judge_classifier, min_accuracy=bar,
                                                    columns=columns))
        return Exercise.judge(judged, case, got)


def _sigmoid_network(n_features, n_hidden, n_classes, rng):
    """Weights N(0, 1/n_in) (Xavier-like: no unit starts saturated), biases 0."""
    sizes = [n_features, n_hidden, n_classes]
    weights = [rng.normal(0.0, np.sqrt(1.0 / n_in), (n_in, n_out))
               for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True)]
    return weights, [np.zeros(n_out) for n_out in sizes[1:]]


def _backprop(weights, biases, X, Y):
    """Gradients of the plain-mean MSE of an all-sigmoid network (lesson 05's backprop)."""
    acts = [X]
    for W, b in zip(weights, biases, strict=True):
        acts.append(_sigmoid(acts[-1] @ W + b))            # (n, n_out)
    delta = 2.0 * (acts[-1] - Y) / Y.size * acts[-1] * (1.0 - acts[-1])
    grad_W, grad_b = [None] * len(weights), [None] * len(weights)
    for layer in range(len(weights) - 1, -1, -1):
        grad_W[layer] = acts[layer].T @ delta               # (n_in, n) @ (n, n_out)
        grad_b[layer] = delta.sum(axis=0)
        if layer:
            delta = (delta @ weights[layer].T) * acts[layer] * (1.0 - acts[layer])
    return grad_W, grad_b


def _train_digit_classifier(X_train, y_train, rng):
    rng = as_rng(rng)
    X, y = np.asarray(X_train, dtype=float), np.asarray(y_train, dtype=int)
    Y = np.eye(10)[y]                                       # one-hot targets
    weights, biases = _sigmoid_network(X.shape[1], 30, 10, rng)
    learning_rate, batch_size = 20.0, 10
    for _ in range(20):
        order = rng.permutation(len(X))
        for start in range(0, len(X), batch_size):
            batch = order[start:start + batch_size]
            grad_W, grad_b = _backprop(weights, biases, X[batch], Y[batch])
            weights = [W - learning_rate * g for W, g in zip(weights, grad_W, strict=True)]
            biases = [b - learning_rate * g for b, g in zip(biases, grad_b, strict=True)]
    return weights, biases


def _held_out(X_train, columns=None):
    """The 8x8 digits whose pixels are not one of the training rows: (X, y).

    With ``columns`` (the training rows hold the pixels in that order), the held-out
    images come in the same order.
    """
    X, y = datasets.digits()
    rows = np.asarray(X_train, dtype=float)
    if columns is not None:
        natural = np.empty_like(rows)
        natural[:, list(columns)] = rows                  # undo X_train = X[:, columns]
        rows = natural
    seen = {row.tobytes() for row in rows}
    keep = np.array([row.tobytes() not in seen for row in X])
    X_out = X[keep] if columns is None else X[keep][:, list(columns)]
    return X_out, y[keep]


def _network_message(got, n_features):
    """Why ``got`` is not ``(weights, biases)`` of a network from n_features to 10, or None."""
    want = "a pair (weights, biases) of lists of arrays"
    if type(got) not in (tuple, list) or len(got) != 2:
        return Failure(f"returned {type_name(got)}, expected {want}", Kind.WRONG_TYPE)
    weights, biases = got
    if type(weights) not in (tuple, list) or type(biases) not in (tuple, list):
        return Failure(f"expected {want}, got {type_name(weights)} and {type_name(biases)}",
                       Kind.WRONG_TYPE)
    if not weights or len(weights) != len(biases):
        return Failure(f"expected one bias vector per weight matrix, got {len(weights)} "
                       f"weight matrices and {len(biases)} bias vectors", Kind.WRONG_SHAPE)
    if len(weights) > _MAX_CAPSTONE_LAYERS:
        return Failure(f"the network has {len(weights)} layers of weights, expected at most "
                       f"{_MAX_CAPSTONE_LAYERS}", Kind.WRONG_SHAPE)
    n_in = n_features
    for layer, (W, b) in enumerate(zip(weights, biases, strict=True)):
        W, b = to_array(W), to_array(b)
        if W.dtype.kind != "f" or b.dtype.kind != "f":
            return Failure(f"weights[{layer}] and biases[{layer}] must hold floats, got "
                           f"{W.dtype} and {b.dtype}", Kind.WRONG_TYPE)
        if W.ndim == 2 and not 1 <= W.shape[1] <= _MAX_CAPSTONE_UNITS:
            return Failure(f"weights[{layer}] has {W.shape[1]} output units, expected 1 to "
                           f"{_MAX_CAPSTONE_UNITS}", Kind.WRONG_SHAPE)
        if W.ndim != 2 or W.shape[0] != n_in:
            return Failure(f"weights[{layer}] has shape {W.shape}, expected ({n_in}, n_out): "
                           f"one row per input of that layer", Kind.WRONG_SHAPE)
        if b.shape != (W.shape[1],):
            return Failure(f"biases[{layer}] has shape {b.shape}, expected ({W.shape[1]},)",
                           Kind.WRONG_SHAPE)
        n_in = W.shape[1]
    if n_in != 10:
        return Failure(f"the last layer has {n_in} outputs, expected 10 (one per digit)",
                       Kind.WRONG_SHAPE)
    if len(weights) < 2:
        return Failure("the network has no hidden layer: expected at least one hidden layer "
                       "of sigmoid units, trained with your own backprop", Kind.WRONG_SHAPE)
    if sum(to_array(W).size for W in weights) > _MAX_CAPSTONE_PARAMS:
        return Failure(f"the network has more than {_MAX_CAPSTONE_PARAMS} weights: too big "
                       "to grade", Kind.WRONG_SHAPE)
    return None


def _judge_classifier(args, got, reveal, min_accuracy, columns=None):
    X_train = args[0]
    message = _network_message(got, np.shape(X_train)[1])
    if message:
        return message
    X, y = _held_out(X_train, columns)
    a = X
    with np.errstate(all="ignore"):
        for layer, (W, b) in enumerate(zip(*got, strict=True)):
            z = a @ to_array(W).astype(float) + to_array(b).astype(float)
            a = _sigmoid(z) if layer < len(got[0]) - 1 else z   # argmax of sigmoid(z) = of z
    if not np.all(np.isfinite(a)):
        return Failure("the network's outputs are not finite (nan or inf): did the training "
                       "diverge?", Kind.WRONG_VALUE)
    accuracy = float(np.mean(np.argmax(a, axis=1) == y))
    if accuracy >= min_accuracy:
        return None
    told = f" ({accuracy:.1%} of the {len(y)} held-out digits)" if reveal else ""
    return Failure(f"the held-out accuracy{told} is below {min_accuracy:.0%}, this case's bar",
                   Kind.WRONG_VALUE)


def _classifier_properties(args, got, reveal):
    """The property judge for a plain case: held-out accuracy at least the first bar."""
    return _judge_classifier(args, got, reveal, CAPSTONE_BARS[0])


def _digit_subset(seed):
    X, y = datasets.digits()
    chosen = np.random.default_rng(seed).permutation(len(y))[:CAPSTONE_TRAIN_SIZE]
    return X[chosen], y[chosen]


def _bar_case(description, bar, seed, rng_arg, public, columns=None):
    X_train, y_train = _digit_subset(seed)
    if columns is not None:
        X_train = X_train[:, list(columns)]
    return _BarCase(description, (X_train, y_train, rng_arg), {}, public,
                    min_accuracy=bar, columns=columns)


def _capstone_cases(rng):
    """Hidden runs: a fresh training set each, with the 64 pixels in a random order (the
    same order for the held-out images). A fully connected network does not care about
    the order, but a network trained once and stored cannot pass."""
    cases = []
    for bar in CAPSTONE_BARS[1:]:
        seed, rng_arg = int(rng.integers(2**31)), int(rng.integers(2**31))
        columns = tuple(int(c) for c in rng.permutation(64))
        cases.append(_bar_case(f"a random training set, pixels in a random order, held-out "
                               f"accuracy at least {bar:.0%}", bar, seed, rng_arg, False,
                               columns))
    return cases


EXERCISES.append(_BarExercise(
    "train_digit_classifier", "10_digits", 5, "train_digit_classifier(X_train, y_train, rng)",
    _train_digit_classifier,
    public_cases=(_bar_case("1,000 training digits (8x8), held-out accuracy at least 90%",
                            CAPSTONE_BARS[0], 0, 0, True),),
    hidden_cases=_capstone_cases,
    compare=None, properties=_classifier_properties,
    returns="a pair (weights, biases): lists of arrays, layer by layer",
    hint="one-hot the labels, start from small random weights (std 1/sqrt(n_in)), then for "
         "every epoch shuffle, cut mini-batches, call your backprop on each and step "
         "W -= learning_rate * dW; the plain-mean MSE makes the gradients small, so the "
         "learning rate can be large (try 5 to 50)",
    allowed=("sigmoid",),
    rng_check=False,            # judged by accuracy; repeat runs would only multiply the time
))

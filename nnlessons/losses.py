"""Loss functions and their gradients.

Lesson 04 introduces the mean squared error of the lessons' gender example; lesson 10 adds
binary cross-entropy (sigmoid outputs) and cross-entropy (softmax outputs) for
classification. Arguments follow scikit-learn's order, ``(y_true, y_pred)``, and every
loss returns a plain Python float. Each ``*_gradient`` returns ``dL/dy_pred`` with the
shape of ``y_pred``; backpropagation starts from it.

Conventions differ between textbooks, so here they are:

- ``mse`` is the plain mean over all elements of ``(y_true - y_pred)**2``, as in the
  seeds and ``torch.nn.MSELoss``. (scikit-learn's MLP halves it, to tidy the derivative.)
- ``binary_cross_entropy`` is the mean over all elements, as ``torch.nn.BCELoss``; like
  torch it clamps the logarithms at -100, so predictions of exactly 0 and 1 give finite
  losses.
- ``cross_entropy`` takes probabilities (softmax outputs, not logits) and averages over
  samples the sum over classes of ``-y_true * log(y_pred)``.

Left out on purpose: weights per class or per sample, reductions other than the mean,
and losses on logits (the network fuses softmax and cross-entropy in backpropagation).
"""

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from ._validation import _show, as_float_array, as_numeric_array, check_in

_LOG_FLOOR = -100.0   # torch's clamp of log(p) in BCELoss
_TINY = 1e-300        # keeps log away from log(0) before the clamp
_EPS = 1e-12          # torch's floor for p (1 - p) in the BCE gradient


def _log(p):
    """``log(p)`` clamped at -100, without a warning at p = 0."""
    return np.maximum(np.log(np.maximum(p, _TINY)), _LOG_FLOOR)


def _pair(y_true, y_pred):
    """Check and convert a target / prediction pair with the same shape."""
    y_true = as_float_array(y_true, "y_true")
    y_pred = as_float_array(y_pred, "y_pred")
    if y_true.shape != y_pred.shape:
        short, long = sorted((y_true.shape, y_pred.shape), key=len)
        if len(short) == 1 and long == (short[0], 1):
            # a 1-D y_true against a column of predictions (or the reverse): one output
            return y_true.reshape(y_pred.shape), y_pred
        raise ValueError(
            f"y_true and y_pred must have the same shape, got {y_true.shape} and {y_pred.shape}"
        )
    if y_pred.size == 0:
        raise ValueError(f"y_pred must hold at least one value, got shape {y_pred.shape}")
    return y_true, y_pred


def _check_unit_interval(values, name):
    if values.size and (values.min() < 0 or values.max() > 1):
        i = np.unravel_index(np.argmax((values < 0) | (values > 1)), values.shape)
        where = tuple(int(j) for j in i)
        raise ValueError(f"{name} must be in [0, 1] (probabilities), got {values[i]} at index "
                         f"{where if len(where) > 1 else where[0]}")


# --- the fast versions, for checked float arrays: used by the network's training loop ---

def _mse(y_true, y_pred):
    diff = y_true - y_pred
    return float(np.mean(diff * diff))


def _mse_gradient(y_true, y_pred):
    return (2.0 / y_pred.size) * (y_pred - y_true)


def _bce(y_true, y_pred):
    # + 0.0 turns a loss of -0.0 (perfect predictions) into 0.0
    return float(-np.mean(y_true * _log(y_pred) + (1.0 - y_true) * _log(1.0 - y_pred))) + 0.0


def _bce_gradient(y_true, y_pred):
    return (y_pred - y_true) / (np.maximum(y_pred * (1.0 - y_pred), _EPS) * y_pred.size)


def _ce(y_true, y_pred):
    return float(-np.sum(y_true * _log(y_pred)) / y_pred.shape[0]) + 0.0   # never -0.0


def _ce_gradient(y_true, y_pred):
    return -y_true / (np.maximum(y_pred, _EPS) * y_pred.shape[0])


# --- the public functions ---

def mse(y_true, y_pred):
    """Mean squared error: the plain mean over all elements of ``(y_true - y_pred)**2``.

    This is the lessons' MSE and ``torch.nn.MSELoss()``; scikit-learn's ``MLPRegressor``
    minimises half of it.

    Parameters
    ----------
    y_true, y_pred : array_like of shape (n_samples,) or (n_samples, n_outputs)

    Returns
    -------
    float

    Examples
    --------
    >>> mse([1, 0, 0, 1], [0, 0, 0, 0])
    0.5
    """
    return _mse(*_pair(y_true, y_pred))


def mse_gradient(y_true, y_pred):
    """``dL/dy_pred = 2 (y_pred - y_true) / y_pred.size``, with the shape of ``y_pred``.

    Examples
    --------
    >>> mse_gradient([1.0, 0.0], [0.5, 0.5])
    array([-0.5,  0.5])
    """
    y_true, y_pred = _pair(y_true, y_pred)
    return _mse_gradient(y_true, y_pred)


def binary_cross_entropy(y_true, y_pred):
    """Binary cross-entropy, the mean over all elements of
    ``-(y_true log(y_pred) + (1 - y_true) log(1 - y_pred))``, as ``torch.nn.BCELoss()``.

    Parameters
    ----------
    y_true : array_like of shape (n_samples,) or (n_samples, n_outputs)
        Targets in [0, 1] (usually 0 or 1).
    y_pred : array_like of the same shape
        Predicted probabilities in [0, 1] (sigmoid outputs). Each log is clamped at -100,
        so a confident wrong prediction of exactly 0 or 1 costs 100, not infinity.

    Returns
    -------
    float

    Examples
    --------
    >>> round(binary_cross_entropy([1, 0], [0.9, 0.2]), 4)
    0.1643
    >>> binary_cross_entropy([1], [0.0])
    100.0
    """
    y_true, y_pred = _pair(y_true, y_pred)
    _check_unit_interval(y_true, "y_true")
    _check_unit_interval(y_pred, "y_pred")
    return _bce(y_true, y_pred)


def binary_cross_entropy_gradient(y_true, y_pred):
    """``dL/dy_pred = (y_pred - y_true) / (y_pred (1 - y_pred) * y_pred.size)``.

    As in torch, the denominator ``y_pred (1 - y_pred)`` is floored at 1e-12, so the
    gradient stays finite at predictions of exactly 0 and 1.

    Examples
    --------
    >>> np.round(binary_cross_entropy_gradient([1.0, 0.0], [0.5, 0.5]), 3)
    array([-1.,  1.])
    """
    y_true, y_pred = _pair(y_true, y_pred)
    _check_unit_interval(y_true, "y_true")
    _check_unit_interval(y_pred, "y_pred")
    return _bce_gradient(y_true, y_pred)


def _ce_pair(y_true, y_pred):
    """Check a cross-entropy pair; integer labels become one-hot rows."""
    y_pred = as_float_array(y_pred, "y_pred", ndim=2)
    if y_pred.shape[0] == 0:
        raise ValueError(f"y_pred must hold at least one sample, got shape {y_pred.shape}")
    _check_unit_interval(y_pred, "y_pred")
    y_true = as_numeric_array(y_true, "y_true")
    if y_true.ndim == 1:
        y_true = _one_hot_labels(y_true, y_pred.shape[1], "y_true")
    else:
        y_true = as_float_array(y_true, "y_true", ndim=2)
        _check_unit_interval(y_true, "y_true")
    if y_true.shape != y_pred.shape:
        raise ValueError(
            f"y_true must be labels of shape ({y_pred.shape[0]},) or one-hot rows of shape "
            f"{y_pred.shape} to match y_pred, got shape {y_true.shape}"
        )
    return y_true, y_pred


def cross_entropy(y_true, y_pred):
    """Cross-entropy of probability rows: mean over samples of ``-sum(y_true * log(y_pred))``.

    Parameters
    ----------
    y_true : array_like of shape (n_samples,) or (n_samples, n_classes)
        Integer labels in ``[0, n_classes)`` or one-hot rows.
    y_pred : array_like of shape (n_samples, n_classes)
        Predicted probabilities (softmax outputs, rows summing to 1). Logs are clamped at
        -100, so a probability of exactly 0 for the true class costs 100.

    Returns
    -------
    float

    Examples
    --------
    >>> round(cross_entropy([0, 1], [[0.8, 0.2], [0.4, 0.6]]), 4)
    0.367
    """
    return _ce(*_ce_pair(y_true, y_pred))


def cross_entropy_gradient(y_true, y_pred):
    """``dL/dy_pred = -y_true / (y_pred * n_samples)``, shape (n_samples, n_classes).

    ``y_pred`` is floored at 1e-12 in the denominator so the gradient stays finite at 0.

    Examples
    --------
    >>> cross_entropy_gradient([1], [[0.5, 0.5]])
    array([[ 0., -2.]])
    """
    return _ce_gradient(*_ce_pair(y_true, y_pred)) + 0.0  # + 0.0 turns -0.0 into 0.0


def _labels(labels, name):
    """``labels`` as a 1-D int64 array of class labels >= 0, or an error naming ``name``."""
    labels = as_numeric_array(labels, name)
    if labels.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array of class labels, got shape {labels.shape}")
    if labels.dtype.kind == "f":
        bad = ~np.isfinite(labels) | (labels != np.round(labels))
        if np.any(bad):
            i = int(np.argmax(bad))
            raise ValueError(f"{name} must hold integer class labels, got {labels[i]} at "
                             f"index {i}")
    bad = labels < 0
    if np.any(bad):
        i = int(np.argmax(bad))
        raise ValueError(f"{name} must hold class labels >= 0, got {labels[i]} at index {i}")
    return labels.astype(np.int64)


def _one_hot_labels(labels, n_classes, name):
    """Integer labels of shape (n,) to one-hot float rows (n, n_classes), checking range."""
    labels = _labels(labels, name)
    bad = labels >= n_classes
    if np.any(bad):
        i = int(np.argmax(bad))
        raise ValueError(
            f"{name} labels must be in [0, {n_classes}), got {labels[i]} at index {i}"
        )
    out = np.zeros((labels.shape[0], n_classes))
    out[np.arange(labels.shape[0]), labels] = 1.0
    return out


def as_targets(y, n_outputs):
    """Bring targets into the network's output shape (n_samples, n_outputs), as floats.

    Parameters
    ----------
    y : array_like of shape (n_samples,) or (n_samples, n_outputs)
        With one output, a 1-D ``y`` becomes a column. With several outputs, a 1-D ``y``
        holds integer labels in ``[0, n_outputs)`` and becomes one-hot rows.
    n_outputs : int
        The number of output units.

    Returns
    -------
    ndarray of shape (n_samples, n_outputs), float64

    Examples
    --------
    >>> as_targets([1, 0], 1)
    array([[1.],
           [0.]])
    >>> as_targets([2, 0], 3)
    array([[0., 0., 1.],
           [1., 0., 0.]])
    """
    raw = as_numeric_array(y, "y")
    if raw.ndim == 1 and n_outputs > 1:
        return _one_hot_labels(raw, n_outputs, "y")
    y = as_float_array(raw, "y", ndim=(1, 2))
    if y.ndim == 1:
        return y.reshape(-1, 1)
    if y.shape[1] != n_outputs:
        raise ValueError(
            f"y must have {n_outputs} column(s), one per output unit, got shape {y.shape}"
        )
    return y


@dataclass(frozen=True)
class Loss:
    """A loss function with its gradient, chosen by ``name``.

    ``function(y_true, y_pred) -> float`` and ``gradient(y_true, y_pred) -> dL/dy_pred`` are
    the checked public functions; ``fast`` and ``fast_gradient`` are unchecked versions for
    float arrays of shape (n_samples, n_outputs), used in the training loop.

    Examples
    --------
    >>> get_loss("mse")([1, 0, 0, 1], [0, 0, 0, 0])
    0.5
    """

    name: str
    function: Callable = field(repr=False)
    gradient: Callable = field(repr=False)
    fast: Callable = field(default=None, repr=False, compare=False)
    fast_gradient: Callable = field(default=None, repr=False, compare=False)
    #: The output activations whose values this loss can take (None: any).
    outputs: tuple = field(default=None, repr=False, compare=False)
    #: ``check_targets(Y, name)`` raises when targets are not valid for this loss.
    check_targets: Callable = field(default=None, repr=False, compare=False)

    def __post_init__(self):
        # a home-made loss needs only function and gradient
        if self.fast is None:
            object.__setattr__(self, "fast", self.function)
        if self.fast_gradient is None:
            object.__setattr__(self, "fast_gradient", self.gradient)
        if self.check_targets is None:
            object.__setattr__(self, "check_targets", _any_targets)

    def check_output(self, output_activation):
        """Raise when the network's output activation cannot feed this loss.

        Examples
        --------
        >>> get_loss("cross_entropy").check_output("sigmoid")
        Traceback (most recent call last):
        ...
        ValueError: loss='cross_entropy' needs probabilities from the output layer: use \
output_activation='softmax', not 'sigmoid'
        """
        if self.outputs is not None and output_activation not in self.outputs:
            raise ValueError(f"loss={self.name!r} needs probabilities from the output layer: "
                             f"use output_activation={self.outputs[0]!r}, not "
                             f"{output_activation!r}")

    def __call__(self, y_true, y_pred):
        return self.function(y_true, y_pred)


def _any_targets(Y, name):
    """Targets of the mean squared error may be any finite numbers."""


LOSSES = {
    "mse": Loss("mse", mse, mse_gradient, _mse, _mse_gradient),
    "binary_cross_entropy": Loss("binary_cross_entropy", binary_cross_entropy,
                                 binary_cross_entropy_gradient, _bce, _bce_gradient,
                                 outputs=("sigmoid", "softmax"),
                                 check_targets=_check_unit_interval),
    "cross_entropy": Loss("cross_entropy", cross_entropy, cross_entropy_gradient,
                          _ce, _ce_gradient, outputs=("softmax",),
                          check_targets=_check_unit_interval),
}
"""The losses by name: ``mse, binary_cross_entropy, cross_entropy``."""


def get_loss(loss):
    """Look up a loss by name (or pass a ``Loss`` through).

    Examples
    --------
    >>> get_loss("cross_entropy").name
    'cross_entropy'
    >>> get_loss("mae")
    Traceback (most recent call last):
    ...
    ValueError: loss must be one of 'mse', 'binary_cross_entropy', 'cross_entropy'; got 'mae'
    """
    if isinstance(loss, Loss):
        return loss
    if not isinstance(loss, str):
        name = getattr(loss, "__name__", None)
        hint = f"; for the function {name} pass its name, loss={name!r}" if name in LOSSES else ""
        raise TypeError(f"loss must be a name ({', '.join(map(repr, LOSSES))}) or a Loss, "
                        f"got {_show(loss)}{hint}")
    return LOSSES[check_in(loss, "loss", LOSSES)]

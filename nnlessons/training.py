"""Training: mini-batches, epochs, validation and early stopping around an optimizer.

Lesson 06 introduces ``fit`` as the loop lesson 06 describes (take a few samples, compute
every partial derivative by backprop, update every weight and bias, go back); lesson 08
adds validation data and early stopping, lesson 09 weight decay. Each epoch shuffles the
training rows with ``rng``, cuts them into mini-batches of ``batch_size`` rows and takes one
optimizer step per batch. After each epoch the loss (and accuracy) of the whole training
set and of the validation set go into a ``History``. Two ways a too large learning rate
shows are reported: a nan or inf loss stops training (``DivergenceError``), and a loss that
stays flat for the first five epochs while the outputs sit on the flat ends of their
activation (lesson 06's eta = 50) gives a ``StuckWarning``, and training goes on.

Left out on purpose: callbacks, learning-rate schedules, dropout, gradient clipping and
metrics other than accuracy. The caller's arrays are never changed; the network's weights
and biases are (that is what training means).
"""

import warnings
from dataclasses import asdict, dataclass, field

import numpy as np

from ._validation import _show, as_float_array, as_rng, check_int, check_positive
from .metrics import _labels, accuracy  # noqa: F401  (accuracy is importable from here too)
from .network import MLP
from .optim import get_optimizer
from .progress import _in_kernel, _Progress  # noqa: F401  (_in_kernel is importable from here too)

__all__ = ["fit", "train_epoch", "History", "DivergenceError", "StuckWarning", "accuracy"]


class DivergenceError(FloatingPointError):
    """Training produced a nan or inf loss: usually the learning rate is too large."""


class StuckWarning(UserWarning):
    """The loss stayed flat in the first epochs while the output units were saturated."""


# After this many epochs fit looks once whether training is stuck (the lessons' flat sigmoid).
_STUCK_EPOCHS = 5
_STUCK_FRACTION = 0.9        # at least this share of the outputs saturated ...
_SATURATED = 1e-4            # ... i.e. with f'(z) below 1e-4 of the activation's largest f'
_FLAT = 1e-6                 # relative change of the loss counted as none
_STUCK_LOSS = 1e-3           # a flat loss below this is a converged network, not a stuck one


@dataclass(repr=False)
class History:
    """What happened during ``fit``, one entry per epoch (epochs are counted from 1).

    Attributes
    ----------
    loss, val_loss : list of float
        The loss on the whole training set and on the validation set after each epoch,
        without the weight-decay penalty (``val_loss`` is empty without validation data).
    accuracy, val_accuracy : list of float
        The fraction of correct labels after each epoch, for sigmoid or softmax outputs
        with 0/1 (one-hot) targets; empty otherwise.
    epochs_run : int
        How many epochs ran (fewer than ``n_epochs`` after an early stop).
    best_epoch : int or None
        The epoch with the lowest validation loss, ``val_loss[best_epoch - 1]``.
    stopped_early : bool
        Whether early stopping ended training before ``n_epochs``.

    Examples
    --------
    >>> History(loss=[0.5, 0.25], epochs_run=2)
    History(epochs_run=2, loss=0.25)
    """

    loss: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)
    accuracy: list = field(default_factory=list)
    val_accuracy: list = field(default_factory=list)
    epochs_run: int = 0
    best_epoch: int = None
    stopped_early: bool = False

    def as_dict(self):
        """The history as a dict of plain Python values (the lists are copies)."""
        return asdict(self)

    def _summary(self):
        parts = [f"{name}={values[-1]:.4g}" for name, values in (
            ("loss", self.loss), ("accuracy", self.accuracy), ("val_loss", self.val_loss),
            ("val_accuracy", self.val_accuracy)) if values]
        if self.stopped_early:
            parts.append(f"stopped early, best_epoch={self.best_epoch}")
        return parts

    def __repr__(self):
        return f"History({', '.join([f'epochs_run={self.epochs_run}', *self._summary()])})"


def _dataset(net, X, y, x_name, loss):
    """Checked float arrays X (n_samples, n_features) and targets T (n_samples, n_outputs)."""
    X = as_float_array(X, x_name)
    if X.ndim != 2:
        hint = f"; for one feature per sample use {x_name}.reshape(-1, 1)" if X.ndim == 1 else ""
        raise ValueError(f"{x_name} must be a 2-D array of shape (n_samples, n_features), "
                         f"got shape {X.shape}{hint}")
    if X.shape[1] != net.layer_sizes[0]:
        raise ValueError(f"layer 1 expects inputs with {net.layer_sizes[0]} features, got "
                         f"{x_name} with shape {X.shape}")
    if len(X) == 0:
        raise ValueError(f"{x_name} must hold at least one sample, got shape {X.shape}")
    T = net._targets(y, loss, "y" if x_name == "X" else "y_val")
    if len(T) != len(X):
        raise ValueError(f"{x_name} and its targets must have the same number of samples, got "
                         f"{len(X)} rows and {len(T)} targets")
    return X, T


def _validation_set(net, validation_data, loss):
    if not (isinstance(validation_data, (tuple, list)) and len(validation_data) == 2):
        raise TypeError(f"validation_data must be a pair (X_val, y_val), got "
                        f"{_show(validation_data)}")
    try:
        return _dataset(net, *validation_data, "X_val", loss)
    except ValueError as err:
        raise ValueError(f"validation_data: {err}") from err


def _train_one_epoch(net, X, T, loss, optimizer, batch_size, weight_decay, rng):
    """One pass over the training set, one optimizer step per mini-batch."""
    if rng is not None:
        order = rng.permutation(len(X))
        X, T = X[order], T[order]        # shuffled copies: the caller's arrays stay as they are
    params = net.parameters()
    for start in range(0, len(X), batch_size):
        stop = start + batch_size
        dW, db = net._gradients(X[start:stop], T[start:stop], loss)
        if weight_decay:
            for dW_l, W in zip(dW, net.weights, strict=True):
                dW_l += weight_decay * W     # d/dW of (weight_decay / 2) * sum(W**2)
        optimizer._step(params, dW + db)


def train_epoch(net, X, y, optimizer, *, loss="mse", batch_size=32, weight_decay=0.0,
                rng=None, shuffle=True):
    """One epoch, the loop ``fit`` repeats: shuffle, then one optimizer step per mini-batch.

    Unlike ``fit``, it keeps ``optimizer``'s state (momentum, Adam's moments), so training
    can go on a few epochs at a time, as the training playground does.

    Parameters
    ----------
    net : MLP
        Trained in place.
    X : array_like of shape (n_samples, n_features)
    y : array_like of shape (n_samples,) or (n_samples, n_outputs)
    optimizer : Optimizer
        Pass the same object to every call to carry its state over.
    loss : str or Loss, default "mse"
    batch_size : int, default 32
        Clipped to ``n_samples``.
    weight_decay : float, default 0.0
    rng : None, int or numpy.random.Generator
        Draws the shuffle; pass one Generator to every call for a new order each epoch.
    shuffle : bool, default True

    Examples
    --------
    >>> import nnlessons as nl
    >>> X, y = nl.datasets.gender()
    >>> net, opt, rng = nl.MLP([2, 2, 1], rng=0), nl.optim.SGD(0.1), np.random.default_rng(0)
    >>> before = net.loss(X, y)
    >>> for _ in range(200):
    ...     train_epoch(net, X, y, opt, batch_size=1, rng=rng)
    >>> bool(net.loss(X, y) < before)
    True
    """
    _check_net(net)
    loss = net._check_loss(loss)
    X, T = _dataset(net, X, y, "X", loss)
    batch_size = min(check_int(batch_size, "batch_size", minimum=1), len(X))
    weight_decay = check_positive(weight_decay, "weight_decay", allow_zero=True)
    _check_flag(shuffle, "shuffle")
    optimizer = get_optimizer(optimizer)
    optimizer._check_state(net.parameters())
    with np.errstate(over="ignore"):
        _train_one_epoch(net, X, T, loss, optimizer, batch_size, weight_decay,
                         as_rng(rng) if shuffle else None)


def _check_net(net):
    if not isinstance(net, MLP):
        raise TypeError(f"net must be an MLP, got {_show(net)}")


def _check_flag(flag, name):
    if not isinstance(flag, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {_show(flag)}")
    return bool(flag)


def _evaluate(net, X, T, true_labels, loss, losses, accuracies):
    """Append the loss on (X, T) to losses and, with true_labels, the accuracy."""
    y_hat = net._forward(X)
    losses.append(loss.fast(T, y_hat))
    if true_labels is not None:
        accuracies.append(float(np.mean(_labels(y_hat) == true_labels)))


def _class_labels(net, T):
    """True labels when accuracy makes sense (sigmoid/softmax outputs, 0/1 targets)."""
    if net.output_activation.name in ("sigmoid", "softmax") and np.all((T == 0) | (T == 1)):
        return _labels(T)
    return None


def fit(net, X, y, *, loss="mse", optimizer="sgd", learning_rate=None, n_epochs=100,
        batch_size=32, rng=None, validation_data=None, weight_decay=0.0, early_stopping=None,
        shuffle=True, progress=False):
    """Train ``net`` on ``(X, y)`` by mini-batch gradient descent; return the History.

    Parameters
    ----------
    net : MLP
        The network; its weights and biases are updated in place.
    X : array_like of shape (n_samples, n_features)
    y : array_like of shape (n_samples,) or (n_samples, n_outputs)
        Targets; with several outputs, integer labels become one-hot rows.
    loss : str or Loss, default "mse"
    optimizer : str or Optimizer, default "sgd"
        A name from ``nnlessons.optim.OPTIMIZERS`` or an optimizer object. fit starts it
        afresh (``reset()``), so its remembered state never leaks between calls.
    learning_rate : float, optional
        With an optimizer name, the step size (default: that optimizer's default).
    n_epochs : int, default 100
    batch_size : int, default 32
        Rows per optimizer step; a value above n_samples means n_samples (full-batch
        gradient descent). The last batch of an epoch may be smaller.
    rng : int, numpy.random.Generator or None
        Source of the shuffling.
    validation_data : tuple (X_val, y_val), optional
        Evaluated after each epoch, never trained on.
    weight_decay : float, default 0.0
        L2 penalty: ``weight_decay * W`` is added to the gradient of every weight matrix
        (the gradient of ``weight_decay / 2 * sum(W**2)``). Biases are not decayed, and the
        recorded losses leave the penalty out.
    early_stopping : int, optional
        Patience: stop when the validation loss has not improved for this many epochs.
        Requires ``validation_data``; the network ends with the weights of the best epoch.
    shuffle : bool, default True
        Whether to shuffle the rows every epoch (False: same order, ``rng`` unused).
    progress : bool, default False
        Show one line updated in place: a display in JupyterLab, a ``\\r`` line on stdout
        in a terminal.

    Returns
    -------
    History

    Raises
    ------
    DivergenceError
        When the loss becomes nan or inf; the weights are put back to their values before
        fit, and the message suggests a smaller learning rate.

    Warns
    -----
    StuckWarning
        When the training loss has not changed in the first five epochs while at least 90%
        of the outputs are saturated (f'(z) about 0) and the loss is not near 0: the first
        steps were probably too large. Training goes on.

    Examples
    --------
    >>> import nnlessons as nl
    >>> X, y = nl.datasets.gender()
    >>> net = nl.MLP([2, 2, 1], rng=0)
    >>> history = fit(net, X, y, learning_rate=0.1, n_epochs=1000, batch_size=1, rng=0)
    >>> len(history.loss), history.loss[-1] < history.loss[0]
    (1000, True)
    >>> net.predict([[-7, -3], [20, 2]])   # Emily is F (1), Frank is M (0)
    array([1, 0])
    """
    _check_net(net)
    loss = net._check_loss(loss)
    X, T = _dataset(net, X, y, "X", loss)
    val = None if validation_data is None else _validation_set(net, validation_data, loss)
    n_epochs = check_int(n_epochs, "n_epochs", minimum=1)
    batch_size = min(check_int(batch_size, "batch_size", minimum=1), len(X))
    if learning_rate is not None:
        check_positive(learning_rate, "learning_rate")
    optimizer = get_optimizer(optimizer, learning_rate)
    optimizer.reset()
    weight_decay = check_positive(weight_decay, "weight_decay", allow_zero=True)
    if early_stopping is not None:
        early_stopping = check_int(early_stopping, "early_stopping", minimum=1)
        if val is None:
            raise ValueError(f"early_stopping={early_stopping} needs validation_data=(X_val, "
                             "y_val): it stops when the validation loss stops improving")
    shuffle, progress = _check_flag(shuffle, "shuffle"), _check_flag(progress, "progress")
    rng = as_rng(rng) if shuffle else None

    history = History()
    run = _Run(net, history, optimizer.learning_rate, n_epochs, progress)
    labels = _class_labels(net, T)
    val_labels = None if val is None else _class_labels(net, val[1])
    with np.errstate(all="ignore"), run:
        for epoch in range(1, n_epochs + 1):
            _train_one_epoch(net, X, T, loss, optimizer, batch_size, weight_decay, rng)
            _evaluate(net, X, T, labels, loss, history.loss, history.accuracy)
            history.epochs_run = epoch
            run.check_finite(epoch)
            if epoch == _STUCK_EPOCHS:
                _warn_if_stuck(net, X, history.loss, optimizer.learning_rate)
            if val is not None:
                _evaluate(net, *val, val_labels, loss, history.val_loss, history.val_accuracy)
                if run.stop_early(epoch, early_stopping):
                    break
            run.show()
    return history


def _saturation(net, X):
    """The share of output values where the output activation is flat (f'(z) about 0)."""
    zs, activations = net._trace(X)
    z, a, act = zs[-1], activations[-1], net.output_activation
    if act.name == "softmax":
        slope, largest = a * (1.0 - a), 0.25                  # the Jacobian's diagonal
    else:
        slope = np.abs(act.fast_backward(z, a, np.ones_like(a)))
        largest = max(float(np.abs(act.derivative(np.linspace(-5.0, 5.0, 101))).max()), 1e-12)
    return float(np.mean(slope < _SATURATED * largest))


def _warn_if_stuck(net, X, losses, learning_rate):
    """Warn when the first epochs left the loss flat with saturated outputs (not an error)."""
    first = np.array(losses[:_STUCK_EPOCHS])
    if first[-1] < _STUCK_LOSS or np.ptp(first) > _FLAT * max(1.0, abs(first[-1])):
        return
    share = _saturation(net, X)
    if share < _STUCK_FRACTION:
        return
    warnings.warn(
        f"the training loss stayed at {first[-1]:.4g} for the first {_STUCK_EPOCHS} epochs "
        f"while {share:.0%} of the outputs sit on the flat ends of "
        f"{net.output_activation.name!r}, where the gradient is about 0: "
        f"learning_rate={learning_rate:g} may be too large (its first steps pushed the units "
        f"there); try e.g. learning_rate={learning_rate / 10:g}", StuckWarning, stacklevel=3)


class _Run:
    """The bookkeeping of one fit: best weights, divergence and the progress line."""

    def __init__(self, net, history, learning_rate, n_epochs, progress):
        self.params, self.history = net.parameters(), history
        self.learning_rate, self.n_epochs = learning_rate, n_epochs
        self.initial = [p.copy() for p in self.params]
        self.best = None
        self.progress = _Progress() if progress else None

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        if self.best is not None:            # early stopping: end with the best weights
            self._restore(self.best)
        if self.progress is not None:
            self.progress.show(_progress_line(self.history, self.n_epochs), final=True)
            self.progress.close()

    def _restore(self, saved):
        for p, value in zip(self.params, saved, strict=True):
            p[...] = value

    def check_finite(self, epoch):
        last = self.history.loss[-1]
        if np.isfinite(last) and all(np.isfinite(p).all() for p in self.params):
            return
        self._restore(self.initial)
        self.best = None
        lr = self.learning_rate
        raise DivergenceError(
            f"training diverged in epoch {epoch}: the training loss became {last} with "
            f"learning_rate={lr:g}. Try a smaller learning rate, e.g. learning_rate={lr / 10:g}."
            " The weights and biases were put back to their values before fit.")

    def stop_early(self, epoch, patience):
        """Track the best validation loss; True when ``patience`` epochs brought no gain."""
        history = self.history
        best = np.inf if history.best_epoch is None else history.val_loss[history.best_epoch - 1]
        if history.val_loss[-1] < best:
            history.best_epoch = epoch
            if patience is not None:
                self.best = [p.copy() for p in self.params]
            return False
        history.stopped_early = patience is not None and epoch - history.best_epoch >= patience
        return history.stopped_early

    def show(self):
        if self.progress is not None:
            self.progress.show(_progress_line(self.history, self.n_epochs))


def _progress_line(history, n_epochs):
    """The progress text, e.g. ``epoch 3/10  loss=0.2  accuracy=0.9``."""
    return "  ".join([f"epoch {history.epochs_run}/{n_epochs}", *history._summary()])

"""Neurons and fully connected networks (multilayer perceptrons), with backpropagation.

Lesson 01 builds the lessons' single ``Neuron``; lesson 03 stacks neurons into layers
(``MLP.forward``); lesson 05 derives backpropagation by the chain rule on the lessons' 2-2-1
network, and ``MLP.gradients`` is that derivation written for a whole batch and any
number of layers.

Shapes: rows are examples. Layer ``l`` maps activations ``a`` of shape
(n_samples, n_in) to ``z = a @ W + b`` with ``W`` of shape (n_in, n_out) and ``b`` of shape
(n_out,), then ``a_next = f(z)``.

Methods starting with an underscore (``_forward``, ``_trace``, ``_gradients``) skip all
checks; the training loop calls them with float arrays it has checked once.

``MLP.save`` and ``MLP.load`` are thin: the ``.npz`` file format and its checks live in
``nnlessons.persistence``.

Left out on purpose: convolutions, dropout, batch normalisation, and any automatic
differentiation (every gradient is written out by hand).
"""

import copy

import numpy as np

from . import persistence
from ._validation import _show, as_float_array, as_rng, check_int
from .activations import get_activation
from .initializers import INITIALIZERS, get_initializer  # noqa: F401  (importable from here)
from .losses import as_targets, get_loss


class Neuron:
    """One neuron: ``y = f(w . x + b)``, the lessons' building block.

    Parameters
    ----------
    weights : array_like of shape (n_inputs,)
    bias : float
    activation : str or Activation, default "sigmoid"

    Examples
    --------
    >>> round(float(Neuron(weights=[0, 1], bias=4).feedforward([2, 3])), 5)
    0.99909
    """

    def __init__(self, weights, bias, activation="sigmoid"):
        self.weights = as_float_array(weights, "weights", ndim=1)
        self.bias = float(as_float_array(bias, "bias", ndim=0))
        self.activation = get_activation(activation)

    def feedforward(self, x):
        """The neuron's output ``f(x . w + b)``.

        Parameters
        ----------
        x : array_like of shape (n_inputs,) or (n_samples, n_inputs)

        Returns
        -------
        float, or ndarray of shape (n_samples,) for a batch
        """
        x = as_float_array(x, "x", ndim=(1, 2))
        if x.shape[-1] != self.weights.shape[0]:
            raise ValueError(
                f"x has {x.shape[-1]} inputs per sample (shape {x.shape}) but the neuron has "
                f"{self.weights.shape[0]} weights"
            )
        z = x @ self.weights + self.bias      # (n_samples, n_inputs) @ (n_inputs,) -> (n_samples,)
        with np.errstate(over="ignore"):      # sigmoid's e^-z may overflow to inf: fine
            a = self.activation.fast(z)
        return float(a) if x.ndim == 1 else a

    def __repr__(self):
        return (f"Neuron(weights={self.weights.tolist()}, bias={self.bias}, "
                f"activation={self.activation.name!r})")


class MLP:
    """A fully connected feed-forward network.

    Parameters
    ----------
    layer_sizes : sequence of int
        Units per layer, inputs first: ``[2, 2, 1]`` is the lessons' 2-2-1 network.
    activation : str or Activation, default "sigmoid"
        The hidden layers' activation.
    output_activation : str, Activation or None, default None
        The output layer's activation; None means the same as ``activation``. Use sigmoid
        for binary, softmax for multi-class classification, identity for regression.
    init : str or Initializer, default "normal"
        How weights and biases are drawn: a name of ``nnlessons.initializers.INITIALIZERS``
        (``"normal"``, ``"xavier"``, ``"he"``, ``"zeros"``).
    rng : int, numpy.random.Generator or None
        Source of the initial weights.

    Attributes
    ----------
    weights : list of ndarray of shape (n_in, n_out)
    biases : list of ndarray of shape (n_out,)

    Examples
    --------
    >>> net = MLP([2, 2, 1], rng=0)
    >>> net.n_params, net.n_layers, net.weights[0].shape, net.biases[1].shape
    (9, 2, (2, 2), (1,))
    """

    def __init__(self, layer_sizes, activation="sigmoid", output_activation=None,
                 init="normal", rng=None):
        self.layer_sizes = _check_layer_sizes(layer_sizes)
        self.activation = get_activation(activation)
        self.output_activation = get_activation(
            activation if output_activation is None else output_activation
        )
        if self.output_activation.name == "softmax" and self.layer_sizes[-1] == 1:
            raise ValueError(
                f"output_activation='softmax' needs at least 2 output units, got "
                f"layer_sizes={list(self.layer_sizes)}: softmax of one unit is always 1, so "
                "the network could never learn; use 'sigmoid' for one output, or 2 outputs")
        draw = get_initializer(init)
        rng = as_rng(rng)
        self.weights, self.biases = [], []
        for n_in, n_out in zip(self.layer_sizes[:-1], self.layer_sizes[1:], strict=True):
            W, b = draw(n_in, n_out, rng)
            self.weights.append(W)
            self.biases.append(b)

    @classmethod
    def from_parameters(cls, weights, biases, activation="sigmoid", output_activation=None):
        """A network with the given weights and biases (copied), checked layer by layer.

        Parameters
        ----------
        weights : sequence of array_like of shape (n_in, n_out)
            One matrix per layer; each layer's ``n_out`` is the next layer's ``n_in``.
        biases : sequence of array_like of shape (n_out,)
        activation, output_activation : str or Activation
            As for ``MLP(...)``.

        Returns
        -------
        MLP

        Examples
        --------
        >>> net = MLP.from_parameters([[[0, 0], [1, 1]], [[0], [1]]], [[0, 0], [0]])
        >>> net.layer_sizes, np.round(net.forward([2, 3]), 4)       # the lessons' 2-2-1 example
        ((2, 2, 1), array([0.7216]))
        """
        weights, biases = _check_parameters(weights, biases)
        sizes = [weights[0].shape[0]] + [W.shape[1] for W in weights]
        net = cls(sizes, activation, output_activation, init="zeros")
        net.weights, net.biases = weights, biases
        return net

    @property
    def n_layers(self):
        """The number of weight layers (hidden layers + 1)."""
        return len(self.weights)

    @property
    def n_params(self):
        """The number of weights and biases: 11935 for the lessons' 784-15-10 network."""
        return sum(W.size + b.size for W, b in zip(self.weights, self.biases, strict=True))

    def parameters(self):
        """``weights + biases``: the same array objects, for optimizers to update in place."""
        return self.weights + self.biases

    # --- checked public methods ---

    def _check_X(self, X):
        X = as_float_array(X, "X", ndim=(1, 2))
        if X.shape[-1] != self.layer_sizes[0]:
            raise ValueError(
                f"layer 1 expects inputs with {self.layer_sizes[0]} features, "
                f"got X with shape {X.shape}"
            )
        return X

    def _check_Xy(self, X, y, loss):
        """Checked (X, Y, loss): a batch of >= 1 sample, targets valid for the loss."""
        loss = self._check_loss(loss)
        X = self._check_X(X)
        if X.ndim == 1:                       # one sample: a label, or one row of targets
            X, y = X[None, :], (np.reshape(y, (1,)) if np.ndim(y) == 0 else np.reshape(y, (1, -1)))
        if X.shape[0] == 0:
            raise ValueError(f"X must hold at least one sample, got shape {X.shape}")
        Y = self._targets(y, loss)
        if Y.shape[0] != X.shape[0]:
            raise ValueError(f"y has {Y.shape[0]} samples but X has {X.shape[0]}")
        return X, Y, loss

    def _check_loss(self, loss):
        """The Loss for ``loss``, refused when this network's outputs cannot feed it."""
        loss = get_loss(loss)
        loss.check_output(self.output_activation.name)
        return loss

    def _targets(self, y, loss, name="y"):
        """Targets of shape (n_samples, n_outputs), checked as ``loss`` itself checks them."""
        Y = as_targets(y, self.layer_sizes[-1])
        loss.check_targets(Y, name)
        return Y

    def forward(self, X):
        """The network's output for inputs ``X``.

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features), or (n_features,) for one sample

        Returns
        -------
        y_hat : ndarray of shape (n_samples, n_outputs), or (n_outputs,) for one sample

        Examples
        --------
        >>> net = MLP([2, 2, 1])
        >>> net.weights[0][:] = [[0, 0], [1, 1]]; net.weights[1][:] = [[0], [1]]
        >>> for b in net.biases: b[:] = 0
        >>> np.round(net.forward([[2, 3]]), 4)
        array([[0.7216]])
        """
        X = self._check_X(X)
        with np.errstate(over="ignore"):
            return self._forward(X[None, :])[0] if X.ndim == 1 else self._forward(X)

    def trace(self, X):
        """Everything the forward pass computes: ``(zs, activations)``.

        Returns
        -------
        zs : list of ndarray of shape (n_samples, n_units), one per layer
        activations : list of ndarray; ``activations[0]`` is X, ``activations[l + 1] = f(zs[l])``
        """
        X = self._check_X(X)
        with np.errstate(over="ignore"):
            return self._trace(X[None, :] if X.ndim == 1 else X)

    def gradients(self, X, y, loss="mse"):
        """The gradient of the loss on the batch ``(X, y)`` for every weight and bias.

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)
        y : array_like of shape (n_samples,) or (n_samples, n_outputs)
            Targets; integer labels become one-hot rows when there are several outputs.
        loss : str or Loss, default "mse"

        Returns
        -------
        dW : list of ndarray shaped like ``weights``
        db : list of ndarray shaped like ``biases``

        Examples
        --------
        >>> net = MLP([2, 2, 1])
        >>> for W in net.weights: W[:] = 1
        >>> for b in net.biases: b[:] = 0
        >>> dW, db = net.gradients([[-2, -1]], [[1]], loss="mse")   # Alice
        >>> round(float(dW[0][0, 0]), 3)                             # dL/dw1
        0.021
        """
        X, Y, loss = self._check_Xy(X, y, loss)
        with np.errstate(over="ignore"):
            return self._gradients(X, Y, loss)

    def loss(self, X, y, loss="mse"):
        """The loss of the network's predictions for ``X`` against ``y``.

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)
        y : array_like of shape (n_samples,) or (n_samples, n_outputs)
        loss : str or Loss, default "mse"

        Returns
        -------
        float
        """
        X, Y, loss = self._check_Xy(X, y, loss)
        with np.errstate(over="ignore"):
            return loss.fast(Y, self._forward(X))

    def predict(self, X):
        """Class labels (n_samples,): output > 0.5 for one output unit, else the argmax.

        Examples
        --------
        >>> net = MLP([1, 1], activation="identity")
        >>> net.weights[0][:] = 1; net.biases[0][:] = 0
        >>> net.predict([[0.2], [0.9]])
        array([0, 1])
        """
        X = self._check_X(X)
        with np.errstate(over="ignore"):
            y_hat = self._forward(np.atleast_2d(X))
        labels = (y_hat[:, 0] > 0.5).astype(np.int64) if y_hat.shape[1] == 1 else (
            y_hat.argmax(axis=1))
        return labels[0] if X.ndim == 1 else labels

    # --- the unchecked hot path: X, Y are float arrays of shape (n_samples, ...); callers
    # silence the expected overflow of sigmoid's e^-z (np.errstate), as the public methods do

    def _forward(self, X):
        a = X
        for W, b, act in zip(self.weights, self.biases, self._acts(), strict=True):
            z = a @ W                          # (n, n_in) @ (n_in, n_out) -> (n, n_out)
            z += b                             # + (n_out,), in place
            a = act.fast(z)
        return a

    def _trace(self, X):
        zs, activations = [], [X]
        a = X
        for W, b, act in zip(self.weights, self.biases, self._acts(), strict=True):
            z = a @ W                          # (n, n_in) @ (n_in, n_out) -> (n, n_out)
            z += b                             # + (n_out,), in place
            a = act.fast(z)
            zs.append(z)
            activations.append(a)
        return zs, activations

    def _acts(self):
        return [self.activation] * (self.n_layers - 1) + [self.output_activation]

    def _output_delta(self, z, y_hat, Y, loss):
        """dL/dz at the output layer, shape (n_samples, n_outputs)."""
        out = self.output_activation.name
        if loss.name == "cross_entropy" and out == "softmax":
            return (y_hat - Y) / Y.shape[0]     # softmax and cross-entropy fused: stable
        if loss.name == "binary_cross_entropy" and out == "sigmoid":
            return (y_hat - Y) / Y.size         # sigmoid and BCE fused (BCE averages all)
        return self.output_activation.fast_backward(z, y_hat, loss.fast_gradient(Y, y_hat))

    def _gradients(self, X, Y, loss):
        """Backpropagation. ``loss`` is a ``Loss``; returns (dW, db)."""
        zs, activations = self._trace(X)
        L = self.n_layers
        dW, db = [None] * L, [None] * L
        delta = self._output_delta(zs[-1], activations[-1], Y, loss)   # dL/dz, (n, n_out)
        for layer in range(L - 1, -1, -1):
            a_in = activations[layer]                    # the layer's input, (n, n_in)
            dW[layer] = a_in.T @ delta          # (n_in, n) @ (n, n_out) -> (n_in, n_out)
            db[layer] = np.add.reduce(delta, axis=0)   # sum over samples: (n, n_out) -> (n_out,)
            if layer > 0:
                grad_a = delta @ self.weights[layer].T  # (n, n_out) @ (n_out, n_in) -> (n, n_in)
                # delta for the layer below: dL/dz = dL/da * f'(z), elementwise
                delta = self.activation.fast_backward(zs[layer - 1], a_in, grad_a)
        return dW, db

    # --- copies, saving and loading ---

    def copy(self):
        """An independent copy (new arrays) of this network."""
        net = copy.copy(self)
        net.weights, net.biases = [W.copy() for W in self.weights], [b.copy() for b in self.biases]
        return net

    def save(self, path):
        """Save to a ``.npz`` file (no pickle); the suffix ``.npz`` is added when missing.

        Returns
        -------
        pathlib.Path
            The file written.
        """
        return persistence.save(self, path)

    @classmethod
    def load(cls, path):
        """Load a network written by ``save``; never unpickles anything.

        Raises
        ------
        ValueError
            When the file is not a network saved by ``MLP.save`` (corrupt, foreign or
            incomplete), naming the file and the problem.

        Examples
        --------
        >>> import tempfile, os
        >>> net = MLP([3, 4, 2], activation="relu", output_activation="softmax", rng=0)
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     back = MLP.load(net.save(os.path.join(tmp, "net.npz")))
        >>> back.layer_sizes, all(np.array_equal(p, q)
        ...                       for p, q in zip(net.parameters(), back.parameters()))
        ((3, 4, 2), True)
        """
        return persistence.load(path, cls)

    def __repr__(self):
        def show(act):
            extra = "".join(f", {k}={v}" for k, v in act.params.items())
            return f"{act.name!r}" if not extra else f"get_activation({act.name!r}{extra})"
        return (f"MLP({list(self.layer_sizes)}, activation={show(self.activation)}, "
                f"output_activation={show(self.output_activation)})")


def _check_layer_sizes(layer_sizes):
    """``layer_sizes`` as a tuple of >= 2 positive ints, or an error naming the problem."""
    if not isinstance(layer_sizes, (list, tuple, range, np.ndarray)):
        raise TypeError(f"layer_sizes must be a list of ints such as [2, 2, 1], got "
                        f"{_show(layer_sizes)}")
    if len(layer_sizes) < 2:
        raise ValueError(
            f"layer_sizes needs at least 2 entries (inputs and outputs), got {_show(layer_sizes)}"
        )
    return tuple(check_int(n, f"layer_sizes[{i}]", minimum=1) for i, n in enumerate(layer_sizes))


def _check_parameters(weights, biases):
    """Float copies of one weight matrix and one bias vector per layer, shapes chained."""
    for name, items in (("weights", weights), ("biases", biases)):
        if not isinstance(items, (list, tuple)) or len(items) == 0:
            raise TypeError(f"{name} must be a non-empty list of arrays, one per layer, got "
                            f"{_show(items)}")
    if len(weights) != len(biases):
        raise ValueError(f"weights and biases must have one entry per layer, got "
                         f"{len(weights)} weights and {len(biases)} biases")
    Ws = [as_float_array(W, f"weights[{i}]", ndim=2).copy() for i, W in enumerate(weights)]
    bs = [as_float_array(b, f"biases[{i}]", ndim=1).copy() for i, b in enumerate(biases)]
    for i, (W, b) in enumerate(zip(Ws, bs, strict=True)):
        if 0 in W.shape:
            raise ValueError(f"weights[{i}] must have at least one row and column, got shape "
                             f"{W.shape}")
        if i > 0 and W.shape[0] != Ws[i - 1].shape[1]:
            raise ValueError(f"weights[{i}] must have {Ws[i - 1].shape[1]} rows, one per "
                             f"output of layer {i}, got shape {W.shape}")
        if b.shape != (W.shape[1],):
            raise ValueError(f"biases[{i}] must have shape ({W.shape[1]},) to match "
                             f"weights[{i}] of shape {W.shape}, got shape {b.shape}")
    return Ws, bs

"""Activation functions and their derivatives.

Lesson 01 introduces the sigmoid of a single neuron; lesson 02 compares sigmoid, tanh,
ReLU, leaky ReLU, the identity and softmax, and why their derivatives matter for learning
(saturation and vanishing gradients). Every function works elementwise on arrays of any
shape (softmax works along the last axis, one row per example), accepts scalars and lists,
and returns a numpy float64 for a 0-d input, so ``sigmoid(7.0)`` is a plain number.

Activations are chosen by name from the registry ``ACTIVATIONS`` (``get_activation``);
each entry is an ``Activation`` bundling the function, its derivative and the backward
step that backpropagation needs.

Left out on purpose: activations with learned parameters (PReLU), GELU/Swish and other
modern variants, and the full softmax Jacobian as a matrix (``Activation.backward`` applies
it to a vector, which is all backpropagation needs).
"""

from dataclasses import dataclass, field
from functools import partial
from typing import Callable

import numpy as np

from ._validation import as_float_array, check_in, check_positive


def _array(z):
    """Convert a public argument to a float array (nan and inf pass through, as in numpy)."""
    return as_float_array(z, "z", allow_nonfinite=True)


def _out(a):
    """Return a 0-d result as a numpy float64 scalar, anything else unchanged."""
    return a[()] if a.ndim == 0 else a


# --- the fast versions, for float arrays: used by the network in its training loop ---

def _sigmoid(z):
    # For z < -709, e^-z overflows to inf and 1 / (1 + inf) is exactly 0, the right limit.
    # The callers (the public functions, MLP's methods, fit) silence that expected overflow
    # warning with np.errstate once around their work: entering np.errstate here, at every
    # call in the training loop, cost as much as the sigmoid itself.
    return 1.0 / (1.0 + np.exp(-z))


def _sigmoid_backward(z, a, grad_a):
    return grad_a * a * (1.0 - a)                 # sigma'(z) = sigma(z) (1 - sigma(z))


def _tanh_backward(z, a, grad_a):
    return grad_a * (1.0 - a * a)                 # tanh'(z) = 1 - tanh(z)^2


def _relu(z):
    return np.maximum(z, 0.0)


def _relu_backward(z, a, grad_a):
    return grad_a * (z > 0)


def _leaky_relu(z, slope=0.01):
    return np.where(z > 0, z, slope * z)


def _leaky_relu_backward(z, a, grad_a, slope=0.01):
    return np.where(z > 0, grad_a, slope * grad_a)


def _identity(z):
    return z


def _identity_backward(z, a, grad_a):
    return grad_a


def _softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))  # the largest logit becomes exp(0) = 1
    return e / e.sum(axis=-1, keepdims=True)


def _softmax_backward(z, a, grad_a):
    # Jacobian-vector product: dL/dz_i = a_i (dL/da_i - sum_j dL/da_j a_j), row by row.
    return a * (grad_a - (grad_a * a).sum(axis=-1, keepdims=True))


# --- the public functions ---

def sigmoid(z):
    """The logistic function ``1 / (1 + e^-z)``, elementwise; it squashes any z into (0, 1).

    Parameters
    ----------
    z : array_like of any shape

    Returns
    -------
    ndarray of the same shape as ``z`` (float64 scalar for a 0-d input)

    Examples
    --------
    >>> round(float(sigmoid(7.0)), 5)
    0.99909
    >>> np.round(sigmoid([-1000, 0, 1000]), 3)
    array([0. , 0.5, 1. ])
    """
    with np.errstate(over="ignore"):
        return _out(_sigmoid(_array(z)))


def sigmoid_derivative(z):
    """``sigmoid(z) * (1 - sigmoid(z))``, elementwise; at most 0.25, at z = 0.

    Examples
    --------
    >>> float(sigmoid_derivative(0.0))
    0.25
    """
    with np.errstate(over="ignore"):
        s = _sigmoid(_array(z))
    return _out(s * (1.0 - s))


def tanh(z):
    """The hyperbolic tangent, elementwise: an S-curve like sigmoid, but in (-1, 1).

    Examples
    --------
    >>> round(float(tanh(1.0)), 4)
    0.7616
    """
    return _out(np.tanh(_array(z)))


def tanh_derivative(z):
    """``1 - tanh(z)^2``, elementwise; it is 1 at z = 0.

    Examples
    --------
    >>> float(tanh_derivative(0.0))
    1.0
    """
    t = np.tanh(_array(z))
    return _out(1.0 - t * t)


def relu(z):
    """The rectified linear unit ``max(0, z)``, elementwise.

    Examples
    --------
    >>> relu([-2.0, 0.0, 3.0])
    array([0., 0., 3.])
    """
    return _out(_relu(_array(z)))


def relu_derivative(z):
    """1 where z > 0, else 0 (the kink at z = 0 gets derivative 0, as in PyTorch).

    Examples
    --------
    >>> relu_derivative([-2.0, 0.0, 3.0])
    array([0., 0., 1.])
    """
    return _out((_array(z) > 0).astype(float))


def leaky_relu(z, slope=0.01):
    """``z`` for z > 0, else ``slope * z``: a ReLU that keeps a small gradient for z < 0.

    Parameters
    ----------
    z : array_like of any shape
    slope : float, default 0.01
        The slope for negative z.

    Examples
    --------
    >>> leaky_relu([-2.0, 3.0], slope=0.1)
    array([-0.2,  3. ])
    """
    return _out(_leaky_relu(_array(z), check_positive(slope, "slope", allow_zero=True)))


def leaky_relu_derivative(z, slope=0.01):
    """1 where z > 0, else ``slope``, elementwise.

    Examples
    --------
    >>> leaky_relu_derivative([-2.0, 3.0], slope=0.1)
    array([0.1, 1. ])
    """
    slope = check_positive(slope, "slope", allow_zero=True)
    return _out(np.where(_array(z) > 0, 1.0, slope))


def identity(z):
    """``z`` unchanged (as floats): the output activation for regression.

    Examples
    --------
    >>> identity([1, -2])
    array([ 1., -2.])
    """
    return _out(np.array(_array(z)))


def identity_derivative(z):
    """1 everywhere, with the shape of ``z``.

    Examples
    --------
    >>> identity_derivative([1, -2])
    array([1., 1.])
    """
    return _out(np.ones_like(_array(z)))


def softmax(z):
    """``exp(z) / sum(exp(z))`` along the last axis: each row becomes probabilities.

    Subtracting the row maximum first changes nothing mathematically and keeps exp from
    overflowing, so logits near 1000 are fine.

    Parameters
    ----------
    z : array_like of shape (n_classes,) or (n_samples, n_classes)

    Returns
    -------
    ndarray of the same shape; every row sums to 1

    Examples
    --------
    >>> np.round(softmax([1.0, 2.0, 3.0]), 4)
    array([0.09  , 0.2447, 0.6652])
    >>> np.round(softmax([[1000.0, 1000.0]]), 4)
    array([[0.5, 0.5]])
    """
    z = _array(z)
    if z.ndim == 0:
        raise ValueError("softmax needs z with at least 1 dimension (the classes), got a scalar")
    return _softmax(z)


def softmax_derivative(z):
    """The diagonal of the softmax Jacobian, ``s * (1 - s)`` with ``s = softmax(z)``.

    For plotting only: backpropagation needs the whole Jacobian, which
    ``ACTIVATIONS["softmax"].backward`` applies.

    Examples
    --------
    >>> np.round(softmax_derivative([0.0, 0.0]), 3)
    array([0.25, 0.25])
    """
    s = softmax(z)
    return s * (1.0 - s)


@dataclass(frozen=True, eq=False)
class Activation:
    """An activation function with its derivative, chosen by ``name``.

    Parameters
    ----------
    name : str
        The registry name, e.g. ``"sigmoid"``.
    function, derivative : callable
        ``f(z)`` and ``f'(z)`` (the public, checked functions of this module).
    bounds : tuple of float
        The output range, for plots (``(0, 1)`` for sigmoid).
    params : dict
        Extra parameters, e.g. ``{"slope": 0.01}`` for leaky ReLU.
    fast, fast_backward : callable, optional
        Unchecked versions for float arrays, used in the training loop: ``fast(z)`` and
        ``fast_backward(z, a, grad_a)``. By default ``function`` and
        ``grad_a * derivative(z)``, so a home-made activation needs only those two.

    Examples
    --------
    >>> act = get_activation("tanh")
    >>> round(float(act(0.5)), 4), act.bounds
    (0.4621, (-1.0, 1.0))
    """

    name: str
    function: Callable = field(repr=False)
    derivative: Callable = field(repr=False)
    bounds: tuple = (-np.inf, np.inf)
    params: dict = field(default_factory=dict)
    fast: Callable = field(default=None, repr=False)
    fast_backward: Callable = field(default=None, repr=False)

    def __post_init__(self):
        # a home-made activation needs only function and derivative
        if self.fast is None:
            object.__setattr__(self, "fast", self.function)
        if self.fast_backward is None:
            derivative = self.derivative
            object.__setattr__(self, "fast_backward", lambda z, a, grad_a: grad_a * derivative(z))

    def __call__(self, z):
        return self.function(z)

    def backward(self, z, a, grad_a):
        """Turn ``dL/da`` into ``dL/dz`` for this layer (one step of the chain rule).

        Parameters
        ----------
        z, a, grad_a : ndarray of shape (n_samples, n_units)
            The pre-activations, the activations ``a = f(z)`` and ``dL/da`` (float arrays;
            not checked, this runs in the training loop).

        Returns
        -------
        ndarray of shape (n_samples, n_units)
            ``grad_a * f'(z)`` elementwise; for softmax the Jacobian-vector product
            ``a * (grad_a - sum(grad_a * a, axis=-1))``.

        Examples
        --------
        >>> z = np.array([[0.0]])
        >>> get_activation("sigmoid").backward(z, sigmoid(z), np.array([[2.0]]))
        array([[0.5]])
        """
        return self.fast_backward(z, a, grad_a)

    def __eq__(self, other):
        if not isinstance(other, Activation):
            return NotImplemented
        return (self.name, self.params) == (other.name, other.params)

    def __hash__(self):
        return hash((self.name, tuple(sorted(self.params.items()))))


def _leaky(slope):
    """The leaky ReLU ``Activation`` with a given slope."""
    return Activation(
        "leaky_relu", partial(leaky_relu, slope=slope), partial(leaky_relu_derivative, slope=slope),
        (-np.inf, np.inf), {"slope": slope},
        partial(_leaky_relu, slope=slope), partial(_leaky_relu_backward, slope=slope),
    )


ACTIVATIONS = {
    "sigmoid": Activation("sigmoid", sigmoid, sigmoid_derivative, (0.0, 1.0), {},
                          _sigmoid, _sigmoid_backward),
    "tanh": Activation("tanh", tanh, tanh_derivative, (-1.0, 1.0), {}, np.tanh, _tanh_backward),
    "relu": Activation("relu", relu, relu_derivative, (0.0, np.inf), {}, _relu, _relu_backward),
    "leaky_relu": _leaky(0.01),
    "identity": Activation("identity", identity, identity_derivative, (-np.inf, np.inf), {},
                           _identity, _identity_backward),
    "softmax": Activation("softmax", softmax, softmax_derivative, (0.0, 1.0), {},
                          _softmax, _softmax_backward),
}
"""The activations by name: ``sigmoid, tanh, relu, leaky_relu, identity, softmax``."""


def get_activation(activation, **params):
    """Look up an activation by name (or pass an ``Activation`` through).

    Parameters
    ----------
    activation : str or Activation
        One of the keys of ``ACTIVATIONS``.
    **params
        Parameters of the activation: only ``slope`` for ``"leaky_relu"``.

    Returns
    -------
    Activation

    Examples
    --------
    >>> get_activation("leaky_relu", slope=0.2).params
    {'slope': 0.2}
    >>> get_activation("sigmoidd")
    Traceback (most recent call last):
    ...
    ValueError: activation must be one of 'sigmoid', 'tanh', 'relu', 'leaky_relu', \
'identity', 'softmax'; got 'sigmoidd'
    """
    if isinstance(activation, Activation):
        if params:
            raise TypeError("pass parameters with an activation name, not with an Activation")
        return activation
    if not isinstance(activation, str):
        raise TypeError(
            f"activation must be a name (str) or an Activation, got {type(activation).__name__}"
        )
    check_in(activation, "activation", ACTIVATIONS)
    if activation == "leaky_relu" and params:
        unknown = sorted(set(params) - {"slope"})
        if unknown:
            raise TypeError(f"leaky_relu takes only the parameter 'slope', got {unknown}")
        return _leaky(check_positive(params["slope"], "slope", allow_zero=True))
    if params:
        raise TypeError(f"activation {activation!r} takes no parameters, got {sorted(params)}")
    return ACTIVATIONS[activation]


def activation_curve(activation, x, **params):
    """An activation and its derivative along x (softmax: the first output of softmax([x, 0])).

    The curves lesson 02 plots (``nl.plots.plot_activation``) and its explorer draws.

    Parameters
    ----------
    activation : str or Activation
    x : array_like of shape (n,)
    **params
        ``slope`` for leaky_relu.

    Returns
    -------
    f, df : ndarray of shape (n,)

    Examples
    --------
    >>> f, df = activation_curve("sigmoid", [0.0])
    >>> float(f[0]), float(df[0])
    (0.5, 0.25)
    >>> f, _ = activation_curve("softmax", [0.0, 2.0])   # softmax([x, 0]) is sigmoid(x)
    >>> np.round(f, 4)
    array([0.5   , 0.8808])
    """
    act = get_activation(activation, **params)
    x = as_float_array(x, "x", ndim=1)
    if act.name == "softmax":
        z = np.column_stack([x, np.zeros_like(x)])
        return act.function(z)[:, 0], act.derivative(z)[:, 0]
    return np.asarray(act.function(x)), np.asarray(act.derivative(x))

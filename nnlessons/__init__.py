"""nnlessons: the companion package of a neural-networks course.

The lessons (``notebooks/``) call this package to compute, plot and check everything they
show. It is written from scratch in numpy so that it can be read like the lessons: the
network, backpropagation and the optimizers are the code the course teaches.

One shape convention holds everywhere: **rows are examples**. An input batch ``X`` has
shape ``(n_samples, n_features)``; layer ``l`` has weights ``W`` of shape ``(n_in, n_out)``
and biases ``b`` of shape ``(n_out,)``, so a layer computes ``z = a @ W + b``.

Examples
--------
>>> import nnlessons as nl
>>> round(float(nl.sigmoid(7.0)), 5)
0.99909
>>> nl.MLP([784, 15, 10]).n_params
11935
"""

import importlib

from . import (
    activations,
    datasets,
    features,
    gradcheck,
    initializers,
    losses,
    metrics,
    model_selection,
    network,
    optim,
    training,
)
from .activations import identity, leaky_relu, relu, sigmoid, softmax, tanh
from .gradcheck import gradient_check
from .losses import binary_cross_entropy, cross_entropy, mse
from .network import MLP, Neuron
from .training import History, fit

__version__ = "0.1.0"

# Plotting, widgets and exercises load matplotlib / ipywidgets: import them only when used.
_LAZY_MODULES = ("plots", "explorers", "exercises")

__all__ = [
    "sigmoid", "tanh", "relu", "leaky_relu", "identity", "softmax",
    "mse", "binary_cross_entropy", "cross_entropy",
    "Neuron", "MLP", "fit", "History", "gradient_check", "check", "answer",
    "activations", "losses", "network", "optim", "training", "datasets", "gradcheck",
    "metrics", "features", "model_selection", "initializers",
    *_LAZY_MODULES,
]


def __getattr__(name):
    if name in _LAZY_MODULES:
        return importlib.import_module(f".{name}", __name__)
    if name in ("check", "answer"):
        return getattr(importlib.import_module(".exercises", __name__), name)
    raise AttributeError(f"module 'nnlessons' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))

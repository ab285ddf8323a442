"""How a network's first weights and biases are drawn, chosen by name from ``INITIALIZERS``.

Lesson 03 builds networks with ``nl.MLP(..., rng=...)`` and Nielsen's choice, every weight
and bias drawn from N(0, 1); lesson 07's gradient-flow explorer compares it with the
scaled draws that keep signals and gradients from vanishing or exploding in deep networks
(Glorot and Bengio's ``xavier``, He et al.'s ``he``); ``zeros`` shows why weights must not
all start equal (every unit of a layer would stay the twin of the others).

Each entry draws one layer: ``draw(n_in, n_out, rng) -> (W, b)`` with ``W`` of shape
(n_in, n_out) and ``b`` of shape (n_out,), from a numpy Generator, in a fixed order so a
seed gives the same network on every run.

Left out on purpose: uniform variants, orthogonal and LSUV initialisation, and gains per
activation (PyTorch's ``calculate_gain``).
"""

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from ._validation import check_in

__all__ = ["Initializer", "INITIALIZERS", "get_initializer"]


@dataclass(frozen=True)
class Initializer:
    """A way to draw one layer's weights and biases.

    Parameters
    ----------
    name : str
        The registry name, e.g. ``"xavier"``.
    draw : callable
        ``draw(n_in, n_out, rng) -> (W, b)``, float arrays of shapes (n_in, n_out), (n_out,).
    description : str
        One line for menus and docs.

    Examples
    --------
    >>> W, b = get_initializer("he").draw(3, 2, np.random.default_rng(0))
    >>> W.shape, b.tolist()
    ((3, 2), [0.0, 0.0])
    """

    name: str
    draw: Callable = field(repr=False)
    description: str = field(default="", repr=False)

    def __call__(self, n_in, n_out, rng):
        return self.draw(n_in, n_out, rng)


def _normal(n_in, n_out, rng):
    return rng.standard_normal((n_in, n_out)), rng.standard_normal(n_out)


def _scaled(variance):
    """Weights from N(0, variance(n_in, n_out)), biases 0."""
    def draw(n_in, n_out, rng):
        std = np.sqrt(variance(n_in, n_out))
        return rng.normal(0.0, std, (n_in, n_out)), np.zeros(n_out)
    return draw


def _zeros(n_in, n_out, rng):
    return np.zeros((n_in, n_out)), np.zeros(n_out)


INITIALIZERS = {
    "normal": Initializer("normal", _normal,
                          "weights and biases from N(0, 1), as Nielsen's network.py"),
    "xavier": Initializer("xavier", _scaled(lambda n_in, n_out: 2.0 / (n_in + n_out)),
                          "Glorot: weights from N(0, 2 / (n_in + n_out)), biases 0"),
    "he": Initializer("he", _scaled(lambda n_in, n_out: 2.0 / n_in),
                      "He: weights from N(0, 2 / n_in), biases 0 (for ReLU layers)"),
    "zeros": Initializer("zeros", _zeros,
                         "every weight and bias 0: the units of a layer stay identical"),
}
"""The initialisations by name: ``normal, xavier, he, zeros``."""


def get_initializer(init):
    """Look up an initialisation by name (or pass an ``Initializer`` through).

    Examples
    --------
    >>> get_initializer("xavier").name
    'xavier'
    >>> get_initializer("glorot")
    Traceback (most recent call last):
    ...
    ValueError: init must be one of 'normal', 'xavier', 'he', 'zeros'; got 'glorot'
    """
    if isinstance(init, Initializer):
        return init
    if not isinstance(init, str):
        raise TypeError(f"init must be a name (str) or an Initializer, got "
                        f"{type(init).__name__}")
    return INITIALIZERS[check_in(init, "init", INITIALIZERS)]

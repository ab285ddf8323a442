"""Gradient checking: backpropagation against central differences.

Lesson 05 derives backpropagation by hand; this module tests such a derivation the way
practitioners do. Nudge one parameter up and down by ``eps``, watch the loss change, and
compare the slope ``(L(p + eps) - L(p - eps)) / (2 eps)`` with what backpropagation says.
The central difference is accurate to about ``eps**2``, so with ``eps = 1e-6`` in float64 a
correct backward pass agrees to about 1e-7 relative error or better; a wrong one is off by
far more.

Left out on purpose: checking through randomness (dropout) and checking in float32, where
``eps`` must be much larger and the agreement is much looser.
"""

import numpy as np

from ._validation import _show, check_positive
from .network import MLP


def _loss_fn(net, X, y, loss):
    """Check the batch once; return the loss object, targets and ``L()`` on the live net."""
    if not isinstance(net, MLP):
        raise TypeError(f"net must be an MLP, got {_show(net)}")
    X, Y, loss = net._check_Xy(X, y, loss)
    return X, Y, loss, lambda: loss.fast(Y, net._forward(X))


def numerical_gradients(net, X, y, loss="mse", eps=1e-6):
    """Central-difference estimates of every ``dL/dW`` and ``dL/db``.

    Each parameter is changed in place and restored exactly afterwards, so ``net`` ends
    unchanged. This costs two forward passes per parameter: use small networks.

    Parameters
    ----------
    net : MLP
    X : array_like of shape (n_samples, n_features)
    y : array_like of shape (n_samples,) or (n_samples, n_outputs)
    loss : str or Loss, default "mse"
    eps : float, default 1e-6
        The nudge.

    Returns
    -------
    dW : list of ndarray shaped like ``net.weights``
    db : list of ndarray shaped like ``net.biases``

    Examples
    --------
    >>> from nnlessons.network import MLP
    >>> net = MLP([2, 3, 1], rng=0)
    >>> dW, db = numerical_gradients(net, [[0.5, -1.0]], [1.0])
    >>> [W.shape for W in dW], [b.shape for b in db]
    ([(2, 3), (3, 1)], [(3,), (1,)])
    """
    eps = check_positive(eps, "eps")
    *_, L = _loss_fn(net, X, y, loss)
    with np.errstate(over="ignore"):
        return _central_differences(net, L, eps)


def _central_differences(net, L, eps):
    grads = []
    for p in net.parameters():
        g = np.zeros_like(p)
        for i in np.ndindex(p.shape):
            old = p[i]
            p[i] = old + eps
            up = L()
            p[i] = old - eps
            down = L()
            p[i] = old
            g[i] = (up - down) / (2.0 * eps)
        grads.append(g)
    return grads[:net.n_layers], grads[net.n_layers:]


def relative_errors(analytic, numeric):
    """Elementwise ``|a - n| / max(|a| + |n|, 1e-12)`` (0 where both are 0).

    Examples
    --------
    >>> relative_errors(np.array([1.0, 0.0]), np.array([1.1, 0.0])).round(4)
    array([0.0476, 0.    ])
    """
    analytic, numeric = np.asarray(analytic, float), np.asarray(numeric, float)
    return np.abs(analytic - numeric) / np.maximum(np.abs(analytic) + np.abs(numeric), 1e-12)


def gradient_check(net, X, y, loss="mse", eps=1e-6):
    """The largest relative error between backpropagation and central differences.

    Parameters
    ----------
    net : MLP
    X : array_like of shape (n_samples, n_features)
    y : array_like of shape (n_samples,) or (n_samples, n_outputs)
    loss : str or Loss, default "mse"
    eps : float, default 1e-6

    Returns
    -------
    float
        ``max |a - n| / max(|a| + |n|, 1e-12)`` over all parameters, where ``a`` is the
        backpropagated and ``n`` the numerical gradient. Below about 1e-6 is a pass.

    Examples
    --------
    >>> from nnlessons.network import MLP
    >>> net = MLP([2, 3, 1], rng=0)
    >>> gradient_check(net, [[0.5, -1.0], [2.0, 1.0]], [1.0, 0.0]) < 1e-6
    True
    """
    eps = check_positive(eps, "eps")
    X, Y, loss, _ = _loss_fn(net, X, y, loss)
    with np.errstate(over="ignore"):
        dW, db = net._gradients(X, Y, loss)
    nW, nb = numerical_gradients(net, X, Y, loss, eps)
    return max(float(relative_errors(a, n).max()) for a, n in zip(dW + db, nW + nb, strict=True))

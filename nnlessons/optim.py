"""Optimizers: how a gradient becomes a change of the weights.

Lesson 06 introduces plain (stochastic) gradient descent and lesson 07 the optimizers that
remember past gradients: momentum, Nesterov, Adagrad, RMSProp and Adam. Each class below is
one update rule, written as the lesson writes it. For a parameter array theta with gradient
g = dL/dtheta and learning rate eta, one call ``opt.step(params, grads)`` applies the rule to
every array of ``params`` in place. Whatever an optimizer remembers (a velocity, a sum of
squares) is kept per parameter *position* in ``opt.state``, so always pass the arrays in the
same order (``net.parameters()`` does) and call ``reset()`` before reusing an optimizer on
another network.

Every update equals the one of ``torch.optim`` with the same hyper-parameters: ``SGD``;
``SGD(momentum=mu)`` (dampening 0); ``SGD(momentum=mu, nesterov=True)``; ``Adagrad``;
``RMSprop(alpha=rho)``; ``Adam``. Left out: weight decay inside the optimizer (``fit`` adds
it to the gradient), learning-rate schedules, AMSGrad, centred RMSProp and sparse gradients.
"""

import numbers

import numpy as np

from ._validation import _show, as_float_array, check_in, check_positive

__all__ = ["Optimizer", "SGD", "Momentum", "Nesterov", "Adagrad", "RMSProp", "Adam",
           "OPTIMIZERS", "get_optimizer"]


def _check_fraction(value, name):
    """A decay rate (momentum, rho, beta1, beta2) must lie in [0, 1)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {_show(value)}")
    if not 0 <= value < 1:
        raise ValueError(f"{name} must be in [0, 1), got {value}")
    return float(value)


class Optimizer:
    """The interface shared by every optimizer.

    Parameters
    ----------
    learning_rate : float
        The step size eta, > 0.

    Attributes
    ----------
    state : dict
        What the optimizer remembers, ``state[i]`` for the array at position ``i``.
    n_steps : int
        How many steps were taken since creation or the last ``reset()`` (Adam's t).
    """

    name = "optimizer"
    #: The constructor's hyper-parameters, in order (used by repr and get_optimizer).
    hyper_parameters = ("learning_rate",)
    #: Learning rates that suit it on the loss surfaces of lesson 07's optimizer race, by
    #: surface name (on the others the race starts it at its default learning rate).
    race_learning_rates = {}

    def __init__(self, learning_rate):
        self.learning_rate = check_positive(learning_rate, "learning_rate")
        self.reset()

    def reset(self):
        """Forget every remembered velocity or average: the next step is a first step."""
        self.state = {}
        self.n_steps = 0

    def step(self, params, grads):
        """Update every array of ``params`` in place with its gradient.

        Parameters
        ----------
        params : list of ndarray
            The parameters, e.g. ``net.parameters()`` (float arrays, changed in place).
        grads : list of ndarray
            One gradient per parameter, each of the same shape.
        """
        self._step(params, self._check(params, grads))

    def _step(self, params, grads):
        """The step without checks (used by ``fit``, which passes validated arrays)."""
        self.n_steps += 1
        for i, (theta, g) in enumerate(zip(params, grads, strict=True)):
            self._update(i, theta, g)

    def _update(self, i, theta, g):
        raise NotImplementedError("an Optimizer subclass defines _update(i, theta, g)")

    def _memory(self, i, name, theta):
        """The array ``name`` remembered for parameter ``i``: zeros before the first step."""
        memory = self.state.setdefault(i, {})
        if name not in memory:
            memory[name] = np.zeros_like(theta)
        return memory[name]

    def _check(self, params, grads):
        """Check the lists at the public boundary; return the gradients as float arrays."""
        for label, items in (("params", params), ("grads", grads)):
            if not isinstance(items, (list, tuple)):
                raise TypeError(f"{label} must be a list of arrays (e.g. net.parameters()), "
                                f"got {type(items).__name__}")
        if len(params) != len(grads):
            raise ValueError(f"params and grads must have the same length, got {len(params)} "
                             f"params and {len(grads)} grads")
        for i, theta in enumerate(params):
            if not (isinstance(theta, np.ndarray) and theta.dtype.kind == "f"):
                raise TypeError(f"params[{i}] must be a float numpy array (it is updated in "
                                f"place), got {_show(theta)}")
        # nan and inf pass through, so that a diverging run shows as nan parameters
        grads = [as_float_array(g, f"grads[{i}]", allow_nonfinite=True)
                 for i, g in enumerate(grads)]
        for i, (theta, g) in enumerate(zip(params, grads, strict=True)):
            if g.shape != theta.shape:
                raise ValueError(f"grads[{i}] must have the shape of params[{i}] "
                                 f"{theta.shape}, got shape {g.shape}")
        self._check_state(params)
        return grads

    def _check_state(self, params):
        """Refuse ``params`` that do not match what this optimizer remembers."""
        extra = sorted(i for i in self.state if i >= len(params))
        if extra:
            raise ValueError(
                f"the optimizer remembers {len(self.state)} parameter arrays but was given "
                f"{len(params)}; call reset() before using this optimizer on another network")
        for i, memory in self.state.items():
            for name, remembered in memory.items():
                if remembered.shape != params[i].shape:
                    raise ValueError(
                        f"params[{i}] has shape {params[i].shape} but the optimizer remembers "
                        f"{name!r} of shape {remembered.shape} for it; call reset() before "
                        "using this optimizer on another network")

    def __repr__(self):
        args = ", ".join(f"{h}={getattr(self, h)!r}" for h in self.hyper_parameters)
        return f"{type(self).__name__}({args})"


class SGD(Optimizer):
    r"""Plain gradient descent: step against the gradient.

    .. math:: \theta \leftarrow \theta - \eta\, g

    Examples
    --------
    >>> theta = np.array([1.0, 2.0])
    >>> SGD(learning_rate=0.1).step([theta], [np.array([0.5, -1.0])])
    >>> theta
    array([0.95, 2.1 ])
    """

    name = "sgd"
    race_learning_rates = {"ravine": 0.4, "rosenbrock": 0.002, "saddle": 0.05,
                           "several_minima": 0.3}

    def __init__(self, learning_rate=0.01):
        super().__init__(learning_rate)

    def _update(self, i, theta, g):
        theta -= self.learning_rate * g                  # theta <- theta - eta g


class Momentum(Optimizer):
    r"""Gradient descent with momentum: a velocity accumulates past gradients.

    .. math:: v \leftarrow \mu v + g, \qquad \theta \leftarrow \theta - \eta\, v

    with v = 0 before the first step (PyTorch's convention; some texts write
    v <- mu v - eta g, theta <- theta + v, which is the same for a constant eta).

    Examples
    --------
    >>> theta = np.array([1.0])
    >>> opt = Momentum(learning_rate=0.1, momentum=0.9)
    >>> for _ in range(2):
    ...     opt.step([theta], [np.array([1.0])])
    >>> np.round(theta, 2)   # 1 - 0.1 * 1 - 0.1 * (0.9 + 1)
    array([0.71])
    """

    name = "momentum"
    race_learning_rates = {"ravine": 0.05, "rosenbrock": 0.001, "saddle": 0.02,
                           "several_minima": 0.1}
    hyper_parameters = ("learning_rate", "momentum")

    def __init__(self, learning_rate=0.01, momentum=0.9):
        self.momentum = _check_fraction(momentum, "momentum")
        super().__init__(learning_rate)

    def _update(self, i, theta, g):
        v = self._memory(i, "velocity", theta)
        v[...] = self.momentum * v + g                   # v <- mu v + g
        theta -= self.learning_rate * v                  # theta <- theta - eta v


class Nesterov(Momentum):
    r"""Nesterov's accelerated gradient: step along the velocity *after* this update.

    .. math:: v \leftarrow \mu v + g, \qquad \theta \leftarrow \theta - \eta\,(g + \mu v)

    (the form PyTorch uses for ``SGD(nesterov=True)``: a look-ahead written without
    evaluating the gradient at a second point).

    Examples
    --------
    >>> theta = np.array([1.0])
    >>> Nesterov(learning_rate=0.1, momentum=0.9).step([theta], [np.array([1.0])])
    >>> np.round(theta, 2)   # 1 - 0.1 * (1 + 0.9 * 1)
    array([0.81])
    """

    name = "nesterov"
    race_learning_rates = {"ravine": 0.05, "rosenbrock": 0.001, "saddle": 0.02,
                           "several_minima": 0.1}

    def _update(self, i, theta, g):
        v = self._memory(i, "velocity", theta)
        v[...] = self.momentum * v + g                   # v <- mu v + g
        theta -= self.learning_rate * (g + self.momentum * v)   # theta <- theta - eta (g + mu v)


class Adagrad(Optimizer):
    r"""Adagrad: each weight's step shrinks with the sum of its squared gradients.

    .. math:: G \leftarrow G + g^2, \qquad
              \theta \leftarrow \theta - \eta\, \frac{g}{\sqrt{G} + \epsilon}

    (squares, roots and divisions are elementwise; G = 0 before the first step).

    Examples
    --------
    >>> theta = np.array([1.0, 1.0])
    >>> Adagrad(learning_rate=0.1).step([theta], [np.array([2.0, -0.5])])
    >>> np.round(theta, 3)   # the first step is eta * sign(g)
    array([0.9, 1.1])
    """

    name = "adagrad"
    race_learning_rates = {"ravine": 0.8, "rosenbrock": 1.0, "saddle": 0.5,
                           "several_minima": 0.5}
    hyper_parameters = ("learning_rate", "eps")

    def __init__(self, learning_rate=0.01, eps=1e-10):
        self.eps = check_positive(eps, "eps")
        super().__init__(learning_rate)

    def _update(self, i, theta, g):
        G = self._memory(i, "sum_of_squares", theta)
        G += g * g                                       # G <- G + g^2
        theta -= self.learning_rate * g / (np.sqrt(G) + self.eps)


class RMSProp(Optimizer):
    r"""RMSProp: like Adagrad, with a decaying average of squared gradients.

    .. math:: s \leftarrow \rho s + (1 - \rho)\, g^2, \qquad
              \theta \leftarrow \theta - \eta\, \frac{g}{\sqrt{s} + \epsilon}

    (PyTorch calls rho ``alpha``; s = 0 before the first step).

    Examples
    --------
    >>> theta = np.array([1.0])
    >>> RMSProp(learning_rate=0.01, rho=0.99).step([theta], [np.array([3.0])])
    >>> np.round(theta, 3)   # s = 0.01 * 9, so the step is 0.01 * 3 / 0.3 = 0.1
    array([0.9])
    """

    name = "rmsprop"
    race_learning_rates = {"ravine": 0.05, "rosenbrock": 0.03, "saddle": 0.02,
                           "several_minima": 0.05}
    hyper_parameters = ("learning_rate", "rho", "eps")

    def __init__(self, learning_rate=0.01, rho=0.99, eps=1e-8):
        self.rho = _check_fraction(rho, "rho")
        self.eps = check_positive(eps, "eps")
        super().__init__(learning_rate)

    def _update(self, i, theta, g):
        s = self._memory(i, "mean_square", theta)
        s[...] = self.rho * s + (1 - self.rho) * g * g   # s <- rho s + (1 - rho) g^2
        theta -= self.learning_rate * g / (np.sqrt(s) + self.eps)


class Adam(Optimizer):
    r"""Adam: momentum (first moment m) and RMSProp (second moment v), bias-corrected.

    .. math::
        m \leftarrow \beta_1 m + (1 - \beta_1)\, g, \qquad
        v \leftarrow \beta_2 v + (1 - \beta_2)\, g^2,

        \hat m = \frac{m}{1 - \beta_1^t}, \qquad \hat v = \frac{v}{1 - \beta_2^t}, \qquad
        \theta \leftarrow \theta - \eta\, \frac{\hat m}{\sqrt{\hat v} + \epsilon}

    where t counts the steps from 1 and m = v = 0 before the first step.

    Examples
    --------
    >>> theta = np.array([1.0, 1.0])
    >>> Adam(learning_rate=0.001).step([theta], [np.array([5.0, -0.01])])
    >>> np.round(theta, 6)   # the first step is about eta * sign(g)
    array([0.999, 1.001])
    """

    name = "adam"
    race_learning_rates = {"ravine": 0.3, "rosenbrock": 0.1, "saddle": 0.1,
                           "several_minima": 0.1}
    hyper_parameters = ("learning_rate", "beta1", "beta2", "eps")

    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
        self.beta1 = _check_fraction(beta1, "beta1")
        self.beta2 = _check_fraction(beta2, "beta2")
        self.eps = check_positive(eps, "eps")
        super().__init__(learning_rate)

    def _update(self, i, theta, g):
        m = self._memory(i, "m", theta)
        v = self._memory(i, "v", theta)
        t = self.n_steps
        m[...] = self.beta1 * m + (1 - self.beta1) * g          # m <- beta1 m + (1 - beta1) g
        v[...] = self.beta2 * v + (1 - self.beta2) * g * g      # v <- beta2 v + (1 - beta2) g^2
        m_hat = m / (1 - self.beta1**t)
        v_hat = v / (1 - self.beta2**t)
        theta -= self.learning_rate * m_hat / (np.sqrt(v_hat) + self.eps)


#: Every optimizer by name (the names ``fit(optimizer=...)`` accepts).
OPTIMIZERS = {cls.name: cls for cls in (SGD, Momentum, Nesterov, Adagrad, RMSProp, Adam)}


def get_optimizer(optimizer, learning_rate=None, **hyper):
    """Return an Optimizer, given its name (with hyper-parameters) or an instance.

    Parameters
    ----------
    optimizer : str or Optimizer
        A key of ``OPTIMIZERS`` or an Optimizer, returned as it is.
    learning_rate : float, optional
        With a name: the step size (default: the class's default).
    **hyper
        With a name: other hyper-parameters of that optimizer (``momentum``, ``rho``,
        ``beta1``, ``beta2``, ``eps``).

    Returns
    -------
    Optimizer

    Examples
    --------
    >>> get_optimizer("adam", learning_rate=0.01)
    Adam(learning_rate=0.01, beta1=0.9, beta2=0.999, eps=1e-08)
    >>> get_optimizer("momentum", momentum=0.5).momentum
    0.5
    """
    if isinstance(optimizer, Optimizer):
        given = ({"learning_rate": learning_rate} if learning_rate is not None else {}) | hyper
        if given:
            raise ValueError(f"optimizer is already an object, {optimizer!r}; set "
                             f"{', '.join(given)} when creating it, not separately")
        return optimizer
    if isinstance(optimizer, type) and issubclass(optimizer, Optimizer):
        raise TypeError(f"optimizer must be a name or an Optimizer object, got the class "
                        f"{optimizer.__name__}; did you mean {optimizer.__name__}()?")
    if not isinstance(optimizer, str):
        raise TypeError(f"optimizer must be a name ({', '.join(map(repr, OPTIMIZERS))}) "
                        f"or an Optimizer object, got {_show(optimizer)}")
    cls = OPTIMIZERS[check_in(optimizer, "optimizer", list(OPTIMIZERS))]
    for name in hyper:
        if name not in cls.hyper_parameters:
            raise TypeError(f"optimizer {optimizer!r} has no hyper-parameter {name!r}; it has "
                            f"{', '.join(cls.hyper_parameters)}")
    if learning_rate is not None:
        hyper["learning_rate"] = learning_rate
    return cls(**hyper)

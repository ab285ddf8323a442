"""Exercises of lessons 04-07: loss, backpropagation, gradient descent and optimizers.

References: ``nl.mse`` for the loss; small implementations here for the rest, written
like the lessons' equations (the nine partial derivatives of the 2-2-1 network follow the
chain rule term by term; the optimizer steps follow torch.optim's conventions, as
:mod:`nnlessons.optim` does). Public cases reuse the worked numbers: the always-male
predictor's MSE of 0.5 and Alice's dL/dw1 = 0.0214.

The last two exercises assemble the network from the learner's own parts: ``backprop``
(lesson 05: every gradient of an all-sigmoid MLP in matrix form, checked against
``MLP.gradients``) and ``train_sgd`` (lesson 06: the mini-batch loop, given ``forward``,
``backprop`` and ``update`` as arguments, so the grader judges the loop alone by sending
reference versions of them as source text). Their judges name the usual mistakes: a
gradient off by a constant factor (the 2, the sign, the mean over rows instead of all
entries) and a wrong shuffling convention.

Left out: exercises on Nesterov, Adagrad and RMSProp (the lessons show them with the
package's optimizers).
"""

import copy

import numpy as np

from .. import activations, losses, network
from .codec import Source
from .core import Exercise, case, hidden
from .judges import ListOf, Named, Numbers, PathOf, Several, to_array


def _twice(array):
    return array, array.copy()


def _mse_cases(rng):
    n = int(rng.integers(3, 10))
    return [hidden("random 1-D targets and predictions", rng.integers(0, 2, n).astype(float),
                   rng.uniform(0, 1, n)),
            hidden("random 2-D targets and predictions", rng.normal(size=(4, 3)),
                   rng.normal(size=(4, 3)), hint="average over all elements, not per row"),
            hidden("a perfect prediction", *_twice(np.full(int(rng.integers(2, 9)),
                                                           float(rng.uniform())))),
            hidden("a single sample", [float(rng.integers(0, 2))], [float(rng.uniform())])]


def _center(X):
    X = np.asarray(X, dtype=float)
    return X - X.mean(axis=0)


def _center_cases(rng):
    return [hidden("random X", rng.normal(5, 3, size=(int(rng.integers(3, 9)), 3))),
            hidden("one column", rng.normal(size=(6, 1))),
            hidden("one row", rng.normal(size=(1, 4))),
            hidden("many features", rng.uniform(-100, 100, size=(5, 8)))]


def _gender_partials(x, y_true, w, b):
    """dL/dw1..dL/dw6, dL/db1..dL/db3 for the 2-2-1 network and L = (y_true - y_pred)^2."""
    x, w, b = (np.asarray(v, dtype=float) for v in (x, w, b))
    f, df = activations.sigmoid, activations.sigmoid_derivative
    z1 = w[0] * x[0] + w[1] * x[1] + b[0]            # h1 = f(w1 x1 + w2 x2 + b1)
    z2 = w[2] * x[0] + w[3] * x[1] + b[1]            # h2 = f(w3 x1 + w4 x2 + b2)
    h1, h2 = f(z1), f(z2)
    z3 = w[4] * h1 + w[5] * h2 + b[2]                # o1 = f(w5 h1 + w6 h2 + b3)
    dL_dypred = -2 * (y_true - f(z3))
    dypred_dh1, dypred_dh2 = w[4] * df(z3), w[5] * df(z3)
    partials = [
        dypred_dh1 * x[0] * df(z1), dypred_dh1 * x[1] * df(z1),   # w1, w2
        dypred_dh2 * x[0] * df(z2), dypred_dh2 * x[1] * df(z2),   # w3, w4
        h1 * df(z3), h2 * df(z3),                                 # w5, w6
        dypred_dh1 * df(z1), dypred_dh2 * df(z2), df(z3),         # b1, b2, b3
    ]
    return dL_dypred * np.array(partials, dtype=float)


#: The partials of gender_partials, in the order it returns them.
PARTIALS = tuple(f"dL/dw{i}" for i in range(1, 7)) + tuple(f"dL/db{i}" for i in range(1, 4))


def _gender_cases(rng):
    cases = []
    for person in ("Bob", "Charlie", "Diana"):
        x = {"Bob": [25.0, 6.0], "Charlie": [17.0, 4.0], "Diana": [-15.0, -6.0]}[person]
        y_true = 1.0 if person == "Diana" else 0.0
        cases.append(hidden(f"{person} with random weights", np.array(x), y_true,
                            rng.normal(size=6), rng.normal(size=3)))
    for y_true in (0.0, 1.0):
        cases.append(hidden("random person and weights", rng.normal(size=2) * 3, y_true,
                            rng.normal(size=6), rng.normal(size=3)))
    return cases


def _numerical_gradient(f, x, eps=1e-6):
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    for i in range(x.size):
        step = np.zeros_like(x)
        step[i] = eps
        grad[i] = (f(x + step) - f(x - step)) / (2 * eps)
    return grad


FUNCTIONS = ("lambda x: np.sum(np.sin(x) * x ** 2)", "lambda x: np.sum(np.exp(0.5 * x))",
             "lambda x: x[0] * x[-1] ** 3 + np.sum(x ** 2)", "lambda x: np.log(1 + np.sum(x ** 2))")


def _numgrad_cases(rng):
    cases = []
    for i, text in enumerate(FUNCTIONS):
        x = rng.normal(size=int(rng.integers(2, 6)))
        eps = (1e-6, 1e-5, 1e-3, 1e-4)[i]
        cases.append(hidden("a random point and a smooth f", Source(text), x, eps=eps))
    cases.append(hidden("one variable, default eps", Source("lambda x: np.sum(x ** 4)"),
                        rng.normal(size=1)))
    return cases


def _sgd_step(params, grads, learning_rate):
    return [np.asarray(p) - learning_rate * np.asarray(g)
            for p, g in zip(params, grads, strict=True)]


def _sgd_cases(rng):
    cases = []
    for shapes in (((3,),), ((2, 3), (3,)), ((4, 2), (2,), (2, 1), (1,))):
        cases.append(hidden("random parameter arrays",
                            [rng.normal(size=s) for s in shapes],
                            [rng.normal(size=s) for s in shapes], float(rng.uniform(0.001, 1))))
    return cases


def _gradient_descent(grad, x0, learning_rate, n_steps):
    x = np.array(x0, dtype=float)
    path = [x]
    for _ in range(n_steps):
        x = x - learning_rate * np.asarray(grad(x))
        path.append(x)
    return np.array(path)


def _gd_cases(rng):
    a, c = float(rng.uniform(0.5, 3)), float(rng.normal())
    scales = [float(s) for s in rng.uniform(0.5, 10, size=2)]
    return [hidden("a random 1-D bowl", Source(f"lambda x: {a!r} * (x - {c!r})"),
                   float(rng.normal() * 5), 0.1, 10),
            hidden("a random elongated 2-D bowl", Source(f"lambda x: np.array({scales!r}) * x"),
                   rng.normal(size=2), 0.05, 8),
            hidden("zero steps", Source("lambda x: 2 * x"), rng.normal(size=3), 0.1, 0),
            hidden("a too large learning rate", Source("lambda x: 2 * x"),
                   float(rng.uniform(0.5, 2)), float(rng.uniform(1.1, 2)), 5)]


def _momentum_step(param, grad, velocity, learning_rate, momentum):
    velocity = momentum * np.asarray(velocity) + np.asarray(grad)   # v = momentum v + grad
    return np.asarray(param) - learning_rate * velocity, velocity   # param - lr v


def _momentum_cases(rng):
    cases = []
    for shape in ((3,), (2, 2), (5,)):
        cases.append(hidden(f"random {len(shape)}-D arrays", rng.normal(size=shape),
                            rng.normal(size=shape), rng.normal(size=shape),
                            float(rng.uniform(0.001, 0.5)), float(rng.uniform(0.5, 0.99))))
    cases.append(hidden("momentum 0 (plain SGD)", rng.normal(size=3), rng.normal(size=3),
                        rng.normal(size=3), 0.1, 0.0))
    return cases


def _adam_step(param, grad, m, v, t, learning_rate=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
    grad = np.asarray(grad)
    m = beta1 * np.asarray(m) + (1 - beta1) * grad          # first moment
    v = beta2 * np.asarray(v) + (1 - beta2) * grad ** 2     # second moment
    m_hat, v_hat = m / (1 - beta1 ** t), v / (1 - beta2 ** t)
    return np.asarray(param) - learning_rate * m_hat / (np.sqrt(v_hat) + eps), m, v


def _adam_cases(rng):
    cases = []
    for t in (1, 2, int(rng.integers(3, 100))):
        label = "random state at the first step" if t == 1 else "random state"
        cases.append(hidden(label, rng.normal(size=4), rng.normal(size=4), rng.normal(size=4) * 0.1,
                            rng.uniform(0, 0.1, size=4), t))
    cases.append(hidden("random hyper-parameters", rng.normal(size=(2, 3)),
                        rng.normal(size=(2, 3)), np.zeros((2, 3)), np.zeros((2, 3)), 1,
                        learning_rate=0.01, beta1=0.8, beta2=0.99, eps=1e-6))
    return cases


EXERCISES = [
    Exercise(
        "mse", "04_loss", 1, "mse(y_true, y_pred)", losses.mse,
        public_cases=(case([1, 0, 0, 1], [0, 0, 0, 0], label="the always-male predictor: "
                           "mse([1, 0, 0, 1], [0, 0, 0, 0])"),
                      case(np.array([1.0, 0.0, 0.0, 1.0]), np.array([0.9, 0.2, 0.1, 0.6]))),
        hidden_cases=_mse_cases,
        returns="a number",
        hint="the mean of (y_true - y_pred) ** 2 over all elements",
        allowed=(),
    ),
    Exercise(
        "center", "04_loss", 1, "center(X)", _center,
        public_cases=(case(np.array([[133.0, 65.0], [160.0, 72.0], [152.0, 70.0],
                                     [120.0, 60.0]]), label="the gender table's weights and "
                           "heights"),),
        hidden_cases=_center_cases,
        compare=Numbers(same_shape_as="X"),
        hint="subtract X.mean(axis=0), the mean of each column",
        allowed=(),
    ),
    Exercise(
        "gender_partials", "05_backprop", 3, "gender_partials(x, y_true, w, b)",
        _gender_partials,
        public_cases=(case([-2, -1], 1, np.ones(6), np.zeros(3),
                           label="Alice, all weights 1 and biases 0: "
                                 "gender_partials([-2, -1], 1, np.ones(6), np.zeros(3))"),
                      case(np.array([25.0, 6.0]), 0.0,
                           np.array([0.5, -0.2, 0.3, 0.1, -0.4, 0.8]),
                           np.array([0.1, -0.1, 0.2]), label="Bob, other weights")),
        hidden_cases=_gender_cases,
        compare=Named(names=PARTIALS),
        hint="dL/dw1 = dL/dy_pred * dy_pred/dh1 * dh1/dw1, with dL/dy_pred = -2 (y_true - "
             "y_pred); the order is w1..w6, then b1, b2, b3",
        allowed=("sigmoid",),
    ),
    Exercise(
        "numerical_gradient", "05_backprop", 2, "numerical_gradient(f, x, eps=1e-6)",
        _numerical_gradient,
        public_cases=(case(Source("lambda x: np.sum(x ** 2)"), np.array([1.0, 2.0, 3.0])),
                      case(Source("lambda x: np.sum(x ** 3)"), np.array([1.0, 2.0]), eps=1e-3,
                           hint="use central differences (f(x + eps) - f(x - eps)) / (2 eps), "
                                "with the eps given")),
        hidden_cases=_numgrad_cases,
        compare=Numbers(same_shape_as="x"),
        hint="for each i, move x[i] by +eps and -eps (on a copy of x) and take "
             "(f(x_plus) - f(x_minus)) / (2 * eps)",
        allowed=(),
    ),
    Exercise(
        "sgd_step", "06_sgd", 2, "sgd_step(params, grads, learning_rate)", _sgd_step,
        public_cases=(case([np.array([1.0])], [np.array([0.0214])], 0.1,
                           label="w1 = 1 with dL/dw1 = 0.0214 and learning_rate 0.1"),
                      case([np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([0.5, -0.5])],
                           [np.array([[0.1, 0.0], [-0.2, 1.0]]), np.array([1.0, 2.0])], 0.5)),
        hidden_cases=_sgd_cases,
        compare=ListOf("parameter"),
        returns="a list of arrays, one per parameter",
        hint="each new parameter is param - learning_rate * grad (a new array)",
        allowed=(),
    ),
    Exercise(
        "gradient_descent", "06_sgd", 2, "gradient_descent(grad, x0, learning_rate, n_steps)",
        _gradient_descent,
        public_cases=(case(Source("lambda x: 2 * x"), 5.0, 0.1, 3),
                      case(Source("lambda x: np.array([2 * x[0], 20 * x[1]])"),
                           np.array([1.0, 1.0]), 0.05, 2)),
        hidden_cases=_gd_cases,
        compare=PathOf(),
        hint="start the path with x0, then append x = x - learning_rate * grad(x) n_steps "
             "times; return np.array(path)",
        allowed=(),
    ),
    Exercise(
        "momentum_step", "07_optimizers", 2,
        "momentum_step(param, grad, velocity, learning_rate, momentum)", _momentum_step,
        public_cases=(case(np.array([1.0, 2.0]), np.array([0.5, -1.0]), np.zeros(2), 0.1, 0.9),
                      case(np.array([1.0, 2.0]), np.array([0.5, -1.0]), np.array([1.0, 1.0]),
                           0.1, 0.9)),
        hidden_cases=_momentum_cases,
        compare=Several(("new_param", "new_velocity")),
        returns="a tuple (new_param, new_velocity)",
        hint="velocity = momentum * velocity + grad; new_param = param - learning_rate * velocity",
        allowed=(),
    ),
    Exercise(
        "adam_step", "07_optimizers", 3,
        "adam_step(param, grad, m, v, t, learning_rate=0.001, beta1=0.9, beta2=0.999, eps=1e-8)",
        _adam_step,
        public_cases=(case(np.array([1.0, -1.0]), np.array([0.5, 0.2]), np.zeros(2),
                           np.zeros(2), 1),
                      case(np.array([1.0, -1.0]), np.array([0.5, 0.2]), np.array([0.1, 0.0]),
                           np.array([0.01, 0.02]), 3, learning_rate=0.1)),
        hidden_cases=_adam_cases,
        compare=Several(("new_param", "m", "v")),
        returns="a tuple (new_param, m, v)",
        hint="update m and v first, then correct their bias: m_hat = m / (1 - beta1 ** t), "
             "v_hat = v / (1 - beta2 ** t); step by learning_rate * m_hat / (sqrt(v_hat) + eps)",
        allowed=(),
    ),
]


# --- the network written by the learner: backprop (lesson 05) and train_sgd (lesson 06) ---

def _backprop(weights, biases, X, Y):
    """dW, db of an all-sigmoid MLP and the MSE averaged over all entries of Y."""
    A = [np.asarray(X, dtype=float)]                  # A[0] = X, (n, n_0)
    for W, b in zip(weights, biases, strict=True):
        A.append(activations.sigmoid(A[-1] @ np.asarray(W) + np.asarray(b)))  # (n, n_l)
    Y = np.asarray(Y, dtype=float)
    delta = 2 * (A[-1] - Y) / Y.size * A[-1] * (1 - A[-1])   # dL/dZ at the output
    dW, db = [None] * len(weights), [None] * len(weights)
    for layer in reversed(range(len(weights))):
        dW[layer] = A[layer].T @ delta                # (n_in, n) @ (n, n_out)
        db[layer] = delta.sum(axis=0)                 # (n_out,)
        if layer > 0:                                 # (n, n_out) @ (n_out, n_in), times f'
            delta = (delta @ np.asarray(weights[layer]).T) * A[layer] * (1 - A[layer])
    return dW, db


def _random_net(rng, sizes):
    weights = [rng.normal(size=(a, b)) for a, b in zip(sizes[:-1], sizes[1:], strict=True)]
    return weights, [rng.normal(size=b) * 0.5 for b in sizes[1:]]


def _backprop_cases(rng):
    cases = []
    for description, sizes, n in (("a random 2-2-1 network on four examples", (2, 2, 1), 4),
                                  ("a random deep network, several outputs", (3, 5, 4, 3), 6),
                                  ("a random network, one example", (4, 3, 2), 1),
                                  ("a random network without hidden layers", (3, 2), 5),
                                  ("a random deep and narrow network", (2, 3, 3, 3, 1), 8)):
        weights, biases = _random_net(rng, sizes)
        X = rng.normal(size=(n, sizes[0])) * 2
        Y = rng.integers(0, 2, size=(n, sizes[-1])).astype(float)
        cases.append(hidden(description, weights, biases, X, Y))
    return cases


def _scale_hint(expected, got, Y):
    """What a constant factor between the learner's gradients and the right ones means."""
    e = np.concatenate([np.ravel(v) for v in expected])
    g = np.concatenate([np.ravel(v) for v in got])
    big = np.abs(e) > 1e-8 * (np.abs(e).max() + 1e-300)
    if not big.any():
        return None
    ratios = g[big] / e[big]
    if not np.allclose(ratios, ratios[0], rtol=1e-6):
        return None
    n_samples, n_outputs = Y.shape
    meanings = [(-1.0, "every gradient has the wrong sign: dL/dY_hat = 2 (Y_hat - Y) / "
                       "Y.size, not (Y - Y_hat)"),
                (0.5, "every gradient is half the right one: the derivative of (y_hat - y) ** 2 "
                      "is 2 (y_hat - y)"),
                (float(Y.size), "every gradient is Y.size times too large: the loss is a "
                                "mean over all entries of Y, so divide by Y.size")]
    if n_outputs > 1:
        meanings.append((float(n_outputs), "every gradient is n_outputs times too large: "
                         "divide by Y.size (all entries), not by the number of rows"))
    if n_samples > 1:
        meanings.append((1.0 / n_samples, "every gradient is n_samples times too small: "
                         "divide by Y.size once, and sum over the rows (A.T @ delta "
                         "already does)"))
    for factor, meaning in meanings:
        if np.isclose(ratios[0], factor, rtol=1e-6):
            return meaning
    return None


def _judge_backprop(args, got, reveal):
    """Compare (dW, db) with the reference, naming the layer and what a wrong factor means."""
    weights, biases, X, Y = args
    if type(got) not in (tuple, list) or len(got) != 2:
        return "expected a pair (dW, db): a list of weight gradients and a list of bias gradients"
    expected = _backprop(weights, biases, X, Y)
    layers = len(weights)
    for what, exp, g, shape_of in (("dW", expected[0], got[0], "weights"),
                                   ("db", expected[1], got[1], "biases")):
        if type(g) not in (tuple, list) or len(g) != layers:
            count = f"{len(g)} arrays" if type(g) in (tuple, list) else type(g).__name__
            return (f"{what} must be a list with one array per layer ({layers} layers), "
                    f"got {count}")
        for i, (e, gi) in enumerate(zip(exp, g, strict=True)):
            gi = to_array(gi)
            if gi.shape != e.shape:
                hint = (" (sum delta over the rows: delta.sum(axis=0))" if what == "db"
                        else " (A_prev.T @ delta has the shape of W)")
                return (f"{what}[{i}] has shape {gi.shape}, expected the shape of "
                        f"{shape_of}[{i}] {e.shape}{hint}")
    flat_got = [to_array(g) for g in list(got[0]) + list(got[1])]
    meaning = _scale_hint(expected[0] + expected[1], flat_got, np.asarray(Y, dtype=float))
    for what, exp, g in (("dW", expected[0], got[0]), ("db", expected[1], got[1])):
        for i, (e, gi) in enumerate(zip(exp, g, strict=True)):
            message = Numbers()(e, to_array(gi), reveal)
            if message:
                return f"{what}[{i}]: {message}" + (f" ({meaning})" if meaning else "")
    return None


# The functions a train_sgd case passes in, as source text: the grader sends them to the
# learner's kernel, so train_sgd is judged on its own, whatever the learner's backprop. They
# answer no exercise (a learner's train_sgd sees them, and could keep them for a later
# one): a network with tanh in every layer, not lesson 05's sigmoids, and a step with a
# small weight decay, not sgd_step's. The judge replays the loop with the same functions.
FORWARD_SOURCE = '''def forward(weights, biases, X):
    A = np.asarray(X, dtype=float)
    for W, b in zip(weights, biases):
        A = np.tanh(A @ W + b)
    return A
'''

BACKPROP_SOURCE = '''def backprop(weights, biases, X, Y):
    A = [np.asarray(X, dtype=float)]
    for W, b in zip(weights, biases):
        A.append(np.tanh(A[-1] @ W + b))
    delta = 2 * (A[-1] - Y) / Y.size * (1 - A[-1] ** 2)
    dW, db = [None] * len(weights), [None] * len(weights)
    for l in reversed(range(len(weights))):
        dW[l], db[l] = A[l].T @ delta, delta.sum(axis=0)
        if l > 0:
            delta = (delta @ weights[l].T) * (1 - A[l] ** 2)
    return dW, db
'''

UPDATE_SOURCE = '''def decayed_step(params, grads, learning_rate):
    return [p * (1 - 1e-3 * learning_rate) - learning_rate * g for p, g in zip(params, grads)]
'''


def _functions():
    return (Source(FORWARD_SOURCE, name="forward"), Source(BACKPROP_SOURCE, name="backprop"),
            Source(UPDATE_SOURCE, name="decayed_step"))


def _train_sgd(weights, biases, X, Y, forward, backprop, update, learning_rate, n_epochs,
               batch_size, rng):
    """Mini-batch SGD: one rng.permutation per epoch, batches in that order, loss per epoch.

    ``rng`` is a seed; the judge also passes a ``_KeepOrder`` to replay wrong shuffles.
    """
    rng = rng if isinstance(rng, _KeepOrder) else np.random.default_rng(rng)
    X, Y = np.asarray(X, dtype=float), np.asarray(Y, dtype=float)
    weights, biases = list(weights), list(biases)
    losses = []
    for _ in range(n_epochs):
        order = rng.permutation(len(X))
        for start in range(0, len(X), batch_size):
            batch = order[start:start + batch_size]
            dW, db = backprop(weights, biases, X[batch], Y[batch])
            params = update(weights + biases, dW + db, learning_rate)
            weights, biases = list(params[:len(weights)]), list(params[len(weights):])
        losses.append(float(np.mean((forward(weights, biases, X) - Y) ** 2)))
    return weights, biases, losses


class _KeepOrder:
    """Stands in for default_rng: its permutation keeps the order (see _other_orders)."""

    def permutation(self, n):
        return np.arange(n)


def _other_orders(args):
    """The same loop run with the two usual wrong shuffles: none, and one for all epochs."""
    weights, biases, X, Y, *functions, learning_rate, n_epochs, batch_size, rng = args
    once = np.random.default_rng(rng).permutation(len(X))
    for order, words in ((np.arange(len(X)), "the rows were visited in their original order"),
                         (once, "the same order was used in every epoch")):
        yield words, _train_sgd(weights, biases, np.asarray(X)[order], np.asarray(Y)[order],
                                *functions, learning_rate, n_epochs, batch_size, _KeepOrder())


def _same_run(expected, got):
    return all(Numbers()(e, to_array(g), True) is None
               for e, g in zip(expected[0] + expected[1] + [expected[2]],
                               list(got[0]) + list(got[1]) + [got[2]], strict=True))


def _judge_train_sgd(args, got, reveal):
    """Compare (weights, biases, losses) with the reference run; name the order convention."""
    if type(got) not in (tuple, list) or len(got) != 3:
        return "expected a tuple (weights, biases, losses)"
    expected = _train_sgd(*copy.deepcopy(args))
    n_epochs = len(expected[2])
    for what, exp, g in (("weights", expected[0], got[0]), ("biases", expected[1], got[1])):
        if type(g) not in (tuple, list) or len(g) != len(exp):
            return f"{what} must be a list with one array per layer ({len(exp)})"
        for i, (e, gi) in enumerate(zip(exp, g, strict=True)):
            if to_array(gi).shape != e.shape:
                return (f"{what}[{i}] has shape {to_array(gi).shape}, expected the shape of "
                        f"the {what} given {e.shape}")
    losses = to_array(got[2])
    if losses.ndim != 1 or len(losses) != n_epochs:
        return (f"losses must hold one number per epoch ({n_epochs}), got shape "
                f"{losses.shape}: compute the MSE on all of X once after each epoch")
    got = (list(got[0]), list(got[1]), losses)
    if _same_run(expected, got):
        return None
    for words, other in _other_orders(copy.deepcopy(args)):
        if _same_run(other, got):
            return (f"{words}: draw a new order each epoch with order = "
                    f"rng.permutation(len(X)), from rng = np.random.default_rng(rng)")
    for what, exp, g in (("weights", expected[0], got[0]), ("biases", expected[1], got[1]),
                         ("losses", [expected[2]], [got[2]])):
        for i, (e, gi) in enumerate(zip(exp, g, strict=True)):
            message = Numbers()(e, to_array(gi), reveal)
            if message:
                where = what if what == "losses" else f"{what}[{i}]"
                return f"{where}: {message}"
    return None


def _four_people():
    """The shifted gender table, targets as a column, and lesson 06's starting network."""
    X = np.array([[-2.0, -1.0], [25.0, 6.0], [17.0, 4.0], [-15.0, -6.0]])
    Y = np.array([[1.0], [0.0], [0.0], [1.0]])
    start = network.MLP([2, 2, 1], rng=0)
    return start.weights, start.biases, X, Y


def _train_cases(rng):
    cases = []
    for description, sizes, n, batch_size, n_epochs in (
            ("a random 2-2-1 network, one example per step", (2, 2, 1), 4, 1, 5),
            ("a random deep network, batches of 3 (the last one smaller)", (3, 4, 3, 2), 7, 3, 4),
            ("a random network, one batch of all rows", (2, 3, 1), 5, 5, 6),
            ("a batch size larger than the data", (2, 2), 3, 10, 3),
            ("a random network, one epoch", (4, 3, 1), 6, 2, 1)):
        weights, biases = _random_net(rng, sizes)
        X = rng.normal(size=(n, sizes[0]))
        Y = rng.integers(0, 2, size=(n, sizes[-1])).astype(float)
        cases.append(hidden(description, weights, biases, X, Y, *_functions(),
                            float(rng.uniform(0.05, 2.0)), n_epochs, batch_size,
                            int(rng.integers(0, 1000))))
    return cases


_W, _B, _X4, _Y4 = _four_people()
_W3, _B3 = _random_net(np.random.default_rng(3), (3, 4, 2))

EXERCISES += [
    Exercise(
        "backprop", "05_backprop", 4, "backprop(weights, biases, X, Y)", _backprop,
        public_cases=(
            case([np.ones((2, 2)), np.ones((2, 1))], [np.zeros(2), np.zeros(1)],
                 np.array([[-2.0, -1.0]]), np.array([[1.0]]),
                 label="Alice, the 2-2-1 network with all weights 1 and biases 0 "
                       "(dW[0][0, 0] is dL/dw1 = 0.0214...)"),
            case(_W, _B, _X4, _Y4, label="the four people, lesson 06's starting network"),
            case(_W3, _B3, np.linspace(-1, 1, 15).reshape(5, 3), np.eye(5, 2),
                 label="a 3-4-2 network, 5 examples with 2 outputs each")),
        hidden_cases=_backprop_cases,
        properties=_judge_backprop,
        returns="a pair (dW, db) of lists of arrays",
        hint="keep every layer's output A from the forward pass; work from the last layer "
             "back: each layer's delta gives its dW and db, and (through W.T and f') the "
             "delta of the layer below",
        allowed=("sigmoid",),
    ),
    Exercise(
        "train_sgd", "06_sgd", 4,
        "train_sgd(weights, biases, X, Y, forward, backprop, update, learning_rate, "
        "n_epochs, batch_size, rng)", _train_sgd,
        public_cases=(
            case(_W, _B, _X4, _Y4, *_functions(), 0.1, 20, 1, 0,
                 label="the four people, one person per step, 20 epochs, learning_rate 0.1, "
                       "rng 0"),
            case(_W, _B, _X4, _Y4, *_functions(), 0.5, 10, 4, 0,
                 label="the four people, all four per step (no randomness left), 10 epochs"),
            case(_W3, _B3, np.linspace(-1, 1, 18).reshape(6, 3), np.eye(6, 2), *_functions(),
                 1.0, 3, 4, 7, label="a 3-4-2 network, 6 examples in batches of 4 and 2")),
        hidden_cases=_train_cases,
        properties=_judge_train_sgd,
        rng_check=False,  # the judge replays the reference on the same rng
        returns="a tuple (weights, biases, losses)",
        hint="the convention: rng = np.random.default_rng(rng), one rng.permutation(len(X)) "
             "per epoch, batches are consecutive slices of that order, and one loss per "
             "epoch, on all of X after the epoch's last step; use the forward, backprop and "
             "update you are given (the checks pass other ones than lesson 05's)",
        allowed=("mse",),
    ),
]

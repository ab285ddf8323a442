"""Exercises of lessons 04-07: loss, backpropagation, gradient descent and optimizers.

References: ``nl.mse`` for the loss; small implementations here for the rest, written
like the lessons' equations (the nine partial derivatives of the 2-2-1 network follow the
chain rule term by term; the optimizer steps follow torch.optim's conventions, as
:mod:`nnlessons.optim` does). Public cases reuse the worked numbers: the always-male
predictor's MSE of 0.5 and Alice's dL/dw1 = 0.0214.

Left out: exercises on Nesterov, Adagrad and RMSProp (the lessons show them with the
package's optimizers).
"""

import numpy as np

from .. import activations, losses
from .codec import Source
from .core import Exercise, case, hidden
from .judges import ListOf, Numbers, Several


def _mse_cases(rng):
    n = int(rng.integers(3, 10))
    return [hidden("random 1-D targets and predictions", rng.integers(0, 2, n).astype(float),
                   rng.uniform(0, 1, n)),
            hidden("random 2-D targets and predictions", rng.normal(size=(4, 3)),
                   rng.normal(size=(4, 3)), hint="average over all elements, not per row"),
            hidden("a perfect prediction", np.full(5, 0.5), np.full(5, 0.5)),
            hidden("a single sample", [1.0], [0.25])]


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
            hidden("a too large learning rate", Source("lambda x: 2 * x"), 1.0, 1.5, 5)]


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

"""Exercises of lessons 00-03: the warm-up, neurons, activations and the forward pass.

Each exercise's reference is the package's own function where one exists
(``nl.sigmoid``, ``nl.activations.sigmoid_derivative``, ...), so the lessons, the checks
and the grader agree on one definition. Public cases reuse the seeds' worked numbers
(sigmoid(7) = 0.999, the 2-2-1 network's h1 = h2 = 0.9526, 784-15-10 has 11,935
parameters); hidden cases add seeded random inputs of several shapes and the edge cases
the lessons warn about (|z| near 1000).

Left out: exercises on leaky ReLU and the identity (shown in the lessons, not asked for).
"""

import numpy as np

from .. import activations, network
from .core import Exercise, case, hidden
from .judges import Numbers

LARGE_Z_HINT = ("np.exp overflows for |z| near 1000 and inf / inf is nan; "
                "1 / (1 + np.exp(-z)) only ever divides by a large number")


def _random_shapes(rng, scale=3.0):
    """Random z of the shapes a lesson uses: 0-d, 1-D, 2-D and 3-D."""
    return [
        hidden("a single random number", float(rng.normal() * scale)),
        hidden("random 1-D z", rng.normal(size=int(rng.integers(3, 9))) * scale),
        hidden("random 2-D z", rng.normal(size=tuple(rng.integers(2, 6, size=2))) * scale),
        hidden("random 3-D z", rng.normal(size=(2, 3, 2)) * scale),
    ]


def _large(rng, hint):
    return hidden("large |z|", rng.uniform(500, 1000, size=6) * np.array([1, -1, 1, -1, 1, -1]),
                  hint=hint, hint_on="nonfinite")


def _double(x):
    return 2 * x


def _double_cases(rng):
    return [hidden("a random number", float(rng.normal() * 10)),
            hidden("a random integer", int(rng.integers(-100, 100))),
            hidden("random 2-D x", rng.normal(size=(3, 2)))]


def _sigmoid_cases(rng):
    return _random_shapes(rng) + [_large(rng, LARGE_Z_HINT)]


def _neuron_output(weights, bias, x):
    return network.Neuron(weights, bias).feedforward(x)


def _neuron_cases(rng):
    cases = []
    for n_inputs in (1, 3, int(rng.integers(4, 9))):
        cases.append(hidden("random neuron",
                            rng.normal(size=n_inputs), float(rng.normal()),
                            rng.normal(size=n_inputs) * 2))
    cases.append(hidden("weights and x given as lists",
                        [round(float(v), 2) for v in rng.normal(size=2)],
                        round(float(rng.normal()), 2),
                        [round(float(v), 1) for v in rng.normal(size=2) * 2]))
    return cases


def _tanh_cases(rng):
    return _random_shapes(rng) + [_large(rng, "use np.tanh: (e^z - e^-z) / (e^z + e^-z) "
                                              "overflows for large |z|")]


def _relu_cases(rng):
    return _random_shapes(rng) + [hidden("zeros", np.zeros(int(rng.integers(2, 40)))),
                                  hidden("all negative", -np.abs(rng.normal(size=5)))]


def _softmax_cases(rng):
    rows, cols = (int(n) for n in rng.integers(2, 6, size=2))
    return [
        hidden("random 1-D z", rng.normal(size=5) * 2),
        hidden("random 2-D z (rows of logits)", rng.normal(size=(rows, cols)) * 2),
        hidden("one row of logits", rng.normal(size=(1, 4))),
        hidden("a single column", rng.normal(size=(3, 1))),
        hidden("logits near 1000", 1000 + rng.normal(size=(3, 4)),
               hint="subtract each row's largest z before np.exp", hint_on="nonfinite"),
        hidden("logits near -1000", -1000 + rng.normal(size=(2, 3)),
               hint="subtract each row's largest z before np.exp", hint_on="nonfinite"),
    ]


def _layer_forward(X, W, b):
    return activations.sigmoid(np.asarray(X, dtype=float) @ np.asarray(W) + np.asarray(b))


def _layer_cases(rng):
    cases = []
    for n_samples, n_in, n_out in ((5, 3, 4), (1, 2, 1), tuple(rng.integers(2, 7, size=3))):
        cases.append(hidden("random layer, 2-D X",
                            rng.normal(size=(n_samples, n_in)), rng.normal(size=(n_in, n_out)),
                            rng.normal(size=n_out)))
    cases.append(hidden("one sample as a 1-D x", rng.normal(size=3), rng.normal(size=(3, 2)),
                        rng.normal(size=2)))
    return cases


def _count_params(layer_sizes):
    sizes = [int(n) for n in layer_sizes]
    return sum(n_in * n_out + n_out for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True))


def _count_cases(rng):
    cases = []
    for n_layers in (2, 3, 4, 5):
        sizes = [int(n) for n in rng.integers(1, 200, size=n_layers)]
        cases.append(hidden("random list of layer sizes", sizes))
    cases.append(hidden("layer sizes given as a tuple",
                        tuple(int(n) for n in rng.integers(1, 30, size=4))))
    return cases


EXERCISES = [
    Exercise(
        "double", "00_start_here", 0, "double(x)", _double,
        public_cases=(case(2.0), case(np.array([1.0, -2.0, 3.5]))),
        hidden_cases=_double_cases,
        returns="a number or an array of numbers",
        hint="multiply x by 2",
        allowed=(),
    ),
    Exercise(
        "sigmoid", "01_neuron", 1, "sigmoid(z)", activations.sigmoid,
        public_cases=(case(0.0), case(7.0),
                      case(np.array([-1000.0, 0.0, 1000.0]), hint=LARGE_Z_HINT,
                           hint_on="nonfinite"),
                      case(np.array([[-1.0, 1.0], [2.0, -2.0]]))),
        hidden_cases=_sigmoid_cases,
        compare=Numbers(same_shape_as="z"),
        hint="sigmoid(z) = 1 / (1 + np.exp(-z)), elementwise",
        allowed=(),
    ),
    Exercise(
        "neuron_output", "01_neuron", 1, "neuron_output(weights, bias, x)", _neuron_output,
        public_cases=(case([0, 1], 4, [2, 3], label="the lesson's neuron: "
                           "neuron_output([0, 1], 4, [2, 3])"),
                      case(np.array([0.5, -1.0, 2.0]), 0.1, np.array([1.0, 2.0, 3.0]))),
        hidden_cases=_neuron_cases,
        returns="a number",
        hint="the output is sigmoid(w . x + b): np.dot(weights, x) + bias, then the sigmoid",
        allowed=("sigmoid",),
    ),
    Exercise(
        "sigmoid_derivative", "02_activations", 1, "sigmoid_derivative(z)",
        activations.sigmoid_derivative,
        public_cases=(case(0.0), case(-3.0), case(np.array([-1000.0, 0.0948, 1000.0]))),
        hidden_cases=_sigmoid_cases,
        compare=Numbers(same_shape_as="z"),
        hint="f'(z) = f(z) * (1 - f(z)), with f the sigmoid",
        allowed=("sigmoid",),
    ),
    Exercise(
        "tanh_derivative", "02_activations", 1, "tanh_derivative(z)",
        activations.tanh_derivative,
        public_cases=(case(0.0), case(np.array([-2.0, 0.5, 3.0])),
                      case(np.array([-1000.0, -20.0, 20.0, 1000.0]), hint_on="nonfinite",
                           hint="(e^z - e^-z) / (e^z + e^-z) is inf / inf = nan for large "
                                "|z|: use np.tanh")),
        hidden_cases=_tanh_cases,
        compare=Numbers(same_shape_as="z"),
        hint="tanh'(z) = 1 - tanh(z) ** 2",
        allowed=(),
    ),
    Exercise(
        "relu", "02_activations", 1, "relu(z)", activations.relu,
        public_cases=(case(np.array([-2.0, 0.0, 3.0])), case(-0.5), case(2.5)),
        hidden_cases=_relu_cases,
        compare=Numbers(same_shape_as="z"),
        hint="relu(z) = max(0, z) elementwise: np.maximum(0, z)",
        allowed=(),
    ),
    Exercise(
        "softmax", "02_activations", 2, "softmax(z)", activations.softmax,
        public_cases=(case(np.array([1.0, 2.0, 3.0])),
                      case(np.array([[1.0, 1.0], [0.0, 2.0]])),
                      case(np.array([1000.0, 1001.0, 1002.0]), hint_on="nonfinite",
                           hint="np.exp(1000) overflows: subtract the largest z first, "
                                "softmax(z) = softmax(z - max(z))")),
        hidden_cases=_softmax_cases,
        compare=Numbers(same_shape_as="z"),
        hint="normalise along the last axis: np.sum(..., axis=-1, keepdims=True)",
        allowed=(),
    ),
    Exercise(
        "layer_forward", "03_feedforward", 1, "layer_forward(X, W, b)", _layer_forward,
        public_cases=(case(np.array([[2.0, 3.0]]), np.array([[0.0, 0.0], [1.0, 1.0]]),
                           np.zeros(2), label="the lesson's hidden layer: X = [[2, 3]], "
                           "w = [0, 1] and b = 0 for both neurons"),
                      case(np.array([2.0, 3.0]), np.array([[0.0, 0.0], [1.0, 1.0]]),
                           np.zeros(2), label="the same with one sample as a 1-D x"),
                      case(np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]),
                           np.array([[0.5, -1.0, 2.0], [1.0, 0.0, -0.5]]),
                           np.array([0.1, 0.2, 0.3]))),
        hidden_cases=_layer_cases,
        hint="z = X @ W + b has shape (n_samples, n_out); then apply the sigmoid",
        allowed=("sigmoid",),
    ),
    Exercise(
        "count_params", "03_feedforward", 1, "count_params(layer_sizes)", _count_params,
        public_cases=(case([784, 15, 10]), case([2, 2, 1]), case((64, 30, 10))),
        hidden_cases=_count_cases,
        compare=Numbers(integer=True),
        returns="an int",
        hint="each layer has n_in * n_out weights and n_out biases",
        allowed=(),
    ),
]

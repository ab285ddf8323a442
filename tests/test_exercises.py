"""The exercise bank: every exercise, its reference, its cases and what check() says."""

from pathlib import Path

import numpy as np
import pytest

import nnlessons as nl
from nnlessons.exercises import (
    EXERCISES,
    assert_passes,
    check,
    get_exercise,
    grade,
)
from nnlessons.exercises.judges import show_number

# The contract: lesson and points of every exercise (22 graded plus the warm-up are
# listed by name in the course plan; the bank has them all).
EXPECTED = {
    "double": ("00_start_here", 0),
    "sigmoid": ("01_neuron", 1), "neuron_output": ("01_neuron", 1),
    "sigmoid_derivative": ("02_activations", 1), "tanh_derivative": ("02_activations", 1),
    "relu": ("02_activations", 1), "softmax": ("02_activations", 2),
    "layer_forward": ("03_feedforward", 1), "count_params": ("03_feedforward", 1),
    "mse": ("04_loss", 1), "center": ("04_loss", 1),
    "gender_partials": ("05_backprop", 3), "numerical_gradient": ("05_backprop", 2),
    "sgd_step": ("06_sgd", 2), "gradient_descent": ("06_sgd", 2),
    "momentum_step": ("07_optimizers", 2), "adam_step": ("07_optimizers", 3),
    "backprop": ("05_backprop", 4), "train_sgd": ("06_sgd", 4),
    "split_indices": ("08_hyperparameters", 2), "minibatches": ("08_hyperparameters", 2),
    "polynomial_features": ("09_overfitting", 1), "k_fold_indices": ("09_overfitting", 2),
    "one_hot": ("10_digits", 1), "accuracy": ("10_digits", 1),
    "confusion_matrix": ("10_digits", 2), "train_digit_classifier": ("10_digits", 5),
}
NAMES = list(EXPECTED)


def _mom_wrong(param, grad, velocity, learning_rate, momentum):
    velocity = momentum * velocity - learning_rate * grad
    return param + velocity, velocity


def _adam_no_bias_correction(param, grad, m, v, t, learning_rate=0.001, beta1=0.9,
                             beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad ** 2
    return param - learning_rate * m / (np.sqrt(v) + eps), m, v


def _forward_difference(f, x, eps=1e-6):
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    for i in range(x.size):
        step = np.zeros_like(x)
        step[i] = eps
        grad[i] = (f(x + step) - f(x)) / eps
    return grad


def _k_fold_remainder_last(n_samples, k):
    size = n_samples // k
    folds = []
    for i in range(k):
        stop = n_samples if i == k - 1 else (i + 1) * size
        val = np.arange(i * size, stop)
        folds.append((np.setdiff1d(np.arange(n_samples), val), val))
    return folds


# A typical mistake per exercise, and words its report must contain.
WRONG = {
    "double": (lambda x: x + x + 1, "wrong value"),
    "sigmoid": (lambda z: np.exp(z) / (1 + np.exp(z)), "got nan"),
    "neuron_output": (lambda weights, bias, x: float(np.dot(weights, x) + bias), "wrong value"),
    "sigmoid_derivative": (lambda z: nl.sigmoid(z), "wrong value"),
    "tanh_derivative": (lambda z: 1 - np.tanh(z), "wrong value"),
    "relu": (lambda z: np.abs(z), "wrong value"),
    "softmax": (lambda z: np.exp(z) / np.sum(np.exp(z)), "wrong value"),
    "layer_forward": (lambda X, W, b: nl.sigmoid(np.asarray(X) @ W), "wrong value"),
    "count_params": (lambda sizes: sum(a * b for a, b in zip(sizes[:-1], sizes[1:], strict=True)),
                     "wrong value"),
    "mse": (lambda y_true, y_pred: float(np.sum((np.asarray(y_true) - y_pred) ** 2)),
            "wrong value"),
    "center": (lambda X: X - X.mean(), "wrong value"),
    "gender_partials": (lambda x, y, w, b: get_exercise("gender_partials").reference(
        x, y, w, b) / -2, "wrong value"),
    "numerical_gradient": (_forward_difference, "wrong value"),
    "sgd_step": (lambda params, grads, learning_rate: [p + learning_rate * g
                                                       for p, g in zip(params, grads, strict=True)],
                 "parameter 0: wrong value"),
    "gradient_descent": (lambda grad, x0, learning_rate, n_steps: get_exercise(
        "gradient_descent").reference(grad, x0, learning_rate, n_steps)[1:], "wrong shape"),
    "momentum_step": (_mom_wrong, "new_velocity: wrong value"),
    "adam_step": (_adam_no_bias_correction, "new_param: wrong value"),
    "backprop": (lambda weights, biases, X, Y: [[-d for d in part] for part in get_exercise(
        "backprop").reference(weights, biases, X, Y)], "wrong sign"),
    "train_sgd": (lambda *args: get_exercise("train_sgd").reference(*args[:-1], args[-1] + 1),
                  "wrong value"),
    "split_indices": (lambda n, val_size, test_size, rng: (
        np.arange(round(n * val_size) + round(n * test_size), n), np.arange(round(n * val_size)),
        np.arange(round(n * val_size), round(n * val_size) + round(n * test_size))),
        "not shuffled"),
    "minibatches": (lambda n, batch_size, rng: [
        p for p in np.split(np.random.default_rng(rng).permutation(n),
                            range(batch_size, n, batch_size)) if len(p) == batch_size],
        "batches"),
    "polynomial_features": (lambda x, degree: np.asarray(x)[:, None] ** np.arange(1, degree + 1),
                            "wrong shape"),
    "k_fold_indices": (_k_fold_remainder_last, "fold 0, val_idx: wrong shape"),
    "one_hot": (lambda labels, n_classes: np.eye(n_classes)[labels].T, "wrong shape"),
    "accuracy": (lambda y_true, y_pred: int(np.sum(np.asarray(y_true) == y_pred)),
                 "wrong value"),
    "confusion_matrix": (lambda y_true, y_pred, n_classes: get_exercise(
        "confusion_matrix").reference(y_pred, y_true, n_classes), "wrong value"),
    "train_digit_classifier": (lambda X_train, y_train, rng: (
        [np.zeros((64, 8)), np.zeros((8, 10))], [np.zeros(8), np.arange(10.0)]),
        "held-out accuracy"),
}


def test_bank_has_every_exercise_with_its_lesson_and_points():
    assert list(EXERCISES) == NAMES
    for name, (lesson, points) in EXPECTED.items():
        exercise = EXERCISES[name]
        assert (exercise.lesson, exercise.points) == (lesson, points)
        assert exercise.signature.startswith(name + "(")
        assert len(exercise.public_cases) >= 1
    assert sum(e.points > 0 for e in EXERCISES.values()) == 26
    assert all(1 <= e.points <= 4 for e in EXERCISES.values()
               if e.name not in ("double", "train_digit_classifier"))


def test_get_exercise_rejects_unknown_names_listing_valid_ones():
    with pytest.raises(ValueError, match="name must be one of 'double', 'sigmoid'.*got 'sigmod'"):
        get_exercise("sigmod")


@pytest.mark.parametrize("name", NAMES)
def test_reference_passes_every_public_and_hidden_case(name):
    exercise = EXERCISES[name]
    for seed in range(3):
        report = grade(name, exercise.reference, seed=seed)
        assert report.passed, str(report)
        assert len(report.cases) > len(exercise.public_cases)
    assert_passes(name, exercise.reference, seed=7)


@pytest.mark.parametrize("name", NAMES)
def test_hidden_cases_are_seeded(name):
    exercise = EXERCISES[name]
    first, again = exercise.cases(hidden=True, seed=1), exercise.cases(hidden=True, seed=1)
    assert [c.label for c in first] == [c.label for c in again]
    for a, b in zip(first, again, strict=True):
        assert repr(a.args) == repr(b.args)
    assert all(not c.public for c in first[len(exercise.public_cases):])
    assert all(c.public for c in exercise.cases())


@pytest.mark.parametrize("name", NAMES)
def test_a_typical_mistake_fails_with_a_useful_message(name):
    wrong, words = WRONG[name]
    report = grade(name, wrong)
    assert not report.passed
    messages = " | ".join(c.message for c in report.failures())
    assert words in messages, messages
    with pytest.raises(AssertionError, match=name):
        assert_passes(name, wrong)


@pytest.mark.parametrize("name", NAMES)
def test_a_stub_is_not_done_yet_and_scores_zero(name):
    def stub(*args, **kwargs):
        raise NotImplementedError

    report = check(name, stub)
    assert report.not_done and report.score == 0 and not report.passed
    assert "not done yet" in str(report)
    assert "NotImplementedError" in report._repr_html_()


def test_the_lessons_worked_numbers_are_public_cases():
    sigmoid = get_exercise("sigmoid")
    seven = next(c for c in sigmoid.cases() if c.args == (7.0,))
    assert round(float(sigmoid.expected(seven)), 5) == 0.99909
    neuron = get_exercise("neuron_output")
    assert round(neuron.expected(neuron.cases()[0]), 5) == 0.99909
    partials = get_exercise("gender_partials")
    alice = partials.expected(partials.cases()[0])
    assert alice.shape == (9,) and round(alice[0], 4) == 0.0215  # 0.0214 in the seeds' rounding
    assert get_exercise("count_params").expected(get_exercise("count_params").cases()[0]) == 11935
    mse = get_exercise("mse")
    assert mse.expected(mse.cases()[0]) == 0.5
    layer = get_exercise("layer_forward")
    assert np.allclose(layer.expected(layer.cases()[0]), [[0.9526, 0.9526]], atol=1e-4)


def test_check_runs_only_public_cases():
    for name, exercise in EXERCISES.items():
        report = check(name, WRONG[name][0])
        assert len(report.cases) == len(exercise.public_cases)
        assert "hidden case" not in str(report) + report._repr_html_()


def _numbers_in(value, found):
    """Distinctive numbers (non-integers) in a case's inputs or expected answer, as shown."""
    if isinstance(value, (list, tuple)):
        for v in value:
            _numbers_in(v, found)
    elif isinstance(value, dict):
        _numbers_in(list(value.values()), found)
    elif isinstance(value, (float, np.floating, np.ndarray)):
        for x in np.ravel(value):
            if np.isfinite(x) and 1e-3 < abs(x) < 1e6 and not float(x).is_integer():
                found.add(show_number(x))
    return found


def _shifted(value):
    if isinstance(value, (list, tuple)):
        return type(value)(_shifted(v) for v in value)
    return np.asarray(value) + 1


@pytest.mark.parametrize("name", NAMES)
def test_hidden_case_messages_never_show_inputs_or_expected_values(name):
    exercise = EXERCISES[name]
    hidden = exercise.cases(hidden=True, seed=3)[len(exercise.public_cases):]

    def off_by_one(*args, **kwargs):
        return _shifted(exercise.reference(*args, **kwargs))

    for fn in (off_by_one, WRONG[name][0], lambda *a, **k: [[1.0, 2.0], [3.0]]):
        report = grade(name, fn, seed=3)
        shown = [c for c in report.cases if c.label.startswith("hidden case")]
        assert len(shown) == len(hidden)
        for case, result in zip(hidden, shown, strict=True):
            secrets = _numbers_in((case.args, case.kwargs), set())
            if exercise.properties is None:
                _numbers_in(exercise.expected(case), secrets)
            text = f"{result} {result.message}"     # the learner's line and the instructor's
            assert not [s for s in secrets if s in text], (text, secrets)


def test_messages_say_where_and_what():
    def sigmoid(z):
        z = np.asarray(z, dtype=float)
        return 1 / (1 + np.exp(-z)).reshape(-1, 1)

    report = check("sigmoid", sigmoid)
    text = str(report)
    assert "wrong shape: expected the same shape as z (3,), got (3, 1)" in text
    assert "expected a single number, got an array of shape (1, 1)" in text

    def neuron_output(weights, bias, x):
        scale = 1 / (len(x) - 3)       # line 2: divides by zero for 3 inputs
        return float(nl.sigmoid(np.dot(weights, x) + bias)) * scale

    text = str(check("neuron_output", neuron_output))
    assert "raised ZeroDivisionError: division by zero (line 2 of your function: scale = " in text


def test_changing_an_argument_in_place_is_reported():
    def center(X):
        X -= X.mean(axis=0)
        return X

    report = check("center", center)
    assert not report.passed
    assert "changed its argument X in place" in str(report)


class AlwaysEqual:
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = object.__hash__


class FakeArray(AlwaysEqual):
    def __init__(self, value):
        self.value = value

    def __array__(self, dtype=None, copy=None):
        return np.asarray(self.value)

    def __float__(self):
        return float(np.asarray(self.value).ravel()[0])

    def __len__(self):
        return len(np.atleast_1d(self.value))


class SubArray(np.ndarray):
    def __eq__(self, other):
        return np.ones(np.shape(self), dtype=bool)


class SubFloat(float):
    def __eq__(self, other):
        return True


class SubList(list):
    pass


def _disguise(value, how):
    """The right answer dressed as an impostor (inside tuples and lists too)."""
    if isinstance(value, (list, tuple)):
        inner = type(value)(_disguise(v, how) for v in value)
        return SubList(inner) if how == "list-subclass" else inner
    if how == "always-equal":
        return AlwaysEqual()
    if how == "fake-array":
        return FakeArray(value)
    if how == "ndarray-subclass":
        return np.asarray(value).view(SubArray)
    if how == "float-subclass":
        return SubFloat(np.asarray(value, dtype=float).ravel()[0])
    return value


def _returns_a_sequence(name):
    exercise = EXERCISES[name]
    first = exercise.cases()[0]
    return isinstance(exercise.reference(*first.args, **first.kwargs), (list, tuple))


IMPOSTORS = [(name, how) for name in NAMES
             for how in ("always-equal", "fake-array", "ndarray-subclass", "float-subclass",
                         "list-subclass")
             if how != "list-subclass" or _returns_a_sequence(name)]


@pytest.mark.parametrize("name, how", IMPOSTORS)
def test_impostors_never_pass(name, how):
    exercise = EXERCISES[name]

    def impostor(*args, **kwargs):
        return _disguise(exercise.reference(*args, **kwargs), how)

    report = grade(name, impostor)
    assert not any(c.passed for c in report.cases), str(report)
    assert all("returned a" in c.message for c in report.cases), str(report)


@pytest.mark.parametrize("bad", [
    lambda *a, **k: None, lambda *a, **k: "0.5", lambda *a, **k: {"z": 1.0},
    lambda *a, **k: np.array(["a", "b"]), lambda *a, **k: np.array([object()]),
    lambda *a, **k: [[1.0, 2.0], [3.0]], lambda *a, **k: 10 ** 40,
    lambda *a, **k: 1 / 0, lambda *a, **k: (_ for _ in ()).throw(SystemExit(3)),
    lambda: 0, 42, "sigmoid",
])
def test_check_never_raises_on_the_learners_mistakes(bad):
    for name in NAMES:
        report = check(name, bad)
        assert not report.passed and report.score == 0
        assert str(report).startswith(name)


def test_keyboard_interrupt_is_not_swallowed():
    def stop(z):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        check("sigmoid", stop)


def test_a_learners_broken_exception_is_reported():
    class Weird(Exception):
        def __str__(self):
            raise RuntimeError("no message")

    def sigmoid(z):
        raise Weird()

    assert "raised Weird" in str(check("sigmoid", sigmoid))


def test_assert_passes_names_the_failing_cases():
    with pytest.raises(AssertionError) as info:
        assert_passes("softmax", lambda z: np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True))
    text = str(info.value)
    assert "softmax(np.array([1000., 1001., 1002.]))" in text
    assert "hidden case 5 (logits near 1000)" in text
    assert "random 2-D z" not in text


LESSONS = sorted((Path(__file__).resolve().parent.parent / "solutions").glob("[0-9][0-9]_*.ipynb"))


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_lesson_cells_agree_with_the_bank(path):
    # that the solutions score full marks is checked once, by grading the lessons
    # (tests/test_grading_notebooks.py)
    nbformat = pytest.importorskip("nbformat")
    cells = nbformat.read(path, as_version=4).cells
    graded = {c.metadata["nbgrader"]["grade_id"]: c for c in cells
              if "nbgrader" in c.get("metadata", {})}
    expected = [n for n, e in EXERCISES.items() if e.lesson == path.stem]
    for name in expected:
        assert name in graded, f"{path.name} has no solution cell for {name}"
        check_cell = graded.get(f"check_{name}")
        assert check_cell is not None, f"{path.name} has no check cell for {name}"
        assert check_cell.metadata["nbgrader"]["points"] == EXERCISES[name].points
        assert f'nl.check("{name}", {name})' in check_cell.source
    for grade_id in graded:
        name = grade_id.removeprefix("check_")
        assert name not in EXERCISES or EXERCISES[name].lesson == path.stem, grade_id

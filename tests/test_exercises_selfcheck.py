"""What nl.check tells a learner about common mistakes, and that it never raises."""

import numpy as np
import pytest

import nnlessons as nl
from nnlessons.exercises import EXERCISES, Kind, check, get_exercise


def _failures(report):
    return [c for c in report.cases if not c.passed]


def test_the_exercise_hint_also_comes_with_exceptions():
    report = check("relu", lambda z: max(0, z))      # fine on numbers, raises on arrays
    (failure,) = _failures(report)
    assert failure.kind is Kind.RAISED
    assert "raised ValueError: The truth value" in failure.message
    assert "hint: relu(z) = max(0, z) elementwise: np.maximum(0, z)" in failure.message


def _softmax_all(z):
    e = np.exp(z)
    return e / np.sum(e, axis=-1, keepdims=True)


def _softmax_stable_but_off(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return 1.01 * e / e.sum(axis=-1, keepdims=True)


def test_an_overflow_hint_only_for_overflow():
    overflow = _failures(check("softmax", _softmax_all))
    assert len(overflow) == 1 and "got nan" in overflow[0].message
    assert "np.exp(1000) overflows" in overflow[0].message
    other = _failures(check("softmax", _softmax_stable_but_off))
    assert len(other) == 3
    for failure in other:
        assert "overflows" not in failure.message
        assert "hint: normalise along the last axis" in failure.message


def test_a_case_hint_is_kept_for_its_own_mistake():
    def forward(f, x, eps=1e-6):
        x = np.array(x, dtype=float)
        return np.array([(f(x + eps * np.eye(x.size)[i]) - f(x)) / eps for i in range(x.size)])

    failures = _failures(check("numerical_gradient", forward))
    assert any("use central differences" in c.message for c in failures)

    def raises(f, x, eps=1e-6):
        raise TypeError("oops")

    for failure in _failures(check("numerical_gradient", raises)):
        assert "central differences (f(x + eps)" not in failure.message
        assert "hint: for each i, move x[i]" in failure.message


def test_tanh_derivative_has_a_public_large_z_case():
    exercise = get_exercise("tanh_derivative")
    assert any(np.max(np.abs(c.args[0])) >= 1000 for c in exercise.public_cases)

    def naive(z):
        z = np.asarray(z, dtype=float)
        t = (np.exp(z) - np.exp(-z)) / (np.exp(z) + np.exp(-z))
        return 1 - t ** 2

    (failure,) = _failures(check("tanh_derivative", naive))
    assert "got nan" in failure.message and "use np.tanh" in failure.message
    assert check("tanh_derivative", lambda z: 1 - np.tanh(z) ** 2).passed


def test_misspelt_names_get_did_you_mean():
    with pytest.raises(ValueError, match=r"got 'sigmiod' \(did you mean 'sigmoid'\?\)"):
        get_exercise("sigmiod")
    with pytest.raises(ValueError, match=r"did you mean 'gender_partials'\?"):
        get_exercise("Gender partials")
    report = check("sofmax", lambda z: z)
    assert str(report) == ("sofmax: there is no exercise called 'sofmax' (did you mean "
                           "'softmax'?); the exercises are listed in nl.exercises.EXERCISES")
    assert not report.passed and report.score == 0 and report.cases == []
    assert "did you mean" not in str(check("zzzzzz", abs))
    swapped = check(nl.sigmoid, "sigmoid")
    assert 'nl.check("sigmoid", sigmoid)' in str(swapped)
    assert "&quot;sigmoid&quot;" in swapped._repr_html_()


def test_returning_none_asks_about_return():
    def sigmoid(z):
        1 / (1 + np.exp(-z))

    report = check("sigmoid", sigmoid)
    assert all(c.kind is Kind.NO_RETURN for c in report.cases)
    assert "returned None: did you forget `return`?" in str(report)


def test_wording_for_numbers_arrays_and_lists():
    text = str(check("double", lambda x: x + 1))
    assert "double(2.0): wrong value: got 3, expected 4; hint" in text
    assert "wrong value at index 1: got -1, expected -4 (2 of 3 values wrong)" in text
    text = str(check("neuron_output", lambda w, b, x: [float(nl.sigmoid(np.dot(w, x) + b))]))
    assert "expected a single number, got a list of length 1" in text
    text = str(check("sigmoid",
                     lambda z: np.atleast_1d(1 / (1 + np.exp(-np.asarray(z, float)))).tolist()))
    assert "expected a single number, got a list of length 1" in text
    assert "wrong shape" not in text.split("\n")[3]     # a list of the right shape is fine
    text = str(check("count_params", lambda sizes: 11935.0))
    assert "expected an integer, got a float (11935.0): convert with int(...)" in text
    text = str(check("confusion_matrix", lambda t, p, n: np.zeros((n, n)).tolist()))
    assert "expected integers, got a list of float64 values" in text


def _unwatched(name, fn):
    """``check`` without the watch for the package's own code (the answers below are built
    from the package's reference, with deliberate mistakes)."""
    from nnlessons.exercises import Report, run_case

    exercise = get_exercise(name)
    return Report(name, [run_case(exercise, c, fn) for c in exercise.cases()], exercise.points)


def test_gender_partials_names_every_wrong_partial():
    reference = get_exercise("gender_partials").reference

    def two_wrong(x, y_true, w, b):
        partials = reference(x, y_true, w, b).copy()
        partials[4] *= 2
        partials[8] = 0.0
        return partials

    text = str(_unwatched("gender_partials", two_wrong))
    assert "wrong values of dL/dw5 (got " in text and "), dL/db3 (got 0, expected" in text
    assert "dL/dw1" not in text.split("hint")[0]
    one = str(_unwatched("gender_partials", lambda *a: reference(*a) * np.r_[np.ones(8), 3.0]))
    assert "wrong value of dL/db3 (got" in one and "the others are right" in one


def test_gradient_descent_appending_the_same_array_is_recognised():
    def appends_the_same_array(grad, x0, learning_rate, n_steps):
        x = np.array(x0, dtype=float)
        path = [x]
        for _ in range(n_steps):
            x -= learning_rate * grad(x)
            path.append(x)
        return np.array(path)

    report = check("gradient_descent", appends_the_same_array)
    assert not report.passed
    for failure in _failures(report):
        assert "every point of the path is the same" in failure.message
        assert failure.kind is Kind.WRONG_VALUE
    off = str(check("gradient_descent", lambda *a: get_exercise("gradient_descent")
                    .reference(*a) + 1))
    assert "every point of the path is the same" not in off


@pytest.mark.parametrize("name", [None, 3, "", "sigmoid ", ["sigmoid"], np.float64(1)])
def test_check_never_raises_on_a_bad_name(name):
    report = check(name, lambda z: z)
    assert not report.passed and report.score == 0 and isinstance(str(report), str)


@pytest.mark.parametrize("name", list(EXERCISES))
def test_check_never_raises_on_odd_answers(name):
    for fn in (lambda *a, **k: [[np.nan]], lambda *a, **k: ([], [], []),
               lambda *a, **k: [np.zeros(2), (1, [2.0])], lambda *a, **k: np.zeros((0, 3)),
               lambda *a, **k: [np.array([1, 2]), np.array([1.5])] * 3,
               lambda *a, **k: np.array(True), lambda *a, **k: [None]):
        report = check(name, fn)
        assert not report.passed
        assert all(isinstance(c.kind, Kind) for c in report.cases)

"""The capstone of lesson 10: train_digit_classifier, judged by held-out accuracy bars."""

import numpy as np
import pytest

import nnlessons as nl
from nnlessons.exercises import Kind, bank_data, get_exercise, grade

EX = get_exercise("train_digit_classifier")


def linear(X_train, y_train, rng):
    """A fast stand-in for a trained network: a fixed random sigmoid hidden layer, then least
    squares from its outputs to the one-hot targets."""
    hidden = np.random.default_rng(0).normal(0, 1 / np.sqrt(X_train.shape[1]),
                                              (X_train.shape[1], 300))
    H = 1 / (1 + np.exp(-(X_train @ hidden)))
    A = np.column_stack([H, np.ones(len(H))])
    W, *_ = np.linalg.lstsq(A, np.eye(10)[y_train], rcond=None)
    return [hidden, W[:-1]], [np.zeros(300), W[-1]]


def without_classes(classes):
    """``linear`` with the given digits never predicted (their output bias -1e3)."""
    def learner(X_train, y_train, rng):
        weights, biases = linear(X_train, y_train, rng)
        biases[-1][list(classes)] = -1e3
        return weights, biases
    return learner


def test_registered_with_points_bars_and_allowed_names():
    assert EX.points == 5 and EX.lesson == "10_digits"
    assert EX.allowed == ("sigmoid",)
    cases = EX.cases(hidden=True, seed=0)
    assert [c.min_accuracy for c in cases] == list(bank_data.CAPSTONE_BARS)
    assert [c.public for c in cases] == [True] + [False] * (len(cases) - 1)
    assert "Exercise train_digit_classifier" in repr(EX)


def test_training_sets_differ_and_held_out_is_disjoint():
    cases = EX.cases(hidden=True, seed=0)
    firsts = {c.args[0][:5].tobytes() for c in cases}
    assert len(firsts) == len(cases)
    X_train = cases[1].args[0]
    X_out, y_out = bank_data._held_out(X_train)
    seen = {row.tobytes() for row in X_train}
    assert len(X_out) >= 1797 - len(X_train) - 20 and not any(r.tobytes() in seen for r in X_out)


@pytest.mark.slow
def test_reference_trains_fast_and_scores_full_marks():
    report = grade("train_digit_classifier", EX.reference)
    assert report.passed and report.earned == 5


def test_a_trained_classifier_passes_every_bar():
    assert grade("train_digit_classifier", linear).earned == 5


def test_weights_trained_once_and_stored_fail_the_hidden_cases():
    X_train, y_train, rng = EX.public_cases[0].args
    stored = linear(X_train, y_train, rng)
    report = grade("train_digit_classifier", lambda X, y, rng: stored)
    assert report.cases[0].passed and not any(c.passed for c in report.cases[1:])


def test_hidden_cases_shuffle_the_pixels_of_training_and_held_out_alike():
    case = EX.cases(hidden=True, seed=0)[1]
    assert sorted(case.columns) == list(range(64)) and list(case.columns) != list(range(64))
    X_out, _ = bank_data._held_out(case.args[0], case.columns)
    X_natural, _ = bank_data._held_out(case.args[0][:, np.argsort(case.columns)])
    assert np.array_equal(X_out, X_natural[:, list(case.columns)])


@pytest.mark.parametrize("classes, passed", [
    ((9,), 5),              # about 90 % -> 80 % bars: 5 of 7 cases
    ((7, 8, 9), 2),         # about 70 % -> 50 % bars only
    (range(6), 0),          # about 40 % -> nothing
])
def test_partial_credit_by_accuracy_bands(classes, passed):
    report = grade("train_digit_classifier", without_classes(classes))
    assert report.n_passed == passed
    assert report.earned == pytest.approx(5 * passed / 7)


def test_hidden_messages_do_not_show_the_accuracy():
    report = grade("train_digit_classifier", without_classes(range(6)))
    public, hidden = report.cases[0], report.cases[1:]
    assert "%" in public.message and "held-out digits" in public.message
    assert all("held-out digits" not in c.message for c in hidden)


def test_stub_is_not_done_and_earns_nothing():
    def stub(X_train, y_train, rng):
        raise NotImplementedError
    report = grade("train_digit_classifier", stub)
    assert report.earned == 0 and report.cases[0].not_done


@pytest.mark.parametrize("answer, words", [
    (lambda X, y, rng: 0.5, "returned a ndarray"),
    (lambda X, y, rng: ([np.zeros((64, 10))], []), "one bias vector per weight matrix"),
    (lambda X, y, rng: ([np.zeros((10, 64))], [np.zeros(64)]), "weights[0] has shape (10, 64)"),
    (lambda X, y, rng: ([np.zeros((64, 5))], [np.zeros(5)]), "expected 10"),
    (lambda X, y, rng: ([np.zeros((64, 10))], [np.zeros(3)]), "biases[0] has shape (3,)"),
    (lambda X, y, rng: ([np.full((64, 8), np.nan), np.zeros((8, 10))], [np.zeros(8), np.zeros(10)]),
     "not finite"),
    (lambda X, y, rng: ([np.zeros((64, 10))], [np.zeros(10)]), "no hidden layer"),
])
def test_malformed_answers_are_explained(answer, words):
    result = grade("train_digit_classifier", answer).cases[0]
    assert not result.passed and words in result.message


def test_learner_check_reports_instead_of_raising():
    report = nl.check("train_digit_classifier", lambda X, y, rng: 1 / 0)
    assert not report.passed and "ZeroDivisionError" in report.cases[0].message


@pytest.mark.parametrize("answer", ["no_hidden_layer", "zero_width", "huge", "bool_bias"])
def test_networks_the_judge_refuses_before_running_them(answer):
    def no_hidden_layer(X_train, y_train, rng):     # least squares: no sigmoid, no backprop
        X = np.c_[X_train, np.ones(len(X_train))]
        W = np.linalg.lstsq(X, np.eye(10)[y_train], rcond=None)[0]
        return [W[:-1]], [W[-1]]

    def zero_width(X_train, y_train, rng):         # zero-size layers around a huge one
        n, N = X_train.shape[1], 2_000_000
        return ([np.zeros((n, 0)), np.zeros((0, N)), np.zeros((N, 0)), np.zeros((0, 10))],
                [np.zeros(0), np.zeros(N), np.zeros(0), np.zeros(10)])

    def huge(X_train, y_train, rng):
        n = X_train.shape[1]
        return [np.zeros((n, 5000)), np.zeros((5000, 10))], [np.zeros(5000), np.zeros(10)]

    def bool_bias(X_train, y_train, rng):
        n = X_train.shape[1]
        return [np.zeros((n, 8)), np.zeros((8, 10))], [np.zeros(8, dtype=bool), np.zeros(10)]

    fn = locals()[answer]
    report = grade("train_digit_classifier", fn, seed=1)
    assert report.score == 0
    assert all(c.kind in (Kind.WRONG_SHAPE, Kind.WRONG_TYPE) for c in report.cases)

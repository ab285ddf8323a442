"""The exercise bank: every function a learner writes in the lessons, and how it is checked.

In a lesson, a learner writes a function between the solution markers and checks it
with one call, ``nl.check("sigmoid", sigmoid)``. The check runs the exercise's *public*
cases (the ones the lesson shows) and reports, per case, what is right and what is wrong
(the shape, the value at which index, the exception and the line that raised it) with a
hint. It never raises on the learner's mistakes and never shows the expected values of
cases the learner has not seen. A stub that still raises NotImplementedError is reported
as "not done yet".

Grading adds *hidden* cases drawn from a seeded rng: :func:`assert_passes` (for nbgrader's
hidden tests) runs public and hidden cases and raises AssertionError naming the failures;
the ``nnlessons grade`` command runs the learner's function in its own kernel and judges
the answers here, with :mod:`~nnlessons.exercises.codec` carrying the data between them.

Exercises by lesson (points): 00 ``double`` (0, warm-up); 01 ``sigmoid`` (1),
``neuron_output`` (1); 02 ``sigmoid_derivative`` (1), ``tanh_derivative`` (1), ``relu``
(1), ``softmax`` (2); 03 ``layer_forward`` (1), ``count_params`` (1); 04 ``mse`` (1),
``center`` (1); 05 ``gender_partials`` (3), ``numerical_gradient`` (2), ``backprop`` (4);
06 ``sgd_step`` (2), ``gradient_descent`` (2), ``train_sgd`` (4); 07 ``momentum_step`` (2),
``adam_step`` (3); 08 ``split_indices`` (2), ``minibatches`` (2); 09
``polynomial_features`` (1), ``k_fold_indices`` (2); 10 ``one_hot`` (1), ``accuracy`` (1),
``confusion_matrix`` (2).

Introduced in lesson 00 (how to check an exercise). Left out: timeouts and process
isolation, which belong to the grader (:mod:`nnlessons.grading`).

Examples
--------
>>> import numpy as np
>>> def sigmoid(z):
...     return 1 / (1 + np.exp(-np.asarray(z, dtype=float)))
>>> report = check("sigmoid", sigmoid)
>>> report.passed, report.score
(True, 1.0)
>>> def sigmoid(z):
...     raise NotImplementedError
>>> report = check("sigmoid", sigmoid)
>>> report.not_done, report.score
(True, 0.0)
>>> print(report)  # doctest: +ELLIPSIS
sigmoid: not done yet: the function still raises NotImplementedError — replace that line ...
"""

from . import bank_data, bank_neurons, bank_training
from .codec import CodecError, Source, decode, dumps, encode, loads
from .core import Case, Exercise, case, describe_call, hidden, validate_bank
from .judges import ResultTypeError, as_result
from .questions import QUESTIONS, answer
from .report import CaseResult, Report
from .runner import (
    Outcome,
    call_learner,
    encode_case,
    failed_case,
    judge_encoded,
    judge_outcome,
    run_case,
    run_encoded,
)

__all__ = [
    "EXERCISES", "get_exercise", "check", "assert_passes", "grade", "QUESTIONS", "answer",
    "Exercise", "Case", "CaseResult", "Report", "Outcome", "Source",
    "run_case", "call_learner", "judge_outcome", "encode_case", "run_encoded",
    "judge_encoded", "failed_case", "encode", "decode", "dumps", "loads", "CodecError",
    "as_result", "ResultTypeError", "case", "hidden", "describe_call",
]

#: Every exercise by name, in lesson order.
EXERCISES = validate_bank(bank_neurons.EXERCISES + bank_training.EXERCISES
                          + bank_data.EXERCISES)


def get_exercise(name):
    """The :class:`Exercise` called ``name``.

    Raises
    ------
    ValueError
        For an unknown name, listing the valid ones.

    Examples
    --------
    >>> get_exercise("sigmoid").points
    1
    >>> get_exercise("sigmoidd")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: name must be one of 'double', 'sigmoid', ...; got 'sigmoidd'
    """
    if isinstance(name, Exercise):
        return name
    if not isinstance(name, str) or name not in EXERCISES:
        valid = ", ".join(repr(n) for n in EXERCISES)
        raise ValueError(f"name must be one of {valid}; got {name!r}")
    return EXERCISES[name]


def check(name, fn):
    """Check the learner's ``fn`` on the public cases of exercise ``name``.

    The report is shown at once in Jupyter (once, even when the call is the last line of
    the cell) and returned. Mistakes in ``fn`` never raise here.

    Parameters
    ----------
    name : str
        The exercise, e.g. ``"sigmoid"``.
    fn : callable
        The learner's function.

    Returns
    -------
    Report
        ``.passed``, ``.score`` (fraction of cases right) and ``.cases``.
    """
    exercise = get_exercise(name)
    report = Report(exercise.name, [run_case(exercise, c, fn) for c in exercise.cases()],
                    exercise.points)
    report.show()
    return report


def grade(name, fn, seed=0):
    """Run public and hidden cases in this process and return the :class:`Report`.

    Hidden cases are labelled by a description only and their messages never show
    inputs or expected values.
    """
    exercise = get_exercise(name)
    cases = exercise.cases(hidden=True, seed=seed)
    return Report(exercise.name, [run_case(exercise, c, fn) for c in cases], exercise.points)


def assert_passes(name, fn, seed=0):
    """Raise AssertionError unless ``fn`` passes every public and hidden case.

    Used in the hidden-test blocks of the lessons (nbgrader). The message names the
    failing cases and what is wrong, without hidden inputs or expected values.

    Examples
    --------
    >>> assert_passes("double", lambda x: 2 * x)
    >>> assert_passes("double", lambda x: x + 1)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    AssertionError: double: 5 of 5 cases failed: double(2.0): wrong value: got 3, expected 4; ...
    """
    report = grade(name, fn, seed=seed)
    if not report.passed:
        failed = report.failures()
        details = "; ".join(f"{c.label}: {c.message}" for c in failed)
        raise AssertionError(f"{report.name}: {len(failed)} of {len(report.cases)} cases "
                             f"failed: {details}")

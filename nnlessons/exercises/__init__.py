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
Every case result carries a :class:`Kind` (wrong value, wrong shape, raised, ...), set
where the result is made; a hidden case is shown only as its label and the fixed sentence
of its kind. Exercises with random answers that take ``rng`` are also called with the same
and with other seeds, so an answer that ignores its rng fails.

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
from .judges import Failure, ResultTypeError, as_result
from .questions import QUESTIONS, answer
from .report import CaseResult, Kind, Report, hidden_sentence
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
    "Exercise", "Case", "CaseResult", "Report", "Kind", "hidden_sentence", "Failure",
    "Outcome", "Source",
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
    ValueError: name must be one of 'double', ...; got 'sigmoidd' (did you mean 'sigmoid'?)
    """
    if isinstance(name, Exercise):
        return name
    if not isinstance(name, str) or name not in EXERCISES:
        valid = ", ".join(repr(n) for n in EXERCISES)
        raise ValueError(f"name must be one of {valid}; got {name!r}{_did_you_mean(name)}")
    return EXERCISES[name]


def _did_you_mean(name):
    """`` (did you mean 'sigmoid'?)`` for a misspelt exercise name, else ``""``."""
    if not isinstance(name, str):
        return ""
    import difflib

    lowered = {n.lower(): n for n in EXERCISES}
    close = difflib.get_close_matches(name.strip().lower().replace(" ", "_").replace("-", "_"),
                                      lowered, n=1, cutoff=0.6)
    return f" (did you mean {lowered[close[0]]!r}?)" if close else ""


def _unknown(name, fn):
    """The report of ``check`` called with something that is not an exercise name."""
    if isinstance(name, str):
        problem = (f"there is no exercise called {name!r}{_did_you_mean(name)}; the exercises "
                   "are listed in nl.exercises.EXERCISES")
        return Report(name, [], 0, problem=problem)
    fn_name = fn if isinstance(fn, str) else getattr(name, "__name__", "sigmoid")
    return Report(str(getattr(name, "__name__", type(name).__name__)), [], 0,
                  problem="nl.check takes the exercise's name first, then your function: "
                          f'nl.check("{fn_name}", {fn_name})')


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
        ``.passed``, ``.score`` (fraction of cases right) and ``.cases``. An unknown
        exercise name gives a report with no cases that says so (and suggests the
        closest name).

    Examples
    --------
    >>> print(check("sigmod", lambda z: z))  # doctest: +ELLIPSIS
    sigmod: there is no exercise called 'sigmod' (did you mean 'sigmoid'?); the exercises ...
    """
    if isinstance(name, Exercise) or (isinstance(name, str) and name in EXERCISES):
        exercise = get_exercise(name)
        cases = [run_case(exercise, c, fn, watch=True) for c in exercise.cases()]
        report = Report(exercise.name, cases, exercise.points)
    else:
        report = _unknown(name, fn)
    report.show()
    return report


def grade(name, fn, seed=0):
    """Run public and hidden cases in this process and return the :class:`Report`.

    Hidden cases are labelled by a description only; printed, they show only the
    sentence of their kind (:func:`hidden_sentence`).
    """
    exercise = get_exercise(name)
    cases = exercise.cases(hidden=True, seed=seed)
    return Report(exercise.name, [run_case(exercise, c, fn) for c in cases], exercise.points)


def assert_passes(name, fn, seed=0):
    """Raise AssertionError unless ``fn`` passes every public and hidden case.

    Used in the hidden-test blocks of the lessons (nbgrader). The message names the
    failing cases and what is wrong; for hidden cases only the sentence of the failure's
    kind, so nothing the learner's code controls is shown.

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
        details = "; ".join(f"{c.label}: {c.shown}" for c in failed)
        raise AssertionError(f"{report.name}: {len(failed)} of {len(report.cases)} cases "
                             f"failed: {details}")

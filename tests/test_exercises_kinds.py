"""Failure kinds: set where a result is made, carried across processes, and the only thing a
learner sees of a hidden case."""

import ast
import json
from pathlib import Path

import numpy as np
import pytest

from nnlessons.exercises import (
    EXERCISES,
    CaseResult,
    Exercise,
    Kind,
    Report,
    assert_passes,
    case,
    get_exercise,
    hidden_sentence,
)
from nnlessons.exercises.judges import Failure, Numbers
from nnlessons.exercises.report import HIDDEN_SENTENCES
from nnlessons.exercises.runner import (
    Outcome,
    encode_case,
    failed_case,
    judge_encoded,
    judge_outcome,
    run_case,
    run_encoded,
)
from nnlessons.grading.report import case_lines, feedback_html, feedback_markdown, hidden_reason


def _both_ways(exercise, case_, fn):
    """The learner's ``fn`` judged in this process and through the JSON codec."""
    here = run_case(exercise, case_, fn)
    there = judge_encoded(exercise, case_, run_encoded(fn, encode_case(exercise, case_)))
    return here, there


# --- the kinds and their sentences -------------------------------------------------------

def test_every_kind_has_one_fixed_sentence():
    assert set(HIDDEN_SENTENCES) == set(Kind)
    sentences = list(HIDDEN_SENTENCES.values())
    assert len(set(sentences)) == len(sentences)
    for sentence in sentences:
        assert "{" not in sentence and "\n" not in sentence and len(sentence) < 70
    assert hidden_sentence(Kind.RAISED) == "raised an exception"
    assert hidden_sentence("no_return") == "returned None: did you forget `return`?"
    assert hidden_sentence("raised ValueError") == hidden_sentence(Kind.WRONG)
    assert hidden_sentence(None) == hidden_sentence(Kind.WRONG)


def test_hidden_reason_is_a_function_of_the_kind_only():
    for kind in Kind:
        assert hidden_reason(kind) == hidden_reason(kind.value) == HIDDEN_SENTENCES[kind]
    assert hidden_reason("raised ZeroDivisionError: LEAKED 0.123") == "wrong answer"


def test_case_result_kind_defaults_and_must_agree_with_passed():
    assert CaseResult("a", True, "is right").kind is Kind.RIGHT
    assert CaseResult("a", False, "no").kind is Kind.WRONG
    assert CaseResult("a", False, "x", "timeout").kind is Kind.TIMEOUT
    assert CaseResult("a", False, "x", Kind.NOT_DONE).not_done
    with pytest.raises(ValueError, match="kind must be one of 'right', .*got 'oops'"):
        CaseResult("a", False, "x", "oops")
    with pytest.raises(ValueError, match="does not agree with passed"):
        CaseResult("a", True, "x", Kind.WRONG_VALUE)
    with pytest.raises(ValueError, match="does not agree with passed"):
        CaseResult("a", False, "x", Kind.RIGHT)


def test_a_hidden_case_prints_only_its_kinds_sentence():
    result = CaseResult("hidden case 1 (x)", False, "raised KeyError: 0.123 (line 2 ...)",
                        Kind.RAISED, public=False)
    assert str(result) == "✗ hidden case 1 (x): raised an exception"
    assert result.shown == "raised an exception"
    public = CaseResult("f(1.0)", False, "raised KeyError: 'a'", Kind.RAISED)
    assert str(public) == "✗ f(1.0): raised KeyError: 'a'"


# --- each kind is set where the result is made -------------------------------------------

def _center_in_place(X):
    X -= X.mean(axis=0)
    return X


def _raise(error):
    def fn(*args, **kwargs):
        raise error
    return fn


KINDS = [
    ("double", lambda x: 2 * x, Kind.RIGHT),
    ("double", lambda x: 2 * x + 1, Kind.WRONG_VALUE),
    ("sigmoid", lambda z: np.reshape(z, (1, -1)), Kind.WRONG_SHAPE),
    ("neuron_output", lambda w, b, x: [0.5], Kind.WRONG_SHAPE),
    ("sigmoid", lambda z: "0.5", Kind.WRONG_TYPE),
    ("sigmoid", lambda z: {"z": 1.0}, Kind.WRONG_TYPE),
    ("count_params", lambda sizes: 1.0, Kind.WRONG_TYPE),
    ("momentum_step", lambda *a: np.zeros(2), Kind.WRONG_TYPE),
    ("momentum_step", lambda *a: (np.zeros(2),), Kind.WRONG_SHAPE),
    ("sigmoid", lambda z: None, Kind.NO_RETURN),
    ("sigmoid", lambda z: 1 / 0, Kind.RAISED),
    ("sigmoid", _raise(SystemExit(3)), Kind.RAISED),
    ("sigmoid", _raise(MemoryError()), Kind.MEMORY),
    ("sigmoid", _raise(NotImplementedError()), Kind.NOT_DONE),
    ("center", _center_in_place, Kind.CHANGED_INPUT),
    ("sigmoid", 42, Kind.NOT_CALLABLE),
    ("split_indices", lambda n, v, t, rng: (np.arange(n)[::-1][round(n * v) + round(n * t):],
                                            np.arange(n)[::-1][:round(n * v)],
                                            np.arange(n)[::-1][round(n * v):round(n * v)
                                                               + round(n * t)]),
     Kind.IGNORES_RNG),
]


@pytest.mark.parametrize("name, fn, kind", KINDS)
def test_each_result_carries_its_kind_in_process_and_across_processes(name, fn, kind):
    exercise = EXERCISES[name]
    for case_ in exercise.cases(hidden=True, seed=4)[-2:]:      # public or hidden, same kind
        here, there = _both_ways(exercise, case_, fn)
        assert here.kind is kind and there.kind is kind, (here, there)
        assert here.passed == there.passed == (kind is Kind.RIGHT)
        assert here.public == there.public == case_.public


def test_failures_found_outside_the_function_carry_the_kind_given():
    case_ = get_exercise("double").cases(hidden=True)[-1]
    for kind in (Kind.TIMEOUT, Kind.KERNEL_DIED, Kind.MEMORY, Kind.MISSING, Kind.FORBIDDEN,
                 Kind.UNREADABLE, Kind.NOT_GRADED):
        result = failed_case(case_, "stopped after 60 s", kind)
        assert result.kind is kind and not result.passed and not result.public
        assert str(result).endswith(": " + HIDDEN_SENTENCES[kind])
    assert failed_case(case_, "x").kind is Kind.NOT_GRADED


def test_a_judge_that_returns_plain_text_gives_the_generic_kind():
    exercise = Exercise("double", "00_start_here", 0, "double(x)", lambda x: 2 * x,
                        public_cases=(case(1.0),), hidden_cases=lambda rng: [],
                        compare=lambda expected, got, reveal: "not what I wanted")
    result = run_case(exercise, exercise.cases()[0], lambda x: x)
    assert result.kind is Kind.WRONG and result.message.startswith("not what I wanted")


def test_a_judge_that_crashes_fails_the_case_without_raising():
    def broken(expected, got, reveal):
        raise IndexError("judge bug")

    exercise = Exercise("double", "00_start_here", 0, "double(x)", lambda x: 2 * x,
                        public_cases=(case(1.0),), hidden_cases=lambda rng: [], compare=broken)
    result = run_case(exercise, exercise.cases()[0], lambda x: x)
    assert result.kind is Kind.UNREADABLE and "could not be judged (IndexError)" in result.message


def test_the_forbidden_outcome_has_its_kind():
    case_ = get_exercise("sigmoid").cases()[0]
    result = judge_outcome(get_exercise("sigmoid"), case_, Outcome("forbidden"))
    assert result.kind is Kind.FORBIDDEN and "package's own implementation" in result.message


def test_judges_tag_their_messages():
    judge = Numbers(integer=True)
    assert judge(np.array(3), np.array(3.0), True).kind is Kind.WRONG_TYPE
    assert judge(np.array([3, 4]), np.array([3]), True).kind is Kind.WRONG_SHAPE
    assert judge(np.array([3, 4]), np.array([3, 5]), True).kind is Kind.WRONG_VALUE
    assert isinstance(judge(np.array([3, 4]), np.array([3, 5]), False), Failure)


# --- nothing the learner controls reaches hidden-case feedback ---------------------------

class Leak(Exception):
    pass


LEAKY = [
    _raise(ValueError("LEAK-1")), _raise(KeyError("LEAK-2")), _raise(ZeroDivisionError()),
    _raise(Leak("LEAK-3")), _raise(RecursionError("LEAK-4")), _raise(AssertionError("LEAK")),
]


def _hidden_lines(report):
    return [text for _, text in case_lines(report) if text.startswith("hidden case")]


def test_which_exception_a_hidden_case_raised_is_never_told():
    exercise = get_exercise("sigmoid")
    cases = exercise.cases(hidden=True, seed=9)
    seen = set()
    for fn in LEAKY:
        results = [judge_encoded(exercise, c, run_encoded(fn, encode_case(exercise, c)))
                   for c in cases]
        report = Report("sigmoid", results, 1)
        lines = _hidden_lines(report)
        assert lines and all(line.endswith(": raised an exception") for line in lines)
        seen.add(tuple(lines))
        for text in (feedback_markdown(_grade(report)), feedback_html(_grade(report))):
            hidden_part = [t for t in text.splitlines() if "hidden case" in t]
            assert hidden_part and not any("LEAK" in t or "Error" in t for t in hidden_part)
    assert len(seen) == 1          # the same feedback whichever exception was raised


def _grade(report):
    from nnlessons.grading import SubmissionGrade

    return SubmissionGrade("ann.ipynb", "ann.ipynb", reports={report.name: report})


def test_assert_passes_shows_only_sentences_for_hidden_cases():
    def leaky(z):
        if np.size(z) == 1 and float(z) in (0.0, 7.0):
            return 1 / (1 + np.exp(-z))
        raise ValueError(f"LEAK {z!r}")

    with pytest.raises(AssertionError) as info:
        assert_passes("sigmoid", leaky)
    text = str(info.value)
    assert "hidden case 1 (a single random number): raised an exception" in text
    public, hidden_part = text.split("hidden case 1", 1)
    assert "raised ValueError: LEAK array" in public     # public cases show the message
    assert "LEAK" not in hidden_part and "ValueError" not in hidden_part


class Chatty:
    def __repr__(self):
        return "LEAK-repr"

    __str__ = __repr__


@pytest.mark.parametrize("fn", [lambda z: Chatty(), lambda z: [Chatty()],
                                lambda z: np.array([Chatty()]), lambda z: "LEAK-str"])
def test_returned_objects_never_reach_hidden_feedback(fn):
    exercise = get_exercise("sigmoid")
    results = [judge_encoded(exercise, c, run_encoded(fn, encode_case(exercise, c)))
               for c in exercise.cases(hidden=True, seed=2)]
    lines = _hidden_lines(Report("sigmoid", results, 1))
    assert lines and all(line.endswith(": wrong type of answer") for line in lines)


@pytest.mark.parametrize("forged", [
    {"status": "error", "error": "LEAK_0_123", "message": "LEAK", "where": "LEAK"},
    {"status": "error", "error": "MemoryError", "message": "LEAK"},
    {"status": "bad_type", "message": "LEAK"},
    {"status": "ok", "value": 0.5, "kind": "right", "mutated": ["LEAK"]},
    {"status": "LEAK"},
])
def test_a_forged_reply_only_chooses_among_the_graders_sentences(forged):
    exercise = get_exercise("sigmoid")
    secret = exercise.cases(hidden=True)[-1]
    result = judge_encoded(exercise, secret, json.dumps(forged))
    assert not result.passed
    line = _hidden_lines(Report("sigmoid", [result], 1))[0]
    assert "LEAK" not in line
    assert line.split(": ", 1)[1] in HIDDEN_SENTENCES.values()


def test_the_kernel_side_modules_are_self_contained():
    """codec, judges, report and runner run in the grading kernel without the package."""
    folder = Path(__file__).resolve().parent.parent / "nnlessons" / "exercises"
    kernel_side = {"codec", "judges", "report", "runner"}
    for name in kernel_side:
        tree = ast.parse((folder / f"{name}.py").read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level:
                assert node.level == 1 and node.module in kernel_side, (name, node.module)
            if isinstance(node, ast.ImportFrom) and not node.level:
                assert node.module.split(".")[0] != "nnlessons", (name, node.module)

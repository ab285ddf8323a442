"""Tests for nnlessons.exercises.questions: answers checked without showing them."""

import nbformat
import pytest

from nnlessons.exercises import questions
from nnlessons.exercises.cells import student_cell
from nnlessons.exercises.questions import Question, answer, digest, normal_form


def make(kind, value, decimals=0):
    return Question("99.test", kind, digest("99.test", kind, value, decimals), decimals,
                    explanation="because.")


@pytest.mark.parametrize("kind, right, also_right, wrong, decimals", [
    ("choice", "b", " B ", "c", 0),
    ("number", 0.25, 0.2501, 0.26, 2),
    ("number", 11935, "11935", 11936, 0),
    ("text", "vanishing gradients", "Vanishing  Gradients", "exploding gradients", 0),
])
def test_right_and_wrong_answers(kind, right, also_right, wrong, decimals):
    q = make(kind, right, decimals)
    assert q.check(right).right and q.check(also_right).right
    verdict = q.check(wrong)
    assert verdict.answered and not verdict.right
    assert verdict.message == q.nudge


def test_unanswered_and_malformed_answers_never_raise():
    q = make("number", 3)
    assert not q.check(None).answered
    assert "not answered yet" in str(q.check(None))
    for bad in ("abc", True, float("nan"), [1, 2], object()):
        verdict = q.check(bad)
        assert not verdict.right and "should be a number" in verdict.message


def test_the_registry_stores_no_plain_answers():
    for qid, q in questions.QUESTIONS.items():
        assert qid == q.qid and q.kind in questions.KINDS
        digests = q.digests if isinstance(q.digests, tuple) else (q.digests,)
        assert all(len(d) == 64 and int(d, 16) >= 0 for d in digests)


def test_unknown_question_suggests_a_close_id(monkeypatch):
    monkeypatch.setitem(questions.QUESTIONS, "01.bias", make("choice", "a"))
    verdict = answer("01.bais", "a")
    assert not verdict.right and "did you mean '01.bias'" in verdict.message


def test_normal_form_has_no_negative_zero():
    assert normal_form("number", -0.0001, 2) == "0.00"


def test_learner_copy_of_a_question_cell_says_answer_none():
    cell = nbformat.v4.new_code_cell('### BEGIN SOLUTION\nanswer = "b"\n### END SOLUTION\n'
                                     'nl.answer("01.bias", answer)')
    assert student_cell(cell).source == 'answer = None\nnl.answer("01.bias", answer)'

"""Questions a learner answers in the lessons, checked without showing the answer.

Each lesson asks *predict, then run* questions before a cell ("what will this print?") and
a few end-of-lesson questions. A question cell in a lesson reads::

    ### BEGIN SOLUTION
    answer = "b"
    ### END SOLUTION
    nl.answer("01.bias", answer)

and the learner's copy has ``answer = None`` in place of the solution block. The right
answers are stored here only as salted SHA-256 digests of their normal form, so reading
this module does not give them away; a right answer shows a short explanation, a wrong one
a nudge, and ``None`` says "not answered yet". Nothing here raises on a learner's answer.

Answers are one of three kinds:

- ``"choice"``: a letter such as ``"b"`` (case and spaces ignored);
- ``"number"``: compared after rounding to ``decimals`` places (``decimals=2``: 0.247 and
  0.2501 are both 0.25);
- ``"text"``: a short word or phrase, compared in lower case with spaces squeezed.

Introduced in lesson 00. Left out: grading (questions carry no points).

Examples
--------
>>> q = Question("00.demo", "number", digest("00.demo", "number", 4, decimals=0),
...              decimals=0, explanation="2 + 2 is 4.")
>>> q.check(4.2).right, q.check(5).right, q.check(None).answered
(True, False, False)
>>> print(q.check(4.0))
00.demo: right. 2 + 2 is 4.
"""

import hashlib
import math
import numbers
from dataclasses import dataclass

__all__ = ["Question", "Verdict", "QUESTIONS", "answer", "digest", "normal_form"]

KINDS = ("choice", "number", "text")


def normal_form(kind, value, decimals=0):
    """The text an answer is compared as, or None when it cannot be that kind.

    Examples
    --------
    >>> normal_form("choice", " B "), normal_form("number", 0.2147, 3)
    ('b', '0.215')
    >>> normal_form("text", "  Vanishing   Gradients "), normal_form("number", "abc")
    ('vanishing gradients', None)
    """
    if kind == "number":
        if isinstance(value, bool):
            return None
        if isinstance(value, str):
            try:
                value = float(value)
            except ValueError:
                return None
        if not isinstance(value, numbers.Real) or not math.isfinite(float(value)):
            return None
        text = f"{round(float(value), decimals):.{decimals}f}"
        return "0" + text[2:] if text.startswith("-0") and float(text) == 0 else text
    if not isinstance(value, str):
        return None
    text = " ".join(value.lower().split())
    return text or None


def digest(qid, kind, value, decimals=0):
    """The stored form of a right answer: sha256 of ``"qid|normal form"``, in hex."""
    text = normal_form(kind, value, decimals)
    if text is None:
        raise ValueError(f"value must be a valid {kind} answer, got {value!r}")
    return hashlib.sha256(f"{qid}|{text}".encode()).hexdigest()


@dataclass(frozen=True)
class Verdict:
    """What ``nl.answer`` says: whether the answer was given and whether it is right."""

    qid: str
    answered: bool
    right: bool
    message: str

    def __str__(self):
        return f"{self.qid}: {self.message}"

    def _repr_html_(self):
        colour = "#1a7f37" if self.right else ("#9a6700" if not self.answered else "#cf222e")
        import html
        return (f'<div style="color:{colour}"><b>{html.escape(self.qid)}</b>: '
                f"{html.escape(self.message)}</div>")


@dataclass(frozen=True)
class Question:
    """One question: its id ("NN.word"), kind, the digest(s) of right answers, feedback.

    ``digests`` may be one digest or a tuple of them (several right answers).
    """

    qid: str
    kind: str
    digests: object
    decimals: int = 0
    explanation: str = ""
    nudge: str = "not quite: look again at the cell above and try once more."

    def check(self, value):
        """The :class:`Verdict` on ``value`` (never raises)."""
        if value is None or value is Ellipsis:
            return Verdict(self.qid, False, False,
                           "not answered yet: replace None with your answer.")
        text = normal_form(self.kind, value, self.decimals)
        if text is None:
            expected = {"choice": "a letter such as 'b'", "number": "a number",
                        "text": "a short text"}[self.kind]
            return Verdict(self.qid, True, False,
                           f"the answer should be {expected}, got {value!r}.")
        wanted = self.digests if isinstance(self.digests, tuple) else (self.digests,)
        got = hashlib.sha256(f"{self.qid}|{text}".encode()).hexdigest()
        if got in wanted:
            return Verdict(self.qid, True, True, f"right. {self.explanation}".strip())
        return Verdict(self.qid, True, False, self.nudge)


def _q(qid, kind, digests, decimals=0, explanation="", nudge=None):
    extra = {"nudge": nudge} if nudge else {}
    return Question(qid, kind, digests, decimals, explanation, **extra)


# The registry. Add a question with its digest, made by
# ``python -c 'from nnlessons.exercises.questions import digest; print(digest(ID, KIND, VALUE))'``.
_QUESTIONS = [
    # --- lessons 00-04 ---
    # --- lessons 05-07 ---
    # --- lessons 08-10 ---
]

#: Every question by id.
QUESTIONS = {q.qid: q for q in _QUESTIONS}


def answer(qid, value):
    """Check the learner's answer to question ``qid`` and return the :class:`Verdict`.

    As the last line of a cell the verdict shows itself; it never raises.

    Parameters
    ----------
    qid : str
        The question's id as the lesson gives it, e.g. ``"01.bias"``.
    value : str, number or None
        The learner's answer; ``None`` means not answered yet.
    """
    if qid not in QUESTIONS:
        import difflib
        close = difflib.get_close_matches(str(qid), QUESTIONS, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        verdict = Verdict(str(qid), False, False, f"there is no question {qid!r}{hint}")
    else:
        verdict = QUESTIONS[qid].check(value)
    return verdict

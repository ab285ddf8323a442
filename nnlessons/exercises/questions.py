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
    _q("08.updates", "number",
       "6d44fe1c1591f81fdc6230bfd0641ccc69f9f6eb528c3b243fbfa5f2ad974414",
       explanation='200 / 32 = 6.25, and the last, smaller batch is an update too: '
                   'ceil(200 / 32) = 7.',
       nudge='count the batches: 6 full batches of 32 make 192 samples, and the 8 '
             'left over form one more.'),
    _q("08.rate", "choice",
       "8d0208aaa5af3e9798925eaee422ed79dfc10150e19aba5413e0657752e3d817",
       explanation='η = 1 ends lowest; 0.01 and 0.1 are still crawling downhill after 60 '
                   'epochs, and 10 overshoots.'),
    _q("08.choose", "choice",
       "785e2c1f8592f42f066d238a7001684758e3f23020bf8e1413fca4cb0947d82a",
       explanation='Hyperparameters are compared on validation data; the test set is kept '
                   'for one final report.',
       nudge='the training loss rewards whatever fits the training data, and the '
             'test set must stay unseen until the end.'),
    _q("08.total_updates", "number",
       "56b342fa0d80b12c7431883e0b50b5625fcab331bafea00b992f0a282ea63ff2",
       explanation='1,000 / 100 = 10 updates per epoch, times 10 epochs.'),
    _q("09.degree", "choice",
       "c7619fa34a7daf67834638b44aee2d2fb94ba128bddd38b1b15a58aee4ad2ebe",
       explanation='Degree 15 has the smallest training error: it bends through the '
                   'points, noise included.'),
    _q("09.width", "choice",
       "dfb276923c784f771ca34d488ad698249d2ae7b5949a2bc1029f3d7d36ff95be",
       explanation='Eight units: one or two underfit, and from 16 units on the validation '
                   'loss is more than twice as high.'),
    _q("09.cause", "choice",
       "560abb78c6b68c55d98e793976c59d264f55044049adf5298583aca8cfd666b1",
       explanation='Few examples leave a flexible model free to fit their noise: that is '
                   'overfitting. More data is the surest cure.',
       nudge='look at section 6: what did 300 samples do to the degree-15 polynomial'
             ' that 30 could not?'),
    _q("09.diagnose", "choice",
       "c5c49e7f0b7f15dd8e4872177fb1142d109d9a90d262e6ee7e5d82bcd5d4af72",
       explanation='Low training loss with a much higher validation loss is the signature '
                   'of overfitting.'),
    _q("09.pytorch_decay", "choice",
       "2e210f11b387b5f0fa0d19a28afc59cacd7040c47d321343b0787b3f4d7f4238",
       explanation='model.parameters() includes the biases, and the optimizer decays every'
                   ' parameter it is given; put the biases in their own parameter group '
                   'with weight_decay=0 to spare them.'),
    _q("10.rate", "choice",
       "9d65687a77e870839db418c8e93dc6037c763ae8405356382894ad4edd32a3dd",
       explanation="A's error signal is multiplied by 2/10 and by σ'(z) ≤ 1/4, so the same"
                   ' η moves it far less: it needs a larger η.'),
    _q("10.initial_loss", "number",
       "6e03eb09d76fc54f6e23f11832a5f9bf7618bdeb1f5849555a6fa95805ed9bbb", decimals=2,
       explanation='Ten outputs near 1/10 give -log(1/10) = ln 10 ≈ 2.30 for every image.',
       nudge='with all ten probabilities near 1/10, what is -log of the one given to'
             ' the right digit?'),
    _q("10.saturated", "choice",
       "9ba1332f9544e94b6ccb673a4b14ed92f7e13e4a015ed2ba2372f76bbfb7db4b",
       explanation="The neuron started at 0.98 sits where σ' is tiny, so its MSE gradient "
                   'is tiny too, however wrong the output is.'),
    _q("10.params", "number",
       "abc77f87bcfbc8466ceaf540317b4f30bf5b06425ff82df8dabb47c4acdf79de",
       explanation='784·30 + 30 weights and biases into the hidden layer, 30·10 + 10 into '
                   'the output: 23,520 + 30 + 300 + 10 = 23,860.',
       nudge='count weights (n_in · n_out) and biases (n_out) for each of the two '
             'layers.'),
    _q("10.test_once", "choice",
       "865b457349d23c380c83b3ec06ee56b1a32882b383d39503a3025772c557b05b",
       explanation='Picking the best of many settings by test accuracy turns the test set '
                   'into a validation set: the number it gives is now optimistic. Choose '
                   'on validation data, then look at the test set once.',
       nudge='the test set measures new data only as long as no choice was made by '
             'looking at it.'),
    _q("10.init_relu", "choice",
       "0bc018ad21406584f3a94b9130bd3cb4efd768fa6c373934b3dc192622c6190f",
       explanation='He initialisation, N(0, 2/n_in): the factor 2 makes up for the half of'
                   ' its inputs that a ReLU sets to zero.'),
    _q("10.transpose", "choice",
       "d06dd6ca71d0fdf575890a9439c54dca6749dc86b8e8a61751b94471b875466a",
       explanation='nn.Linear stores one row per output neuron: weight has shape '
                   '(out_features, in_features), the transpose of our W.'),
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

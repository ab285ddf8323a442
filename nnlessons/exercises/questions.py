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
    _q("00.wrong", "number",
       "a890e400b03e054a3d604179ffded18d98bdcf76243fc29233521f9aa172025e",
       explanation=('x + 2 = 2x only when x = 2: any other input shows the mistake, as the '
                    "check's report says.")),
    _q("00.kernel", "choice",
       "115b3fd12f73756c3511f9b36bc271e06a43b16d916e884617ba1cf096c5663f",
       explanation=('restarting the kernel forgets every variable; run the cell that defines x '
                    'again.')),
    _q("00.folder", "choice",
       "749440c907b04b889b10a2364a6f1855810cb69016a2190ef6eaf1c18be65689",
       explanation=('notebooks/ is yours; solutions/ holds the worked answers to compare with '
                    'after an honest try.')),
    _q("01.batch", "choice",
       "0537d5763c6e1b1bb955786665e52460121ba6d9866eaf9399af7718544c32c8",
       explanation=('one product hands all the work to compiled code at once; the loop goes back '
                    'to Python for every example. GPUs push the same idea further, computing the '
                    'entries in parallel.'),
       nudge='the arithmetic is the same, but how often does each version go back to Python?'),
    _q("01.half", "number",
       "4470e0b1ce1ce9b1d1e86e7ca3962ff5f6e2a22d318995cddef3b757f61f24f5", decimals=2,
       explanation='w . x + b = 0*2 + 1*(-4) + 4 = 0, and sigmoid(0) = 0.5, whatever x1 is.',
       nudge='compute z = w . x + b first: w1 = 0, w2 = 1, b = 4.'),
    _q("01.bias", "choice",
       "24d858b9b8ef586794197c86a626ccc1942c8c470af555614211d78ac003212a",
       explanation=('changing b shifts the line w . x + b = 0 parallel to itself; the weights set'
                    ' its direction.')),
    _q("01.sign", "choice",
       "ea1d67ba02b865a0a82644e341727aa1f1493eb966940b5a9618d0e79d45452a",
       explanation='z = 1*3 + (-1)*5 + 0 = -2 < 0, so sigmoid(z) is about 0.12, below one half.',
       nudge='compute z = w . x + b and remember sigmoid(0) = 1/2.'),
    _q("01.supervised", "choice",
       "efb5ac2bf9ce0b8085112fe15e90ad41373b9408413949e0c35df6bb2e618831",
       explanation=('each image comes with its label, the right answer: that is what makes '
                    'learning supervised.')),
    _q("02.vanish", "choice",
       "26cf077fdd9dbbdb4421fa7b3276311bd49a56dc7b0d1aeef211a4f550299104",
       explanation=('0.25 ** 10 is about 9.5e-07: the gradient bound shrinks by a factor 4 per '
                    'layer.'),
       nudge='multiply 0.25 by itself: 0.25 ** 2 = 0.0625, 0.25 ** 5 is about 0.001 ...'),
    _q("02.saturated", "choice",
       "c3e250a09571096eee6b6768d701116d745e73acc2ccfad35d076af8b2672e99",
       explanation=('with 784 inputs, z has variance sum(x_i^2) + 1, about 135 on these images: '
                    '|z| is typically around 8, far out in the flat tails.'),
       nudge=('the variance of z grows with the number of inputs: how large is 784 times a '
              'typical x_i^2?')),
    _q("02.relu_slope", "number",
       "3c16cb8bbcb3695f44aec0b602d6da824889a9fd78dc55b0e79a737d5af93ffb",
       explanation=('for z > 0, ReLU(z) = z, whose slope is 1 however large z is: no saturation '
                    'on that side.')),
    _q("02.centred", "choice",
       "27d6f412156ccf0a041c53a2d082c2376d7e446e30574e3c21c184cd293b84a2",
       explanation=('tanh is odd, tanh(-z) = -tanh(z), so its outputs average zero on inputs '
                    'centred on zero; ReLU and leaky ReLU outputs are nearly all positive.')),
    _q("02.init", "choice",
       "031775821f7b58ca070dbe15118509e63b8dc7d88d7c8093cef32a301d46ad76",
       explanation=('He initialisation, N(0, 2 / n_in), is scaled for ReLU, which zeroes about '
                    'half of its inputs.')),
    _q("03.origin", "number",
       "5420887f2a51d8536f095b4eb3504ea6dc0578030a7e70e0c8bf6b6642c4f6b4", decimals=2,
       explanation=('h1 = h2 = sigmoid(0) = 0.5, so o1 = sigmoid(0 * 0.5 + 1 * 0.5 + 0) = '
                    'sigmoid(0.5), about 0.6225.'),
       nudge='first the hidden layer: w . x + b = 0 for x = [0, 0].'),
    _q("03.range", "choice",
       "efb90beda5a60594c0fecac77690c2979f7ececf039909a4b9f1e0109436ba94",
       explanation=('a sigmoid squeezes its output into (0, 1), but weights, biases and z are '
                    'unbounded real numbers.')),
    _q("03.count", "number",
       "e0349705b36b2153b51802c9eed75a0b29b7ec8ee56cf8ecb0f204487fb6934b",
       explanation=('3 * 4 + 4 = 16 for the hidden layer, 4 * 2 + 2 = 10 for the output layer: '
                    '26.'),
       nudge='each layer has n_in * n_out weights and n_out biases.'),
    _q("03.linear", "choice",
       "49d452e0f2560a2894103806b556b844d1ae2f2e8f8efdee02822b35edb03ddf",
       explanation='a product of linear maps is linear: the five layers collapse into one.'),
    _q("03.regression", "choice",
       "059ebec0553c5a21bc802aba1285b9f89d9fb525fd98a8c2aced48977c7e9275",
       explanation=('a price can be any number; sigmoid and softmax outputs are stuck between 0 '
                    'and 1.')),
    _q("04.two_outputs", "number",
       "5fbbb5fe6f48e7965f3e14f34e50e50d24ab3ea5f06cc5cab9167de90bee926e", decimals=2,
       explanation=('one squared error of 1 among 4 entries: 1 / 4 = 0.25. Summing over outputs '
                    'first would give 1 / 2.'),
       nudge='the plain mean divides the sum of squared errors by the number of entries.'),
    _q("04.untrained", "choice",
       "a5e2f099a8b1cc0efcb5eddf48db20c7eb822b6720df2fccc8ddec415ad565f8",
       explanation=('its MSE is about 0.507: random-looking outputs near 0.5 to 0.9 are no better'
                    ' than a constant guess.')),
    _q("04.pair", "number",
       "77288253d5af42cd71d0e9e2e4b7ac31c71fb1a9b3d2a66c7066025b8b255d52", decimals=2,
       explanation='each error is 0.5, squared 0.25, and the mean of 0.25 and 0.25 is 0.25.'),
    _q("04.centred", "number",
       "898eb09c420ebea5f5539b2bcfe3c3dd20c07730a9095db4703bf15dbab24549",
       explanation="subtracting a column's mean leaves a column whose mean is exactly zero."),
    _q("04.halved", "choice",
       "e1401ec853ea92ca92f329cb4cd31f95845d0d793bdb188a695de39edcaf4bd3",
       explanation=('halving a function keeps its minimum in the same place; only its slope, the '
                    'gradient, halves.')),
    # --- lessons 05-07 ---
    _q("05.sign", "choice", "f1ecec56765726c0b7e18acbe9e45957a9cbfe38937166e1a16cca9c3f169979",
       explanation=("Raising b3 raises y_pred towards Alice's label 1, which lowers her loss; so "
                    "dL/db3 is negative (-0.2376)."),
       nudge=("Raising b3 raises the output y_pred. Alice's label is 1: does a larger y_pred make"
              " her loss larger or smaller?")),
    _q("05.shapes", "choice", "ae390e3ada1488a331a39bc6ba1ca52299add3d49b4e42937191092a46e864d7",
       explanation=("dW[l] always has the shape of weights[l], (n_in, n_out): (3, 4), (4, 4), (4,"
                    " 2), whatever the batch size."),
       nudge=("A gradient has the shape of the parameter it belongs to.")),
    _q("05.slope0", "number", "554b6cbd706a19d4164c7ef288182c4f2efcdb81108956aa474a0b24791876a9",
       decimals=2,
       explanation=("f(0) = 0.5, so f'(0) = 0.5 * (1 - 0.5) = 0.25: the sigmoid's steepest slope."),
       nudge=("Use f'(z) = f(z)(1 - f(z)) with f(0) = 0.5.")),
    _q("05.eps", "choice", "5bf20c85839ba900700e1a6483350abe861a91ad40e957f8daef98d291244ffa",
       explanation=("With eps = 1e-12 the two losses agree in almost all their digits; the "
                    "rounding error, about 1e-16 / eps, swamps the difference."),
       nudge=("Look again at the error curve against eps above: what happens on its left side?")),
    _q("05.delta", "choice", "5b7c617690f403e74953393d3391e43eb8e09647bf31b6736feceef65d350148",
       explanation=("Delta holds one delta per example and neuron of the layer: (n_samples, "
                    "n_out) = (8, 5)."),
       nudge=("Delta = dL/dZ has the shape of Z = A W + b.")),
    _q("06.w1step", "number", "c7720b01c29bc519f061d33b4dccee562c76fea107015a8ef5ae2f4df2c89690",
       decimals=5,
       explanation=("w1 - eta * dL/dw1 = 1 - 0.1 * 0.0215 = 0.99785: a small step down, as the "
                    "positive derivative says."),
       nudge=("Apply w1 <- w1 - eta * dL/dw1 with the numbers of the cell above.")),
    _q("06.fullbatch", "choice", "b0ac0e81e944c01a02d0c01c2619610d7bc0c885b410aadccc34be05bf7e8523",
       explanation=("With all rows in one batch every step averages the same four gradients, in "
                    "whatever order: the shuffle changes nothing (beyond rounding in the last "
                    "digits)."),
       nudge=("With batch_size equal to the number of rows, what is left for the order "
              "to change?")),
    _q("06.rate", "choice", "5ac49232e6cea99b2f44af2dccdd747b2b37b9918af05af361e8a19182c4832c",
       explanation=("eta = 50 throws the sigmoids into saturation at once: the network answers 0 "
                    "for everyone and stays stuck at the loss 0.5."),
       nudge=("A huge step can do worse than a slow one: think of the sigmoid's flat ends (lesson"
              " 02).")),
    _q("06.steps", "number", "28bb736ae4b2a719b9c6dfccea482b2d0ddf94c7eb25f00de03262d53892b3e3",
       explanation=("1000 / 32 = 31.25: 31 full batches and one last batch of 8 rows, so 32 "
                    "steps."),
       nudge=("Count the full batches of 32 and do not forget the rows left over.")),
    _q("06.square", "choice", "d6e3db78ec8453b6e60153745bb0f9a2c9a9689fba55de43e17269ae73d388e4",
       explanation=("The factor 1 - 2 eta is 1 - 3 = -2: each step doubles the distance and flips"
                    " its sign."),
       nudge=("Work out the factor 1 - 2 eta for eta = 1.5.")),
    _q("07.rmsstep", "number", "24dc01e0311d54979caaab6a4010c81ee677c8980c89d69b72640705b2f75c43",
       decimals=2,
       explanation=("s_1 = (1 - 0.99) g^2, so the step is 0.1 * |g| / (0.1 |g|) = 1.0: ten times "
                    "eta. Adagrad's first step is eta itself."),
       nudge=("After one step s = (1 - rho) g^2; divide g by its square root.")),
    _q("07.swings", "choice", "fbc686282d97a45ee13e76db191f163d8e534385f2c913cb123280a77336a7a0",
       explanation=("Measured below: about ten steps (under 0.01 from step 12 on), against 86 for"
                    " plain momentum."),
       nudge=("Count the swings of y in the Nesterov panel again, down to the small ones.")),
    _q("07.adam", "choice", "22dc56ff71c363c7d598434a9fce052b48ad593b4f1b9e669f48b2dcbf5bbe0f",
       explanation=("Adam divides the (bias-corrected) mean gradient by the root of its mean "
                    "square: about eta = 0.001 for both, whatever the gradient's scale."),
       nudge=("Look at the Adam step sizes printed earlier in the lesson.")),
    _q("07.limit", "number", "34e45e142f7efd2aa8ad5f121fa510ba47b0e0f350f1d09a91c9dc8e4a4d3ca4",
       decimals=1,
       explanation=("On a constant slope the velocity tends to g / (1 - mu) = 10, so the step "
                    "tends to eta * 10 = 1."),
       nudge=("The velocity v = mu v + g settles where v = g / (1 - mu).")),
    _q("07.adagrad", "choice", "fbb8c7d246ed910e7d9bb6248f1eb840e7c34ce7acb53f5883b545c4f3c9bf72",
       explanation=("Adagrad's sum of squared gradients only grows, so its steps only shrink; "
                    "RMSProp's fading average does not."),
       nudge=("Compare what Adagrad and RMSProp store: a sum or an average?")),
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

"""What an exercise is: a name, a lesson, points, a reference and cases to check against.

An :class:`Exercise` holds everything needed to check a learner's function without
running the learner's code here: the *public cases* the lesson shows (the learner's
self-check), a generator of *hidden cases* drawn from a seeded ``rng`` (for grading), the
*reference* implementation that computes the expected answers, and a *judge*. Every
case's arguments are plain data (see :mod:`nnlessons.exercises.codec`), so a grader can
send them to another process.

Introduced with the exercises of lesson 00. Left out: timeouts (the grader owns them) and
anything about displaying results (see :mod:`nnlessons.exercises.report`).

Examples
--------
>>> import numpy as np
>>> ex = Exercise("double", "00_start_here", 0, "double(x)", lambda x: 2 * x,
...               public_cases=(case(2.0),), hidden_cases=lambda rng: [
...                   hidden("random x", rng.normal(size=3))])
>>> [c.label for c in ex.cases(hidden=True, seed=0)]
['double(2.0)', 'hidden case 1 (random x)']
>>> ex.expected(ex.public_cases[0])
4.0
"""

import copy
import re
import warnings
import zlib
from dataclasses import dataclass, field, replace

import numpy as np

from .judges import Failure, Numbers, ResultTypeError, as_result
from .report import Kind

__all__ = ["Case", "Exercise", "case", "hidden", "describe_call", "signature_params"]


@dataclass(frozen=True)
class Case:
    """One call of the learner's function: arguments, a label and an optional hint.

    ``public`` cases are shown in the lesson (their label shows the arguments, and a
    wrong answer shows the expected value); hidden cases are labelled only by a short
    description and never reveal their inputs or expected values.

    A case's own ``hint`` replaces the exercise's hint only for the mistake it is about:
    ``hint_on="wrong_value"`` (the default) for any wrong value, ``"nonfinite"`` only
    when the answer holds nan or inf or the function raised OverflowError (the overflow
    hints of the large-|z| cases).

    Hidden cases draw their inputs from the seeded ``rng``, so that a table of memorised
    answers cannot pass them; ``fixed=True`` marks a deliberate exception, an edge case
    that is the same for every seed (tests check every other hidden case changes).
    """

    label: str
    args: tuple
    kwargs: dict = field(default_factory=dict)
    public: bool = True
    hint: str = None
    hint_on: str = "wrong_value"
    fixed: bool = False

    def __post_init__(self):
        if self.hint_on not in HINT_ON:
            raise ValueError(f"hint_on must be one of {', '.join(map(repr, HINT_ON))}; "
                             f"got {self.hint_on!r}")


#: When a case's own hint applies (see :class:`Case`).
HINT_ON = ("wrong_value", "nonfinite")


def case(*args, label=None, hint=None, hint_on="wrong_value", **kwargs):
    """A public case; its label is made from the call when ``label`` is not given."""
    return Case(label, args, kwargs, True, hint, hint_on)


def hidden(description, *args, hint=None, hint_on="wrong_value", fixed=False, **kwargs):
    """A hidden case, described in words only ("random 2-D z", "large |z|").

    Its arguments should come from the ``rng`` the generator gets; ``fixed=True`` marks a
    deliberate edge case that is the same for every seed.
    """
    return Case(description, args, kwargs, False, hint, hint_on, fixed)


def signature_params(signature):
    """The parameter names of a signature string.

    Examples
    --------
    >>> signature_params("adam_step(param, grad, m, v, t, learning_rate=0.001)")
    ('param', 'grad', 'm', 'v', 't', 'learning_rate')
    """
    inside = signature[signature.index("(") + 1: signature.rindex(")")]
    names = [part.split("=")[0].strip() for part in inside.split(",")]
    return tuple(n for n in names if n)


def _show_number(v):
    v = v.item() if isinstance(v, np.generic) else v
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return f"{int(v)}."
    return repr(v)


def _show(value, in_array=False):
    """A short Python-like rendering of an argument, or None when it would be too long."""
    if isinstance(value, np.ndarray):
        if value.size > 8 or value.ndim > 2:
            return None
        inside = _show(value.tolist(), True) if value.ndim else _show_number(value[()])
        return f"np.array({inside})"
    if isinstance(value, (list, tuple)):
        items = [_show(v, in_array) for v in value]
        if None in items:
            return None
        body = ", ".join(items) + ("," if isinstance(value, tuple) and len(items) == 1 else "")
        return f"[{body}]" if isinstance(value, list) else f"({body})"
    if isinstance(value, float) and not in_array:
        return repr(value)
    if isinstance(value, (int, float, np.integer, np.floating)):
        return _show_number(value)
    return repr(value)


def _summary(name, value):
    if isinstance(value, np.ndarray):
        return f"{name} of shape {value.shape}"
    if isinstance(value, (list, tuple)):
        return f"{name} (a {type(value).__name__} of {len(value)})"
    return name


def describe_call(name, params, args, kwargs):
    """A label that reads like the call: ``sigmoid(np.array([-1000., 0., 1000.]))``.

    Examples
    --------
    >>> describe_call("sigmoid", ("z",), (np.zeros((4, 3)),), {})
    'sigmoid(z of shape (4, 3))'
    >>> describe_call("f", ("a", "b"), (1.5, [1, 2]), {"rng": 0})
    'f(1.5, [1, 2], rng=0)'
    """
    parts = []
    for i, value in enumerate(args):
        param = params[i] if i < len(params) else f"argument {i + 1}"
        text = _show(value)
        parts.append(text if text is not None and len(text) <= 60 else _summary(param, value))
    for key, value in kwargs.items():
        text = _show(value)
        parts.append(f"{key}={text}" if text is not None and len(text) <= 60
                     else _summary(key, value))
    return f"{name}({', '.join(parts)})"


@dataclass(frozen=True)
class Exercise:
    """A function the learner writes, with everything needed to check it.

    Parameters
    ----------
    name : str
        The function's name, also the key in ``EXERCISES`` and the nbgrader grade id.
    lesson : str
        The lesson that asks for it, e.g. ``"01_neuron"``.
    points : int
        Its weight in grading (0 for the warm-up).
    signature : str
        The signature the lesson gives, e.g. ``"sigmoid(z)"``.
    reference : callable
        A right implementation; expected answers are computed from it.
    public_cases : tuple of Case
        The cases the learner's self-check runs (their values may be shown).
    hidden_cases : callable
        ``hidden_cases(rng) -> list of Case``: more cases for grading, drawn from ``rng``.
    compare : callable, optional
        Value judge ``compare(expected, got, reveal) -> message or None``.
    properties : callable, optional
        Property judge ``properties(args, got, reveal) -> message or None``, used instead
        of ``compare`` when answers are random (no expected value is computed).
    returns : str
        What the function returns, for type messages ("an array of numbers").
    hint : str, optional
        A hint added to messages on wrong values, wrong shapes and exceptions, unless a
        case's own hint is about that mistake (see :class:`Case`).
    allowed : tuple of str
        The names of ``nnlessons`` (e.g. ``"sigmoid"``) the learner's function may use;
        an answer that reaches the package's own code for anything else earns nothing.
    rng_check : bool, default True
        Whether an exercise judged by ``properties`` that takes ``rng`` is also called with
        other seeds (see :attr:`rng_param`). False where the judge itself compares with a
        run of the reference on the same rng, and where some cases rightly give the same
        answer for every seed (a full batch in ``train_sgd``).
    """

    name: str
    lesson: str
    points: int
    signature: str
    reference: object
    public_cases: tuple
    hidden_cases: object
    compare: object = Numbers()
    properties: object = None
    returns: str = "an array of numbers"
    hint: str = None
    allowed: tuple = ()
    rng_check: bool = True

    @property
    def params(self):
        """The parameter names, from the signature."""
        return signature_params(self.signature)

    def cases(self, hidden=False, seed=0):
        """The public cases, followed by the hidden ones when ``hidden`` is True.

        The hidden cases depend only on ``seed`` and the exercise's name, so grading the
        same submission twice runs the same cases.
        """
        public = [c if c.label else replace(c, label=describe_call(
            self.name, self.params, c.args, c.kwargs)) for c in self.public_cases]
        if not hidden:
            return public
        rng = np.random.default_rng([int(seed), zlib.crc32(self.name.encode())])
        extra = [replace(c, label=f"hidden case {i} ({c.label})", public=False)
                 for i, c in enumerate(self.hidden_cases(rng), start=1)]
        return public + extra

    @property
    def rng_param(self):
        """The parameter holding the rng of an exercise with random answers, or None.

        An exercise judged by properties (any shuffle is right) that takes ``rng`` must
        use it: each case is also run again with the same seed (same answer expected) and
        with another seed (a different answer expected), see :meth:`repeat_calls`.
        """
        if not self.rng_check:
            return None
        return "rng" if self.properties is not None and "rng" in self.params else None

    def repeat_calls(self, case):
        """The extra calls of ``case`` that check the use of ``rng``: ``[(args, kwargs)]``.

        Empty unless :attr:`rng_param` is set and the case gives the rng as an int seed.
        The first repeat uses the same seed (the same answer is expected), the others
        :data:`N_OTHER_SEEDS` other seeds derived from it (not all of their answers may
        equal the first).

        Examples
        --------
        >>> from nnlessons.exercises import get_exercise
        >>> ex = get_exercise("minibatches")
        >>> [args for args, kwargs in ex.repeat_calls(ex.cases()[0])]
        [(10, 4, 0), (10, 4, 1013904223), (10, 4, 1196435762), (10, 4, 1372387049)]
        """
        name = self.rng_param
        if name is None:
            return []
        args, kwargs = tuple(case.args), dict(case.kwargs)
        position = self.params.index(name)
        if name in kwargs:
            seed = kwargs[name]
        elif position < len(args):
            seed = args[position]
        else:
            return []
        if type(seed) is not int:
            return []
        calls, other = [(args, kwargs)], seed
        for _ in range(N_OTHER_SEEDS):
            other = (other * 1664525 + 1013904223) % 2**31     # a fixed walk from the seed
            if name in kwargs:
                calls.append((args, {**kwargs, name: other}))
            else:
                calls.append((args[:position] + (other,) + args[position + 1:], kwargs))
        return calls

    def expected(self, case):
        """The reference's answer to ``case`` (computed on copies of the arguments)."""
        args, kwargs = copy.deepcopy((case.args, case.kwargs))
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            return self.reference(*args, **kwargs)

    def judge(self, case, got):
        """Judge the learner's answer ``got`` to ``case``: None if right, else a
        :class:`~nnlessons.exercises.judges.Failure` (a message with its kind).

        ``got`` may be anything; it is converted with :func:`as_result` first, so
        impostors fail with a message about their type.
        """
        try:
            got = as_result(got)
        except ResultTypeError as err:
            return Failure(f"{err}, expected {self.returns}", Kind.WRONG_TYPE)
        try:
            if self.properties is not None:
                message = self.properties(case.args, got, case.public)
            else:
                message = self.compare(self.expected(case), got, case.public)
        except ResultTypeError as err:
            return Failure(f"{err}, expected {self.returns}", Kind.WRONG_TYPE)
        if message is None or isinstance(message, Failure):
            return message
        return Failure(str(message), Kind.WRONG)

    def __repr__(self):
        return f"<Exercise {self.signature}: lesson {self.lesson}, {self.points} point(s)>"


#: How many other seeds an exercise that takes ``rng`` is called with, per case.
N_OTHER_SEEDS = 3

_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")


def validate_bank(exercises):
    """Check a list of exercises for duplicate names and malformed signatures."""
    seen = {}
    for ex in exercises:
        if not _NAME.match(ex.name) or not ex.signature.startswith(ex.name + "("):
            raise ValueError(f"exercise {ex.name!r} has a malformed signature {ex.signature!r}")
        if ex.name in seen:
            raise ValueError(f"exercise name {ex.name!r} is registered twice")
        seen[ex.name] = ex
    return seen

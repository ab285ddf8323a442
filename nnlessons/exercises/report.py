"""The result of checking an exercise, readable as text and as HTML in JupyterLab.

A :class:`Report` lists one :class:`CaseResult` per case (✓ right / ✗ what is wrong, with
a hint). ``nl.check`` shows its report once, whether or not the call is the last line of
the cell; in a plain Python session nothing is printed and the returned report prints
itself like any value.

Every case result carries a :class:`Kind`, set where the result is made (by the judge, the
runner or the grader): what kind of failure it is, independent of the message's wording.
A *hidden* case is only ever shown to the learner as its label and the fixed sentence of
its kind (:func:`hidden_sentence`), the grader's own words: nothing the learner's code
controls (an exception's text, which exception, a returned object) reaches it.

Introduced in lesson 00 (how to check an exercise). Left out: colours in terminals.

Examples
--------
>>> report = Report("double", [CaseResult("double(2.0)", True, "is right"),
...                            CaseResult("double(-1.0)", False, "wrong value: got -1",
...                                       Kind.WRONG_VALUE)],
...                 points=0)
>>> print(report)
double: 1 of 2 cases right
  ✓ double(2.0) is right
  ✗ double(-1.0): wrong value: got -1
>>> report.passed, report.score
(False, 0.5)
>>> hidden_sentence("raised")
'raised an exception'
"""

import enum
import html
import sys
from dataclasses import dataclass

__all__ = ["CaseResult", "Report", "Kind", "NOT_DONE", "HIDDEN_SENTENCES", "hidden_sentence"]

NOT_DONE = ("not done yet: the function still raises NotImplementedError — "
            "replace that line with your code")


class Kind(enum.StrEnum):
    """What kind of result a case got: one value per way of being right or wrong.

    The value (``"wrong_value"``) is what travels in JSON reports. Each kind has one fixed
    sentence for hidden cases in :data:`HIDDEN_SENTENCES`.
    """

    #: The answer is right.
    RIGHT = "right"
    #: A number (or some numbers) of the answer is wrong; shape and type are right.
    WRONG_VALUE = "wrong_value"
    #: The answer has the wrong shape, or the wrong length or number of parts.
    WRONG_SHAPE = "wrong_shape"
    #: The answer is not the type of value asked for (a str, a dict, floats instead of
    #: integers, an impostor object, a ragged list).
    WRONG_TYPE = "wrong_type"
    #: The function returned None (no ``return`` statement).
    NO_RETURN = "no_return"
    #: A judge found the answer wrong without saying how (a judge returning plain text).
    WRONG = "wrong"
    #: The answer of an exercise that takes ``rng`` is not shuffled by that rng: in order,
    #: a fixed rearrangement (reversed, rolled), the same for two seeds, or different for
    #: the same seed.
    IGNORES_RNG = "ignores_rng"
    #: The function raised an exception (which one is only said on public cases).
    RAISED = "raised"
    #: The function still raises NotImplementedError: the stub is unchanged.
    NOT_DONE = "not_done"
    #: The function changed one of its arguments in place.
    CHANGED_INPUT = "changed_input"
    #: What was checked is not a function.
    NOT_CALLABLE = "not_callable"
    #: The function used the package's own implementation of the exercise.
    FORBIDDEN = "forbidden"
    #: The function was stopped at the time limit.
    TIMEOUT = "timeout"
    #: The function ran out of memory (MemoryError, or the memory limit was hit).
    MEMORY = "memory"
    #: The kernel (the notebook's Python process) died while the case ran.
    KERNEL_DIED = "kernel_died"
    #: The notebook defines no function of the exercise's name.
    MISSING = "missing"
    #: The answer could not be read back from the notebook or could not be judged.
    UNREADABLE = "unreadable"
    #: The case was not run at all (the notebook stopped earlier, a grader error).
    NOT_GRADED = "not_graded"


#: The one sentence a learner sees for a hidden case of each kind (the grader's words).
HIDDEN_SENTENCES = {
    Kind.RIGHT: "right",
    Kind.WRONG_VALUE: "wrong value",
    Kind.WRONG_SHAPE: "wrong shape or length",
    Kind.WRONG_TYPE: "wrong type of answer",
    Kind.NO_RETURN: "returned None: did you forget `return`?",
    Kind.WRONG: "wrong answer",
    Kind.IGNORES_RNG: "not shuffled by the rng it is given",
    Kind.RAISED: "raised an exception",
    Kind.NOT_DONE: "not done yet",
    Kind.CHANGED_INPUT: "changed its argument in place",
    Kind.NOT_CALLABLE: "not a function",
    Kind.FORBIDDEN: "used the package's own implementation, which earns nothing",
    Kind.TIMEOUT: "stopped at the time limit",
    Kind.MEMORY: "ran out of memory",
    Kind.KERNEL_DIED: "the notebook's Python process died",
    Kind.MISSING: "the notebook defines no function of this name",
    Kind.UNREADABLE: "the answer could not be read back",
    Kind.NOT_GRADED: "not graded",
}


def hidden_sentence(kind):
    """The fixed sentence shown for a hidden case of ``kind`` (a :class:`Kind` or its value).

    An unknown kind gets the sentence of :attr:`Kind.WRONG`; this never raises.

    Examples
    --------
    >>> hidden_sentence(Kind.WRONG_SHAPE), hidden_sentence("no such kind")
    ('wrong shape or length', 'wrong answer')
    """
    try:
        return HIDDEN_SENTENCES[Kind(kind)]
    except (ValueError, TypeError):
        return HIDDEN_SENTENCES[Kind.WRONG]


@dataclass(frozen=True)
class CaseResult:
    """The verdict on one case.

    Attributes
    ----------
    label : str
        The case, as the learner may see it (hidden cases are only described).
    passed : bool
    message : str
        ``"is right"`` or what is wrong, with a hint. For hidden cases it may hold
        details for the instructor; learners see :func:`hidden_sentence` instead.
    kind : Kind
        What kind of result this is (default: ``RIGHT`` when passed, else ``WRONG``).
    public : bool, default True
        Whether the case is one the lesson shows (False for hidden cases).
    """

    label: str
    passed: bool
    message: str
    kind: Kind = None
    public: bool = True

    def __post_init__(self):
        kind = self.kind
        if kind is None:
            kind = Kind.RIGHT if self.passed else Kind.WRONG
        try:
            kind = Kind(kind)
        except ValueError:
            valid = ", ".join(repr(k.value) for k in Kind)
            raise ValueError(f"kind must be one of {valid}; got {self.kind!r}") from None
        if bool(self.passed) != (kind is Kind.RIGHT):
            raise ValueError(f"kind {kind.value!r} does not agree with passed={self.passed!r}: "
                             "only a passed case is 'right'")
        object.__setattr__(self, "kind", kind)

    @property
    def not_done(self):
        """Whether the function still raised NotImplementedError."""
        return self.kind is Kind.NOT_DONE

    @property
    def shown(self):
        """What the learner may read about this case: the message, or for a hidden case
        only the sentence of its kind."""
        if self.passed:
            return "is right"
        return self.message if self.public else hidden_sentence(self.kind)

    def __str__(self):
        if self.passed:
            return f"✓ {self.label} {self.message}"
        return f"✗ {self.label}: {self.shown}"


def _ipython():
    """The running IPython shell, or None (never imports IPython itself)."""
    if "IPython" not in sys.modules:
        return None
    return sys.modules["IPython"].get_ipython()


class Report:
    """The verdicts on all cases of one exercise.

    Attributes
    ----------
    name : str
        The exercise.
    cases : list of CaseResult
    points : int
        The exercise's points; ``earned`` is ``points * score``.
    problem : str, optional
        Why no case could be run (an unknown exercise name); shown as the headline.
    """

    def __init__(self, name, cases, points=0, problem=None):
        self.name = name
        self.cases = list(cases)
        self.points = points
        self.problem = problem
        self._shown_in = None

    @property
    def n_passed(self):
        """How many cases are right."""
        return sum(c.passed for c in self.cases)

    @property
    def passed(self):
        """Whether every case is right (False when there are no cases)."""
        return bool(self.cases) and self.n_passed == len(self.cases)

    @property
    def score(self):
        """The fraction of cases that are right, in [0, 1]."""
        return self.n_passed / len(self.cases) if self.cases else 0.0

    @property
    def earned(self):
        """Points earned: ``points * score``."""
        return self.points * self.score

    @property
    def not_done(self):
        """Whether every case still raised NotImplementedError."""
        return bool(self.cases) and all(c.not_done for c in self.cases)

    def failures(self):
        """The cases that are wrong."""
        return [c for c in self.cases if not c.passed]

    def headline(self):
        """One line: how many cases are right, or "not done yet"."""
        if self.problem:
            return f"{self.name}: {self.problem}"
        if self.not_done:
            return f"{self.name}: {NOT_DONE}"
        if self.passed:
            return f"{self.name}: all {len(self.cases)} cases right"
        return f"{self.name}: {self.n_passed} of {len(self.cases)} cases right"

    def __str__(self):
        if self.not_done:
            return self.headline()
        return "\n".join([self.headline(), *(f"  {c}" for c in self.cases)])

    __repr__ = __str__

    def _repr_html_(self):
        ok, bad = "#1a7f37", "#cf222e"
        colour = ok if self.passed else ("#9a6700" if self.not_done else bad)
        rows = [f'<div style="font-weight:bold;color:{colour}">{html.escape(self.headline())}'
                "</div>"]
        if not self.not_done:
            for c in self.cases:
                rows.append(f'<div style="color:{ok if c.passed else bad};padding-left:2.5em;'
                            'text-indent:-1em">'
                            f"{html.escape(str(c))}</div>")
        return ('<div class="nnlessons-check" style="font-family:var(--jp-code-font-family,'
                f'monospace);font-size:0.9em;line-height:1.5">{"".join(rows)}</div>')

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/plain": str(self), "text/html": self._repr_html_()}

    def show(self):
        """Display the report now in IPython/Jupyter (once per cell); elsewhere do nothing."""
        shell = _ipython()
        if shell is None:
            return
        from IPython.display import display

        display(self._repr_mimebundle_(), raw=True)
        self._shown_in = shell.execution_count

    def _ipython_display_(self):
        # Called when a report is the value of a cell: skip it when check() has already
        # shown this report in the same cell, so it never appears twice.
        shell = _ipython()
        if shell is not None and self._shown_in == shell.execution_count:
            return
        from IPython.display import display

        display(self._repr_mimebundle_(), raw=True)

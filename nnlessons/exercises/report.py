"""The result of checking an exercise, readable as text and as HTML in JupyterLab.

A :class:`Report` lists one :class:`CaseResult` per case (✓ right / ✗ what is wrong, with
a hint). ``nl.check`` shows its report once, whether or not the call is the last line of
the cell; in a plain Python session nothing is printed and the returned report prints
itself like any value.

Introduced in lesson 00 (how to check an exercise). Left out: colours in terminals.

Examples
--------
>>> report = Report("double", [CaseResult("double(2.0)", True, "is right"),
...                            CaseResult("double(-1.0)", False, "wrong value: got -1")],
...                 points=0)
>>> print(report)
double: 1 of 2 cases right
  ✓ double(2.0) is right
  ✗ double(-1.0): wrong value: got -1
>>> report.passed, report.score
(False, 0.5)
"""

import html
import sys
from dataclasses import dataclass

__all__ = ["CaseResult", "Report", "NOT_DONE"]

NOT_DONE = ("not done yet: the function still raises NotImplementedError — "
            "replace that line with your code")


@dataclass(frozen=True)
class CaseResult:
    """The verdict on one case.

    Attributes
    ----------
    label : str
        The case, as the learner may see it (hidden cases are only described).
    passed : bool
    message : str
        ``"is right"`` or what is wrong, with a hint.
    not_done : bool
        Whether the function still raised NotImplementedError.
    """

    label: str
    passed: bool
    message: str
    not_done: bool = False

    def __str__(self):
        if self.passed:
            return f"✓ {self.label} {self.message}"
        return f"✗ {self.label}: {self.message}"


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
    """

    def __init__(self, name, cases, points=0):
        self.name = name
        self.cases = list(cases)
        self.points = points
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

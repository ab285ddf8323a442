"""What to grade and how to judge it: the grader's side of every exercise.

A :class:`Plan` is built once per batch, in the grader's process, before any learner code
runs. For each exercise of the bank (:data:`nnlessons.exercises.EXERCISES`, in bank order)
it holds the public and hidden cases (hidden ones drawn from a fixed ``seed``, so two runs
grade alike) and their encoded arguments, the only thing a learner's kernel ever receives.
:meth:`Plan.judge` turns the kernel's untrusted replies into a
:class:`~nnlessons.exercises.report.Report`: replies are decoded strictly and judged with
the bank's judges against expected values computed here, from the reference. Expected
values of hidden cases therefore never exist in a learner's kernel.

:meth:`Plan.assigned` decides which exercises a notebook is graded on: every exercise of
the lessons whose exercise cells (nbgrader ``grade_id``) it contains, else of the lesson
named like the file, else of the exercises it defines. Deleting one exercise's cells does
not remove that exercise from the total.

Introduced for instructors (docs/instructors.md); not part of any lesson.
"""

import re
from dataclasses import dataclass
from pathlib import Path

from .._validation import check_int
from ..exercises.report import Report
from ..exercises.runner import encode_case, failed_case, judge_encoded

_DEF = re.compile(r"^def\s+([A-Za-z_]\w*)\s*\(", re.MULTILINE)


@dataclass(frozen=True)
class ExercisePlan:
    """One exercise's cases and their payloads for the kernel."""

    exercise: object
    cases: tuple
    payloads: tuple


class Plan:
    """The exercises to grade, their cases, and the judging of replies.

    Parameters
    ----------
    exercises : dict of str to Exercise, optional
        The bank (default :data:`nnlessons.exercises.EXERCISES`).
    seed : int, default 0
        The seed of the hidden cases.
    only : sequence of str, optional
        Exercise names, lesson names ("01_neuron") or lesson numbers ("01") to grade every
        submission on, instead of detecting them per notebook.

    Examples
    --------
    >>> plan = Plan(seed=0, only=["00"])
    >>> plan.assigned({"cells": []}, "anything.ipynb")
    ['double']
    >>> report = plan.judge("double", [{"exercise": "double", "missing": True}])
    >>> report.n_passed, report.cases[0].message
    (0, 'the notebook defines no function named double')
    """

    def __init__(self, exercises=None, seed=0, only=None):
        if exercises is None:
            from ..exercises import EXERCISES as exercises
        self.exercises = dict(exercises)
        self.seed = check_int(seed, "seed", minimum=0)
        self.items = {}
        for name, exercise in self.exercises.items():
            cases = tuple(exercise.cases(hidden=True, seed=self.seed))
            payloads = tuple(encode_case(exercise, case) for case in cases)
            self.items[name] = ExercisePlan(exercise, cases, payloads)
        self.only = None if only is None else self._resolve(only)

    def _resolve(self, selectors):
        lessons = sorted({ex.lesson for ex in self.exercises.values()})
        chosen = set()
        for selector in selectors:
            matches = [n for n, ex in self.exercises.items()
                       if selector in (n, ex.lesson) or ex.lesson.split("_")[0] == selector]
            if not matches:
                valid = ", ".join(lessons)
                raise ValueError(f"exercises must name exercises or lessons ({valid}); "
                                 f"got {selector!r}")
            chosen.update(matches)
        return [n for n in self.exercises if n in chosen]

    def lessons_of(self, names):
        """The lessons the exercises ``names`` belong to."""
        return {self.exercises[n].lesson for n in names if n in self.exercises}

    def assigned(self, notebook, filename):
        """The names of the exercises ``notebook`` is graded on, in bank order.

        Parameters
        ----------
        notebook : dict
            The notebook (nbformat 4 structure).
        filename : str
            Its file name, used when it contains no exercise cells.
        """
        if self.only is not None:
            return list(self.only)
        lessons = self.lessons_of(self._grade_ids(notebook))
        if not lessons:
            stem = Path(filename).stem
            lessons = {ex.lesson for ex in self.exercises.values() if ex.lesson == stem}
        if not lessons:
            lessons = self.lessons_of(self._defined(notebook))
        return [n for n, ex in self.exercises.items() if ex.lesson in lessons]

    def _grade_ids(self, notebook):
        found = set()
        for cell in notebook.get("cells", []):
            grade_id = (cell.get("metadata", {}).get("nbgrader") or {}).get("grade_id")
            if isinstance(grade_id, str):
                found.add(grade_id.removeprefix("check_"))
        return found & set(self.exercises)

    def _defined(self, notebook):
        found = set()
        for cell in notebook.get("cells", []):
            if cell.get("cell_type") == "code":
                found.update(_DEF.findall(_text(cell.get("source", ""))))
        return found & set(self.exercises)

    def judge(self, name, records, failure="no answer came back from the notebook"):
        """Judge the kernel's ``records`` for exercise ``name``.

        Parameters
        ----------
        name : str
        records : list
            The kernel's messages (untrusted; malformed ones fail their case).
        failure : str
            The message of cases that got no answer (time limit, dead kernel).

        Returns
        -------
        Report
        """
        item = self.items[name]
        missing = any(type(r) is dict and r.get("missing") is True for r in records)
        replies = {}
        for record in records:
            if type(record) is not dict or record.get("exercise") != name:
                continue
            index = record.get("case")
            if type(index) is int and 0 <= index < len(item.cases):
                replies.setdefault(index, record)
        results = []
        for index, case in enumerate(item.cases):
            record = replies.get(index)
            if record is None:
                reason = (f"the notebook defines no function named {name}" if missing
                          else failure)
                results.append(failed_case(case, reason))
            else:
                results.append(self._judge_one(item.exercise, case, record))
        return Report(name, results, points=item.exercise.points)

    @staticmethod
    def _judge_one(exercise, case, record):
        reply = record.get("reply")
        if type(reply) is not str:
            return failed_case(case, "the function could not be run by the grader")
        try:
            return judge_encoded(exercise, case, reply)
        except Exception as error:  # a judge that cannot cope with a plain value
            return failed_case(case, f"the answer could not be judged ({type(error).__name__})")


def _text(source):
    return "".join(source) if isinstance(source, list) else str(source)

"""Batch grading of submitted lesson notebooks, for instructors (``nnlessons grade``).

Each submission is copied into a fresh temporary folder and run in its own fresh kernel
(a time limit per cell, a memory limit, errors do not stop the run). Then, in that same
kernel, every exercise function the notebook is graded on is called on the exercise's
public and hidden cases (:mod:`nnlessons.exercises`); the answers come back as plain data
and are judged here, in the grader's process, against expected values computed here from
the reference. Each exercise earns ``points * cases right / cases``.

Modules: :mod:`.plan` (cases, payloads, judging), :mod:`.kernel` (one kernel under
deadlines), :mod:`.kernel_side` (the code sent into the kernel), :mod:`.runner` (one
submission), :mod:`.batch` (many, in parallel), :mod:`.report` (grades.csv, JSON,
feedback, progress). What is defended and what needs a container per submission:
docs/threat-model.md.

Not part of any lesson; docs/instructors.md explains how to use it with a class.

Examples
--------
>>> from nnlessons.grading import grade, write_csv  # doctest: +SKIP
>>> grades = grade(["alice.ipynb", "bob.ipynb"], timeout=30)  # doctest: +SKIP
>>> write_csv(grades, "grades.csv")  # doctest: +SKIP
"""

from . import batch, shards
from .batch import GraderError, grade
from .plan import Plan
from .report import (
    Progress,
    feedback_html,
    feedback_markdown,
    write_csv,
    write_feedback,
    write_json,
)
from .runner import STATUSES, SubmissionGrade, grade_submission

__all__ = ["batch", "shards", "Plan", "grade", "grade_submission", "SubmissionGrade",
           "GraderError", "STATUSES",
           "write_csv", "write_json", "write_feedback", "feedback_markdown", "feedback_html",
           "Progress"]

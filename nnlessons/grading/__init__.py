"""Batch grading of submitted lesson notebooks, for instructors (``nnlessons grade``).

Each submission runs in a fresh kernel of its own inside a bubblewrap sandbox
(:mod:`.sandbox`: read-only system and Python, a private writable home, no network, its
own PID namespace and user id, limits on memory, processes and file size; probed before
the batch). Each exercise the instructor assigned (the lesson the file is named after, or
``--exercises``) is graded in a fresh namespace of that kernel, with a ``nnlessons`` stub
that holds only what the exercise may use: public cases first for every exercise, then the
hidden ones. The answers come back as plain data and are judged here, in the grader's
process, against expected values computed here from the reference. Each exercise earns
``points * cases right / cases``.

Modules: :mod:`.plan` (cases, payloads, judging, what of a notebook runs), :mod:`.sandbox`
(the bubblewrap command and its probe), :mod:`.kernel` (one kernel under deadlines),
:mod:`.kernel_side` (the code that runs in the kernel), :mod:`.runner` (one submission),
:mod:`.batch` (many, in parallel), :mod:`.report` (grades.csv, JSON, feedback, progress).
What is defended and what is still assumed: docs/threat-model.md.

Not part of any lesson; docs/instructors.md explains how to use it with a class.

Examples
--------
>>> from nnlessons.grading import grade, write_csv  # doctest: +SKIP
>>> grades = grade(["alice/01_neuron.ipynb", "bob/01_neuron.ipynb"], timeout=30)  # doctest: +SKIP
>>> write_csv(grades, "grades.csv")  # doctest: +SKIP
"""

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

__all__ = ["Plan", "grade", "grade_submission", "SubmissionGrade", "GraderError", "STATUSES",
           "write_csv", "write_json", "write_feedback", "feedback_markdown", "feedback_html",
           "Progress"]

"""The grader on the course's own notebooks, sandboxed, under a 256 MiB memory limit: the
solutions score full marks (the only such test in the suite), the learners' notebooks
(generated, every exercise still a stub) score zero, and neither is a grader error. One
batch grades both folders, one kernel per CPU.
"""

import os
from pathlib import Path

import pytest

from nnlessons.exercises import EXERCISES
from nnlessons.grading import grade

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = sorted((ROOT / "solutions").glob("*.ipynb"))
STUDENT = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.fixture(scope="module")
def rows():
    grades = grade(SOLUTIONS + STUDENT, jobs=os.cpu_count(), timeout=300, watch=(),
                   memory_limit=256 * 1024 ** 2)
    return {(Path(g.path).parent.name, Path(g.path).name): g for g in grades}


def test_every_exercise_of_the_bank_is_in_a_lesson():
    lessons = {p.stem for p in SOLUTIONS}
    assert {ex.lesson for ex in EXERCISES.values()} <= lessons
    assert [p.name for p in STUDENT] == [p.name for p in SOLUTIONS]


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.stem)
def test_solutions_score_full_marks(rows, path):
    row = rows["solutions", path.name]
    assert row.status == "ok", row.events
    expected = [n for n, ex in EXERCISES.items() if ex.lesson == path.stem]
    assert list(row.reports) == expected
    failures = [f"{n}: {c}" for n, r in row.reports.items() for c in r.failures()]
    assert failures == []
    assert row.total == row.max == sum(EXERCISES[n].points for n in expected)


@pytest.mark.parametrize("path", STUDENT, ids=lambda p: p.stem)
def test_student_notebooks_score_zero_without_errors(rows, path):
    row = rows["notebooks", path.name]
    assert row.status == "ok", row.events
    expected = [n for n, ex in EXERCISES.items() if ex.lesson == path.stem]
    assert list(row.reports) == expected and row.total == 0
    for report in row.reports.values():
        assert report.not_done, report

"""nbgrader compatibility: the solution notebooks are nbgrader source notebooks.

An instructor who already uses nbgrader runs ``nbgrader generate_assignment`` on a lesson
of solutions/ and ``nbgrader autograde`` on the submissions; the hidden tests
(``nl.exercises.assert_passes``) come back at autograding. ``nnlessons grade`` gives the
same totals on the same files (a filled-in release, nbgrader's stub, the course's own
notebooks/ copy). The metadata test runs without nbgrader. (That the solutions score full
marks is tested once, in test_grading_notebooks.py.)
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import require

from nnlessons.exercises import EXERCISES
from nnlessons.grading import grade

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = sorted((ROOT / "solutions").glob("*.ipynb"))
LESSON = "01_neuron"


def _nbgrader_cells(path):
    cells = json.loads(path.read_text())["cells"]
    return [(c, c["metadata"]["nbgrader"]) for c in cells if "nbgrader" in c["metadata"]]


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.stem)
def test_solution_metadata_matches_the_exercise_bank(path):
    solutions, checks = {}, {}
    for cell, meta in _nbgrader_cells(path):
        source = "".join(cell["source"])
        assert meta["schema_version"] == 3
        if meta.get("solution"):
            assert "### BEGIN SOLUTION" in source and "### END SOLUTION" in source
            if meta["grade_id"].startswith("question_"):  # a question: never graded
                assert "nl.answer(" in source and not meta["grade"]
                continue
            solutions[meta["grade_id"]] = source
        if meta.get("grade"):
            assert meta["locked"] and meta["grade_id"].startswith("check_")
            name = meta["grade_id"].removeprefix("check_")
            assert meta["points"] == EXERCISES[name].points, name
            assert f'nl.exercises.assert_passes("{name}", {name})' in source
            checks[name] = meta["points"]
    expected = sorted(n for n, ex in EXERCISES.items() if ex.lesson == path.stem)
    assert sorted(solutions) == sorted(checks) == expected
    for name, source in solutions.items():
        assert f"def {name}(" in source


def _run(command, cwd):
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    result = subprocess.run([sys.executable, "-m", "nbgrader", *command], cwd=cwd, env=env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def _filled_in(release, source):
    """The release notebook with every solution cell answered as in the source."""
    answers = {meta["grade_id"]: cell["source"] for cell, meta in _nbgrader_cells(source)
               if meta.get("solution")}
    notebook = json.loads(release.read_text())
    for cell in notebook["cells"]:
        meta = cell["metadata"].get("nbgrader", {})
        if meta.get("solution"):
            cell["source"] = answers[meta["grade_id"]]
    return notebook


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    require("nbgrader")
    root = tmp_path_factory.mktemp("course")
    (root / "nbgrader_config.py").write_text(
        "c = get_config()\nc.CourseDirectory.course_id = 'nnlessons'\n"
        "c.CourseDirectory.root = '.'\nc.Execute.timeout = 300\n")
    source = root / "source" / "ps1" / f"{LESSON}.ipynb"
    source.parent.mkdir(parents=True)
    shutil.copyfile(ROOT / "solutions" / f"{LESSON}.ipynb", source)
    _run(["generate_assignment", "ps1", "--force"], root)
    release = root / "release" / "ps1" / f"{LESSON}.ipynb"
    submissions = {
        "alice": json.dumps(_filled_in(release, source)),
        "bob": release.read_text(),
        "carol": (ROOT / "notebooks" / f"{LESSON}.ipynb").read_text(),
    }
    for student, text in submissions.items():
        path = root / "submitted" / student / "ps1" / f"{LESSON}.ipynb"
        path.parent.mkdir(parents=True)
        path.write_text(text)
    _run(["autograde", "ps1", "--force"], root)
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        scores = {s: (gradebook.find_submission("ps1", s).score,
                      gradebook.find_submission("ps1", s).max_score) for s in submissions}
    return root, release, scores


@pytest.mark.slow
def test_generate_assignment_removes_solutions_and_hidden_tests(course):
    _, release, _ = course
    text = release.read_text()
    assert "BEGIN SOLUTION" not in text and "assert_passes" not in text
    assert "raise NotImplementedError" in text


@pytest.mark.slow
def test_nnlessons_grade_agrees_with_nbgrader(course):
    root, _, scores = course
    points = float(sum(ex.points for ex in EXERCISES.values() if ex.lesson == LESSON))
    assert {s: m for s, (_, m) in scores.items()} == dict.fromkeys(scores, points)
    assert scores["bob"][0] == scores["carol"][0] == 0
    paths = sorted((root / "submitted").glob(f"*/ps1/{LESSON}.ipynb"))
    grades = grade(paths, jobs=2, timeout=300, watch=())
    assert {g.submission.split("/")[0]: (g.total, g.max) for g in grades} == scores

"""The notebook generator: release, --check, learner-work protection, refresh and strip."""

import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from nnlessons import authoring

ROOT = Path(__file__).resolve().parent.parent

SOLUTION_CELL = '''def double(x):
    """Twice x."""
    ### BEGIN SOLUTION
    y = 2 * x
    return y
    ### END SOLUTION'''
CHECK_CELL = '''nl.check("double", double)
### BEGIN HIDDEN TESTS
nl.exercises.assert_passes("double", double)
### END HIDDEN TESTS'''


def _grader(grade_id, solution, points=None):
    meta = {"schema_version": 3, "solution": solution, "grade": points is not None,
            "locked": not solution, "grade_id": grade_id}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def make_solution(path, extra=""):
    """A small lesson in the course's cell format, with outputs as a run leaves them."""
    checked = new_code_cell("# NBVAL_CHECK_OUTPUT\nprint(round(float(nl.sigmoid(7.0)), 5))",
                            execution_count=3,
                            outputs=[new_output("stream", name="stdout", text="0.99909\n")])
    stale = new_code_cell("1 + 1", execution_count=4, outputs=[new_output(
        "execute_result", data={"text/plain": "2"}, execution_count=4)])
    stale.metadata["execution"] = {"iopub.execute_input": "2024-01-01T00:00:00"}
    nb = new_notebook(cells=[
        new_markdown_cell("# 99 Test lesson\n\nGoals: double things." + extra),
        new_code_cell("import numpy as np\nimport nnlessons as nl"),
        new_markdown_cell("Write `double(x)`."),
        new_code_cell(SOLUTION_CELL, metadata=_grader("double", True)),
        new_code_cell(CHECK_CELL, metadata=_grader("check_double", False, points=1)),
        new_markdown_cell("Why?\n\n### BEGIN SOLUTION\nBecause.\n### END SOLUTION",
                          metadata=_grader("why", True)),
        new_markdown_cell("An unmarked answer.", metadata=_grader("answer", True)),
        checked, stale,
    ])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.metadata["language_info"] = {"name": "python", "version": "3.11.9"}
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


@pytest.fixture
def course(tmp_path):
    make_solution(tmp_path / "solutions" / "99_test.ipynb")
    return tmp_path


def release(root, names=(), **options):
    lines = []
    status = authoring.release(root, names, out=lines.append, **options)
    return status, "\n".join(lines)


def read(path):
    return nbformat.read(path, as_version=4)


def test_release_writes_the_learners_notebook(course):
    status, said = release(course)
    assert status == 0 and "wrote notebooks/99_test.ipynb" in said
    text = (course / "notebooks" / "99_test.ipynb").read_text()
    nb = nbformat.reads(text, as_version=4)
    note = nb.cells[0]
    assert note.cell_type == "markdown" and authoring.is_note(note)
    assert "solutions/99_test.ipynb" in note.source and "your" in note.source.lower()
    sources = [c.source for c in nb.cells]
    assert sources[4] == 'def double(x):\n    """Twice x."""\n    raise NotImplementedError'
    assert sources[5] == 'nl.check("double", double)'
    assert sources[6] == "Why?\n\nYOUR ANSWER HERE"
    assert sources[7] == "YOUR ANSWER HERE"
    assert "2 * x" not in text and "HIDDEN" not in text and "Because" not in text
    assert nb.cells[4].metadata["nbgrader"]["grade_id"] == "double"
    assert nb.cells[5].metadata["nbgrader"]["points"] == 1
    checked, stale = nb.cells[8], nb.cells[9]
    assert checked.outputs[0]["text"] == "0.99909\n"
    assert isinstance(checked.execution_count, int)    # nbval compares counted cells only
    assert stale.outputs == [] and stale.execution_count is None
    assert "execution" not in stale.metadata
    assert nb.metadata["nnlessons"]["generated_hash"] == authoring.content_hash(nb)
    assert nb.metadata["language_info"] == {"name": "python"}
    # Stable JSON: sorted keys, indent 1, a trailing newline.
    assert text == json.dumps(json.loads(text), sort_keys=True, indent=1,
                              ensure_ascii=False) + "\n"
    nbformat.validate(nb)


def test_release_is_deterministic_and_check_is_exact(course):
    release(course)
    target = course / "notebooks" / "99_test.ipynb"
    first = target.read_text()
    stamp = target.stat().st_mtime_ns
    assert release(course) == (0, "")
    assert target.read_text() == first and target.stat().st_mtime_ns == stamp
    assert release(course, check=True) == (0, "")
    note_cells = [c for c in read(target).cells if authoring.is_note(c)]
    assert len(note_cells) == 1


def test_check_lists_differing_missing_and_extra_notebooks(course):
    make_solution(course / "solutions" / "98_other.ipynb")
    release(course)
    make_solution(course / "solutions" / "99_test.ipynb", extra=" Now with more.")
    make_solution(course / "solutions" / "97_new.ipynb")
    (course / "notebooks" / "96_orphan.ipynb").write_text("{}")
    before = (course / "notebooks" / "99_test.ipynb").read_text()
    status, said = release(course, check=True)
    assert status == 1
    assert "differs: notebooks/99_test.ipynb" in said
    assert "missing: notebooks/97_new.ipynb" in said
    assert "extra: notebooks/96_orphan.ipynb" in said
    assert "98_other" not in said
    assert (course / "notebooks" / "99_test.ipynb").read_text() == before  # check writes nothing
    assert not (course / "notebooks" / "97_new.ipynb").exists()


def test_an_edited_notebook_is_never_overwritten_without_force(course):
    release(course)
    target = course / "notebooks" / "99_test.ipynb"
    nb = read(target)
    nb.cells[4].source = "def double(x):\n    return x * 2  # my answer"
    nbformat.write(nb, target)
    mine = target.read_text()
    make_solution(course / "solutions" / "99_test.ipynb", extra=" Updated.")
    status, said = release(course)
    assert status == 1
    assert "refused to overwrite notebooks/99_test.ipynb" in said and "--force" in said
    assert target.read_text() == mine
    status, said = release(course, force=True)
    assert status == 0
    backups = list((course / "notebooks" / ".backup").glob("99_test-*.ipynb"))
    assert len(backups) == 1 and backups[0].read_text() == mine
    assert f"notebooks/.backup/{backups[0].name}" in said
    assert "Updated." in target.read_text()
    assert release(course) == (0, "")


def test_unreadable_or_unmarked_notebooks_count_as_edited(course):
    target = course / "notebooks" / "99_test.ipynb"
    target.parent.mkdir()
    target.write_text("my notes, not even JSON")
    assert release(course)[0] == 1 and target.read_text() == "my notes, not even JSON"
    nbformat.write(new_notebook(cells=[new_code_cell("x = 1")]), target)
    assert release(course)[0] == 1


def test_running_cells_is_not_an_edit(course):
    release(course)
    target = course / "notebooks" / "99_test.ipynb"
    nb = read(target)
    nb.cells[1].execution_count = 1
    nb.cells[9].outputs = [new_output("execute_result", data={"text/plain": "2"},
                                      execution_count=9)]
    nb.metadata["widgets"] = {"state": {}}
    nbformat.write(nb, target)
    assert release(course, check=True)[0] == 1
    status, said = release(course)
    assert status == 0 and "wrote" in said
    assert not (course / "notebooks" / ".backup").exists()


def test_names_select_lessons(course):
    make_solution(course / "solutions" / "98_other.ipynb")
    status, said = release(course, ["99"])
    assert status == 0 and "99_test" in said and "98_other" not in said
    with pytest.raises(authoring.AuthoringError, match="no notebook 42_nope.*98_other, 99_test"):
        release(course, ["42_nope"])


def test_unbalanced_markers_are_reported(course):
    path = course / "solutions" / "99_test.ipynb"
    nb = read(path)
    nb.cells[3].source = "def f():\n    ### BEGIN SOLUTION\n    return 1"
    nbformat.write(nb, path)
    with pytest.raises(authoring.AuthoringError, match="99_test.ipynb, cell 3.*without"):
        release(course)
    assert authoring.main(["release", "--root", str(course)]) == 2


def test_strip_cleans_solutions_in_place(course):
    assert authoring.strip(course, out=lambda line: None) == 0
    nb = read(course / "solutions" / "99_test.ipynb")
    assert nb.cells[7].outputs and nb.cells[8].outputs == []
    assert all(c.get("execution_count") is None for c in nb.cells if not c.get("outputs"))
    assert isinstance(nb.cells[7].execution_count, int)
    assert "BEGIN SOLUTION" in nb.cells[3].source       # the solutions themselves stay


def test_command_line(course):
    run = [sys.executable, "-m", "nnlessons.authoring"]
    done = subprocess.run([*run, "release", "--root", str(course)], capture_output=True,
                          text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0 and "wrote notebooks/99_test.ipynb" in done.stdout
    done = subprocess.run([*run, "release", "--check", "--root", str(course)],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_refresh_keeps_only_checked_outputs_and_the_release_runs(course):
    solution = course / "solutions" / "99_test.ipynb"
    assert authoring.refresh(course, timeout=120, out=lambda line: None) == 0
    nb = read(solution)
    assert nb.cells[7].outputs[0]["text"] == "0.99909\n"
    assert all(c.outputs == [] for i, c in enumerate(nb.cells) if c.cell_type == "code" and i != 7)
    assert all("execution" not in c.metadata for c in nb.cells)
    text = solution.read_text()
    assert authoring.refresh(course, timeout=120, out=lambda line: None) == 0
    assert solution.read_text() == text                  # deterministic
    release(course)
    from nbclient import NotebookClient

    learner = read(course / "notebooks" / "99_test.ipynb")
    NotebookClient(learner, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(course / "notebooks")}}).execute()
    shown = learner.cells[5].outputs[0]["data"]["text/plain"]
    assert "not done yet" in shown


def test_memory_addresses_in_checked_outputs_are_flagged():
    nb = new_notebook(cells=[
        new_code_cell("# NBVAL_CHECK_OUTPUT\nobject()", outputs=[new_output(
            "execute_result", data={"text/plain": "<object object at 0x7f3a2c1b0e40>"})]),
        new_code_cell("object()", outputs=[new_output(
            "execute_result", data={"text/plain": "<object object at 0x7f3a2c1b0e40>"})]),
        new_code_cell("# NBVAL_CHECK_OUTPUT\n0.5", outputs=[new_output(
            "execute_result", data={"text/plain": "0.5"})]),
    ])
    assert authoring.unstable_outputs(nb) == [0]


def test_refresh_reports_a_failing_solution(course):
    path = course / "solutions" / "99_test.ipynb"
    nb = read(path)
    nb.cells[1].source += "\nraise RuntimeError('broken lesson')"
    nbformat.write(nb, path)
    before = path.read_text()
    said = []
    assert authoring.refresh(course, timeout=120, out=said.append) == 1
    assert "broken lesson" in said[0] and path.read_text() == before


# --- the repository itself ---

def _lesson_notebooks():
    return sorted((ROOT / "solutions").glob(authoring.PATTERN)) + \
        sorted((ROOT / "notebooks").glob(authoring.PATTERN))


def test_repository_notebooks_are_in_sync_with_solutions():
    said = []
    status = authoring.release(ROOT, check=True, out=said.append)
    assert status == 0, "\n".join(said)
    solutions = {p.name for p in (ROOT / "solutions").glob(authoring.PATTERN)}
    assert {p.name for p in (ROOT / "notebooks").glob(authoring.PATTERN)} == solutions


@pytest.mark.parametrize("path", _lesson_notebooks(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_repository_notebooks_store_only_checked_outputs(path):
    nb = read(path)
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        if not authoring.keeps_output(cell):
            assert cell.outputs == [], f"cell {index} stores outputs"
            assert cell.execution_count is None, f"cell {index} has an execution count"
        elif cell.outputs:
            # nbval compares only the outputs of cells that carry an execution count
            assert cell.execution_count is not None, f"checked cell {index} has no count"

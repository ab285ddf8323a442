"""The Gradescope autograder: built by ``nnlessons gradescope``, run as Gradescope does."""

import json
import os
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest

from nnlessons import cli
from nnlessons.grading import gradescope

ROOT = Path(__file__).resolve().parent.parent


def test_bad_lessons_are_refused(tmp_path, capsys):
    assert cli.main(["gradescope", "99", "--out", str(tmp_path / "a.zip")]) == 2
    assert "exercises must name exercises or lessons" in capsys.readouterr().err
    assert not (tmp_path / "a.zip").exists()


def test_the_zip_has_gradescopes_layout_and_the_instructors_choice(tmp_path):
    out = tmp_path / "autograder.zip"
    assert cli.main(["gradescope", "01", "relu", "--out", str(out), "--timeout", "30"]) == 0
    with zipfile.ZipFile(out) as zf:
        names = set(zf.namelist())
        config = json.loads(zf.read(gradescope.CONFIG))
        modes = {i.filename: i.external_attr >> 16 for i in zf.infolist()}
    assert {"setup.sh", "run_autograder", "course/pyproject.toml",
            "course/nnlessons/__init__.py"} <= names
    assert not any("__pycache__" in n for n in names)
    assert modes["run_autograder"] & stat.S_IXUSR and modes["setup.sh"] & stat.S_IXUSR
    assert config["exercises"] == ["sigmoid", "neuron_output", "relu"]
    assert config["timeout"] == 30.0


def _autograder(tmp_path):
    out = tmp_path / "autograder.zip"
    assert cli.main(["gradescope", "01", "--out", str(out)]) == 0
    root = tmp_path / "autograder"
    for folder in ("source", "submission", "results"):
        (root / folder).mkdir(parents=True)
    with zipfile.ZipFile(out) as zf:
        zf.extractall(root / "source")
    return root


def _run(root, notebook):
    for old in (root / "submission").iterdir():
        old.unlink()
    (root / "submission" / "01_neuron.ipynb").write_text(notebook)
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "NNLESSONS_PYTHON": sys.executable}
    done = subprocess.run(["bash", str(root / "source" / "run_autograder")], env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return json.loads((root / "results" / "results.json").read_text())


@pytest.mark.slow
def test_run_autograder_grades_a_solution_a_stub_and_a_hostile_submission(tmp_path):
    root = _autograder(tmp_path)
    solution = _run(root, (ROOT / "solutions/01_neuron.ipynb").read_text())
    assert solution["score"] == 2
    assert [(t["max_score"], t["score"], t["status"]) for t in solution["tests"]] == [
        (1, 1.0, "passed"), (1, 1.0, "passed")]
    assert {"tests", "score", "output", "visibility"} <= set(solution)

    stub = _run(root, (ROOT / "notebooks/01_neuron.ipynb").read_text())
    assert stub["score"] == 0 and all(t["score"] == 0 for t in stub["tests"])

    # A hostile notebook: its sigmoid leaks the hidden inputs through its exception, and a
    # cell tries to write a perfect results.json itself.
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(
        "import json, os\n"
        "root = os.environ.get('AUTOGRADER_ROOT', '/autograder')\n"
        "try:\n"
        "    with open(os.path.join(root, 'results', 'results.json'), 'w') as f:\n"
        "        json.dump({'score': 100, 'tests': []}, f)\n"
        "except OSError:\n"
        "    pass\n"
        "def sigmoid(z):\n"
        "    raise ValueError(f'SECRET-INPUT {z!r}')\n"
        "def neuron_output(weights, bias, x):\n"
        "    raise ValueError(f'SECRET-INPUT {weights!r} {x!r}')\n")]
    hostile = _run(root, nbformat.writes(nb))
    assert hostile["score"] == 0 and len(hostile["tests"]) == 2
    hidden = [line for t in hostile["tests"] for line in t["output"].splitlines()
              if "hidden case" in line]
    assert hidden and not any("SECRET-INPUT" in line for line in hidden)


@pytest.mark.slow
def test_an_empty_submission_gets_a_clear_message(tmp_path):
    root = _autograder(tmp_path)
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "NNLESSONS_PYTHON": sys.executable}
    subprocess.run(["bash", str(root / "source" / "run_autograder")], env=env, check=True,
                   capture_output=True, timeout=300)
    data = json.loads((root / "results" / "results.json").read_text())
    assert data["score"] == 0 and "No notebook" in data["output"]

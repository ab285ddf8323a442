"""Crafted submissions for the grader's tests: honest, broken and hostile notebooks.

Each :class:`Crafted` is a small notebook in the course's exercise format (lesson 01:
``sigmoid`` and ``neuron_output``, 1 point each; lesson 02 for the dying kernel) with the
score and status the grader must give it. The tests build them in a temporary folder with
:func:`write_all`, in nbgrader's layout: ``OUT_DIR/<name>/<lesson>.ipynb`` (the grader takes
the exercises from the lesson the file is named after). ``python
tests/submissions/crafted.py OUT_DIR`` writes them too, so that ``nnlessons grade OUT_DIR``
can be tried by hand. Hostile submissions, one per breach of issue 9, are in hostile.py.

While grading, an exercise's own cell (the one defining its function) runs in full; of the
other cells only their function, class and import statements run: the attacks below sit
in those places.
"""

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

IMPORTS = "import numpy as np\nimport nnlessons as nl"

SIGMOID = '''\
def sigmoid(z):
    """The logistic function, elementwise."""
    z = np.asarray(z, dtype=float)
    return np.exp(-np.logaddexp(0.0, -z))'''

NEURON = '''\
def neuron_output(weights, bias, x):
    """sigmoid(w . x + b) as a float."""
    t = float(np.dot(weights, x) + bias)
    return float(np.exp(-np.logaddexp(0.0, -t)))'''

WRONG_SIGMOID = "def sigmoid(z):\n    return np.tanh(np.asarray(z, dtype=float))"
WRONG_NEURON = "def neuron_output(weights, bias, x):\n    return 0.5"

# Right only on single numbers: partial credit (the same function runs in-process too).
SCALAR_SIGMOID = "import math\n\ndef sigmoid(z):\n    return 1 / (1 + math.exp(-z))"

LOOP = "while True:\n    pass"
SWALLOW = '''\
import time
while True:
    try:
        while True:
            try:
                time.sleep(0.05)
            except KeyboardInterrupt:
                pass
    except KeyboardInterrupt:
        pass'''

IMPOSTORS = '''\
class AlwaysEqual:
    def __eq__(self, other):
        return True
    def __array__(self, dtype=None, copy=None):
        return np.array(0.5)
    def __float__(self):
        return 0.5

class Quiet(np.ndarray):
    pass

class FloatLike(float):
    pass

def sigmoid(z):
    # The right numbers, in an ndarray subclass; scalars as an object equal to anything.
    value = np.exp(-np.logaddexp(0.0, -np.asarray(z, dtype=float)))
    return value.view(Quiet) if value.ndim else AlwaysEqual()

def neuron_output(weights, bias, x):
    t = float(np.dot(weights, x) + bias)
    return FloatLike(np.exp(-np.logaddexp(0.0, -t)))'''

MONKEYPATCH = '''\
import builtins
import pathlib
import nnlessons.exercises as ex
ex.EXERCISES["sigmoid"] = None
object.__setattr__(nl.exercises.get_exercise("neuron_output"), "compare", lambda *a: None)
ex.core.Exercise.judge = lambda self, case, got: None
ex.runner.judge_encoded = lambda *a, **k: ex.CaseResult("x", True, "is right")
nl.sigmoid = lambda z: 0.0
np.allclose = lambda *a, **k: True
np.isclose = lambda a, b, **k: np.ones(np.shape(a), dtype=bool)
np.array_equal = lambda *a, **k: True
# Files next to the notebook: replace the copy, plant a fake package and a results file.
for path in pathlib.Path(".").glob("*.ipynb"):
    path.write_text("{}")
fake = pathlib.Path("nnlessons")
fake.mkdir(exist_ok=True)
(fake / "__init__.py").write_text("raise SystemExit('fake package')")
pathlib.Path("grades.csv").write_text("submission,total\\nme,100\\n")'''

FORGE = '''\
def sigmoid(z):
    # Publish replies of our own, claiming every case, with a pickle inside an .npy.
    import base64, io, json, pickle
    from IPython.display import publish_display_data
    class Boom:
        def __reduce__(self):
            return (exec, ("open(" + repr({marker!r}) + ", 'w').close()",))
    buffer = io.BytesIO()
    np.save(buffer, np.array([Boom()], dtype=object), allow_pickle=True)
    value = {{"__ndarray__": base64.b64encode(buffer.getvalue()).decode()}}
    reply = json.dumps({{"status": "ok", "error": "", "message": "", "where": "",
                        "mutated": [], "value": value}})
    for case in range(20):
        publish_display_data({{"application/vnd.nnlessons.grading+json":
                              {{"exercise": "sigmoid", "case": case, "reply": reply}}}})
        publish_display_data({{"application/vnd.nnlessons.grading+json":
                              {{"exercise": "sigmoid", "case": case, "reply": "{{"}}}})
    return np.tanh(z)'''

LEAK = '''\
class Leak(BaseException):
    pass

def sigmoid(z):
    raise ValueError("LEAKED-INPUT " + repr(z))

def neuron_output(weights, bias, x):
    raise Leak("LEAKED-INPUT " + repr((weights, bias, x)))'''

MEMORY_HOG = '''\
def sigmoid(z):
    hog = []
    while True:
        hog.append(np.zeros(10 ** 8))  # 800 MB a step'''

LESSON_02 = '''\
def sigmoid_derivative(z):
    s = np.exp(-np.logaddexp(0.0, -np.asarray(z, dtype=float)))
    return s * (1 - s)

def tanh_derivative(z):
    import os
    os._exit(1)

def relu(z):
    return np.maximum(0.0, np.asarray(z, dtype=float))

def softmax(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)'''


@dataclass
class Crafted:
    """A crafted submission and what the grader must give it.

    ``scores`` maps each exercise to its expected points; None means "computed by running
    the same function in-process with the exercise bank" (partial credit).
    """

    name: str
    cells: list
    scores: dict
    status: str
    about: str = ""
    grade_ids: dict = field(default_factory=dict)
    lesson: str = "01_neuron"


def _lesson01(sigmoid, neuron, *extra):
    return [IMPORTS, sigmoid, neuron, *extra]


CRAFTED = [
    Crafted("correct", _lesson01(SIGMOID, NEURON), {"sigmoid": 1, "neuron_output": 1}, "ok",
            "both exercises right"),
    Crafted("wrong", _lesson01(WRONG_SIGMOID, WRONG_NEURON), {"sigmoid": 0, "neuron_output": 0},
            "ok", "both exercises wrong"),
    Crafted("partial", _lesson01(SCALAR_SIGMOID, NEURON), {"sigmoid": None, "neuron_output": 1},
            "ok", "sigmoid right on single numbers only: partial credit"),
    Crafted("loop_cell", [IMPORTS, LOOP + "\n\n" + SIGMOID, NEURON],
            {"sigmoid": 0, "neuron_output": 1}, "timeout",
            "an infinite loop in a cell, before sigmoid's definition"),
    Crafted("swallow_cell", [IMPORTS, SWALLOW + "\n\n" + SIGMOID, NEURON],
            {"sigmoid": 0, "neuron_output": 1}, "timeout",
            "a cell loops and swallows KeyboardInterrupt: the kernel is killed and replaced"),
    Crafted("loop_function", _lesson01("def sigmoid(z):\n    " + LOOP.replace("\n", "\n    "),
                                       NEURON),
            {"sigmoid": 0, "neuron_output": 1}, "timeout", "sigmoid loops forever"),
    Crafted("swallow_function",
            _lesson01("def sigmoid(z):\n    " + SWALLOW.replace("\n", "\n    "), NEURON),
            {"sigmoid": 0, "neuron_output": 1}, "timeout",
            "sigmoid loops and swallows KeyboardInterrupt"),
    Crafted("exit_cell", [IMPORTS, SIGMOID, NEURON + "\n\nimport os\nos._exit(1)"],
            {"sigmoid": 1, "neuron_output": 0}, "kernel-died",
            "neuron_output's cell kills the kernel: a fresh one grades sigmoid"),
    Crafted("exit_function", [IMPORTS, LESSON_02],
            {"sigmoid_derivative": 1, "tanh_derivative": 0, "relu": 1, "softmax": 2},
            "kernel-died", "tanh_derivative kills the kernel: a fresh one grades the rest",
            grade_ids={1: "sigmoid_derivative"}, lesson="02_activations"),
    Crafted("memory", _lesson01(MEMORY_HOG, NEURON + "\n\nbig = np.ones(2 ** 29)  # 4 GiB"),
            {"sigmoid": 0, "neuron_output": 1}, "memory",
            "memory blow-ups (in sigmoid and in a cell) stop at the memory limit"),
    Crafted("impostors", [IMPORTS, IMPOSTORS], {"sigmoid": 0, "neuron_output": 0}, "ok",
            "right numbers in an ndarray subclass, a float subclass, an always-equal object",
            grade_ids={1: "sigmoid"}),
    Crafted("monkeypatch", _lesson01(WRONG_SIGMOID, WRONG_NEURON + "\n" + MONKEYPATCH),
            {"sigmoid": 0, "neuron_output": 0}, "error",
            "patches nnlessons, numpy and files next to the notebook"),
    Crafted("forge", _lesson01(FORGE, WRONG_NEURON), {"sigmoid": 0, "neuron_output": 0}, "ok",
            "publishes forged replies with a pickle inside"),
    Crafted("leak", [IMPORTS, LEAK], {"sigmoid": 0, "neuron_output": 0}, "ok",
            "exceptions that quote the hidden inputs", grade_ids={1: "sigmoid"}),
    Crafted("exits", _lesson01(SIGMOID + "\n\nimport sys\nsys.exit(1)",
                               NEURON + "\n\nraise SystemExit"),
            {"sigmoid": 1, "neuron_output": 1}, "error", "sys.exit and SystemExit in cells"),
    Crafted("output", _lesson01(SIGMOID + "\n\nfor _ in range(200):\n    print('x' * 100_000)",
                                NEURON),
            {"sigmoid": 1, "neuron_output": 1}, "ok", "20 MB of output"),
    Crafted("raises", [IMPORTS, SIGMOID, "1 / 0\n\n" + NEURON],
            {"sigmoid": 1, "neuron_output": 0}, "error",
            "a cell raises before neuron_output is defined"),
]

BY_NAME = {c.name: c for c in CRAFTED}


def _cell(number, source, grade_id):
    cell = {"cell_type": "code", "execution_count": None, "id": f"cell-{number}",
            "metadata": {}, "outputs": [], "source": source}
    if grade_id:
        cell["metadata"]["nbgrader"] = {"schema_version": 3, "solution": True, "grade": False,
                                        "locked": False, "grade_id": grade_id}
    return cell


def notebook(crafted, marker="forged-pickle-ran"):
    """The notebook of ``crafted`` as a dict (nbformat 4.5)."""
    cells = [{"cell_type": "markdown", "id": "title", "metadata": {},
              "source": f"# Crafted submission: {crafted.name}\n\n{crafted.about}"}]
    for number, source in enumerate(crafted.cells):
        source = source.format(marker=str(marker)) if source is FORGE else source
        grade_id = crafted.grade_ids.get(number)
        if grade_id is None and source.startswith("def "):
            grade_id = source.split("(")[0][4:]
        cells.append(_cell(number, source, grade_id))
    return {"cells": cells, "metadata": {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"}}, "nbformat": 4, "nbformat_minor": 5}


def write_all(folder, names=None, marker="forged-pickle-ran", crafted_list=None):
    """Write the crafted notebooks (all, or ``names``) as ``folder/<name>/<lesson>.ipynb``;
    return their paths."""
    folder = Path(folder)
    paths = []
    for crafted in crafted_list or CRAFTED:
        if names is None or crafted.name in names:
            path = folder / crafted.name / f"{crafted.lesson}.ipynb"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(notebook(crafted, marker), indent=1), encoding="utf-8")
            paths.append(path)
    return paths


if __name__ == "__main__":
    for written in write_all(sys.argv[1] if len(sys.argv) > 1 else "crafted"):
        print(written)

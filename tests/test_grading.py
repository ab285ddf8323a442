"""Unit tests of the grader's parts: planning, strict judging, reports, progress, kernels.

The end-to-end behaviour against crafted submissions is in test_grading_defences.py, on
the lesson notebooks in test_grading_notebooks.py, and with nbgrader in
test_grading_nbgrader.py.
"""

import base64
import csv
import io
import json
import pickle
import re
import sys
from pathlib import Path

import numpy as np
import pytest

from nnlessons.exercises import EXERCISES
from nnlessons.exercises.codec import encode
from nnlessons.exercises.runner import encode_case, run_encoded
from nnlessons.grading import Plan, Progress, SubmissionGrade, grade_submission, write_csv
from nnlessons.grading.batch import _changes, fingerprint, labels_for
from nnlessons.grading.kernel import KernelSession
from nnlessons.grading.kernel_side import main as kernel_main
from nnlessons.grading.report import feedback_html, feedback_markdown, hidden_reason
from nnlessons.grading.runner import read_notebook


@pytest.fixture(scope="module")
def plan():
    return Plan(seed=0)


def _nb(*cells):
    return {"cells": list(cells), "nbformat": 4, "nbformat_minor": 5, "metadata": {}}


def _code(source, grade_id=None):
    meta = {"nbgrader": {"grade_id": grade_id}} if grade_id else {}
    return {"cell_type": "code", "source": source, "metadata": meta, "outputs": []}


def _reply(plan, name, index, fn):
    return {"exercise": name, "case": index,
            "reply": run_encoded(fn, plan.items[name].payloads[index])}


# --- which exercises a notebook is graded on ----------------------------------------------

def test_assigned_uses_the_lessons_of_the_exercise_cells(plan):
    nb = _nb(_code("def sigmoid(z): ...", "sigmoid"), _code("x", "check_sigmoid"))
    assert plan.assigned(nb, "mine.ipynb") == ["sigmoid", "neuron_output"]


def test_assigned_falls_back_on_the_file_name_then_on_definitions(plan):
    assert plan.assigned(_nb(), "03_feedforward.ipynb") == ["layer_forward", "count_params"]
    nb = _nb(_code("import numpy as np\n\ndef mse(y_true, y_pred):\n    pass"))
    assert plan.assigned(nb, "whatever.ipynb") == ["mse", "center"]
    assert plan.assigned(_nb(_code("print(1)")), "whatever.ipynb") == []


def test_only_accepts_names_lessons_and_numbers():
    assert Plan(only=["relu", "01"]).only == ["sigmoid", "neuron_output", "relu"]
    assert Plan(only=["04_loss"]).assigned(_nb(), "x.ipynb") == ["mse", "center"]
    with pytest.raises(ValueError, match="exercises must name exercises or lessons.*'nope'"):
        Plan(only=["nope"])


def test_hidden_cases_depend_only_on_the_seed():
    a, b, c = Plan(seed=3), Plan(seed=3), Plan(seed=4)
    assert a.items["softmax"].payloads == b.items["softmax"].payloads
    assert a.items["softmax"].payloads != c.items["softmax"].payloads
    assert list(a.items) == list(EXERCISES)


# --- judging untrusted replies ------------------------------------------------------------

def test_judge_counts_right_cases(plan):
    right = [_reply(plan, "relu", i, lambda z: np.maximum(0.0, z))
             for i in range(len(plan.items["relu"].cases))]
    report = plan.judge("relu", right)
    assert report.passed and report.earned == EXERCISES["relu"].points


def test_judge_fails_cases_without_a_valid_reply(plan):
    n = len(plan.items["relu"].cases)
    npy = io.BytesIO()
    np.save(npy, np.array([object()], dtype=object), allow_pickle=True)
    bad_value = {"status": "ok", "error": "", "message": "", "where": "", "mutated": [],
                 "value": {"__ndarray__": base64.b64encode(npy.getvalue()).decode()}}
    records = ["not a dict", {"exercise": "relu", "case": True, "reply": "{}"},
               {"exercise": "relu", "case": -1, "reply": "{}"},
               {"exercise": "relu", "case": n, "reply": "{}"},
               {"exercise": "sigmoid", "case": 0, "reply": "{}"},
               {"exercise": "relu", "case": 0, "reply": json.dumps(bad_value)},
               {"exercise": "relu", "case": 1, "reply": "[" * 100_000},
               {"exercise": "relu", "case": 2, "reply": 42},
               {"exercise": "relu", "case": 3, "crash": "Leak"},
               {"exercise": "relu", "case": 4, "reply": pickle.dumps(1).hex()}]
    report = plan.judge("relu", records, failure="stopped at the time limit (3 s)")
    assert report.n_passed == 0
    messages = [c.message for c in report.cases]
    assert messages[0] == messages[1] == "the answer could not be read back from the notebook"
    assert messages[2] == messages[3] == "the function could not be run by the grader"
    assert messages[4] == messages[0]
    assert set(messages[5:]) == {"stopped at the time limit (3 s)"}


def test_judge_takes_the_first_reply_of_each_case(plan):
    good = _reply(plan, "relu", 0, lambda z: np.maximum(0.0, z))
    bad = _reply(plan, "relu", 0, lambda z: z)
    assert plan.judge("relu", [good, bad]).cases[0].passed
    assert not plan.judge("relu", [bad, good]).cases[0].passed


def test_judge_refuses_values_the_codec_would_not_write(plan):
    value = encode(np.array([0.5, 1.0, 0.5]))
    value["extra"] = 1
    reply = {"status": "ok", "error": "", "message": "", "where": "", "mutated": [],
             "value": value}
    report = plan.judge("relu", [{"exercise": "relu", "case": 0, "reply": json.dumps(reply)}])
    assert report.cases[0].message == "the answer could not be read back from the notebook"


def test_missing_function_is_reported_by_name(plan):
    sent = []
    kernel_main({}, "relu", list(plan.items["relu"].payloads), send=sent.append)
    report = plan.judge("relu", sent)
    assert {c.message for c in report.cases} == {"the notebook defines no function named relu"}


def test_kernel_side_survives_exotic_exceptions(plan):
    class Exotic(BaseException):
        pass

    def relu(z):
        raise Exotic("secret")

    sent = []
    kernel_main({"relu": relu}, "relu", list(plan.items["relu"].payloads)[:2], send=sent.append)
    assert [r.get("crash") for r in sent] == ["Exotic", "Exotic"]
    with pytest.raises(KeyboardInterrupt):
        kernel_main({"relu": lambda z: (_ for _ in ()).throw(KeyboardInterrupt)}, "relu",
                    [encode_case(EXERCISES["relu"], plan.items["relu"].cases[0])],
                    send=sent.append)


# --- reports ------------------------------------------------------------------------------

def test_hidden_reasons_say_only_the_kind_of_failure():
    assert hidden_reason("wrong_shape") == "wrong shape or length"
    assert hidden_reason("wrong_type") == "wrong type of answer"
    assert hidden_reason("raised") == "raised an exception"
    assert hidden_reason("raised ValueError: LEAKED 0.123") == "wrong answer"   # not a kind


def _grade(plan, name, fn):
    n = len(plan.items[name].cases)
    report = plan.judge(name, [_reply(plan, name, i, fn) for i in range(n)])
    return SubmissionGrade("bob.ipynb", "bob.ipynb", reports={name: report})


def test_feedback_shows_public_details_and_escapes_them(plan):
    def relu(z):
        raise ValueError("<script>alert(1)</script> **bold** | pipe")

    grade = _grade(plan, "relu", relu)
    text = feedback_markdown(grade)
    assert "\\<script\\>" in text and "\\*\\*bold\\*\\*" in text and "\\| pipe" in text
    assert "hidden case 1 (a single random number): raised an exception" in text
    assert "<script>" not in feedback_html(grade)
    assert "&lt;script&gt;" in feedback_html(grade)


def test_csv_has_one_column_per_exercise_in_bank_order(plan, tmp_path):
    a = _grade(plan, "relu", lambda z: np.maximum(0.0, z))
    b = SubmissionGrade("carol.ipynb", "carol.ipynb", status="unreadable")
    b.reports["sigmoid"] = plan.judge("sigmoid", [], "not graded")
    write_csv([a, b], tmp_path / "grades.csv")
    rows = list(csv.reader(open(tmp_path / "grades.csv")))
    assert rows[0] == ["submission", "sigmoid", "relu", "total", "max", "status"]
    assert rows[1] == ["bob.ipynb", "", "1", "1", "1", "ok"]
    assert rows[2] == ["carol.ipynb", "0", "", "0", "1", "unreadable"]


def test_progress_redraws_on_a_terminal_and_writes_lines_elsewhere():
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    grade = SubmissionGrade("alice.ipynb", "alice.ipynb")
    terminal, log = Terminal(), io.StringIO()
    for stream in (terminal, log):
        progress = Progress(2, stream=stream)
        progress(grade)
        progress(grade)
    assert terminal.getvalue().count("\r") == 2 and terminal.getvalue().endswith("\n")
    assert log.getvalue().splitlines()[1].startswith("[2/2] alice.ipynb: 0 / 0 (ok")


# --- files --------------------------------------------------------------------------------

@pytest.mark.parametrize("content, reason", [
    (b"\x89PNG\r\n\x1a\n\x00", "not a readable notebook"),
    (b'{"cells": [', "not a readable notebook"),
    (b"[1, 2]", "no list of cells"),
    (b'{"cells": [], "nbformat": 3}', "nbformat 3"),
])
def test_unreadable_files_get_a_row_not_a_crash(plan, tmp_path, content, reason):
    path = tmp_path / "01_neuron.ipynb"
    path.write_bytes(content)
    with pytest.raises(ValueError, match=reason):
        read_notebook(path)
    grade = grade_submission(path, plan)
    assert (grade.status, grade.total, grade.max) == ("unreadable", 0, 2)
    assert path.read_bytes() == content


def test_labels_are_file_names_unless_they_repeat():
    assert labels_for(["a/x.ipynb", "b/y.ipynb"]) == ["x.ipynb", "y.ipynb"]
    assert labels_for(["s/ann/01.ipynb", "s/bo/01.ipynb"]) == ["ann/01.ipynb", "bo/01.ipynb"]


def test_fingerprint_notices_changed_added_and_removed_files(tmp_path):
    (tmp_path / "a.py").write_text("x = 1")
    before = fingerprint([tmp_path])
    (tmp_path / "a.py").write_text("x = 2")
    (tmp_path / "b.py").write_text("")
    assert [p.rsplit("/", 1)[1] for p in _changes(before, fingerprint([tmp_path]))] == [
        "a.py", "b.py"]
    assert _changes(before, before) == []
    (tmp_path / "__pycache__").mkdir()
    (tmp_path / "__pycache__" / "a.cpython-311.pyc").write_bytes(b"")
    assert _changes(before, fingerprint([tmp_path])) == _changes(before, {
        **before, str(tmp_path / "a.py"): "x", str(tmp_path / "b.py"): "y"})


# --- the kernel ---------------------------------------------------------------------------

def test_kernel_runs_code_with_limits_in_its_own_folder():
    with KernelSession(memory_limit=1536 * 1024 ** 2) as kernel:
        check = kernel.run("import os, resource\n"
                           "assert resource.getrlimit(resource.RLIMIT_AS)[0] == 1536 * 2 ** 20\n"
                           f"assert os.getcwd() == {kernel.workdir!r}\n"
                           "print('x' * 1000)", timeout=30)
        assert (check.status, check.output_bytes) == ("ok", 1001), check.error
        raised = kernel.run("raise ValueError('boom')", timeout=30)
        assert raised.status == "error" and "ValueError: boom" in raised.error
        assert kernel.run("exit()", timeout=30).status == "error"
        assert kernel.alive()


# --- the documentation states the bank and the crafted scores as they are -------------------

DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_instructors_guide_lists_the_exercise_bank():
    text = (DOCS / "instructors.md").read_text()
    listed = dict(re.findall(r"`(\w+)` \((\d+)", text))
    assert {n: int(p) for n, p in listed.items() if n in EXERCISES} == {
        n: ex.points for n, ex in EXERCISES.items()}


def test_threat_model_scores_match_the_crafted_submissions():
    sys.path.insert(0, str(Path(__file__).parent / "submissions"))
    import crafted

    claims = re.findall(r"`(\w+)` → (\d+) / (\d+)", (DOCS / "threat-model.md").read_text())
    claims += [(n.strip("` "), a, b) for names, a, b in re.findall(
        r"((?:`\w+`, )+`\w+`) → (\d+) / (\d+)", (DOCS / "threat-model.md").read_text())
        for n in names.split(",")]
    assert len(claims) >= 12
    for name, total, maximum in claims:
        spec = crafted.BY_NAME[name]
        assert (sum(spec.scores.values()), sum(EXERCISES[n].points for n in spec.scores)) == (
            int(total), int(maximum)), name


@pytest.mark.parametrize("cells", [
    [{"cell_type": "code", "source": [1, 2]}],
    [{"cell_type": "code", "source": "x", "metadata": {"nbgrader": ["sigmoid"]}}],
    [{"cell_type": "code", "source": "x", "metadata": []}],
    ["not a cell"],
    [{"source": "x"}],
])
def test_malformed_cells_make_a_notebook_unreadable(plan, tmp_path, cells):
    path = tmp_path / "01_neuron.ipynb"
    path.write_text(json.dumps({"cells": cells, "nbformat": 4}))
    with pytest.raises(ValueError, match="cell 1 is malformed"):
        read_notebook(path)
    assert grade_submission(path, plan).status == "unreadable"


def test_bad_arguments_name_the_parameter(plan, tmp_path):
    from nnlessons.grading import grade

    with pytest.raises(ValueError, match="timeout must be > 0, got -1"):
        grade_submission(tmp_path / "x.ipynb", plan, timeout=-1)
    with pytest.raises(ValueError, match="memory_limit must be an integer >= 1, got 0"):
        grade_submission(tmp_path / "x.ipynb", plan, memory_limit=0)
    with pytest.raises(ValueError, match="jobs must be an integer >= 1, got 0"):
        grade([], jobs=0)
    with pytest.raises(ValueError, match="seed must be an integer >= 0, got -1"):
        Plan(seed=-1)


def test_the_kernel_receives_arguments_never_expected_values(plan):
    checked = 0
    for name, item in plan.items.items():
        for case, payload in zip(item.cases, item.payloads, strict=True):
            assert set(json.loads(payload)) - {"repeats"} == {"args", "kwargs", "params"}
            if item.exercise.properties is not None:
                continue
            expected = item.exercise.expected(case)
            echoes = any(type(a) is np.ndarray and a.shape == np.shape(expected)
                         and np.array_equal(a, expected) for a in case.args)  # relu(zeros)
            if type(expected) is np.ndarray and expected.size >= 3 and not echoes:
                checked += 1
                assert encode(expected)["__ndarray__"] not in payload, (name, case.label)
    assert checked > 20

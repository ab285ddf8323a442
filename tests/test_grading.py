"""Unit tests of the grader's parts: planning, strict judging, reports, progress, kernels.

The end-to-end behaviour against crafted submissions is in test_grading_defences.py, on
the lesson notebooks in test_grading_notebooks.py, and with nbgrader in
test_grading_nbgrader.py.
"""

import base64
import csv
import io
import json
import os
import pickle
import re
import sys
from pathlib import Path

import numpy as np
import pytest

from nnlessons.exercises import EXERCISES
from nnlessons.exercises.codec import encode
from nnlessons.exercises.runner import run_encoded
from nnlessons.grading import (
    Plan,
    Progress,
    SubmissionGrade,
    grade_submission,
    kernel_side,
    write_csv,
)
from nnlessons.grading import plan as plan_module
from nnlessons.grading.batch import _changes, build_runtime, fingerprint, labels_for
from nnlessons.grading.kernel import KernelSession
from nnlessons.grading.plan import STUBS, definitions, own_cell
from nnlessons.grading.report import (
    csv_cell,
    feedback_html,
    feedback_markdown,
    hidden_reason,
    printable,
    write_feedback,
)
from nnlessons.grading.runner import Refused, malformed_record, read_bytes, read_notebook
from nnlessons.grading.sandbox import Sandbox, probe


@pytest.fixture(scope="module")
def runtime(tmp_path_factory):
    """The kernel-side code importable here, as in a kernel (``_nlgrade``)."""
    folder = build_runtime(tmp_path_factory.mktemp("runtime"))
    sys.path.insert(0, str(folder))
    yield folder
    sys.path.remove(str(folder))


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

def test_assigned_comes_from_the_file_name_never_from_the_notebook(plan):
    assert plan.assigned("01_neuron.ipynb") == ["sigmoid", "neuron_output"]
    assert plan.assigned("alice/ps1/03_feedforward.ipynb") == ["layer_forward", "count_params"]
    assert plan.assigned("mine.ipynb") == []


def test_only_accepts_names_lessons_and_numbers():
    assert Plan(only=["relu", "01"]).only == ["sigmoid", "neuron_output", "relu"]
    assert Plan(only=["04_loss"]).assigned("01_neuron.ipynb") == ["mse", "center"]
    with pytest.raises(ValueError, match="exercises must name exercises or lessons.*'nope'"):
        Plan(only=["nope"])


def test_the_default_seed_is_fresh_and_secret():
    seeds = {Plan(only=["00"]).seed for _ in range(5)}
    assert len(seeds) > 1 and 0 not in seeds


def test_the_grader_s_reading_of_a_notebook_is_bounded():
    cells = [(n, f"import a{n}\n" + "a = %x\n" * 60) for n in range(12)]
    cache = {}
    kept = definitions(cells, own=", ".join(f"a{n}" for n in range(12)), cache=cache)
    assert cache["transformed"] <= plan_module.MAX_TRANSFORMED_LINES
    assert 0 < len(kept) < len(cells)  # the first cells only went through the transformer
    long = [(1, "import a\n" + "a = %x\n" * (plan_module.MAX_TRANSFORM_LINES + 1))]
    assert definitions(long) == []  # too long to transform: not used
    assert definitions([(1, "import numpy as np\n" + "x = 1\n" * 5000)], own="np") != []
    big = (2, "x" * (plan_module.MAX_CELL_CHARS + 1))
    kept, left_out = plan_module.screen_cells([(1, "x = 1"), big])
    assert kept == [(1, "x = 1")] and left_out[0][0] == 2
    with pytest.raises(plan_module.TooComplex, match="characters of code"):
        plan_module.screen_cells([(n, "x" * 90_000) for n in range(6)])
    with pytest.raises(plan_module.TooComplex, match="code cells"):
        plan_module.screen_cells([(n, "x") for n in range(plan_module.MAX_CODE_CELLS + 1)])


def test_definitions_keep_imports_used_functions_and_classes():
    cells = [(1, "import numpy as np\nimport matplotlib.pyplot as plt\nx = np.ones(3)"),
             (2, "%matplotlib inline\n@staticmethod\ndef helper(z):\n    return np.tanh(z)"
                 "\nprint(helper(1))"),
             (3, "class Box:\n    size = 2\nBox()"),
             (4, "def sigmoid(z):\n    return helper(z)\nsigmoid(1)")]
    assert own_cell(cells, "sigmoid") == cells[3]
    assert own_cell(cells, "relu") is None
    kept = definitions(cells, skip=4, own=cells[3][1])
    assert [n for n, _ in kept] == [1, 2, 3]
    assert kept[0][1] == "import numpy as np\n"
    assert "plt" not in "".join(t for _, t in kept) and "print" not in kept[1][1]
    assert kept[1][1].splitlines()[1:3] == ["@staticmethod", "def helper(z):"]
    assert "Box()" not in kept[2][1]


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


def test_hidden_phase_records_never_shape_a_public_message(plan):
    item = plan.items["relu"]
    (first, _), (hidden, _) = item.public[0], item.hidden[0]
    wrong = _reply(plan, "relu", first, lambda z: z * 0.0 - 1.0)
    leak = {"exercise": "relu", "touched": ["softmax", "sigmoid", "mse"]}
    hidden_wrong = _reply(plan, "relu", hidden, lambda z: z * 0.0 - 1.0)
    for hidden_records in ([leak, hidden_wrong], [leak, {"exercise": "relu", "missing": True}]):
        report = plan.judge("relu", [wrong], hidden_records=hidden_records)
        message = report.cases[first].message
        assert report.cases[first].kind.value == "wrong_value", message
        assert not any(n in message for n in ("softmax", "sigmoid", "mse")), message
        assert report.cases[hidden].kind.value == "forbidden"
    leaky = plan.judge("relu", [wrong, leak])  # touched in the public phase: named there
    assert "softmax" in leaky.cases[first].message


@pytest.mark.parametrize("record", [
    [1], {"exercise": "relu", "case": [0]}, {"exercise": "relu", "case": True},
    {"exercise": "relu", "case": 0, "reply": b"{}"}, {"exercise": "relu", "touched": [1]},
    {"exercise": "relu", "touched": "relu"}, {"exercise": "relu", "missing": 1},
    {"exercise": ["relu"]}, {"case": 0}, {"exercise": "relu", "extra": 1},
    {"exercise": "relu", "cell": 1.0}, {"exercise": "relu", "error": None}])
def test_records_of_the_wrong_shape_are_named(record):
    assert malformed_record(record)


def test_records_the_kernel_side_sends_are_well_formed():
    for record in [{"exercise": "relu", "missing": True, "touched": []},
                   {"exercise": "relu", "cell": 3, "error": "E"},
                   {"exercise": "relu", "case": 0, "crash": "E"},
                   {"exercise": "relu", "case": 1, "reply": "{}", "touched": ["sigmoid"]}]:
        assert malformed_record(record) is None


def _setup(plan, name, source, cases=None):
    sent = []
    saved = sys.modules.get("nnlessons")
    try:
        kernel_side.setup(name, list(EXERCISES[name].allowed), plan.stub_source(name), [],
                          (3, source), plan.items[name].public if cases is None else cases,
                          send=sent.append)
    finally:
        sys.modules["nnlessons"] = saved
        sys.meta_path[:] = [f for f in sys.meta_path if type(f).__name__ != "_Blocker"]
    return sent


def test_missing_function_is_reported_by_name(plan, runtime):
    sent = _setup(plan, "relu", "x = 1")
    report = plan.judge("relu", sent)
    assert {c.message for c in report.cases} == {"the notebook defines no function named relu"}


def test_kernel_side_survives_exotic_exceptions_and_reports_cells(plan, runtime):
    source = ("class Exotic(BaseException):\n    pass\n\n"
              "def relu(z):\n    raise Exotic('secret')\n\n1 / 0")
    sent = _setup(plan, "relu", source, plan.items["relu"].public[:2])
    assert sent[0] == {"exercise": "relu", "cell": 3, "error": "ZeroDivisionError: "
                       "division by zero"}
    assert [r.get("crash") for r in sent[1:]] == ["Exotic", "Exotic"]
    with pytest.raises(KeyboardInterrupt):
        _setup(plan, "relu", "def relu(z):\n    raise KeyboardInterrupt")


def test_the_kernel_s_nnlessons_exposes_only_what_the_exercise_allows(plan, runtime):
    sent = _setup(plan, "sigmoid", "import nnlessons as nl\n\ndef sigmoid(z):\n"
                                   "    return nl.sigmoid(z)")
    report = plan.judge("sigmoid", sent)
    assert report.n_passed == 0
    assert report.cases[0].message == ("your `sigmoid` calls the package's sigmoid: write it "
                                       "with numpy")
    sent = _setup(plan, "neuron_output", "import numpy as np\nimport nnlessons as nl\n"
                  "def neuron_output(weights, bias, x):\n"
                  "    return float(nl.sigmoid(np.dot(weights, x) + bias))")
    report = plan.judge("neuron_output", sent)
    assert [c.passed for c in report.cases] == [c.public for c in plan.items[
        "neuron_output"].cases]
    sent = _setup(plan, "neuron_output", "import nnlessons as nl\n"
                  "def neuron_output(weights, bias, x):\n"
                  "    return nl.exercises.get_exercise('neuron_output').reference(weights, "
                  "bias, x)")
    assert "calls the package's exercises" in plan.judge("neuron_output", sent).cases[0].message
    assert set(STUBS) >= {a for ex in EXERCISES.values() for a in ex.allowed}


# --- reports ------------------------------------------------------------------------------

def test_hidden_reasons_say_only_the_kind_of_failure():
    assert hidden_reason("wrong_shape") == "wrong shape or length"
    assert hidden_reason("wrong_type") == "wrong type of answer"
    assert hidden_reason("raised") == "raised an exception"
    assert hidden_reason("raised ValueError: LEAKED 0.123") == "wrong answer"   # not a kind


def test_outputs_neutralise_formulas_and_control_characters(plan):
    assert [csv_cell(t) for t in ("=1+2", "+1", "-1", "@x", "\tx", "\rx", "ok.ipynb")] == [
        "'=1+2", "'+1", "'-1", "'@x", "'\tx", "'\rx", "ok.ipynb"]
    assert printable("a\rb\x1b[2Jc\u202ed\ne") == "a\\rb\\x1b[2Jc\\u202ed\\ne"
    grade = _grade(plan, "relu", lambda z: 1 / 0)
    grade.submission = "# =bad\r\x1b[31m.ipynb"
    text = feedback_markdown(grade)
    assert text.splitlines()[0] == "# Feedback: \\# =bad\\\\r\\\\x1b\\[31m.ipynb"
    assert "\r" not in text and "\x1b" not in text
    assert "\x1b" not in feedback_html(grade) and "\r" not in feedback_html(grade)


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


def test_feedback_file_names_never_collide_and_one_failure_stops_nothing(tmp_path):
    labels = ["a/01_neuron.ipynb", "a/01_neuron.md/01_neuron.ipynb", "a__01_neuron.ipynb",
              "b/01_neuron.ipynb", "c/01_neuron.ipynb", "z/01_neuron.ipynb"]
    grades = [SubmissionGrade(label, label) for label in labels]
    (tmp_path / "c" / "01_neuron.md").mkdir(parents=True)  # left by an earlier run
    written = write_feedback(grades, tmp_path, ("md", "html"))
    assert len(written) == len(set(written)) == 2 * len(labels)
    for grade in grades:
        title = f"Feedback: {grade.submission}<"
        assert sum(p.read_text().count(title) == 2 for p in written) == 1, grade.submission
        heading = "# Feedback: " + grade.submission.replace("_", "\\_") + "\n"
        assert sum(p.read_text().startswith(heading) for p in written) == 1, grade.submission
    assert tmp_path / "b" / "01_neuron.md" in written
    assert tmp_path / "z" / "01_neuron.html" in written


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


def test_only_regular_files_up_to_the_limit_are_read(plan, tmp_path):
    regular = tmp_path / "01_neuron.ipynb"
    regular.write_bytes(b"x" * 100)
    assert read_bytes(regular, max_bytes=100) == b"x" * 100
    with pytest.raises(Refused, match="larger than the limit of 99 bytes"):
        read_bytes(regular, max_bytes=99)
    fifo = tmp_path / "fifo" / "01_neuron.ipynb"
    fifo.parent.mkdir()
    os.mkfifo(fifo)
    link = tmp_path / "link" / "01_neuron.ipynb"
    link.parent.mkdir()
    link.symlink_to("/dev/zero")
    for path, reason in ((fifo, "not a regular file"), (link, "symbolic link"),
                         (tmp_path / "link", "not a regular file")):
        with pytest.raises(Refused, match=reason):
            read_bytes(path)
    grade = grade_submission(fifo, plan)
    assert (grade.status, grade.total, grade.max) == ("refused", 0, 2)


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

@pytest.mark.slow
def test_kernel_without_sandbox_runs_code_with_a_memory_limit(runtime):
    with KernelSession(memory_limit=1536 * 1024 ** 2, runtime=str(runtime)) as kernel:
        check = kernel.run("import os, resource\n"
                           "assert resource.getrlimit(resource.RLIMIT_AS)[0] == 1536 * 2 ** 20\n"
                           f"assert os.getcwd() == {kernel.workdir!r}\n"
                           "print('x' * 1000)", timeout=30)
        assert (check.status, check.output_bytes) == ("ok", 0), check.error  # printed: nowhere
        raised = kernel.run("raise ValueError('boom')", timeout=30)
        assert raised.status == "error" and "ValueError: boom" in raised.error
        assert kernel.run("exit()", timeout=30).status == "error"
        assert kernel.alive()


@pytest.mark.slow
def test_sandbox_probe_and_a_sandboxed_kernel(runtime):
    sandbox = Sandbox(memory_limit=1024 ** 3)
    if not sandbox.available() or os.geteuid() != 0:
        pytest.skip("bubblewrap, or root, is not available here")
    assert probe(sandbox) == []
    with KernelSession(memory_limit=1024 ** 3, sandbox=sandbox, runtime=str(runtime)) as kernel:
        check = kernel.run(
            "import os, resource, sys, sysconfig\n"
            "assert os.getuid() != 0 and os.getpid() < 10, os.getpid()\n"
            "assert 'NNLESSONS_TEST_VISIBLE' not in os.environ and 'JPY_PARENT_PID' not in "
            "os.environ\n"
            "assert resource.getrlimit(resource.RLIMIT_AS) == (2 ** 30, 2 ** 30)\n"
            "assert resource.getrlimit(resource.RLIMIT_NPROC)[1] == 128\n"
            "assert not os.access(sysconfig.get_paths()['purelib'], os.W_OK)\n"
            "import importlib.util\n"
            "assert importlib.util.find_spec('nnlessons') is None\n"
            "assert sorted(os.listdir('/opt/nnlessons-grading')) == ['_nlgrade']", timeout=30)
        assert check.status == "ok", check.error


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
    import hostile

    by_name = {**crafted.BY_NAME, **{c.name: c for c in hostile.hostile()}}

    claims = re.findall(r"`(\w+)` → (\d+) / (\d+)", (DOCS / "threat-model.md").read_text())
    claims += [(n.strip("` "), a, b) for names, a, b in re.findall(
        r"((?:`\w+`, )+`\w+`) → (\d+) / (\d+)", (DOCS / "threat-model.md").read_text())
        for n in names.split(",")]
    assert len(claims) >= 12
    for name, total, maximum in claims:
        spec = by_name[name]
        assert all(isinstance(v, int) for v in spec.scores.values()), name
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
    with pytest.raises(ValueError, match="budget must be > 0, got 0"):
        grade_submission(tmp_path / "x.ipynb", plan, budget=0)
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


def test_gradescope_never_grades_without_the_sandbox_nor_stores_a_seed(tmp_path, monkeypatch,
                                                                       capsys):
    import zipfile

    from nnlessons.grading import gradescope

    config = gradescope.build(["01"], tmp_path / "autograder.zip")
    zipfile.ZipFile(tmp_path / "autograder.zip").extractall(tmp_path / "source")
    stored = json.loads((tmp_path / "source" / "config.json").read_text())
    assert "seed" not in config and "seed" not in stored
    marker = tmp_path / "ran"
    notebook = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
         "source": f"open({str(marker)!r}, 'w').close()\n\ndef sigmoid(z):\n    return z"}]}
    (tmp_path / "submission").mkdir()
    (tmp_path / "submission" / "01_neuron.ipynb").write_text(json.dumps(notebook))
    monkeypatch.setattr(gradescope, "probe", lambda sandbox: ["bwrap: no user namespaces"])
    assert gradescope.main(tmp_path) == 0
    data = json.loads((tmp_path / "results" / "results.json").read_text())
    assert data["score"] == 0 and data["output"] == gradescope.UNAVAILABLE
    assert [t["score"] for t in data["tests"]] == [0, 0]
    assert "bwrap: no user namespaces" in capsys.readouterr().out
    assert not marker.exists()
    assert sorted(p.name for p in (tmp_path / "results").iterdir()) == ["results.json"]


def test_gradescope_grades_one_notebook_per_lesson_never_the_best_of_several(tmp_path):
    from nnlessons.grading.gradescope import chosen_notebooks

    plan = Plan(seed=0, only=["01"])
    tries = [tmp_path / f"try{i}.ipynb" for i in range(8)]
    assert chosen_notebooks(tries, plan)[0] == []
    assert "none is named after the lesson" in chosen_notebooks(tries, plan)[1]
    named = [tmp_path / "a" / "01_neuron.ipynb", tmp_path / "b" / "01_neuron.ipynb"]
    assert chosen_notebooks(sorted(tries + named), plan)[0] == [named[0]]
    assert chosen_notebooks(tries[:1], plan) == (tries[:1], "")
    assert chosen_notebooks([], plan)[0] == []

"""The grader against broken and hostile submissions (tests/submissions/crafted.py).

One batch grades every crafted submission (two kernels at a time, 3 s time limit, 1.5 GiB
memory limit); each test then checks one defence on its row: the expected score, the
status, and the evidence that the defence (not luck) gave it.
"""

import hashlib
import json
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from nnlessons.exercises import get_exercise
from nnlessons.exercises.runner import run_case
from nnlessons.grading import GraderError, feedback_html, feedback_markdown, grade, write_json

sys.path.insert(0, str(Path(__file__).parent / "submissions"))
import crafted  # noqa: E402

TIMEOUT = 3.0
MEMORY = 1536 * 1024 ** 2


def _digest(paths):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    folder = tmp_path_factory.mktemp("crafted")
    marker = folder / "forged-pickle-ran"
    paths = crafted.write_all(folder, marker=marker)
    before = _digest(paths)
    grades = grade(paths, jobs=2, timeout=TIMEOUT, memory_limit=MEMORY, watch=())
    return SimpleNamespace(paths=paths, before=before, marker=marker, folder=folder,
                           rows={Path(g.path).stem: g for g in grades}, grades=grades)


def _partial_expected(name, source):
    """Points for ``source``'s function, judged in-process by the exercise bank."""
    namespace = {"np": __import__("numpy")}
    exec(source, namespace)
    exercise = get_exercise(name)
    cases = exercise.cases(hidden=True, seed=0)
    passed = sum(run_case(exercise, case, namespace[name]).passed for case in cases)
    return exercise.points * passed / len(cases), passed


@pytest.mark.parametrize("name", [c.name for c in crafted.CRAFTED])
def test_crafted_submission_gets_its_expected_score(batch, name):
    spec, row = crafted.BY_NAME[name], batch.rows[name]
    assert row.status == spec.status, row.events
    assert list(row.reports) == list(spec.scores)
    for exercise, expected in spec.scores.items():
        if expected is None:
            expected, _ = _partial_expected(exercise, crafted.SCALAR_SIGMOID)
        assert row.reports[exercise].earned == pytest.approx(expected), (exercise, row.events)


def test_partial_credit_is_per_case(batch):
    expected, passed = _partial_expected("sigmoid", crafted.SCALAR_SIGMOID)
    report = batch.rows["partial"].reports["sigmoid"]
    assert 0 < passed < len(report.cases)
    assert report.n_passed == passed
    assert [c.passed for c in report.cases][:2] == [True, True]


def test_whole_batch_is_graded(batch):
    assert len(batch.grades) == len(crafted.CRAFTED)
    assert all(g.status != "grader-error" for g in batch.grades)


def test_grader_never_modifies_a_submission(batch):
    assert _digest(batch.paths) == batch.before


def test_interrupt_stops_a_loop_and_the_kernel_goes_on(batch):
    events = batch.rows["loop_cell"].events
    assert [e["status"] for e in events] == ["timeout"]
    function = batch.rows["loop_function"]
    assert {"exercise": "sigmoid", "status": "timeout"}.items() <= function.events[0].items()
    assert all("time limit" in c.message for c in function.reports["sigmoid"].cases)


def test_swallowed_interrupt_kills_and_replaces_the_kernel(batch):
    cell = batch.rows["swallow_cell"]
    assert [(e.get("cell"), e["status"]) for e in cell.events] == [(3, "killed")]
    assert cell.reports["neuron_output"].passed
    function = batch.rows["swallow_function"]
    assert [(e.get("exercise"), e["status"]) for e in function.events] == [("sigmoid", "killed")]
    assert function.reports["neuron_output"].passed


def test_dead_kernel_fails_the_rest_and_never_passes_it(batch):
    died = batch.rows["exit_function"]
    assert died.reports["sigmoid_derivative"].passed
    assert all("kernel died" in c.message for c in died.reports["tanh_derivative"].cases)
    for name in ("relu", "softmax"):
        assert not any(c.passed for c in died.reports[name].cases)
        assert all("kernel died" in c.message for c in died.reports[name].cases)
    early = batch.rows["exit_cell"]
    assert [e["status"] for e in early.events] == ["died"]
    assert early.total == 0 and early.max == 2


def test_memory_limit_turns_a_blow_up_into_a_memory_error(batch):
    row = batch.rows["memory"]
    assert all("MemoryError" in c.message for c in row.reports["sigmoid"].cases)
    assert any("MemoryError" in e["error"] for e in row.events if "cell" in e)


def test_impostors_are_refused_by_type(batch):
    row = batch.rows["impostors"]
    messages = [c.message for r in row.reports.values() for c in r.cases]
    assert all(m.startswith("returned a") for m in messages), messages
    assert any("Quiet" in m for m in messages) and any("AlwaysEqual" in m for m in messages)
    assert any("FloatLike" in m for m in messages)


def test_forged_replies_are_read_strictly_and_never_unpickled(batch):
    row = batch.rows["forge"]
    assert not batch.marker.exists()
    assert all(c.message == "the answer could not be read back from the notebook"
               for c in row.reports["sigmoid"].cases)


def test_monkeypatching_and_planted_files_change_nothing(batch):
    assert batch.rows["monkeypatch"].total == 0
    assert batch.rows["correct"].total == 2
    assert batch.rows["monkeypatch"].status == "ok"


def test_feedback_never_shows_hidden_inputs_or_expected_values(batch):
    row = batch.rows["leak"]
    for text in (feedback_markdown(row), feedback_html(row)):
        hidden = [line for line in text.splitlines() if "hidden case" in line]
        assert hidden and not any("LEAKED" in line for line in hidden)
        assert "expected" not in " ".join(hidden)
    public = [c for c in row.reports["sigmoid"].cases if not c.label.startswith("hidden")]
    assert all("LEAKED-INPUT" in c.message for c in public)
    wrong = feedback_markdown(batch.rows["wrong"])
    for line in wrong.splitlines():
        if "hidden case" in line:
            assert line.endswith(": wrong value"), line


def test_megabytes_of_output_are_counted_not_stored(batch, tmp_path):
    row = batch.rows["output"]
    assert row.reports["sigmoid"].passed
    write_json([row], tmp_path / "report.json")
    assert (tmp_path / "report.json").stat().st_size < 50_000
    assert json.loads((tmp_path / "report.json").read_text())["submissions"][0]["total"] == 2


def test_exit_calls_do_not_stop_grading(batch):
    row = batch.rows["exits"]
    assert [e["cell"] for e in row.events] == [4, 6, 7, 8]
    assert all("SystemExit" in e["error"] for e in row.events)


def test_same_scores_when_run_twice(batch):
    names = ["partial", "impostors", "wrong", "exits"]
    again = grade([batch.folder / f"{n}.ipynb" for n in names], jobs=2, timeout=TIMEOUT,
                  memory_limit=MEMORY, watch=())
    for second in again:
        first = batch.rows[Path(second.path).stem]
        assert second.status == first.status, second.events
        assert [(c.label, c.passed, c.message) for r in second.reports.values()
                for c in r.cases] == [(c.label, c.passed, c.message)
                                      for r in first.reports.values() for c in r.cases]


def test_changes_to_watched_package_files_stop_the_batch(tmp_path):
    watched = tmp_path / "package"
    watched.mkdir()
    (watched / "module.py").write_text("x = 1\n")
    spec = crafted.Crafted("tamper", [crafted.IMPORTS, crafted.SIGMOID,
                                      f"open({str(watched / 'module.py')!r}, 'w').write('x = 2')"],
                           {}, "ok")
    path = tmp_path / "tamper.ipynb"
    path.write_text(json.dumps(crafted.notebook(spec)))
    with pytest.raises(GraderError, match="module.py"):
        grade([path], jobs=1, timeout=TIMEOUT, memory_limit=MEMORY, watch=[watched])

"""The grader against broken and hostile submissions (tests/submissions/crafted.py and
hostile.py).

One batch grades every hostile submission first (one per breach of issue 9, plus files
that are not notebooks), then every crafted one (two sandboxed kernels at a time, 3 s time
limit, 15 s budget per submission, 1.5 GiB memory limit, a fresh secret seed, the
package's own files watched); each test then checks one defence on its row: the expected
score, the status, and the evidence that the defence (not luck) gave it. Honest rows must
come out exactly as they would alone.
"""

import csv
import hashlib
import io
import os
import re
import resource
import sys
import sysconfig
from pathlib import Path
from types import SimpleNamespace

import pytest

from nnlessons.exercises import EXERCISES, get_exercise
from nnlessons.exercises.runner import run_case
from nnlessons.grading import (
    GraderError,
    Plan,
    Progress,
    feedback_html,
    feedback_markdown,
    grade,
    write_csv,
    write_json,
)

sys.path.insert(0, str(Path(__file__).parent / "submissions"))
import crafted  # noqa: E402
import hostile  # noqa: E402

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT, BUDGET, MAX_BYTES = 3.0, 15.0, 2 * 1024 ** 2
MEMORY = 1536 * 1024 ** 2
SECRET = "grader-secret-7f3a9"


def _digest(paths):
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in paths
            if p.is_file() and not p.is_symlink()}


def _attack_files():
    site = sysconfig.get_paths()["purelib"]
    return [Path(site) / "zz_nnlessons_attack.pth",
            Path(sys.prefix, "etc", "ipython", "profile_default", "startup",
                 "00-nnlessons-attack.py"),
            Path(sys.prefix, "etc", "ipython", "ipython_config.py")]


def _sleepers():
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if Path(f"/proc/{pid}/cmdline").read_bytes() == b"sleep\x004242\x00":
                found.append(pid)
        except OSError:
            pass
    return found


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    folder = tmp_path_factory.mktemp("crafted")
    marker = folder / "forged-pickle-ran"
    specs = hostile.hostile()
    attack_before = [p.exists() for p in _attack_files()]
    hostile_paths = crafted.write_all(folder, marker=marker, crafted_list=specs)
    hostile_paths += hostile.write_special(folder, ROOT / "solutions", MAX_BYTES)
    honest_paths = crafted.write_all(folder, marker=marker)
    paths = hostile_paths + honest_paths
    before = _digest(paths)
    plan = Plan()
    log = io.StringIO()
    os.environ["NNLESSONS_TEST_SECRET"] = SECRET
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    try:
        grades = grade(paths, plan=plan, jobs=2, timeout=TIMEOUT, budget=BUDGET,
                       memory_limit=MEMORY, max_bytes=MAX_BYTES, progress=Progress(
                           len(paths), stream=log))
    finally:
        del os.environ["NNLESSONS_TEST_SECRET"]
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    specs = {s.name: s for s in specs + crafted.CRAFTED}
    return SimpleNamespace(paths=paths, before=before, marker=marker, folder=folder,
                           plan=plan, log=log.getvalue(), specs=specs, grades=grades,
                           rows={Path(g.path).parent.name: g for g in grades},
                           attack_before=attack_before, rss=(rss_before, rss_after))


def _in_process(name, source, seed):
    """Points for ``source``'s function ``name``, judged in-process by the exercise bank."""
    namespace = {"np": __import__("numpy")}
    exec(source, namespace)
    exercise = get_exercise(name)
    cases = exercise.cases(hidden=True, seed=seed)
    passed = sum(run_case(exercise, case, namespace[name]).passed for case in cases)
    return exercise.points * passed / len(cases), passed


def _expected(batch, spec, exercise, expected):
    if expected is None:
        source = crafted.SCALAR_SIGMOID if spec.name == "partial" else hostile.LENIENT
        expected, _ = _in_process(exercise, source, batch.plan.seed)
    elif expected == "public":
        item = batch.plan.items[exercise]
        expected = item.exercise.points * len(item.public) / len(item.cases)
    return expected


NOTEBOOKS = [c.name for c in crafted.CRAFTED] + [c.name for c in hostile.hostile()]


@pytest.mark.parametrize("name", NOTEBOOKS, ids=lambda n: n.encode("unicode_escape").decode())
def test_every_submission_gets_its_expected_score(batch, name):
    spec, row = batch.specs[name], batch.rows[name]
    assert row.status == spec.status, row.events
    assert list(row.reports) == list(spec.scores)
    for exercise, expected in spec.scores.items():
        expected = _expected(batch, spec, exercise, expected)
        assert row.reports[exercise].earned == pytest.approx(expected), (exercise, row.events)


@pytest.mark.parametrize("name", hostile.SPECIAL)
def test_files_that_are_not_notebooks_are_refused_unread(batch, name):
    row = batch.rows[name]
    assert (row.status, row.total, row.max) == ("refused", 0, 2)
    reason = row.events[0]["error"]
    assert {"fifo": "not a regular file", "devzero": "symbolic link", "huge": "larger than",
            "symlinked": "symbolic link"}[name] in reason


def test_whole_batch_is_graded_and_no_submission_modified(batch):
    assert len(batch.grades) == len(batch.paths)
    assert all(g.status != "grader-error" for g in batch.grades)
    assert _digest(batch.paths) == batch.before
    assert not batch.marker.exists()


# --- issue 9, item by item -------------------------------------------------------------------

def test_1_nothing_written_to_site_packages_or_ipython_startup(batch):
    assert [p.exists() for p in _attack_files()] == batch.attack_before
    assert batch.rows["site_hook"].total == 0
    assert batch.rows["correct"].total == 2  # graded after the attack, in the same batch


def test_2_no_process_outlives_its_kernel_and_kernels_cannot_see_each_other(batch):
    assert _sleepers() == []
    messages = [c.message for c in batch.rows["daemon"].reports["neuron_output"].cases
                if not c.label.startswith("hidden")]
    for message in messages:  # only its own socket folder, never another kernel's
        assert len(set(re.findall(r"nnlessons-grade-\w+", message))) == 1, message


def test_3_the_package_s_answers_earn_nothing(batch):
    row = batch.rows["answers"]
    assert row.total == 0
    for name, report in row.reports.items():
        for case in report.cases:
            assert case.message.startswith(f"your `{name}` calls the package's"), case
            assert case.kind == "forbidden"


def test_4_the_file_name_decides_what_counts_not_the_tags(batch):
    assert (batch.rows["tags"].total, batch.rows["tags"].max) == (0, 2)
    lesson_05 = sum(e.points for e in EXERCISES.values() if e.lesson == "05_backprop")
    assert (batch.rows["relabel"].total, batch.rows["relabel"].max) == (0, lesson_05)


def test_5_no_secret_seed_or_hidden_input_in_the_learner_s_feedback(batch):
    row = batch.rows["leak_secrets"]
    public = [c.message for c in row.reports["sigmoid"].cases if not c.label.startswith("hidden")]
    assert public and all("STASH None" in m for m in public), public
    assert "JPY_PARENT_PID" not in public[0] and SECRET not in public[0]
    seed = str(batch.plan.seed)
    for g in batch.grades:
        for text in (feedback_markdown(g), feedback_html(g)):
            assert SECRET not in text and "nnlessons grade" not in text
            assert f"seed {seed}" not in text and "--seed" not in text
    for case in row.reports["neuron_output"].cases:
        assert "STASH" not in case.message


def test_6_memorised_answers_get_only_the_public_cases(batch):
    report = batch.rows["memorised"].reports["sigmoid"]
    assert [c.passed for c in report.cases] == [c.public for c in batch.plan.items[
        "sigmoid"].cases]


def test_7_the_grader_s_memory_and_time_stay_bounded(batch):
    assert batch.rss[1] - batch.rss[0] < 300 * 1024  # kB: the flood did not grow the grader
    assert batch.rows["flood"].reports["neuron_output"].passed
    sleepy = batch.rows["sleepy"]
    assert sleepy.seconds < BUDGET + 10, sleepy.events


def test_8_a_symlinked_submission_is_not_followed(batch):
    assert batch.rows["symlinked"].status == "refused"


def test_9_nbgrader_s_check_patched_away_changes_nothing_here(batch):
    assert batch.rows["nbgrader_patch"].total == 0


def test_10_names_and_messages_cannot_inject(batch, tmp_path):
    row = batch.rows[hostile.INJECTED_FOLDER]
    write_csv(batch.grades, tmp_path / "grades.csv")
    with open(tmp_path / "grades.csv", newline="", encoding="utf-8") as handle:
        cells = [r[0] for r in csv.reader(handle)]
    assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells)
    assert "'=1+2\\x1b[2J\\rforged/01_neuron.ipynb" in cells
    assert not any(ch in "".join(cells) for ch in "\r\x1b")
    assert "\x1b" not in batch.log and "\r" not in batch.log
    text = feedback_markdown(row)
    assert "\r" not in text and "\x1b" not in text
    assert not any(line.startswith("# Score") for line in text.splitlines())
    page = feedback_html(row)
    assert "<script>" not in page and "\r" not in page and "\x1b" not in page


def test_11_a_malformed_message_is_that_submission_s_error(batch):
    row = batch.rows["malformed"]
    assert row.status == "error"
    assert any("could not read" in e["error"] for e in row.events), row.events


def test_13_nothing_of_the_hidden_phase_reaches_a_public_message(batch):
    report = batch.rows["hidden_touch"].reports["sigmoid"]
    item = batch.plan.items["sigmoid"]
    public = [r for r, c in zip(report.cases, item.cases, strict=True) if c.public]
    assert public and not any(r.passed for r in public)
    for result in public:
        assert not any(n in result.message for n in ("relu", "softmax", "tanh")), result
    hidden = [r for r, c in zip(report.cases, item.cases, strict=True) if not c.public]
    assert all(r.kind.value == "forbidden" for r in hidden)


def test_14_a_record_of_the_wrong_types_is_that_submission_s_error(batch):
    row = batch.rows["unhashable"]
    assert row.status == "error"
    assert any("malformed result record" in e["error"] for e in row.events), row.events


def test_15_the_grader_s_reading_of_the_text_is_bounded(batch):
    magics, big = batch.rows["magics"], batch.rows["big_cell"]
    assert magics.seconds < BUDGET, magics.events
    assert any("characters (the limit is" in e["error"] for e in big.events), big.events


def test_12_lenient_judges_agree_in_and_out_of_process(batch):
    assert batch.rows["lenient"].status == "ok"


def test_12_shuffles_that_ignore_rng_do_not_get_full_marks(batch):
    row = batch.rows["lenient"]
    assert row.total < row.max


# --- the older defences ----------------------------------------------------------------------

def test_partial_credit_is_per_case(batch):
    expected, passed = _in_process("sigmoid", crafted.SCALAR_SIGMOID, batch.plan.seed)
    report = batch.rows["partial"].reports["sigmoid"]
    assert 0 < passed < len(report.cases)
    assert report.n_passed == passed
    assert [c.passed for c in report.cases][:2] == [True, True]


def test_interrupt_stops_a_loop_and_the_kernel_goes_on(batch):
    assert [e["status"] for e in batch.rows["loop_cell"].events] == ["timeout"]
    function = batch.rows["loop_function"]
    assert {"exercise": "sigmoid", "status": "timeout"}.items() <= function.events[0].items()
    assert all("time limit" in c.message for c in function.reports["sigmoid"].cases)


def test_swallowed_interrupt_kills_and_replaces_the_kernel(batch):
    for name in ("swallow_cell", "swallow_function"):
        row = batch.rows[name]
        assert [(e.get("exercise"), e["status"]) for e in row.events] == [("sigmoid", "killed")]
        assert row.reports["neuron_output"].passed


def test_dead_kernel_fails_its_exercise_and_a_fresh_one_grades_the_rest(batch):
    died = batch.rows["exit_function"]
    assert died.reports["sigmoid_derivative"].passed and died.reports["softmax"].passed
    assert all("kernel died" in c.message for c in died.reports["tanh_derivative"].cases)


def test_memory_limit_is_reported_as_memory(batch):
    row = batch.rows["memory"]
    assert all("MemoryError" in c.message for c in row.reports["sigmoid"].cases
               if not c.label.startswith("hidden"))
    assert any("MemoryError" in e["error"] for e in row.events if "cell" in e)


def test_impostors_are_refused_by_type(batch):
    messages = [c.message for r in batch.rows["impostors"].reports.values() for c in r.cases]
    assert all(m.startswith("returned a") for m in messages), messages
    assert any("Quiet" in m for m in messages) and any("AlwaysEqual" in m for m in messages)


def test_forged_replies_are_read_strictly_and_never_unpickled(batch):
    assert not batch.marker.exists()
    assert all(c.message == "the answer could not be read back from the notebook"
               for c in batch.rows["forge"].reports["sigmoid"].cases)


def test_feedback_never_shows_hidden_inputs_or_expected_values(batch):
    row = batch.rows["leak"]
    for text in (feedback_markdown(row), feedback_html(row)):
        hidden = [line for line in text.splitlines() if "hidden case" in line]
        assert hidden and not any("LEAKED" in line for line in hidden)
        assert "expected" not in " ".join(hidden)


def test_megabytes_of_output_are_counted_not_stored(batch, tmp_path):
    row = batch.rows["output"]
    assert row.reports["sigmoid"].passed
    write_json([row], tmp_path / "report.json")
    assert (tmp_path / "report.json").stat().st_size < 50_000


def test_exit_calls_do_not_stop_grading(batch):
    row = batch.rows["exits"]
    assert [e["cell"] for e in row.events] == [3, 4]  # the own cells of sigmoid, neuron
    assert all("SystemExit" in e["error"] for e in row.events)


def test_same_scores_with_the_same_seed(batch):
    names = ["partial", "impostors", "wrong", "memorised"]
    paths = [next(p for p in batch.paths if p.parent.name == n) for n in names]
    again = grade(paths, plan=Plan(seed=batch.plan.seed), jobs=2, timeout=TIMEOUT,
                  memory_limit=MEMORY, watch=())
    for second in again:
        first = batch.rows[Path(second.path).parent.name]
        assert [(c.label, c.passed, c.message) for r in second.reports.values()
                for c in r.cases] == [(c.label, c.passed, c.message)
                                      for r in first.reports.values() for c in r.cases]


def test_without_the_sandbox_changes_to_watched_files_stop_the_batch(tmp_path):
    watched = tmp_path / "package"
    watched.mkdir()
    (watched / "module.py").write_text("x = 1\n")
    spec = crafted.Crafted("tamper", [crafted.IMPORTS, crafted.SIGMOID + "\n\nopen(" +
                                      repr(str(watched / "module.py")) + ", 'w').write('x')"],
                           {}, "ok")
    [path] = crafted.write_all(tmp_path / "in", crafted_list=[spec])
    with pytest.raises(GraderError, match="module.py"):
        grade([path], jobs=1, timeout=TIMEOUT, memory_limit=MEMORY, watch=[watched],
              sandbox=False)
    (watched / "module.py").write_text("x = 1\n")
    result = grade([path], jobs=1, timeout=TIMEOUT, memory_limit=MEMORY, watch=[watched])
    assert (watched / "module.py").read_text() == "x = 1\n"
    assert "Read-only file system" in result[0].events[0]["error"] or \
        "No such file" in result[0].events[0]["error"]

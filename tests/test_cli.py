"""The ``nnlessons`` command: argument checks, exit statuses, outputs, ``release``."""

import csv
import json
import subprocess
import sys
import types
from pathlib import Path

import pytest

import nnlessons
from nnlessons import cli

sys.path.insert(0, str(Path(__file__).parent / "submissions"))
import crafted  # noqa: E402


@pytest.mark.parametrize("args, message", [
    (["--timeout", "-1"], "--timeout must be > 0, got -1"),
    (["--timeout", "soon"], "--timeout must be a number, got 'soon'"),
    (["--jobs", "0"], "--jobs must be > 0, got 0"),
    (["--memory-limit", "lots"], "--memory-limit must be a size like 2G, 512M or none"),
    (["--seed", "-3"], "--seed must be an integer >= 0, got '-3'"),
    (["--budget", "0"], "--budget must be > 0, got 0"),
])
def test_bad_options_are_usage_errors(args, message, capsys, tmp_path):
    notebook = tmp_path / "a.ipynb"
    notebook.write_text("{}")
    with pytest.raises(SystemExit) as exit_:
        cli.main(["grade", str(notebook), *args])
    assert exit_.value.code == 2
    assert message in capsys.readouterr().err


def test_missing_paths_and_unknown_exercises_are_usage_errors(capsys, tmp_path):
    assert cli.main(["grade", str(tmp_path / "typo.ipynb")]) == 2
    assert "SUBMISSION must be an existing notebook or folder" in capsys.readouterr().err
    notebook = tmp_path / "a.ipynb"
    notebook.write_text("{}")
    assert cli.main(["grade", str(notebook), "--exercises", "sigmoid,nope"]) == 2
    assert "exercises must name exercises or lessons" in capsys.readouterr().err
    (tmp_path / "empty").mkdir()
    assert cli.main(["grade", str(tmp_path / "empty")]) == 2
    assert "no notebooks found" in capsys.readouterr().err


def test_folders_expand_to_their_notebooks(tmp_path):
    (tmp_path / "ann" / ".ipynb_checkpoints").mkdir(parents=True)
    (tmp_path / "ann" / "01.ipynb").write_text("{}")
    (tmp_path / "ann" / ".ipynb_checkpoints" / "01-checkpoint.ipynb").write_text("{}")
    (tmp_path / "bo.ipynb").write_text("{}")
    found = cli.find_notebooks([tmp_path, tmp_path / "bo.ipynb"])
    assert found == [tmp_path / "ann" / "01.ipynb", tmp_path / "bo.ipynb"]


def test_release_is_delegated_to_the_authoring_tool(monkeypatch):
    calls = []
    fake = types.ModuleType("nnlessons.authoring")
    fake.main = lambda argv: calls.append(argv) or 0
    monkeypatch.setitem(sys.modules, "nnlessons.authoring", fake)
    monkeypatch.setattr(nnlessons, "authoring", fake, raising=False)
    assert cli.main(["release", "--check", "01"]) == 0
    assert calls == [["release", "--check", "01"]]


def test_folders_list_symlinks_without_following_them(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "01.ipynb").write_text("{}")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "linked").symlink_to(tmp_path / "real")
    (tmp_path / "in" / "02.ipynb").symlink_to(tmp_path / "real" / "01.ipynb")
    assert cli.find_notebooks([tmp_path / "in"]) == [tmp_path / "in" / "02.ipynb"]


@pytest.mark.slow
def test_grade_writes_every_output_and_exits_0(tmp_path):
    [good] = crafted.write_all(tmp_path / "in", names=["correct"])
    garbage = tmp_path / "in" / "01_neuron.ipynb"
    garbage.write_text("this is not a notebook")
    (tmp_path / "seed").write_text("7\n")
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "nnlessons.cli", "grade", str(good), str(garbage),
         "--out", str(out / "grades.csv"), "--json", str(out / "report.json"),
         "--feedback", str(out / "feedback"), "--html", "--timeout", "30", "--jobs", "2",
         "--seed-file", str(tmp_path / "seed"), "--memory-limit", "1536M"],
        capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(open(out / "grades.csv")))
    assert [(r["submission"], r["total"], r["max"], r["status"]) for r in rows] == [
        ("correct/01_neuron.ipynb", "2", "2", "ok"), ("01_neuron.ipynb", "0", "2", "unreadable")]
    report = json.loads((out / "report.json").read_text())
    assert report["settings"]["seed"] == 7 and report["settings"]["sandbox"] is True
    assert report["submissions"][0]["exercises"]["sigmoid"]["passed"] == 9
    assert "**Score: 2 / 2**" in (out / "feedback" / "correct" / "01_neuron.md").read_text()
    assert "Score: 0 / 2" in (out / "feedback" / "01_neuron.html").read_text()
    assert "[2/2]" in result.stderr and "graded 2 submission(s)" in result.stderr


@pytest.mark.slow
def test_the_default_seed_is_secret_and_recorded_for_the_instructor(tmp_path):
    [good] = crafted.write_all(tmp_path / "in", names=["correct"])
    result = subprocess.run(
        [sys.executable, "-m", "nnlessons.cli", "grade", str(good), "--out",
         str(tmp_path / "g.csv"), "--json", str(tmp_path / "r.json"), "--feedback",
         str(tmp_path / "fb"), "--no-sandbox"],
        capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    seed = json.loads((tmp_path / "r.json").read_text())["settings"]["seed"]
    assert isinstance(seed, int) and seed != 0
    assert str(seed) not in (tmp_path / "fb" / "01_neuron.md").read_text()
    assert "without the sandbox; unprotected:" in result.stderr
    assert "the network" in result.stderr


def test_shard_and_merge_arguments_are_checked(capsys, tmp_path):
    notebook = tmp_path / "01_neuron.ipynb"
    notebook.write_text("{}")
    with pytest.raises(SystemExit):
        cli.main(["grade", str(notebook), "--shard", "3/2"])
    assert "--shard must be K/N with 1 <= K <= N, got '3/2'" in capsys.readouterr().err
    assert cli.main(["grade", str(notebook), "--shard", "1/2", "--json", "p.json"]) == 2
    assert "--shard needs --json" in capsys.readouterr().err
    (tmp_path / "bad.json").write_text("[]")
    assert cli.main(["merge", str(tmp_path / "bad.json")]) == 2
    assert "is not a report of nnlessons grade --json" in capsys.readouterr().err


@pytest.mark.slow
def test_shards_merged_give_the_csv_of_one_run(tmp_path):
    paths = crafted.write_all(tmp_path / "in", names=["correct", "partial", "wrong", "raises"])
    assert len(paths) == 4

    def run(*extra):
        result = subprocess.run(
            [sys.executable, "-m", "nnlessons.cli", *extra], capture_output=True, text=True,
            timeout=300, cwd=tmp_path)
        assert result.returncode == 0, result.stderr

    common = [str(tmp_path / "in"), "--seed", "5", "--timeout", "30", "--jobs", "1", "--quiet"]
    run("grade", *common, "--out", "one.csv")
    for k in (1, 2):
        run("grade", *common, "--shard", f"{k}/2", "--json", f"part-{k}.json")
    assert not (tmp_path / "grades.csv").exists()
    parts = [json.loads((tmp_path / f"part-{k}.json").read_text()) for k in (1, 2)]
    assert [len(p["submissions"]) for p in parts] == [2, 2]
    run("merge", "part-2.json", "part-1.json", "--out", "merged.csv")
    under = subprocess.run([sys.executable, "-m", "nnlessons.cli", "grade", *common,
                            "--out", "again.csv", "--fail-under", "2"], cwd=tmp_path,
                           capture_output=True, text=True, timeout=300)
    assert under.returncode == 3 and "3 submission(s) under 2 points" in under.stderr
    assert (tmp_path / "again.csv").read_bytes() == (tmp_path / "one.csv").read_bytes()
    one, merged = (tmp_path / "one.csv").read_bytes(), (tmp_path / "merged.csv").read_bytes()
    assert merged == one and one.count(b"\n") == 5
    assert cli.main(["merge", str(tmp_path / "part-1.json")]) == 2  # a part is missing


@pytest.mark.slow
def test_gradescope_autograder_grades_in_gradescope_s_layout(tmp_path):
    import zipfile

    import hostile

    assert cli.main(["gradescope", "01", "--out", str(tmp_path / "autograder.zip"),
                     "--timeout", "30"]) == 0
    names = zipfile.ZipFile(tmp_path / "autograder.zip").namelist()
    assert {"setup.sh", "run_autograder", "config.json",
            "nnlessons-src/nnlessons/grading/gradescope.py"} <= set(names)
    root = Path(__file__).resolve().parent.parent
    answers = crafted.Crafted("answers", hostile.ANSWERS, {}, "ok")
    submissions = {"solution": (root / "solutions" / "01_neuron.ipynb").read_text(),
                   "stub": (root / "notebooks" / "01_neuron.ipynb").read_text(),
                   "hostile": json.dumps(crafted.notebook(answers))}
    scores = {}
    for name, text in submissions.items():
        home = tmp_path / name
        zipfile.ZipFile(tmp_path / "autograder.zip").extractall(home / "source")
        (home / "submission").mkdir()
        (home / "submission" / "01_neuron.ipynb").write_text(text)
        run = home / "source" / "run_autograder"
        run.chmod(0o755)
        env = {"PATH": "/usr/bin:/bin", "AUTOGRADER_ROOT": str(home),
               "NNLESSONS_PYTHON": sys.executable, "PYTHONPATH": str(root)}
        done = subprocess.run([str(run)], env=env, capture_output=True, text=True,
                              timeout=300)
        assert done.returncode == 0, done.stderr
        data = json.loads((home / "results" / "results.json").read_text())
        assert [(t["name"], t["max_score"]) for t in data["tests"]] == [
            ("sigmoid (lesson 01_neuron)", 1), ("neuron_output (lesson 01_neuron)", 1)]
        hidden = [line for t in data["tests"] for line in t["output"].splitlines()
                  if "hidden case" in line]
        assert hidden and not any("expected" in line or "got" in line for line in hidden)
        scores[name] = data["score"]
    assert scores == {"solution": 2, "stub": 0, "hostile": 0}

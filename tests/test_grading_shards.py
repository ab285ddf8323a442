"""Sharded grading: ``nnlessons grade --shard K/N`` parts merged into one grades.csv."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from nnlessons import cli
from nnlessons.grading import shards

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("text", ["0/2", "3/2", "1", "a/b", "1/0", "-1/2", "1/2/3"])
def test_bad_shards_are_refused_naming_the_value(text):
    with pytest.raises(ValueError, match=r"--shard must be K/N with 1 <= K <= N.*" + text):
        shards.parse_shard(text)


def test_shards_cover_every_submission_once_whatever_the_order():
    paths = [f"s/{name}.ipynb" for name in "qwertyuiopasdfg"]
    for n in (1, 2, 3, 7, 20):
        parts = [shards.shard_positions(paths, k, n) for k in range(1, n + 1)]
        flat = sorted(i for part in parts for i in part)
        assert flat == list(range(len(paths)))
        # the split depends only on the sorted paths, not on the order given
        again = [shards.shard_positions(sorted(paths), k, n) for k in range(1, n + 1)]
        assert [[paths[i] for i in p] for p in parts] == [[sorted(paths)[i] for i in p]
                                                           for p in again]


def _part(tmp_path, k, n, indices, digest="d", total=None):
    rows = [{"index": i, "csv": {"submission": f"s{i}", "scores": {}, "total": "0",
                                  "max": "0", "status": "ok"}} for i in indices]
    data = {"settings": {"order": []}, "submissions": rows,
            "batch": {"digest": digest, "total": total or 4, "shard": [k, n]}}
    path = tmp_path / f"part-{k}-{digest}.json"
    path.write_text(json.dumps(data))
    return str(path)


def test_merge_refuses_missing_repeated_and_foreign_parts(tmp_path):
    one, two = _part(tmp_path, 1, 2, [0, 2]), _part(tmp_path, 2, 2, [1, 3])
    assert [r["index"] for r in shards.merge_parts([two, one])[1]] == [0, 1, 2, 3]
    with pytest.raises(shards.MergeError, match="missing shard"):
        shards.merge_parts([one])
    with pytest.raises(shards.MergeError, match="given twice"):
        shards.merge_parts([one, one, two])
    with pytest.raises(shards.MergeError, match="another batch"):
        shards.merge_parts([one, _part(tmp_path, 2, 2, [1, 3], digest="other")])
    bad = tmp_path / "bad.json"
    bad.write_text("{}")
    with pytest.raises(shards.MergeError, match="is not a part"):
        shards.merge_parts([str(bad)])
    assert cli.main(["merge", str(bad), "--out", str(tmp_path / "g.csv")]) == 2


def test_shard_needs_a_seed_and_a_json_part(tmp_path, capsys):
    notebook = tmp_path / "a.ipynb"
    notebook.write_text("{}")
    assert cli.main(["grade", str(notebook), "--shard", "1/2", "--json", "p.json"]) == 2
    assert "--shard needs --seed" in capsys.readouterr().err
    assert cli.main(["grade", str(notebook), "--shard", "1/2", "--seed", "3"]) == 2


@pytest.mark.slow
def test_two_shard_processes_merge_to_the_bytes_of_one_run(tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    for name, source in [("ann", "solutions/01_neuron.ipynb"), ("bo", "notebooks/01_neuron.ipynb"),
                         ("cy", "solutions/00_start_here.ipynb"),
                         ("di", "notebooks/00_start_here.ipynb"), ("ed", "README.md")]:
        shutil.copy(ROOT / source, subs / f"{name}.ipynb")  # README.md: an unreadable row
    common = [sys.executable, "-m", "nnlessons.cli", "grade", str(subs), "--seed", "7",
              "--quiet", "--jobs", "1", "--timeout", "60"]
    whole = subprocess.run([*common, "--out", str(tmp_path / "all.csv")],
                           capture_output=True, text=True, timeout=600)
    assert whole.returncode == 0, whole.stderr
    runs = [subprocess.Popen([*common, "--shard", f"{k}/2", "--out", str(tmp_path / f"{k}.csv"),
                              "--json", str(tmp_path / f"part-{k}.json")],
                             stderr=subprocess.PIPE, text=True) for k in (1, 2)]
    for run in runs:
        assert run.wait(timeout=600) == 0, run.stderr.read()
    merged = subprocess.run([sys.executable, "-m", "nnlessons.cli", "merge",
                             str(tmp_path / "part-2.json"), str(tmp_path / "part-1.json"),
                             "--out", str(tmp_path / "merged.csv")],
                            capture_output=True, text=True, timeout=120)
    assert merged.returncode == 0, merged.stderr
    expected = (tmp_path / "all.csv").read_bytes()
    assert (tmp_path / "merged.csv").read_bytes() == expected
    assert expected.count(b"\n") == 6  # the header and five rows
    part_rows = [len(json.loads((tmp_path / f"part-{k}.json").read_text())["submissions"])
                 for k in (1, 2)]
    assert sorted(part_rows) == [2, 3]


@pytest.mark.slow
def test_fail_under_gives_exit_status_3(tmp_path):
    low = subprocess.run([sys.executable, "-m", "nnlessons.cli", "grade",
                          str(ROOT / "notebooks/01_neuron.ipynb"), "--quiet", "--seed", "1",
                          "--fail-under", "1", "--out", str(tmp_path / "g.csv")],
                         capture_output=True, text=True, timeout=300)
    assert low.returncode == 3 and "below --fail-under 1" in low.stderr
    high = subprocess.run([sys.executable, "-m", "nnlessons.cli", "grade",
                           str(ROOT / "solutions/01_neuron.ipynb"), "--quiet", "--seed", "1",
                           "--fail-under", "2", "--out", str(tmp_path / "h.csv")],
                          capture_output=True, text=True, timeout=300)
    assert high.returncode == 0, high.stderr

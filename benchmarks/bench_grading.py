"""Benchmark: grading a class's submissions with ``nnlessons grade`` against ``nbgrader autograde``.

Thirty copies of a typical submission (a lesson's solution notebook, answered in nbgrader's
release copy, so every exercise is done) are graded by nnlessons' grader (each kernel in
its bubblewrap sandbox, as by default) with one kernel and with one kernel per CPU, and by
``nbgrader autograde`` (one kernel at a time) in a temporary course folder, all in this
run. Printed: seconds per submission and the ratio to
nbgrader (below 1 is faster). Both graders must give every copy full marks.

Run: ``.venv/bin/python benchmarks/bench_grading.py [--copies 30] [--lesson 01_neuron]``.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _nbgrader(command, cwd):
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    subprocess.run([sys.executable, "-m", "nbgrader", *command], cwd=cwd, env=env, check=True,
                   capture_output=True, text=True)


def _answered(release, source):
    answers = {c["metadata"]["nbgrader"]["grade_id"]: c["source"]
               for c in json.loads(source.read_text())["cells"]
               if c["metadata"].get("nbgrader", {}).get("solution")}
    notebook = json.loads(release.read_text())
    for cell in notebook["cells"]:
        meta = cell["metadata"].get("nbgrader", {})
        if meta.get("solution"):
            cell["source"] = answers[meta["grade_id"]]
    return json.dumps(notebook)


def make_course(folder, lesson, copies, with_nbgrader=True):
    """A course folder with ``copies`` submitted copies of ``lesson``; returns their paths."""
    (folder / "nbgrader_config.py").write_text(
        "c = get_config()\nc.CourseDirectory.course_id = 'bench'\n"
        "c.CourseDirectory.root = '.'\nc.Execute.timeout = 600\n")
    source = folder / "source" / "ps1" / f"{lesson}.ipynb"
    source.parent.mkdir(parents=True)
    shutil.copyfile(ROOT / "solutions" / f"{lesson}.ipynb", source)
    if with_nbgrader:
        _nbgrader(["generate_assignment", "ps1", "--force"], folder)
        text = _answered(folder / "release" / "ps1" / f"{lesson}.ipynb", source)
    else:
        text = source.read_text()
    paths = []
    for i in range(copies):
        path = folder / "submitted" / f"student{i:02d}" / "ps1" / f"{lesson}.ipynb"
        path.parent.mkdir(parents=True)
        path.write_text(text)
        paths.append(path)
    return paths


def time_nnlessons(paths, jobs):
    from nnlessons.grading import grade

    start = time.perf_counter()
    grades = grade(paths, jobs=jobs, timeout=600, watch=())
    seconds = time.perf_counter() - start
    assert all(g.status == "ok" and g.total == g.max > 0 for g in grades), \
        [(g.submission, g.status, g.total) for g in grades]
    return seconds


def time_nbgrader(folder, copies):
    start = time.perf_counter()
    _nbgrader(["autograde", "ps1", "--force"], folder)
    seconds = time.perf_counter() - start
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{folder / 'gradebook.db'}") as gradebook:
        scores = [gradebook.find_submission("ps1", f"student{i:02d}") for i in range(copies)]
        assert all(s.score == s.max_score > 0 for s in scores)
    return seconds


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=30)
    parser.add_argument("--lesson", default="01_neuron")
    args = parser.parse_args(argv)
    try:
        import nbgrader  # noqa: F401
    except ImportError:
        nbgrader = None
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = make_course(folder, args.lesson, args.copies, nbgrader is not None)
        cpus = os.cpu_count() or 1
        rows = [("nnlessons grade", 1, time_nnlessons(paths, 1)),
                ("nnlessons grade", cpus, time_nnlessons(paths, cpus))]
        reference = time_nbgrader(folder, args.copies) if nbgrader else None
    if reference is not None:
        rows.append(("nbgrader autograde", 1, reference))
    print(f"\n{args.copies} copies of solutions/{args.lesson}.ipynb, {cpus} CPUs\n")
    print(f"{'grader':<20}{'kernels':>8}{'total s':>10}{'s/submission':>14}{'ratio':>8}")
    for name, jobs, seconds in rows:
        ratio = f"{seconds / reference:.2f}" if reference else "n/a"
        print(f"{name:<20}{jobs:>8}{seconds:>10.1f}{seconds / args.copies:>14.2f}{ratio:>8}")
    if reference is None:
        print("nbgrader is not installed: no reference time (pip install nbgrader)")


if __name__ == "__main__":
    main()

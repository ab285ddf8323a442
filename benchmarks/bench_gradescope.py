"""Benchmark: grading in Gradescope mode against ``nnlessons grade`` on the same notebooks.

``--copies`` copies of a lesson's solution notebook are graded twice in this run: by one
``nnlessons grade`` batch with one kernel, and by the Gradescope autograder that
``nnlessons gradescope`` builds, run once per copy in a folder laid out like Gradescope's
``/autograder`` (a fresh process per submission, as Gradescope runs it: the Python start,
the package import and the sandbox probe are paid each time). Printed: seconds per
submission and the ratio of Gradescope mode to the batch. Both must give full marks.

Run: ``.venv/bin/python benchmarks/bench_gradescope.py [--copies 10] [--lesson 01_neuron]``.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def batch(paths, lesson, folder):
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "nnlessons.cli", "grade", *map(str, paths),
                    "--jobs", "1", "--quiet", "--exercises", lesson,
                    "--out", str(folder / "grades.csv")], check=True)
    seconds = time.perf_counter() - start
    rows = (folder / "grades.csv").read_text().splitlines()[1:]
    assert all(r.split(",")[-3] == r.split(",")[-2] for r in rows), rows
    return seconds


def gradescope(paths, lesson, folder):
    zip_path = folder / "autograder.zip"
    subprocess.run([sys.executable, "-m", "nnlessons.cli", "gradescope", lesson, "--out",
                    str(zip_path)], check=True, capture_output=True)
    root = folder / "autograder"
    with zipfile.ZipFile(zip_path) as zf:
        zf.extractall(root / "source")
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "NNLESSONS_PYTHON": sys.executable}
    start = time.perf_counter()
    for path in paths:
        shutil.rmtree(root / "submission", ignore_errors=True)
        shutil.rmtree(root / "results", ignore_errors=True)
        (root / "submission").mkdir(parents=True)
        (root / "results").mkdir()
        shutil.copyfile(path, root / "submission" / path.name)
        subprocess.run(["bash", str(root / "source" / "run_autograder")], env=env, check=True,
                       capture_output=True)
        result = json.loads((root / "results" / "results.json").read_text())
        assert result["score"] == sum(t["max_score"] for t in result["tests"]), result
    return time.perf_counter() - start


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=10)
    parser.add_argument("--lesson", default="01_neuron")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = []
        for i in range(args.copies):
            path = folder / "submitted" / f"student{i:02d}" / f"{args.lesson}.ipynb"
            path.parent.mkdir(parents=True)
            shutil.copyfile(ROOT / "solutions" / f"{args.lesson}.ipynb", path)
            paths.append(path)
        one = batch(paths, args.lesson, folder)
        each = gradescope(paths, args.lesson, folder)
    n = args.copies
    print(f"{'grader':<34}{'total s':>9}{'s/submission':>14}{'ratio':>8}")
    print(f"{'nnlessons grade (1 kernel)':<34}{one:>9.1f}{one / n:>14.2f}{1:>8.2f}")
    print(f"{'Gradescope run_autograder (each)':<34}{each:>9.1f}{each / n:>14.2f}"
          f"{each / one:>8.2f}")


if __name__ == "__main__":
    main()

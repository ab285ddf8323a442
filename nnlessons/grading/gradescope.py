"""Grading on Gradescope: an autograder zip that runs ``nnlessons grade``'s engine.

``nnlessons gradescope 01 02 --out autograder.zip`` writes a zip in the layout Gradescope
documents for its autograders:

- ``setup.sh`` installs Python, bubblewrap and this course (the zip carries the package's
  source under ``course/``) into ``/opt/nnlessons`` when Gradescope builds the image;
- ``run_autograder`` grades the one notebook found in ``$AUTOGRADER_ROOT/submission``
  (default root ``/autograder``) and writes ``$AUTOGRADER_ROOT/results/results.json``;
- ``nnlessons-gradescope.json`` holds what the instructor chose: the exercises that count
  (never taken from the submission), the time and memory limits.

``results.json`` follows Gradescope's schema: a total ``score``, one test per exercise
with ``score``, ``max_score``, ``status``, ``visibility`` and ``output``. The output is
the grader's feedback: public cases as the lesson shows them, hidden cases only by the
kind of failure; hidden inputs, expected values and the learner's own messages about
hidden cases never reach it. The hidden cases use a fresh secret seed for each run.

Not part of any lesson; docs/instructors.md explains the set-up.

Examples
--------
>>> exercises_for(["01"])
['sigmoid', 'neuron_output']
"""

import argparse
import json
import os
import secrets
import sys
import time
import zipfile
from pathlib import Path

__all__ = ["build", "exercises_for", "results", "run", "CONFIG"]

CONFIG = "nnlessons-gradescope.json"
_COURSE_FILES = ("pyproject.toml", "README.md")

SETUP_SH = """\
#!/usr/bin/env bash
# Gradescope runs this once, when it builds the autograder's image.
set -euo pipefail
cd "$(dirname "$0")"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq python3 python3-venv python3-pip bubblewrap >/dev/null
python3 -m venv /opt/nnlessons
/opt/nnlessons/bin/pip install --quiet --upgrade pip
/opt/nnlessons/bin/pip install --quiet "./course[lab]"
"""

RUN_AUTOGRADER = """\
#!/usr/bin/env bash
# Gradescope runs this for each submission: it grades the submitted notebook and writes
# results/results.json. AUTOGRADER_ROOT (default /autograder) lets it run elsewhere.
set -uo pipefail
ROOT="${AUTOGRADER_ROOT:-/autograder}"
PYTHON="${NNLESSONS_PYTHON:-/opt/nnlessons/bin/python}"
exec "$PYTHON" -m nnlessons.grading.gradescope --root "$ROOT" \\
    --config "$ROOT/source/nnlessons-gradescope.json"
"""


def exercises_for(selectors):
    """The exercises that lessons or exercise names select, in the bank's order.

    Raises
    ------
    ValueError
        For a selector that names no lesson or exercise.
    """
    from .plan import Plan

    plan = Plan(only=list(selectors))
    return list(plan.only)


def _package_root():
    return Path(__file__).resolve().parent.parent


def build(lessons, out, *, timeout=60.0, memory_limit=2 * 1024 ** 3):
    """Write the autograder zip for ``lessons`` to ``out``; return its path.

    Parameters
    ----------
    lessons : sequence of str
        Lessons ("01", "01_neuron") or exercise names the assignment counts.
    out : str or Path
    timeout : float
        Seconds for each cell and each exercise.
    memory_limit : int or None
        The kernel's memory limit in bytes.
    """
    if isinstance(lessons, str) or not lessons:
        raise ValueError(f"LESSON must name at least one lesson or exercise, got {lessons!r}")
    names = exercises_for(lessons)
    config = {"exercises": names, "lessons": list(lessons), "timeout": float(timeout),
              "memory_limit": memory_limit}
    package = _package_root()
    course = package.parent
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        _add_text(zf, "setup.sh", SETUP_SH, executable=True)
        _add_text(zf, "run_autograder", RUN_AUTOGRADER, executable=True)
        _add_text(zf, CONFIG, json.dumps(config, indent=1) + "\n")
        for name in _COURSE_FILES:
            if (course / name).is_file():
                zf.write(course / name, f"course/{name}")
        for path in sorted(package.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                zf.write(path, f"course/nnlessons/{path.relative_to(package).as_posix()}")
    return out


def _add_text(zf, name, text, executable=False):
    info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = (0o100755 if executable else 0o100644) << 16
    zf.writestr(info, text)


def find_submission(folder, exercises):
    """The notebook to grade in ``folder``: the only one, or the one named after a lesson.

    Returns None when there is no notebook. Symbolic links and special files are never
    chosen (the grader refuses them anyway).
    """
    folder = Path(folder)
    found = sorted(p for p in folder.rglob("*.ipynb")
                   if ".ipynb_checkpoints" not in p.parts and not p.is_symlink())
    if len(found) <= 1:
        return found[0] if found else None
    from ..exercises import EXERCISES

    lessons = {EXERCISES[n].lesson for n in exercises if n in EXERCISES}
    named = [p for p in found if p.stem in lessons or p.stem.split("_")[0] in
             {lesson.split("_")[0] for lesson in lessons}]
    return (named or found)[0]


def results(grade, exercises, seconds):
    """Gradescope's ``results.json`` data for one :class:`SubmissionGrade`."""
    from .plan import Plan  # noqa: F401 - the bank is loaded with the plan
    from .report import STATUS_TEXT, case_lines, fmt

    tests = []
    for number, name in enumerate(exercises, start=1):
        report = grade.reports.get(name)
        if report is None:
            continue
        lines = [("✓ " if kind == "ok" else "✗ ") + text for kind, text in case_lines(report)]
        tests.append({
            "name": f"{name} ({report.n_passed} of {len(report.cases)} cases right)",
            "number": str(number), "score": round(report.earned, 4),
            "max_score": report.points, "status": "passed" if report.passed else "failed",
            "visibility": "visible", "output": "\n".join(lines)})
    output = f"Score: {fmt(grade.total)} of {fmt(grade.max)}. " + STATUS_TEXT.get(
        grade.status, grade.status)
    return {"score": round(grade.total, 4), "execution_time": round(seconds, 2),
            "output": output, "visibility": "visible", "stdout_visibility": "hidden",
            "tests": tests}


def run(root, config_path):
    """Grade the submission under ``root`` and write ``root/results/results.json``."""
    start = time.monotonic()
    root = Path(root)
    config = json.loads(Path(config_path).read_text("utf-8"))
    exercises = list(config["exercises"])
    out = root / "results" / "results.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    notebook = find_submission(root / "submission", exercises)
    if notebook is None:
        data = {"score": 0, "output": "No notebook (.ipynb) was found in the submission: "
                "upload your lesson notebook.", "visibility": "visible", "tests": []}
    else:
        from . import Plan, grade

        plan = Plan(seed=secrets.randbelow(2 ** 63), only=exercises)
        (graded,) = grade([str(notebook)], plan=plan, jobs=1, watch=[],
                          timeout=config.get("timeout", 60.0),
                          memory_limit=config.get("memory_limit"))
        data = results(graded, exercises, time.monotonic() - start)
    tmp = out.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=1), "utf-8")
    os.replace(tmp, out)
    return data


def main(argv=None):
    """``python -m nnlessons.grading.gradescope --root ROOT --config FILE`` (run_autograder)."""
    parser = argparse.ArgumentParser(prog="run_autograder")
    parser.add_argument("--root", default=os.environ.get("AUTOGRADER_ROOT", "/autograder"))
    parser.add_argument("--config", required=True)
    args = parser.parse_args(argv)
    data = run(args.root, args.config)
    print(f"score {data['score']}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""A Gradescope autograder that grades with ``nnlessons grade``'s engine.

:func:`build` writes ``autograder.zip`` (``nnlessons gradescope LESSON... --out
autograder.zip``): at its root Gradescope's ``setup.sh`` (installs bubblewrap and the
course package it carries in ``source/nnlessons-src``) and ``run_autograder``, which runs
:func:`run` on the submission. :func:`run` grades the submitted notebook(s) on the
exercises fixed at build time (never on what the submission says), always in the sandbox,
with a fresh secret seed drawn for each run (none is stored in the zip unless the
instructor gives ``seed``), and writes ``results/results.json`` in Gradescope's schema: the
total score, one test per exercise with its ``max_score`` and the learner-facing lines
(hidden cases only as the kind of failure, as in ``--feedback``).

When the sandbox does not work in Gradescope's container, nothing is graded: without it
the kernel could import the real package, read the autograder's files and outlive the
grader. results.json then says that the autograder's sandbox is unavailable (score 0) and
the instructor-facing standard output says why (:func:`main`).

The autograder's root is ``$AUTOGRADER_ROOT`` (default ``/autograder``), laid out as
Gradescope does: ``source/``, ``submission/``, ``results/``.

Introduced for instructors (docs/instructors.md); not part of any lesson.
"""

import json
import os
import stat
import zipfile
from pathlib import Path

from .batch import grade
from .plan import Plan, new_seed
from .report import STATUS_TEXT, case_lines, fmt
from .sandbox import Sandbox, probe

SETUP = """#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq bubblewrap python3-pip >/dev/null
python3 -m pip install --quiet "/autograder/source/nnlessons-src[lab]"
"""

RUN = """#!/usr/bin/env bash
# Gradescope runs this for every submission; results go to results/results.json.
set -u
ROOT="${AUTOGRADER_ROOT:-/autograder}"
exec "${NNLESSONS_PYTHON:-python3}" -c \
    "import sys; from nnlessons.grading.gradescope import main; sys.exit(main(sys.argv[1]))" \
    "$ROOT"
"""


def build(selectors, out, *, seed=None, timeout=60.0, budget=300.0,
          memory_limit=2 * 1024 ** 3):
    """Write the autograder zip for the exercises or lessons ``selectors`` to ``out``.

    Returns
    -------
    dict
        The configuration stored in it (exercises, seed, limits).
    """
    plan = Plan(seed=0, only=list(selectors))
    config = {"exercises": plan.only, "timeout": float(timeout), "budget": float(budget),
              "memory_limit": memory_limit}
    if seed is not None:  # the instructor's choice: then it is in the zip (keep it private)
        config["seed"] = int(seed)
    root = Path(__file__).resolve().parent.parent.parent
    package = root / "nnlessons"
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in (("setup.sh", SETUP), ("run_autograder", RUN)):
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFREG | 0o755) << 16
            archive.writestr(info, text)
        archive.writestr("config.json", json.dumps(config, indent=1))
        for extra in ("pyproject.toml", "README.md", "LICENSE"):
            if (root / extra).is_file():
                archive.write(root / extra, f"nnlessons-src/{extra}")
        for path in sorted(package.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                archive.write(path, f"nnlessons-src/{path.relative_to(root).as_posix()}")
    return config


def results(grades, plan, note=""):
    """Gradescope's results.json data for the grades of one submission's notebooks."""
    # One notebook answers each exercise: the one named after its lesson, else the first
    # graded (never the best of several, which would be a best-of-N).
    chosen = {}
    for g in grades:
        for name, report in g.reports.items():
            if name not in chosen or Path(g.path).stem == plan.exercises[name].lesson:
                chosen[name] = (g, report)
    tests = []
    for name in plan.only:
        exercise = plan.exercises[name]
        if name in chosen:
            report = chosen[name][1]
            lines = [("✓ " if kind == "ok" else "✗ ") + text for kind, text in case_lines(report)]
            score = report.earned
        else:
            lines, score = ["no notebook with this exercise was submitted"], 0.0
        tests.append({"name": f"{name} (lesson {exercise.lesson})", "score": round(score, 4),
                      "max_score": exercise.points, "output": "\n".join(lines),
                      "visibility": "visible"})
    statuses = [f"{Path(g.path).name}: {STATUS_TEXT.get(g.status, g.status)}" for g in grades]
    total = sum(t["score"] for t in tests)
    return {"score": round(total, 4), "output": "\n".join(
                [f"Score: {fmt(total)} / {fmt(sum(t['max_score'] for t in tests))}",
                 *statuses, *([note] if note else [])]),
            "tests": tests, "stdout_visibility": "hidden"}


#: What results.json says when the sandbox does not work (nothing is graded then).
UNAVAILABLE = ("Not graded: the autograder's sandbox is unavailable in this container, and "
               "notebooks are never run without it. Your instructor has been told; "
               "please ask them to regrade.")


def _write_results(root, data):
    """Write results.json atomically (a reader never sees half of it)."""
    folder = root / "results"
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / f".results-{os.getpid()}.json"
    partial.write_text(json.dumps(data, indent=1), "utf-8")
    os.replace(partial, folder / "results.json")


def chosen_notebooks(notebooks, plan):
    """The notebooks that count, and a note for the student: the ones named after a lesson
    of the assignment, else the only notebook. Several notebooks not named after a lesson
    are not graded (grading each and keeping the best would be a best-of-N)."""
    lessons = {plan.exercises[name].lesson for name in plan.only}
    named = {}
    for path in notebooks:                       # sorted: the first of each lesson counts
        if path.stem in lessons:
            named.setdefault(path.stem, path)
    if named:
        return list(named.values()), ""
    if len(notebooks) == 1:
        return notebooks, ""
    if not notebooks:
        return [], "no notebook (.ipynb) was submitted"
    wanted = ", ".join(f"{lesson}.ipynb" for lesson in sorted(lessons))
    return [], (f"{len(notebooks)} notebooks were submitted and none is named after the "
                f"lesson: submit one notebook, or name it {wanted}")


def main(root=None):
    """Grade ``root/submission`` and write ``root/results/results.json``; returns 0.

    Without a working sandbox nothing runs: results.json says so (score 0) and the
    problems go to standard output (hidden from the student in Gradescope).
    """
    root = Path(root or os.environ.get("AUTOGRADER_ROOT", "/autograder"))
    config = json.loads((root / "source" / "config.json").read_text(encoding="utf-8"))
    seed = config.get("seed")
    plan = Plan(seed=new_seed() if seed is None else seed, only=config["exercises"])
    notebooks = sorted(p for p in (root / "submission").rglob("*.ipynb")
                       if ".ipynb_checkpoints" not in p.parts)
    sandbox = Sandbox(memory_limit=config["memory_limit"])
    problems = probe(sandbox)
    if problems:
        print("nnlessons autograder: NOT GRADED, the sandbox does not work here:", flush=True)
        for problem in problems:
            print(f"  - {problem}", flush=True)
        print("  (setup.sh installs bubblewrap; the autograder must run as root in a "
              "container that allows user namespaces)", flush=True)
        data = results([], plan, UNAVAILABLE)
        data["output"] = UNAVAILABLE
        for test in data["tests"]:
            test["output"] = "not graded: the autograder's sandbox is unavailable"
        _write_results(root, data)
        return 0
    notebooks, note = chosen_notebooks(notebooks, plan)
    grades = grade(notebooks, plan=plan, jobs=1, timeout=config["timeout"],
                   budget=config["budget"], memory_limit=config["memory_limit"],
                   sandbox=sandbox, watch=()) if notebooks else []
    data = results(grades, plan, note)
    _write_results(root, data)
    return 0

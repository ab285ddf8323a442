"""The ``nnlessons`` command: ``grade``, ``merge``, ``gradescope`` and ``release``.

``nnlessons grade SUBMISSION.ipynb ... [--timeout SECONDS] [--out grades.csv]
[--feedback DIR] [--json REPORT.json] [--jobs N]`` grades submitted notebooks (see
:mod:`nnlessons.grading` and docs/instructors.md). A folder stands for every notebook
under it. ``nnlessons release`` writes the learners' notebooks from the solutions (it is
``python -m nnlessons.authoring release``). ``nnlessons grade --shard K/N --seed S
--json part-K.json`` grades one share of a class and ``nnlessons merge part-*.json`` puts
the shares together (:mod:`nnlessons.grading.shards`); ``nnlessons gradescope LESSON...``
builds a Gradescope autograder (:mod:`nnlessons.grading.gradescope`).

Exit status: 0 when every submission was graded, whatever its score or status (a file
that is not a notebook is a row with status ``unreadable`` and 0 points); 1 when the
grader itself failed (a kernel could not start, the package's files changed during the
batch, an output could not be written); 2 for bad arguments, including a path that does
not exist (so that a typo is caught before a long batch starts), and for parts that
``merge`` refuses; 3 when ``--fail-under SCORE`` is given and a submission scored below it.

Not part of any lesson; introduced for instructors.
"""

import argparse
import os
import re
import sys
import time
from pathlib import Path

_UNITS = {"": 1, "K": 1024, "M": 1024 ** 2, "G": 1024 ** 3, "T": 1024 ** 4}


def memory_size(text):
    """Parse a memory size such as ``2G``, ``512M`` or ``none`` into bytes (None: no limit).

    Examples
    --------
    >>> memory_size("2G"), memory_size("512m"), memory_size("none")
    (2147483648, 536870912, None)
    """
    if text.strip().lower() in ("none", "0", "off"):
        return None
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]?)i?B?\s*", text.upper())
    if not match:
        raise argparse.ArgumentTypeError(
            f"--memory-limit must be a size like 2G, 512M or none, got {text!r}")
    return int(float(match.group(1)) * _UNITS[match.group(2)])


def _positive(name, kind=float):
    def parse(text):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{name} must be a number, got {text!r}") from None
        if value <= 0:
            raise argparse.ArgumentTypeError(f"{name} must be > 0, got {text}")
        return value
    return parse


def _score(text):
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not value >= 0:
        raise argparse.ArgumentTypeError(f"--fail-under must be a number >= 0, got {text!r}")
    return value


def _seed(text):
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"--seed must be an integer >= 0, got {text!r}")
    return int(text)


def parser():
    """The argument parser of the ``nnlessons`` command."""
    main = argparse.ArgumentParser(
        prog="nnlessons", description="Grade submitted lesson notebooks (grade), and write "
        "the learners' notebooks from the solutions (release).")
    commands = main.add_subparsers(dest="command", required=True)
    g = commands.add_parser("grade", help="grade submitted notebooks",
                            description="Grade submitted notebooks, each in its own kernel.")
    g.add_argument("submissions", nargs="+", metavar="SUBMISSION",
                   help="notebooks (.ipynb), or folders holding them")
    g.add_argument("--timeout", type=_positive("--timeout"), default=60.0, metavar="SECONDS",
                   help="time limit for each cell and for each exercise (default 60)")
    g.add_argument("--out", default="grades.csv", metavar="CSV",
                   help="the grades table to write (default grades.csv)")
    g.add_argument("--feedback", metavar="DIR", help="write one feedback file per submission")
    g.add_argument("--html", action="store_true", help="write HTML feedback too")
    g.add_argument("--json", metavar="REPORT", help="write the full report as JSON")
    g.add_argument("--jobs", type=_positive("--jobs", int), default=os.cpu_count() or 1,
                   metavar="N", help="kernels run in parallel (default: the number of CPUs)")
    g.add_argument("--seed", type=_seed, default=None,
                   help="seed of the hidden cases (default 0; keep yours private)")
    g.add_argument("--memory-limit", type=memory_size, default="2G", metavar="SIZE",
                   help="address-space limit of each kernel, e.g. 2G, 512M, none (default 2G)")
    g.add_argument("--exercises", metavar="NAMES",
                   help="comma-separated exercises or lessons (01 or 01_neuron) to grade "
                        "every submission on (default: detected per notebook)")
    g.add_argument("--shard", metavar="K/N",
                   help="grade only the K-th of N shares of the submissions (sorted by path); "
                        "needs --seed and --json; put the parts together with nnlessons merge")
    g.add_argument("--fail-under", type=_score, metavar="SCORE",
                   help="exit with status 3 when a submission scores below SCORE points "
                        "(for exit-code checks such as GitHub Classroom's)")
    g.add_argument("--quiet", action="store_true", help="no progress display")
    g.add_argument("--no-package-check", action="store_true",
                   help="do not stop when the package's files change during the batch")
    m = commands.add_parser("merge", help="put the JSON parts of a sharded batch together",
                            description="Write grades.csv (and optionally one JSON report) "
                            "from the parts written by nnlessons grade --shard K/N --json.")
    m.add_argument("parts", nargs="+", metavar="PART", help="the JSON parts, one per shard")
    m.add_argument("--out", default="grades.csv", metavar="CSV",
                   help="the grades table to write (default grades.csv)")
    m.add_argument("--json", metavar="REPORT", help="write the merged JSON report too")
    s = commands.add_parser("gradescope", help="build a Gradescope autograder (a zip file)",
                            description="Build a Gradescope autograder that grades the "
                            "submitted notebook on the given lessons or exercises with the "
                            "same engine as nnlessons grade.")
    s.add_argument("lessons", nargs="+", metavar="LESSON",
                   help="lessons (01 or 01_neuron) or exercise names the assignment counts")
    s.add_argument("--out", default="autograder.zip", metavar="ZIP",
                   help="the autograder to write (default autograder.zip)")
    s.add_argument("--timeout", type=_positive("--timeout"), default=60.0, metavar="SECONDS",
                   help="time limit for each cell and for each exercise (default 60)")
    s.add_argument("--memory-limit", type=memory_size, default="2G", metavar="SIZE",
                   help="address-space limit of the kernel (default 2G)")
    r = commands.add_parser("release", add_help=False,
                            help="write the learners' notebooks from the solutions")
    r.add_argument("args", nargs=argparse.REMAINDER)
    return main


def find_notebooks(paths):
    """Expand folders into the notebooks under them; raise FileNotFoundError for a typo.

    Examples
    --------
    >>> find_notebooks(["no/such/file.ipynb"])
    Traceback (most recent call last):
    ...
    FileNotFoundError: SUBMISSION must be an existing notebook or folder, got 'no/such/file.ipynb'
    """
    found = []
    for path in map(Path, paths):
        if path.is_dir():
            found += sorted(p for p in path.rglob("*.ipynb")
                            if ".ipynb_checkpoints" not in p.parts)
        elif path.exists():
            found.append(path)
        else:
            raise FileNotFoundError(
                f"SUBMISSION must be an existing notebook or folder, got {str(path)!r}")
    return list(dict.fromkeys(found))


def grade_command(args):
    """Run ``nnlessons grade``; returns the exit status."""
    try:
        from . import grading
    except ImportError as err:
        print(f"nnlessons grade needs Jupyter's kernel packages ({err.name} is missing): "
              "pip install 'nnlessons[lab]'", file=sys.stderr)
        return 1

    try:
        paths = find_notebooks(args.submissions)
        only = [s.strip() for s in args.exercises.split(",")] if args.exercises else None
        shard = grading.shards.parse_shard(args.shard) if args.shard else None
        if shard and (args.seed is None or not args.json):
            raise ValueError("--shard needs --seed (every shard must grade the same hidden "
                             "cases) and --json (the part that nnlessons merge reads)")
        seed = 0 if args.seed is None else args.seed
        plan = grading.Plan(seed=seed, only=only)
        for output in (args.out, args.json):  # fail before the batch, not after it
            if output:
                Path(output).parent.mkdir(parents=True, exist_ok=True)
    except (OSError, ValueError) as err:
        print(f"nnlessons grade: error: {err}", file=sys.stderr)
        return 2
    if not paths:
        print("nnlessons grade: error: no notebooks found", file=sys.stderr)
        return 2
    start = time.monotonic()
    labels = grading.batch.labels_for(paths)
    settings = {"seed": seed, "timeout": args.timeout, "memory_limit": args.memory_limit,
                "exercises": only, "order": list(plan.exercises)}
    positions, batch = list(range(len(paths))), None
    if shard:
        positions = grading.shards.shard_positions(paths, *shard)
        batch = {"digest": grading.shards.batch_digest(labels, settings), "total": len(paths),
                 "shard": list(shard)}
    chosen = [paths[i] for i in positions]
    progress = grading.Progress(len(chosen), enabled=not args.quiet)
    if not args.quiet:
        part = f" (shard {shard[0]}/{shard[1]} of {len(paths)})" if shard else ""
        print(f"grading {len(chosen)} submission(s){part}, {args.jobs} at a time",
              file=sys.stderr)
    try:
        grades = grading.grade(chosen, plan=plan, jobs=args.jobs, progress=progress,
                               labels=[labels[i] for i in positions],
                               timeout=args.timeout, memory_limit=args.memory_limit,
                               watch=[] if args.no_package_check else None)
        grading.write_csv(grades, args.out, order=plan.exercises)
        if args.json:
            grading.write_json(grades, args.json, settings, positions, batch)
        if args.feedback:
            grading.write_feedback(grades, args.feedback, ("md", "html") if args.html else ("md",))
    except (grading.GraderError, OSError) as err:
        print(f"nnlessons grade: the grader failed: {err}", file=sys.stderr)
        return 1
    failed = [g.submission for g in grades if g.status == "grader-error"]
    if not args.quiet:
        print(f"graded {len(grades)} submission(s) in {time.monotonic() - start:.1f} s; "
              f"wrote {args.out}", file=sys.stderr)
    if failed:
        print(f"nnlessons grade: the grader failed on {', '.join(failed)}", file=sys.stderr)
        return 1
    below = [g for g in grades if args.fail_under is not None and g.total < args.fail_under]
    if below:
        print(f"nnlessons grade: {len(below)} submission(s) scored below --fail-under "
              f"{args.fail_under:g}", file=sys.stderr)
        return 3
    return 0


def merge_command(args):
    """Run ``nnlessons merge``; returns the exit status."""
    from .grading import report, shards

    try:
        order, rows = shards.merge_parts(args.parts)
        for output in (args.out, args.json):
            if output:
                Path(output).parent.mkdir(parents=True, exist_ok=True)
        report.write_csv_rows([row["csv"] for row in rows], args.out, order)
        if args.json:
            import json

            settings = json.loads(Path(args.parts[0]).read_text("utf-8"))["settings"]
            Path(args.json).write_text(json.dumps(
                {"settings": settings, "submissions": rows}, indent=1), "utf-8")
    except shards.MergeError as err:
        print(f"nnlessons merge: error: {err}", file=sys.stderr)
        return 2
    except OSError as err:
        print(f"nnlessons merge: could not write the output: {err}", file=sys.stderr)
        return 1
    print(f"merged {len(rows)} submission(s) from {len(args.parts)} part(s) into {args.out}",
          file=sys.stderr)
    return 0


def gradescope_command(args):
    """Run ``nnlessons gradescope``; returns the exit status."""
    from .grading import gradescope

    try:
        path = gradescope.build(args.lessons, args.out, timeout=args.timeout,
                                memory_limit=args.memory_limit)
    except ValueError as err:
        print(f"nnlessons gradescope: error: {err}", file=sys.stderr)
        return 2
    except OSError as err:
        print(f"nnlessons gradescope: could not write {args.out}: {err}", file=sys.stderr)
        return 1
    print(f"wrote {path}: upload it as the assignment's autograder on Gradescope",
          file=sys.stderr)
    return 0


def main(argv=None):
    """Entry point of the ``nnlessons`` console script."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["release"]:
        from . import authoring  # the course's own tool, loaded only when asked for

        return authoring.main(argv)
    args = parser().parse_args(argv)
    commands = {"grade": grade_command, "merge": merge_command,
                "gradescope": gradescope_command}
    return commands[args.command](args)


if __name__ == "__main__":
    sys.exit(main())

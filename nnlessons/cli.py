"""The ``nnlessons`` command: ``nnlessons grade ...`` and ``nnlessons release ...``.

``nnlessons grade SUBMISSION.ipynb ... [--timeout SECONDS] [--budget SECONDS]
[--out grades.csv] [--feedback DIR] [--json REPORT.json] [--jobs N] [--exercises NAMES]
[--seed-file FILE] [--no-sandbox]`` grades submitted notebooks, each kernel in a
bubblewrap sandbox (see :mod:`nnlessons.grading` and docs/instructors.md). A folder
stands for every notebook under it (symbolic links are listed, never followed: they
become ``refused`` rows). Hidden cases use a fresh secret seed unless ``--seed`` or
``--seed-file`` gives one; the seed is written to the JSON report only.
``nnlessons release`` writes the learners' notebooks from the solutions (it is
``python -m nnlessons.authoring release``).

Exit status: 0 when every submission was graded, whatever its score or status (a file
that is not a notebook is a row with status ``unreadable`` and 0 points); 1 when the
grader itself failed (the sandbox does not work and ``--no-sandbox`` was not given, a
kernel could not start, the package's files changed during the batch, an output could not
be written); 2 for bad arguments, including a path that does not exist (so that a typo is
caught before a long batch starts); 3 with ``--fail-under SCORE`` when a submission
scored less.

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


def _seed(text):
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"--seed must be an integer >= 0, got {text!r}")
    return int(text)


def _shard(text):
    match = re.fullmatch(r"(\d+)/(\d+)", text.strip())
    if not match or not 1 <= int(match.group(1)) <= int(match.group(2)):
        raise argparse.ArgumentTypeError(f"--shard must be K/N with 1 <= K <= N, got {text!r}")
    return int(match.group(1)), int(match.group(2))


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
    g.add_argument("--budget", type=_positive("--budget"), default=300.0, metavar="SECONDS",
                   help="time limit for a whole submission (default 300)")
    g.add_argument("--out", metavar="CSV",
                   help="the grades table to write (default grades.csv; none with --shard)")
    g.add_argument("--feedback", metavar="DIR", help="write one feedback file per submission")
    g.add_argument("--html", action="store_true", help="write HTML feedback too")
    g.add_argument("--json", metavar="REPORT", help="write the full report as JSON")
    g.add_argument("--jobs", type=_positive("--jobs", int), default=os.cpu_count() or 1,
                   metavar="N", help="kernels run in parallel (default: the number of CPUs)")
    g.add_argument("--seed", type=_seed, default=None,
                   help="seed of the hidden cases, to regrade alike (default: a fresh "
                        "secret one, written to the --json report)")
    g.add_argument("--seed-file", metavar="FILE",
                   help="read the seed from FILE (keeps it off the command line)")
    g.add_argument("--memory-limit", type=memory_size, default="2G", metavar="SIZE",
                   help="address-space limit of each kernel, e.g. 2G, 512M, none (default 2G)")
    g.add_argument("--exercises", metavar="NAMES",
                   help="comma-separated exercises or lessons (01 or 01_neuron) to grade "
                        "every submission on (default: the lesson each file is named after)")
    g.add_argument("--max-size", type=memory_size, default="20M", metavar="SIZE",
                   help="largest notebook file read (default 20M)")
    g.add_argument("--no-sandbox", action="store_true",
                   help="run kernels without the bubblewrap sandbox (prints what is then "
                        "unprotected)")
    g.add_argument("--shard", type=_shard, metavar="K/N",
                   help="grade only the K-th of N shares of the submissions (needs --json "
                        "and --seed or --seed-file; join the parts with nnlessons merge)")
    g.add_argument("--fail-under", type=float, metavar="SCORE",
                   help="exit with status 3 when a submission scores under SCORE points "
                        "(for exit-code checks such as GitHub Classroom's)")
    g.add_argument("--quiet", action="store_true", help="no progress display")
    g.add_argument("--no-package-check", action="store_true",
                   help="do not stop when the package's files change during the batch")
    m = commands.add_parser("merge", help="join the --json reports of shards",
                            description="Join the --json reports of nnlessons grade --shard "
                            "runs into the grades.csv one run would have written.")
    m.add_argument("parts", nargs="+", metavar="PART", help="the shards' JSON reports")
    m.add_argument("--out", default="grades.csv", metavar="CSV",
                   help="the grades table to write (default grades.csv)")
    m.add_argument("--json", metavar="REPORT", help="also write the joined JSON report")
    s = commands.add_parser("gradescope", help="build a Gradescope autograder",
                            description="Build a Gradescope autograder (setup.sh, "
                            "run_autograder) that grades with nnlessons grade's engine.")
    s.add_argument("lessons", nargs="+", metavar="LESSON",
                   help="lessons (01 or 01_neuron) or exercises the assignment is made of")
    s.add_argument("--out", default="autograder.zip", metavar="ZIP",
                   help="the autograder to write (default autograder.zip)")
    s.add_argument("--seed", type=_seed, default=None,
                   help="seed of the hidden cases (default: a fresh secret one)")
    s.add_argument("--timeout", type=_positive("--timeout"), default=60.0, metavar="SECONDS")
    s.add_argument("--budget", type=_positive("--budget"), default=300.0, metavar="SECONDS")
    s.add_argument("--memory-limit", type=memory_size, default="2G", metavar="SIZE")
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
        if path.is_dir() and not path.is_symlink():
            inside = []
            for folder, dirs, files in os.walk(path, followlinks=False):
                dirs[:] = sorted(d for d in dirs if d != ".ipynb_checkpoints")
                inside += [Path(folder) / f for f in files if f.endswith(".ipynb")]
            found += sorted(inside)
        elif path.exists() or path.is_symlink():
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

    from .grading.report import printable

    try:
        paths = find_notebooks(args.submissions)
        only = [s.strip() for s in args.exercises.split(",")] if args.exercises else None
        seed = args.seed
        if args.seed_file:
            text = Path(args.seed_file).read_text(encoding="utf-8").strip()
            if not text.isdigit():
                raise ValueError(f"--seed-file must hold an integer >= 0, got {text[:20]!r}")
            seed = int(text)
        if args.shard and (seed is None or not args.json):
            raise ValueError("--shard needs --json (the part to merge) and --seed or "
                             "--seed-file (every shard must draw the same hidden cases)")
        plan = grading.Plan(seed=seed, only=only)
        if args.out is None and not args.shard:
            args.out = "grades.csv"
        for output in (args.out, args.json):  # fail before the batch, not after it
            if output:
                Path(output).parent.mkdir(parents=True, exist_ok=True)
    except (OSError, ValueError) as err:
        print(f"nnlessons grade: error: {printable(err)}", file=sys.stderr)
        return 2
    if not paths:
        print("nnlessons grade: error: no notebooks found", file=sys.stderr)
        return 2
    labels = grading.batch.labels_for([str(p) for p in paths])
    indices = list(range(len(paths)))
    if args.shard:
        k, n = args.shard
        indices = [i for i in indices if i % n == k - 1]
    total = len(paths)
    paths, labels = [paths[i] for i in indices], [labels[i] for i in indices]
    start = time.monotonic()
    progress = grading.Progress(len(paths), enabled=not args.quiet)
    if args.no_sandbox:
        print("nnlessons grade: WARNING: grading without the sandbox; unprotected:",
              file=sys.stderr)
        for item in grading.sandbox.UNPROTECTED:
            print(f"  - {item}", file=sys.stderr)
    if not args.quiet:
        print(f"grading {len(paths)} submission(s), {args.jobs} at a time", file=sys.stderr)
    try:
        grades = grading.grade(paths, plan=plan, jobs=args.jobs, progress=progress,
                               labels=labels,
                               timeout=args.timeout, budget=args.budget,
                               memory_limit=args.memory_limit, max_bytes=args.max_size,
                               sandbox=not args.no_sandbox,
                               watch=[] if args.no_package_check else None)
        if args.out:
            grading.write_csv(grades, args.out, order=plan.exercises)
        settings = {"seed": plan.seed, "timeout": args.timeout, "budget": args.budget,
                    "memory_limit": args.memory_limit, "exercises": only,
                    "sandbox": not args.no_sandbox}
        if args.shard:
            settings["shard"] = {"k": args.shard[0], "n": args.shard[1], "of": total,
                                 "indices": indices}
        if args.json:
            grading.write_json(grades, args.json, settings)
        if args.feedback:
            grading.write_feedback(grades, args.feedback, ("md", "html") if args.html else ("md",))
    except (grading.GraderError, OSError) as err:
        print(f"nnlessons grade: the grader failed: {printable(err)}", file=sys.stderr)
        return 1
    failed = [g.submission for g in grades if g.status == "grader-error"]
    if not args.quiet:
        print(f"graded {len(grades)} submission(s) in {time.monotonic() - start:.1f} s; "
              f"wrote {args.out or args.json}", file=sys.stderr)
    if failed:
        print(f"nnlessons grade: the grader failed on {printable(', '.join(failed))}",
              file=sys.stderr)
        return 1
    if args.fail_under is not None:
        under = [g for g in grades if g.total < args.fail_under]
        if under:
            print(f"nnlessons grade: {len(under)} submission(s) under {args.fail_under:g} "
                  "points", file=sys.stderr)
            return 3
    return 0


def gradescope_command(args):
    """Run ``nnlessons gradescope``; returns the exit status."""
    from .grading import gradescope
    from .grading.report import printable

    try:
        config = gradescope.build(args.lessons, args.out, seed=args.seed,
                                  timeout=args.timeout, budget=args.budget,
                                  memory_limit=args.memory_limit)
    except (OSError, ValueError) as err:
        print(f"nnlessons gradescope: error: {printable(err)}", file=sys.stderr)
        return 2
    seed = "the seed is inside it; keep the zip private" if "seed" in config else \
        "a fresh secret seed each run"
    print(f"wrote {args.out}: {', '.join(config['exercises'])} ({seed})", file=sys.stderr)
    return 0


def merge_command(args):
    """Run ``nnlessons merge``; returns the exit status."""
    from .grading.report import printable, read_json, write_csv, write_json

    rows, seeds, shards = {}, set(), set()
    try:
        for part in args.parts:
            settings, grades = read_json(part)
            shard = settings.get("shard")
            if not shard:
                raise ValueError(f"{part} is not the report of a --shard run")
            seeds.add(settings.get("seed"))
            shards.add((shard["n"], shard["of"]))
            for index, grade in zip(shard["indices"], grades, strict=True):
                if index in rows:
                    raise ValueError(f"submission {index} is in two parts ({part})")
                rows[index] = grade
        if len(seeds) != 1 or len(shards) != 1:
            raise ValueError("the parts come from different runs (seeds or shard counts "
                             "differ)")
        (n, total), = shards
        missing = sorted(set(range(total)) - set(rows))
        if missing:
            raise ValueError(f"{len(missing)} submission(s) are in no part: pass all {n} "
                             "parts")
        grades = [rows[i] for i in range(total)]
        write_csv(grades, args.out)
        if args.json:
            write_json(grades, args.json, {**settings, "shard": None})
    except (OSError, ValueError, KeyError, TypeError) as err:
        print(f"nnlessons merge: error: {printable(err)}", file=sys.stderr)
        return 2
    return 0


def main(argv=None):
    """Entry point of the ``nnlessons`` console script."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["release"]:
        from . import authoring  # the course's own tool, loaded only when asked for

        return authoring.main(argv)
    args = parser().parse_args(argv)
    if args.command == "merge":
        return merge_command(args)
    if args.command == "gradescope":
        return gradescope_command(args)
    return grade_command(args)


if __name__ == "__main__":
    sys.exit(main())

"""Grade a batch of submissions, several kernels at a time.

:func:`grade` grades submissions ``jobs`` at a time (threads, each driving its own kernel
in its own sandbox, :mod:`.sandbox`) and returns the grades in the order given. Before
the first submission it probes the sandbox and refuses to grade (:class:`GraderError`)
when it does not hold, unless ``sandbox=False``. After each submission it also checks that
the package's own files are unchanged (they cannot change from inside the sandbox; without
it, a submission could write to them and change how later notebooks behave); if they
changed, the batch stops with :class:`GraderError` naming the files and the submissions
that were running (docs/threat-model.md).

Introduced for instructors (docs/instructors.md); not part of any lesson.
"""

import hashlib
import os
import queue
import shutil
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .._validation import check_int
from .plan import Plan
from .runner import SubmissionGrade, grade_submission
from .sandbox import Sandbox, probe

_RUNTIME_FILES = {"codec.py": "exercises/codec.py", "judges.py": "exercises/judges.py",
                  "report.py": "exercises/report.py", "runner.py": "exercises/runner.py",
                  "kernel_main.py": "grading/kernel_side.py"}


def build_runtime(folder=None):
    """A folder holding ``_nlgrade``: the kernel-side code, without any exercise's answer.

    Copies of the bank's codec, judges, report and runner modules (self-contained: they
    import nothing else of the package) and of :mod:`.kernel_side`.
    """
    folder = Path(folder or tempfile.mkdtemp(prefix="nnlessons-runtime-"))
    package = folder / "_nlgrade"
    package.mkdir(parents=True, exist_ok=True)
    (package / "__init__.py").write_text("", encoding="utf-8")
    root = Path(__file__).resolve().parent.parent
    for name, source in _RUNTIME_FILES.items():
        shutil.copyfile(root / source, package / name)
    for path in [folder, package, *package.iterdir()]:
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
    return folder


class GraderError(RuntimeError):
    """The grader itself failed (not a submission): no grades should be trusted."""


def labels_for(paths):
    """Report names: file names, or paths relative to the common folder when names repeat.

    Examples
    --------
    >>> labels_for(["a/x.ipynb", "b/y.ipynb"])
    ['x.ipynb', 'y.ipynb']
    >>> labels_for(["s/alice/01.ipynb", "s/bob/01.ipynb"])
    ['alice/01.ipynb', 'bob/01.ipynb']
    """
    names = [Path(p).name for p in paths]
    if len(set(names)) == len(names):
        return names
    absolute = [os.path.abspath(p) for p in paths]
    common = os.path.commonpath([os.path.dirname(p) for p in absolute])
    return [Path(os.path.relpath(p, common)).as_posix() for p in absolute]


def fingerprint(folders):
    """A hash of every file under ``folders`` (to notice changes made by a submission).

    Bytecode caches (``__pycache__``) are left out: Python rewrites them by itself.
    """
    digest = {}
    for folder in folders:
        for path in sorted(Path(folder).rglob("*")):
            if "__pycache__" in path.parts:
                continue
            try:
                if path.is_file():
                    digest[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
            except OSError:
                digest[str(path)] = "unreadable"
    return digest


def _changes(before, after):
    return sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))


def check_sandbox(sandbox):
    """Raise :class:`GraderError` unless ``sandbox`` works here (see :func:`probe`)."""
    problems = probe(sandbox)
    if problems:
        raise GraderError("the sandbox does not work here: " + "; ".join(problems) +
                          ". Install bubblewrap (apt-get install bubblewrap), run as root, "
                          "or grade with --no-sandbox in a disposable container.")


def grade(paths, *, plan=None, seed=None, only=None, jobs=None, progress=None, watch=None,
          sandbox=True, labels=None, **options):
    """Grade a batch of submissions, ``jobs`` at a time, in the order given.

    Parameters
    ----------
    paths : sequence of str or Path
    plan : Plan, optional
        Built from ``seed`` and ``only`` when not given.
    jobs : int, optional
        Kernels run in parallel (default: the number of CPUs).
    progress : callable, optional
        Called with each :class:`SubmissionGrade` as soon as it is done.
    watch : sequence of folders, optional
        Folders whose files must not change while grading (default: the package's own).
    sandbox : bool or Sandbox, default True
        Run every kernel in a sandbox (probed first); False runs them as plain processes.
    labels : list of str, optional
        Report names (default :func:`labels_for` of ``paths``; a shard passes the names
        computed over all submissions).
    **options
        Passed to :func:`grade_submission` (``timeout``, ``memory_limit``, ...).

    Returns
    -------
    list of SubmissionGrade

    Raises
    ------
    GraderError
        When the sandbox does not work, or files under ``watch`` changed during the batch.

    Examples
    --------
    >>> grades = grade(["ann.ipynb", "bo.ipynb"], timeout=30, jobs=2)  # doctest: +SKIP
    >>> [(g.submission, g.total, g.max, g.status) for g in grades]  # doctest: +SKIP
    [('ann.ipynb', 2.0, 2, 'ok'), ('bo.ipynb', 0.67, 2, 'timeout')]
    """
    if jobs is not None:
        check_int(jobs, "jobs", minimum=1)
    plan = plan or Plan(seed=seed, only=only)
    if watch is None:
        watch = [Path(__file__).resolve().parent.parent]
    paths = [str(p) for p in paths]
    labels = labels_for(paths) if labels is None else list(labels)
    if sandbox is True:
        sandbox = Sandbox(memory_limit=options.get("memory_limit"))
    sandbox = sandbox or None
    if sandbox is not None and paths:
        check_sandbox(sandbox)
    jobs = jobs or os.cpu_count() or 1
    slots = queue.Queue()
    for slot in range(jobs):
        slots.put(slot)
    runtime = build_runtime()
    clean = fingerprint(watch)
    lock, running, suspects, failures = threading.Lock(), set(), set(), []
    abort = threading.Event()

    def one(index):
        if abort.is_set():
            raise GraderError("the batch was stopped")
        with lock:
            running.add(labels[index])
            suspects.add(labels[index])
        slot = slots.get()
        try:
            result = grade_submission(paths[index], plan, label=labels[index],
                                      sandbox=sandbox, runtime=runtime, slot=slot, **options)
        except Exception as err:  # never let one submission stop the batch
            result = SubmissionGrade(labels[index], paths[index], status="grader-error",
                                     events=[{"status": "grader-error", "error": repr(err)}])
        finally:
            slots.put(slot)
        with lock:
            running.discard(labels[index])
            changed = _changes(clean, fingerprint(watch))
            if changed:
                abort.set()
                failures.append(GraderError(
                    f"files under {', '.join(map(str, watch))} changed while grading "
                    f"{', '.join(sorted(suspects))}: {', '.join(changed[:5])}. Restore the "
                    "package (reinstall it); a sandboxed kernel cannot write there, so look "
                    "for another process changing it (or grade with the sandbox)."))
                raise failures[0]
            suspects.clear()
            suspects.update(running)
            if progress is not None:
                progress(result)
        return result

    try:
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            futures = [pool.submit(one, i) for i in range(len(paths))]
            try:
                return [future.result() for future in futures]
            except BaseException:  # GraderError, or Ctrl-C: start no more submissions
                abort.set()
                for future in futures:
                    future.cancel()
                if failures:
                    raise failures[0] from None
                raise
    finally:
        shutil.rmtree(runtime, ignore_errors=True)

"""Grade a batch of submissions, several kernels at a time.

:func:`grade` grades submissions ``jobs`` at a time (threads, each driving its own kernel)
and returns the grades in the order given. After each submission it checks that the
package's own files are unchanged: a submission runs as the same user as the grader and
can write to them, which would change how later notebooks behave. If they changed, the
batch stops with :class:`GraderError` naming the files and the submissions that were
running (docs/threat-model.md).

Introduced for instructors (docs/instructors.md); not part of any lesson.
"""

import hashlib
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .._validation import check_int
from .plan import Plan
from .runner import SubmissionGrade, grade_submission


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


def grade(paths, *, plan=None, seed=0, only=None, jobs=None, progress=None, watch=None,
          labels=None, **options):
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
    labels : sequence of str, optional
        The submissions' names in reports (default: :func:`labels_for` ``paths``; a shard
        passes the names its submissions have in the whole batch).
    **options
        Passed to :func:`grade_submission` (``timeout``, ``memory_limit``, ...).

    Returns
    -------
    list of SubmissionGrade

    Raises
    ------
    GraderError
        When files under ``watch`` changed during the batch.

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
    labels = labels_for(paths) if labels is None else [str(label) for label in labels]
    if len(labels) != len(paths):
        raise ValueError(f"labels must name each of the {len(paths)} paths, got {len(labels)}")
    clean = fingerprint(watch)
    lock, running, suspects, failures = threading.Lock(), set(), set(), []
    abort = threading.Event()

    def one(index):
        if abort.is_set():
            raise GraderError("the batch was stopped")
        with lock:
            running.add(labels[index])
            suspects.add(labels[index])
        try:
            result = grade_submission(paths[index], plan, label=labels[index], **options)
        except Exception as err:  # never let one submission stop the batch
            result = SubmissionGrade(labels[index], paths[index], status="grader-error",
                                     events=[{"status": "grader-error", "error": repr(err)}])
        with lock:
            running.discard(labels[index])
            changed = _changes(clean, fingerprint(watch))
            if changed:
                abort.set()
                failures.append(GraderError(
                    f"files under {', '.join(map(str, watch))} changed while grading "
                    f"{', '.join(sorted(suspects))}: {', '.join(changed[:5])}. Restore the "
                    "package (reinstall it) and grade these submissions in a container."))
                raise failures[0]
            suspects.clear()
            suspects.update(running)
            if progress is not None:
                progress(result)
        return result

    jobs = jobs or os.cpu_count() or 1
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

"""Grade submissions: run each notebook in its own kernel, then call its exercise functions.

:func:`grade_submission` reads a submission (never writing to it), starts a fresh kernel
in a fresh temporary directory holding a copy, runs every code cell under a per-cell time
limit (a cell that raises does not stop the run), then sends each assigned exercise's
cases to the same kernel and judges the replies in this process (:mod:`.plan`).

What happens when things go wrong:

- a cell or an exercise exceeds the time limit: the kernel is interrupted; if the code
  swallows the interrupt, the kernel is killed, a fresh one replays the notebook without
  the offending cell, and grading goes on (at most ``max_restarts`` times);
- the kernel dies by itself (``os._exit``, a crash): the exercises not yet graded fail;
- the notebook cannot be read: status ``unreadable``, score 0.

A batch of submissions is :func:`nnlessons.grading.batch.grade`.

Introduced for instructors (docs/instructors.md); not part of any lesson.
"""

import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from .._validation import check_int, check_positive
from .kernel import KernelSession, truncate
from .kernel_side import call_code

#: The statuses, from best to worst; a submission's status is the worst that happened.
STATUSES = ("ok", "error", "timeout", "kernel-died", "no-exercises", "unreadable",
            "grader-error")
DEFAULT_MEMORY_LIMIT = 2 * 1024 ** 3


@dataclass
class SubmissionGrade:
    """The outcome of grading one submission.

    Attributes
    ----------
    submission : str
        The name shown in reports (the file name, or a path when names repeat).
    path : str
    status : str
        One of :data:`STATUSES`.
    reports : dict of str to Report
        One per assigned exercise, in bank order.
    events : list of dict
        What went wrong while running: ``{"cell": n, "status": ..., "error": ...}`` or
        ``{"exercise": name, "status": ..., "error": ...}``.
    seconds : float
    """

    submission: str
    path: str
    status: str = "ok"
    reports: dict = field(default_factory=dict)
    events: list = field(default_factory=list)
    seconds: float = 0.0

    @property
    def total(self):
        """Points earned (partial credit: points x passed / cases, per exercise)."""
        return sum(r.earned for r in self.reports.values())

    @property
    def max(self):
        """Points available."""
        return sum(r.points for r in self.reports.values())

    def worsen(self, status):
        """Record ``status`` if it is worse than the current one."""
        if STATUSES.index(status) > STATUSES.index(self.status):
            self.status = status


def read_notebook(path):
    """Read a notebook file, or raise ValueError saying why it is not one.

    Returns
    -------
    dict
        ``{"cells": [{"cell_type", "source", "metadata"}, ...]}`` with ``source`` joined
        into one string, checked so that later steps can trust its shape.
    """
    try:
        data = json.loads(Path(path).read_bytes().decode("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as err:
        raise ValueError(f"not a readable notebook: {type(err).__name__}: {err}") from None
    if type(data) is not dict or type(data.get("cells")) is not list:
        raise ValueError("not a notebook: no list of cells")
    if data.get("nbformat") != 4:
        raise ValueError(f"not an nbformat 4 notebook (nbformat {data.get('nbformat')!r})")
    cells = []
    for number, cell in enumerate(data["cells"], start=1):
        source = cell.get("source", "") if type(cell) is dict else None
        if type(source) is list and all(type(line) is str for line in source):
            source = "".join(source)
        metadata = cell.get("metadata", {}) if type(cell) is dict else None
        nbgrader = metadata.get("nbgrader", {}) if type(metadata) is dict else None
        if type(source) is not str or type(nbgrader) is not dict or \
                type(cell.get("cell_type")) is not str:
            raise ValueError(f"not a valid notebook: cell {number} is malformed")
        cells.append({"cell_type": cell["cell_type"], "source": source, "metadata": metadata})
    return {"cells": cells}


def _code_cells(notebook):
    return [(number, cell["source"]) for number, cell in enumerate(notebook["cells"], start=1)
            if cell["cell_type"] == "code" and cell["source"].strip()]


class _Run:
    """The state of one submission's grading (kernel, skipped cells, restarts)."""

    def __init__(self, path, grade, plan, timeout, memory_limit, env, max_restarts):
        self.path, self.grade, self.plan = Path(path), grade, plan
        self.timeout, self.max_restarts = timeout, max_restarts
        self.kernel = KernelSession(memory_limit=memory_limit, env=env)
        self.skip, self.restarts, self.noted = set(), 0, set()

    def note(self, where, result):
        key = tuple(where.items())
        if result.status == "ok" or key in self.noted:
            return
        self.noted.add(key)
        self.grade.events.append({**where, "status": result.status, "error": result.error})
        self.grade.worsen({"error": "error", "timeout": "timeout", "killed": "timeout",
                           "died": "kernel-died"}[result.status])

    def bring_up(self, cells):
        """Run the notebook (minus skipped cells) in a fresh kernel; False if it died."""
        while True:
            self.kernel.start(files=[self.path])
            for number, source in cells:
                if number in self.skip:
                    continue
                result = self.kernel.run(source, self.timeout)
                self.note({"cell": number}, result)
                if result.status == "died":
                    return False
                if result.status == "killed":
                    self.skip.add(number)
                    break
            else:
                return True
            self.restarts += 1
            if self.restarts > self.max_restarts:
                self.grade.events.append({"status": "gave-up", "error":
                                          f"more than {self.max_restarts} restarts"})
                return False

    def run(self, cells, names):
        alive = self.bring_up(cells)
        for i, name in enumerate(names):
            if not alive:
                failure = ("not graded: the kernel died before this exercise" if
                           self.grade.status == "kernel-died" else
                           "not graded: the notebook could not be run to the end")
                for rest in names[i:]:
                    self.grade.reports[rest] = self.plan.judge(rest, [], failure)
                return
            item = self.plan.items[name]
            result = self.kernel.run(call_code(name, list(item.payloads)), self.timeout)
            failure = {"timeout": f"stopped at the time limit ({self.timeout:g} s)",
                       "killed": f"stopped at the time limit ({self.timeout:g} s)",
                       "died": "the kernel died while this exercise ran"}.get(
                result.status, "no answer came back from the notebook")
            self.grade.reports[name] = self.plan.judge(name, result.results, failure)
            self.note({"exercise": name}, result)
            if result.status == "died":
                alive = False
            elif result.status == "killed":
                self.restarts += 1
                alive = self.restarts <= self.max_restarts and self.bring_up(cells)


def grade_submission(path, plan, *, label=None, timeout=60.0,
                     memory_limit=DEFAULT_MEMORY_LIMIT, env=None, max_restarts=3):
    """Grade one submitted notebook.

    Parameters
    ----------
    path : str or Path
        The notebook; it is only read.
    plan : Plan
    label : str, optional
        The name used in reports (default: the file name).
    timeout : float, default 60
        Seconds allowed for each cell and for each exercise's cases.
    memory_limit : int or None, default 2 GiB
        The kernel's address-space limit in bytes.
    env : dict, optional
        Extra environment variables for the kernel.
    max_restarts : int, default 3
        How many times a killed kernel is replaced before the rest fails.

    Returns
    -------
    SubmissionGrade

    Examples
    --------
    >>> from nnlessons.grading import Plan
    >>> grade = grade_submission("solutions/01_neuron.ipynb", Plan())  # doctest: +SKIP
    >>> grade.total, grade.max, grade.status  # doctest: +SKIP
    (2.0, 2, 'ok')
    """
    check_positive(timeout, "timeout")
    if memory_limit is not None:
        check_int(memory_limit, "memory_limit", minimum=1)
    check_int(max_restarts, "max_restarts", minimum=0)
    start = time.monotonic()
    grade = SubmissionGrade(label or Path(path).name, str(path))
    try:
        notebook = read_notebook(path)
    except ValueError as err:
        grade.status = "unreadable"
        grade.events.append({"status": "unreadable", "error": truncate(str(err), 300)})
        for name in plan.assigned({"cells": []}, Path(path).name):
            grade.reports[name] = plan.judge(name, [], "not graded: not a readable notebook")
        return grade
    names = plan.assigned(notebook, Path(path).name)
    if not names:
        grade.status = "no-exercises"
        return grade
    run = _Run(path, grade, plan, timeout, memory_limit, env, max_restarts)
    try:
        run.run(_code_cells(notebook), names)
    except Exception as err:  # a failure of the grader, not of the submission
        grade.status = "grader-error"
        grade.events.append({"status": "grader-error", "error": truncate(repr(err), 500)})
        for name in names:
            grade.reports.setdefault(name, plan.judge(name, [], "not graded: grader error"))
    finally:
        run.kernel.close()
        grade.seconds = time.monotonic() - start
    return grade

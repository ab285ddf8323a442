"""Grade submissions: each exercise's cells run in a sandboxed kernel, judged here.

:func:`grade_submission` reads a submission (never writing to it; only a regular file up
to ``max_bytes``, opened without following symlinks: anything else is a ``refused`` row),
starts a fresh sandboxed kernel (:mod:`.kernel`, :mod:`.sandbox`) and grades each assigned
exercise in two phases (:mod:`.kernel_side`): first, for every exercise, its own cell runs
in a fresh namespace (after the notebook's definitions) with a ``nnlessons`` that holds
only what the exercise may use, and its public cases are answered; then the hidden cases.
Replies are judged in this process (:mod:`.plan`). The rest of the notebook (plots,
explorers, check cells) is not run: only the exercises count.

What happens when things go wrong:

- a cell or an exercise exceeds the time limit: the kernel is interrupted; if the code
  swallows the interrupt, the kernel is killed and a fresh one takes over the remaining
  exercises (at most ``max_restarts`` times);
- the whole submission exceeds its time ``budget``: what is not graded by then scores 0;
- the kernel runs out of memory (``MemoryError``): status ``memory``;
- the kernel dies by itself (``os._exit``, a crash): the exercises not yet graded fail;
- the kernel sends a message the grader cannot read, or a result record of the wrong
  shape (:func:`malformed_record`): status ``error``, the rest fails;
- a code cell is longer than :data:`~.plan.MAX_CELL_CHARS`: it is left out (status
  ``error``); the notebook holds more code than :data:`~.plan.MAX_CODE_CHARS` or more
  code cells than :data:`~.plan.MAX_CODE_CELLS`: status ``refused`` (the grader's own
  reading of the text is bounded, and counts against the ``budget``);
- the notebook cannot be read: status ``unreadable``; it is not a regular file or is too
  large: status ``refused``; score 0.

A batch of submissions is :func:`nnlessons.grading.batch.grade`.

Introduced for instructors (docs/instructors.md); not part of any lesson.
"""

import contextlib
import dataclasses
import json
import os
import stat
import time
from dataclasses import dataclass, field
from pathlib import Path

from .._validation import check_int, check_positive
from .kernel import KernelSession, truncate
from .kernel_side import call_code
from .plan import TooComplex, definitions, own_cell, screen_cells

#: The statuses, from best to worst; a submission's status is the worst that happened.
STATUSES = ("ok", "error", "timeout", "memory", "kernel-died", "no-exercises", "unreadable",
            "refused", "grader-error")
DEFAULT_MEMORY_LIMIT = 2 * 1024 ** 3
DEFAULT_BUDGET = 300.0
DEFAULT_MAX_BYTES = 20 * 1024 ** 2


class Refused(ValueError):
    """A submission path that is not read: not a regular file, or too large."""


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


def read_bytes(path, max_bytes=DEFAULT_MAX_BYTES):
    """The bytes of ``path``, if it is a regular file of at most ``max_bytes``.

    Opened with ``O_NOFOLLOW | O_NONBLOCK`` (a symlink, a FIFO or a device never blocks
    or redirects the read), checked with ``fstat``, read up to ``max_bytes + 1``.

    Raises
    ------
    Refused
        For a symlink, anything but a regular file, or a file over ``max_bytes``.
    ValueError
        When it cannot be opened at all.
    """
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError as err:
        if os.path.islink(path):
            raise Refused("a symbolic link, not a notebook file") from None
        raise ValueError(f"not a readable notebook: {err.strerror}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise Refused("not a regular file (a FIFO, a device or a folder)")
        if info.st_size > max_bytes:
            raise Refused(f"larger than the limit of {max_bytes} bytes")
        chunks, size = [], 0
        while size <= max_bytes:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > max_bytes:
            raise Refused(f"larger than the limit of {max_bytes} bytes")
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_notebook(path, max_bytes=DEFAULT_MAX_BYTES):
    """Read a notebook file, or raise ValueError (:class:`Refused`) saying why not.

    Returns
    -------
    dict
        ``{"cells": [{"cell_type", "source", "metadata"}, ...]}`` with ``source`` joined
        into one string, checked so that later steps can trust its shape.
    """
    raw = read_bytes(path, max_bytes)
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as err:
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


#: The fields a result record may have, and the type of each (kernel_side.py sends them).
RECORD_FIELDS = {"exercise": str, "case": int, "reply": str, "touched": list,
                 "missing": bool, "cell": int, "error": str, "crash": str}


def malformed_record(record):
    """None when ``record`` has the shape the kernel side sends, else what is wrong.

    >>> malformed_record({"exercise": "relu", "case": 0, "reply": "{}", "touched": []})
    >>> malformed_record({"exercise": "relu", "case": [0]})
    "field 'case' is a list, not int"
    """
    if type(record) is not dict:
        return f"a {type(record).__name__}, not a dict"
    for key, value in record.items():
        expected = RECORD_FIELDS.get(key) if type(key) is str else None
        if expected is None:
            return f"unknown field {str(key)[:40]!r}"
        if type(value) is not expected:
            return f"field {key!r} is a {type(value).__name__}, not {expected.__name__}"
    if "exercise" not in record:
        return "no field 'exercise'"
    touched = record.get("touched", [])
    if len(touched) > 1000 or any(type(t) is not str for t in touched):
        return "field 'touched' is not a short list of str"
    return None


def _code_cells(notebook):
    return [(number, cell["source"]) for number, cell in enumerate(notebook["cells"], start=1)
            if cell["cell_type"] == "code" and cell["source"].strip()]


class _Run:
    """The state of one submission's grading (kernel, restarts, time budget)."""

    def __init__(self, grade, plan, timeout, budget, kernel_options, max_restarts):
        self.grade, self.plan = grade, plan
        self.timeout, self.max_restarts = timeout, max_restarts
        self.deadline = time.monotonic() + budget
        self.budget = budget
        self.kernel = KernelSession(**kernel_options)
        self.restarts, self.started = 0, False
        self.records = {}

    def remaining(self):
        return self.deadline - time.monotonic()

    def note(self, where, result):
        if result.status == "ok" and "MemoryError" not in result.error:
            return
        self.grade.events.append({**where, "status": result.status, "error": result.error})
        if "MemoryError" in result.error:
            self.grade.worsen("memory")
        self.grade.worsen({"ok": "ok", "error": "error", "timeout": "timeout",
                           "killed": "timeout", "died": "kernel-died",
                           "malformed": "error"}[result.status])

    def send(self, code):
        """Run ``code`` under the per-call limit and the submission's budget."""
        limit = min(self.timeout, self.remaining())
        result = self.kernel.run(code, limit)
        if result.status in ("timeout", "killed") and self.remaining() <= 0.05:
            result.error = f"stopped: the submission's time budget ({self.budget:g} s) ran out"
        return result

    def bring_up(self):
        if self.remaining() <= 0:
            return False
        if self.started:
            self.restarts += 1
            if self.restarts > self.max_restarts:
                self.grade.events.append({"status": "gave-up", "error":
                                          f"more than {self.max_restarts} restarts"})
                return False
        self.started = True
        self.kernel.start()
        return True

    def phase(self, kind, name, **arguments):
        """Run one phase of exercise ``name``; False when the kernel is gone after it."""
        indices = {index for index, _ in arguments["cases"]}
        path = None
        if arguments["cases"]:  # payloads go in a file: as source they would cost megabytes
            path = self.kernel.case_file(json.dumps([index, payload])
                                         for index, payload in arguments["cases"])
            arguments = dict(arguments, cases=path)
        try:
            result = self.send(call_code(self.kernel.runtime_path, kind, name=name,
                                         **arguments))
        finally:
            if path is not None:
                with contextlib.suppress(OSError):
                    os.unlink(path)
        mine = self.records.setdefault(name, {"setup": [], "hidden": []})[kind]
        malformed = 0
        for record in result.results:
            problem = malformed_record(record)
            if problem is not None:  # the grader's own code never sends these
                malformed += 1
                if malformed == 1:  # one event per phase, however many records
                    self.grade.events.append({"exercise": name, "phase": kind,
                                              "status": "error", "error":
                                              f"a malformed result record ({problem})"})
                self.grade.worsen("error")
                continue
            if "case" in record and record["case"] not in indices:
                continue  # a public case answered in phase 2 could carry hidden inputs
            if "cell" in record and kind == "setup":
                error = truncate(str(record.get("error", ""))[:2000])
                self.grade.events.append({"cell": record.get("cell") if type(
                    record.get("cell")) is int else None, "status": "error", "error": error})
                self.grade.worsen("memory" if "MemoryError" in error else "error")
            else:
                mine.append(record)
        if any(type(r) is dict and type(r.get("reply")) is str and "MemoryError" in r["reply"]
               for r in result.results):
            self.grade.worsen("memory")
        self.note({"exercise": name, "phase": kind}, result)
        if result.status in ("timeout", "killed", "died", "malformed"):
            self.failure[name] = {
                "timeout": f"stopped at the time limit ({self.timeout:g} s)",
                "killed": f"stopped at the time limit ({self.timeout:g} s)",
                "died": "the kernel died while this exercise ran",
                "malformed": "the notebook sent a message the grader could not read"
            }[result.status]
            if self.remaining() <= 0.05:
                self.failure[name] = "not graded: the submission's time budget ran out"
        return result.status not in ("killed", "died", "malformed")

    def run(self, cells, names):
        self.failure = {}
        plan = self.plan
        setups = {}
        cache = {}  # each cell parsed once; the transformer's work bounded in all
        for name in names:
            own = own_cell(cells, name, cache)
            setups[name] = dict(allowed=list(getattr(plan.exercises[name], "allowed", ())),
                                stub_source=plan.stub_source(name),
                                cells=definitions(cells, skip=own[0] if own else None,
                                                  own=own[1] if own else None, cache=cache),
                                own=own)
        cache.clear()
        alive, ready = self.bring_up(), []
        for name in names:  # phase 1: every exercise's cells and public cases
            if not alive:
                alive = self.bring_up()
                ready = []
            if not alive:
                break
            item = plan.items[name]
            alive = self.phase("setup", name, cases=item.public, **setups[name])
            if alive:
                ready.append(name)
            else:  # the namespaces built so far went with the kernel
                ready = []
        for name in names:  # phase 2: hidden cases, no learner text kept from here on
            if self.remaining() <= 0:
                break
            if name in self.failure:
                continue
            if name not in ready:  # a fresh kernel: rebuild the namespace, no public cases
                if not self.bring_up():
                    break
                ready = []
                for other in names:
                    if other not in self.failure and other not in ready:
                        quiet = self.kernel.run(call_code(
                            self.kernel.runtime_path, "setup", name=other, cases=[],
                            **setups[other]), min(self.timeout, self.remaining()))
                        if quiet.status not in ("ok", "error"):
                            break
                        ready.append(other)
                if name not in ready:
                    self.failure.setdefault(name, "not graded: the kernel could not be "
                                            "brought back")
                    continue
            item = plan.items[name]
            if not self.phase("hidden", name, cases=item.hidden):
                ready = []
        for name in names:
            failure = self.failure.get(name)
            if failure is None and self.remaining() <= 0:
                failure = "not graded: the submission's time budget ran out"
            if failure is None:
                failure = ("not graded: the kernel died before this exercise"
                           if self.grade.status == "kernel-died" else
                           "no answer came back from the notebook")
            records = self.records.get(name, {})
            self.grade.reports[name] = plan.judge(name, records.get("setup", []), failure,
                                                  hidden_records=records.get("hidden", []))


def grade_submission(path, plan, *, label=None, timeout=60.0, budget=DEFAULT_BUDGET,
                     memory_limit=DEFAULT_MEMORY_LIMIT, sandbox=None, runtime=None, slot=0,
                     env=None, max_restarts=3, max_bytes=DEFAULT_MAX_BYTES):
    """Grade one submitted notebook.

    Parameters
    ----------
    path : str or Path
        The notebook; it is only read.
    plan : Plan
    label : str, optional
        The name used in reports (default: the file name).
    timeout : float, default 60
        Seconds allowed for each cell and for each phase of each exercise.
    budget : float, default 300
        Seconds allowed for the whole submission, kernel starts included.
    memory_limit : int or None, default 2 GiB
        The kernel's address-space limit in bytes.
    sandbox : Sandbox or None
        The sandbox each kernel runs in (None: a plain process, ``--no-sandbox``).
    runtime : str
        The folder with the kernel-side code (:func:`nnlessons.grading.batch.runtime`).
    slot : int
        Which kernel slot of the batch this is (its user id in the sandbox).
    max_restarts : int, default 3
        How many times a killed kernel is replaced before the rest fails.
    max_bytes : int, default 20 MiB
        Largest notebook file read.

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
    check_positive(budget, "budget")
    if memory_limit is not None:
        check_int(memory_limit, "memory_limit", minimum=1)
    check_int(max_restarts, "max_restarts", minimum=0)
    start = time.monotonic()
    grade = SubmissionGrade(label or Path(path).name, str(path))
    names = plan.assigned(Path(path).name)
    try:
        notebook = read_notebook(path, max_bytes)
    except ValueError as err:
        grade.status = "refused" if isinstance(err, Refused) else "unreadable"
        grade.events.append({"status": grade.status, "error": truncate(str(err), 300)})
        for name in names:
            grade.reports[name] = plan.judge(name, [], f"not graded: {grade.status} file")
        return grade
    if not names:
        grade.status = "no-exercises"
        grade.events.append({"status": "no-exercises", "error": "the file name names no "
                             "lesson (such as 01_neuron.ipynb); pass --exercises"})
        return grade
    if runtime is None:
        from .batch import build_runtime

        runtime = build_runtime()
    try:
        cells, left_out = screen_cells(_code_cells(notebook))
    except TooComplex as err:
        grade.status = "refused"
        grade.events.append({"status": "refused", "error": truncate(f"too complex to grade: "
                                                                    f"{err}", 300)})
        for name in names:
            grade.reports[name] = plan.judge(name, [], "not graded: refused file")
        return grade
    for number, why in left_out:
        grade.events.append({"cell": number, "status": "error", "error": why})
        grade.worsen("error")
    if sandbox is not None:
        sandbox = dataclasses.replace(sandbox, memory_limit=memory_limit)
    run = _Run(grade, plan, timeout, budget,
               dict(memory_limit=memory_limit, sandbox=sandbox, runtime=str(runtime),
                    slot=slot, env=env), max_restarts)
    try:
        run.run(cells, names)
    except Exception as err:  # a failure of the grader, not of the submission
        grade.status = "grader-error"
        grade.events.append({"status": "grader-error", "error": truncate(repr(err), 500)})
        for name in names:
            grade.reports.setdefault(name, plan.judge(name, [], "not graded: grader error"))
    finally:
        run.kernel.close()
        grade.seconds = time.monotonic() - start
    return grade

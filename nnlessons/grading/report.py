"""Write what the grader found: grades.csv, a JSON report, feedback per student, progress.

- :func:`write_csv`: one row per submission: ``submission``, one column per exercise (bank
  order; empty when the exercise is not part of that notebook), ``total``, ``max``,
  ``status``.
- :func:`report_data` / :func:`write_json`: everything, for the instructor, including
  the notebook's errors (hidden cases are still described, never shown).
- :func:`feedback_markdown` / :func:`feedback_html`: for the learner: which cases passed,
  why the others failed. A hidden case only says what kind of failure it was
  ("hidden case 3 (random z): wrong value"), never its inputs, its expected value, or the
  learner's own exception message (which could quote the inputs).
- :class:`Progress`: one line per submission on stderr, redrawn in place on a terminal.

Introduced for instructors (docs/instructors.md); not part of any lesson.
"""

import csv
import html
import json
import re
import sys
import time
import unicodedata
from pathlib import Path

# Spreadsheet formula prefixes (OWASP, CSV injection): such a cell gets a leading quote.
_FORMULA = ("=", "+", "-", "@", "\t", "\r")

STATUS_TEXT = {
    "ok": "The notebook ran from top to bottom.",
    "error": "Some cells raised errors; the rest of the notebook still ran.",
    "timeout": "Some code was stopped at the time limit.",
    "memory": "Some code ran out of memory (the memory limit of grading).",
    "kernel-died": ("The notebook's Python process died (os._exit, a crash); exercises "
                    "not graded by then score 0."),
    "no-exercises": "No exercise of the course was found in this notebook.",
    "unreadable": "This file could not be read as a notebook.",
    "refused": ("This file was not read: it is not a regular notebook file (a link, a "
                "FIFO, a device) or it is too large."),
    "grader-error": "The grader failed on this notebook; your instructor will look into it.",
}


def fmt(points):
    """Points as short text.

    Examples
    --------
    >>> fmt(2.5), fmt(3.0), fmt(2 / 3)
    ('2.5', '3', '0.67')
    """
    return f"{points:.2f}".rstrip("0").rstrip(".")


def printable(text):
    """``text`` with control characters (and bidirectional overrides) escaped.

    For terminals, Markdown and HTML: an escape sequence or a carriage return in a file
    name or a message can neither recolour a terminal nor forge a line.

    Examples
    --------
    >>> printable("ann\\r\\x1b[2Kbo\\u202e.ipynb")
    'ann\\\\r\\\\x1b[2Kbo\\\\u202e.ipynb'
    """
    out = []
    for char in str(text):
        if char in "\n\r\t" or unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp"):
            code = ord(char)
            out.append({"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(
                char, f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"))
        else:
            out.append(char)
    return "".join(out)


def csv_cell(text):
    """A text cell for grades.csv, neutralised against spreadsheet formulas (OWASP).

    Examples
    --------
    >>> csv_cell("=HYPERLINK(1)"), csv_cell("@sum"), csv_cell("ann.ipynb")
    ("'=HYPERLINK(1)", "'@sum", 'ann.ipynb')
    """
    text = str(text)
    return "'" + text if text.startswith(_FORMULA) else text


def columns(grades, order=None):
    """The exercise columns of a batch: every exercise some row is graded on, in ``order``
    (default: the bank's order)."""
    if order is None:
        from ..exercises import EXERCISES as order
    seen = {name for grade in grades for name in grade.reports}
    order = list(order)
    return [n for n in order if n in seen] + sorted(seen - set(order))


def write_csv(grades, path, order=None):
    """Write grades.csv (see the module docstring for its columns).

    Parameters
    ----------
    grades : list of SubmissionGrade
    path : str or Path
    order : iterable of str, optional
        The exercise names in column order (default: the bank's order).

    Examples
    --------
    >>> import os, tempfile
    >>> from nnlessons.grading import SubmissionGrade
    >>> folder = tempfile.mkdtemp()
    >>> write_csv([SubmissionGrade("ann.ipynb", "ann.ipynb", status="unreadable")],
    ...           os.path.join(folder, "grades.csv"))
    >>> print(open(os.path.join(folder, "grades.csv")).read().strip())
    submission,total,max,status
    ann.ipynb,0,0,unreadable
    """
    names = columns(grades, order)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["submission", *names, "total", "max", "status"])
        for g in grades:
            scores = [fmt(g.reports[n].earned) if n in g.reports else "" for n in names]
            writer.writerow([csv_cell(printable(g.submission)), *scores, fmt(g.total),
                             fmt(g.max), csv_cell(g.status)])


def hidden_reason(kind):
    """The grader's one fixed sentence for a hidden case that failed with ``kind``.

    Derived from the kind alone (:class:`~nnlessons.exercises.report.Kind`, set where
    the result was made), never from the message: nothing the learner's code controls
    (an exception, its text, a returned object) reaches it.

    Examples
    --------
    >>> hidden_reason("wrong_value"), hidden_reason("raised")
    ('wrong value', 'raised an exception')
    """
    from ..exercises.report import hidden_sentence

    return hidden_sentence(kind)


def case_lines(report):
    """The learner-facing lines of one exercise's report."""
    lines = []
    for case in report.cases:
        hidden = not case.public or case.label.startswith("hidden case")
        if case.passed:
            lines.append(("ok", f"{case.label}: right"))
        elif hidden:
            lines.append(("bad", f"{case.label}: {hidden_reason(case.kind)}"))
        else:
            lines.append(("bad", f"{case.label}: {case.message}"))
    return lines


def _notes(grade):
    notes = []
    for event in grade.events:
        status = event["status"]
        if "cell" in event:
            what = {"error": "raised an error", "timeout": "was stopped at the time limit",
                    "killed": "was stopped at the time limit and skipped",
                    "died": "made the kernel die"}.get(status, status)
            last = event.get("error", "").strip().splitlines()[-1:] if status == "error" else []
            notes.append(f"cell {event['cell']} {what}" + (f": {last[0][:300]}" if last else ""))
        elif "exercise" in event:
            notes.append(f"grading {event['exercise']}: " + {
                "timeout": "stopped at the time limit", "killed": "stopped at the time limit",
                "died": "the kernel died", "error": "the call was interrupted"}.get(status, status))
        else:
            notes.append(STATUS_TEXT.get(status, status))
    return notes


def feedback_markdown(grade):
    """The learner's feedback as Markdown.

    Examples
    --------
    >>> from nnlessons.exercises import CaseResult, Report
    >>> from nnlessons.grading import SubmissionGrade
    >>> report = Report("relu", [CaseResult("relu(-0.5)", True, "is right"),
    ...     CaseResult("hidden case 1 (zeros)", False, "wrong value at index 2 (1 of 4)",
    ...                "wrong_value", public=False)], 1)
    >>> grade = SubmissionGrade("ann.ipynb", "ann.ipynb", reports={"relu": report})
    >>> text = feedback_markdown(grade)
    >>> print(text.split("## `relu`: 0.5 / 1")[1].strip())
    - ✓ relu(-0.5): right
    - ✗ hidden case 1 (zeros): wrong value
    """
    out = [f"# Feedback: {_md(grade.submission)}", "",
           f"**Score: {fmt(grade.total)} / {fmt(grade.max)}**", "",
           STATUS_TEXT.get(grade.status, grade.status), ""]
    if grade.reports:
        out += ["| Exercise | Points | Cases right |", "|---|---|---|"]
        for name, r in grade.reports.items():
            out.append(f"| `{_md(name)}` | {fmt(r.earned)} / {fmt(r.points)} | "
                       f"{r.n_passed} of {len(r.cases)} |")
        out.append("")
    for name, r in grade.reports.items():
        out += [f"## `{_md(name)}`: {fmt(r.earned)} / {fmt(r.points)}", ""]
        out += [f"- {'✓' if kind == 'ok' else '✗'} {_md(text)}" for kind, text in case_lines(r)]
        out.append("")
    notes = _notes(grade)
    if notes:
        out += ["## Running your notebook", ""] + [f"- {_md(n)}" for n in notes] + [""]
    return "\n".join(out)


def _md(text):
    """Escape text for Markdown (a learner's message must not inject markup or lines)."""
    text = printable(str(text).replace("\n", " "))
    for char in "\\`*_[]<>|#&~":
        text = text.replace(char, "\\" + char)
    return text


def _e(text):
    """Escape text for HTML, control characters included."""
    return html.escape(printable(text))


def feedback_html(grade):
    """The learner's feedback as a standalone HTML page."""
    e = _e
    parts = [f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Feedback: "
             f"{e(grade.submission)}</title><style>body{{font-family:sans-serif;"
             "max-width:50em;margin:2em auto}.ok{color:#1a7f37}.bad{color:#cf222e}"
             "td,th{padding:0 1em;text-align:left}</style></head><body>",
             f"<h1>Feedback: {e(grade.submission)}</h1>",
             f"<p><strong>Score: {fmt(grade.total)} / {fmt(grade.max)}</strong></p>",
             f"<p>{e(STATUS_TEXT.get(grade.status, grade.status))}</p>"]
    if grade.reports:
        parts.append("<table><tr><th>Exercise</th><th>Points</th><th>Cases right</th></tr>")
        for name, r in grade.reports.items():
            parts.append(f"<tr><td><code>{e(name)}</code></td><td>{fmt(r.earned)} / "
                         f"{fmt(r.points)}</td><td>{r.n_passed} of {len(r.cases)}</td></tr>")
        parts.append("</table>")
    for name, r in grade.reports.items():
        parts.append(f"<h2><code>{e(name)}</code>: {fmt(r.earned)} / {fmt(r.points)}</h2><ul>")
        parts += [f"<li class='{kind}'>{'✓' if kind == 'ok' else '✗'} {e(text)}</li>"
                  for kind, text in case_lines(r)]
        parts.append("</ul>")
    notes = _notes(grade)
    if notes:
        parts.append("<h2>Running your notebook</h2><ul>")
        parts += [f"<li>{e(n)}</li>" for n in notes]
        parts.append("</ul>")
    parts.append("</body></html>")
    return "\n".join(parts)


def _flat_name(label):
    """``label`` as one safe file name (no folder): ``a/01_neuron`` gives ``a__01_neuron``."""
    parts = [re.sub(r"[^A-Za-z0-9._-]", "_", part) for part in Path(label).parts
             if part not in ("/", "", ".", "..")]
    return ("__".join(parts) or "submission").lstrip(".")[:150] or "submission"


def _feedback_bases(labels, folder, formats):
    """One base path per label: the mirror of the label under ``folder`` where no other
    file's path goes through it (nor it through another's), else one flat file name."""
    folder = Path(folder)
    mirrors = []
    for label in labels:
        rel = Path(label).with_suffix("")
        ok = not rel.is_absolute() and all(p not in ("", ".", "..") for p in rel.parts)
        mirrors.append(folder / rel if ok and rel.parts else None)
    files = [[m.with_name(m.name + f".{k}") for k in formats] if m else None for m in mirrors]
    taken_files = {}
    for row in files:
        for f in row or ():
            taken_files[f] = taken_files.get(f, 0) + 1
    folders = {parent for row in files for f in row or () for parent in f.parents}
    bases, used = [], set(folders)
    for label, mirror, row in zip(labels, mirrors, files, strict=True):
        if row and all(taken_files[f] == 1 and f not in folders for f in row):
            bases.append(mirror)
            used.update(row)
            continue
        stem, n = _flat_name(Path(label).with_suffix("")), 1
        while True:
            base = folder / (stem if n == 1 else f"{stem}-{n}")
            if not any(base.with_name(base.name + f".{k}") in taken_files
                       or base.with_name(base.name + f".{k}") in used for k in formats):
                break
            n += 1
        used.update(base.with_name(base.name + f".{k}") for k in formats)
        bases.append(base)
    return bases


def write_feedback(grades, folder, formats=("md",)):
    """Write one feedback file per submission and format under ``folder``.

    The file mirrors the submission's name: ``alice/01_neuron.ipynb`` gives
    ``folder/alice/01_neuron.md``, unless another submission's name goes through that path
    (``alice/01_neuron.md/01_neuron.ipynb``): then each file that collides gets one flat
    name in ``folder`` (``alice__01_neuron.md``, with ``-2``, ... when needed). A file that
    cannot be written never stops the others. Returns the paths written.
    """
    grades = list(grades)
    written = []
    bases = _feedback_bases([g.submission for g in grades], folder, formats)
    for row, (grade, base) in enumerate(zip(grades, bases, strict=True), start=1):
        spare = Path(folder) / f"{_flat_name(Path(grade.submission).with_suffix(''))}-row{row}"
        for kind in formats:
            text = feedback_markdown(grade) if kind == "md" else feedback_html(grade)
            for target in (base, spare):  # spare: where something in the way was found
                path = target.with_name(target.name + f".{kind}")
                try:
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_text(text, encoding="utf-8")
                except OSError:
                    continue
                written.append(path)
                break
    return written


def report_data(grades, settings=None):
    """Everything about a batch as JSON-able data (for the instructor)."""
    rows = []
    for g in grades:
        rows.append({
            "submission": g.submission, "path": g.path, "status": g.status,
            "total": round(g.total, 4), "max": g.max, "seconds": round(g.seconds, 2),
            "events": g.events,
            "exercises": {name: {
                "points": r.points, "score": round(r.earned, 4), "passed": r.n_passed,
                "cases": [{"label": c.label, "passed": c.passed, "message": c.message,
                           "kind": str(c.kind), "public": c.public}
                          for c in r.cases]} for name, r in g.reports.items()}})
    return {"settings": settings or {}, "submissions": rows}


def write_json(grades, path, settings=None):
    """Write :func:`report_data` to ``path``."""
    Path(path).write_text(json.dumps(report_data(grades, settings), indent=1), "utf-8")


def read_json(path):
    """Read a report written by :func:`write_json`: ``(settings, grades)``.

    The grades carry their reports (cases passed or not, messages), enough to write the
    same grades.csv again (:func:`write_csv`), for instance from shards
    (``nnlessons merge``).

    Raises
    ------
    ValueError
        When the file is not such a report.
    """
    from ..exercises.report import CaseResult, Kind, Report
    from .runner import SubmissionGrade

    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        grades = []
        for row in data["submissions"]:
            grade = SubmissionGrade(row["submission"], row["path"], status=row["status"],
                                    events=row["events"], seconds=row["seconds"])
            for name, ex in row["exercises"].items():
                cases = [CaseResult(c["label"], bool(c["passed"]), c["message"],
                                    Kind(c["kind"]), bool(c["public"]))
                         for c in ex["cases"]]
                grade.reports[name] = Report(name, cases, points=ex["points"])
            grades.append(grade)
        return data["settings"], grades
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise ValueError(f"{path} is not a report of nnlessons grade --json: "
                         f"{type(err).__name__}: {err}") from None


class Progress:
    """A progress display on ``stream``: a bar redrawn in place on a terminal, else lines.

    Examples
    --------
    >>> import io
    >>> from nnlessons.grading.runner import SubmissionGrade
    >>> stream = io.StringIO()
    >>> progress = Progress(2, stream=stream)
    >>> progress(SubmissionGrade("alice.ipynb", "alice.ipynb"))
    >>> stream.getvalue().startswith("[1/2] alice.ipynb: 0 / 0 (ok")
    True
    """

    def __init__(self, total, stream=None, enabled=True):
        self.total, self.done, self.enabled = total, 0, enabled
        self.stream = stream or sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.start = time.monotonic()

    def __call__(self, grade):
        self.done += 1
        if not self.enabled:
            return
        elapsed = time.monotonic() - self.start
        line = (f"{printable(grade.submission)}: {fmt(grade.total)} / {fmt(grade.max)} "
                f"({grade.status}, {grade.seconds:.1f} s)")
        if self.tty:
            filled = int(20 * self.done / max(self.total, 1))
            eta = elapsed / self.done * (self.total - self.done)
            self.stream.write(f"\r\x1b[K[{'#' * filled}{'.' * (20 - filled)}] "
                              f"{self.done}/{self.total}, {eta:.0f} s left  {line}")
            if self.done == self.total:
                self.stream.write("\n")
        else:
            self.stream.write(f"[{self.done}/{self.total}] {line}\n")
        self.stream.flush()

"""Write the learners' notebooks from the solution notebooks, and keep the two in sync.

``solutions/NN_topic.ipynb`` is each lesson's source; ``notebooks/NN_topic.ipynb`` (what
learners open and edit) is generated from it::

    python -m nnlessons.authoring release [--check] [--force] [NAMES...]
    python -m nnlessons.authoring refresh [--timeout SECONDS] [NAMES...]
    python -m nnlessons.authoring strip [NAMES...]

``release`` replaces each ``### BEGIN SOLUTION`` ... ``### END SOLUTION`` block with
``raise NotImplementedError`` (``YOUR ANSWER HERE`` in markdown) indented like the
markers, drops ``### BEGIN HIDDEN TESTS`` ... ``### END HIDDEN TESTS`` blocks, keeps the
nbgrader metadata and only the outputs of cells starting with ``# NBVAL_CHECK_OUTPUT``,
and opens with a note on where the notebook comes from. The output is deterministic, so
``--check`` (exit 1 when notebooks/ is out of date) compares text exactly. ``refresh``
re-runs solutions and keeps the checked outputs; ``strip`` only strips them.

Learners' work is never lost: a generated notebook records a hash of its cells in
``metadata.nnlessons.generated_hash``. If its cells no longer match (the learner wrote in
them), release refuses to overwrite it, naming the file, unless ``--force``, which first
copies it to ``notebooks/.backup/``. Running cells (outputs, counts) is not an edit.

Used by lesson authors and instructors (docs/instructors.md); no lesson imports it. Left
out: merging a learner's answers into a newer version of a lesson.
"""

import argparse
import copy
import datetime
import json
import os
import re
import sys
import tempfile
from pathlib import Path

from .exercises.cells import (  # noqa: F401  (the cell format, re-exported for authors)
    BEGIN_HIDDEN,
    BEGIN_SOLUTION,
    CHECK_OUTPUT,
    END_HIDDEN,
    END_SOLUTION,
    AuthoringError,
    content_hash,
    is_note,
    keeps_output,
    replace_blocks,
    strip_notebook,
    student_cell,
)

PATTERN = "[0-9][0-9]_*.ipynb"
NOTE_ID = "nnlessons-generated-note"
_ADDRESS = re.compile(r"at 0x[0-9a-fA-F]{6,}")
NOTE = (
    "**This is your copy of the lesson**, generated from `{source}`, which holds the "
    "worked solutions. Write your answers here: replace each `raise NotImplementedError` "
    "with your code, then run the check cell below it. Your edits are kept: regenerating "
    "the notebooks never overwrites a notebook you have changed (it stops and says so; "
    "with `--force` it first saves your version in `notebooks/.backup/`)."
)


def _nbformat():
    try:
        import nbformat
    except ImportError as err:  # only the lab/test extras install it
        raise SystemExit("nnlessons.authoring needs nbformat: pip install nbformat") from err
    return nbformat


def render(nb):
    """The notebook as stable JSON text: sorted keys, indent 1, a trailing newline."""
    return _nbformat().writes(nb, version=4).rstrip("\n") + "\n"


def student_notebook(solution, source_name):
    """The learner's notebook made from a solution notebook (which is not changed).

    Parameters
    ----------
    solution : NotebookNode
    source_name : str
        Where it comes from, as the note says it, e.g. ``"solutions/01_neuron.ipynb"``.
    """
    nbformat = _nbformat()
    nb = strip_notebook(copy.deepcopy(solution))
    cells = [c for c in nb.cells if not is_note(c)]
    nb.cells = [student_cell(c, f"{source_name}, cell {i}") for i, c in enumerate(cells)]
    note = nbformat.v4.new_markdown_cell(NOTE.format(source=source_name), id=NOTE_ID)
    note.metadata["nnlessons"] = {"generated_note": True}
    nb.cells.insert(0, note)
    nb.metadata["nnlessons"] = {"generated_from": source_name}
    nb.metadata.nnlessons["generated_hash"] = content_hash(nb)
    return nb


def learner_edited(text):
    """Whether a stored learner's notebook differs from the version that was generated.

    Unreadable files and notebooks without a recorded hash count as edited.
    """
    try:
        nb = _nbformat().reads(text, as_version=4)
        recorded = nb.metadata.get("nnlessons", {}).get("generated_hash")
    except Exception:  # any unreadable file: keep it
        return True
    return recorded != content_hash(nb)


# --- files ---

def select(folder, names):
    """The lesson notebooks of ``folder``, or those matching ``names`` ("01", "01_neuron")."""
    found = sorted(folder.glob(PATTERN))
    if not names:
        return found
    wanted = [Path(n).name.removesuffix(".ipynb") for n in names]
    unknown = [w for w in wanted if not any(p.stem == w or p.stem.startswith(w + "_")
                                            for p in found)]
    if unknown:
        valid = ", ".join(p.stem for p in found) or "none"
        raise AuthoringError(f"no notebook {', '.join(unknown)} in {folder}; there are: {valid}")
    return [p for p in found if any(p.stem == w or p.stem.startswith(w + "_") for w in wanted)]


def write_text(path, text):
    """Write ``text`` atomically (a crash never leaves half a notebook), keeping the mode."""
    path.parent.mkdir(parents=True, exist_ok=True)
    umask = os.umask(0)
    os.umask(umask)
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~umask
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".ipynb")
    with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as file:
        file.write(text)
    os.chmod(temp, mode)
    os.replace(temp, path)


def backup(path):
    """Copy ``path`` to ``.backup/NAME-<timestamp>.ipynb`` beside it and return the copy."""
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    folder = path.parent / ".backup"
    folder.mkdir(exist_ok=True)
    target, n = folder / f"{path.stem}-{stamp}.ipynb", 1
    while target.exists():
        n += 1
        target = folder / f"{path.stem}-{stamp}-{n}.ipynb"
    target.write_bytes(path.read_bytes())
    return target


def release(root, names=(), check=False, force=False, out=print):
    """Write (or with ``check``, compare) ``root/notebooks`` from ``root/solutions``.

    Returns
    -------
    int
        The exit status: 0 when everything is written or in sync, 1 otherwise.
    """
    root = Path(root)
    solutions, notebooks = root / "solutions", root / "notebooks"
    problems, refused = [], []
    for source in select(solutions, names):
        rel_source, target = f"solutions/{source.name}", notebooks / source.name
        text = render(student_notebook(_nbformat().read(source, as_version=4), rel_source))
        current = target.read_text(encoding="utf-8") if target.exists() else None
        if current == text:
            continue
        if check:
            problems.append(f"{'differs' if current else 'missing'}: notebooks/{source.name}")
            continue
        if current is not None and learner_edited(current):
            if not force:
                refused.append(f"notebooks/{source.name}")
                continue
            saved = backup(target)
            out(f"saved the edited notebooks/{source.name} as {saved.relative_to(root)}")
        write_text(target, text)
        out(f"wrote notebooks/{source.name}")
    if not names:
        sources = {p.name for p in solutions.glob(PATTERN)}
        for extra in sorted(p.name for p in notebooks.glob(PATTERN) if p.name not in sources):
            if check:
                problems.append(f"extra: notebooks/{extra} (there is no solutions/{extra})")
            else:
                out(f"left notebooks/{extra} as it is: there is no solutions/{extra}")
    for path in refused:
        out(f"refused to overwrite {path}: it was edited since it was generated, and "
            "overwriting would lose that work. Run release --force to replace it (your "
            "version is first saved in notebooks/.backup/).")
    for problem in problems:
        out(problem)
    if problems:
        out("notebooks/ is out of date: run  python -m nnlessons.authoring release")
    return 1 if problems or refused else 0


def unstable_outputs(nb):
    """Indices of checked cells whose stored output shows a memory address (``0x7f...``).

    Such output changes on every run, so nbval would fail on it.
    """
    return [i for i, cell in enumerate(nb.cells) if keeps_output(cell)
            and _ADDRESS.search(json.dumps(cell.get("outputs", [])))]


def refresh(root, names=(), timeout=600, out=print):
    """Run solution notebooks and store outputs only of ``# NBVAL_CHECK_OUTPUT`` cells."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nbformat = _nbformat()
    for source in select(Path(root) / "solutions", names):
        nb = nbformat.read(source, as_version=4)
        client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                                resources={"metadata": {"path": str(source.parent)}})
        try:
            client.execute()
        except CellExecutionError as err:
            out(f"solutions/{source.name} failed; nothing written:\n{err}")
            return 1
        write_text(source, render(strip_notebook(nb)))
        out(f"refreshed solutions/{source.name}")
        for index in unstable_outputs(nb):
            out(f"warning: cell {index} of solutions/{source.name} prints a memory address; "
                "its output differs on every run")
    return 0


def strip(root, names=(), out=print):
    """Strip outputs (except checked ones) and run-time metadata from solution notebooks."""
    for source in select(Path(root) / "solutions", names):
        before = source.read_text(encoding="utf-8")
        text = render(strip_notebook(_nbformat().reads(before, as_version=4)))
        if text != before:
            write_text(source, text)
            out(f"stripped solutions/{source.name}")
    return 0


def main(argv=None):
    """The command line (see the module docstring)."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("names", nargs="*", metavar="NAMES",
                        help="lessons, e.g. 01_neuron or 01 (default: all)")
    common.add_argument("--root", type=Path, help="the course folder (default: the current "
                        "folder if it has solutions/, else this package's repository)")
    parser = argparse.ArgumentParser(prog="python -m nnlessons.authoring",
                                     description="Write notebooks/ from solutions/.")
    commands = parser.add_subparsers(dest="command", required=True)
    release_cmd = commands.add_parser("release", parents=[common],
                                      help="write notebooks/ from solutions/")
    release_cmd.add_argument("--check", action="store_true",
                             help="write nothing; exit 1 if notebooks/ is out of date")
    release_cmd.add_argument("--force", action="store_true",
                             help="replace edited notebooks (backed up first)")
    commands.add_parser("refresh", parents=[common], help="run solutions, keep checked "
                        "outputs").add_argument("--timeout", type=int, default=600,
                                                help="seconds allowed per cell")
    commands.add_parser("strip", parents=[common], help="strip outputs from solutions/")
    args = parser.parse_args(argv)
    here, repo = Path.cwd(), Path(__file__).resolve().parent.parent
    root = args.root or (here if (here / "solutions").is_dir() else repo)
    if not (root / "solutions").is_dir():
        parser.error(f"no solutions/ folder in {root}; pass --root")
    try:
        if args.command == "release":
            return release(root, args.names, check=args.check, force=args.force)
        if args.command == "refresh":
            return refresh(root, args.names, timeout=args.timeout)
        return strip(root, args.names)
    except AuthoringError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())

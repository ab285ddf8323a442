"""How an exercise sits in a notebook: solution markers, hidden tests and checked outputs.

The lessons and the tools that read them agree on one cell format. A solution cell holds
the worked answer between ``### BEGIN SOLUTION`` and ``### END SOLUTION``; a check cell
calls ``nl.check`` and may end with a ``### BEGIN HIDDEN TESTS`` ... ``### END HIDDEN
TESTS`` block (nbgrader's conventions); a cell whose printed numbers the text quotes
starts with ``# NBVAL_CHECK_OUTPUT`` and is the only kind that keeps stored outputs.
This module holds the pure functions on cells and notebooks (nbformat ``NotebookNode``
objects) that :mod:`nnlessons.authoring` builds on: the one normalisation of stored
notebooks, the hash of what a learner can edit, and the learner's version of a cell.

Introduced with the exercises of lesson 00. Left out: reading and writing files.
"""

import copy
import hashlib
import json

CHECK_OUTPUT = "# NBVAL_CHECK_OUTPUT"
BEGIN_SOLUTION, END_SOLUTION = "### BEGIN SOLUTION", "### END SOLUTION"
BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
QUESTION_CALL = "nl.answer("

__all__ = ["CHECK_OUTPUT", "BEGIN_SOLUTION", "END_SOLUTION", "BEGIN_HIDDEN", "END_HIDDEN",
           "AuthoringError", "keeps_output", "strip_notebook", "content_hash", "is_note",
           "replace_blocks", "student_cell"]


class AuthoringError(Exception):
    """A solution notebook that cannot be released (unbalanced markers, unknown names)."""


def keeps_output(cell):
    """Whether a cell's outputs are stored: code cells starting with ``# NBVAL_CHECK_OUTPUT``.

    Examples
    --------
    >>> keeps_output({"cell_type": "code", "source": "# NBVAL_CHECK_OUTPUT\\nprint(1)"})
    True
    >>> keeps_output({"cell_type": "code", "source": "print(1)"})
    False
    """
    return cell["cell_type"] == "code" and cell["source"].lstrip().startswith(CHECK_OUTPUT)


def strip_notebook(nb):
    """Strip outputs (except checked ones), execution counts and run-time metadata, in place.

    This is the one normalisation of every stored notebook, in solutions/ and notebooks/:
    cells without an id get a stable one, timing metadata and widget state go, and
    ``language_info`` keeps only the language's name (not the Python version that ran).

    Parameters
    ----------
    nb : NotebookNode

    Returns
    -------
    NotebookNode
        ``nb`` itself.
    """
    for index, cell in enumerate(nb.cells):
        cell.setdefault("id", f"cell-{index}")
        for key in ("execution", "ExecuteTime"):
            cell.metadata.pop(key, None)
        if cell.cell_type != "code":
            continue
        if not keeps_output(cell):
            cell.outputs = []
        # nbval only compares the outputs of a cell that has an execution count, so a checked
        # cell keeps one; numbering by position keeps the stored file deterministic.
        cell.execution_count = index + 1 if cell.outputs else None
        for output in cell.outputs:
            if output.output_type == "execute_result":
                output.execution_count = cell.execution_count
    nb.metadata.pop("widgets", None)
    if "language_info" in nb.metadata:
        nb.metadata.language_info = {"name": nb.metadata.language_info.get("name", "python")}
    nb.nbformat, nb.nbformat_minor = 4, max(nb.get("nbformat_minor", 5), 5)
    return nb


def content_hash(nb):
    """A hash of what a learner can write in a notebook: its cells' types and sources.

    Outputs, execution counts and metadata are left out, so running cells is not an edit.
    """
    cells = [[cell.cell_type, cell.source] for cell in nb.cells]
    return hashlib.sha256(json.dumps(cells).encode("utf-8")).hexdigest()


def is_note(cell):
    """Whether ``cell`` is the generated note that opens a learner's notebook."""
    return bool(cell.get("metadata", {}).get("nnlessons", {}).get("generated_note"))


def replace_blocks(source, begin, end, replacement=None, where="a cell"):
    """Replace each ``begin`` ... ``end`` block of lines with ``replacement`` (or remove it).

    The replacement is indented like the ``begin`` marker.

    Raises
    ------
    AuthoringError
        For a block that is not closed, or nested, or an ``end`` without ``begin``.

    Examples
    --------
    >>> print(replace_blocks("def f():\\n    ### BEGIN SOLUTION\\n    return 1\\n"
    ...                      "    ### END SOLUTION", BEGIN_SOLUTION, END_SOLUTION,
    ...                      "raise NotImplementedError"))
    def f():
        raise NotImplementedError
    """
    kept, inside = [], False
    for line in source.split("\n"):
        text = line.strip()
        if text.startswith(begin):
            if inside:
                raise AuthoringError(f"{where}: {begin!r} inside another block")
            inside = True
            if replacement is not None:
                kept.append(line[: len(line) - len(line.lstrip())] + replacement)
        elif text.startswith(end):
            if not inside:
                raise AuthoringError(f"{where}: {end!r} without {begin!r}")
            inside = False
        elif not inside:
            kept.append(line)
    if inside:
        raise AuthoringError(f"{where}: {begin!r} without {end!r}")
    return "\n".join(kept)


def student_cell(cell, where="a cell"):
    """The learner's version of one cell (a new cell; ``cell`` is not changed).

    Solution blocks become ``raise NotImplementedError`` (``YOUR ANSWER HERE`` in
    markdown; ``answer = None`` in a question cell, one that calls ``nl.answer``); an
    nbgrader solution cell without markers is replaced whole, as nbgrader
    does; hidden-test blocks are removed.
    """
    cell = copy.deepcopy(cell)
    answer = "YOUR ANSWER HERE" if cell.cell_type == "markdown" else "raise NotImplementedError"
    if cell.cell_type == "code" and QUESTION_CALL in cell.source:
        answer = "answer = None"
    if BEGIN_SOLUTION in cell.source:
        cell.source = replace_blocks(cell.source, BEGIN_SOLUTION, END_SOLUTION, answer, where)
    elif cell.get("metadata", {}).get("nbgrader", {}).get("solution"):
        cell.source = answer
    if BEGIN_HIDDEN in cell.source:
        cell.source = replace_blocks(cell.source, BEGIN_HIDDEN, END_HIDDEN, None, where)
        cell.source = cell.source.rstrip()
    return cell

"""What to grade and how to judge it: the grader's side of every exercise.

A :class:`Plan` is built once per batch, in the grader's process, before any learner code
runs. For each exercise of the bank (:data:`nnlessons.exercises.EXERCISES`, in bank order)
it holds the public and hidden cases (hidden ones drawn from ``seed``: a fresh secret one
by default, recorded in the instructor's report; the same seed regrades alike) and their
encoded arguments, the only thing a learner's kernel ever receives. :meth:`Plan.judge`
turns the kernel's untrusted replies into a :class:`~nnlessons.exercises.report.Report`:
replies are decoded strictly and judged with the bank's judges against expected values
computed here, from the reference. Expected values of hidden cases therefore never exist
in a learner's kernel.

:meth:`Plan.assigned` decides which exercises a notebook is graded on, from the
instructor's side only: the exercises given (``--exercises``), else those of the lesson the
file is named after (``01_neuron.ipynb``, in any folder). Nothing inside the submission
(nbgrader ``grade_id`` tags, the functions it defines) changes that set; an exercise the
notebook lacks scores 0.

:func:`definitions` and :func:`own_cell` pick what of a notebook runs while grading one
exercise: the import, function and class statements of the other cells, and the
exercise's own cell (the last one defining the function) in full. :data:`STUBS` holds the
numpy-only versions of the package functions an exercise may be allowed to use (the
kernel has no ``nnlessons``).

Introduced for instructors (docs/instructors.md); not part of any lesson.
"""

import ast
import secrets
from dataclasses import dataclass
from pathlib import Path

from .._validation import check_int
from ..exercises.report import Report
from ..exercises.runner import encode_case, failed_case, forbidden_case, judge_encoded

#: numpy-only versions of the package functions an exercise may use while grading.
STUBS = {
    "sigmoid": "def sigmoid(z):\n"
               "    z = np.asarray(z, dtype=float)\n"
               "    with np.errstate(over='ignore'):\n"
               "        s = 1.0 / (1.0 + np.exp(-z))\n"
               "    return s[()] if s.ndim == 0 else s\n",
    "tanh": "def tanh(z):\n"
            "    t = np.tanh(np.asarray(z, dtype=float))\n"
            "    return t[()] if t.ndim == 0 else t\n",
    "relu": "def relu(z):\n"
            "    r = np.maximum(np.asarray(z, dtype=float), 0.0)\n"
            "    return r[()] if r.ndim == 0 else r\n",
    "identity": "def identity(z):\n"
                "    r = np.array(z, dtype=float)\n"
                "    return r[()] if r.ndim == 0 else r\n",
    "softmax": "def softmax(z):\n"
               "    z = np.asarray(z, dtype=float)\n"
               "    e = np.exp(z - z.max(axis=-1, keepdims=True))\n"
               "    return e / e.sum(axis=-1, keepdims=True)\n",
    "mse": "def mse(y_true, y_pred):\n"
           "    d = np.asarray(y_true, dtype=float) - np.asarray(y_pred, dtype=float)\n"
           "    return float(np.mean(d ** 2))\n",
}

_NOT_ALLOWED = ("PackageNotAllowed", "PackageImportNotAllowed")


def new_seed():
    """A fresh secret seed for the hidden cases."""
    return secrets.randbelow(2 ** 32)


@dataclass(frozen=True)
class ExercisePlan:
    """One exercise's cases and their payloads for the kernel."""

    exercise: object
    cases: tuple
    payloads: tuple

    @property
    def public(self):
        """(index, payload) of the public cases."""
        return [(i, p) for i, (c, p) in enumerate(zip(self.cases, self.payloads,
                                                      strict=True)) if c.public]

    @property
    def hidden(self):
        """(index, payload) of the hidden cases."""
        return [(i, p) for i, (c, p) in enumerate(zip(self.cases, self.payloads,
                                                      strict=True)) if not c.public]


class Plan:
    """The exercises to grade, their cases, and the judging of replies.

    Parameters
    ----------
    exercises : dict of str to Exercise, optional
        The bank (default :data:`nnlessons.exercises.EXERCISES`).
    seed : int, optional
        The seed of the hidden cases (default: a fresh secret one, :attr:`seed`).
    only : sequence of str, optional
        Exercise names, lesson names ("01_neuron") or lesson numbers ("01") to grade every
        submission on, instead of the lesson named by each file.

    Examples
    --------
    >>> plan = Plan(seed=0, only=["00"])
    >>> plan.assigned("anything.ipynb")
    ['double']
    >>> report = plan.judge("double", [{"exercise": "double", "missing": True}])
    >>> report.n_passed, report.cases[0].message
    (0, 'the notebook defines no function named double')
    """

    def __init__(self, exercises=None, seed=None, only=None):
        if exercises is None:
            from ..exercises import EXERCISES as exercises
        self.exercises = dict(exercises)
        self.seed = new_seed() if seed is None else check_int(seed, "seed", minimum=0)
        self.items = {}
        for name, exercise in self.exercises.items():
            cases = tuple(exercise.cases(hidden=True, seed=self.seed))
            payloads = tuple(encode_case(exercise, case) for case in cases)
            self.items[name] = ExercisePlan(exercise, cases, payloads)
        self.only = None if only is None else self._resolve(only)

    def _resolve(self, selectors):
        lessons = sorted({ex.lesson for ex in self.exercises.values()})
        chosen = set()
        for selector in selectors:
            matches = [n for n, ex in self.exercises.items()
                       if selector in (n, ex.lesson) or ex.lesson.split("_")[0] == selector]
            if not matches:
                valid = ", ".join(lessons)
                raise ValueError(f"exercises must name exercises or lessons ({valid}); "
                                 f"got {selector!r}")
            chosen.update(matches)
        return [n for n in self.exercises if n in chosen]

    def lessons_of(self, names):
        """The lessons the exercises ``names`` belong to."""
        return {self.exercises[n].lesson for n in names if n in self.exercises}

    def assigned(self, filename):
        """The names of the exercises a submission called ``filename`` is graded on.

        The instructor's ``only``, else every exercise of the lesson the file is named
        after; the submission's content never changes it. In bank order.
        """
        if self.only is not None:
            return list(self.only)
        stem = Path(str(filename)).stem
        return [n for n, ex in self.exercises.items() if ex.lesson == stem]

    def stub_source(self, name):
        """numpy-only source of the package functions exercise ``name`` may use."""
        allowed = getattr(self.exercises[name], "allowed", ())
        return "".join(STUBS[a] for a in allowed if a in STUBS)

    def judge(self, name, records, failure="no answer came back from the notebook",
              hidden_records=None):
        """Judge the kernel's ``records`` for exercise ``name``.

        Public cases are judged from ``records`` alone (the public phase): nothing the
        kernel sent while it held hidden inputs may shape a message the learner reads.
        Hidden cases are judged from ``hidden_records`` (or from ``records`` when it is
        None); their messages are the fixed sentence of their kind.

        Parameters
        ----------
        name : str
        records : list
            The kernel's messages of the public phase (untrusted; malformed ones fail their
            case).
        failure : str
            The message of cases that got no answer (time limit, dead kernel).
        hidden_records : list, optional
            The kernel's messages of the hidden phase.

        Returns
        -------
        Report
        """
        item = self.items[name]
        allowed = tuple(getattr(item.exercise, "allowed", ()))
        public = self._gather(name, records)
        hidden = public if hidden_records is None else self._gather(name, hidden_records)
        results = []
        for index, case in enumerate(item.cases):
            replies, missing, used = public if case.public else hidden
            if not case.public:
                used = used | public[2]  # public facts may shape hidden (fixed) sentences
            record = replies.get(index)
            if record is None:
                if missing and used:
                    results.append(forbidden_case(case, name, used, allowed))
                    continue
                reason = (f"the notebook defines no function named {name}" if missing
                          else failure)
                results.append(failed_case(case, reason))
                continue
            result = self._judge_one(item.exercise, case, record)
            if not result.passed and (used or _not_allowed(record)):
                result = forbidden_case(case, name, used, allowed)
            results.append(result)
        return Report(name, results, points=item.exercise.points)

    def _gather(self, name, records):
        """(replies by case index, missing, package names used) of ``records``."""
        item = self.items[name]
        mine = [r for r in records if type(r) is dict and r.get("exercise") == name]
        missing = any(r.get("missing") is True for r in mine)
        used = set()
        for record in mine:
            touched = record.get("touched")
            if type(touched) is list:  # learner-chosen strings: only the package's names
                used.update(t if t in _package_names() else "code"
                            for t in touched[:20] if type(t) is str)
        replies = {}
        for record in mine:
            index = record.get("case")
            if type(index) is int and 0 <= index < len(item.cases):
                replies.setdefault(index, record)
        return replies, missing, used

    @staticmethod
    def _judge_one(exercise, case, record):
        reply = record.get("reply")
        if type(reply) is not str:
            return failed_case(case, "the function could not be run by the grader")
        try:
            return judge_encoded(exercise, case, reply)
        except Exception as error:  # a judge that cannot cope with a plain value
            return failed_case(case, f"the answer could not be judged ({type(error).__name__})")


def _package_names():
    """The names of ``nnlessons`` and its parts (the only words kept from the kernel)."""
    import sys

    names = set()
    for module_name, module in list(sys.modules.items()):
        if module_name == "nnlessons" or module_name.startswith("nnlessons."):
            names.add(module_name.removeprefix("nnlessons."))
            names.update(n for n in vars(module) if not n.startswith("__"))
    return names


def _not_allowed(record):
    reply = record.get("reply")
    return type(reply) is str and any(f'"error": "{n}"' in reply for n in _NOT_ALLOWED)


# --- what of a notebook runs while grading one exercise -------------------------------------

_KEEP = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


#: Limits on the grader's own work on a submission's text, before any kernel runs (IPython's
#: transformer and ``ast.parse`` run in the grader's process, outside the kernel's limits).
MAX_CELL_CHARS = 100_000       #: a longer code cell is skipped (an event, status error)
MAX_CODE_CHARS = 500_000       #: more code than this in all code cells: refused
MAX_CODE_CELLS = 2_000         #: more code cells than this: refused
MAX_TRANSFORM_LINES = 150      #: a longer cell never goes through IPython's transformer
MAX_TRANSFORMED_LINES = 600    #: lines through the transformer per submission, in all


class TooComplex(ValueError):
    """The submission's code is too large for the grader to read it (a refused row)."""


def screen_cells(cells):
    """The code cells the grader will read, and a note for each cell left out.

    Parameters
    ----------
    cells : list of (int, str)
        The code cells: (number, source).

    Returns
    -------
    (list of (int, str), list of (int, str))
        The cells kept, and (number, why) for each cell over :data:`MAX_CELL_CHARS`.

    Raises
    ------
    TooComplex
        Over :data:`MAX_CODE_CELLS` code cells or :data:`MAX_CODE_CHARS` characters of code.

    Examples
    --------
    >>> screen_cells([(1, "x = 1"), (2, "y" * (MAX_CELL_CHARS + 1))])[1]
    [(2, 'cell 2 has 100001 characters (the limit is 100000): it was not graded')]
    """
    if len(cells) > MAX_CODE_CELLS:
        raise TooComplex(f"{len(cells)} code cells (the limit is {MAX_CODE_CELLS})")
    total = sum(len(source) for _, source in cells)
    if total > MAX_CODE_CHARS:
        raise TooComplex(f"{total} characters of code (the limit is {MAX_CODE_CHARS})")
    kept, left_out = [], []
    for number, source in cells:
        if len(source) > MAX_CELL_CHARS:
            left_out.append((number, f"cell {number} has {len(source)} characters (the limit "
                                     f"is {MAX_CELL_CHARS}): it was not graded"))
        else:
            kept.append((number, source))
    return kept, left_out


def python_source(source, cache=None):
    """A cell's source as plain Python (IPython magics and ``!`` lines turned into calls).

    Plain Python is returned as it is. Otherwise IPython's transformer (whose time grows
    with the square of the number of magics) runs only on cells of at most
    :data:`MAX_TRANSFORM_LINES` lines, and, with a ``cache`` dict shared by one
    submission's calls, on at most :data:`MAX_TRANSFORMED_LINES` lines in all; past that the
    source is returned as it is (it will not parse, so its definitions are not used).
    """
    if cache is not None and ("py", source) in cache:
        return cache[("py", source)]
    result = source
    try:
        ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        lines = source.count("\n") + 1
        spent = cache.get("transformed", 0) if cache is not None else 0
        if lines <= MAX_TRANSFORM_LINES and spent + lines <= MAX_TRANSFORMED_LINES:
            if cache is not None:
                cache["transformed"] = spent + lines
            try:
                from IPython.core.inputtransformer2 import TransformerManager

                result = TransformerManager().transform_cell(source)
            except Exception:  # IPython missing, or a cell it cannot transform
                result = source
    if cache is not None:
        cache[("py", source)] = result
    return result


def _parse(source, cache=None):
    if cache is not None and ("ast", source) in cache:
        return cache[("ast", source)]
    try:
        tree = ast.parse(source)  # plain Python: no transformer
        if cache is not None:
            cache[("py", source)] = source
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        try:
            tree = ast.parse(python_source(source, cache))
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            tree = None
    if cache is not None:
        cache[("ast", source)] = tree
    return tree


def _defines(tree, name):
    return tree is not None and any(
        isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == name
        for n in tree.body)


def own_cell(cells, name, cache=None):
    """The (number, source) of the last code cell defining function ``name``, or None.

    ``cache``: a dict shared by one submission's calls (see :func:`python_source`)."""
    found = None
    for number, source in cells:
        if f"def {name}" in source and _defines(_parse(source, cache), name):
            found = (number, source)
    return found


def _bound(node):
    """The names an import statement binds (None for ``import *``)."""
    names = set()
    for alias in node.names:
        if alias.name == "*":
            return None
        names.add(alias.asname or alias.name.split(".")[0])
    return names


def _used(trees):
    names = set()
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.Name):
                names.add(node.id)
    return names


def definitions(cells, skip=None, own=None, cache=None):
    """The function and class statements of ``cells`` (except cell ``skip``), and the
    import statements that bind a name those (or the ``own`` cell's source) use.

    Imports nothing needs (``matplotlib.pyplot as plt`` for plots) are left out: they cost
    time and, under a small memory limit, address space. ``cache``: a dict shared by one
    submission's calls (each cell parsed once; see :func:`python_source`).

    Returns
    -------
    list of (int, str)
        One per statement: its cell number and its source, on the same line as in the
        cell (so that error messages name the learner's lines).
    """
    parsed = []
    for number, source in cells:
        if number == skip or not any(w in source for w in ("def ", "class ", "import ")):
            continue
        tree = _parse(source, cache)
        if tree is not None:
            parsed.append((number, python_source(source, cache).splitlines(True), tree))
    bodies = [n for _, _, tree in parsed for n in tree.body
              if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
    own_tree = _parse(own, cache) if own else None
    used = _used(bodies + ([own_tree] if own_tree is not None else []))
    out = []
    for number, lines, tree in parsed:
        for node in tree.body:
            if not isinstance(node, _KEEP):
                continue
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                bound = _bound(node)
                if bound is not None and not bound & used:
                    continue
            first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
            text = "\n" * (first - 1) + "".join(lines[first - 1:node.end_lineno])
            out.append((number, text))
    return out

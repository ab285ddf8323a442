"""The code that runs inside a learner's kernel to call their exercise functions.

The grader copies this file (as ``_nlgrade/kernel_main.py``) next to copies of the bank's
self-contained :mod:`~nnlessons.exercises.codec`, :mod:`~nnlessons.exercises.judges`,
:mod:`~nnlessons.exercises.report` and :mod:`~nnlessons.exercises.runner` into a runtime
folder that the sandboxed kernel sees read-only; the ``nnlessons`` package itself is not
there, so no reference and no hidden-case generator exists in the kernel.

Grading happens in two phases, so that no text the learner controls leaves a kernel that
has seen hidden inputs:

1. :func:`setup` (per exercise): a fresh namespace gets ``nnlessons`` (and ``nl``) as a
   *stub* that exposes only the names the exercise may use (``Exercise.allowed``; any
   other name raises :class:`PackageNotAllowed` and is recorded), then the function,
   class and import statements of the notebook's other cells, then the exercise's own cell
   in full. Errors of those cells and the public cases' replies go back now.
2. :func:`hidden` (per exercise): the hidden cases, called in the namespace of phase 1.

Every answer is a display message of type :data:`RESULT_MIME`. Nothing here is trusted by
the grader: the learner's code shares the process and can replace any of it.

Introduced for instructors (docs/instructors.md); not part of any lesson.
"""

RESULT_MIME = "application/vnd.nnlessons.grading+json"
STUB_FILE = "<nnlessons while grading>"
_MAX_TEXT = 2000
_STATE = {"exercise": None, "allowed": (), "spaces": {}, "stubs": {}, "touched": {}}


class PackageNotAllowed(AttributeError):
    """A name of ``nnlessons`` that the exercise being graded may not use."""


class PackageImportNotAllowed(ImportError):
    """An import of a part of ``nnlessons`` while grading."""


def _publish(record):
    from IPython.display import publish_display_data

    publish_display_data({RESULT_MIME: record})


def _touch(name):
    exercise = _STATE["exercise"]
    _STATE["touched"].setdefault(exercise, set()).add(str(name)[:60])


class _Blocker:
    """A meta-path finder that refuses every ``nnlessons.*`` import while grading."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname.split(".")[0] == "nnlessons" and fullname != "nnlessons":
            _touch(fullname.removeprefix("nnlessons."))
            raise PackageImportNotAllowed(
                f"{fullname} cannot be imported while grading {_STATE['exercise']}")
        return None


def _stub(exercise, allowed, source):
    """The ``nnlessons`` seen by ``exercise``: only ``allowed`` (from ``source``)."""
    import types

    import numpy as np

    module = types.ModuleType("nnlessons", "nnlessons, as seen while grading")
    module.__path__ = []  # submodule imports reach the blocker, which records them
    space = {"np": np, "__name__": "nnlessons"}
    exec(compile(source, STUB_FILE, "exec"), space)

    def guarded(name, function):
        def call(*args, **kwargs):
            if name not in _STATE["allowed"]:
                _touch(name)
                raise PackageNotAllowed(f"nnlessons.{name} may not be used in "
                                        f"{_STATE['exercise']}")
            return function(*args, **kwargs)
        call.__name__ = call.__qualname__ = name
        return call

    for name in allowed:
        if callable(space.get(name)):
            setattr(module, name, guarded(name, space[name]))
    module.check = module.answer = lambda *args, **kwargs: None

    def missing(name):
        if name.startswith("__"):
            raise AttributeError(name)
        _touch(name)
        raise PackageNotAllowed(f"nnlessons.{name} may not be used in {exercise}: "
                                "write it with numpy")

    module.__getattr__ = missing
    return module


def _enter(name):
    import sys

    _STATE["exercise"] = name
    _STATE["allowed"] = tuple(getattr(_STATE["stubs"].get(name), "__allowed__", ()))
    sys.modules["nnlessons"] = _STATE["stubs"][name]
    if not any(type(f).__name__ == "_Blocker" for f in sys.meta_path):
        sys.meta_path.insert(0, _Blocker())


def _short(error):
    try:
        text = f"{type(error).__name__}: {error}"
    except Exception:  # a learner's exception whose __str__ fails
        text = type(error).__name__
    return text[:_MAX_TEXT]


def _run_cell(space, number, source):
    import linecache

    filename = f"<cell {number}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    exec(compile(source, filename, "exec"), space)


def setup(name, allowed, stub_source, cells, own, cases, send=None):
    """Phase 1 for exercise ``name``: build its namespace, answer its public cases.

    Parameters
    ----------
    name : str
    allowed : list of str
        The names of ``nnlessons`` the exercise may use.
    stub_source : str
        Source of those functions (numpy only).
    cells : list of (int, str)
        Definitions from the notebook's other cells: (cell number, source).
    own : (int, str) or None
        The exercise's own cell, run in full.
    cases : list of (int, str), or str
        Public cases: (case index, encoded payload), or the path of a file holding them
        (one JSON ``[index, payload]`` a line).
    """
    import builtins

    send = send or _publish
    stub = _stub(name, allowed, stub_source)
    stub.__allowed__ = tuple(allowed)
    _STATE["stubs"][name] = stub
    _enter(name)
    space = {"__name__": "__main__", "__builtins__": builtins, "nl": stub, "nnlessons": stub}
    try:
        from IPython import get_ipython

        space["get_ipython"] = get_ipython
    except ImportError:
        pass
    _STATE["spaces"][name] = space
    for number, source in list(cells) + ([tuple(own)] if own else []):
        try:
            _run_cell(space, number, source)
        except KeyboardInterrupt:
            raise
        except BaseException as error:  # SystemExit included: the cell stops, grading goes on
            send({"exercise": name, "cell": number, "error": _short(error)})
    _answer(name, cases, send)


def hidden(name, cases, send=None):
    """Phase 2 for exercise ``name``: answer the hidden ``cases`` (index, payload), given
    as a list or as the path of a file (see :func:`setup`)."""
    _answer(name, cases, send or _publish)


def _answer(name, cases, send):
    from _nlgrade.runner import run_encoded

    _enter(name)
    space = _STATE["spaces"].get(name, {})
    function = space.get(name)
    if function is None:
        send({"exercise": name, "missing": True,
              "touched": sorted(_STATE["touched"].get(name, ()))})
        return
    for index, payload in _cases(cases):
        try:
            reply = run_encoded(function, payload)
        except KeyboardInterrupt:  # the time limit: let the grader see it
            raise
        except BaseException as error:  # exotic exceptions run_encoded lets through
            send({"exercise": name, "case": index, "crash": type(error).__name__[:100]})
        else:
            send({"exercise": name, "case": index, "reply": reply,
                  "touched": sorted(_STATE["touched"].get(name, ()))})


def _cases(cases):
    """The (index, payload) pairs of ``cases``: a list, or the path of a file the grader
    wrote with one JSON ``[index, payload]`` a line (read one case at a time)."""
    if not isinstance(cases, str):
        yield from cases
        return
    import json

    with open(cases, encoding="utf-8") as handle:
        for line in handle:
            index, payload = json.loads(line)
            yield index, payload


def call_code(runtime, phase, **arguments):
    """The code cell the grader runs in the kernel for one phase of one exercise.

    Examples
    --------
    >>> code = call_code("/opt/rt", "hidden", name="relu", cases=[])
    >>> compile(code, "<grading>", "exec") is not None
    True
    """
    return (f"def __nnlessons_grade():\n"
            f"    import sys\n"
            f"    if {runtime!r} not in sys.path:\n"
            f"        sys.path.insert(0, {runtime!r})\n"
            f"    from _nlgrade import kernel_main\n"
            f"    kernel_main.{phase}(**{arguments!r})\n"
            f"try:\n"
            f"    __nnlessons_grade()\n"
            f"finally:\n"
            f"    del __nnlessons_grade\n")

"""Run a learner's function on a case and judge the outcome, here or across processes.

Checking one case has two halves, kept apart so that a grader can run them in different
processes:

1. :func:`call_learner` calls the learner's function on fresh copies of the case's
   arguments and records an :class:`Outcome`: the return value, or the exception and the
   line of the learner's code that raised it, or "not done yet", and which arguments the
   function changed in place. It never raises on the learner's mistakes.
2. :func:`judge_outcome` turns an outcome into a :class:`CaseResult` with a message the
   learner can act on. It runs where the reference is trusted.

In one process, :func:`run_case` does both. Across processes, the grader sends
:func:`encode_case` to the learner's kernel, the kernel answers with
``run_encoded(fn, payload)`` and the grader judges the answer with :func:`judge_encoded`.
Hidden cases (``case.public`` False) never show their inputs, expected values, or the
learner's exception messages (which could quote the inputs).

Introduced with the exercises of lesson 00. Left out: timeouts and memory limits, which
belong to the process that runs the learner's code.

Examples
--------
>>> from nnlessons.exercises import get_exercise
>>> ex = get_exercise("double")
>>> first = ex.cases()[0]
>>> print(run_case(ex, first, lambda x: 2 * x))
✓ double(2.0) is right
>>> reply = run_encoded(lambda x: x + x, encode_case(ex, first))
>>> judge_encoded(ex, first, reply).passed
True
"""

import copy
import json
import linecache
import os
import sys
import traceback
import warnings
from dataclasses import dataclass

import numpy as np

from .codec import CodecError, decode, encode
from .judges import ResultTypeError, as_result, type_name
from .report import NOT_DONE, CaseResult

__all__ = ["Outcome", "call_learner", "judge_outcome", "run_case", "encode_case",
           "run_encoded", "judge_encoded", "failed_case"]


@dataclass(frozen=True)
class Outcome:
    """What happened when the learner's function ran on one case.

    ``status`` is ``"ok"`` (``value`` holds the result), ``"error"`` (``error`` is the
    exception's type name, ``message`` its text, ``where`` the learner's line),
    ``"not_done"`` (NotImplementedError), ``"bad_type"`` (the result is not plain numeric
    data; ``message`` says what it was) or ``"not_callable"``.
    """

    status: str
    value: object = None
    error: str = ""
    message: str = ""
    where: str = ""
    mutated: tuple = ()


def _safe_str(err, limit=300):
    try:
        text = str(err)
    except Exception:  # a learner's exception whose __str__ fails
        text = ""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _learner_line(fn, tb):
    """Where in the learner's code an exception was raised: "line 3 of your function"."""
    code = getattr(fn, "__code__", None)
    if code is None:
        return ""
    mine = [(f, n) for f, n in traceback.walk_tb(tb) if f.f_code.co_filename == code.co_filename]
    if not mine:
        return ""
    frame, lineno = mine[-1]
    where = (f"line {lineno - code.co_firstlineno + 1} of your function"
             if frame.f_code is code
             else f"line {lineno - frame.f_code.co_firstlineno + 1} of {frame.f_code.co_name}()")
    text = linecache.getline(code.co_filename, lineno).strip()
    return f"{where}: {text}" if text else where


def _same(a, b):
    """Whether an argument is unchanged (arrays element by element, nan equal to nan)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, np.ndarray):
        return a.shape == b.shape and a.dtype == b.dtype and np.array_equal(a, b, equal_nan=True)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return a == b or (a != a and b != b)


def call_learner(fn, args, kwargs=None, params=()):
    """Call ``fn(*args, **kwargs)`` on copies of the arguments and record what happened.

    Warnings are silenced (the value is what counts). Exceptions, including SystemExit,
    become an ``"error"`` outcome; KeyboardInterrupt is let through so a learner can stop
    a runaway function.

    Parameters
    ----------
    fn : callable
        The learner's function.
    args : tuple
    kwargs : dict, optional
    params : sequence of str
        The parameter names, to say which argument was changed in place.

    Returns
    -------
    Outcome
    """
    kwargs = kwargs or {}
    if not callable(fn):
        return Outcome("not_callable", message=type_name(fn))
    pristine = copy.deepcopy((args, kwargs))
    call_args, call_kwargs = copy.deepcopy((args, kwargs))
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            value = fn(*call_args, **call_kwargs)
    except NotImplementedError:
        return Outcome("not_done")
    except (Exception, SystemExit) as err:
        return Outcome("error", error=type(err).__name__, message=_safe_str(err),
                       where=_learner_line(fn, err.__traceback__))
    names = [params[i] if i < len(params) else f"argument {i + 1}" for i in range(len(args))]
    mutated = [n for n, before, after in zip(names, pristine[0], call_args, strict=True)
               if not _same(before, after)]
    mutated += [k for k in kwargs if not _same(pristine[1][k], call_kwargs[k])]
    return Outcome("ok", value=value, mutated=tuple(mutated))


def failed_case(case, message):
    """A failed CaseResult for a reason found outside the function (a timeout, a dead kernel)."""
    return CaseResult(case.label, False, message)


def _with_hint(message, hint):
    return f"{message}; hint: {hint}" if hint else message


def judge_outcome(exercise, case, outcome):
    """Turn an :class:`Outcome` into a :class:`CaseResult` (never raises on the learner's side).

    Expected values are computed here from the exercise's reference.
    """
    public = case.public
    if outcome.status == "not_done":
        return CaseResult(case.label, False, NOT_DONE, not_done=True)
    if outcome.status == "not_callable":
        return failed_case(case, f"expected a function, got {outcome.message}")
    if outcome.status == "error":
        text = f"raised {outcome.error}"
        if public and outcome.message:
            text += f": {outcome.message}"
        if outcome.where:
            text += f" ({outcome.where})"
        return failed_case(case, _with_hint(text, case.hint if public else None))
    if outcome.status == "bad_type":
        return failed_case(case, f"{outcome.message}, expected {exercise.returns}")
    if outcome.status != "ok":
        return failed_case(case, f"unknown outcome {outcome.status!r}")
    if outcome.mutated:
        names = ", ".join(outcome.mutated)
        return failed_case(case, f"changed its argument {names} in place; work on a copy "
                                 "(the caller's values must stay as they were)")
    message = exercise.judge(case, outcome.value)
    if message is None:
        return CaseResult(case.label, True, "is right")
    return failed_case(case, _with_hint(message, case.hint or exercise.hint))


class _PackageWatch:
    """Notes the package functions the learner's code calls directly (a profile hook):
    any function of ``nnlessons`` but those the exercise allows (``Exercise.allowed``)
    and the case arguments' own code (``Source``)."""

    def __init__(self, exercise):
        import nnlessons

        self.root = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep
        self.free = (os.path.join(self.root, "exercises", "codec.py"),)
        self.allowed = {getattr(getattr(nnlessons, n, None), "__code__", None)
                        for n in getattr(exercise, "allowed", ())}
        self.used = []

    def _hook(self, frame, event, arg):
        if event != "call":
            return
        code, caller = frame.f_code, frame.f_back
        if (code.co_filename.startswith(self.root) and code not in self.allowed
                and not code.co_filename.startswith(self.free) and caller is not None
                and not caller.f_code.co_filename.startswith(self.root)):
            self.used.append(code.co_name.lstrip("_"))

    def __enter__(self):
        self.previous = sys.getprofile()
        sys.setprofile(self._hook)
        return self

    def __exit__(self, *exc):
        sys.setprofile(self.previous)


def _from_check():
    frame = sys._getframe(2)
    for _ in range(3):  # check() -> [its list comprehension] -> run_case
        if frame is None:
            return False
        code = frame.f_code
        if code.co_name == "check" and code.co_filename.endswith(
                os.path.join("exercises", "__init__.py")):
            return True
        frame = frame.f_back
    return False


def run_case(exercise, case, fn, watch=None):
    """Run ``fn`` on ``case`` in this process and judge it.

    With ``watch`` (default: when called by ``nl.check``, the learner's self-check), an
    answer that calls the package's own code (other than ``exercise.allowed``) fails with
    kind ``forbidden``. (Tests and ``grade`` call the references through wrappers.)

    Examples
    --------
    >>> from nnlessons.exercises import get_exercise
    >>> ex = get_exercise("double")
    >>> print(run_case(ex, ex.cases()[0], lambda x: 1 / 0))  # doctest: +ELLIPSIS
    ✗ double(2.0): raised ZeroDivisionError: division by zero (line 1 of your function: ...)
    """
    if not (_from_check() if watch is None else watch):
        return judge_outcome(exercise, case,
                             call_learner(fn, case.args, case.kwargs, exercise.params))
    with _PackageWatch(exercise) as watch:
        outcome = call_learner(fn, case.args, case.kwargs, exercise.params)
    if watch.used:
        message = (f"your `{exercise.name}` calls the package's "
                   f"{', '.join(dict.fromkeys(watch.used))}: write it with numpy")
        if "kind" in getattr(CaseResult, "__dataclass_fields__", {}):
            return CaseResult(case.label, False, message, kind="forbidden")
        return failed_case(case, message)
    return judge_outcome(exercise, case, outcome)


def encode_case(exercise, case):
    """The JSON payload that tells the learner's kernel which call to make."""
    return json.dumps({"args": encode(tuple(case.args)), "kwargs": encode(dict(case.kwargs)),
                       "params": list(exercise.params)}, allow_nan=False)


def run_encoded(fn, payload):
    """Kernel side: decode a case, call ``fn``, and answer with a JSON outcome.

    The result is converted with the same strict rules as in-process checks, so an
    impostor object is reported as ``"bad_type"`` and never leaves the kernel.

    Parameters
    ----------
    fn : callable
        The learner's function.
    payload : str
        What :func:`encode_case` produced.

    Returns
    -------
    str
        JSON for :func:`judge_encoded`.
    """
    request = json.loads(payload)
    args, kwargs = decode(request["args"]), decode(request["kwargs"])
    outcome = call_learner(fn, args, kwargs, tuple(request["params"]))
    reply = {"status": outcome.status, "error": outcome.error, "message": outcome.message,
             "where": outcome.where, "mutated": list(outcome.mutated)}
    if outcome.status == "ok":
        try:
            reply["value"] = encode(as_result(outcome.value))
        except (ResultTypeError, CodecError) as err:
            reply.update(status="bad_type", message=_safe_str(err))
    return json.dumps(reply, allow_nan=False)


def judge_encoded(exercise, case, reply):
    """Grader side: judge a JSON outcome written by :func:`run_encoded`.

    The reply is treated as untrusted: it is decoded without functions, numeric arrays
    only, and anything malformed fails the case (this never raises).
    """
    try:
        data = json.loads(reply)
        strings = ("status", "error", "message", "where")
        if type(data) is not dict or any(type(data.get(k, "")) is not str for k in strings):
            raise CodecError("malformed reply")
        mutated = data.get("mutated", [])
        if type(mutated) is not list or any(type(m) is not str for m in mutated):
            raise CodecError("malformed reply")
        value = decode(data["value"], allow_source=False) if data["status"] == "ok" else None
        outcome = Outcome(data["status"], value, data.get("error", "")[:100],
                          data.get("message", "")[:300], data.get("where", "")[:300],
                          tuple(m[:50] for m in mutated))
    except (CodecError, KeyError, TypeError, ValueError, RecursionError):
        return failed_case(case, "the answer could not be read back from the notebook")
    return judge_outcome(exercise, case, outcome)


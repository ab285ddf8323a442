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
Every :class:`CaseResult` carries a :class:`~nnlessons.exercises.report.Kind` set in
:func:`judge_outcome` (or by the judge it calls, or :func:`failed_case` for reasons found
outside the function). Hidden cases (``case.public`` False) never show their inputs,
expected values, or the learner's exception messages (which could quote the inputs); to
the learner a hidden case is only its label and the fixed sentence of its kind.

An exercise that takes ``rng`` and is judged by properties is called again per case with
the same seed and with three other seeds: its answer must be the same for the same seed,
and not the same for all four seeds. Answers are compared part by part, each part sorted
(the same samples in the same parts are the same shuffle); an answer of one part (one
batch) cannot show its rng this way. For the smallest case of two parts, 7 samples in
parts of 3, 2 and 2, a right answer fails by chance with probability (1/210)^3, about 1e-7.

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
from dataclasses import dataclass, replace

import numpy as np

from .codec import CodecError, decode, encode
from .judges import ResultTypeError, as_result, kind_of, type_name
from .report import NOT_DONE, CaseResult, Kind

__all__ = ["Outcome", "call_learner", "judge_outcome", "run_case", "encode_case",
           "run_encoded", "judge_encoded", "failed_case"]


@dataclass(frozen=True)
class Outcome:
    """What happened when the learner's function ran on one case.

    ``status`` is ``"ok"`` (``value`` holds the result, None when the function returned
    None), ``"error"`` (``error`` is the exception's type name, ``message`` its text,
    ``where`` the learner's line), ``"not_done"`` (NotImplementedError), ``"bad_type"``
    (the result is not plain numeric data; ``message`` says what it was),
    ``"not_callable"`` or ``"forbidden"`` (the package's own implementation was used).
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


def failed_case(case, message, kind=Kind.NOT_GRADED):
    """A failed CaseResult for a reason found outside the function.

    Parameters
    ----------
    case : Case
    message : str
        What happened, in the grader's words.
    kind : Kind or str, default ``Kind.NOT_GRADED``
        The kind of failure: ``"timeout"``, ``"kernel_died"``, ``"memory"``,
        ``"missing"``, ``"unreadable"``, ``"forbidden"``, ...
    """
    return CaseResult(case.label, False, message, Kind(kind), case.public)


def forbidden_case(case, name, used, allowed=()):
    """A failed case of kind ``forbidden``: the answer for exercise ``name`` used the
    package's own code (the functions ``used``; ``allowed`` are the ones it may use).

    Examples
    --------
    >>> from nnlessons.exercises import case
    >>> print(forbidden_case(case(0.0, label="sigmoid(0.0)"), "sigmoid", {"sigmoid"}))
    ✗ sigmoid(0.0): your `sigmoid` calls the package's sigmoid: write it with numpy
    """
    used = ", ".join(sorted(used)) or "functions"
    may = f" (it may use only {', '.join('nl.' + a for a in allowed)})" if allowed else ""
    return failed_case(case, f"your `{name}` calls the package's {used}: write it with "
                             f"numpy{may}", Kind.FORBIDDEN)


def _with_hint(message, hint):
    return f"{message}; hint: {hint}" if hint else message


def _nonfinite(value, _depth=0):
    """Whether a (converted) answer holds nan or inf anywhere."""
    if _depth > 20:
        return False
    if type(value) in (list, tuple):
        return any(_nonfinite(v, _depth + 1) for v in value)
    try:
        array = np.asarray(value)
        return array.dtype.kind == "f" and not bool(np.all(np.isfinite(array)))
    except Exception:  # an impostor: no hint depends on it
        return False


#: The kinds of mistakes the exercise's own hint is shown for.
_HINTED = (Kind.WRONG_VALUE, Kind.WRONG_SHAPE, Kind.RAISED, Kind.WRONG, Kind.IGNORES_RNG)


def _hint(exercise, case, kind, value=None, error=""):
    """The hint for a mistake: the case's own hint when it is about this mistake, else the
    exercise's hint."""
    if case.hint:
        if case.hint_on == "nonfinite":
            related = ((kind is Kind.WRONG_VALUE and _nonfinite(value))
                       or (kind is Kind.RAISED and error in ("OverflowError",
                                                             "FloatingPointError")))
        else:
            related = kind is Kind.WRONG_VALUE
        if related:
            return case.hint
    return exercise.hint if kind in _HINTED else None


def _result(exercise, case, kind, message, value=None, error=""):
    hint = _hint(exercise, case, kind, value, error)
    return CaseResult(case.label, kind is Kind.RIGHT, _with_hint(message, hint), kind,
                      case.public)


def _plain(value):
    """A converted answer (plain numpy data), or None if it is not one."""
    try:
        return as_result(value)
    except ResultTypeError:
        return None


def _same_answer(a, b, _depth=0):
    if _depth > 20 or type(a) is not type(b) or a is None:
        return False
    if type(a) in (list, tuple):
        return len(a) == len(b) and all(_same_answer(x, y, _depth + 1)
                                        for x, y in zip(a, b, strict=True))
    return a.shape == b.shape and bool(np.array_equal(a, b, equal_nan=a.dtype.kind == "f"))


def _judge_rng(exercise, case, value, repeats):
    """Whether the learner's function uses the rng it is given (None if it does)."""
    calls = exercise.repeat_calls(case)
    if not calls:
        return None
    if len(repeats) != len(calls):
        return failed_case(case, "the answer could not be read back from the notebook",
                           Kind.UNREADABLE)
    answers = []
    for (args, kwargs), outcome in zip(calls, repeats, strict=True):
        again = replace(case, args=args, kwargs=kwargs)
        result = judge_outcome(exercise, again, outcome)
        if not result.passed:
            name = exercise.rng_param
            seed = kwargs.get(name, args[exercise.params.index(name)] if name not in kwargs
                              and exercise.params.index(name) < len(args) else "?")
            told = f"called again with {name}={seed if case.public else 'another seed'}"
            return CaseResult(case.label, False, f"{told}: {result.message}", result.kind,
                              case.public)
        answers.append(_parts(outcome.value))
    first, same_seed, others = _parts(value), answers[0], answers[1:]
    if not _same_answer(first, same_seed):
        return _result(exercise, case, Kind.IGNORES_RNG,
                       "two calls with the same rng gave different answers: shuffle with "
                       "np.random.default_rng(rng), the generator made from the rng given, "
                       "not with np.random's own functions")
    if len(first) >= 2 and all(_same_answer(first, other) for other in others):
        return _result(exercise, case, Kind.IGNORES_RNG,
                       f"the same answer for {len(others) + 1} different rng seeds: the "
                       "function ignores its rng; shuffle with np.random.default_rng(rng)")
    return None


def _parts(value):
    """An answer made of index arrays, as a tuple of its parts with each part sorted: two
    answers that put the same samples in the same parts are the same shuffle."""
    plain = _plain(value)
    if type(plain) not in (list, tuple):
        return (plain,)
    return tuple(np.sort(p, axis=None) if type(p) is np.ndarray else p for p in plain)


def judge_outcome(exercise, case, outcome, repeats=None):
    """Turn an :class:`Outcome` into a :class:`CaseResult` (never raises on the learner's side).

    Expected values are computed here from the exercise's reference. The result's kind is
    set here from the outcome's status and the judge's verdict; hints are chosen by kind.

    Parameters
    ----------
    exercise : Exercise
    case : Case
    outcome : Outcome
        The call of ``case``.
    repeats : sequence of Outcome, optional
        For an exercise that takes ``rng`` (:attr:`Exercise.rng_param`): the outcomes of
        :meth:`Exercise.repeat_calls`, in order; missing ones fail the case. None (the
        default) judges the one call alone, without checking the use of ``rng``.
    """
    public = case.public
    status = outcome.status
    if status == "not_done":
        return CaseResult(case.label, False, NOT_DONE, Kind.NOT_DONE, public)
    if status == "not_callable":
        return failed_case(case, f"expected a function, got {outcome.message}",
                           Kind.NOT_CALLABLE)
    if status == "forbidden":
        return failed_case(case, outcome.message or "used the package's own implementation "
                           "of this exercise: write it yourself", Kind.FORBIDDEN)
    if status == "error":
        if outcome.error == "MemoryError":
            kind, text = Kind.MEMORY, "ran out of memory (raised MemoryError)"
        else:
            kind, text = Kind.RAISED, f"raised {outcome.error}"
            if public and outcome.message:
                text += f": {outcome.message}"
        if outcome.where:
            text += f" ({outcome.where})"
        return _result(exercise, case, kind, text, error=outcome.error)
    if status == "bad_type":
        return failed_case(case, f"{outcome.message}, expected {exercise.returns}",
                           Kind.WRONG_TYPE)
    if status != "ok":
        return failed_case(case, f"unknown outcome {status!r}", Kind.UNREADABLE)
    if outcome.mutated:
        names = ", ".join(outcome.mutated)
        return failed_case(case, f"changed its argument {names} in place; work on a copy "
                                 "(the caller's values must stay as they were)",
                           Kind.CHANGED_INPUT)
    if outcome.value is None:
        return failed_case(case, "returned None: did you forget `return`? (a function "
                                 f"without a return statement gives None; expected "
                                 f"{exercise.returns})", Kind.NO_RETURN)
    try:
        message = exercise.judge(case, outcome.value)
    except Exception as err:  # a judge that cannot cope with an odd (plain) answer
        return failed_case(case, f"the answer could not be judged ({type(err).__name__}), "
                                 f"expected {exercise.returns}", Kind.UNREADABLE)
    if message is not None:
        return _result(exercise, case, kind_of(message), str(message),
                       value=_plain(outcome.value))
    if repeats is not None:
        verdict = _judge_rng(exercise, case, outcome.value, tuple(repeats))
        if verdict is not None:
            return verdict
    return CaseResult(case.label, True, "is right", Kind.RIGHT, public)


class _PackageWatch:
    """Notes the package functions the learner's code calls directly (a profile hook):
    any function of ``nnlessons`` but those the exercise allows (``Exercise.allowed``)
    and the case arguments' own code (``Source``)."""

    def __init__(self, exercise):
        import nnlessons

        self.root = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep
        self.free = (os.path.join(self.root, "exercises", "codec.py"),)
        self.allowed = {getattr(getattr(nnlessons, n, None), "__code__", None)
                        for n in exercise.allowed}
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


def run_case(exercise, case, fn, watch=False):
    """Run ``fn`` on ``case`` in this process and judge it.

    With ``watch`` (``nl.check``, the learner's self-check, sets it), an answer that calls
    the package's own code (other than ``exercise.allowed``) fails with kind ``forbidden``.
    (Tests and ``grade`` call the references through wrappers, so they leave it off.)

    Examples
    --------
    >>> from nnlessons.exercises import get_exercise
    >>> ex = get_exercise("double")
    >>> print(run_case(ex, ex.cases()[0], lambda x: 1 / 0))  # doctest: +ELLIPSIS
    ✗ double(2.0): raised ZeroDivisionError: division by zero (line 1 ...); hint: multiply x by 2
    """
    if watch:
        with _PackageWatch(exercise) as watcher:
            outcome = call_learner(fn, case.args, case.kwargs, exercise.params)
        if watcher.used:
            return forbidden_case(case, exercise.name, watcher.used, exercise.allowed)
    else:
        outcome = call_learner(fn, case.args, case.kwargs, exercise.params)
    repeats = ()
    if outcome.status == "ok":
        repeats = tuple(call_learner(fn, args, kwargs, exercise.params)
                        for args, kwargs in exercise.repeat_calls(case))
    return judge_outcome(exercise, case, outcome, repeats)


def encode_case(exercise, case):
    """The JSON payload that tells the learner's kernel which call(s) to make.

    For an exercise that takes ``rng``, the payload also lists the repeat calls
    (:meth:`Exercise.repeat_calls`) under ``"repeats"``.
    """
    request = {"args": encode(tuple(case.args)), "kwargs": encode(dict(case.kwargs)),
               "params": list(exercise.params)}
    repeats = exercise.repeat_calls(case)
    if repeats:
        request["repeats"] = [{"args": encode(tuple(args)), "kwargs": encode(dict(kwargs))}
                              for args, kwargs in repeats]
    return json.dumps(request, allow_nan=False)


def _reply(fn, args, kwargs, params):
    """One call as a JSON-able reply (the kernel side of :func:`run_encoded`)."""
    outcome = call_learner(fn, args, kwargs, params)
    reply = {"status": outcome.status, "error": outcome.error, "message": outcome.message,
             "where": outcome.where, "mutated": list(outcome.mutated)}
    if outcome.status == "ok":
        if outcome.value is None:
            reply["value"] = None        # "did you forget return?", judged by the grader
        else:
            try:
                reply["value"] = encode(as_result(outcome.value))
            except (ResultTypeError, CodecError) as err:
                reply.update(status="bad_type", message=_safe_str(err))
    return reply


def run_encoded(fn, payload):
    """Kernel side: decode a case, call ``fn``, and answer with a JSON outcome.

    The result is converted with the same strict rules as in-process checks, so an
    impostor object is reported as ``"bad_type"`` and never leaves the kernel. The reply
    says only what happened (a status, the value, the exception's name and text); the
    kind of the result is decided by the grader (:func:`judge_encoded`), which never
    shows the free text of a hidden case to the learner.

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
    params = tuple(request["params"])
    reply = _reply(fn, decode(request["args"]), decode(request["kwargs"]), params)
    if "repeats" in request:
        reply["repeats"] = [_reply(fn, decode(r["args"]), decode(r["kwargs"]), params)
                            for r in request["repeats"]]
    return json.dumps(reply, allow_nan=False)


def _read_outcome(data):
    """An :class:`Outcome` from one untrusted reply dict (raises CodecError if malformed)."""
    strings = ("status", "error", "message", "where")
    if type(data) is not dict or any(type(data.get(k, "")) is not str for k in strings):
        raise CodecError("malformed reply")
    mutated = data.get("mutated", [])
    if type(mutated) is not list or any(type(m) is not str for m in mutated):
        raise CodecError("malformed reply")
    value = decode(data["value"], allow_source=False) if data["status"] == "ok" else None
    return Outcome(data["status"], value, data.get("error", "")[:100],
                   data.get("message", "")[:300], data.get("where", "")[:300],
                   tuple(m[:50] for m in mutated))


def judge_encoded(exercise, case, reply):
    """Grader side: judge a JSON outcome written by :func:`run_encoded`.

    The reply is treated as untrusted: it is decoded without functions, numeric arrays
    only, and anything malformed fails the case (this never raises). Its status only
    selects among the outcomes a function can have; the kind is set here.
    """
    try:
        data = json.loads(reply)
        outcome = _read_outcome(data)
        repeats = data.get("repeats", [])
        if type(repeats) is not list or len(repeats) > 8:
            raise CodecError("malformed reply")
        repeats = tuple(_read_outcome(r) for r in repeats)
    except (CodecError, KeyError, TypeError, ValueError, RecursionError, AttributeError):
        return failed_case(case, "the answer could not be read back from the notebook",
                           Kind.UNREADABLE)
    return judge_outcome(exercise, case, outcome, repeats)

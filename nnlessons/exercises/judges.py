"""Judges: decide whether a learner's answer to one case is right, and say why not.

A judge never trusts the learner's object. :func:`as_result` first turns the return value
into plain numpy data, accepting only the exact types ``float``, ``int``, ``bool``,
``list``, ``tuple``, ``np.ndarray`` (numeric dtype) and numpy's own number types. An
object whose ``__eq__`` always says True, an ndarray subclass or an object with a fake
``__array__`` is refused before any comparison runs. The judges then compare plain arrays.

Two kinds of judge exist. *Value judges* compare with the reference's answer:
``judge(expected, got, reveal) -> message or None`` (:class:`Numbers`, :class:`Several`,
:class:`ListOf`). *Property judges* check what a right answer must satisfy, for exercises
with random answers (a shuffled split): ``judge(args, got, reveal) -> message or None``.
With ``reveal=False`` (hidden cases) messages name positions and shapes but never an
expected number, nor a number the learner's function computed from a hidden input
(except nan and inf, which tell the learner something without telling them the input).

Introduced with the exercises of lesson 01. Left out: tolerance per element, and partial
credit inside one case (a case is right or wrong).

Examples
--------
>>> import numpy as np
>>> judge = Numbers(same_shape_as="z")
>>> judge(np.array([0.5, 1.0]), as_result([0.5, 1.0]), reveal=True) is None
True
>>> judge(np.array([0.5, 1.0]), as_result(np.array([0.5, 0.9])), reveal=True)
'wrong value at index 1: got 0.9, expected 1'
>>> judge(np.array([0.5, 1.0]), as_result(np.zeros((2, 1))), reveal=True)
'wrong shape: expected the same shape as z (2,), got (2, 1)'
"""

from dataclasses import dataclass

import numpy as np

from .codec import NUMERIC_KINDS, NUMPY_SCALARS

__all__ = ["ResultTypeError", "as_result", "to_array", "Numbers", "Several", "ListOf",
           "show_number", "type_name"]


class ResultTypeError(TypeError):
    """The learner's function returned something that is not plain numeric data."""


def type_name(value):
    """A short name for the type of ``value``, with its article ("an ndarray", "a list")."""
    name = type(value).__name__
    return f"{'an' if name[:1].lower() in 'aeiou' else 'a'} {name}"


def as_result(value, _depth=0):
    """Convert a learner's return value to plain numpy data, refusing impostors.

    Numbers become 0-d arrays, arrays are copied, lists and tuples keep their structure
    with converted items. Types are matched exactly, so subclasses are refused.

    Parameters
    ----------
    value : object
        What the learner's function returned.

    Returns
    -------
    ndarray, or list or tuple of converted items

    Raises
    ------
    ResultTypeError
        For any other type, or an array whose dtype is not bool, integer or float.

    Examples
    --------
    >>> as_result((1, [2.0, 3.0]))
    (array(1), [array(2.), array(3.)])
    >>> class Sneaky:
    ...     def __eq__(self, other):
    ...         return True
    >>> as_result(Sneaky())
    Traceback (most recent call last):
    ...
    nnlessons.exercises.judges.ResultTypeError: returned a Sneaky
    """
    kind = type(value)
    if _depth > 20:
        raise ResultTypeError("returned a list nested too deeply")
    if kind is list or kind is tuple:
        return kind(as_result(v, _depth + 1) for v in value)
    if kind is np.ndarray:
        if value.dtype.kind not in NUMERIC_KINDS:
            raise ResultTypeError(f"returned an array of dtype {value.dtype}")
        return value.copy()
    if kind in (bool, int, float) or kind in NUMPY_SCALARS:
        array = np.asarray(value)
        if array.dtype.kind not in NUMERIC_KINDS:  # an int too large for int64
            raise ResultTypeError("returned a number too large to compare")
        return array
    raise ResultTypeError(f"returned {type_name(value)}")


def to_array(got):
    """Stack a converted result (an array, or lists of arrays) into one array.

    Raises
    ------
    ResultTypeError
        When the lists are ragged (rows of different lengths).
    """
    if type(got) is np.ndarray:
        return got
    try:
        array = np.array(got)
    except ValueError as err:
        raise ResultTypeError("returned a ragged list (rows of different lengths)") from err
    if array.dtype.kind not in NUMERIC_KINDS:
        raise ResultTypeError("returned a ragged list (rows of different lengths)")
    return array


def show_number(x):
    """Format one number for a message: 6 significant digits, ints as ints.

    Examples
    --------
    >>> show_number(0.9990889488055994), show_number(np.int64(3)), show_number(np.nan)
    ('0.999089', '3', 'nan')
    """
    if isinstance(x, (bool, np.bool_)):
        return str(bool(x))
    if isinstance(x, (int, np.integer)):
        return str(int(x))
    return f"{float(x):.6g}"


def _where(index):
    if len(index) == 0:
        return ""
    return f" at index {index[0]}" if len(index) == 1 else f" at index {tuple(index)}"


@dataclass(frozen=True)
class Numbers:
    """Judge a number or an array of numbers against the expected one.

    Parameters
    ----------
    rtol, atol : float
        Tolerances of ``np.isclose`` (ignored for integers, which must be equal).
    integer : bool, default False
        Whether the answer must have an integer dtype (counts, indices, labels).
    same_shape_as : str, optional
        The parameter whose shape the answer shares, named in shape messages.
    """

    rtol: float = 1e-6
    atol: float = 1e-8
    integer: bool = False
    same_shape_as: str = None

    def __call__(self, expected, got, reveal):
        got = to_array(got)
        expected = np.asarray(expected)
        message = self._check_dtype(got) or self._check_shape(expected, got, reveal)
        if message:
            return message
        if self.integer:
            wrong = got != expected
        else:
            wrong = ~np.isclose(got, expected, rtol=self.rtol, atol=self.atol)
        if not np.any(wrong):
            return None
        index = tuple(int(i) for i in np.argwhere(wrong)[0])
        g, e = got[index], expected[index]
        text = f"wrong value{_where(index)}"
        if reveal:
            return f"{text}: got {show_number(g)}, expected {show_number(e)}"
        if not self.integer and not np.isfinite(g):
            return f"{text}: got {show_number(g)}"
        return f"{text} ({int(np.sum(wrong))} of {wrong.size} values wrong)"

    def _check_dtype(self, got):
        if self.integer and got.dtype.kind not in "iu":
            return f"expected integers, got {got.dtype} values (convert with .astype(int))"
        if not self.integer and got.dtype.kind == "b":
            return "expected numbers, got True/False values"
        return None

    def _check_shape(self, expected, got, reveal):
        if got.shape == expected.shape:
            return None
        if expected.ndim == 0:
            return f"expected a single number, got an array of shape {got.shape}"
        if self.same_shape_as:
            shape = f" {expected.shape}" if reveal else ""
            return (f"wrong shape: expected the same shape as {self.same_shape_as}{shape}, "
                    f"got {got.shape}")
        if reveal:
            return f"wrong shape: expected {expected.shape}, got {got.shape}"
        return f"wrong shape: got {got.shape}"


@dataclass(frozen=True)
class Several:
    """Judge a fixed number of returned values, such as ``(new_param, new_velocity)``.

    Parameters
    ----------
    names : tuple of str
        The names of the values, in order, used in messages.
    item : callable
        The value judge applied to each of them.
    """

    names: tuple
    item: Numbers = Numbers()

    def __call__(self, expected, got, reveal):
        want = f"a tuple of {len(self.names)} values ({', '.join(self.names)})"
        if type(got) not in (tuple, list):
            return f"returned {type_name(got)}, expected {want}"
        if len(got) != len(self.names):
            return f"returned {len(got)} values, expected {want}"
        for name, e, g in zip(self.names, expected, got, strict=True):
            message = self.item(e, g, reveal)
            if message:
                return f"{name}: {message}"
        return None


@dataclass(frozen=True)
class ListOf:
    """Judge a list of values judged one by one, as long as the expected list.

    Parameters
    ----------
    what : str
        What one item is, for messages ("parameter").
    item : callable
        The value judge applied to each item.
    """

    what: str = "item"
    item: Numbers = Numbers()

    def __call__(self, expected, got, reveal):
        if type(got) not in (tuple, list):
            return f"returned {type_name(got)}, expected a list with one array per {self.what}"
        if len(got) != len(expected):
            return f"returned {len(got)} arrays, expected one per {self.what} ({len(expected)})"
        for i, (e, g) in enumerate(zip(expected, got, strict=True)):
            message = self.item(e, g, reveal)
            if message:
                return f"{self.what} {i}: {message}"
        return None

"""Judges: decide whether a learner's answer to one case is right, and say why not.

A judge never trusts the learner's object. :func:`as_result` first turns the return value
into plain numpy data, accepting only the exact types ``float``, ``int``, ``bool``,
``list``, ``tuple``, ``np.ndarray`` (numeric dtype) and numpy's own number types. An
object whose ``__eq__`` always says True, an ndarray subclass or an object with a fake
``__array__`` is refused before any comparison runs. The judges then compare plain arrays.

Two kinds of judge exist. *Value judges* compare with the reference's answer:
``judge(expected, got, reveal) -> message or None`` (:class:`Numbers`, :class:`Several`,
:class:`ListOf`, :class:`Named`, :class:`PathOf`). *Property judges* check what a right
answer must satisfy, for exercises with random answers (a shuffled split):
``judge(args, got, reveal) -> message or None``. A message is a :class:`Failure`: text
that also carries the :class:`~nnlessons.exercises.report.Kind` of failure, set here where
the failure is found (a plain ``str`` from a judge counts as ``Kind.WRONG``).
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
>>> message = judge(np.array([0.5, 1.0]), as_result(np.array([0.5, 0.9])), reveal=True)
>>> message, message.kind.value
('wrong value at index 1: got 0.9, expected 1', 'wrong_value')
>>> judge(np.array([0.5, 1.0]), as_result(np.zeros((2, 1))), reveal=True)
'wrong shape: expected the same shape as z (2,), got (2, 1)'
>>> judge(np.array(4.0), as_result(3.0), reveal=True)
'wrong value: got 3, expected 4'
"""

from dataclasses import dataclass

import numpy as np

from .codec import NUMERIC_KINDS, NUMPY_SCALARS
from .report import Kind

__all__ = ["ResultTypeError", "as_result", "to_array", "Numbers", "Several", "ListOf",
           "Named", "PathOf", "Failure", "kind_of", "reworded", "show_number", "type_name"]


class ResultTypeError(TypeError):
    """The learner's function returned something that is not plain numeric data."""


class Failure(str):
    """A judge's message that also says what kind of failure it is (``.kind``).

    It is a ``str``, so judges written before kinds existed still compose with it; build
    new messages from it with :func:`reworded` to keep the kind.

    Examples
    --------
    >>> message = Failure("wrong shape: got (3,)", Kind.WRONG_SHAPE)
    >>> message, message.kind.value
    ('wrong shape: got (3,)', 'wrong_shape')
    """

    def __new__(cls, message, kind=Kind.WRONG):
        self = super().__new__(cls, message)
        self.kind = Kind(kind)
        return self

    def __reduce__(self):
        return Failure, (str(self), self.kind)


def kind_of(message):
    """The kind of a judge's message: its ``.kind``, or ``Kind.WRONG`` for plain text."""
    return message.kind if isinstance(message, Failure) else Kind.WRONG


def reworded(text, message):
    """``text`` as a :class:`Failure` of the same kind as ``message`` (e.g. with a prefix).

    Examples
    --------
    >>> inner = Failure("wrong value at index 0", Kind.WRONG_VALUE)
    >>> reworded(f"parameter 1: {inner}", inner).kind.value
    'wrong_value'
    """
    return Failure(text, kind_of(message))


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


def _described(raw, array):
    """What the learner returned, in words that fit its type: "a list of 2 numbers"."""
    if type(raw) in (list, tuple):
        return f"{type_name(raw)} of length {len(raw)}"
    return f"an array of shape {array.shape}"


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
        raw = got
        got = to_array(got)
        expected = np.asarray(expected)
        message = self._check_dtype(got, raw, reveal) or self._check_shape(expected, got, raw,
                                                                           reveal)
        if message:
            return message
        wrong = self._wrong(expected, got)
        if not np.any(wrong):
            return None
        index = tuple(int(i) for i in np.argwhere(wrong)[0])
        g, e = got[index], expected[index]
        n_wrong = int(np.sum(wrong))
        text = f"wrong value{_where(index)}"
        if reveal:
            text = f"{text}: got {show_number(g)}, expected {show_number(e)}"
            if n_wrong > 1:
                text += f" ({n_wrong} of {wrong.size} values wrong)"
        elif not self.integer and not np.isfinite(g):
            text = f"{text}: got {show_number(g)}"
        elif wrong.size > 1:
            text += f" ({n_wrong} of {wrong.size} values wrong)"
        return Failure(text, Kind.WRONG_VALUE)

    def _wrong(self, expected, got):
        """A boolean array: which entries of ``got`` are wrong."""
        if self.integer:
            return got != expected
        return ~np.isclose(got, expected, rtol=self.rtol, atol=self.atol)

    def _check_dtype(self, got, raw, reveal):
        if self.integer and got.dtype.kind not in "iu":
            if got.ndim == 0:
                shown = f" ({float(got[()])!r})" if reveal and got.dtype.kind == "f" else ""
                what = "a float" if got.dtype.kind == "f" else "True/False"
                return Failure(f"expected an integer, got {what}{shown}: convert with int(...)",
                               Kind.WRONG_TYPE)
            if type(raw) in (list, tuple):
                return Failure(f"expected integers, got {type_name(raw)} of {got.dtype} "
                               "values: convert with np.array(...).astype(int)", Kind.WRONG_TYPE)
            return Failure(f"expected integers, got {got.dtype} values (convert with "
                           ".astype(int))", Kind.WRONG_TYPE)
        if not self.integer and got.dtype.kind == "b":
            return Failure("expected numbers, got True/False values", Kind.WRONG_TYPE)
        return None

    def _check_shape(self, expected, got, raw, reveal):
        if got.shape == expected.shape:
            return None
        if expected.ndim == 0:
            return Failure(f"expected a single number, got {_described(raw, got)}",
                           Kind.WRONG_SHAPE)
        if type(raw) in (list, tuple):
            got_text = f"{_described(raw, got)} (shape {got.shape})"
        else:
            got_text = f"{got.shape}"
        if self.same_shape_as:
            shape = f" {expected.shape}" if reveal else ""
            return Failure(f"wrong shape: expected the same shape as {self.same_shape_as}"
                           f"{shape}, got {got_text}", Kind.WRONG_SHAPE)
        if reveal:
            return Failure(f"wrong shape: expected {expected.shape}, got {got_text}",
                           Kind.WRONG_SHAPE)
        return Failure(f"wrong shape: got {got_text}", Kind.WRONG_SHAPE)


@dataclass(frozen=True)
class Named(Numbers):
    """Judge a 1-D array whose entries have names (``dL/dw1``, ...), naming every wrong one.

    Parameters
    ----------
    names : tuple of str
        The name of each entry, in order.

    Examples
    --------
    >>> judge = Named(names=("a", "b", "c"))
    >>> judge(np.array([1.0, 2.0, 3.0]), as_result([1.0, 0.0, 0.0]), reveal=True)
    'wrong values of b (got 0, expected 2), c (got 0, expected 3); the others are right'
    """

    names: tuple = ()

    def __call__(self, expected, got, reveal):
        message = super().__call__(expected, got, reveal)
        if message is None or message.kind is not Kind.WRONG_VALUE:
            return message
        got, expected = to_array(got), np.asarray(expected)
        wrong = np.flatnonzero(self._wrong(expected, got))
        items = []
        for i in wrong:
            name = self.names[i] if i < len(self.names) else f"entry {i}"
            if reveal:
                name += f" (got {show_number(got[i])}, expected {show_number(expected[i])})"
            items.append(name)
        noun = "value" if len(items) == 1 else "values"
        rest = "; the others are right" if len(items) < got.size else ""
        return Failure(f"wrong {noun} of {', '.join(items)}{rest}", Kind.WRONG_VALUE)


@dataclass(frozen=True)
class PathOf(Numbers):
    """Judge a path of points (one row per step), recognising the same array appended
    at every step (``path.append(x)`` followed by an in-place ``x -= ...``).

    Examples
    --------
    >>> judge = PathOf()
    >>> message = judge(np.array([5.0, 4.0, 3.2]), as_result(np.array([3.2, 3.2, 3.2])), True)
    >>> print(message[:68])
    every point of the path is the same: you appended x and then changed
    """

    def __call__(self, expected, got, reveal):
        message = super().__call__(expected, got, reveal)
        if message is None or message.kind is not Kind.WRONG_VALUE:
            return message
        path, expected = to_array(got), np.asarray(expected)
        if (path.ndim >= 1 and len(path) >= 2 and _all_rows_equal(path)
                and not _all_rows_equal(expected)):
            return Failure("every point of the path is the same: you appended x and then "
                           "changed it in place (x -= ...), so every entry is the last x; "
                           "append a copy (x.copy()) or write "
                           "x = x - learning_rate * grad(x)", Kind.WRONG_VALUE)
        return message


def _all_rows_equal(array):
    return bool(np.all((array == array[:1]) | (np.isnan(array) & np.isnan(array[:1]))))


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
            return Failure(f"returned {type_name(got)}, expected {want}", Kind.WRONG_TYPE)
        if len(got) != len(self.names):
            return Failure(f"returned {len(got)} values, expected {want}", Kind.WRONG_SHAPE)
        for name, e, g in zip(self.names, expected, got, strict=True):
            message = self.item(e, g, reveal)
            if message:
                return reworded(f"{name}: {message}", message)
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
            return Failure(f"returned {type_name(got)}, expected a list with one array per "
                           f"{self.what}", Kind.WRONG_TYPE)
        if len(got) != len(expected):
            return Failure(f"returned {len(got)} arrays, expected one per {self.what} "
                           f"({len(expected)})", Kind.WRONG_SHAPE)
        for i, (e, g) in enumerate(zip(expected, got, strict=True)):
            message = self.item(e, g, reveal)
            if message:
                return reworded(f"{self.what} {i}: {message}", message)
        return None

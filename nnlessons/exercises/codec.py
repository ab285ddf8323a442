"""Plain-data encoding of exercise arguments and results, safe to pass between processes.

The grader runs a learner's function in its own kernel and judges the answers in its own
process, so every argument of a case and every result travels as JSON. This module is
the one codec both sides use. It knows a short list of types: ``None``, ``bool``, ``int``,
``float`` (nan and infinities too), ``str``, ``list``, ``tuple``, ``dict`` with ``str``
keys, numeric numpy arrays and scalars (stored as base64 ``.npy`` bytes, read back with
``allow_pickle=False``) and :class:`Source`, a function carried as Python source text.
Anything else is refused: no pickle, no object arrays, no classes of the sender's
choosing. Results coming back from a learner's kernel are decoded with
``allow_source=False``, so a reply can never make the grader run code.

Introduced with the exercises of lesson 00; what it leaves out on purpose: sets, bytes,
complex numbers, and every user-defined type.

Examples
--------
>>> import numpy as np
>>> text = dumps((np.arange(3.0), {"rng": 0}, Source("lambda x: 2 * x")))
>>> z, options, f = loads(text)
>>> z, options, f(4)
(array([0., 1., 2.]), {'rng': 0}, 8)
"""

import base64
import io
import json
import math

import numpy as np

__all__ = ["Source", "encode", "decode", "dumps", "loads", "CodecError"]

# Only these dtype kinds travel: bool, signed and unsigned integers, floats.
NUMERIC_KINDS = "biuf"
_MAX_DEPTH = 50


class CodecError(ValueError):
    """A value that cannot be encoded, or a payload that is not a valid encoding."""


class Source:
    """A function written as Python source text, so it can be sent to another process.

    ``Source("lambda x: x ** 2")`` evaluates the expression; with ``name``, the text is
    executed and the function called ``name`` is taken from it. Either way the code runs
    in a fresh namespace holding only ``np`` (numpy). Calling a ``Source`` calls the
    function; its ``repr`` is the source text, so it reads well in a case label.

    Parameters
    ----------
    text : str
        A lambda expression, or (with ``name``) statements that define ``name``.
    name : str, optional
        The name of the function the statements define.

    Examples
    --------
    >>> f = Source("lambda x: np.sum(x ** 2)")
    >>> float(f(np.array([1.0, 2.0])))
    5.0
    >>> g = Source("def g(x):\\n    return x + 1", name="g")
    >>> g(1), repr(f)
    (2, 'lambda x: np.sum(x ** 2)')
    """

    __slots__ = ("text", "name", "_function")

    def __init__(self, text, name=None):
        if not isinstance(text, str):
            raise TypeError(f"text must be a str of Python source, got {type(text).__name__}")
        if name is not None and not isinstance(name, str):
            raise TypeError(f"name must be a str or None, got {type(name).__name__}")
        self.text = text
        self.name = name
        self._function = None

    def function(self):
        """The compiled function (compiled once, in a fresh namespace with ``np``)."""
        if self._function is None:
            namespace = {"np": np, "__builtins__": __builtins__}
            if self.name is None:
                self._function = eval(compile(self.text, "<case source>", "eval"), namespace)
            else:
                exec(compile(self.text, "<case source>", "exec"), namespace)
                self._function = namespace[self.name]
        return self._function

    def __call__(self, *args, **kwargs):
        return self.function()(*args, **kwargs)

    def __repr__(self):
        return self.text

    def __eq__(self, other):
        return type(other) is Source and (self.text, self.name) == (other.text, other.name)

    def __hash__(self):
        return hash((self.text, self.name))

    def __deepcopy__(self, memo):
        return Source(self.text, self.name)


def _numeric_scalar_types():
    found = {t for t in np.sctypeDict.values()
             if isinstance(t, type) and issubclass(t, (np.bool_, np.integer, np.floating))}
    return frozenset(found)


#: The exact numpy scalar types accepted as numbers (subclasses are not).
NUMPY_SCALARS = _numeric_scalar_types()


def _npy_text(array):
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _npy_array(text):
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
        array = np.load(io.BytesIO(raw), allow_pickle=False)
    except (ValueError, TypeError, OSError, EOFError) as err:
        raise CodecError(f"not a valid numeric .npy array: {err}") from err
    if type(array) is not np.ndarray or array.dtype.kind not in NUMERIC_KINDS:
        raise CodecError(f"arrays must hold numbers, got dtype {array.dtype}")
    return array


def encode(value, _depth=0):
    """Turn ``value`` into JSON-able data (see the module docstring for the types).

    Types are matched exactly: a subclass of ``float``, ``list`` or ``np.ndarray`` is
    refused, as is any object that merely behaves like one.

    Raises
    ------
    CodecError
        For any other type, object or string arrays, dicts with non-str keys, or nesting
        deeper than 50 levels.

    Examples
    --------
    >>> encode([1, 2.5, None, (True, "a")])
    [1, 2.5, None, {'__tuple__': [True, 'a']}]
    >>> encode(float("nan"))
    {'__float__': 'nan'}
    """
    if _depth > _MAX_DEPTH:
        raise CodecError("value is nested too deeply")
    kind = type(value)
    if value is None or kind in (bool, int, str):
        return value
    if kind is float:
        return value if math.isfinite(value) else {"__float__": repr(value)}
    if kind is list:
        return [encode(v, _depth + 1) for v in value]
    if kind is tuple:
        return {"__tuple__": [encode(v, _depth + 1) for v in value]}
    if kind is dict:
        if not all(type(k) is str for k in value):
            raise CodecError("dict keys must all be str")
        return {"__dict__": {k: encode(v, _depth + 1) for k, v in value.items()}}
    if kind is np.ndarray:
        if value.dtype.kind not in NUMERIC_KINDS:
            raise CodecError(f"arrays must hold numbers, got dtype {value.dtype}")
        return {"__ndarray__": _npy_text(value)}
    if kind in NUMPY_SCALARS:
        return {"__npscalar__": _npy_text(np.asarray(value))}
    if kind is Source:
        return {"__source__": value.text, "name": value.name}
    raise CodecError(f"cannot encode a value of type {kind.__name__}")


def decode(obj, allow_source=True, _depth=0):
    """Rebuild a value from :func:`encode`'s output.

    Parameters
    ----------
    obj : JSON-able data
    allow_source : bool, default True
        Whether :class:`Source` functions are accepted. Results read back from a
        learner's kernel are decoded with ``False``.

    Raises
    ------
    CodecError
        For anything :func:`encode` cannot have produced.

    Examples
    --------
    >>> decode({"__tuple__": [1, {"__float__": "inf"}]})
    (1, inf)
    >>> decode({"__source__": "lambda: 0", "name": None}, allow_source=False)
    Traceback (most recent call last):
    ...
    nnlessons.exercises.codec.CodecError: functions are not accepted here
    """
    if _depth > _MAX_DEPTH:
        raise CodecError("value is nested too deeply")
    kind = type(obj)
    if obj is None or kind in (bool, int, float, str):
        return obj
    if kind is list:
        return [decode(v, allow_source, _depth + 1) for v in obj]
    if kind is not dict or len(obj) == 0:
        raise CodecError(f"unexpected {kind.__name__} in an encoded value")
    tag = next(iter(obj))
    if tag == "__float__" and len(obj) == 1 and obj[tag] in ("nan", "inf", "-inf"):
        return float(obj[tag])
    if tag == "__tuple__" and len(obj) == 1 and type(obj[tag]) is list:
        return tuple(decode(v, allow_source, _depth + 1) for v in obj[tag])
    if tag == "__dict__" and len(obj) == 1 and type(obj[tag]) is dict:
        return {k: decode(v, allow_source, _depth + 1) for k, v in obj[tag].items()}
    if tag == "__ndarray__" and len(obj) == 1 and type(obj[tag]) is str:
        return _npy_array(obj[tag])
    if tag == "__npscalar__" and len(obj) == 1 and type(obj[tag]) is str:
        array = _npy_array(obj[tag])
        if array.ndim != 0:
            raise CodecError("a numpy scalar must be stored as a 0-d array")
        return array[()]
    if tag == "__source__" and set(obj) == {"__source__", "name"}:
        if not allow_source:
            raise CodecError("functions are not accepted here")
        name = obj["name"]
        if type(obj["__source__"]) is not str or not (name is None or type(name) is str):
            raise CodecError("a function must be given as source text")
        return Source(obj["__source__"], obj["name"])
    raise CodecError(f"unknown encoding tag {tag!r}")


def dumps(value):
    """Encode ``value`` as a JSON string (strict JSON: no NaN literals)."""
    return json.dumps(encode(value), allow_nan=False)


def loads(text, allow_source=True):
    """Decode a JSON string written by :func:`dumps`."""
    try:
        obj = json.loads(text)
    except (TypeError, ValueError, RecursionError) as err:
        raise CodecError(f"not valid JSON: {err}") from err
    return decode(obj, allow_source=allow_source)

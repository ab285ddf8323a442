"""Checks at the public boundary, with messages a learner can act on.

Every public function of nnlessons validates its arguments with these helpers, so that
bad input fails early with a message naming the parameter, its value and what would be
valid (``learning_rate must be > 0, got -0.1``). Internal helpers trust their inputs.
"""

import numbers

import numpy as np


def _show(value):
    """A short, readable rendering of a bad value for an error message."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def as_rng(rng):
    """Turn ``rng`` (None, an int seed or a Generator) into a ``numpy.random.Generator``.

    Examples
    --------
    >>> bool(as_rng(0).integers(10) == as_rng(0).integers(10))
    True
    """
    if rng is None or isinstance(rng, (numbers.Integral, np.random.SeedSequence)):
        if isinstance(rng, numbers.Integral) and not isinstance(rng, bool) and rng < 0:
            raise ValueError(f"rng must be a non-negative int seed, got {rng}")
        if isinstance(rng, bool):
            raise TypeError("rng must be None, an int seed or a numpy Generator, got a bool")
        return np.random.default_rng(rng)
    if isinstance(rng, np.random.Generator):
        return rng
    raise TypeError(
        f"rng must be None, an int seed or a numpy.random.Generator, got {type(rng).__name__}"
    )


def _as_array(x, name):
    """``np.asarray(x)`` with ragged, string and object input refused by name."""
    try:
        arr = np.asarray(x)
    except (TypeError, ValueError) as err:       # ragged nested lists
        raise ValueError(f"{name} must be a rectangular array of numbers (every row of the "
                         f"same length), got {_show(x)}") from err
    if arr.dtype.kind not in "biufc":
        if arr.dtype.kind == "O" and arr.ndim > 0 and any(
                isinstance(v, (list, tuple, np.ndarray)) for v in arr.flat):
            raise ValueError(f"{name} must be a rectangular array of numbers (every row of "
                             f"the same length), got {_show(x)}")
        if not (arr.dtype.kind == "O" and all(
                isinstance(v, numbers.Real) for v in arr.flat)):   # None, strings, ...
            raise TypeError(f"{name} must be an array of numbers, got {_show(x)}")
        arr = arr.astype(float)
    return arr


def _refuse_complex(arr, name):
    if arr.dtype.kind == "c":
        raise TypeError(f"{name} must hold real numbers, got complex values such as "
                        f"{complex(arr.flat[0])}; pass the real part (z.real) or the modulus "
                        "(abs(z)) explicitly")
    return arr


def as_numeric_array(x, name):
    """``x`` as an array of real numbers, keeping its dtype (int labels stay ints).

    Examples
    --------
    >>> as_numeric_array([1, 2], "y").dtype.kind
    'i'
    >>> as_numeric_array([[1, 2], [3]], "X")
    Traceback (most recent call last):
    ...
    ValueError: X must be a rectangular array of numbers (every row of the same length), \
got [[1, 2], [3]]
    """
    return _refuse_complex(_as_array(x, name), name)


def as_float_array(x, name, ndim=None, allow_nonfinite=False):
    """Convert ``x`` to a float64 array, checking its number of dimensions and finiteness.

    Parameters
    ----------
    x : array_like
        The value to convert (a copy is made only when needed; callers never mutate it).
    name : str
        The parameter's name, used in error messages.
    ndim : int or tuple of int, optional
        The allowed numbers of dimensions.
    allow_nonfinite : bool, default False
        Whether nan and inf are accepted.

    Returns
    -------
    ndarray of float64

    Examples
    --------
    >>> as_float_array([1, 2], "x").dtype
    dtype('float64')
    >>> as_float_array([[1, 2]], "X", ndim=1)
    Traceback (most recent call last):
    ...
    ValueError: X must be a 1-D array, got shape (1, 2)
    """
    if type(x) is np.ndarray and x.dtype == np.float64:
        arr = x                                   # the common case: no conversion at all
    else:
        arr = _refuse_complex(_as_array(x, name), name).astype(float, copy=False)
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            want = " or ".join(f"{d}-D" for d in allowed)
            raise ValueError(f"{name} must be a {want} array, got shape {arr.shape}")
    if not allow_nonfinite and not np.all(np.isfinite(arr)):
        bad = np.argwhere(~np.isfinite(arr))[0]
        where = tuple(int(i) for i in bad)
        raise ValueError(
            f"{name} must contain only finite numbers, got {arr[tuple(bad)]} at index {where}"
        )
    return arr


def check_positive(value, name, allow_zero=False):
    """Check that ``value`` is a real number > 0 (or >= 0) and return it as a float.

    Examples
    --------
    >>> check_positive(-0.1, "learning_rate")
    Traceback (most recent call last):
    ...
    ValueError: learning_rate must be > 0, got -0.1
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {_show(value)}")
    ok = value >= 0 if allow_zero else value > 0
    if not ok or not np.isfinite(value):
        raise ValueError(f"{name} must be {'>= 0' if allow_zero else '> 0'}, got {value}")
    return float(value)


def check_int(value, name, minimum=None, maximum=None):
    """Check that ``value`` is an integer in ``[minimum, maximum]`` and return it as an int.

    Examples
    --------
    >>> check_int(0, "n_epochs", minimum=1)
    Traceback (most recent call last):
    ...
    ValueError: n_epochs must be an integer >= 1, got 0
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {_show(value)}")
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        if maximum is None:
            rule = f">= {minimum}"
        elif minimum is None:
            rule = f"<= {maximum}"
        else:
            rule = f"in [{minimum}, {maximum}]"
        raise ValueError(f"{name} must be an integer {rule}, got {value}")
    return int(value)


def check_in(value, name, options):
    """Check that ``value`` is one of ``options`` (for names chosen from a registry).

    Examples
    --------
    >>> check_in("sgdd", "optimizer", ["sgd", "adam"])
    Traceback (most recent call last):
    ...
    ValueError: optimizer must be one of 'sgd', 'adam'; got 'sgdd'
    """
    if value not in options:
        valid = ", ".join(repr(o) for o in options)
        raise ValueError(f"{name} must be one of {valid}; got {_show(value)}")
    return value


def check_probability(value, name, inclusive=False):
    """Check that ``value`` is a fraction in (0, 1) (or [0, 1]) and return it as a float.

    Examples
    --------
    >>> check_probability(1.5, "test_size")
    Traceback (most recent call last):
    ...
    ValueError: test_size must be in (0, 1), got 1.5
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {_show(value)}")
    ok = 0 <= value <= 1 if inclusive else 0 < value < 1
    if not ok:
        raise ValueError(f"{name} must be in {'[0, 1]' if inclusive else '(0, 1)'}, got {value}")
    return float(value)

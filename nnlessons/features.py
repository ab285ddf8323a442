"""Features a linear model can be fitted on: the powers of x.

Lesson 09 fits polynomials of growing degree to noisy samples of a curve to show
underfitting and overfitting; a polynomial of degree d in x is a linear model on the columns
``1, x, x**2, ..., x**d``, which ``polynomial_features`` builds (the under/overfitting
explorer and the lesson's exercise use this one definition).

Left out on purpose: products of several input columns (scikit-learn's
``PolynomialFeatures`` with interactions), splines and scaling.
"""

import numpy as np

from ._validation import as_float_array, check_int

__all__ = ["polynomial_features"]


def polynomial_features(x, degree):
    """Columns ``x**0, x**1, ..., x**degree``.

    Parameters
    ----------
    x : array_like of shape (n_samples,)
    degree : int, >= 0

    Returns
    -------
    ndarray of shape (n_samples, degree + 1)

    Examples
    --------
    >>> polynomial_features([2.0, 3.0], 2)
    array([[1., 2., 4.],
           [1., 3., 9.]])
    """
    x = as_float_array(x, "x", ndim=1)
    degree = check_int(degree, "degree", minimum=0)
    return np.vander(x, degree + 1, increasing=True)    # (n,) -> (n, degree + 1)

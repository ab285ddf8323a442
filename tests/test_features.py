"""Tests for nnlessons.features: polynomial features."""

import numpy as np
import pytest
from conftest import require

from nnlessons.features import polynomial_features


def test_columns_are_the_powers_of_x():
    x = np.array([-1.5, 0.0, 2.0])
    Phi = polynomial_features(x, 3)
    assert Phi.shape == (3, 4)
    np.testing.assert_array_equal(Phi, x[:, None] ** np.arange(4))
    np.testing.assert_array_equal(polynomial_features([2.0], 0), [[1.0]])


def test_matches_scikit_learn():
    require("sklearn")
    from sklearn.preprocessing import PolynomialFeatures

    x = np.linspace(-1, 1, 7)
    np.testing.assert_allclose(polynomial_features(x, 5),
                               PolynomialFeatures(5).fit_transform(x[:, None]))


@pytest.mark.parametrize("args, error, words", [
    (([[1.0, 2.0]], 2), ValueError, "x must be a 1-D array"),
    (([1.0], -1), ValueError, "degree must be an integer >= 0, got -1"),
    (([1.0], 2.5), TypeError, "degree must be an integer, got 2.5"),
    ((["a"], 2), TypeError, "x must be an array of numbers"),
])
def test_bad_input(args, error, words):
    with pytest.raises(error, match=words):
        polynomial_features(*args)

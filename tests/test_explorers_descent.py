"""The gradient-descent explorer and the loss surfaces it shares with the race."""

import numpy as np
import pytest

import nnlessons as nl
from nnlessons.explorers import descent as m
from nnlessons.explorers.surfaces import SURFACES, optimizer_path


@pytest.mark.parametrize("name", list(SURFACES))
def test_surface_gradients_match_central_differences(name):
    s = SURFACES[name]
    rng = np.random.default_rng(0)
    for x, y in rng.uniform([s.xlim[0], s.ylim[0]], [s.xlim[1], s.ylim[1]], (20, 2)):
        h = 1e-6
        numeric = ((s(x + h, y) - s(x - h, y)) / (2 * h), (s(x, y + h) - s(x, y - h)) / (2 * h))
        np.testing.assert_allclose(s.gradient(x, y), numeric, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", list(SURFACES))
def test_minima_are_minima(name):
    s = SURFACES[name]
    for x, y in s.minima:
        np.testing.assert_allclose(s.gradient(x, y), 0, atol=1e-6)
    assert s(*s.minima[0]) == pytest.approx(s.min_value)
    x, y = np.meshgrid(np.linspace(*s.xlim, 201), np.linspace(*s.ylim, 201))
    assert s(x, y).min() >= s.min_value - 1e-9


def test_path_is_plain_gradient_descent():
    path, diverged = optimizer_path(lambda w: (m.loss_1d_gradient(w),), [2.0], "sgd", 0.1, 3)
    w = [2.0]
    for _ in range(3):
        w.append(w[-1] - 0.1 * float(m.loss_1d_gradient(w[-1])))
    np.testing.assert_allclose(path[:, 0], w)
    assert not diverged


def test_the_lesson_stories():
    assert "trapped" in m.descent_data(0.05, 100, w0=2.0)["status_1d"]     # local minimum
    assert "global" in m.descent_data(0.05, 100, w0=-0.3)["status_1d"]
    assert m.descent_data(1.0, 100, w0=2.0)["diverged_1d"]
    ravine = m.descent_data(0.45, 30, surface="ravine")["path_2d"][:, 1]
    assert np.all(np.sign(ravine[1:8]) != np.sign(ravine[:7]))            # zig-zag overshoot
    assert m.descent_data(0.6, 60, surface="ravine")["diverged_2d"]


def test_bad_input():
    with pytest.raises(ValueError, match="learning_rate must be > 0"):
        nl.explorers.gradient_descent(learning_rate=-0.1)
    with pytest.raises(ValueError, match="surface must be one of"):
        nl.explorers.gradient_descent(surface="bowl")

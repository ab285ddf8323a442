"""The neuron explorer: what is drawn equals what the compute functions give."""

import numpy as np
import pytest

import nnlessons as nl
from nnlessons.explorers import neuron_plane as m


def test_compute_matches_the_seeds_example():
    d = m.neuron_data(0.0, 1.0, 4.0, "sigmoid")
    assert d["example_y"] == pytest.approx(0.9990889488055994)
    # the grid value at x = [2, 3] is the neuron's output there
    axis = np.linspace(-5, 5, m.RESOLUTION)
    i, j = np.argmin(abs(axis - 3)), np.argmin(abs(axis - 2))
    x1, x2 = axis[j], axis[i]
    assert d["surface"][i, j] == pytest.approx(nl.sigmoid(0 * x1 + 1 * x2 + 4))


@pytest.mark.parametrize("activation", m.NEURON_ACTIVATIONS)
def test_level_line_is_where_the_output_is_one_half(activation):
    w1, w2, b = 1.5, -0.7, 0.3
    x1, x2 = m.level_line(w1, w2, b, activation)
    out = nl.Neuron([w1, w2], b, activation).feedforward(np.column_stack([x1, x2]))
    np.testing.assert_allclose(out, 0.5, atol=1e-9)


def test_level_line_is_empty_when_the_output_never_reaches_one_half():
    x1, x2 = m.level_line(0.0, 0.0, 3.0, "sigmoid")
    assert x1.size == x2.size == 0


def test_static_figure_and_bad_input():
    fig = nl.explorers.neuron(w1=1, w2=2, b=0, activation="tanh", static=True)
    np.testing.assert_allclose(fig.axes[0].images[0].get_array(),
                               m.neuron_surface(1, 2, 0, "tanh"))
    with pytest.raises(ValueError, match="activation must be one of"):
        nl.explorers.neuron(activation="softmax")
    with pytest.raises(ValueError, match="finite"):
        nl.explorers.neuron(w1=np.nan)

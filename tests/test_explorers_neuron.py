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


def _drawn(widget):
    a = widget.artists
    return (np.asarray(a["image"].get_array()), a["line"].get_xdata(), a["line"].get_ydata(),
            a["label"].get_text(), a["image"].get_clim())


@pytest.mark.parametrize(("control", "values"), [
    ("w1", [-2.0, 3.5]), ("w2", [0.5, -4.0]), ("b", [-1.0, 2.5]),
    ("activation", ["tanh", "relu", "identity"]),
])
def test_every_control_changes_the_picture_as_the_math_says(control, values):
    widget = nl.explorers.neuron()
    for value in values:
        before = bytes(widget.image.value)
        widget.controls[control].value = value
        v = widget.values()
        image, line_x, line_y, label, clim = _drawn(widget)
        np.testing.assert_allclose(image, m.neuron_surface(v["w1"], v["w2"], v["b"],
                                                           v["activation"]))
        exp_x, exp_y = m.level_line(v["w1"], v["w2"], v["b"], v["activation"])
        np.testing.assert_allclose(line_x, exp_x)
        np.testing.assert_allclose(line_y, exp_y)
        y = nl.Neuron([v["w1"], v["w2"]], v["b"], v["activation"]).feedforward([2, 3])
        assert label.endswith(f"y = {y:.3f}")
        assert clim == pytest.approx(m.neuron_data(**v)["clim"])
        assert widget.image.value != before
        assert widget.error.value == ""


def test_static_figure_and_bad_input():
    fig = nl.explorers.neuron(w1=1, w2=2, b=0, activation="tanh", static=True)
    np.testing.assert_allclose(fig.axes[0].images[0].get_array(),
                               m.neuron_surface(1, 2, 0, "tanh"))
    with pytest.raises(ValueError, match="activation must be one of"):
        nl.explorers.neuron(activation="softmax")
    with pytest.raises(ValueError, match="finite"):
        nl.explorers.neuron(w1=np.nan)

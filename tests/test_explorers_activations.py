"""The activation explorer: curves, derivatives, saturated regions and the read-out."""

import numpy as np
import pytest
from test_explorers_controls import assert_drawn

import nnlessons as nl
from nnlessons.activations import activation_curve
from nnlessons.explorers import activation_curves as m


@pytest.mark.parametrize("name", list(nl.activations.ACTIVATIONS))
def test_derivatives_match_central_differences(name):
    z = np.linspace(-4, 4, 81) + 0.013          # avoid the kink of relu at 0
    f, df = activation_curve(name, z)
    h = 1e-6
    numeric = (activation_curve(name, z + h)[0] - activation_curve(name, z - h)[0]) / (2 * h)
    np.testing.assert_allclose(df, numeric, atol=1e-6)


def test_saturation_is_five_percent_of_the_maximum_derivative():
    d = m.activation_data("tanh", -5, 5)
    inside = np.zeros_like(d["z_grid"], dtype=bool)
    for a, b in d["regions"]:
        inside |= (d["z_grid"] >= a) & (d["z_grid"] <= b)
    np.testing.assert_array_equal(inside, d["df"] < 0.05 * 1.0)       # max tanh' = 1
    assert m.activation_data("identity", -5, 5)["regions"] == []
    leaky = m.activation_data("leaky_relu", -1, 1, slope=0.2)        # 0.2 > 5% of 1
    assert leaky["regions"] == []


def test_slope_is_enabled_for_leaky_relu_only_and_redraws():
    widget = nl.explorers.activations()
    assert widget.controls["slope"].disabled
    widget.controls["activation"].value = "leaky_relu"
    assert not widget.controls["slope"].disabled
    for slope in (0.1, 0.3):
        widget.controls["slope"].value = slope
        assert_drawn(widget, "activations")
        assert widget.artists["curves"][0].get_ydata()[0] == pytest.approx(-6 * slope)


def test_the_point_stays_inside_a_new_range():
    widget = nl.explorers.activations(z=5.0)
    widget.controls["z_range"].value = (-2.0, 2.0)
    assert widget.controls["z"].value == 2.0
    assert_drawn(widget, "activations")
    widget.controls["z_range"].value = (10.0, 15.0)
    assert widget.controls["z"].value == 10.0
    assert_drawn(widget, "activations")


def test_static_figure_and_bad_input():
    fig = nl.explorers.activations("relu", static=True)
    z = fig.axes[1].get_lines()[2].get_xdata()
    np.testing.assert_allclose(fig.axes[1].get_lines()[2].get_ydata(),
                               nl.activations.relu_derivative(z))
    with pytest.raises(ValueError, match="z_range"):
        nl.explorers.activations(z_range=(3, 1))
    with pytest.raises(ValueError, match="activation must be one of"):
        nl.explorers.activations("swish")

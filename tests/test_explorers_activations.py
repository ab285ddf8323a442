"""The activation explorer: curves, derivatives, saturated regions and the read-out."""

import numpy as np
import pytest

import nnlessons as nl
from nnlessons.explorers import activation_curves as m
from nnlessons.plots import activation_curve


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


def _check_drawn(widget):
    v = widget.values()
    d = m.activation_data(v["activation"], *v["z_range"], v["slope"], v["z"])
    a = widget.artists
    for i, key in enumerate(("f", "df")):
        np.testing.assert_allclose(a["curves"][i].get_xdata(), d["z_grid"])
        np.testing.assert_allclose(a["curves"][i].get_ydata(), d[key])
        np.testing.assert_allclose(a["points"][i].get_xdata(), [v["z"]])
        expected = [[(lo, 0), (hi, 0), (hi, 1), (lo, 1)] for lo, hi in d["regions"]]
        drawn = [p.vertices[:4].tolist() for p in a["shades"][i].get_paths()]
        np.testing.assert_allclose(np.array(drawn).reshape(-1, 2),
                                   np.array(expected, dtype=float).reshape(-1, 2))
    assert a["points"][0].get_ydata()[0] == pytest.approx(d["f_z"])
    assert a["points"][1].get_ydata()[0] == pytest.approx(d["df_z"])
    assert f"= {d['f_z']:.4f}" in widget.figure.axes[0].get_title()
    assert f"= {d['df_z']:.4f}" in widget.figure.axes[1].get_title()
    assert widget.error.value == ""


@pytest.mark.parametrize(("control", "values"), [
    ("activation", ["tanh", "relu", "softmax", "leaky_relu"]),
    ("z", [-3.0, 2.5]),
    ("z_range", [(-10.0, 10.0), (-2.0, 4.0)]),
])
def test_every_control_redraws_what_the_compute_function_gives(control, values):
    widget = nl.explorers.activations()
    for value in values:
        before = bytes(widget.image.value)
        widget.controls[control].value = value
        _check_drawn(widget)
        assert bytes(widget.image.value) != before


def test_slope_is_enabled_for_leaky_relu_only_and_redraws():
    widget = nl.explorers.activations()
    assert widget.controls["slope"].disabled
    widget.controls["activation"].value = "leaky_relu"
    assert not widget.controls["slope"].disabled
    for slope in (0.1, 0.3):
        widget.controls["slope"].value = slope
        _check_drawn(widget)
        assert widget.artists["curves"][0].get_ydata()[0] == pytest.approx(-6 * slope)


def test_the_point_stays_inside_a_new_range():
    widget = nl.explorers.activations(z=5.0)
    widget.controls["z_range"].value = (-2.0, 2.0)
    assert widget.controls["z"].value == 2.0
    _check_drawn(widget)
    widget.controls["z_range"].value = (10.0, 15.0)
    assert widget.controls["z"].value == 10.0
    _check_drawn(widget)


def test_static_figure_and_bad_input():
    fig = nl.explorers.activations("relu", static=True)
    z = fig.axes[1].get_lines()[2].get_xdata()
    np.testing.assert_allclose(fig.axes[1].get_lines()[2].get_ydata(),
                               nl.activations.relu_derivative(z))
    with pytest.raises(ValueError, match="z_range"):
        nl.explorers.activations(z_range=(3, 1))
    with pytest.raises(ValueError, match="activation must be one of"):
        nl.explorers.activations("swish")

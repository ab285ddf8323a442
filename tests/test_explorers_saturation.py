"""The gradient-saturation explorer: per-layer gradient norms, derivatives and dead units."""

import numpy as np
import pytest

import nnlessons as nl
from nnlessons.explorers import gradient_flow as m


def test_norms_are_those_of_backprop_on_the_same_network():
    d = m.gradient_flow_data(depth=3, activation="tanh", init="he", width=8, rng=5)
    rng = np.random.default_rng(5)
    net = nl.MLP([8, 8, 8, 8, 1], activation="tanh", output_activation="identity", init="he",
                 rng=rng)
    X, y = rng.standard_normal((m.N_SAMPLES, 8)), rng.standard_normal((m.N_SAMPLES, 1))
    dW, _ = net.gradients(X, y, loss="mse")
    np.testing.assert_allclose(d["grad_norm"], [np.linalg.norm(g) for g in dW])
    np.testing.assert_allclose(d["bound"], d["grad_norm"][-1] * 0.25 ** np.arange(3, -1, -1))


def test_sigmoid_vanishes_relu_with_he_does_not():
    sigmoid = m.gradient_flow_data(depth=15, activation="sigmoid", init="xavier", width=32)
    relu = m.gradient_flow_data(depth=15, activation="relu", init="he", width=32)
    assert sigmoid["grad_norm"][0] < 1e-6 * sigmoid["grad_norm"][-1]
    assert relu["grad_norm"][0] > 1e-2 * relu["grad_norm"][-1]
    assert np.all(sigmoid["mean_derivative"] <= 0.25)
    assert sigmoid["dead_overall"] == 0.0


def test_dead_units_are_relus_that_no_input_activates():
    d = m.gradient_flow_data(depth=20, activation="relu", init="normal", width=4)
    assert 0 < d["dead_overall"] <= 1
    zs_dead = d["dead_fraction"]
    assert zs_dead.shape == (20,) and np.all((zs_dead >= 0) & (zs_dead <= 1))
    assert m.gradient_flow_data(depth=20, activation="leaky_relu", width=4)["dead_overall"] == 0


def test_legend_lists_the_bound_only_for_sigmoid():
    widget = nl.explorers.saturation()
    labels = [t.get_text() for t in widget.figure.axes[0].get_legend().get_texts()]
    assert len(labels) == 2 and labels[1].startswith("0.25^k")
    widget.controls["activation"].value = "relu"
    assert len(widget.figure.axes[0].get_legend().get_texts()) == 1


def test_every_registered_initialisation_is_offered_and_all_zero_weights_say_so():
    assert m.INITS == tuple(nl.initializers.INITIALIZERS)
    widget = nl.explorers.saturation(activation="tanh")
    widget.controls["init"].value = "zeros"           # tanh(0) = 0: no gradient anywhere
    assert widget.error.value == ""
    assert widget.figure.axes[0].get_title().endswith(": every gradient is 0")


def test_bad_input():
    with pytest.raises(ValueError, match="width must be one of"):
        nl.explorers.saturation(width=7)
    with pytest.raises(ValueError, match="depth must be an integer"):
        nl.explorers.saturation(depth=0)

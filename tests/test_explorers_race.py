"""The optimizer race: every racer's path is its nl.optim optimizer on the surface."""

import numpy as np
import pytest

import nnlessons as nl
from nnlessons.explorers import race as m
from nnlessons.explorers.surfaces import SURFACES


@pytest.mark.parametrize("name", list(nl.optim.OPTIMIZERS))
def test_each_racer_follows_its_optimizer(name):
    s = SURFACES["rosenbrock"]
    d = m.race_data("rosenbrock", {name: s.learning_rates[name]}, n_steps=30)
    opt = nl.optim.get_optimizer(name, learning_rate=s.learning_rates[name])
    theta = np.array(s.start, dtype=float)
    expected = [theta.copy()]
    for _ in range(30):
        opt.step([theta], [np.array(s.gradient(*theta))])
        expected.append(theta.copy())
    np.testing.assert_allclose(d["racers"][name]["path"], expected)
    np.testing.assert_allclose(d["racers"][name]["gap"], s(*np.array(expected).T))


def test_every_surface_is_won_by_someone_at_its_suggested_rates():
    for name, s in SURFACES.items():
        d = m.race_data(name, s.learning_rates, n_steps=500)
        assert not any(r["diverged"] for r in d["racers"].values())
        assert min(r["gap"][-1] for r in d["racers"].values()) < 1e-2


def test_a_too_large_rate_is_reported_as_diverged():
    d = m.race_data("ravine", {"sgd": 0.6}, n_steps=200)
    assert d["racers"]["sgd"]["diverged"] and len(d["racers"]["sgd"]["path"]) < 201


def _check_drawn(widget):
    v = widget.values()
    rates = {n: v[f"lr_{n}"] for n in nl.optim.OPTIMIZERS if v[n]}
    d = m.race_data(v["surface"], rates, v["n_steps"])
    a = widget.artists
    for name in nl.optim.OPTIMIZERS:
        assert a["paths"][name].get_visible() == (name in rates)
        assert a["curves"][name].get_visible() == (name in rates)
        if name in rates:
            path, gap = d["racers"][name]["path"], d["racers"][name]["gap"]
            np.testing.assert_allclose(a["paths"][name].get_xdata(), path[:, 0])
            np.testing.assert_allclose(a["paths"][name].get_ydata(), path[:, 1])
            np.testing.assert_allclose(a["curves"][name].get_ydata(), np.maximum(gap, m.FLOOR))
    legend = [t.get_text().split(" ")[0] for t in widget.figure.axes[1].get_legend().get_texts()]
    assert legend == list(rates)
    assert widget.error.value == ""


@pytest.mark.parametrize(("control", "values"), [
    ("surface", ["rosenbrock", "saddle", "several_minima"]), ("n_steps", [50, 400]),
    ("nesterov", [True, False]), ("adam", [False, True]), ("lr_sgd", [0.01, 0.2]),
    ("lr_adam", [0.05, 0.5]),
])
def test_every_control_redraws_what_the_compute_function_gives(control, values):
    widget = nl.explorers.optimizer_race()
    for value in values:
        before = bytes(widget.image.value)
        widget.controls[control].value = value
        _check_drawn(widget)
        assert bytes(widget.image.value) != before


def test_choosing_a_surface_sets_its_learning_rates():
    widget = nl.explorers.optimizer_race()
    widget.controls["surface"].value = "rosenbrock"
    for name, lr in SURFACES["rosenbrock"].learning_rates.items():
        # the slider snaps to its grid of 10 ** (k * 0.05), within a factor 10 ** 0.025
        assert widget.controls[f"lr_{name}"].value == pytest.approx(lr, rel=0.06)
    _check_drawn(widget)


def test_bad_input():
    with pytest.raises(ValueError, match="optimizer must be one of"):
        nl.explorers.optimizer_race(learning_rates={"adamw": 0.1})
    with pytest.raises(ValueError, match="learning_rates"):
        nl.explorers.optimizer_race(learning_rates={"adam": 0})

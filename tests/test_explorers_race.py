"""The optimizer race: every racer's path is its nl.optim optimizer on the surface."""

import numpy as np
import pytest
from test_explorers_controls import assert_drawn

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


def test_choosing_a_surface_sets_its_learning_rates():
    widget = nl.explorers.optimizer_race()
    widget.controls["surface"].value = "rosenbrock"
    for name, lr in SURFACES["rosenbrock"].learning_rates.items():
        # the slider snaps to its grid of 10 ** (k * 0.05), within a factor 10 ** 0.025
        assert widget.controls[f"lr_{name}"].value == pytest.approx(lr, rel=0.06)
    assert_drawn(widget, "optimizer_race")


def test_an_optimizer_added_to_the_registry_joins_the_race(monkeypatch):
    class HalfStep(nl.optim.SGD):
        """Gradient descent at half the learning rate: a rule the race has never seen."""

        name = "halfstep"
        race_learning_rates = {"ravine": 0.5}

        def _update(self, i, theta, g):
            theta -= 0.5 * self.learning_rate * g

    monkeypatch.setitem(nl.optim.OPTIMIZERS, "halfstep", HalfStep)
    widget = nl.explorers.optimizer_race()
    assert widget.controls["lr_halfstep"].value == pytest.approx(0.5, rel=0.06)
    assert not widget.controls["halfstep"].value
    widget.controls["halfstep"].value = True
    assert_drawn(widget, "optimizer_race")
    s = SURFACES["ravine"]
    lr = widget.controls["lr_halfstep"].value
    theta, expected = np.array(s.start), [np.array(s.start)]
    for _ in range(widget.controls["n_steps"].value):
        theta = theta - 0.5 * lr * np.array(s.gradient(*theta))
        expected.append(theta)
    np.testing.assert_allclose(np.c_[widget.artists["paths"]["halfstep"].get_data()], expected)
    colors = m.racer_colors()
    assert widget.artists["paths"]["halfstep"].get_color() == colors["halfstep"]
    assert len(set(colors.values())) == len(colors) == len(nl.optim.OPTIMIZERS)
    # a surface it has no rate for starts it at its default learning rate
    widget.controls["surface"].value = "saddle"
    assert widget.controls["lr_halfstep"].value == pytest.approx(HalfStep().learning_rate,
                                                                 rel=0.06)
    assert_drawn(widget, "optimizer_race")


def test_bad_input():
    with pytest.raises(ValueError, match="optimizer must be one of"):
        nl.explorers.optimizer_race(learning_rates={"adamw": 0.1})
    with pytest.raises(ValueError, match="learning_rates"):
        nl.explorers.optimizer_race(learning_rates={"adam": 0})

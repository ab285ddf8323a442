"""The training playground: training runs, buttons, the background thread and the picture."""

import copy
import threading
import types

import numpy as np
import pytest
from test_explorers_controls import assert_drawn

import nnlessons as nl
from nnlessons.explorers import training_lab as m


def test_an_epoch_is_shuffled_minibatch_gradient_descent():
    run = m.TrainingRun("moons", hidden_layers=1, neurons=3, optimizer="sgd",
                        learning_rate=0.5, batch_size=32)
    net, rng = run.net.copy(), copy.deepcopy(run.shuffle_rng)
    order = rng.permutation(len(run.X))
    for start in range(0, len(run.X), 32):
        rows = order[start:start + 32]
        dW, db = net.gradients(run.X[rows], run.y[rows], loss="binary_cross_entropy")
        for p, g in zip(net.parameters(), dW + db, strict=True):
            p -= 0.5 * g
    run.train(1)
    for mine, theirs in zip(run.net.parameters(), net.parameters(), strict=True):
        np.testing.assert_allclose(mine, theirs)
    assert run.epoch == 1 and len(run.loss) == len(run.val_loss) == 1
    assert run.loss[0] == pytest.approx(net.loss(run.X, run.y, "binary_cross_entropy"))
    assert run.val_loss[0] == pytest.approx(net.loss(run.X_val, run.y_val,
                                                     "binary_cross_entropy"))


@pytest.mark.parametrize("dataset", list(nl.datasets.TOY_DATASETS))
def test_every_data_set_learns(dataset):
    run = m.TrainingRun(dataset, hidden_layers=2, neurons=8, activation="relu",
                        learning_rate=0.03)
    run.train(100)
    assert run.loss[-1] < 0.8 * run.loss[0]
    assert not run.diverged


def test_divergence_is_caught_and_reported():
    run = m.TrainingRun("xor", activation="relu", optimizer="sgd", learning_rate=3.0,
                        batch_size=1)
    run.train(50)
    if run.diverged:                 # nan weights: training stops, the status says why
        assert "diverged" in run.status() and run.epoch < 50
    else:
        assert np.isfinite(run.loss[-1])


@pytest.mark.parametrize(("setting", "value", "carries_on"), [
    ("learning_rate", 0.3, True), ("batch_size", 64, True), ("optimizer", "momentum", True),
    ("dataset", "spirals", False), ("hidden_layers", 3, False), ("neurons", 9, False),
    ("activation", "relu", False),
])
def test_rate_batch_and_optimizer_carry_training_on_the_rest_start_afresh(setting, value,
                                                                          carries_on):
    run = m.TrainingRun()
    run.train(3)
    weights = run.net.weights[0].copy()
    run.configure(**{setting: value})
    assert run.settings[setting] == value
    assert run.epoch == (3 if carries_on else 0)
    assert len(run.loss) == run.epoch
    if carries_on:
        np.testing.assert_array_equal(run.net.weights[0], weights)
    if setting == "learning_rate":
        assert run.optimizer.learning_rate == value
    run.train(2)
    assert run.epoch == (5 if carries_on else 2)


def test_step_and_reset_buttons():
    widget = nl.explorers.playground()
    before = bytes(widget.image.value)
    widget.buttons.step_button.click()
    assert widget.run.epoch == 1 and bytes(widget.image.value) != before
    assert_drawn(widget, "playground")
    weights = [W.copy() for W in widget.run.net.weights]
    widget.buttons.reset_button.click()
    assert widget.run.epoch == 0 and widget.run.loss == []
    assert not np.allclose(weights[0], widget.run.net.weights[0])    # a new random draw
    assert_drawn(widget, "playground")


def test_train_button_trains_in_the_background_and_pauses(monkeypatch):
    widget = nl.explorers.playground(frame_interval=0.0)
    ten_epochs, train = threading.Event(), widget.run.train

    def counting(n_epochs=1):
        train(n_epochs)
        if widget.run.epoch >= 10:
            ten_epochs.set()

    monkeypatch.setattr(widget.run, "train", counting)
    widget.buttons.train_button.value = True
    assert widget.buttons.train_button.description == "Pause"
    assert ten_epochs.wait(timeout=120), "the background thread never reached 10 epochs"
    widget.controls["learning_rate"].value = 0.01       # applied between two epochs
    widget.stop()                                       # returns once the thread has ended
    assert not widget.buttons.thread.is_alive()
    assert not any(t.name == "nnlessons-playground" for t in threading.enumerate())
    assert widget.buttons.train_button.description == "Train"
    assert widget.run.epoch >= 10 and widget.run.optimizer.learning_rate == 0.01
    assert_drawn(widget, "playground")


def test_training_stops_by_itself_at_the_limit_and_draws_by_the_clock(monkeypatch):
    from nnlessons.explorers import _wiring

    clock = iter(range(1000))                # each reading of the clock: one more second
    monkeypatch.setattr(_wiring, "time", types.SimpleNamespace(
        perf_counter=lambda: float(next(clock)), sleep=lambda seconds: None))
    widget = nl.explorers.playground(frame_interval=2.5)
    widget.buttons.max_epochs = 9
    widget.start()
    widget.buttons.thread.join(timeout=120)
    assert widget.run.epoch == 9 and not widget.buttons.train_button.value
    # a picture when 2.5 s have passed since the last one: after epochs 3, 6 and the last
    assert widget.buttons.frames == 3
    np.testing.assert_allclose(widget.artists["loss"].get_ydata(), widget.run.loss)


def test_an_error_while_training_shows_in_the_widget(monkeypatch):
    widget = nl.explorers.playground()

    def broken(n_epochs=1):
        raise RuntimeError("forced failure while training")

    monkeypatch.setattr(widget.run, "train", broken)
    widget.start()
    widget.buttons.thread.join(timeout=30)
    assert "RuntimeError: forced failure while training" in widget.error.value
    assert not widget.buttons.train_button.value


def test_static_figure():
    fig = nl.explorers.playground(dataset="circles", static=True)
    assert len(fig.axes[1].get_lines()[0].get_ydata()) == 100

"""The training playground: training runs, buttons, the background thread and the picture."""

import copy
import threading
import time

import numpy as np
import pytest

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


def _check_drawn(widget):
    run, a = widget.run, widget.artists
    np.testing.assert_allclose(a["image"].get_array(), run.boundary())
    np.testing.assert_allclose(a["loss"].get_ydata(), run.loss)
    np.testing.assert_allclose(a["val_loss"].get_ydata(), run.val_loss)
    np.testing.assert_allclose(a["train"].get_offsets(), run.X)
    edges = a["network"]
    w = np.array([run.net.weights[layer][i, j] for layer, i, j in edges["edge_index"]])
    widths = edges["edges"].get_linewidths()
    assert np.argmax(widths) == np.argmax(np.abs(w))
    colors = edges["edges"].get_colors()
    assert np.all((colors[:, 2] > colors[:, 0]) == (w >= 0))          # blue: positive
    assert widget.buttons.status.value == run.status()
    assert widget.error.value == ""


@pytest.mark.parametrize(("control", "values"), [
    ("dataset", ["circles", "spirals"]), ("hidden_layers", [0, 3]), ("neurons", [2, 9]),
    ("activation", ["relu", "sigmoid"]), ("optimizer", ["sgd", "momentum"]),
    ("learning_rate", [0.003, 0.3]), ("batch_size", [4, 64]),
])
def test_every_control_redraws_what_the_run_holds(control, values):
    widget = nl.explorers.playground()
    widget.step(3)
    for value in values:
        widget.controls[control].value = value
        value = widget.controls[control].value        # a log slider snaps to its grid
        widget.step(2)
        assert widget.run.settings[control] == value
        _check_drawn(widget)
    if control in ("learning_rate", "batch_size", "optimizer"):    # training carries on
        assert widget.run.epoch == 3 + 2 * len(values)
    else:                                                          # a new network
        assert widget.run.epoch == 2
    if control == "learning_rate":
        assert widget.run.optimizer.learning_rate == widget.controls[control].value


def test_step_and_reset_buttons():
    widget = nl.explorers.playground()
    before = bytes(widget.image.value)
    widget.buttons.step_button.click()
    assert widget.run.epoch == 1 and bytes(widget.image.value) != before
    _check_drawn(widget)
    weights = [W.copy() for W in widget.run.net.weights]
    widget.buttons.reset_button.click()
    assert widget.run.epoch == 0 and widget.run.loss == []
    assert not np.allclose(weights[0], widget.run.net.weights[0])    # a new random draw
    _check_drawn(widget)


def test_train_button_trains_in_the_background_and_pauses():
    widget = nl.explorers.playground(frame_interval=0.0)
    widget.buttons.train_button.value = True
    assert widget.buttons.train_button.description == "Pause"
    deadline = time.monotonic() + 60
    while widget.run.epoch < 10 and time.monotonic() < deadline:
        time.sleep(0.05)
    widget.controls["learning_rate"].value = 0.01       # applied between two chunks
    widget.stop()
    assert not widget.buttons.thread.is_alive()
    assert widget.buttons.train_button.description == "Train"
    assert widget.run.epoch >= 10 and widget.run.optimizer.learning_rate == 0.01
    _check_drawn(widget)
    epoch = widget.run.epoch
    time.sleep(0.2)
    assert widget.run.epoch == epoch                    # really paused
    assert not any(t.name == "nnlessons-playground" for t in threading.enumerate())


def test_training_stops_by_itself_at_the_limit():
    widget = nl.explorers.playground(frame_interval=10.0)
    widget.buttons.max_epochs = 6
    widget.start()
    widget.buttons.thread.join(timeout=60)
    assert widget.run.epoch == 6 and not widget.buttons.train_button.value
    assert widget.buttons.frames == 1                    # slow frames: only the last one
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

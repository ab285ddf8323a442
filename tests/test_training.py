"""Tests for nnlessons.training: fit's mechanics, behaviour, history, progress and errors."""

import warnings

import numpy as np
import pytest

import nnlessons as nl
from nnlessons import training
from nnlessons.training import DivergenceError, History, accuracy, fit

EMILY, FRANK = [-7, -3], [20, 2]          # 128 lb, 63 in (F) and 155 lb, 68 in (M), shifted


def gender_net(rng=0):
    return nl.MLP([2, 2, 1], activation="sigmoid", rng=rng)


def cosine_regression():
    x, y = nl.datasets.noisy_cosine()
    return x[:, None], y


def regression_net(hidden=8, rng=0):
    return nl.MLP([1, hidden, 1], activation="tanh", output_activation="identity",
                  init="xavier", rng=rng)


def same_weights(a, b):
    return all(np.array_equal(p, q) for p, q in zip(a.parameters(), b.parameters(), strict=True))


# --- the lessons' networks learn ------------------------------------------------------------

def test_gender_network_tells_emily_from_frank():
    X, y = nl.datasets.gender()
    net = gender_net()
    history = fit(net, X, y, loss="mse", optimizer="sgd", learning_rate=0.1, n_epochs=1000,
                  batch_size=1, rng=0)
    emily, frank = net.forward([EMILY, FRANK])[:, 0]
    assert emily > 0.9 and frank < 0.1
    assert len(history.loss) == 1000 and history.epochs_run == 1000
    assert history.accuracy[-1] == 1.0


def test_binary_cross_entropy_also_learns_the_gender_data():
    X, y = nl.datasets.gender()
    net = gender_net()
    history = fit(net, X, y, loss="binary_cross_entropy", learning_rate=0.1, n_epochs=300,
                  batch_size=1, rng=0)
    assert history.loss[-1] < 0.1 * history.loss[0]
    assert net.predict([EMILY, FRANK]).tolist() == [1, 0]


def test_digits_64_15_10_reaches_94_percent_on_held_out_images():
    # Nielsen's chapter-1 recipe scaled to 8x8 images: sigmoid, quadratic cost, batch 10,
    # 30 epochs. His eta = 3.0 goes with the cost 1/2 ||y - a||^2 per sample; the plain-mean
    # MSE over 10 outputs has 2/10 of that gradient, so the same steps take learning_rate=15.
    X, y = nl.datasets.digits()
    X_train, X_test, y_train, y_test = nl.datasets.train_test_split(X, y, test_size=0.2, rng=0)
    net = nl.MLP([64, 15, 10], activation="sigmoid", rng=0)
    history = fit(net, X_train, y_train, loss="mse", learning_rate=15.0, n_epochs=30,
                  batch_size=10, rng=0, validation_data=(X_test, y_test))
    assert accuracy(y_test, net.predict(X_test)) >= 0.94
    assert history.val_accuracy[-1] == accuracy(y_test, net.predict(X_test))


def test_softmax_cross_entropy_learns_moons_from_integer_labels():
    X, y = nl.datasets.moons(n_samples=200, noise=0.1, rng=0)
    net = nl.MLP([2, 16, 2], activation="tanh", output_activation="softmax", init="xavier",
                 rng=0)
    history = fit(net, X, y, loss="cross_entropy", optimizer="adam", learning_rate=0.02,
                  n_epochs=100, batch_size=20, rng=0)
    assert history.loss[-1] < 0.5 * history.loss[0]
    assert history.accuracy[-1] >= 0.95


def test_more_capacity_lowers_training_loss():
    X, y = cosine_regression()
    final = {}
    for hidden in (1, 16):
        history = fit(regression_net(hidden), X, y, optimizer="adam", learning_rate=0.01,
                      n_epochs=400, batch_size=30, rng=0)
        final[hidden] = history.loss[-1]
    assert final[16] < 0.5 * final[1]


# --- one epoch is exactly the lessons' update rule ----------------------------------------

def test_full_batch_epoch_is_one_gradient_step():
    X, y = nl.datasets.gender()
    net, twin = gender_net(), gender_net()
    dW, db = twin.gradients(X, y, loss="mse")
    for p, g in zip(twin.parameters(), dW + db, strict=True):
        p -= 0.1 * g                                      # w <- w - eta dL/dw
    # batch_size above n_samples means the whole set: one step per epoch
    fit(net, X, y, learning_rate=0.1, n_epochs=1, batch_size=100, shuffle=False)
    for p, q in zip(net.parameters(), twin.parameters(), strict=True):
        np.testing.assert_allclose(p, q, rtol=1e-12)


def test_shuffling_is_drawn_from_rng():
    X, y = nl.datasets.gender()
    net, twin = gender_net(), gender_net()
    fit(net, X, y, learning_rate=0.1, n_epochs=3, batch_size=1, rng=7)
    rng = np.random.default_rng(7)
    for _ in range(3):                                    # the same loop, written out
        for i in rng.permutation(4):
            dW, db = twin.gradients(X[i:i + 1], y[i:i + 1])
            for p, g in zip(twin.parameters(), dW + db, strict=True):
                p -= 0.1 * g
    for p, q in zip(net.parameters(), twin.parameters(), strict=True):
        np.testing.assert_allclose(p, q, rtol=1e-12)


def test_same_rng_same_result_and_different_rng_different_result():
    X, y = nl.datasets.gender()
    nets = [gender_net() for _ in range(3)]
    for net, seed in zip(nets, (1, 1, 2), strict=True):
        fit(net, X, y, learning_rate=0.1, n_epochs=5, batch_size=1, rng=seed)
    assert same_weights(nets[0], nets[1])
    assert not same_weights(nets[0], nets[2])


def test_the_callers_arrays_are_unchanged():
    X, y = nl.datasets.gender()
    y_column = y[:, None].copy()
    X_val, y_val = X[::-1].copy(), y[::-1].copy()
    copies = [a.copy() for a in (X, y_column, X_val, y_val)]
    fit(gender_net(), X, y_column, learning_rate=0.5, n_epochs=20, batch_size=2, rng=0,
        validation_data=(X_val, y_val), weight_decay=0.01, early_stopping=3)
    for original, copy in zip((X, y_column, X_val, y_val), copies, strict=True):
        np.testing.assert_array_equal(original, copy)


def test_an_optimizer_object_starts_afresh():
    X, y = nl.datasets.gender()
    used = nl.optim.Adam(learning_rate=0.05)
    used.step([np.zeros(1)], [np.ones(1)])               # leftover state from elsewhere
    a, b = gender_net(), gender_net()
    fit(a, X, y, optimizer=used, n_epochs=5, batch_size=2, rng=0)
    fit(b, X, y, optimizer="adam", learning_rate=0.05, n_epochs=5, batch_size=2, rng=0)
    assert same_weights(a, b)


# --- weight decay and early stopping ------------------------------------------------------

def test_weight_decay_shrinks_weights_and_leaves_biases_alone():
    X, _ = nl.datasets.gender()
    net = nl.MLP([2, 3, 1], activation="tanh", output_activation="identity", rng=0)
    y = net.forward(X)                 # a perfect fit: the loss gradient is exactly zero
    W_before, b_before = [W.copy() for W in net.weights], [b.copy() for b in net.biases]
    fit(net, X, y, learning_rate=0.1, n_epochs=1, batch_size=4, shuffle=False,
        weight_decay=0.5)
    # W <- W - eta * (0 + weight_decay * W) = (1 - 0.1 * 0.5) W = 0.95 W
    for W, W0 in zip(net.weights, W_before, strict=True):
        np.testing.assert_allclose(W, 0.95 * W0, rtol=1e-12)
    for b, b0 in zip(net.biases, b_before, strict=True):
        np.testing.assert_array_equal(b, b0)


def test_weight_decay_gives_smaller_weights_after_training():
    X, y = cosine_regression()
    norms = []
    for decay in (0.0, 0.05):
        net = regression_net(16)
        fit(net, X, y, optimizer="adam", learning_rate=0.01, n_epochs=200, batch_size=10,
            rng=0, weight_decay=decay)
        norms.append(sum(float(np.sum(W**2)) for W in net.weights))
    assert norms[1] < norms[0]


def test_early_stopping_stops_and_restores_the_best_weights():
    X, y = nl.datasets.gender()
    # the validation set says the opposite of the training set: learning makes it worse
    history = None
    net = gender_net()
    history = fit(net, X, y, learning_rate=0.1, n_epochs=500, batch_size=1, rng=0,
                  validation_data=(X, 1 - y), early_stopping=5)
    assert history.stopped_early
    assert history.epochs_run == history.best_epoch + 5 < 500
    assert len(history.val_loss) == len(history.loss) == history.epochs_run
    best = min(history.val_loss)
    assert history.val_loss[history.best_epoch - 1] == best
    assert net.loss(X, 1 - y) == pytest.approx(best, rel=1e-12)   # the best weights are back
    assert "stopped early" in repr(history)


def test_without_an_early_stop_the_network_ends_with_the_best_weights():
    X, y = nl.datasets.gender()
    net = gender_net()
    history = fit(net, X, y, learning_rate=0.1, n_epochs=30, batch_size=1, rng=0,
                  validation_data=(X, 1 - y), early_stopping=1000)
    assert not history.stopped_early and history.epochs_run == 30
    assert net.loss(X, 1 - y) == pytest.approx(min(history.val_loss), rel=1e-12)


def test_validation_without_early_stopping_records_the_best_epoch():
    X, y = nl.datasets.gender()
    history = fit(gender_net(), X, y, learning_rate=0.1, n_epochs=50, batch_size=1, rng=0,
                  validation_data=(X, y))
    assert history.best_epoch == 1 + int(np.argmin(history.val_loss))
    assert not history.stopped_early and history.epochs_run == 50


# --- divergence ----------------------------------------------------------------------------

def test_too_large_learning_rate_raises_divergence_error_naming_it():
    X, y = cosine_regression()
    net = regression_net()
    before = [p.copy() for p in net.parameters()]
    with warnings.catch_warnings():
        warnings.simplefilter("error")                   # one clear error, no overflow noise
        with pytest.raises(DivergenceError, match=r"learning_rate=10\b.*smaller.*"
                                                  r"learning_rate=1\b") as caught:
            fit(net, X, y, learning_rate=10.0, n_epochs=100, batch_size=5, rng=0)
    assert isinstance(caught.value, FloatingPointError)
    assert "nan" in str(caught.value) or "inf" in str(caught.value)
    for p, p0 in zip(net.parameters(), before, strict=True):   # put back as before fit
        np.testing.assert_array_equal(p, p0)
    fit(net, X, y, learning_rate=0.5, n_epochs=5, batch_size=5, rng=0)   # and usable again


# --- History and accuracy ------------------------------------------------------------------

def test_history_lists_repr_and_as_dict():
    X, y = nl.datasets.gender()
    history = fit(gender_net(), X, y, learning_rate=0.1, n_epochs=4, batch_size=2, rng=0,
                  validation_data=(X, y))
    assert isinstance(history, History)
    for name in ("loss", "val_loss", "accuracy", "val_accuracy"):
        assert len(getattr(history, name)) == 4
        assert all(isinstance(v, float) for v in getattr(history, name))
    d = history.as_dict()
    assert set(d) == {"loss", "val_loss", "accuracy", "val_accuracy", "epochs_run",
                      "best_epoch", "stopped_early"}
    d["loss"].append(0.0)
    assert len(history.loss) == 4                        # as_dict copies
    text = repr(history)
    assert text.startswith("History(epochs_run=4, loss=") and len(text) < 120
    assert text.count("\n") == 0


def test_accuracy_is_recorded_only_for_classifier_outputs():
    X, y = cosine_regression()
    history = fit(regression_net(), X, y, learning_rate=0.1, n_epochs=2, rng=0)
    assert history.accuracy == [] and history.val_accuracy == [] and len(history.loss) == 2


# --- progress (the line itself is tested in test_progress.py) ---------------------------

def test_no_progress_prints_nothing(capsys):
    X, y = nl.datasets.gender()
    fit(gender_net(), X, y, learning_rate=0.1, n_epochs=5, batch_size=1, rng=0)
    assert capsys.readouterr() == ("", "")


def test_progress_line_text():
    history = History()
    history.loss, history.val_loss, history.epochs_run = [0.5, 0.25], [0.5, 0.3], 2
    assert training._progress_line(history, 10) == "epoch 2/10  loss=0.25  val_loss=0.3"


# --- bad input ---------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, error, message", [
    ({"n_epochs": 0}, ValueError, "n_epochs must be an integer >= 1, got 0"),
    ({"n_epochs": 2.5}, TypeError, "n_epochs must be an integer, got 2.5"),
    ({"batch_size": 0}, ValueError, "batch_size must be an integer >= 1, got 0"),
    ({"learning_rate": -0.1}, ValueError, "learning_rate must be > 0, got -0.1"),
    ({"learning_rate": 0}, ValueError, "learning_rate must be > 0, got 0"),
    ({"weight_decay": -1.0}, ValueError, "weight_decay must be >= 0, got -1.0"),
    ({"early_stopping": 3}, ValueError, r"early_stopping=3 needs validation_data=\(X_val, "
                                        r"y_val\)"),
    ({"early_stopping": 0, "validation_data": "ok"}, ValueError,
     "early_stopping must be an integer >= 1, got 0"),
    ({"optimizer": "adamm"}, ValueError, "optimizer must be one of 'sgd', 'momentum'"),
    ({"loss": "mae"}, ValueError, "loss must be one of 'mse'"),
    ({"optimizer": nl.optim.SGD(), "learning_rate": 0.1}, ValueError, "already an object"),
    ({"shuffle": "yes"}, TypeError, "shuffle must be True or False, got 'yes'"),
    ({"progress": 1}, TypeError, "progress must be True or False, got 1"),
    ({"validation_data": [[1, 2]]}, TypeError, r"validation_data must be a pair \(X_val, "
                                               r"y_val\)"),
    ({"validation_data": ([[1, 2, 3]], [1])}, ValueError, r"validation_data: layer 1 expects "
                                                          r"inputs with 2 features, got X_val "
                                                          r"with shape \(1, 3\)"),
    ({"validation_data": ([[1, 2]], [1, 0])}, ValueError, "validation_data: X_val and its "
                                                          "targets must have the same number"),
])
def test_bad_arguments_are_named(kwargs, error, message):
    X, y = nl.datasets.gender()
    if kwargs.get("validation_data") == "ok":
        kwargs["validation_data"] = (X, y)
    with pytest.raises(error, match=message):
        fit(gender_net(), X, y, **kwargs)


def test_bad_data_is_named():
    X, y = nl.datasets.gender()
    net = gender_net()
    with pytest.raises(ValueError, match=r"X and its targets must have the same number of "
                                         r"samples, got 4 rows and 3 targets"):
        fit(net, X, y[:3])
    with pytest.raises(ValueError, match=r"layer 1 expects inputs with 2 features, got X with "
                                         r"shape \(4, 3\)"):
        fit(net, np.ones((4, 3)), y)
    with pytest.raises(ValueError, match=r"X must be a 2-D array .* got shape \(4,\); for one "
                                         r"feature per sample use X.reshape\(-1, 1\)"):
        fit(nl.MLP([1, 1]), X[:, 0], y)
    with pytest.raises(ValueError, match="X must contain only finite numbers, got nan"):
        fit(net, [[np.nan, 1.0]], [1.0])
    with pytest.raises(ValueError, match="at least one sample"):
        fit(net, np.ones((0, 2)), np.ones(0))
    with pytest.raises(TypeError, match="net must be an MLP, got Neuron"):
        fit(nl.Neuron([0, 1], 4), X, y)
    with pytest.raises(ValueError, match="loss='cross_entropy' needs probabilities from the "
                                         "output layer: use output_activation='softmax', "
                                         "not 'sigmoid'"):
        fit(nl.MLP([2, 3]), X, [0, 1, 2, 2], loss="cross_entropy")
    with pytest.raises(ValueError, match="use output_activation='sigmoid', not 'identity'"):
        fit(nl.MLP([2, 1], output_activation="identity"), X, y, loss="binary_cross_entropy")
    with pytest.raises(ValueError, match=r"labels must be in \[0, 3\), got 5"):
        fit(nl.MLP([2, 3], output_activation="softmax"), X, [0, 1, 5, 2],
            loss="cross_entropy")


def test_batch_size_above_n_samples_is_clipped():
    X, y = nl.datasets.gender()
    a, b = gender_net(), gender_net()
    fit(a, X, y, learning_rate=0.1, n_epochs=3, batch_size=1000, rng=0)
    fit(b, X, y, learning_rate=0.1, n_epochs=3, batch_size=4, rng=0)
    assert same_weights(a, b)


def test_train_epoch_is_one_epoch_of_fit_and_keeps_the_optimizer_state():
    X, y = nl.datasets.gender()
    a, b = nl.MLP([2, 3, 1], rng=4), nl.MLP([2, 3, 1], rng=4)
    nl.fit(a, X, y, optimizer="sgd", learning_rate=0.1, n_epochs=1, batch_size=2, rng=7)
    nl.training.train_epoch(b, X, y, nl.optim.SGD(0.1), batch_size=2, rng=7)
    for p, q in zip(a.parameters(), b.parameters(), strict=True):
        np.testing.assert_array_equal(p, q)

    optimizer = nl.optim.Momentum(learning_rate=0.1, momentum=0.9)
    rng = np.random.default_rng(0)
    nl.training.train_epoch(b, X, y, optimizer, batch_size=2, rng=rng)
    velocity = [state["velocity"].copy() for state in optimizer.state.values()]
    nl.training.train_epoch(b, X, y, optimizer, batch_size=2, rng=rng)
    assert optimizer.n_steps == 4                     # 2 batches per epoch, state carried over
    assert not any(np.array_equal(v, state["velocity"])
                   for v, state in zip(velocity, optimizer.state.values(), strict=True))


def test_train_epoch_rejects_bad_input():
    net = nl.MLP([2, 2, 1], rng=0)
    X, y = nl.datasets.gender()
    with pytest.raises(ValueError, match="batch_size must be an integer >= 1, got 0"):
        nl.training.train_epoch(net, X, y, nl.optim.SGD(0.1), batch_size=0)
    with pytest.raises(ValueError, match="layer 1 expects inputs with 2 features"):
        nl.training.train_epoch(net, X[:, :1], y, nl.optim.SGD(0.1))

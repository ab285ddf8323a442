"""Explorer: the training playground (lesson 08).

Pick a 2-D data set (XOR, circles, moons, spirals: ``nl.datasets.TOY_DATASETS``), the
hidden layers and neurons, the activation, the optimizer, the learning rate and the batch
size, then press Train (or Step for one epoch, Reset for fresh weights). The decision
boundary (the network's P(class 1) over the plane), the training and validation loss
curves and the network itself (line width |w|, blue w > 0, orange w < 0) update as it
trains. Training runs in a background thread, redrawing about ten times a second, so
the controls stay responsive; changing the learning rate or batch size takes effect at once,
changing the data or the architecture starts afresh.

Every network has one sigmoid output trained with binary cross-entropy; each epoch is
``nl.training.train_epoch``, the epoch of ``nl.fit`` (shuffle, mini-batches,
``MLP.gradients``, ``optimizer.step``), called with an optimizer that the playground keeps,
so that its state (velocities, Adam's moments) carries over from one epoch to the next while
the playground trains a few epochs at a time. Left out: regularization, noise and feature
controls.
"""

import numpy as np

from .._drawing import (
    CLASS_CMAP,
    CLASS_COLORS,
    draw_network,
    grid_points,
    lean_ticks,
    set_network_weights,
)
from .._validation import check_in, check_int, check_positive
from ..activations import ACTIVATIONS
from ..datasets import TOY_DATASETS
from ..model_selection import train_test_split
from ..network import MLP
from ..optim import OPTIMIZERS, get_optimizer
from ..training import train_epoch
from ._builder import Blueprint

__all__ = ["playground", "TrainingRun", "draw_playground", "playground_figure",
           "PLAYGROUND_ACTIVATIONS", "BATCH_SIZES"]

#: The hidden layers' activations: every registered one but softmax (an output activation).
PLAYGROUND_ACTIVATIONS = tuple(name for name in ACTIVATIONS if name != "softmax")
BATCH_SIZES = (1, 2, 4, 8, 16, 32, 64, 128)
RESOLUTION = 60
MAX_EPOCHS = 3000            # the Train button stops by itself here
FIGSIZE = (12.0, 4.2)
LOSS = "binary_cross_entropy"


class TrainingRun:
    """A data set, a network and its optimizer, trained a few epochs at a time.

    Parameters
    ----------
    dataset : str
        A key of ``nl.datasets.TOY_DATASETS`` (70% training, 30% validation points).
    hidden_layers, neurons : int
        The architecture [2, neurons, ..., neurons, 1] (0 hidden layers: logistic
        regression).
    activation, optimizer : str
    learning_rate : float
    batch_size : int
    rng : int
        Seeds the data, the weights (a new draw after every reset) and the shuffling.

    Attributes
    ----------
    net : MLP
    loss, val_loss : list of float, one per epoch
    epoch : int
    diverged : bool

    Examples
    --------
    >>> run = TrainingRun("xor", hidden_layers=1, neurons=4, learning_rate=0.05)
    >>> run.train(100)
    >>> run.epoch, bool(run.loss[-1] < run.loss[0])
    (100, True)
    """

    def __init__(self, dataset="xor", hidden_layers=1, neurons=4, activation="tanh",
                 optimizer="adam", learning_rate=0.03, batch_size=16, rng=0):
        self.seed, self.resets, self.settings = rng, 0, {}
        self.configure(dataset=dataset, hidden_layers=hidden_layers, neurons=neurons,
                       activation=activation, optimizer=optimizer,
                       learning_rate=learning_rate, batch_size=batch_size)

    def configure(self, **settings):
        """Apply new settings; the data and architecture start afresh, the rest carries on."""
        old, new = self.settings, {**self.settings, **settings}
        if old.get("dataset") != new["dataset"]:
            X, y = TOY_DATASETS[new["dataset"]](rng=self.seed)
            self.X, self.X_val, self.y, self.y_val = train_test_split(
                X, y, test_size=0.3, rng=self.seed)
            lo, hi = X.min(axis=0) - 0.3, X.max(axis=0) + 0.3
            self.extent = (lo[0], hi[0], lo[1], hi[1])
        self.settings = new
        keys = ("dataset", "hidden_layers", "neurons", "activation")
        if any(old.get(k) != new[k] for k in keys):
            self.reset(new_draw=False)
        elif old.get("optimizer") != new["optimizer"]:
            self.optimizer = get_optimizer(new["optimizer"], learning_rate=new["learning_rate"])
        self.optimizer.learning_rate = new["learning_rate"]

    def reset(self, new_draw=True):
        """Fresh weights (a new random draw when ``new_draw``), optimizer and history."""
        self.resets += new_draw
        s = self.settings
        rng = np.random.default_rng([self.seed, self.resets])
        sizes = [2] + [s["neurons"]] * s["hidden_layers"] + [1]
        init = "he" if s["activation"] in ("relu", "leaky_relu") else "xavier"
        self.net = MLP(sizes, activation=s["activation"], output_activation="sigmoid",
                       init=init, rng=rng)
        self.shuffle_rng = rng
        self.optimizer = get_optimizer(s["optimizer"], learning_rate=s["learning_rate"])
        self.loss, self.val_loss, self.epoch, self.diverged = [], [], 0, False

    def train(self, n_epochs=1):
        """Train ``n_epochs`` epochs (none once diverged)."""
        X, y, batch = self.X, self.y, self.settings["batch_size"]
        params = self.net.parameters()
        with np.errstate(all="ignore"):            # divergence is detected below
            for _ in range(n_epochs):
                if self.diverged:
                    return
                train_epoch(self.net, X, y, self.optimizer, loss=LOSS, batch_size=batch,
                            rng=self.shuffle_rng)
                self.epoch += 1
                self.diverged = not all(np.isfinite(p).all() for p in params)
                if not self.diverged:
                    self.loss.append(self.net.loss(X, y, loss=LOSS))
                    self.val_loss.append(self.net.loss(self.X_val, self.y_val, loss=LOSS))

    def boundary(self, resolution=RESOLUTION):
        """P(class 1) on a grid over the data, shape (resolution, resolution), row 0 at
        the bottom."""
        points = grid_points(self.extent[:2], self.extent[2:], resolution)
        with np.errstate(all="ignore"):
            return self.net.forward(points)[:, 0].reshape(resolution, resolution)

    def status(self):
        """One line: epoch, losses and validation accuracy."""
        if self.diverged:
            return (f"epoch {self.epoch}: diverged (nan/inf weights); lower the learning "
                    "rate and press Reset")
        if not self.loss:
            return "epoch 0: press Train or Step"
        accuracy = float(np.mean(self.net.predict(self.X_val) == self.y_val))
        return (f"epoch {self.epoch}: training loss {self.loss[-1]:.4f}, validation loss "
                f"{self.val_loss[-1]:.4f}, validation accuracy {accuracy:.0%}")


def _points(ax, X, y, hollow):
    colors = np.array(CLASS_COLORS[:2])[np.asarray(y, dtype=int)]
    if hollow:
        return ax.scatter(*X.T, s=22, facecolors="white", edgecolors=colors, linewidths=1.3)
    return ax.scatter(*X.T, s=18, c=colors, edgecolors="k", linewidths=0.4)


def draw_playground(axes, run, artists=None):
    """Draw (first call) or update in place the boundary, loss and network panels.

    Returns
    -------
    dict of artists: "image", "train", "val" (the points), "loss", "val_loss" (Line2D),
    "network" (see ``plots.draw_network``)
    """
    boundary_ax, loss_ax, net_ax = axes
    if artists is None:
        artists = {"image": boundary_ax.imshow(
            run.boundary(), origin="lower", cmap=CLASS_CMAP, vmin=0, vmax=1, alpha=0.6,
            aspect="auto", interpolation="bilinear"), "dataset": None, "sizes": None}
        (artists["loss"],) = loss_ax.plot([], [], lw=2, label="training")
        (artists["val_loss"],) = loss_ax.plot([], [], lw=2, label="validation")
        loss_ax.set(xlabel="epoch", ylabel="loss (binary cross-entropy)")
        loss_ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.15), ncol=2, fontsize=9,
                       frameon=False)
        boundary_ax.set(xlabel="$x_1$", ylabel="$x_2$")
        lean_ticks(boundary_ax, loss_ax)
    if artists["dataset"] != run.settings["dataset"]:        # new data: new points
        for key in ("train", "val"):
            if key in artists:
                artists[key].remove()
        artists["train"] = _points(boundary_ax, run.X, run.y, hollow=False)
        artists["val"] = _points(boundary_ax, run.X_val, run.y_val, hollow=True)
        artists["image"].set_extent(run.extent)
        boundary_ax.set(xlim=run.extent[:2], ylim=run.extent[2:])
        artists["dataset"] = run.settings["dataset"]
    if artists["sizes"] != run.net.layer_sizes:              # new architecture: redraw it
        if artists.get("network"):
            for artist in [artists["network"]["edges"], artists["network"]["nodes"],
                           *artists["network"]["texts"]]:
                artist.remove()
        artists["network"] = draw_network(net_ax, run.net.layer_sizes, max_nodes=8)
        artists["sizes"] = run.net.layer_sizes
    if not run.diverged:
        artists["image"].set_data(run.boundary())
        set_network_weights(artists["network"], run.net.weights)
    epochs = np.arange(1, len(run.loss) + 1)
    artists["loss"].set_data(epochs, run.loss)
    artists["val_loss"].set_data(epochs, run.val_loss)
    if run.loss:
        both = np.r_[run.loss, run.val_loss]
        loss_ax.set(xlim=(0, max(10, len(run.loss))), ylim=(0, both.max() * 1.08))
    boundary_ax.set_title(f"{run.settings['dataset']}: P(class 1), filled = training, "
                          "hollow = validation", fontsize=9)
    loss_ax.set_title(f"epoch {run.epoch}", fontsize=10)
    net_ax.set_title(f"{run.settings['activation']}, {run.settings['optimizer']} "
                     f"(lr {run.settings['learning_rate']:.3g}, batch "
                     f"{run.settings['batch_size']})", fontsize=9)
    return artists


def _check(dataset, hidden_layers, neurons, activation, optimizer, learning_rate, batch_size):
    return {"dataset": check_in(dataset, "dataset", list(TOY_DATASETS)),
            "hidden_layers": check_int(hidden_layers, "hidden_layers", minimum=0, maximum=6),
            "neurons": check_int(neurons, "neurons", minimum=1, maximum=16),
            "activation": check_in(activation, "activation", PLAYGROUND_ACTIVATIONS),
            "optimizer": check_in(optimizer, "optimizer", list(OPTIMIZERS)),
            "learning_rate": check_positive(learning_rate, "learning_rate"),
            "batch_size": check_in(batch_size, "batch_size", BATCH_SIZES)}


def _trained_run(dataset, hidden_layers, neurons, activation, optimizer, learning_rate,
                 batch_size, n_epochs=100):
    run = TrainingRun(dataset, hidden_layers, neurons, activation, optimizer, learning_rate,
                      batch_size)
    run.train(n_epochs)
    return run


BLUEPRINT = Blueprint("playground", FIGSIZE, _trained_run, draw_playground, panels=(1, 3),
                      width_ratios=(1, 1.1, 1.2))


def playground_figure(dataset="xor", hidden_layers=1, neurons=4, activation="tanh",
                      optimizer="adam", learning_rate=0.03, batch_size=16, n_epochs=100):
    """The playground after ``n_epochs`` epochs, as a plain matplotlib Figure.

    Examples
    --------
    >>> fig = playground_figure(n_epochs=5)
    >>> len(fig.axes[1].get_lines()[0].get_ydata())
    5
    """
    values = _check(dataset, hidden_layers, neurons, activation, optimizer, learning_rate,
                    batch_size)
    return BLUEPRINT.figure({**values, "n_epochs": check_int(n_epochs, "n_epochs", minimum=0)})


def _controls(values):
    from ._wiring import dropdown, int_slider, log_slider

    return {
        "dataset": dropdown("data", list(TOY_DATASETS), values["dataset"]),
        "hidden_layers": int_slider("hidden layers", values["hidden_layers"], 0,
                                    max(4, values["hidden_layers"])),
        "neurons": int_slider("neurons", values["neurons"], 1, max(12, values["neurons"])),
        "activation": dropdown("activation", PLAYGROUND_ACTIVATIONS, values["activation"]),
        "optimizer": dropdown("optimizer", list(OPTIMIZERS), values["optimizer"]),
        "learning_rate": log_slider("learning rate", values["learning_rate"], -4, 0.5, 0.05),
        "batch_size": dropdown("batch size", BATCH_SIZES, values["batch_size"]),
    }


def playground(dataset="xor", hidden_layers=1, neurons=4, activation="tanh",
               optimizer="adam", learning_rate=0.03, batch_size=16, *, static=False,
               frame_interval=0.1):
    """Train a small network on a 2-D data set and watch it learn.

    Parameters
    ----------
    dataset : str
        A key of ``nl.datasets.TOY_DATASETS`` ("xor", "circles", "moons", "spirals").
    hidden_layers : int
        0 to 6 (the slider goes to 4).
    neurons : int
        Neurons per hidden layer, 1 to 16 (slider to 12).
    activation : str
        One of ``PLAYGROUND_ACTIVATIONS``.
    optimizer : str
        A key of ``nl.optim.OPTIMIZERS``.
    learning_rate : float
    batch_size : int
        One of ``BATCH_SIZES``.
    static : bool, default False
        Return a plain matplotlib Figure (after 100 epochs) instead of the widget.
    frame_interval : float, default 0.1
        While training, seconds between two pictures (0: a picture after every epoch).

    Returns
    -------
    Explorer (an ipywidgets VBox; ``.run`` is its TrainingRun) or matplotlib Figure
    """
    values = _check(dataset, hidden_layers, neurons, activation, optimizer, learning_rate,
                    batch_size)
    frame_interval = check_positive(frame_interval, "frame_interval", allow_zero=True)
    if static:
        return BLUEPRINT.figure(values)
    from ._wiring import training_controls

    run, buttons = TrainingRun(**values), training_controls()

    def configured(**settings):              # the controls' values reach the run
        run.configure(**settings)
        buttons.status.value = run.status()
        return run

    widget = BLUEPRINT.build(values, static=False, controls=_controls, extra=[buttons],
                             data=configured)
    widget.run = run
    buttons.connect(widget, run, lambda: draw_playground(widget.axes, run, widget.artists),
                    frame_interval=frame_interval, max_epochs=MAX_EPOCHS)
    return widget

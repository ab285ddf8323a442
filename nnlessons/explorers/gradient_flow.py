"""Explorer: vanishing gradients and dead ReLUs in a deep network (lesson 05).

A deep MLP (``depth`` hidden layers of ``width`` units, one identity output) is built with a
chosen activation and initialisation, fed random inputs and random targets, and
backpropagated once (``MLP.gradients``, MSE). The left panel shows the gradient norm
||dL/dW|| of every weight layer on a log scale. With sigmoid it shrinks layer after layer
going back towards the input, whatever the initialisation (vanishing gradients): every
layer multiplies the gradient by f'(z) <= 1/4, and the dashed line is that factor
compounded, 0.25^k times the last layer's norm k layers further back. Tanh saturates too:
with N(0, 1) weights its units sit at +-1 and the gradients swing wildly between layers,
with narrow layers they vanish, and with Xavier's scaling they keep their size. ReLU with
He's initialisation keeps them. The right panel shows, per hidden layer, the mean f'(z) (how
much of the gradient the layer lets through) and the fraction of dead units (f'(z) = 0 for
every input: a dead ReLU passes no gradient at all).

Left out: training (one backward pass at initialisation says it all), batch normalisation
and residual connections, the usual cures.
"""

import numpy as np

from .._drawing import lean_ticks
from .._validation import as_rng, check_in, check_int
from ..activations import ACTIVATIONS
from ..initializers import INITIALIZERS
from ..network import MLP
from ._builder import Blueprint

__all__ = ["saturation", "gradient_flow_data", "draw_gradient_flow", "saturation_figure",
           "SATURATION_ACTIVATIONS", "INITS", "WIDTHS"]

#: Every registered activation a hidden layer can use, but identity (nothing saturates).
SATURATION_ACTIVATIONS = tuple(name for name in ACTIVATIONS if name not in ("softmax",
                                                                            "identity"))
#: Every registered initialisation (``nnlessons.initializers.INITIALIZERS``).
INITS = tuple(INITIALIZERS)
WIDTHS = (4, 8, 16, 32, 64, 128)
N_SAMPLES = 64
FLOOR = 1e-30                   # log scale: an exact zero gradient is drawn here
FIGSIZE = (10.0, 4.3)


def gradient_flow_data(depth=10, activation="sigmoid", init="xavier", width=32,
                       n_samples=N_SAMPLES, rng=0):
    """Per-layer gradient norms, mean derivatives and dead units of a deep MLP.

    Parameters
    ----------
    depth : int
        Number of hidden layers (the network has ``depth + 1`` weight layers).
    activation : str
        The hidden layers' activation.
    init : str
        A key of ``INITS`` (``nnlessons.initializers.INITIALIZERS``).
    width : int
        Units per hidden layer (and input features).
    n_samples : int
        Random inputs X ~ N(0, 1) of shape (n_samples, width), targets y ~ N(0, 1).
    rng : int or Generator

    Returns
    -------
    dict with "layer" (1 .. depth + 1), "grad_norm" (||dL/dW[l]||, shape (depth + 1,)),
    "bound" (shape (depth + 1,)), "mean_derivative" and "dead_fraction" (shape (depth,),
    per hidden layer) and "dead_overall".

    Examples
    --------
    >>> d = gradient_flow_data(depth=6, activation="sigmoid", init="xavier", width=16)
    >>> bool(d["grad_norm"][0] < d["grad_norm"][-1] / 100)   # vanished near the input
    True
    >>> bool(np.all(d["mean_derivative"] <= 0.25))
    True
    """
    depth = check_int(depth, "depth", minimum=1)
    width = check_int(width, "width", minimum=1)
    check_in(activation, "activation", SATURATION_ACTIVATIONS)
    rng = as_rng(rng)
    net = MLP([width] * (depth + 1) + [1], activation=activation, output_activation="identity",
              init=init, rng=rng)
    X = rng.standard_normal((n_samples, width))
    y = rng.standard_normal((n_samples, 1))
    dW, _ = net.gradients(X, y, loss="mse")
    grad_norm = np.array([np.linalg.norm(g) for g in dW])
    zs, _ = net.trace(X)
    derivative = [net.activation.derivative(z) for z in zs[:-1]]        # hidden layers
    mean_derivative = np.array([d.mean() for d in derivative])
    dead = np.array([np.mean(np.all(d == 0, axis=0)) for d in derivative])
    k = np.arange(depth, -1, -1)                                         # layers above
    return {"layer": np.arange(1, depth + 2), "grad_norm": grad_norm,
            "bound": grad_norm[-1] * 0.25 ** k, "mean_derivative": mean_derivative,
            "dead_fraction": dead, "dead_overall": float(dead.mean()),
            "activation": activation, "init": init, "depth": depth, "width": width}


def draw_gradient_flow(axes, data, artists=None):
    """Draw (first call) or update in place both panels.

    Parameters
    ----------
    axes : pair of matplotlib Axes (gradient norms, derivatives and dead units)

    Returns
    -------
    dict of artists: "norm", "bound", "derivative", "dead"
    """
    left, right = axes
    if artists is None:
        (norm,) = left.plot([], [], "o-", color="#1f77b4", lw=2, ms=4, label="||dL/dW||")
        (bound,) = left.plot([], [], "--", color="0.35", lw=1.5,
                             label="0.25^k: sigmoid's f' <= 1/4 compounded")
        left.set(yscale="log", xlabel="weight layer (1 = next to the input)",
                 ylabel="gradient norm (log scale)")
        (derivative,) = right.plot([], [], "o-", color="#2ca02c", lw=2, ms=4,
                                   label="mean f'(z)")
        (dead,) = right.plot([], [], "s-", color="#d62728", lw=2, ms=4,
                             label="fraction of dead units")
        right.axhline(0.25, color="0.35", ls="--", lw=1, label="f' <= 0.25 (sigmoid)")
        right.set(ylim=(-0.03, 1.05), xlabel="hidden layer", ylabel="fraction / derivative")
        right.legend(loc="upper center", bbox_to_anchor=(0.5, -0.15), ncol=2, fontsize=9,
                     frameon=False)
        lean_ticks(left, right, integer=True)
        artists = {"norm": norm, "bound": bound, "derivative": derivative, "dead": dead}
    layer, hidden = data["layer"], data["layer"][:-1]
    norm = np.maximum(data["grad_norm"], FLOOR)
    artists["norm"].set_data(layer, norm)
    sigmoid = data["activation"] == "sigmoid"
    artists["bound"].set_data(layer, np.maximum(data["bound"], FLOOR))
    artists["bound"].set_visible(sigmoid)
    if artists.get("legend_for") != sigmoid:            # legend lists only what is shown
        handles = [artists["norm"], artists["bound"]] if sigmoid else [artists["norm"]]
        left.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.15),
                    ncol=2, fontsize=9, frameon=False)
        artists["legend_for"] = sigmoid
    artists["derivative"].set_data(hidden, data["mean_derivative"])
    artists["dead"].set_data(hidden, data["dead_fraction"])
    shown = np.r_[norm, np.maximum(data["bound"], FLOOR)] if sigmoid else norm
    left.set_ylim(shown.min() / 3, shown.max() * 3)
    for ax in axes:
        ax.set_xlim(0.5, layer[-1] + 0.5)
    ratio = norm[0] / norm[-1]
    verdict = "vanishing" if ratio < 1e-2 else "exploding" if ratio > 1e2 else "kept"
    summary = (f"first / last layer = {ratio:.1e} ({verdict})" if data["grad_norm"].any()
               else "every gradient is 0")              # e.g. all-zero weights
    left.set_title(f"{data['activation']}, {data['init']} init, width {data['width']}: "
                   f"{summary}", fontsize=10)
    right.set_title(f"dead units: {data['dead_overall']:.0%} of all hidden units",
                    fontsize=10)
    return artists


def _check(depth, activation, init, width):
    return {"depth": check_int(depth, "depth", minimum=1, maximum=60),
            "activation": check_in(activation, "activation", SATURATION_ACTIVATIONS),
            "init": check_in(init, "init", INITS),
            "width": check_in(width, "width", WIDTHS)}


BLUEPRINT = Blueprint("saturation", FIGSIZE, gradient_flow_data, draw_gradient_flow,
                      panels=(1, 2), width_ratios=(1.25, 1))


def saturation_figure(depth=10, activation="sigmoid", init="xavier", width=32):
    """The saturation explorer's picture as a plain matplotlib Figure.

    Examples
    --------
    >>> fig = saturation_figure(depth=4)
    >>> len(fig.axes[0].get_lines()[0].get_ydata())
    5
    """
    return BLUEPRINT.figure(_check(depth, activation, init, width))


def _controls(values):
    import ipywidgets as widgets

    from ._wiring import dropdown, int_slider

    return {
        "depth": int_slider("depth (hidden layers)", values["depth"], 1,
                            max(40, values["depth"])),
        "activation": dropdown("activation", SATURATION_ACTIVATIONS, values["activation"]),
        "init": dropdown("init", INITS, values["init"]),
        "width": widgets.SelectionSlider(options=WIDTHS, value=values["width"],
                                         description="width",
                                         style={"description_width": "initial"}),
    }


def saturation(depth=10, activation="sigmoid", init="xavier", width=32, *, static=False):
    """Explore vanishing gradients: depth, activation, initialisation and width.

    Parameters
    ----------
    depth : int
        Hidden layers (1 to 60; the slider goes to 40).
    activation : str
        One of ``SATURATION_ACTIVATIONS`` (sigmoid, tanh, relu, leaky_relu).
    init : str
        One of ``INITS``, every registered initialisation: "normal" is N(0, 1) for weights
        and biases (the classic choice), "xavier" and "he" scale them to the layer's size,
        "zeros" starts every unit of a layer alike.
    width : int
        Units per hidden layer, one of ``WIDTHS``.
    static : bool, default False
        Return a plain matplotlib Figure instead of the widget.

    Returns
    -------
    Explorer (an ipywidgets VBox) or matplotlib Figure
    """
    return BLUEPRINT.build(_check(depth, activation, init, width), static=static,
                           controls=_controls)

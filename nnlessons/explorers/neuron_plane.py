"""Explorer: one neuron over the input plane (lesson 01).

The lessons' 2-input neuron ``y = f(w1 x1 + w2 x2 + b)``: sliders for w1, w2, b and a choice
of activation. The picture shows the output at every point of the plane as colours, the
line where the output is 0.5 (always a straight line: w1 x1 + w2 x2 + b = z* with
f(z*) = 0.5, the neuron's decision boundary), and the lessons' example input x = [2, 3] with
its output (0.999 for w = [0, 1], b = 4).

Left out: more than two inputs, and softmax (it needs several outputs).
"""

import numpy as np

from .._drawing import grid_points, lean_ticks
from .._validation import as_float_array, check_in
from ..activations import ACTIVATIONS
from ..network import Neuron
from ._builder import Blueprint

__all__ = ["neuron", "neuron_surface", "level_line", "neuron_data", "draw_neuron",
           "neuron_figure", "NEURON_ACTIVATIONS"]

#: The activations a single output neuron can use: every registered one but softmax, which
#: needs several outputs.
NEURON_ACTIVATIONS = tuple(name for name in ACTIVATIONS if name != "softmax")
EXTENT = (-5.0, 5.0, -5.0, 5.0)
RESOLUTION = 161
EXAMPLE_X = (2.0, 3.0)
FIGSIZE = (5.8, 4.6)


def neuron_surface(w1, w2, b, activation="sigmoid", extent=EXTENT, resolution=RESOLUTION):
    """The neuron's output at every point of a grid over the plane.

    Returns
    -------
    A : ndarray of shape (resolution, resolution)
        ``A[i, j]`` is the output at x1 = the j-th grid value, x2 = the i-th one (row 0 at
        the bottom, as ``imshow(origin="lower")`` draws it).

    Examples
    --------
    >>> A = neuron_surface(0, 1, 4, extent=(-1, 1, -1, 1), resolution=3)
    >>> np.round(A[:, 0], 3)            # x2 = -1, 0, 1: sigmoid(3), sigmoid(4), sigmoid(5)
    array([0.953, 0.982, 0.993])
    """
    points = grid_points(extent[:2], extent[2:], resolution)          # (resolution**2, 2)
    return Neuron([w1, w2], b, activation).feedforward(points).reshape(resolution, resolution)


def _solve(f, level, lo=-60.0, hi=60.0):
    """z with f(z) = level for a non-decreasing f, by bisection; None when there is none."""
    if not f(lo) < level < f(hi):
        return None
    for _ in range(80):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if f(mid) < level else (lo, mid)
    return 0.5 * (lo + hi)


def level_line(w1, w2, b, activation="sigmoid", level=0.5, extent=EXTENT):
    """The line where the neuron's output equals ``level``: w1 x1 + w2 x2 + b = z*.

    Returns
    -------
    x1, x2 : ndarray of shape (2,)
        Two points of the line, at the box's edges; empty arrays when the output never
        equals ``level`` (or w1 = w2 = 0).

    Examples
    --------
    >>> x1, x2 = level_line(0, 1, 4, extent=(-5, 5, -5, 5))   # sigmoid(x2 + 4) = 0.5
    >>> x1.tolist(), x2.tolist()
    ([-5.0, 5.0], [-4.0, -4.0])
    """
    neuron = Neuron([1.0], 0.0, activation)
    z_star = _solve(lambda z: float(neuron.feedforward([z])), level)
    if z_star is None or (w1 == 0 and w2 == 0):
        return np.empty(0), np.empty(0)
    if abs(w2) >= abs(w1):
        x1 = np.array(extent[:2], dtype=float)
        return x1, (z_star - b - w1 * x1) / w2
    x2 = np.array(extent[2:], dtype=float)
    return (z_star - b - w2 * x2) / w1, x2


def neuron_data(w1, w2, b, activation="sigmoid"):
    """Everything the neuron explorer draws, as a dict of arrays and numbers.

    Examples
    --------
    >>> d = neuron_data(0, 1, 4)
    >>> d["surface"].shape, round(d["example_y"], 5)
    ((161, 161), 0.99909)
    """
    surface = neuron_surface(w1, w2, b, activation)
    x1, x2 = level_line(w1, w2, b, activation)
    y = float(Neuron([w1, w2], b, activation).feedforward(list(EXAMPLE_X)))
    lo, hi = Neuron([1.0], 0.0, activation).activation.bounds
    if not (np.isfinite(lo) and np.isfinite(hi)):
        lo, hi = float(surface.min()), float(surface.max())
        hi = hi if hi > lo else lo + 1.0
    return {"w1": w1, "w2": w2, "b": b, "activation": activation, "surface": surface,
            "line_x1": x1, "line_x2": x2, "example_y": y, "clim": (lo, hi)}


def draw_neuron(ax, data, artists=None):
    """Draw (first call) or update in place (later calls) the neuron picture on ``ax``.

    Returns
    -------
    dict of artists: "image", "line", "point", "label", "colorbar"
    """
    if artists is None:
        image = ax.imshow(data["surface"], origin="lower", extent=EXTENT, cmap="viridis",
                          interpolation="nearest")
        colorbar = ax.figure.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
        colorbar.set_label("neuron output y")
        lean_ticks(ax, colorbar.ax)
        from matplotlib import patheffects

        outline = [patheffects.Stroke(linewidth=3.5, foreground="0.15"), patheffects.Normal()]
        (line,) = ax.plot([], [], "--", color="white", lw=2, label="y = 0.5",
                          path_effects=outline)
        (point,) = ax.plot(*EXAMPLE_X, "o", ms=9, color="#d62728", mec="white", mew=1.5,
                           label="x = [2, 3]")
        label = ax.annotate("", EXAMPLE_X, xytext=(8, 8), textcoords="offset points",
                            fontsize=10, bbox={"boxstyle": "round", "fc": "white", "alpha": 0.85})
        ax.set(xlim=EXTENT[:2], ylim=EXTENT[2:], xlabel="$x_1$", ylabel="$x_2$")
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=2, fontsize=9,
                  frameon=False)
        artists = {"image": image, "line": line, "point": point, "label": label,
                   "colorbar": colorbar}
    artists["image"].set_data(data["surface"])
    artists["image"].set_clim(*data["clim"])
    artists["line"].set_data(data["line_x1"], data["line_x2"])
    artists["label"].set_text(f"x = [2, 3]\ny = {data['example_y']:.3f}")
    ax.set_title(f"y = {data['activation']}({data['w1']:.1f} x1 + {data['w2']:.1f} x2 "
                 f"+ {data['b']:.1f})", fontsize=11)          # ASCII: 3x faster to draw
    return artists


def _check(w1, w2, b, activation):
    w1, w2, b = (float(v) for v in as_float_array([w1, w2, b], "w1, w2, b", ndim=1))
    return {"w1": w1, "w2": w2, "b": b,
            "activation": check_in(activation, "activation", NEURON_ACTIVATIONS)}


def _layout(fig):
    """Fit the margins once, leaving room for wider colorbar labels (e.g. -0.75)."""
    fig.tight_layout()
    fig.subplots_adjust(right=fig.subplotpars.right - 0.03)


BLUEPRINT = Blueprint("neuron", FIGSIZE, neuron_data, draw_neuron, arrange=_layout)


def neuron_figure(w1=0.0, w2=1.0, b=4.0, activation="sigmoid"):
    """The neuron explorer's picture as a plain matplotlib Figure (for nbviewer, PDF).

    Examples
    --------
    >>> fig = neuron_figure()
    >>> fig.axes[0].images[0].get_array().shape
    (161, 161)
    """
    return BLUEPRINT.figure(_check(w1, w2, b, activation))


def _controls(values):
    from ._wiring import dropdown, slider

    controls = {name: slider(name, values[name], min(-5.0, values[name]),
                             max(5.0, values[name])) for name in ("w1", "w2", "b")}
    controls["activation"] = dropdown("activation", NEURON_ACTIVATIONS, values["activation"])
    return controls


def neuron(w1=0.0, w2=1.0, b=4.0, activation="sigmoid", *, static=False):
    """Explore one neuron: sliders for w1, w2, b and the activation.

    Parameters
    ----------
    w1, w2, b : float
        Initial weights and bias (the lessons' example: w = [0, 1], b = 4).
    activation : str
        One of ``NEURON_ACTIVATIONS``.
    static : bool, default False
        Return a plain matplotlib Figure instead of the widget.

    Returns
    -------
    Explorer (an ipywidgets VBox) or matplotlib Figure
    """
    return BLUEPRINT.build(_check(w1, w2, b, activation), static=static, controls=_controls)

"""Explorer: gradient descent, step by step (lesson 06).

Left, a 1-D loss f(w) = w^4/4 - w^2 + w/4 with a global minimum (w ~ -1.47) and a
local one (w ~ 1.35); right, a 2-D loss surface (``surfaces.SURFACES``). The learning-rate
and step sliders move both: a small learning rate crawls, a larger one overshoots and
zig-zags, a too large one diverges, and a start on the right of the 1-D loss stays trapped
in the local minimum. Every step is ``nl.optim.SGD``: w <- w - learning_rate * f'(w).

Left out: momentum and the adaptive optimizers (see ``optimizer_race``) and noisy gradients.
"""

import numpy as np

from .._drawing import lean_ticks
from .._validation import check_in, check_int, check_positive
from ._builder import Blueprint
from .surfaces import SURFACES, draw_surface, optimizer_path

__all__ = ["gradient_descent", "loss_1d", "loss_1d_gradient", "descent_data",
           "draw_descent", "descent_figure", "MINIMA_1D"]

W_RANGE = (-2.6, 2.6)
FIGSIZE = (9.6, 4.0)


def loss_1d(w):
    """The 1-D loss f(w) = w^4/4 - w^2 + w/4 (elementwise).

    Examples
    --------
    >>> float(loss_1d(0.0)), float(loss_1d(2.0))
    (0.0, 0.5)
    """
    w = np.asarray(w, dtype=float)
    return w**4 / 4 - w**2 + w / 4


def loss_1d_gradient(w):
    """f'(w) = w^3 - 2 w + 1/4.

    Examples
    --------
    >>> float(loss_1d_gradient(2.0))
    4.25
    """
    w = np.asarray(w, dtype=float)
    return w**3 - 2 * w + 0.25


_roots = np.sort(np.roots([1.0, 0.0, -2.0, 0.25]).real)
#: The 1-D loss's minima: (global, local).
MINIMA_1D = (float(_roots[0]), float(_roots[2]))


def _status_1d(path, diverged):
    w = float(path[-1, 0])
    if diverged:
        return f"diverged after {len(path) - 1} steps"
    for m, name in zip(MINIMA_1D, ("global", "local"), strict=True):
        if abs(w - m) < 0.02:
            return f"w = {w:.3f}: {name} minimum" + (" (trapped)" if name == "local" else "")
    return f"w = {w:.3f}, f'(w) = {float(loss_1d_gradient(w)):.3f}: still moving"


def descent_data(learning_rate=0.1, n_steps=20, w0=2.0, surface="ravine"):
    """Both gradient-descent paths for the given settings.

    Returns
    -------
    dict with "path_1d" (ndarray of shape (n + 1, 1)), "loss_1d" (shape (n + 1,)),
    "path_2d" (shape (m + 1, 2)), "loss_2d" (shape (m + 1,)), "diverged_1d", "diverged_2d",
    "status_1d", "status_2d" (n, m <= n_steps: a diverged path stops).

    Examples
    --------
    >>> d = descent_data(0.1, 50, w0=2.0)
    >>> d["status_1d"]
    'w = 1.347: local minimum (trapped)'
    >>> descent_data(0.1, 50, w0=-0.5)["status_1d"]
    'w = -1.473: global minimum'
    >>> descent_data(1.0, 50, w0=2.0)["status_1d"]
    'diverged after 4 steps'
    """
    s = SURFACES[surface]
    path_1d, div_1d = optimizer_path(lambda w: (loss_1d_gradient(w),), [w0], "sgd",
                                     learning_rate, n_steps)
    path_2d, div_2d = optimizer_path(s.gradient, s.start, "sgd", learning_rate, n_steps)
    loss_2d = s(*path_2d.T)
    status_2d = (f"diverged after {len(path_2d) - 1} steps" if div_2d else
                 f"after {n_steps} steps: L - min = {loss_2d[-1] - s.min_value:.2e}")
    return {"learning_rate": learning_rate, "surface": surface,
            "path_1d": path_1d, "loss_1d": loss_1d(path_1d[:, 0]), "diverged_1d": div_1d,
            "path_2d": path_2d, "loss_2d": loss_2d, "diverged_2d": div_2d,
            "status_1d": _status_1d(path_1d, div_1d), "status_2d": status_2d}


def _path_artists(ax, color):
    (line,) = ax.plot([], [], "o-", color=color, ms=3.5, lw=1.4, zorder=5, label="path")
    (start,) = ax.plot([], [], "o", color="#2ca02c", ms=9, mec="k", zorder=6, label="start")
    (end,) = ax.plot([], [], "X", color="#d62728", ms=10, mec="k", zorder=6, label="end")
    status = ax.text(0.02, 0.97, "", transform=ax.transAxes, va="top", fontsize=9,
                     bbox={"boxstyle": "round", "fc": "white", "alpha": 0.85}, zorder=7)
    return {"line": line, "start": start, "end": end, "status": status}


def _set_path(a, x, y, status):
    a["line"].set_data(x, y)
    a["start"].set_data(x[:1], y[:1])
    a["end"].set_data(x[-1:], y[-1:])
    a["status"].set_text(status)


def draw_descent(axes, data, artists=None):
    """Draw (first call) or update in place the 1-D and 2-D panels.

    Parameters
    ----------
    axes : pair of matplotlib Axes (1-D loss, 2-D surface)

    Returns
    -------
    dict of artists: "path_1d", "path_2d" (dicts with "line", "start", "end", "status"),
    "surface" (see ``surfaces.draw_surface``)
    """
    left, right = axes
    if artists is None:
        w = np.linspace(*W_RANGE, 300)
        left.plot(w, loss_1d(w), color="0.3", lw=2)
        left.plot(MINIMA_1D, loss_1d(MINIMA_1D), "*", ms=14, color="gold", mec="k", zorder=4)
        left.set(xlim=W_RANGE, ylim=(-1.8, 3.2), xlabel="w", ylabel="f(w)")
        left.set_title("1-D: f(w) = w^4/4 - w^2 + w/4", fontsize=10)
        artists = {"path_1d": _path_artists(left, "#ff7f0e"), "surface": None,
                   "path_2d": _path_artists(right, "#ff7f0e")}
        handles = [artists["path_1d"]["start"], artists["path_1d"]["end"]]
        left.legend(handles=handles, loc="lower right", fontsize=8, framealpha=0.85)
        lean_ticks(left, right, nbins=4)
    surface = SURFACES[data["surface"]]
    artists["surface"] = draw_surface(right, surface, artists["surface"])
    right.set_title(f"2-D: {surface.title}", fontsize=10)
    path = data["path_1d"][:, 0]
    _set_path(artists["path_1d"], path, data["loss_1d"], data["status_1d"])
    _set_path(artists["path_2d"], *data["path_2d"].T, data["status_2d"])
    return artists


def _check(learning_rate, n_steps, w0, surface):
    return {"learning_rate": check_positive(learning_rate, "learning_rate"),
            "n_steps": check_int(n_steps, "n_steps", minimum=0, maximum=1000),
            "w0": float(w0), "surface": check_in(surface, "surface", list(SURFACES))}


BLUEPRINT = Blueprint("gradient_descent", FIGSIZE, descent_data, draw_descent, panels=(1, 2))


def descent_figure(learning_rate=0.1, n_steps=20, w0=2.0, surface="ravine"):
    """The gradient-descent explorer's picture as a plain matplotlib Figure.

    Examples
    --------
    >>> fig = descent_figure(n_steps=5)
    >>> fig.axes[0].get_lines()[2].get_xdata().shape        # the 1-D path: start + 5 steps
    (6,)
    """
    return BLUEPRINT.figure(_check(learning_rate, n_steps, w0, surface))


def _controls(values):
    from ._wiring import dropdown, int_slider, log_slider, slider

    return {
        "learning_rate": log_slider("learning rate", values["learning_rate"], -3, 0, 0.05),
        "n_steps": int_slider("steps", values["n_steps"], 1, max(100, values["n_steps"])),
        "w0": slider("start w0 (1-D)", values["w0"], min(-2.5, values["w0"]),
                     max(2.5, values["w0"]), 0.05),
        "surface": dropdown("surface (2-D)", [(s.replace("_", " "), s) for s in SURFACES],
                            values["surface"]),
    }


def gradient_descent(learning_rate=0.1, n_steps=20, w0=2.0, surface="ravine", *,
                     static=False):
    """Explore gradient descent on a 1-D loss and a 2-D surface.

    Parameters
    ----------
    learning_rate : float
        Initial learning rate (the slider spans 0.001 to 1, log scale).
    n_steps : int
        Initial number of steps (slider 1 to 100).
    w0 : float
        Start of the 1-D path (slider -2.5 to 2.5).
    surface : str
        A key of ``surfaces.SURFACES``.
    static : bool, default False
        Return a plain matplotlib Figure instead of the widget.

    Returns
    -------
    Explorer (an ipywidgets VBox) or matplotlib Figure
    """
    return BLUEPRINT.build(_check(learning_rate, n_steps, w0, surface), static=static,
                           controls=_controls)

"""Loss surfaces of two parameters, for watching optimizers walk (lessons 06 and 07).

A real network's loss has thousands of dimensions; these 2-D surfaces each show one shape
that makes optimization hard: a ravine (a long narrow valley: plain gradient descent
zig-zags across it), Rosenbrock's banana-shaped valley, a saddle point (a flat spot that is
not a minimum) and a landscape with several minima (where a start can get trapped). Each
surface comes with its gradient written out by hand, a start point and its minima; the
learning rates that suit each optimizer on it are the optimizer's (its class attribute
``race_learning_rates``). ``optimizer_path`` runs any optimizer of ``nl.optim`` on a surface.

Left out: noise in the gradient (the "stochastic" of SGD) and surfaces of more than two
parameters.
"""

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from .._validation import as_float_array, check_in, check_int
from ..optim import OPTIMIZERS, get_optimizer

__all__ = ["Surface", "SURFACES", "optimizer_path", "suggested_learning_rate",
           "surface_grid", "draw_surface"]

ESCAPE = 1e3          # a path farther than this from the origin has diverged


@dataclass(frozen=True)
class Surface:
    """A loss L(x, y) of two parameters with its gradient and what plots need.

    Attributes
    ----------
    name, title : str
    function : callable
        ``function(x, y)`` -> L, elementwise on arrays.
    gradient : callable
        ``gradient(x, y)`` -> (dL/dx, dL/dy).
    xlim, ylim : (float, float)
        The box to draw.
    start : (float, float)
    minima : tuple of (float, float)
        The minima (the first is the global one).
    min_value : float
        L at the global minimum.
    learning_rates : dict
        A learning rate that suits each optimizer of ``nl.optim.OPTIMIZERS`` here, read
        from the registry (see ``suggested_learning_rate``).
    """

    name: str
    title: str
    function: Callable = field(repr=False)
    gradient: Callable = field(repr=False)
    xlim: tuple
    ylim: tuple
    start: tuple
    minima: tuple
    min_value: float

    def __call__(self, x, y):
        return self.function(x, y)

    @property
    def learning_rates(self):
        return {name: suggested_learning_rate(name, self.name) for name in OPTIMIZERS}


def suggested_learning_rate(optimizer, surface):
    """A learning rate that suits ``optimizer`` on ``surface``: the optimizer class's
    ``race_learning_rates[surface]``, else its default learning rate.

    Examples
    --------
    >>> suggested_learning_rate("sgd", "rosenbrock"), suggested_learning_rate("adam", "bowl")
    (0.002, 0.001)
    """
    cls = OPTIMIZERS[check_in(optimizer, "optimizer", list(OPTIMIZERS))]
    rate = cls.race_learning_rates.get(surface)
    return cls().learning_rate if rate is None else rate


def _ravine(x, y):
    return 0.05 * x**2 + 2.0 * y**2


def _ravine_gradient(x, y):
    return 0.1 * x, 4.0 * y


def _rosenbrock(x, y):
    return (1 - x) ** 2 + 100.0 * (y - x**2) ** 2


def _rosenbrock_gradient(x, y):
    return -2 * (1 - x) - 400.0 * x * (y - x**2), 200.0 * (y - x**2)


def _saddle(x, y):
    return 0.5 * x**2 + 0.25 * y**4 - 0.5 * y**2 + 0.25


def _saddle_gradient(x, y):
    return x, y**3 - y


# several minima: a wide bowl with two Gaussian wells, the deeper one at (1.5, 1.2)
_WELLS = ((1.5, 1.2, 1.6, 0.8), (-1.4, -0.8, 1.1, 0.6))      # (x0, y0, depth, width)


def _wells(x, y):
    return 0.08 * (x**2 + y**2) - sum(
        d * np.exp(-((x - x0) ** 2 + (y - y0) ** 2) / w) for x0, y0, d, w in _WELLS)


def _wells_gradient(x, y):
    gx, gy = 0.16 * x, 0.16 * y
    for x0, y0, d, w in _WELLS:
        e = d * np.exp(-((x - x0) ** 2 + (y - y0) ** 2) / w) * 2 / w
        gx, gy = gx + e * (x - x0), gy + e * (y - y0)
    return gx, gy


def _refine(gradient, point, steps=2000, learning_rate=0.05):
    """A minimum near ``point``, by plain gradient descent (for the table below)."""
    p = np.array(point, dtype=float)
    for _ in range(steps):
        p -= learning_rate * np.array(gradient(*p))
    return tuple(float(v) for v in p)


_WELL_MINIMA = tuple(_refine(_wells_gradient, w[:2]) for w in _WELLS)

SURFACES = {s.name: s for s in (
    Surface("ravine", "ravine: L = 0.05 x^2 + 2 y^2", _ravine, _ravine_gradient,
            (-5.0, 5.0), (-2.5, 2.5), (-4.5, 1.5), ((0.0, 0.0),), 0.0),
    Surface("rosenbrock", "Rosenbrock: L = (1 - x)^2 + 100 (y - x^2)^2", _rosenbrock,
            _rosenbrock_gradient, (-2.0, 2.0), (-1.0, 3.0), (-1.2, 1.0), ((1.0, 1.0),), 0.0),
    Surface("saddle", "saddle: L = x^2/2 + y^4/4 - y^2/2 + 1/4", _saddle, _saddle_gradient,
            (-2.5, 2.5), (-1.6, 1.6), (-2.2, 0.001), ((0.0, 1.0), (0.0, -1.0)), 0.0),
    Surface("several_minima", "several minima: a bowl with two wells", _wells,
            _wells_gradient, (-3.5, 3.5), (-3.0, 3.0), (-3.0, 2.5), _WELL_MINIMA,
            float(_wells(*_WELL_MINIMA[0]))),
)}
"""The surfaces by name: ``ravine, rosenbrock, saddle, several_minima``."""


def surface_grid(surface, resolution=120):
    """L on a regular grid over the surface's box, for contour plots.

    Returns
    -------
    x : ndarray of shape (resolution,)
    y : ndarray of shape (resolution,)
    L : ndarray of shape (resolution, resolution), ``L[i, j] = L(x[j], y[i])``

    Examples
    --------
    >>> x, y, L = surface_grid(SURFACES["ravine"], 5)
    >>> L.shape, float(L[2, 2])
    ((5, 5), 0.0)
    """
    x = np.linspace(*surface.xlim, resolution)
    y = np.linspace(*surface.ylim, resolution)
    return x, y, surface.function(x[None, :], y[:, None])


def optimizer_path(gradient, start, optimizer="sgd", learning_rate=0.1, n_steps=50):
    """The points an optimizer visits from ``start``, following ``gradient``.

    Parameters
    ----------
    gradient : callable
        ``gradient(*theta)`` -> the partial derivatives at the point theta.
    start : array_like of shape (n_params,)
    optimizer : str
        A key of ``nl.optim.OPTIMIZERS``.
    learning_rate : float
    n_steps : int

    Returns
    -------
    path : ndarray of shape (n_done + 1, n_params)
        The start and each step's point. A path that leaves the region |theta| < 1000
        (diverged) stops there, so ``n_done <= n_steps``.
    diverged : bool

    Examples
    --------
    >>> path, diverged = optimizer_path(lambda w: (2 * w,), [1.0], "sgd", 0.25, 3)
    >>> path.ravel().tolist(), diverged              # w <- w - 0.25 * 2w halves w
    ([1.0, 0.5, 0.25, 0.125], False)
    >>> optimizer_path(lambda w: (2 * w,), [1.0], "sgd", 1.5, 100)[1]   # lr > 1: diverges
    True
    """
    check_in(optimizer, "optimizer", list(OPTIMIZERS))
    n_steps = check_int(n_steps, "n_steps", minimum=0)
    opt = get_optimizer(optimizer, learning_rate=learning_rate)
    theta = as_float_array(start, "start", ndim=1).copy()
    path = [theta.copy()]
    for _ in range(n_steps):
        opt.step([theta], [np.asarray(gradient(*theta), dtype=float)])
        path.append(theta.copy())
        if not np.all(np.abs(theta) < ESCAPE):
            return np.array(path), True
    return np.array(path), False


# --- drawing, shared by the gradient-descent and optimizer-race explorers ---------------

def draw_surface(ax, surface, artists=None):
    """Show ``surface`` on ``ax``: filled contours of log10(L - min L), lines, its minima.

    The first call creates the artists; later calls switch surfaces in place (each
    surface's contours are computed once, then shown or hidden).

    Returns
    -------
    dict of artists: "fills" and "contours" (dicts name -> ContourSet), "minima"
    """
    if artists is None:
        (minima,) = ax.plot([], [], "*", ms=14, color="gold", mec="k", zorder=4,
                            label="minimum")
        artists = {"fills": {}, "contours": {}, "minima": minima}
    if surface.name not in artists["contours"]:
        x, y, L = surface_grid(surface)
        height = np.log10(L - surface.min_value + 1e-3)      # log scale: every decade shows
        levels = np.linspace(np.quantile(height, 0.002), height.max(), 12)
        artists["fills"][surface.name] = ax.contourf(
            x, y, height, levels=levels, cmap="Blues_r", alpha=0.7, extend="min", zorder=0)
        artists["contours"][surface.name] = ax.contour(
            x, y, height, levels=levels, colors="0.35", linewidths=0.6, alpha=0.8,
            negative_linestyles="solid", zorder=1)
    for kind in ("fills", "contours"):
        for name, contours in artists[kind].items():
            contours.set_visible(name == surface.name)
    artists["minima"].set_data(*np.array(surface.minima).T)
    ax.set(xlim=surface.xlim, ylim=surface.ylim, xlabel="x", ylabel="y")
    return artists

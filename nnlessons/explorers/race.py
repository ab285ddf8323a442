"""Explorer: the optimizers race on a loss surface (lesson 07).

Any subset of the optimizers of ``nl.optim.OPTIMIZERS`` (SGD, momentum, Nesterov, Adagrad,
RMSProp, Adam), each with its own learning rate, starts from the same point of a 2-D
surface (``surfaces.SURFACES``: ravine, Rosenbrock, saddle, several minima). Left, their
trajectories over the contour plot; right, the loss above the minimum against the step
(log scale). Choosing a surface sets each learning rate to one that suits it there.
Everything per optimizer comes from the registry: its colour is matplotlib's tab10 colour
in the registry's order, its learning rates its class's ``race_learning_rates``, so an
optimizer added to ``OPTIMIZERS`` joins the race with no other edit.

Left out: noisy (stochastic) gradients and the optimizers' other hyper-parameters (momentum
0.9, Adam's betas and so on keep ``nl.optim``'s defaults).
"""

from functools import lru_cache

import numpy as np

from .._drawing import lean_ticks
from .._validation import check_in, check_int, check_positive
from ..optim import OPTIMIZERS
from ._builder import Blueprint
from .surfaces import SURFACES, draw_surface, optimizer_path

__all__ = ["optimizer_race", "race_data", "draw_race", "race_figure", "racer_colors"]

FLOOR = 1e-12          # the log-scale panel shows L - min down to here
FIGSIZE = (10.5, 4.2)
DEFAULT_RACERS = ("sgd", "momentum", "adam")


def racer_colors():
    """Each optimizer's colour: matplotlib's tab10 colours, in the registry's order.

    Examples
    --------
    >>> racer_colors()["sgd"], racer_colors()["adam"]
    ('#1f77b4', '#8c564b')
    """
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    palette = colormaps["tab10"].colors
    return {name: to_hex(palette[i % len(palette)]) for i, name in enumerate(OPTIMIZERS)}


def race_data(surface="ravine", learning_rates=None, n_steps=200):
    """Run each optimizer from the surface's start point.

    Parameters
    ----------
    surface : str
        A key of ``SURFACES``.
    learning_rates : dict of str to float, optional
        The racers and their learning rates (default: SGD, momentum and Adam with the
        surface's suggested rates).
    n_steps : int

    Returns
    -------
    dict with "surface" and "racers": name -> {"path": ndarray of shape (n + 1, 2),
    "gap": ndarray of shape (n + 1,) (L - min L), "diverged": bool, "learning_rate"}

    Examples
    --------
    >>> d = race_data("ravine", {"sgd": 0.4, "adam": 0.3}, n_steps=100)
    >>> sorted(d["racers"]), d["racers"]["sgd"]["path"].shape
    (['adam', 'sgd'], (101, 2))
    >>> bool(d["racers"]["adam"]["gap"][-1] < 1e-3)
    True
    """
    s = SURFACES[check_in(surface, "surface", list(SURFACES))]
    if learning_rates is None:
        learning_rates = {name: s.learning_rates[name] for name in DEFAULT_RACERS}
    racers = {}
    for name, lr in learning_rates.items():
        path, gap, diverged = _race(surface, name, float(lr), n_steps)
        racers[name] = {"path": path, "gap": gap, "diverged": diverged, "learning_rate": lr}
    return {"surface": surface, "n_steps": n_steps, "racers": racers}


@lru_cache(maxsize=128)
def _race(surface, name, learning_rate, n_steps):
    """One racer's (path, gap, diverged), remembered: moving one optimizer's slider
    recomputes only that optimizer. The arrays are read-only because they are shared."""
    s = SURFACES[surface]
    path, diverged = optimizer_path(s.gradient, s.start, name, learning_rate, n_steps)
    gap = s(*path.T) - s.min_value
    path.flags.writeable = gap.flags.writeable = False
    return path, gap, diverged


def draw_race(axes, data, artists=None):
    """Draw (first call) or update in place the trajectories and the loss curves.

    Parameters
    ----------
    axes : pair of matplotlib Axes (surface, loss against step)

    Returns
    -------
    dict of artists: "paths", "ends", "curves" (dicts optimizer name -> Line2D), "surface"
    """
    left, right = axes
    if artists is None:
        artists = {"paths": {}, "ends": {}, "curves": {}, "surface": None, "legend_for": None}
        for name, color in racer_colors().items():
            artists["paths"][name] = left.plot([], [], "-", color=color, lw=1.8, zorder=5)[0]
            artists["ends"][name] = left.plot([], [], "o", color=color, ms=7, mec="k",
                                              zorder=6)[0]
            artists["curves"][name] = right.plot([], [], "-", color=color, lw=1.8)[0]
        artists["start"] = left.plot([], [], "o", color="white", ms=9, mec="k", zorder=7)[0]
        right.set(yscale="log", xlabel="step", ylabel="L - min L (log scale)")
        right.grid(True, which="major", alpha=0.3)
        lean_ticks(left, right)
    s = SURFACES[data["surface"]]
    artists["surface"] = draw_surface(left, s, artists["surface"])
    artists["start"].set_data([s.start[0]], [s.start[1]])
    left.set_title(s.title, fontsize=10)
    racers, low, high = data["racers"], np.inf, 0.0
    for name in artists["paths"]:
        shown = name in racers
        for kind in ("paths", "ends", "curves"):
            artists[kind][name].set_visible(shown)
        if not shown:
            continue
        path, gap = racers[name]["path"], np.maximum(racers[name]["gap"], FLOOR)
        artists["paths"][name].set_data(*path.T)
        artists["ends"][name].set_data(path[-1:, 0], path[-1:, 1])
        artists["curves"][name].set_data(np.arange(len(gap)), gap)
        low, high = min(low, gap.min()), max(high, gap.max())
    labels = tuple((n, racers[n]["learning_rate"], racers[n]["diverged"]) for n in racers)
    if artists["legend_for"] != labels:                 # the legend lists the racers shown
        right.legend([artists["curves"][n] for n, _, _ in labels],
                     [f"{n} (lr {lr:.3g})" + (": diverged" if d else "") for n, lr, d in labels],
                     fontsize=8, loc="lower left")
        artists["legend_for"] = labels
    right.set_xlim(0, max(data["n_steps"], 1))
    right.set_ylim(*((low / 5, high * 5) if racers else (FLOOR, 1.0)))
    right.set_title(f"{len(racers)} optimizer(s), {data['n_steps']} steps", fontsize=10)
    return artists


def _check(surface, learning_rates, n_steps):
    check_in(surface, "surface", list(SURFACES))
    if learning_rates is None:
        learning_rates = {n: SURFACES[surface].learning_rates[n] for n in DEFAULT_RACERS}
    learning_rates = {check_in(n, "optimizer", list(OPTIMIZERS)):
                      check_positive(lr, f"learning_rates[{n!r}]")
                      for n, lr in dict(learning_rates).items()}
    return {"surface": surface, "learning_rates": learning_rates,
            "n_steps": check_int(n_steps, "n_steps", minimum=1, maximum=2000)}


BLUEPRINT = Blueprint("optimizer_race", FIGSIZE, race_data, draw_race, panels=(1, 2))


def race_figure(surface="ravine", learning_rates=None, n_steps=200):
    """The optimizer race's picture as a plain matplotlib Figure.

    Examples
    --------
    >>> fig = race_figure("saddle", {"sgd": 0.05, "adam": 0.1}, n_steps=50)
    >>> sum(line.get_visible() for line in fig.axes[1].get_lines())
    2
    """
    return BLUEPRINT.figure(_check(surface, learning_rates, n_steps))


def _controls(values):
    import ipywidgets as widgets

    from ._wiring import dropdown, int_slider, log_slider

    suggested = SURFACES[values["surface"]].learning_rates
    controls = {
        "surface": dropdown("surface", [(s.replace("_", " "), s) for s in SURFACES],
                            values["surface"]),
        "n_steps": int_slider("steps", values["n_steps"], 10, max(500, values["n_steps"]), 10),
    }
    for name in OPTIMIZERS:
        lr = values["learning_rates"].get(name, suggested[name])
        controls[name] = widgets.Checkbox(value=name in values["learning_rates"],
                                          description=name, indent=False,
                                          layout=widgets.Layout(width="125px"))
        controls[f"lr_{name}"] = log_slider("lr", lr, min(-4, np.log10(lr)),
                                            max(0.5, np.log10(lr)), 0.05)
    return controls


def _layout(controls):
    import ipywidgets as widgets

    rows = [widgets.HBox([controls[name], controls[f"lr_{name}"]]) for name in OPTIMIZERS]
    return widgets.VBox([
        widgets.HBox([controls["surface"], controls["n_steps"]]),
        widgets.GridBox(rows, layout=widgets.Layout(grid_template_columns="repeat(3, auto)")),
    ])


def _link(controls, change):
    if change["owner"] is controls["surface"]:      # each surface suggests its rates
        for name, lr in SURFACES[change["new"]].learning_rates.items():
            controls[f"lr_{name}"].value = lr


def _race_of_controls(surface, n_steps, **values):
    """``race_data`` for the widget's controls: a checkbox and a rate per optimizer."""
    rates = {name: values[f"lr_{name}"] for name in OPTIMIZERS if values[name]}
    return race_data(surface, rates, n_steps)


def optimizer_race(surface="ravine", learning_rates=None, n_steps=200, *, static=False):
    """Race optimizers on a 2-D loss surface.

    Parameters
    ----------
    surface : str
        A key of ``surfaces.SURFACES``: "ravine", "rosenbrock", "saddle", "several_minima".
    learning_rates : dict of str to float, optional
        The optimizers that race and their learning rates (default: SGD, momentum and Adam
        at the rates the surface suggests); the others can be ticked in the widget.
    n_steps : int
        Steps per optimizer (slider 10 to 500).
    static : bool, default False
        Return a plain matplotlib Figure instead of the widget.

    Returns
    -------
    Explorer (an ipywidgets VBox) or matplotlib Figure
    """
    return BLUEPRINT.build(_check(surface, learning_rates, n_steps), static=static,
                           controls=_controls, layout=_layout, link=_link,
                           data=_race_of_controls)

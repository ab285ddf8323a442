"""Explorer: activation functions and their derivatives (lesson 02).

A dropdown over every registered activation (``nl.activations.ACTIVATIONS``), the leaky
ReLU's slope and the input range; the curve f(z) and its derivative f'(z) side by side, the
saturated regions shaded (where f'(z) is below 5% of its maximum: there a neuron barely
passes a gradient back, the "vanishing gradients" of lesson 02), and a movable point z with f(z)
and f'(z) read out.

Softmax acts on a vector, so it is shown along the first output of softmax([z, 0]) (which
equals sigmoid(z)) with the diagonal of its Jacobian, s (1 - s).
Left out: activations that are not registered (ELU, GELU, swish...).
"""

import numpy as np

from .._drawing import lean_ticks
from .._validation import check_in, check_positive
from ..activations import ACTIVATIONS, activation_curve
from ._builder import Blueprint

__all__ = ["activations", "activation_curve", "activation_data", "saturated_regions",
           "draw_activation", "activation_figure"]

SATURATION = 0.05          # f' below 5% of its maximum counts as saturated
N_POINTS = 400
FIGSIZE = (9.5, 3.8)
_REFERENCE = np.linspace(-30.0, 30.0, 6001)   # where the maximum of f' is looked for


def saturated_regions(x, mask):
    """The intervals of x where ``mask`` is True (ends halfway to the next grid point).

    Parameters
    ----------
    x : ndarray of shape (n,), increasing
    mask : ndarray of bool, shape (n,)

    Returns
    -------
    list of (start, end) tuples

    Examples
    --------
    >>> x = np.arange(6.0)
    >>> saturated_regions(x, np.array([1, 1, 0, 0, 1, 1], bool))
    [(0.0, 1.5), (3.5, 5.0)]
    """
    edges = np.flatnonzero(np.diff(np.r_[0, mask.astype(np.int8), 0]))
    halfway = np.r_[x[0], (x[:-1] + x[1:]) / 2, x[-1]]     # halfway[i]: between x[i-1], x[i]
    return [(float(halfway[a]), float(halfway[b])) for a, b in
            zip(edges[::2], edges[1::2], strict=True)]


def activation_data(activation="sigmoid", z_min=-6.0, z_max=6.0, slope=0.01, z=1.0,
                    n_points=N_POINTS):
    """Everything the activation explorer draws.

    Parameters
    ----------
    activation : str
        A key of ``ACTIVATIONS``.
    z_min, z_max : float
        The input range plotted.
    slope : float
        The leaky ReLU's slope (ignored by the other activations).
    z : float
        The movable point.

    Returns
    -------
    dict with "z_grid", "f", "df" (ndarrays of shape (n_points,)), "regions" (saturated
    intervals), "z", "f_z", "df_z", "df_max" and "name".

    Examples
    --------
    >>> d = activation_data("sigmoid", -6, 6, z=0.0)
    >>> d["f_z"], d["df_z"], [(round(a, 1), round(b, 1)) for a, b in d["regions"]]
    (0.5, 0.25, [(-6.0, -4.4), (4.4, 6.0)])
    >>> [(a, round(b, 6) + 0.0) for a, b in activation_data("relu", -2, 2)["regions"]]
    [(-2.0, 0.0)]
    """
    params = {"slope": slope} if activation == "leaky_relu" else {}
    z_grid = np.linspace(z_min, z_max, n_points)
    f, df = activation_curve(activation, z_grid, **params)
    df_max = float(max(activation_curve(activation, _REFERENCE, **params)[1].max(), df.max()))
    regions = saturated_regions(z_grid, df < SATURATION * df_max) if df_max > 0 else []
    f_z, df_z = activation_curve(activation, [z], **params)
    return {"name": activation, "slope": slope, "z_grid": z_grid, "f": f, "df": df,
            "regions": regions, "z": float(z), "f_z": float(f_z[0]), "df_z": float(df_z[0]),
            "df_max": df_max}


def _limits(values, bounds=(-np.inf, np.inf)):
    lo = bounds[0] if np.isfinite(bounds[0]) else float(values.min())
    hi = bounds[1] if np.isfinite(bounds[1]) else float(values.max())
    pad = 0.08 * max(hi - lo, 1e-3)
    return lo - pad, hi + pad


def draw_activation(axes, data, artists=None):
    """Draw (first call) or update in place the curve and derivative panels.

    Parameters
    ----------
    axes : pair of matplotlib Axes (curve, derivative)

    Returns
    -------
    dict of artists: "curves", "shades", "points", "guides" (one per panel)
    """
    from matplotlib.collections import PolyCollection

    if artists is None:
        artists = {"curves": [], "shades": [], "points": [], "guides": []}
        for ax, color in zip(axes, ("#1f77b4", "#d62728"), strict=True):
            shade = PolyCollection([], facecolors="0.85", edgecolors="none",
                                   transform=ax.get_xaxis_transform(), zorder=0,
                                   label="saturated: f' < 5% of max f'")
            ax.add_collection(shade)
            ax.axhline(0, color="0.6", lw=0.8, zorder=1)
            artists["shades"].append(shade)
            artists["guides"].append(ax.axvline(0, color="0.4", lw=1, ls=":", zorder=1))
            artists["curves"].append(ax.plot([], [], lw=2.2, color=color, zorder=2)[0])
            artists["points"].append(ax.plot([], [], "o", ms=8, color="k", zorder=3)[0])
            ax.set_xlabel("z")
        axes[1].legend(handles=[artists["shades"][1]], loc="upper right", fontsize=9,
                       bbox_to_anchor=(1.0, -0.13), frameon=False)
        lean_ticks(*axes)
    name, zs = data["name"], data["z_grid"]
    bounds = ACTIVATIONS[name].bounds
    verts = [[(a, 0), (b, 0), (b, 1), (a, 1)] for a, b in data["regions"]]
    for i, (ax, y, y_z) in enumerate(zip(axes, (data["f"], data["df"]),
                                         (data["f_z"], data["df_z"]), strict=True)):
        artists["curves"][i].set_data(zs, y)
        artists["shades"][i].set_verts(verts)
        artists["points"][i].set_data([data["z"]], [y_z])
        artists["guides"][i].set_xdata([data["z"], data["z"]])
        ax.set_xlim(zs[0], zs[-1])
        ax.set_ylim(*_limits(y, bounds if i == 0 else (min(0.0, float(y.min())), np.inf)))
    label = {"softmax": "softmax([z, 0])[0]",
             "leaky_relu": f"leaky_relu (slope {data['slope']:g})"}.get(name, name)
    axes[0].set_title(f"f(z) = {label}:   f({data['z']:.2f}) = {data['f_z']:.4f}", fontsize=11)
    axes[1].set_title(f"f'(z):   f'({data['z']:.2f}) = {data['df_z']:.4f}   "
                      f"(max {data['df_max']:.3g})", fontsize=11)
    return artists


def _check(activation, z_range, slope, z):
    check_in(activation, "activation", list(ACTIVATIONS))
    z_min, z_max = (float(v) for v in z_range)
    if not z_min < z_max:
        raise ValueError(f"z_range must be (min, max) with min < max, got {z_range!r}")
    return {"activation": activation, "z_range": (z_min, z_max),
            "slope": check_positive(slope, "slope", allow_zero=True),
            "z": float(np.clip(z, z_min, z_max))}


def _data(activation, z_range, slope, z):
    return activation_data(activation, z_range[0], z_range[1], slope, z)


BLUEPRINT = Blueprint("activations", FIGSIZE, _data, draw_activation, panels=(1, 2))


def activation_figure(activation="sigmoid", z_range=(-6.0, 6.0), slope=0.01, z=1.0):
    """The activation explorer's picture as a plain matplotlib Figure.

    Examples
    --------
    >>> fig = activation_figure("tanh")
    >>> len(fig.axes), round(float(fig.axes[0].get_lines()[2].get_ydata()[0]), 4)
    (2, -1.0)
    """
    return BLUEPRINT.figure(_check(activation, z_range, slope, z))


def _controls(values):
    import ipywidgets as widgets

    from ._wiring import dropdown, slider

    lo, hi = values["z_range"]
    return {
        "activation": dropdown("activation", list(ACTIVATIONS), values["activation"]),
        "slope": slider("leaky slope", values["slope"], 0.0, max(0.5, values["slope"]), 0.01,
                        disabled=values["activation"] != "leaky_relu"),
        "z_range": widgets.FloatRangeSlider(value=(lo, hi), min=min(-20.0, lo),
                                            max=max(20.0, hi), step=0.5, description="z range",
                                            readout_format=".1f",
                                            style={"description_width": "initial"}),
        "z": slider("point z", values["z"], lo, hi, 0.05),
    }


def _link(controls, change):
    if change["owner"] is controls["activation"]:
        controls["slope"].disabled = change["new"] != "leaky_relu"
    elif change["owner"] is controls["z_range"]:       # keep the point inside the range
        point, (new_lo, new_hi) = controls["z"], change["new"]
        if new_lo > point.max:
            point.max, point.min = new_hi, new_lo
        else:
            point.min, point.max = new_lo, new_hi


def activations(activation="sigmoid", z_range=(-6.0, 6.0), slope=0.01, z=1.0, *,
                static=False):
    """Explore the activation functions: curve, derivative, saturation, a movable point.

    Parameters
    ----------
    activation : str
        Initial activation, a key of ``nl.activations.ACTIVATIONS``.
    z_range : (float, float)
        Initial input range (the slider goes from -20 to 20).
    slope : float
        Initial leaky ReLU slope.
    z : float
        Initial position of the point read out.
    static : bool, default False
        Return a plain matplotlib Figure instead of the widget.

    Returns
    -------
    Explorer (an ipywidgets VBox) or matplotlib Figure
    """
    return BLUEPRINT.build(_check(activation, z_range, slope, z), static=static,
                           controls=_controls, link=_link)

"""Drawing helpers of the plotting layer, shared by ``nnlessons.plots`` and the explorers.

Figures unknown to pyplot, lean tick labels, a frozen layout, points on a grid over a box
(where a model is evaluated to shade the plane), and the network diagram whose connections
can be re-coloured in place (the playground redraws it as it trains). Learners meet them
through ``nl.plots`` (``plot_network``, ``plot_decision_boundary``) and the explorers; this
module is private. It imports no explorer and no ipywidgets, and matplotlib only inside the
functions, so importing it costs nothing.
"""

import numpy as np

__all__ = ["POSITIVE", "NEGATIVE", "CLASS_CMAP", "CLASS_COLORS", "new_figure", "lean_ticks",
           "freeze_layout", "grid_points", "network_layout", "draw_network",
           "set_network_weights"]

POSITIVE, NEGATIVE = "#2166ac", "#e08214"     # weight signs (blue > 0, orange < 0)
CLASS_CMAP = "PuOr"                           # P(class 1): orange 0 ... purple 1
CLASS_COLORS = ("#e08214", "#542788", "#1b9e77", "#d95f02", "#7570b3", "#e7298a")


def new_figure(figsize=(6.4, 4.8), dpi=100):
    """A matplotlib Figure with its own Agg canvas, unknown to pyplot.

    Explorers draw on such figures: pyplot never shows them by itself, they never pile up in
    ``plt.get_fignums()`` and they do not depend on the notebook's backend.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = new_figure((3, 2))
    >>> fig.canvas.get_width_height(), fig.number if hasattr(fig, "number") else None
    ((300, 200), None)
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, dpi=dpi)
    FigureCanvasAgg(fig)
    return fig


def lean_ticks(*axes, nbins=5, integer=False):
    """At most about ``nbins`` tick labels on every axis of ``axes``, no minor log ticks.

    Drawing text and tick marks is most of the cost of redrawing a figure, so the explorers
    keep them few. Call it after choosing the scales; ``integer`` puts x ticks on integers.
    """
    from matplotlib.ticker import LogLocator, MaxNLocator, NullLocator

    for ax in axes:
        for axis, scale in ((ax.xaxis, ax.get_xscale()), (ax.yaxis, ax.get_yscale())):
            if scale == "linear":
                axis.set_major_locator(MaxNLocator(nbins=nbins, steps=[1, 2, 2.5, 5, 10],
                                                   integer=integer and axis is ax.xaxis))
            elif scale == "log":
                axis.set_major_locator(LogLocator(numticks=nbins + 1))
                axis.set_minor_locator(NullLocator())


def freeze_layout(fig):
    """Pin every title and x-axis label where it is now (call once, after tight_layout).

    Otherwise matplotlib measures every tick label again on each draw to place them, about
    a sixth of an explorer's redraw. Titles and x labels never need to move (the tick
    labels under an axis keep their height); y labels stay automatic, because their tick
    labels change width.
    """
    fig.canvas.draw()
    for ax in fig.axes:
        ax.set_title(ax.get_title(), y=1.0, fontsize=ax.title.get_fontsize())
        label = ax.xaxis.label
        if label.get_text():
            anchor = label.get_transform().transform(label.get_position())
            ax.xaxis.set_label_coords(*ax.transAxes.inverted().transform(anchor))


def grid_points(xlim, ylim, resolution):
    """A (resolution**2, 2) array of points on a regular grid over the box, rows first.

    Examples
    --------
    >>> grid_points((0, 1), (0, 2), 3)[:4].tolist()
    [[0.0, 0.0], [0.5, 0.0], [1.0, 0.0], [0.0, 1.0]]
    """
    xx, yy = np.meshgrid(np.linspace(*xlim, resolution), np.linspace(*ylim, resolution))
    return np.column_stack([xx.ravel(), yy.ravel()])


# --- network diagrams -------------------------------------------------------------

def network_layout(layer_sizes, max_nodes=10):
    """Node positions of a network diagram, layers left to right.

    A layer with more than ``max_nodes`` units shows its first ``max_nodes - 1`` and its last
    unit, with a gap between them.

    Returns
    -------
    positions : list of ndarray of shape (n_drawn, 2)
    units : list of ndarray of int, the unit each drawn node stands for

    Examples
    --------
    >>> pos, units = network_layout([2, 3, 1])
    >>> [p.shape for p in pos], units[1].tolist()
    ([(2, 2), (3, 2), (1, 2)], [0, 1, 2])
    >>> network_layout([784, 15, 10])[1][0].tolist()[-2:]
    [8, 783]
    """
    positions, units = [], []
    for x, n in enumerate(layer_sizes):
        idx = np.arange(n) if n <= max_nodes else np.r_[np.arange(max_nodes - 1), n - 1]
        slot = np.arange(len(idx), dtype=float)
        if n > max_nodes:
            slot[-1] += 0.6                               # room for the gap
        positions.append(np.column_stack([np.full(len(idx), float(x)), slot.mean() - slot]))
        units.append(idx)
    return positions, units


def draw_network(ax, layer_sizes, max_nodes=10):
    """Draw a network's nodes and connections; return the artists to update later.

    Returns
    -------
    dict with "edges" (LineCollection), "nodes" (PathCollection), "texts" (the labels) and
    "edge_index" (list of (layer, i, j) for every drawn connection).
    """
    from matplotlib.collections import LineCollection

    positions, units = network_layout(layer_sizes, max_nodes)
    segments, edge_index = [], []
    for layer, (a, b) in enumerate(zip(positions[:-1], positions[1:], strict=True)):
        for i, p in enumerate(a):
            for j, q in enumerate(b):
                segments.append((p, q))
                edge_index.append((layer, units[layer][i], units[layer + 1][j]))
    edges = LineCollection(segments, colors="0.6", linewidths=1.0, zorder=1)
    ax.add_collection(edges)
    nodes = ax.scatter(*np.concatenate(positions).T, s=260, c="white", edgecolors="0.2",
                       linewidths=1.5, zorder=2)
    names = ["input"] + ["hidden"] * (len(layer_sizes) - 2) + ["output"]
    low = min(p[:, 1].min() for p in positions)
    texts = []
    for x, (n, name) in enumerate(zip(layer_sizes, names, strict=True)):
        texts.append(ax.text(x, low - 0.6, f"{name}\n({n})", ha="center", va="top",
                             fontsize=9))
        if n > max_nodes:
            texts.append(ax.text(x, positions[x][-1, 1] + 0.8, "...", rotation=90,
                                 ha="center", va="center"))
    ax.set_xlim(-0.5, len(layer_sizes) - 0.5)
    ax.set_ylim(low - 1.7, max(p[:, 1].max() for p in positions) + 0.6)
    ax.set_axis_off()
    return {"edges": edges, "nodes": nodes, "texts": texts, "edge_index": edge_index}


def set_network_weights(artists, weights, max_width=4.0):
    """Show weights on a drawn network: line width by |w|, colour by sign (in place).

    Returns
    -------
    widths : ndarray of shape (n_edges,), the line widths set
    """
    w = np.array([weights[layer][i, j] for layer, i, j in artists["edge_index"]])
    scale = np.abs(w).max() if w.size and np.abs(w).max() > 0 else 1.0
    widths = 0.2 + max_width * np.abs(w) / scale
    artists["edges"].set_linewidths(widths)
    artists["edges"].set_colors(np.where(w[:, None] >= 0, *_rgba_pair()))
    return widths


def _rgba_pair():
    from matplotlib.colors import to_rgba

    return np.array([to_rgba(POSITIVE, 0.8)]), np.array([to_rgba(NEGATIVE, 0.8)])

"""Static plots for the lessons: networks, activations, loss curves, decision boundaries,
confusion matrices and image grids.

Lesson 01 draws its first network with ``plot_network``, lesson 02 the activation curves,
lessons 06-08 loss curves and decision boundaries, lesson 10 the digits and the confusion
matrix. Every ``plot_*`` function draws on ``ax`` when given; with ``ax=None`` it creates a
figure through pyplot (so ``%matplotlib inline`` shows it), and it returns the Axes. None
calls ``plt.show()``. The drawing helpers live in the private ``nnlessons._drawing``, shared
with the explorers (which draw on figures they own and update the same artists in place);
this module imports no explorer and no ipywidgets, and exports only ``plot_*`` functions.

Left out: styling options the lessons do not need, 3-D plots and animations.
"""

import numpy as np

from . import _drawing, metrics
from ._validation import as_float_array as _as_float_array
from ._validation import check_int as _check_int
from .activations import activation_curve as _activation_curve

__all__ = [
    "plot_network", "plot_loss_curves", "plot_decision_boundary", "plot_confusion_matrix",
    "plot_image_grid", "plot_activation",
]


def _axes(ax, figsize):
    """``ax`` itself, a new subplot of a Figure, or a new pyplot figure's Axes."""
    from matplotlib.figure import Figure

    if isinstance(ax, Figure):
        return ax.add_subplot()
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


# --- networks --------------------------------------------------------------------------

def plot_network(layer_sizes_or_net, *, ax=None, max_nodes=10):
    """Draw a network: circles for units, lines for weights.

    Parameters
    ----------
    layer_sizes_or_net : sequence of int or MLP
        Layer sizes (a plain diagram), or a network: then each line's width shows |w| and
        its colour the sign (blue w > 0, orange w < 0).
    ax : matplotlib Axes or Figure, optional
    max_nodes : int, default 10
        Bigger layers show their first units, a gap and the last unit.

    Returns
    -------
    matplotlib Axes
        Layer ``l`` is drawn at x = l, its units one apart from the top down, centred on
        y = 0 (for [2, 2, 1]: the inputs at (0, 0.5) and (0, -0.5), the output at (2, 0)),
        so labels can be written at those points.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> ax = plot_network([2, 2, 1], ax=Figure())
    >>> len(ax.collections[0].get_segments())     # 2*2 + 2*1 connections
    6
    >>> ax.collections[1].get_offsets().tolist()  # the units, layer by layer
    [[0.0, 0.5], [0.0, -0.5], [1.0, 0.5], [1.0, -0.5], [2.0, 0.0]]
    """
    net = layer_sizes_or_net if hasattr(layer_sizes_or_net, "weights") else None
    sizes = net.layer_sizes if net is not None else [
        _check_int(n, f"layer_sizes[{i}]", minimum=1) for i, n in enumerate(layer_sizes_or_net)]
    tallest = min(max(sizes), max_nodes)
    ax = _axes(ax, (1.6 * len(sizes) + 1, 0.35 * tallest + 1.6))
    artists = _drawing.draw_network(ax, sizes, _check_int(max_nodes, "max_nodes", minimum=2))
    if net is not None:
        _drawing.set_network_weights(artists, net.weights)
        ax.set_title("width ~ |w|; blue: w > 0, orange: w < 0", fontsize=9)
    return ax


# --- activations -----------------------------------------------------------------------

def plot_activation(name, *, ax=None, x_range=(-6.0, 6.0), derivative=True, **params):
    """Plot an activation function f(z) and (dashed) its derivative f'(z).

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> ax = plot_activation("tanh", ax=Figure())
    >>> [text.get_text() for text in ax.get_legend().get_texts()]
    ['tanh(z)', "tanh'(z)"]
    """
    x = np.linspace(*x_range, 400)
    f, df = _activation_curve(name, x, **params)
    ax = _axes(ax, (5, 3.2))
    ax.axhline(0, color="0.8", lw=0.8)
    ax.axvline(0, color="0.8", lw=0.8)
    ax.plot(x, f, lw=2, label=f"{name}(z)")
    if derivative:
        ax.plot(x, df, "--", lw=2, label=f"{name}'(z)")
    ax.set(xlabel="z", title=name)
    ax.legend(frameon=False)
    return ax


# --- training --------------------------------------------------------------------------

def plot_loss_curves(history, *, ax=None, log=False):
    """Training (and validation) loss per epoch, with the best validation epoch marked.

    Parameters
    ----------
    history : History, dict with "loss" (and "val_loss"), or a sequence of floats

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> ax = plot_loss_curves({"loss": [1.0, 0.5, 0.4], "val_loss": [1.1, 0.7, 0.8]},
    ...                       ax=Figure())
    >>> [line.get_label() for line in ax.get_lines()][:2]
    ['training', 'validation']
    """
    if isinstance(history, dict):
        loss, val, best = history["loss"], history.get("val_loss", []), history.get("best_epoch")
    elif hasattr(history, "loss"):
        loss, val, best = history.loss, history.val_loss, getattr(history, "best_epoch", None)
    else:
        loss, val, best = history, [], None
    loss = _as_float_array(loss, "history.loss", ndim=1)
    val = _as_float_array(val, "history.val_loss", ndim=1)
    ax = _axes(ax, (5, 3.2))
    epochs = np.arange(1, len(loss) + 1)
    ax.plot(epochs, loss, lw=2, label="training")
    if len(val):
        ax.plot(np.arange(1, len(val) + 1), val, lw=2, label="validation")
        best = best or int(np.argmin(val)) + 1
        ax.axvline(best, color="0.4", ls=":", lw=1, label=f"best epoch ({best})")
    ax.set(xlabel="epoch", ylabel="loss", yscale="log" if log else "linear",
           title="Loss per epoch")
    ax.legend(frameon=False)
    return ax


def plot_decision_boundary(net_or_predict, X, y, *, ax=None, resolution=200, margin=0.5):
    """The regions a classifier assigns to each class, with the data on top.

    Parameters
    ----------
    net_or_predict : MLP or callable
        A network (one sigmoid output: shaded by P(class 1); several: by argmax) or a
        function mapping points of shape (n, 2) to labels or probabilities.
    X : array_like of shape (n_samples, 2)
    y : array_like of shape (n_samples,), int labels

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> X = np.array([[-1.0, 0.0], [1.0, 0.0]])
    >>> ax = plot_decision_boundary(lambda P: (P[:, 0] > 0).astype(int), X, [0, 1],
    ...                             ax=Figure(), resolution=20)
    >>> ax.images[0].get_array().shape
    (20, 20)
    """
    X = _as_float_array(X, "X", ndim=2)
    y = np.asarray(y).astype(int)
    if X.shape[1] != 2:
        raise ValueError(f"X must have 2 features to draw a 2-D boundary, got shape {X.shape}")
    lo, hi = X.min(axis=0) - margin, X.max(axis=0) + margin
    P = _drawing.grid_points((lo[0], hi[0]), (lo[1], hi[1]), resolution)
    out = net_or_predict.forward(P) if hasattr(net_or_predict, "forward") else np.asarray(
        net_or_predict(P))
    if out.ndim == 2 and out.shape[1] > 1:
        out = out.argmax(axis=1)
    out = out.reshape(resolution, resolution)
    ax = _axes(ax, (4.5, 4))
    extent = (lo[0], hi[0], lo[1], hi[1])
    n_classes = max(int(y.max()) + 1, int(out.max()) + 1, 2)
    if n_classes == 2:
        ax.imshow(out, origin="lower", extent=extent, cmap=_drawing.CLASS_CMAP, vmin=0, vmax=1,
                  alpha=0.6, aspect="auto")
        ax.contour(out, levels=[0.5], origin="lower", extent=extent, colors="k", linewidths=1)
    else:
        from matplotlib.colors import ListedColormap

        cmap = ListedColormap(_drawing.CLASS_COLORS[:n_classes])
        ax.imshow(out, origin="lower", extent=extent, cmap=cmap, vmin=-0.5,
                  vmax=n_classes - 0.5, alpha=0.35, aspect="auto", interpolation="nearest")
    for c in range(n_classes):
        colors = _drawing.CLASS_COLORS
        ax.scatter(*X[y == c].T, s=18, color=colors[c % len(colors)],
                   edgecolors="k", linewidths=0.5, label=f"class {c}")
    ax.set(xlim=extent[:2], ylim=extent[2:], xlabel="$x_1$", ylabel="$x_2$")
    ax.legend(loc="upper right", fontsize=8, framealpha=0.8)
    return ax


# --- evaluation ------------------------------------------------------------------------

def plot_confusion_matrix(y_true, y_pred, *, ax=None, n_classes=None):
    """Counts of (true class, predicted class): rows true, columns predicted.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> ax = plot_confusion_matrix([0, 1, 1, 2], [0, 1, 2, 2], ax=Figure())
    >>> ax.images[0].get_array().tolist()
    [[1, 0, 0], [0, 1, 1], [0, 0, 1]]
    """
    counts = metrics.confusion_matrix(y_true, y_pred, n_classes)
    k = len(counts)
    ax = _axes(ax, (0.45 * k + 2.5, 0.45 * k + 2))
    ax.imshow(counts, cmap="Blues")
    for (i, j), c in np.ndenumerate(counts):
        ax.text(j, i, str(c), ha="center", va="center", fontsize=8,
                color="white" if c > counts.max() / 2 else "black")
    ax.set(xticks=range(k), yticks=range(k), xlabel="predicted class", ylabel="true class",
           title=f"accuracy {np.trace(counts) / counts.sum():.1%}")
    return ax


def plot_image_grid(images, labels=None, *, ax=None, n_cols=None, predicted=None):
    """Small grey-scale images side by side (e.g. the 8x8 digits), with their labels.

    Parameters
    ----------
    images : array_like of shape (n_images, h, w) or (n_images, h * w) with h == w
    labels : sequence, optional
        Shown above each image; with ``predicted`` as "true/predicted", red when they differ.
    ax : matplotlib Axes or Figure, optional
        All images are tiled into one picture on this Axes.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> ax = plot_image_grid(np.zeros((6, 64)), labels=range(6), ax=Figure(), n_cols=3)
    >>> ax.images[0].get_array().shape, len(ax.texts)
    ((23, 28), 6)
    """
    images = _as_float_array(images, "images", ndim=(2, 3))
    if images.ndim == 2:
        side = int(round(np.sqrt(images.shape[1])))
        if side * side != images.shape[1]:
            raise ValueError(f"images of shape {images.shape} are not square: pass "
                             "(n_images, h, w)")
        images = images.reshape(-1, side, side)
    n, h, w = images.shape
    n_cols = n_cols or int(np.ceil(np.sqrt(n)))
    n_rows = int(np.ceil(n / n_cols))
    pad = 1 if labels is None else 1 + max(1, h // 4)
    mosaic = np.full((n_rows * (h + pad) + 1, n_cols * (w + 1) + 1), np.nan)
    ax = _axes(ax, (1.0 * n_cols + 0.5, 1.1 * n_rows + 0.3))
    for k in range(n):
        r, c = divmod(k, n_cols)
        top, left = r * (h + pad) + pad, c * (w + 1) + 1
        mosaic[top:top + h, left:left + w] = images[k]
        if labels is not None:
            text, color = str(labels[k]), "black"
            if predicted is not None:
                text, color = f"{labels[k]}/{predicted[k]}", (
                    "black" if labels[k] == predicted[k] else "red")
            ax.text(left + w / 2 - 0.5, top - 0.6, text, ha="center", va="bottom",
                    fontsize=8, color=color)
    ax.imshow(np.ma.masked_invalid(mosaic), cmap="gray_r", interpolation="nearest")
    ax.set_axis_off()
    return ax

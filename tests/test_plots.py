"""Static plots: each returns an Axes with the expected artists and never shows anything."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.collections import LineCollection  # noqa: E402

import nnlessons as nl  # noqa: E402
from nnlessons import plots  # noqa: E402
from nnlessons._drawing import POSITIVE, grid_points, new_figure  # noqa: E402
from nnlessons.activations import activation_curve  # noqa: E402


@pytest.fixture(autouse=True)
def no_show(monkeypatch):
    """plt.show() must never be called; figures made by a test are closed after it."""
    def forbidden(*args, **kwargs):
        raise AssertionError("plt.show() was called")

    monkeypatch.setattr(plt, "show", forbidden)
    before = set(plt.get_fignums())
    yield
    for num in set(plt.get_fignums()) - before:
        plt.close(num)


def test_ax_none_makes_one_pyplot_figure_and_a_figure_gets_a_subplot():
    n = len(plt.get_fignums())
    ax = plots.plot_network([2, 3, 1])
    assert isinstance(ax, Axes) and len(plt.get_fignums()) == n + 1
    fig = new_figure()
    ax = plots.plot_loss_curves([3.0, 2.0, 1.0], ax=fig)
    assert ax.figure is fig and len(plt.get_fignums()) == n + 1


def test_plot_network_plain_diagram():
    ax = plots.plot_network([2, 3, 1], ax=new_figure())
    edges = [c for c in ax.collections if isinstance(c, LineCollection)][0]
    assert len(edges.get_segments()) == 2 * 3 + 3 * 1
    assert len(ax.collections[1].get_offsets()) == 6                 # the units
    assert [t.get_text() for t in ax.texts] == ["input\n(2)", "hidden\n(3)", "output\n(1)"]


def test_plot_network_big_layers_are_cut():
    ax = plots.plot_network([784, 15, 10], ax=new_figure(), max_nodes=10)
    assert len(ax.collections[1].get_offsets()) == 10 + 10 + 10
    assert "input\n(784)" in [t.get_text() for t in ax.texts]


def test_plot_network_shows_weights_by_width_and_sign():
    net = nl.MLP([2, 2, 1], rng=0)
    net.weights[0][:] = [[1.0, -2.0], [0.5, 0.0]]
    net.weights[1][:] = [[-4.0], [3.0]]
    ax = plots.plot_network(net, ax=new_figure())
    edges = ax.collections[0]
    w = np.array([1.0, -2.0, 0.5, 0.0, -4.0, 3.0])                  # drawing order
    widths = edges.get_linewidths()
    np.testing.assert_allclose(widths, 0.2 + 4.0 * np.abs(w) / 4.0)
    colors = edges.get_colors()
    blue = matplotlib.colors.to_rgb(POSITIVE)
    np.testing.assert_allclose(colors[w >= 0, :3], np.tile(blue, ((w >= 0).sum(), 1)))
    assert not np.allclose(colors[w < 0, :3], blue)


def test_plot_loss_curves_from_a_history():
    X, y = nl.datasets.gender()
    net = nl.MLP([2, 2, 1], rng=0)
    history = nl.fit(net, X, y, learning_rate=0.1, n_epochs=20, batch_size=2, rng=0,
                     validation_data=(X, y))
    ax = plots.plot_loss_curves(history, ax=new_figure())
    lines = {line.get_label(): line for line in ax.get_lines()}
    np.testing.assert_allclose(lines["training"].get_ydata(), history.loss)
    np.testing.assert_allclose(lines["validation"].get_ydata(), history.val_loss)
    np.testing.assert_allclose(lines["training"].get_xdata(), np.arange(1, 21))
    assert lines[f"best epoch ({history.best_epoch})"].get_xdata()[0] == history.best_epoch


def test_plot_loss_curves_from_a_list():
    ax = plots.plot_loss_curves([1.0, 0.5], ax=new_figure(), log=True)
    assert ax.get_yscale() == "log" and len(ax.get_lines()) == 1


def test_plot_decision_boundary_with_a_network():
    X, y = nl.datasets.moons(40, rng=0)
    net = nl.MLP([2, 3, 1], activation="tanh", output_activation="sigmoid", rng=0)
    ax = plots.plot_decision_boundary(net, X, y, ax=new_figure(), resolution=30)
    lo, hi = X.min(axis=0) - 0.5, X.max(axis=0) + 0.5
    grid = grid_points((lo[0], hi[0]), (lo[1], hi[1]), 30)
    np.testing.assert_allclose(ax.images[0].get_array(), net.forward(grid)[:, 0].reshape(30, 30))
    points = [c for c in ax.collections if c.get_label().startswith("class")]
    assert sorted(len(c.get_offsets()) for c in points) == sorted(np.bincount(y))


def test_plot_decision_boundary_with_a_multiclass_function():
    X, y = nl.datasets.spirals(60, n_classes=3, rng=0)
    ax = plots.plot_decision_boundary(lambda P: np.argmax(P @ np.eye(2, 3), axis=1), X, y,
                                      ax=new_figure(), resolution=20)
    assert set(np.unique(ax.images[0].get_array())) <= {0, 1, 2}
    with pytest.raises(ValueError, match="2 features"):
        plots.plot_decision_boundary(lambda P: P[:, 0], np.zeros((4, 3)), [0, 1, 0, 1])


def test_plot_confusion_matrix_counts():
    y_true, y_pred = [0, 0, 1, 1, 2, 2, 2], [0, 1, 1, 1, 2, 0, 2]
    ax = plots.plot_confusion_matrix(y_true, y_pred, ax=new_figure())
    expected = [[1, 1, 0], [0, 2, 0], [1, 0, 2]]
    np.testing.assert_array_equal(ax.images[0].get_array(), expected)
    assert [t.get_text() for t in ax.texts] == [str(c) for c in np.ravel(expected)]
    assert ax.get_title() == f"accuracy {5 / 7:.1%}"
    with pytest.raises(ValueError, match="same shape"):
        plots.plot_confusion_matrix([0, 1], [0])


def test_plot_image_grid_tiles_the_digits():
    X, y = nl.datasets.digits()
    ax = plots.plot_image_grid(X[:10], labels=y[:10], predicted=[*y[:9], (y[9] + 1) % 10],
                               ax=new_figure(), n_cols=5)
    mosaic = ax.images[0].get_array()
    pad = 1 + 8 // 4
    np.testing.assert_allclose(mosaic[pad:pad + 8, 1:9], X[0].reshape(8, 8))
    texts = ax.texts
    assert len(texts) == 10 and texts[0].get_text() == f"{y[0]}/{y[0]}"
    assert texts[9].get_color() == "red" and texts[0].get_color() == "black"
    with pytest.raises(ValueError, match="not square"):
        plots.plot_image_grid(np.zeros((2, 10)))


@pytest.mark.parametrize("name", list(nl.activations.ACTIVATIONS))
def test_plot_activation_draws_the_function_and_its_derivative(name):
    ax = plots.plot_activation(name, ax=new_figure(), x_range=(-3, 3))
    curve, derivative = [line for line in ax.get_lines() if not line.get_label().startswith("_")]
    z = curve.get_xdata()
    f, df = activation_curve(name, z)
    np.testing.assert_allclose(curve.get_ydata(), f)
    np.testing.assert_allclose(derivative.get_ydata(), df)
    if name != "softmax":
        np.testing.assert_allclose(f, nl.activations.get_activation(name)(z))


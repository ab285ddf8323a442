"""What every explorer shares: the widget, its picture, figure plumbing and errors."""

import base64
import gc

import matplotlib

matplotlib.use("Agg")

import ipywidgets as widgets  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

import nnlessons as nl  # noqa: E402
from nnlessons.explorers import neuron_plane  # noqa: E402

BUILDERS = ["neuron", "activations", "saturation", "gradient_descent", "optimizer_race",
            "fitting", "playground"]

# A control of each explorer and values to cycle through (for the 100-update test).
MOVES = {
    "neuron": ("b", [-2.0, 0.0, 3.0]),
    "activations": ("z", [-2.0, 0.5, 3.0]),
    "saturation": ("depth", [3, 8, 12]),
    "gradient_descent": ("learning_rate", [0.01, 0.1, 0.3]),
    "optimizer_race": ("n_steps", [20, 50, 80]),
    "fitting": ("degree", [2, 5, 9]),
    "playground": ("learning_rate", [0.01, 0.03, 0.1]),
}


def _figures():
    gc.collect()
    return sum(isinstance(o, Figure) for o in gc.get_objects())


@pytest.mark.parametrize("name", BUILDERS)
def test_builder_returns_an_undisplayed_widget_with_a_stable_class(name):
    fignums = plt.get_fignums()
    widget = getattr(nl.explorers, name)()
    assert isinstance(widget, widgets.VBox)
    assert {"nnl-explorer", f"nnl-explorer-{name}"} <= set(widget._dom_classes)
    assert bytes(widget.image.value).startswith(b"\x89PNG")
    assert widget.error.value == ""
    assert plt.get_fignums() == fignums         # the explorer's figure is not pyplot's
    for control in widget.controls.values():
        assert isinstance(control, widgets.ValueWidget)
    # front ends without widgets (nbviewer, PDF) fall back to the picture
    bundle = widget._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert base64.b64decode(bundle["image/png"]) == bytes(widget.image.value)


@pytest.mark.parametrize("name", BUILDERS)
def test_static_path_returns_a_plain_figure(name):
    fignums = plt.get_fignums()
    fig = getattr(nl.explorers, name)(static=True)
    assert isinstance(fig, Figure)
    assert fig.axes and plt.get_fignums() == fignums


@pytest.mark.slow                   # 100 pictures per explorer: seconds each
@pytest.mark.parametrize("name", BUILDERS)
def test_nothing_piles_up_over_100_updates(name, monkeypatch):
    widget = getattr(nl.explorers, name)()
    control, values = MOVES[name]
    widget.controls[control].value = values[0]
    fignums, figures = plt.get_fignums(), _figures()
    artists = len(widget.figure.get_children())
    axes_children = [len(ax.get_children()) for ax in widget.figure.axes]
    created = []
    original_init = Figure.__init__
    monkeypatch.setattr(Figure, "__init__",
                        lambda self, *a, **k: created.append(1) or original_init(self, *a, **k))
    for i in range(100):
        widget.controls[control].value = values[i % len(values)]
    assert widget.error.value == ""
    assert created == []                            # no new Figure, ever
    assert plt.get_fignums() == fignums
    assert _figures() <= figures                    # and none kept alive
    assert len(widget.figure.get_children()) == artists
    assert [len(ax.get_children()) for ax in widget.figure.axes] == axes_children


def test_an_error_in_a_callback_shows_inside_the_widget(monkeypatch):
    widget = nl.explorers.neuron()
    good_picture = bytes(widget.image.value)

    def broken(*args, **kwargs):
        raise ZeroDivisionError("forced failure in a compute function")

    monkeypatch.setattr(neuron_plane, "neuron_surface", broken)
    widget.controls["w1"].value = 1.0                 # must not raise here
    assert widget.error.layout.display != "none"
    assert "ZeroDivisionError: forced failure in a compute function" in widget.error.value
    assert "Traceback" in widget.error.value and "color:#b00020" in widget.error.value
    assert widget.image.value == good_picture         # the last good picture stays
    monkeypatch.undo()
    widget.controls["w1"].value = 2.0                 # fixed: the error goes away
    assert widget.error.value == "" and widget.error.layout.display == "none"
    assert widget.image.value != good_picture


def test_hold_batches_changes_into_one_refresh(monkeypatch):
    widget = nl.explorers.neuron()
    calls = []
    original = neuron_plane.neuron_surface
    monkeypatch.setattr(neuron_plane, "neuron_surface",
                        lambda *a, **k: calls.append(1) or original(*a, **k))
    with widget.hold():
        widget.controls["w1"].value = 1.0
        widget.controls["w2"].value = -1.0
        widget.controls["b"].value = 0.5
    assert len(calls) == 1
    np.testing.assert_allclose(widget.artists["image"].get_array(),
                               neuron_plane.neuron_surface(1.0, -1.0, 0.5))


def test_png_encoder_round_trips():
    import io

    from PIL import Image

    from nnlessons.explorers._wiring import encode_png, png_bytes

    rgb = np.random.default_rng(0).integers(0, 256, (7, 11, 3), dtype=np.uint8)
    np.testing.assert_array_equal(np.asarray(Image.open(io.BytesIO(encode_png(rgb)))), rgb)
    fig = nl.explorers.neuron(static=True)
    picture = np.asarray(Image.open(io.BytesIO(png_bytes(fig))))
    np.testing.assert_array_equal(picture, np.asarray(fig.canvas.buffer_rgba())[..., :3])


def test_log_slider_values_stay_on_the_browser_grid_and_echoes_do_not_redraw():
    from nnlessons.explorers._wiring import log_slider

    slider = log_slider("lr", 0.05, -3, 0, 0.05)
    assert slider.value == pytest.approx(10 ** -1.3)          # 0.05 snapped to 10 ** -1.3
    slider.value = 0.3
    assert slider.value == pytest.approx(10 ** -0.5)
    widget = nl.explorers.gradient_descent()
    control = widget.controls["learning_rate"]
    before = bytes(widget.image.value)
    renders = []
    original = widget.refresh
    widget.refresh = lambda: renders.append("refresh") or original()
    control.value = control.value * (1 + 1e-12)                  # the browser's rounding echo
    assert renders == [] and bytes(widget.image.value) == before
    control.value = control.value * 2
    assert renders == ["refresh"]

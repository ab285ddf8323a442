"""Every control of every explorer: moving it redraws exactly what the compute function gives.

For each explorer, a DRAWN function pairs what its artists show with what its compute
function returns for the controls' current values (``assert_drawn`` compares them; the
per-explorer test files use it too). One parametrised test moves each control to one or two
other values and back to its initial one, compares them at every value and checks that the
picture sent to the browser changed. Each explorer is built once for all its controls, and
every test leaves it as it found it. The table must list every control a builder makes (a
new control without a case fails).
"""

from typing import Callable, NamedTuple

import numpy as np
import pytest

import nnlessons as nl
from nnlessons.explorers import (
    activation_curves,
    capacity,
    descent,
    gradient_flow,
    neuron_plane,
    race,
    surfaces,
)


def _neuron(widget):
    v, a = widget.values(), widget.artists
    d = neuron_plane.neuron_data(**v)
    return [(a["image"].get_array(), d["surface"]),
            (a["line"].get_xdata(), d["line_x1"]), (a["line"].get_ydata(), d["line_x2"]),
            (a["image"].get_clim(), d["clim"]),
            (a["label"].get_text(), f"x = [2, 3]\ny = {d['example_y']:.3f}")]


def _activations(widget):
    v, a = widget.values(), widget.artists
    d = activation_curves.activation_data(v["activation"], *v["z_range"], v["slope"], v["z"])
    shades = [[(lo, 0), (hi, 0), (hi, 1), (lo, 1)] for lo, hi in d["regions"]]
    pairs = [(widget.figure.axes[0].get_title().split("= ")[-1], f"{d['f_z']:.4f}")]
    for i, (key, at_z) in enumerate((("f", "f_z"), ("df", "df_z"))):
        drawn_shades = [p.vertices[:4].tolist() for p in a["shades"][i].get_paths()]
        pairs += [(a["curves"][i].get_xdata(), d["z_grid"]), (a["curves"][i].get_ydata(), d[key]),
                  (a["points"][i].get_data(), ([d["z"]], [d[at_z]])),
                  (np.reshape(drawn_shades, (-1, 2)), np.reshape(shades, (-1, 2)))]
    return pairs


def _saturation(widget):
    v, a = widget.values(), widget.artists
    d = gradient_flow.gradient_flow_data(**v)
    sigmoid = v["activation"] == "sigmoid"
    pairs = [(a["norm"].get_data(), (d["layer"], np.maximum(d["grad_norm"], gradient_flow.FLOOR))),
             (a["derivative"].get_ydata(), d["mean_derivative"]),
             (a["dead"].get_ydata(), d["dead_fraction"]),
             (a["bound"].get_visible(), sigmoid),
             (widget.figure.axes[1].get_title(),
              f"dead units: {d['dead_overall']:.0%} of all hidden units")]
    if sigmoid:
        pairs.append((a["bound"].get_ydata(), np.maximum(d["bound"], gradient_flow.FLOOR)))
    return pairs


def _descent(widget):
    v, a = widget.values(), widget.artists
    d = descent.descent_data(**v)
    shown = [name for name, c in a["surface"]["contours"].items() if c.get_visible()]
    return [(a["path_1d"]["line"].get_data(), (d["path_1d"][:, 0], d["loss_1d"])),
            (a["path_2d"]["line"].get_data(), tuple(d["path_2d"].T)),
            (a["path_1d"]["status"].get_text(), d["status_1d"]),
            (a["path_2d"]["status"].get_text(), d["status_2d"]),
            (shown, [v["surface"]]),
            (widget.figure.axes[1].get_xlim(), surfaces.SURFACES[v["surface"]].xlim)]


def _race(widget):
    v, a = widget.values(), widget.artists
    rates = {n: v[f"lr_{n}"] for n in nl.optim.OPTIMIZERS if v[n]}
    d = race.race_data(v["surface"], rates, v["n_steps"])
    legend = [t.get_text().split(" ")[0] for t in widget.figure.axes[1].get_legend().get_texts()]
    pairs = [(legend, list(rates))]
    for name in nl.optim.OPTIMIZERS:
        pairs.append(([a[kind][name].get_visible() for kind in ("paths", "ends", "curves")],
                      [name in rates] * 3))
        if name in rates:
            racer = d["racers"][name]
            pairs += [(a["paths"][name].get_data(), tuple(racer["path"].T)),
                      (a["curves"][name].get_ydata(), np.maximum(racer["gap"], race.FLOOR))]
    return pairs


def _fitting(widget):
    v, a = widget.values(), widget.artists
    d = capacity.fitting_data(**v)
    return [(a["data"].get_data(), (d["x"], d["y"])), (a["fit"].get_ydata(), d["fit"]),
            (a["train"].get_data(), (d["capacities"], d["train"])),
            (a["cv"].get_data(), (d["capacities"], d["cv"])),
            (a["marker"].get_xdata()[0], d["capacity"]),
            (a["marks"].get_ydata(), [d["train_mse"], d["cv_mse"]])]


def _playground(widget):
    run, a = widget.run, widget.artists       # the training run is the playground's compute
    edges = a["network"]
    w = np.array([run.net.weights[layer][i, j] for layer, i, j in edges["edge_index"]])
    colors = edges["edges"].get_colors()
    return [(a["image"].get_array(), run.boundary()),
            (a["loss"].get_ydata(), run.loss), (a["val_loss"].get_ydata(), run.val_loss),
            (a["train"].get_offsets(), run.X), (a["val"].get_offsets(), run.X_val),
            (np.argmax(edges["edges"].get_linewidths()), np.argmax(np.abs(w))),
            (colors[:, 2] > colors[:, 0], w >= 0),                  # blue: positive weights
            (run.settings, {**run.settings, **widget.values()}),
            (widget.buttons.status.value, run.status())]


def _mlp_for_its_slider(widget, control):
    if control == "hidden_units":               # the hidden-units slider moves the MLP only
        widget.controls["model"].value = "mlp"


def _train_a_little(widget, control):
    widget.step(3)                              # loss curves and weights to show


class Case(NamedTuple):
    kwargs: dict          # the builder's arguments
    moves: dict           # control -> the values it is moved to, before going back
    drawn: Callable       # widget -> [(what an artist shows, what the compute gives), ...]
    setup: Callable = None    # setup(widget, control), before the moves


_OPTIMIZERS = list(nl.optim.OPTIMIZERS)

CASES = {
    "neuron": Case({}, {"w1": [-2.0], "w2": [-4.0], "b": [2.5], "activation": ["tanh"]},
                   _neuron),
    "activations": Case({"activation": "leaky_relu"},
                        {"activation": ["softmax", "relu"], "slope": [0.3], "z": [-3.0],
                         "z_range": [(-10.0, 10.0), (-2.0, 4.0)]}, _activations),
    "saturation": Case({"depth": 6}, {"depth": [25], "activation": ["relu"],
                                      "init": ["normal"], "width": [128]}, _saturation),
    "gradient_descent": Case({}, {"learning_rate": [1.0], "n_steps": [80], "w0": [-2.0],
                                  "surface": ["rosenbrock", "several_minima"]}, _descent),
    # every optimizer races, so that each rate slider moves a drawn path
    "optimizer_race": Case({"learning_rates": surfaces.SURFACES["ravine"].learning_rates},
                           {"surface": ["rosenbrock", "saddle"], "n_steps": [50],
                            **{name: [False] for name in _OPTIMIZERS},
                            **{f"lr_{name}": [0.02] for name in _OPTIMIZERS}}, _race),
    "fitting": Case({}, {"model": ["mlp"], "degree": [15], "hidden_units": [30],
                         "noise": [0.0], "n_samples": [80]}, _fitting, _mlp_for_its_slider),
    "playground": Case({}, {"dataset": ["spirals"], "hidden_layers": [0], "neurons": [9],
                            "activation": ["relu"], "optimizer": ["momentum"],
                            "learning_rate": [0.3], "batch_size": [4]}, _playground,
                       _train_a_little),
}


def _assert_equal(drawn, expected, where):
    if isinstance(expected, (str, bool, dict)) or (
            isinstance(expected, list) and expected and isinstance(expected[0], (str, bool))):
        assert drawn == expected, where
        return
    if isinstance(expected, tuple) and not isinstance(drawn, np.ndarray):
        assert len(drawn) == len(expected), where
        for part, want in zip(drawn, expected, strict=True):
            np.testing.assert_allclose(np.asarray(part, float), np.asarray(want, float),
                                       err_msg=where)
        return
    np.testing.assert_allclose(np.asarray(drawn, float), np.asarray(expected, float),
                               err_msg=where)


def assert_drawn(widget, explorer, where=""):
    """What ``widget`` shows is what its compute function gives for its controls' values."""
    assert widget.error.value == "", widget.error.value
    for k, (shown, expected) in enumerate(CASES[explorer].drawn(widget)):
        _assert_equal(shown, expected, f"{explorer}{where}: pair {k} of its DRAWN function")


@pytest.fixture(scope="module")
def built():
    """Each explorer's widget and its initial values, built once for all its controls: every
    test leaves its widget as it found it (and a failed test has it built again)."""
    return {}


def _widget(built, explorer):
    if explorer not in built:
        widget = getattr(nl.explorers, explorer)(**CASES[explorer].kwargs)
        built[explorer] = widget, widget.values()
    return built[explorer]


@pytest.mark.parametrize(("explorer", "control"),
                         [(e, c) for e, case in CASES.items() for c in case.moves])
def test_every_control_redraws_what_the_compute_function_gives(built, explorer, control):
    widget, initial = _widget(built, explorer)
    case = CASES[explorer]
    try:
        if case.setup:
            case.setup(widget, control)
        steps = list(case.moves[control])
        if steps[-1] != initial[control]:
            steps.append(initial[control])                     # and back
        for value in steps:
            before = bytes(widget.image.value)
            widget.controls[control].value = value
            assert_drawn(widget, explorer, f" with {control} = {value!r}")
            changed = bytes(widget.image.value) != before
            assert changed, f"{explorer}: {control} = {value!r} left the picture as it was"
        for name, value in initial.items():                    # undo the set-up
            if widget.controls[name].value != value:
                widget.controls[name].value = value
        assert widget.values() == initial
    except BaseException:
        del built[explorer]
        raise


@pytest.mark.parametrize("explorer", list(CASES))
def test_the_table_has_every_control_of_every_explorer(built, explorer):
    widget, _ = _widget(built, explorer)
    assert sorted(widget.controls) == sorted(CASES[explorer].moves)


def test_every_builder_is_in_the_table():
    assert sorted(CASES) == sorted(nl.explorers.__all__)

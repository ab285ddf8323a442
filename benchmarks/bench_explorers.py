"""How fast do the explorers answer a control? Run: ``python benchmarks/bench_explorers.py``.

For each explorer, the median time from a control's value change to the new picture
(the callback's compute and in-place artist updates, a forced Agg ``fig.canvas.draw()``
and the PNG sent to the widget), over ``--changes`` changes (at least 50). In the same run,
the common inline pattern on the same plot is the baseline: an ``interact``-style function
that builds a NEW figure for every change and renders it to PNG with
``savefig(bbox_inches="tight")``, as the inline backend does. Then the playground's training
speed: epochs per second on each 2-D data set with the Train button's background loop,
redrawing every few epochs. Finally the two ways of getting a figure to the browser that
were considered (see ``nnlessons/explorers/_wiring.py``).

Targets: neuron, activations and gradient descent <= 50 ms median, the others <= 120 ms,
every explorer >= 3x faster than the baseline, the playground >= 20 epochs/s.
Timings depend on the machine and on what else runs on it: the load average is printed,
and next to our wall-clock median the CPU time this process spent (the cost of our code
alone, whatever else competes for the processor).
"""

import argparse
import io
import os
import statistics
import time

import matplotlib

matplotlib.use("Agg")

import nnlessons as nl  # noqa: E402
from nnlessons.explorers import (  # noqa: E402
    activation_curves,
    capacity,
    descent,
    gradient_flow,
    neuron_plane,
    race,
    training_lab,
)

# explorer: (control moved, values cycled, its module, target in ms)
CASES = {
    "neuron": ("w1", [-3.0, -1.5, 0.0, 1.5, 3.0], neuron_plane, 50),
    "activations": ("z", [-3.0, -1.0, 0.5, 2.0, 4.0], activation_curves, 50),
    "gradient_descent": ("learning_rate", [0.02, 0.05, 0.1, 0.2, 0.4], descent, 50),
    "saturation": ("depth", [6, 8, 10, 12, 14], gradient_flow, 120),
    "optimizer_race": ("lr_adam", [0.1, 0.2, 0.3, 0.4, 0.5], race, 120),
    "fitting": ("degree", [2, 4, 6, 8, 10], capacity, 120),
    "playground": ("learning_rate", [0.01, 0.02, 0.03, 0.05, 0.1], training_lab, 120),
}


def median_ms(times):
    return 1000 * statistics.median(times)


def time_ours(widget, control, values, n_changes):
    """Median wall-clock and CPU milliseconds from a control change to the new picture."""
    times, cpu = [], []
    for i in range(n_changes):
        value = values[i % len(values)]
        if widget.controls[control].value == value:
            value = values[(i + 1) % len(values)]
        start, start_cpu = time.perf_counter(), time.process_time()
        widget.controls[control].value = value          # observer: compute, draw, PNG
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    assert widget.error.value == "", widget.error.value
    return median_ms(times), median_ms(cpu)


def baseline_figure(name, widget, module):
    """The same picture as the widget shows now, computed and drawn on a new figure."""
    blueprint, values = module.BLUEPRINT, widget.values()
    if name == "optimizer_race":
        data = race._race_of_controls(**values)
    elif name == "playground":
        data = widget.run
    else:
        data = blueprint.data(**values)
    fig, axes = blueprint.new_axes()
    blueprint.draw(axes, data)
    blueprint.lay_out(fig)
    return fig


def time_baseline(name, widget, control, values, module, n_changes):
    times = []
    for i in range(n_changes):
        with widget.hold():            # the widget only keeps track of the values here
            widget.controls[control].value = values[i % len(values)]
        start = time.perf_counter()
        fig = baseline_figure(name, widget, module)     # a new figure every time,
        buffer = io.BytesIO()                           # rendered as the inline backend does
        fig.savefig(buffer, format="png", bbox_inches="tight")
        times.append(time.perf_counter() - start)
    return median_ms(times)


def epochs_per_second(dataset, seconds):
    widget = nl.explorers.playground(dataset=dataset, hidden_layers=2, neurons=6)
    start, first = time.perf_counter(), widget.run.epoch
    frames = widget.buttons.frames
    widget.start()
    time.sleep(seconds)
    widget.stop()
    elapsed = time.perf_counter() - start
    return (widget.run.epoch - first) / elapsed, (widget.buttons.frames - frames) / elapsed


def transport(n_changes):
    """Agg + PNG into an ipywidgets.Image versus ipympl's Canvas, on the neuron figure."""
    from nnlessons.explorers._wiring import png_bytes

    rows = []
    widget = nl.explorers.neuron()
    fig, ax = widget.figure, widget.figure.axes[0]

    def change(i):
        neuron_plane.draw_neuron(ax, neuron_plane.neuron_data(i % 5 - 2.0, 1.0, 4.0),
                                 widget.artists)

    times = []
    for i in range(n_changes):
        start = time.perf_counter()
        change(i)
        widget.image.value = png_bytes(fig)
        times.append(time.perf_counter() - start)
    rows.append(("Agg draw + PNG -> ipywidgets.Image", median_ms(times)))
    try:
        from ipympl.backend_nbagg import Canvas, FigureManager
    except ImportError:
        return rows
    canvas = Canvas(fig)
    FigureManager(canvas, 0)
    times = []
    for i in range(n_changes):
        start = time.perf_counter()
        change(i)
        canvas.draw()                  # Agg draw, PNG diff, message to the front end
        times.append(time.perf_counter() - start)
    rows.append(("Agg draw + PNG diff -> ipympl Canvas", median_ms(times)))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=50, help="control changes (>= 50)")
    parser.add_argument("--seconds", type=float, default=4.0, help="training time per set")
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.2f} (on {os.cpu_count()} CPUs)")
    print(f"median over {args.changes} control changes, Agg, forced draw, PNG\n")
    header = (f"{'explorer':<18}{'control':<15}{'ours ms':>9}{'(cpu)':>7}{'inline ms':>11}"
              f"{'ratio':>8}{'target':>9}  result")
    print(header)
    print("-" * len(header))
    failures = 0
    for name, (control, values, module, target) in CASES.items():
        widget = getattr(nl.explorers, name)()
        ours, cpu = time_ours(widget, control, values, args.changes)
        base = time_baseline(name, widget, control, values, module, args.changes)
        ok = ours <= target and base / ours >= 3
        failures += not ok
        print(f"{name:<18}{control:<15}{ours:>9.1f}{cpu:>7.1f}{base:>11.1f}{base / ours:>7.1f}x"
              f"{'<=' + str(target):>9}  {'ok' if ok else 'MISSED'}")
    print("\nplayground training while drawing (2 hidden layers of 6, tanh, adam, batch 16)")
    for dataset in nl.datasets.TOY_DATASETS:
        rate, fps = epochs_per_second(dataset, args.seconds)
        failures += rate < 20
        print(f"  {dataset:<10}{rate:>7.1f} epochs/s, {fps:4.1f} pictures/s  "
              f"{'ok' if rate >= 20 else 'MISSED'} (target >= 20 epochs/s)")
    print("\nfigure transport on the neuron explorer (median ms per change)")
    for label, ms in transport(args.changes):
        print(f"  {label:<40}{ms:>7.1f}")
    print(f"\nload average after: {os.getloadavg()[0]:.2f}")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The package's layers point down: core math < plots < explorers; exercises on the core.

Each rule imports modules in a fresh Python process and lists what that loaded
(``sys.modules``), so an import hidden anywhere in a module's import chain breaks the rule.
One test per rule; each starts a subprocess, hence ``slow``.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

CORE = ("activations", "losses", "network", "persistence", "gradcheck", "optim", "training",
        "progress", "datasets", "metrics", "features", "model_selection", "initializers",
        "_validation")
"""The core modules: numpy only, usable from a script with no display and no notebook."""

EXTERNAL_UI = ("matplotlib", "ipywidgets", "IPython")
UPPER = ("nnlessons.plots", "nnlessons.explorers", "nnlessons.exercises", "nnlessons.grading")


def loaded_after(*modules):
    """The names in ``sys.modules`` of a fresh process after importing ``modules``."""
    code = ("import importlib, json, sys\n"
            f"for name in {list(modules)!r}:\n"
            "    importlib.import_module(name)\n"
            "print(json.dumps(sorted(sys.modules)))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def offending(loaded, packages):
    """The loaded modules that are one of ``packages`` or inside one of them."""
    return [m for m in loaded if any(m == p or m.startswith(p + ".") for p in packages)]


@pytest.mark.slow
def test_the_core_loads_no_drawing_widgets_or_upper_layers():
    modules = ["nnlessons", *(f"nnlessons.{name}" for name in CORE)]
    assert offending(loaded_after(*modules), EXTERNAL_UI + UPPER) == []


# Holds once plots.py takes its drawing helpers from the plotting-layer module instead of
# nnlessons.explorers._figures; until then it fails on purpose (it asserts the contract).
@pytest.mark.slow
def test_plots_load_no_explorer_and_no_widgets():
    assert offending(loaded_after("nnlessons.plots"), ("nnlessons.explorers", "ipywidgets")) == []


@pytest.mark.slow
def test_exercises_load_no_plots_explorers_matplotlib_or_widgets():
    forbidden = ("nnlessons.plots", "nnlessons.explorers", "matplotlib", "ipywidgets")
    assert offending(loaded_after("nnlessons.exercises"), forbidden) == []


# This rule holds once the drawing helpers shared by plots and explorers (new_figure,
# grid_points, network_layout, ...) live in their plotting-layer module and nl.plots stops
# re-exporting them; until then it fails on purpose: it asserts the contract, not today's state.
@pytest.mark.slow
def test_plots_export_only_plot_functions():
    code = ("import inspect, json, nnlessons.plots as p\n"
            "public = [n for n in dir(p) if not n.startswith('_')]\n"
            "print(json.dumps({'all': list(p.__all__), 'defs': [n for n in public if "
            "inspect.isfunction(getattr(p, n)) or inspect.isclass(getattr(p, n))]}))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120)
    assert result.returncode == 0, result.stderr
    names = json.loads(result.stdout.splitlines()[-1])
    assert [n for n in names["all"] if not n.startswith("plot_")] == []
    assert [n for n in names["defs"] if not n.startswith("plot_")] == []

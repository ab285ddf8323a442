"""Shared test helpers, and the fast lane.

``require(name)`` imports an optional reference (PyTorch, scikit-learn, nbgrader, the browser):
outside CI a missing one skips the test with the reason; in CI (``CI=true``) it fails, so a
green CI run always includes the comparisons against the independent references.

The fast lane, ``pytest -m "not slow"`` (``python3 course.py test -m "not slow"``), runs the
unit tests and the doctests in under a minute. Slow, and so left to the full run (CI), are:
every notebook cell that nbval runs, the tests listed in ``SLOW`` below, and any test
marked ``@pytest.mark.slow`` where it is written. A test that starts a subprocess (a kernel,
a Jupyter server, a browser, a command) without being slow fails, naming this rule, so the
fast lane stays fast as tests are added.
"""

import importlib
import os
import shutil
import subprocess

import pytest

#: Tests that start a kernel, a Jupyter server, a browser or a subprocess, or take seconds
#: (``--durations=30`` shows them), by file: "*" for every test of the file, else the test
#: functions' names, or one parametrised case as "name[id]".
SLOW = {
    "test_browser.py": "*",                         # JupyterLab in chromium
    "test_grading_notebooks.py": {"test_solutions_score_full_marks",    # every lesson,
                                  "test_student_notebooks_score_zero_without_errors"},  # kernels
    "test_grading_defences.py": "*",                # crafted submissions in kernels
    "test_grading_nbgrader.py": {"test_generate_assignment_removes_solutions_and_hidden_tests",
                                 "test_nnlessons_grade_agrees_with_nbgrader"},
    "test_authoring.py": {"test_command_line",
                          "test_refresh_keeps_only_checked_outputs_and_the_release_runs",
                          "test_refresh_reports_a_failing_solution"},
    "test_cli.py": {"test_grade_writes_every_output_and_exits_0"},
    "test_datasets.py": {"test_package_never_imports_scikit_learn"},
    "test_style.py": {"test_ruff_finds_nothing"},
    # the capstone trains a digit classifier: seconds per test
    "test_exercises_capstone.py": {"test_a_trained_classifier_passes_every_bar",
                                   "test_partial_credit_by_accuracy_bands"},
    "test_exercises.py": {
        "test_reference_passes_every_public_and_hidden_case[train_digit_classifier]",
        "test_hidden_case_messages_never_show_inputs_or_expected_values[train_digit_classifier]"},
}


def _is_slow(item):
    if item.path.suffix == ".ipynb":                # a notebook cell, run by nbval
        return True
    names = SLOW.get(item.path.name, ())
    return names == "*" or item.name in names or getattr(item, "originalname", None) in names


def pytest_collection_modifyitems(config, items):
    for item in items:
        if _is_slow(item) and not item.get_closest_marker("slow"):
            item.add_marker(pytest.mark.slow)


_started = []                     # what the current test started with subprocess.Popen
_popen_init = subprocess.Popen.__init__


def _recording_init(self, args, *rest, **kwargs):
    _started.append(args)
    return _popen_init(self, args, *rest, **kwargs)


def pytest_configure(config):
    subprocess.Popen.__init__ = _recording_init


def pytest_unconfigure(config):
    subprocess.Popen.__init__ = _popen_init


def _check_started(item):
    started, _started[:] = list(_started), []
    if started and not item.get_closest_marker("slow"):
        raise AssertionError(
            f"{item.nodeid} started a subprocess ({started[0]!r}) but is not marked slow: "
            "add it to SLOW in tests/conftest.py or mark it @pytest.mark.slow")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):
    _started.clear()
    result = yield
    _check_started(item)
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    result = yield
    _check_started(item)
    return result


def in_ci():
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require(module):
    """Import and return ``module``; skip (or fail in CI) when it is not installed."""
    try:
        return importlib.import_module(module)
    except ImportError:
        message = f"{module} is not installed"
        if in_ci():
            pytest.fail(message + " (required in CI)")
        pytest.skip(message)


def require_program(path_or_name):
    """Return the path of an executable; skip (or fail in CI) when it is missing."""
    found = shutil.which(path_or_name)
    if found is None:
        message = f"{path_or_name} is not installed"
        if in_ci():
            pytest.fail(message + " (required in CI)")
        pytest.skip(message)
    return found

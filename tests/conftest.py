"""Shared test helpers.

``require(name)`` imports an optional reference (PyTorch, scikit-learn, nbgrader, the browser):
outside CI a missing one skips the test with the reason; in CI (``CI=true``) it fails, so a
green CI run always includes the comparisons against the independent references.
"""

import importlib
import os
import shutil

import pytest


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

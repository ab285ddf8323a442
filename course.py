"""Set up and run the nnlessons course: ``python3 course.py lab`` or ``python3 course.py test``.

Both commands create a virtual environment in ``.venv`` (once), install the package and
what the command needs into it, and then either open the lessons in JupyterLab or run the
whole test suite (unit tests, doctests and every notebook under nbval). Only Python 3.10+
is needed beforehand. Extra arguments are passed on to ``jupyter lab`` or ``pytest``.
"""

import hashlib
import os
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
# PyTorch is an independent reference for the tests; only a CPU build already on the
# package index's local mirror is taken, never a multi-gigabyte download.
TORCH = "torch==2.13.0"


def run(*cmd, check=True, **kwargs):
    print("+", " ".join(str(c) for c in cmd), flush=True)
    return subprocess.run([str(c) for c in cmd], check=check, **kwargs)


def pip(*args, check=True, quiet=True):
    return run(PYTHON, "-m", "pip", *args, *(["-q"] if quiet else []), check=check)


def ensure_env(extras):
    """Create .venv and install the package with ``extras``, skipping work already done."""
    if sys.version_info < (3, 10):
        sys.exit(f"nnlessons needs Python 3.10 or newer, this is {sys.version.split()[0]}")
    if not PYTHON.exists():
        print(f"Creating a virtual environment in {VENV} ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    pyproject = (ROOT / "pyproject.toml").read_bytes()
    stamp = VENV / f".installed-{extras}"
    digest = hashlib.sha256(pyproject).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return
    pip("install", "-e", f"{ROOT}[{extras}]")
    if "test" in extras:
        ensure_torch()
    stamp.write_text(digest)


def ensure_torch():
    """Install the CPU PyTorch reference when a local wheel of it is available."""
    if run(PYTHON, "-c", "import torch", check=False, capture_output=True).returncode == 0:
        return
    with tempfile.TemporaryDirectory() as tmp:
        probe = pip("download", "--no-index", "--no-deps", "-d", tmp, TORCH, check=False)
    if probe.returncode == 0:
        pip("install", TORCH)
    else:
        print("PyTorch CPU wheel not available offline: the tests that compare against "
              "PyTorch will be skipped.", flush=True)


def lab(args):
    ensure_env("lab")
    os.chdir(ROOT)
    # The course folder is the root, so notebooks/ and solutions/ are both in the file browser.
    run(BIN / "jupyter", "lab", f"--ServerApp.root_dir={ROOT}", "notebooks/00_start_here.ipynb",
        *args)


def test(args):
    ensure_env("test,reference")
    os.chdir(ROOT)
    return run(PYTHON, "-m", "pytest", *args, check=False).returncode


def main(argv):
    commands = {"lab": lab, "test": test}
    if not argv or argv[0] not in commands:
        sys.exit("usage: python3 course.py lab | test  [extra arguments]")
    return commands[argv[0]](argv[1:]) or 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

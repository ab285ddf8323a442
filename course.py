"""Set up and run the nnlessons course: ``python3 course.py lab``, ``test`` or ``site``.

Each command creates a virtual environment in ``.venv`` (once), installs the package and
what the command needs into it, and then opens the lessons in JupyterLab (``lab``), runs
the whole test suite (``test``: unit tests, doctests and every notebook under nbval), or
builds the course website into ``site/`` (``site``). Only Python 3.10+ is needed
beforehand. Extra arguments are passed on to ``jupyter lab``, ``pytest`` or the site
builder (``python -m nnlessons.website --help``).

A ``.venv`` that is half made (no Python, no pip, or an install that failed or was
interrupted) is noticed and rebuilt. ``lab`` hands the process over to JupyterLab, so
Ctrl-C stops JupyterLab itself and nothing is left running.
"""

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
# Written before an install starts and removed when it succeeds: if it is still there, the
# last install failed or was interrupted, and the environment is rebuilt.
INSTALLING = VENV / ".install-unfinished"
# PyTorch is an independent reference for the tests; only a CPU build already on the
# package index's local mirror is taken, never a multi-gigabyte download.
TORCH = "torch==2.13.0"
LESSON = "notebooks/00_start_here.ipynb"


def say(text):
    print(text, flush=True)


def run(*cmd, check=True, **kwargs):
    say("+ " + " ".join(str(c) for c in cmd))
    return subprocess.run([str(c) for c in cmd], check=check, **kwargs)


def pip(*args, check=True, **kwargs):
    # No -q: pip's own lines (Collecting ..., the download bars) show that work is going on.
    return run(PYTHON, "-m", "pip", *args, "--disable-pip-version-check", check=check,
               **kwargs)


def venv_problem():
    """Why ``.venv`` cannot be used as it is (a sentence), or None when it is sound."""
    if not VENV.exists():
        return None
    if INSTALLING.exists():
        return "the last install into it did not finish"
    if not PYTHON.exists():
        return f"it has no Python ({PYTHON} is missing or points nowhere)"
    probe = subprocess.run([str(PYTHON), "-c", "import pip"], capture_output=True)
    if probe.returncode != 0:
        return "its Python cannot run pip (No module named pip)"
    return None


def make_venv():
    """Create ``.venv`` (rebuilding a half-made one) unless a sound one is there."""
    problem = venv_problem()
    if problem:
        say(f"The environment in {VENV} is incomplete: {problem}. Rebuilding it ...")
        shutil.rmtree(VENV)
    if not VENV.exists():
        say(f"[1/3] Creating a virtual environment in {VENV} ...")
        try:
            venv.EnvBuilder(with_pip=True).create(VENV)
        except (subprocess.CalledProcessError, OSError) as err:
            shutil.rmtree(VENV, ignore_errors=True)
            sys.exit(f"Could not create {VENV} ({err}). On Debian or Ubuntu, "
                     "`apt install python3-venv` provides what is missing.")


def ensure_env(extras):
    """Create .venv and install the package with ``extras``, skipping work already done."""
    if sys.version_info < (3, 10):
        sys.exit(f"nnlessons needs Python 3.10 or newer, this is {sys.version.split()[0]}")
    make_venv()
    pyproject = (ROOT / "pyproject.toml").read_bytes()
    stamp = VENV / f".installed-{extras.replace(',', '-')}"
    digest = hashlib.sha256(pyproject).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return
    say(f"[2/3] Installing nnlessons with [{extras}] into .venv "
        "(a minute or two the first time; later runs skip this) ...")
    INSTALLING.write_text(extras)
    try:
        pip("install", "-e", f"{ROOT}[{extras}]")
    except subprocess.CalledProcessError:
        sys.exit("The install failed (see pip's message above). Fix the cause and run the "
                 "same command again: the environment will be rebuilt.")
    if "test" in extras:
        say("[3/3] Looking for the PyTorch reference ...")
        ensure_torch()
    stamp.write_text(digest)
    INSTALLING.unlink()


def torch_available():
    """Whether a PyTorch CPU wheel can be had without a download (pip's output hidden)."""
    with tempfile.TemporaryDirectory() as tmp:
        probe = subprocess.run(
            [str(PYTHON), "-m", "pip", "download", "--no-index", "--no-deps",
             "--disable-pip-version-check", "-q", "-d", tmp, TORCH],
            capture_output=True)
    return probe.returncode == 0


def ensure_torch():
    """Install the CPU PyTorch reference when a local wheel of it is available."""
    if subprocess.run([str(PYTHON), "-c", "import torch"], capture_output=True).returncode == 0:
        return
    if torch_available():
        pip("install", TORCH)
    else:
        say("PyTorch is not available offline here: the tests that compare against "
            "PyTorch will be skipped.")


def lab_command(args, euid=None):
    """The ``jupyter lab`` command line for ``args`` (adds --allow-root when run as root)."""
    if euid is None:
        euid = os.geteuid() if hasattr(os, "geteuid") else 1
    # The lesson as a file argument opens it in the browser JupyterLab starts; as the default
    # URL, the address JupyterLab prints (with --no-browser, in a container) opens it too.
    command = [str(BIN / "jupyter"), "lab", f"--ServerApp.root_dir={ROOT}",
               f"--LabApp.default_url=/lab/tree/{LESSON}", LESSON]
    if euid == 0 and "--allow-root" not in args:
        command.append("--allow-root")
    return command + list(args)


def lab(args):
    ensure_env("lab")
    os.chdir(ROOT)
    command = lab_command(args)
    remote = any(a.startswith("--ip") for a in args)
    say("\nStarting JupyterLab with lesson 00 open; below, it prints the address to open "
        "(http://localhost:8888/lab/tree/...?token=...).")
    if not remote:
        say("In a container (Docker) or on a remote machine, start it with\n"
            "    python3 course.py lab --ip=0.0.0.0 --no-browser\n"
            "and open that address with the machine's name in place of localhost.")
    say("Stop it with Ctrl-C twice (or Ctrl-C, then y).\n")
    if os.name == "nt":   # no exec on Windows: wait for JupyterLab and pass its exit status on
        try:
            return subprocess.call(command)
        except KeyboardInterrupt:
            return 130
    # Hand this process over to JupyterLab: Ctrl-C reaches it directly, it shuts its
    # kernels down itself, and no course.py is left waiting around it.
    os.execv(command[0], command)


def test(args):
    ensure_env("test,reference")
    os.chdir(ROOT)
    return run(PYTHON, "-m", "pytest", *args, check=False).returncode


def site(args):
    ensure_env("site")
    os.chdir(ROOT)
    return run(PYTHON, "-m", "nnlessons.website", *args, check=False).returncode


COMMANDS = {"lab": lab, "test": test, "site": site}


def main(argv):
    if not argv or argv[0] not in COMMANDS:
        sys.exit("usage: python3 course.py lab | test | site  [extra arguments]")
    try:
        return COMMANDS[argv[0]](argv[1:]) or 0
    except KeyboardInterrupt:
        say("\nInterrupted.")
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

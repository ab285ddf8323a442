"""course.py: the first run (a half-made .venv, progress, root, PyTorch probe) and ``lab``.

The functions are tested with the subprocess calls replaced; one slow test really runs
``course.py lab`` in a copy of the course that reuses an installed environment, waits for
JupyterLab to answer, sends Ctrl-C (SIGINT) and checks that it stopped cleanly.
"""

import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def course(tmp_path, monkeypatch):
    """course.py loaded as a module whose course folder is ``tmp_path``."""
    spec = importlib.util.spec_from_file_location("course_under_test", ROOT / "course.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    monkeypatch.setattr(module, "ROOT", tmp_path)
    monkeypatch.setattr(module, "VENV", tmp_path / ".venv")
    monkeypatch.setattr(module, "BIN", tmp_path / ".venv" / "bin")
    monkeypatch.setattr(module, "PYTHON", tmp_path / ".venv" / "bin" / "python")
    monkeypatch.setattr(module, "INSTALLING", tmp_path / ".venv" / ".install-unfinished")
    return module


class FakeRuns:
    """Records subprocess.run calls; ``fail`` maps a word in the command to a return code."""

    def __init__(self, fail=None):
        self.calls, self.fail = [], fail or {}

    def __call__(self, cmd, check=False, **kwargs):
        cmd = [str(c) for c in cmd]
        self.calls.append((cmd, kwargs))
        code = next((rc for word, rc in self.fail.items() if word in " ".join(cmd)), 0)
        if check and code:
            raise subprocess.CalledProcessError(code, cmd)
        return SimpleNamespace(returncode=code, stdout=b"", stderr=b"")


def fake_python(course):
    course.BIN.mkdir(parents=True)
    course.PYTHON.write_text("#!/bin/sh\n")


def test_sound_venv_has_no_problem(course, monkeypatch):
    fake_python(course)
    monkeypatch.setattr(course.subprocess, "run", FakeRuns())
    assert course.venv_problem() is None


def test_missing_python_and_pip_and_unfinished_install_are_noticed(course, monkeypatch):
    assert course.venv_problem() is None          # no .venv yet: nothing to repair
    course.VENV.mkdir()
    assert "no Python" in course.venv_problem()
    fake_python(course)
    monkeypatch.setattr(course.subprocess, "run", FakeRuns(fail={"import pip": 1}))
    assert "pip" in course.venv_problem()
    course.INSTALLING.write_text("lab")
    assert "did not finish" in course.venv_problem()


def test_half_made_venv_is_rebuilt(course, monkeypatch, capsys):
    fake_python(course)
    (course.VENV / "leftover").write_text("x")
    monkeypatch.setattr(course.subprocess, "run", FakeRuns(fail={"import pip": 1}))
    created = []
    monkeypatch.setattr(course.venv, "EnvBuilder", lambda **kw: SimpleNamespace(
        create=lambda path: (created.append(Path(path)), Path(path).mkdir())))
    course.make_venv()
    assert created == [course.VENV]
    assert not (course.VENV / "leftover").exists()
    out = capsys.readouterr().out
    assert "incomplete" in out and "Rebuilding" in out


def test_install_shows_steps_and_pip_progress(course, monkeypatch, capsys):
    fake_python(course)
    runs = FakeRuns()
    monkeypatch.setattr(course.subprocess, "run", runs)
    course.ensure_env("lab")
    installs = [cmd for cmd, _ in runs.calls if "install" in cmd]
    assert installs and "-q" not in installs[0] and "--quiet" not in installs[0]
    out = capsys.readouterr().out
    assert "[2/3] Installing" in out
    assert not course.INSTALLING.exists()
    assert (course.VENV / ".installed-lab").exists()
    runs.calls.clear()
    course.ensure_env("lab")                      # done already: nothing runs
    assert not [cmd for cmd, _ in runs.calls if "install" in cmd]


def test_failed_install_leaves_a_mark_and_a_friendly_exit(course, monkeypatch):
    fake_python(course)
    monkeypatch.setattr(course.subprocess, "run", FakeRuns(fail={"install -e": 1}))
    with pytest.raises(SystemExit) as exit_info:
        course.ensure_env("lab")
    assert "install failed" in str(exit_info.value)
    assert course.INSTALLING.exists()             # the next run rebuilds .venv
    assert "did not finish" in course.venv_problem()


def test_missing_torch_is_one_quiet_line(course, monkeypatch, capsys):
    fake_python(course)
    runs = FakeRuns(fail={"import torch": 1, "download": 1})
    monkeypatch.setattr(course.subprocess, "run", runs)
    course.ensure_torch()
    probe = [kw for cmd, kw in runs.calls if "download" in cmd]
    assert probe and probe[0].get("capture_output"), "the probe must not print pip's errors"
    assert not [cmd for cmd, _ in runs.calls if "install" in cmd]
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and "PyTorch" in out[0] and "ERROR" not in out[0]


def test_torch_installed_when_a_wheel_is_there(course, monkeypatch):
    fake_python(course)
    runs = FakeRuns(fail={"import torch": 1})
    monkeypatch.setattr(course.subprocess, "run", runs)
    course.ensure_torch()
    assert [cmd for cmd, _ in runs.calls if "install" in cmd and course.TORCH in cmd]


def test_lab_command_adds_allow_root_only_for_root(course):
    as_root = course.lab_command(["--no-browser"], euid=0)
    assert "--allow-root" in as_root and as_root[1] == "lab"
    assert as_root[-1] == "--no-browser"
    assert "--allow-root" not in course.lab_command([], euid=1000)
    assert course.lab_command(["--allow-root"], euid=0).count("--allow-root") == 1
    assert course.LESSON in as_root
    assert f"--LabApp.default_url=/lab/tree/{course.LESSON}" in as_root


def test_lab_hands_over_to_jupyter_and_says_how_to_reach_it(course, monkeypatch, capsys):
    monkeypatch.setattr(course, "ensure_env", lambda extras: None)
    monkeypatch.chdir(course.ROOT)
    handed = []
    monkeypatch.setattr(course.os, "execv", lambda path, argv: handed.append((path, argv)))
    course.lab([])
    assert handed and handed[0][1][:2] == [str(course.BIN / "jupyter"), "lab"]
    out = capsys.readouterr().out
    assert "--ip=0.0.0.0 --no-browser" in out and "Ctrl-C" in out


def test_bad_command_prints_usage(course):
    with pytest.raises(SystemExit) as exit_info:
        course.main(["serve"])
    assert "lab | test | site" in str(exit_info.value)


def test_interrupted_setup_has_no_traceback(course, monkeypatch, capsys):
    def interrupted(extras):
        raise KeyboardInterrupt
    monkeypatch.setattr(course, "ensure_env", interrupted)
    assert course.main(["lab"]) == 130
    assert "Interrupted" in capsys.readouterr().out


def test_readme_gives_the_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for text in ("python3 course.py lab", "python3 course.py test", "python3 course.py site",
                 '-m "not slow"', "--ip=0.0.0.0 --no-browser", "constraints.txt",
                 ".venv/bin/nnlessons", "pip install"):
        assert text in readme, text
    assert "not on PyPI" in readme


def test_pyproject_excludes_the_blank_widgets_release():
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert "!=8.1.9" in text
    assert '"notebook>=7' in text.split("lab = [")[1].split("]")[0]


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answers(url):
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@pytest.mark.slow
def test_lab_starts_and_ctrl_c_stops_it_cleanly(tmp_path):
    """A copy of the course with an installed .venv: lab answers, SIGINT ends everything."""
    venv_python = Path(sys.prefix) / "bin" / "python"
    if not (Path(sys.prefix) / "bin" / "jupyter").exists():
        pytest.skip("needs the course's environment (run through python3 course.py test)")
    copy = tmp_path / "course"
    copy.mkdir()
    for name in ("course.py", "pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, copy / name)
    shutil.copytree(ROOT / "notebooks", copy / "notebooks",
                    ignore=shutil.ignore_patterns(".backup", ".ipynb_checkpoints"))
    # An "installed" environment: a venv that reuses this one's packages.
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", "--without-pip",
                    str(copy / ".venv")], check=True)
    site_packages = subprocess.run(
        [str(venv_python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True).stdout.strip()
    own = subprocess.run([str(copy / ".venv/bin/python"), "-c",
                          "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                         capture_output=True, text=True, check=True).stdout.strip()
    Path(own, "course_env.pth").write_text(site_packages + "\n" + str(ROOT) + "\n")
    (copy / ".venv/bin/jupyter").symlink_to(Path(sys.prefix) / "bin" / "jupyter")
    subprocess.run([str(copy / ".venv/bin/python"), "-c", "import pip"], check=True)
    digest = __import__("hashlib").sha256((copy / "pyproject.toml").read_bytes()).hexdigest()
    (copy / ".venv/.installed-lab").write_text(digest)

    port = _free_port()
    env = dict(os.environ)
    for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_RUNTIME_DIR", "JUPYTERLAB_SETTINGS_DIR",
                 "JUPYTERLAB_WORKSPACES_DIR"):
        env[name] = str(tmp_path / name.lower())
    process = subprocess.Popen(
        [sys.executable, str(copy / "course.py"), "lab", "--no-browser", f"--port={port}",
         "--ip=127.0.0.1", "--IdentityProvider.token=",
         "--ServerApp.port_retries=0"],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env=env, cwd=copy,
        # A terminal's Ctrl-C: SIGINT handled as usual even where this test's parent ignores it.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        deadline = time.monotonic() + 90
        while not _answers(f"http://127.0.0.1:{port}/api/status"):
            assert process.poll() is None, process.stdout.read()
            assert time.monotonic() < deadline, "JupyterLab did not answer in 90 s"
            time.sleep(0.5)
        assert _answers(f"http://127.0.0.1:{port}/api/contents/notebooks/00_start_here.ipynb")
        pid = process.pid
        time.sleep(3)                           # let start-up work finish, as a person would
        process.send_signal(signal.SIGINT)      # not a tty: one Ctrl-C shuts it down
        output, _ = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            print(process.communicate()[0])
    assert process.returncode == 0, output
    assert "Traceback" not in output, output
    assert "Interrupted" in output or "Shutting down" in output, output
    assert "--ip=0.0.0.0 --no-browser" not in output   # said only when no --ip is given
    assert not _answers(f"http://127.0.0.1:{port}/api/status"), "still serving"
    left = subprocess.run(["pgrep", "-f", f"port={port}"], capture_output=True, text=True)
    assert left.stdout.strip() in ("", str(pid)), f"left running: {left.stdout}"


def test_constraints_satisfy_the_declared_ranges():
    """constraints.txt pins a version of every declared requirement, inside its range."""
    requirements = require_module("packaging.requirements")
    tomllib = require_module("tomllib")
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    declared = list(pyproject["project"]["dependencies"])
    for extra in ("lab", "site", "test", "reference"):
        declared += pyproject["project"]["optional-dependencies"][extra]
    pinned = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, version = line.split("==")
            pinned[name.lower().replace("_", "-")] = version
    for text in declared:
        requirement = requirements.Requirement(text)
        name = requirement.name.lower().replace("_", "-")
        if name == "nnlessons":
            continue
        assert name in pinned, f"{name} is not in constraints.txt"
        assert requirement.specifier.contains(pinned[name], prereleases=True), \
            f"constraints.txt pins {name}=={pinned[name]}, outside {requirement.specifier}"


def require_module(name):
    return pytest.importorskip(name)

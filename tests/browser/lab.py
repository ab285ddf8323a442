"""A throw-away Jupyter server for the browser tests.

``JupyterServer`` copies a folder of notebooks into a temporary directory and serves it with
JupyterLab (``app="lab"``) or Notebook 7 (``app="notebook"``) on 127.0.0.1, on a free port,
with a random token and its own configuration, runtime, data, settings and workspace folders,
so that neither the repository nor the user's Jupyter setup is read or written. The "Jupyter
news" toast is switched off with a settings file (a command-line option does not hide it).

``stop()`` shuts the server down through its REST API, then terminates whatever is left of
the server and of the kernels it started (kernels run in their own sessions, so they are
found through the process tree rather than the process group). It is safe to call twice.
"""

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

# Settings written before the server starts: no news toast, no update check.
NOTIFICATION_SETTINGS = {"fetchNews": "false", "checkForUpdates": False}


def free_port():
    """Return a TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def descendants(pid):
    """Process ids of every descendant of ``pid`` (read from /proc; empty elsewhere)."""
    children = {}
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _die_with_parent():
    """In the child: ask Linux to send SIGTERM when the test process dies (even if killed),
    so that no server outlives an interrupted run (it then stops its kernels itself)."""
    if sys.platform.startswith("linux"):
        import ctypes

        PR_SET_PDEATHSIG = 1
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    stat = Path(f"/proc/{pid}/stat")
    try:  # a zombie is dead for our purposes
        return stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


class JupyterServer:
    """A JupyterLab or Notebook 7 server on loopback serving a temporary copy of ``notebooks``.

    Parameters
    ----------
    notebooks : path
        Folder copied into the temporary server root (the original is never written).
    app : {"lab", "notebook"}
        ``"lab"`` runs ``python -m jupyterlab``, ``"notebook"`` runs Notebook 7.
    startup_timeout : float
        Seconds to wait for ``/api/status`` to answer.
    save_log_to : path or None
        Where ``stop()`` copies the server's log before removing the temporary folder.
    extra_args : sequence of str
        More command-line options for the server.
    """

    def __init__(self, notebooks, app="lab", startup_timeout=90.0, save_log_to=None,
                 extra_args=()):
        if app not in ("lab", "notebook"):
            raise ValueError(f"app must be one of 'lab', 'notebook'; got {app!r}")
        self.notebooks = Path(notebooks)
        self.app = app
        self.startup_timeout = startup_timeout
        self.save_log_to = save_log_to
        self.extra_args = list(extra_args)
        self.token = secrets.token_hex(16)
        self.port = None
        self.process = None
        self.tmp = None
        self.log_path = None
        self._log = None

    # -- paths and URLs -------------------------------------------------------------------
    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.port}"

    def url(self, path):
        """The browser URL of ``path`` (e.g. ``lab/tree/x.ipynb``) with the token."""
        return f"{self.base_url}/{path.lstrip('/')}?token={self.token}"

    @property
    def root(self):
        return self.tmp / "root"

    def log_tail(self, n_chars=4000):
        try:
            return self.log_path.read_text(errors="replace")[-n_chars:]
        except (OSError, AttributeError):
            return ""

    # -- life cycle -----------------------------------------------------------------------
    def start(self):
        self.tmp = Path(tempfile.mkdtemp(prefix=f"nnl-{self.app}-"))
        shutil.copytree(self.notebooks, self.root)
        env = self._environment()
        settings = Path(env["JUPYTERLAB_SETTINGS_DIR"]) / "@jupyterlab" / "apputils-extension"
        settings.mkdir(parents=True)
        (settings / "notification.jupyterlab-settings").write_text(
            json.dumps(NOTIFICATION_SETTINGS))
        self.port = free_port()
        module = "jupyterlab" if self.app == "lab" else "notebook"
        command = [
            sys.executable, "-m", module, "--no-browser", "--allow-root",
            "--ip=127.0.0.1", f"--port={self.port}", "--port-retries=0",
            f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.root}", *self.extra_args,
        ]
        self.log_path = self.tmp / "server.log"
        self._log = open(self.log_path, "wb")  # closed in stop()
        self.process = subprocess.Popen(
            command, cwd=self.root, env=env, stdout=self._log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True, preexec_fn=_die_with_parent)
        self._wait_until_ready()
        return self

    def _environment(self):
        env = dict(os.environ)
        for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_RUNTIME_DIR", "JUPYTER_DATA_DIR",
                     "JUPYTERLAB_SETTINGS_DIR", "JUPYTERLAB_WORKSPACES_DIR", "IPYTHONDIR"):
            folder = self.tmp / name.lower()
            folder.mkdir()
            env[name] = str(folder)
        env["JUPYTER_PLATFORM_DIRS"] = "1"
        # The kernel runs the server's Python; make the repository's package importable
        # even when it is not installed in that environment.
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
        env["PATH"] = os.pathsep.join((str(Path(sys.executable).parent), env.get("PATH", "")))
        return env

    def _request(self, path, method="GET", timeout=5.0):
        request = urllib.request.Request(
            f"{self.base_url}/{path.lstrip('/')}", method=method,
            headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
        return json.loads(body) if body else None

    def _wait_until_ready(self):
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"jupyter {self.app} exited with code {self.process.returncode} before "
                    f"answering /api/status; log:\n{self.log_tail()}")
            try:
                self._request("api/status", timeout=2.0)
                return
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.25)
        raise TimeoutError(
            f"jupyter {self.app} did not answer /api/status within {self.startup_timeout} s; "
            f"log:\n{self.log_tail()}")

    def wait_for_connected_kernel(self, timeout=90.0):
        """Wait until a kernel is idle with a browser connected to it (from the REST API)."""
        deadline = time.monotonic() + timeout
        kernels = []
        while time.monotonic() < deadline:
            kernels = self._request("api/kernels") or []
            if any(k.get("execution_state") == "idle" and k.get("connections", 0) > 0
                   for k in kernels):
                return
            time.sleep(0.25)
        raise TimeoutError(f"no idle kernel with a browser connection after {timeout} s: "
                           f"{kernels}")

    def stop(self):
        """Shut down the server and every kernel it started; remove the temporary folder."""
        if self.process is not None:
            pid = self.process.pid
            family = descendants(pid)  # kernels and their helpers, before they are orphaned
            if self.process.poll() is None:
                try:
                    self._request("api/shutdown", method="POST", timeout=5.0)
                    self.process.wait(timeout=15)
                except (OSError, urllib.error.URLError, subprocess.TimeoutExpired):
                    pass
            if self.process.poll() is None:
                self._signal_group(pid, signal.SIGTERM)
                try:
                    self.process.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    self._signal_group(pid, signal.SIGKILL)
                    self.process.wait(timeout=5)
            for child in family + descendants(pid):
                if _alive(child):
                    try:
                        os.kill(child, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
            self.process = None
        if self._log is not None:
            self._log.close()
            self._log = None
            if self.save_log_to is not None:
                Path(self.save_log_to).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(self.log_path, self.save_log_to)
        if self.tmp is not None:
            shutil.rmtree(self.tmp, ignore_errors=True)
            self.tmp = None

    @staticmethod
    def _signal_group(pid, sig):
        try:
            os.killpg(pid, sig)
        except (ProcessLookupError, PermissionError):
            pass

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

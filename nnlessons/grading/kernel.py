"""One learner kernel, driven by the grader: start, run code under a deadline, stop.

The grader runs every submission in a fresh IPython kernel of its own, started in a fresh
temporary directory, with a memory limit (``RLIMIT_AS``) set before any of the learner's
code runs. :meth:`KernelSession.run` sends one piece of code and waits for it under a
wall-clock deadline; when the deadline passes it interrupts the kernel, and if the code
swallows the ``KeyboardInterrupt`` it kills the kernel's whole process group. Outputs are
counted, never stored (a submission may print megabytes); only the error of a cell is
kept, truncated. Results of exercise calls travel back as display messages of one MIME
type (:data:`RESULT_MIME`) and are returned untouched: judging them is the caller's job.

Introduced for instructors (docs/instructors.md); it is not part of any lesson. Left out:
isolation from the file system, the network and other processes of the same user, which
needs a container per submission (docs/threat-model.md).
"""

import os
import queue
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field

from jupyter_client import KernelManager
from jupyter_client.kernelspec import KernelSpec, KernelSpecManager

from .kernel_side import RESULT_MIME

#: How long an interrupted kernel may take to stop before it is killed.
INTERRUPT_GRACE = 2.0
_MAX_ERROR_CHARS = 2000
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
# Only these variables of the grader's environment reach a kernel (no tokens, no secrets).
_ENV_KEEP = ("PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR", "PYTHONPATH",
             "VIRTUAL_ENV", "SYSTEMROOT")

_SETUP = """\
def _nnlessons_setup(limit):
    import resource
    if limit:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    def ask_exit():  # exit() and quit() would end the kernel a moment later, at random
        raise SystemExit("exit() does not end the kernel while grading")

    get_ipython().ask_exit = ask_exit
_nnlessons_setup({limit!r})
del _nnlessons_setup
"""


class _ThisPython(KernelSpecManager):
    """Always the ipykernel of the grader's own Python, whatever kernels are installed."""

    def get_kernel_spec(self, kernel_name):
        from ipykernel.kernelspec import get_kernel_dict

        spec = {k: v for k, v in get_kernel_dict().items() if k != "kernel_protocol_version"}
        spec["metadata"] = {}
        return KernelSpec(resource_dir="", **spec)


def truncate(text, limit=_MAX_ERROR_CHARS):
    """Strip terminal colours from ``text`` and cut it to ``limit`` characters.

    Examples
    --------
    >>> truncate("\\x1b[31mValueError\\x1b[0m: " + "x" * 50, limit=20)
    'ValueError: xxxxxxxx [... 42 more characters]'
    """
    text = _ANSI.sub("", str(text))
    if len(text) <= limit:
        return text
    return f"{text[:limit]} [... {len(text) - limit} more characters]"


@dataclass
class RunResult:
    """What happened to one piece of code sent to the kernel.

    ``status`` is ``"ok"``, ``"error"`` (the code raised), ``"timeout"`` (stopped by an
    interrupt; the kernel still works), ``"killed"`` (it ignored the interrupt and the
    kernel was killed) or ``"died"`` (the kernel process ended by itself).
    """

    status: str
    error: str = ""
    output_bytes: int = 0
    seconds: float = 0.0
    results: list = field(default_factory=list)


class KernelSession:
    """A learner kernel in its own temporary directory.

    Parameters
    ----------
    memory_limit : int or None
        Bytes of address space the kernel may use (``RLIMIT_AS``); None for no limit.
    env : dict, optional
        Extra environment variables for the kernel.
    startup_timeout : float, default 60
        Seconds to wait for the kernel to answer after it starts.

    Examples
    --------
    >>> with KernelSession(memory_limit=None) as kernel:  # doctest: +SKIP
    ...     kernel.run("print(1 + 1)", timeout=10).status
    'ok'
    """

    def __init__(self, memory_limit=None, env=None, startup_timeout=60.0):
        self.memory_limit = memory_limit
        self.extra_env = dict(env or {})
        self.startup_timeout = startup_timeout
        self.workdir = self._root = None
        self._manager = None
        self._client = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.close()

    def _environment(self):
        env = {k: v for k, v in os.environ.items() if k in _ENV_KEEP or k.startswith("LC_")}
        env.update(PYTHONHASHSEED="0", PYTHONNOUSERSITE="1", PYTHONDONTWRITEBYTECODE="1",
                   IPYTHONDIR=os.path.join(self._root, "ipython"),
                   OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
        env.update(self.extra_env)
        return env

    def start(self, files=(), attempts=3):
        """Start a fresh kernel in a fresh temporary directory holding copies of ``files``.

        The kernel talks to the grader over Unix sockets in a sibling directory (no TCP
        port, so no race for free ports when many kernels start at once).

        Raises
        ------
        RuntimeError
            When the kernel does not start (a grader failure, not the learner's).
        """
        for attempt in range(1, attempts + 1):
            self.close()
            self._root = tempfile.mkdtemp(prefix="nnlessons-grade-")
            self.workdir = os.path.join(self._root, "work")
            sockets = os.path.join(self._root, "kernel")
            os.mkdir(self.workdir)
            os.mkdir(sockets, mode=0o700)
            for path in files:
                shutil.copyfile(path, os.path.join(self.workdir, os.path.basename(path)))
            self._manager = KernelManager(
                kernel_name="python3", kernel_spec_manager=_ThisPython(),
                transport="ipc", ip=os.path.join(sockets, "ipc"),
                connection_file=os.path.join(sockets, "connection.json"))
            try:
                self._manager.start_kernel(
                    cwd=self.workdir, env=self._environment(),
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                    extra_arguments=["--HistoryManager.hist_file=:memory:"])
                self._client = self._manager.client()
                self._client.start_channels()
                self._client.wait_for_ready(timeout=self.startup_timeout)
                setup = self.run(_SETUP.format(limit=self.memory_limit),
                                 timeout=self.startup_timeout)
                if setup.status != "ok":
                    raise RuntimeError(f"the setup code failed: {setup.error}")
                return
            except Exception as err:
                self.close()
                if attempt == attempts:
                    raise RuntimeError(f"the grading kernel did not start: {err}") from err

    def alive(self):
        """Whether the kernel process is still running."""
        return self._manager is not None and self._manager.is_alive()

    def run(self, code, timeout):
        """Execute ``code`` and wait at most ``timeout`` seconds for it to finish.

        Parameters
        ----------
        code : str
            Python source for the kernel.
        timeout : float
            Wall-clock seconds before the kernel is interrupted.

        Returns
        -------
        RunResult
        """
        if not self.alive():
            return RunResult("died", "the kernel is not running")
        start = time.monotonic()
        msg_id = self._client.execute(code, silent=False, store_history=False,
                                      allow_stdin=False, stop_on_error=False)
        result = RunResult("ok")
        status = self._collect(msg_id, start + timeout, result)
        if status == "late":
            try:
                self._manager.interrupt_kernel()
            except Exception:  # the kernel died at the same moment
                pass
            status = self._collect(msg_id, time.monotonic() + INTERRUPT_GRACE, result)
            if status == "late":
                self.kill()
                status = "killed"
            elif status == "idle":
                status = "timeout"
            result.error = f"stopped after {timeout:g} s (the time limit)"
        elif status == "idle":
            status = "error" if result.error else "ok"
        result.status = status
        result.seconds = time.monotonic() - start
        return result

    def _collect(self, msg_id, deadline, result):
        """Read the kernel's messages for ``msg_id`` until it is idle, dies or is late."""
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return "late"
            try:
                msg = self._client.get_iopub_msg(timeout=min(remaining, 0.25))
            except queue.Empty:
                if not self.alive():
                    result.error = result.error or "the kernel died"
                    return "died"
                continue
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "status" and content.get("execution_state") == "idle":
                return "idle"
            if kind == "stream":
                result.output_bytes += len(content.get("text", ""))
            elif kind == "error":
                text = "\n".join(content.get("traceback") or []) or (
                    f"{content.get('ename')}: {content.get('evalue')}")
                result.error = truncate(text)
            elif kind in ("display_data", "execute_result", "update_display_data"):
                data = content.get("data") or {}
                if RESULT_MIME in data:
                    result.results.append(data[RESULT_MIME])
                else:
                    result.output_bytes += sum(len(str(v)) for v in data.values())

    def kill(self):
        """Kill the kernel's process group at once."""
        if self._client is not None:
            self._client.stop_channels()
            self._client = None
        if self._manager is not None:
            try:
                if self._manager.has_kernel:
                    self._manager.shutdown_kernel(now=True)
            finally:
                self._manager = None

    def close(self):
        """Kill the kernel and remove its temporary directories."""
        self.kill()
        if self._root is not None:
            shutil.rmtree(self._root, ignore_errors=True)
            self._root = self.workdir = None

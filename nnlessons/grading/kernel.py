"""One learner kernel, driven by the grader: start, run code under a deadline, stop.

The grader runs every submission in a fresh IPython kernel of its own, inside a
bubblewrap sandbox (:mod:`.sandbox`: read-only system and Python, no network, its own PID
namespace, its own user id, limits on memory, processes and file size), or, only when
asked (``--no-sandbox``), as a plain process with a memory limit. :meth:`KernelSession.run`
sends one piece of code and waits for it under a wall-clock deadline; when the deadline
passes it interrupts the kernel, and if the code swallows the ``KeyboardInterrupt`` it
kills the kernel (and, in the sandbox, every process it started). Printed text goes to
/dev/null in the kernel, other outputs are counted, never stored; only the error of a cell
is kept, truncated. Results of exercise calls travel back as display messages of one MIME
type (:data:`RESULT_MIME`), capped in number and size (the grader's memory stays bounded
whatever the kernel sends: zmq drops messages over :data:`MAX_MESSAGE` bytes), and are
returned untouched: judging them is the caller's job. A message that cannot be parsed
ends the run with status ``"malformed"``.

Introduced for instructors (docs/instructors.md); it is not part of any lesson.
"""

import json
import os
import queue
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field

import zmq
from jupyter_client import KernelManager
from jupyter_client.kernelspec import KernelSpec, KernelSpecManager

from .kernel_side import RESULT_MIME
from .sandbox import KERNEL_ENV, RUNTIME

#: Largest message the grader accepts from a kernel (larger ones are dropped by zmq).
MAX_MESSAGE = 4 * 1024 ** 2
#: Result records kept per run, and their total size.
MAX_RECORDS = 400
MAX_RECORD_BYTES = 32 * 1024 ** 2

#: How long an interrupted kernel may take to stop before it is killed.
INTERRUPT_GRACE = 2.0
_MAX_ERROR_CHARS = 2000
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
# Without the sandbox, only these variables of the grader's environment reach a kernel.
_ENV_KEEP = ("PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR", "VIRTUAL_ENV",
             "SYSTEMROOT")

_SETUP = """\
def _nnlessons_setup(limit):
    import os, resource, sys
    if limit:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    # Printed text is not graded: it goes nowhere (megabytes of it cost nothing).
    sys.stdout = sys.stderr = open(os.devnull, "w")

    def ask_exit():  # exit() and quit() would end the kernel a moment later, at random
        raise SystemExit("exit() does not end the kernel while grading")

    get_ipython().ask_exit = ask_exit
_nnlessons_setup({limit!r})
del _nnlessons_setup
"""


class _ThisPython(KernelSpecManager):
    """Always the ipykernel of the grader's own Python, whatever kernels are installed;
    inside the sandbox when ``sandbox`` is given."""

    def __init__(self, sandbox=None, sockets=None, runtime=None, slot=0, **kwargs):
        super().__init__(**kwargs)
        self.sandbox, self.sockets, self.runtime, self.slot = sandbox, sockets, runtime, slot
        self.uid = None

    def get_kernel_spec(self, kernel_name):
        argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}",
                "--HistoryManager.hist_file=:memory:"]
        spec = {"argv": argv, "display_name": "Python 3 (grading)", "language": "python",
                "metadata": {}}
        if self.sandbox is not None:
            spec["argv"], self.uid = self.sandbox.command(argv, self.sockets, self.runtime,
                                                          self.slot)
            spec["interrupt_mode"] = "message"  # a signal would not cross into the sandbox
        return KernelSpec(resource_dir="", **spec)


class _Manager(KernelManager):
    """A kernel manager whose connection file the sandboxed user can read."""

    def write_connection_file(self, **kwargs):
        super().write_connection_file(**kwargs)
        uid = self.kernel_spec_manager.uid
        if uid is not None:
            os.chown(self.connection_file, uid, uid)


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
    kernel was killed), ``"died"`` (the kernel process ended by itself) or
    ``"malformed"`` (it sent a message the grader could not parse; the kernel was killed).
    """

    status: str
    error: str = ""
    output_bytes: int = 0
    seconds: float = 0.0
    results: list = field(default_factory=list)
    dropped: int = 0


class KernelSession:
    """A learner kernel with a private home, in the sandbox unless ``sandbox`` is None.

    Parameters
    ----------
    memory_limit : int or None
        Bytes of address space the kernel may use (``RLIMIT_AS``); None for no limit.
    sandbox : Sandbox or None
        Where the kernel runs (:class:`~nnlessons.grading.sandbox.Sandbox`); None runs it
        as a plain process of the grader's user (``--no-sandbox``).
    runtime : str
        The folder holding the kernel-side code (``_nlgrade``).
    slot : int
        Which of the kernels running at once this is (its user id in the sandbox).
    startup_timeout : float, default 60
        Seconds to wait for the kernel to answer after it starts.

    Examples
    --------
    >>> with KernelSession(memory_limit=None) as kernel:  # doctest: +SKIP
    ...     kernel.run("print(1 + 1)", timeout=10).status
    'ok'
    """

    def __init__(self, memory_limit=None, sandbox=None, runtime=None, slot=0, env=None,
                 startup_timeout=60.0):
        self.memory_limit = memory_limit
        self.sandbox = sandbox
        self.runtime = runtime
        self.slot = slot
        self.extra_env = dict(env or {})
        self.startup_timeout = startup_timeout
        self.workdir = self._root = None
        self._manager = None
        self._client = None

    @property
    def runtime_path(self):
        """Where the kernel sees the runtime folder."""
        return RUNTIME if self.sandbox is not None else self.runtime

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.close()

    def _environment(self):
        if self.sandbox is not None:  # bwrap clears it and sets the kernel's own
            return {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
        env = {k: v for k, v in os.environ.items() if k in _ENV_KEEP or k.startswith("LC_")}
        env.update(KERNEL_ENV, IPYTHONDIR=os.path.join(self._root, "ipython"))
        env.update(self.extra_env)
        return env

    def start(self, attempts=3):
        """Start a fresh kernel with a fresh private folder.

        The kernel talks to the grader over Unix sockets in a private directory (no TCP
        port, no network needed, no race for free ports).

        Raises
        ------
        RuntimeError
            When the kernel does not start (a grader failure, not the learner's).
        """
        for attempt in range(1, attempts + 1):
            self.close()
            self._root = tempfile.mkdtemp(prefix="nnlessons-grade-")
            os.chmod(self._root, 0o755)
            self.workdir = os.path.join(self._root, "work")
            sockets = os.path.join(self._root, "kernel")
            os.mkdir(self.workdir)
            os.mkdir(sockets, mode=0o700)
            specs = _ThisPython(self.sandbox, sockets, self.runtime, self.slot)
            if self.sandbox is not None:
                specs.get_kernel_spec("python3")
                os.chown(sockets, specs.uid, specs.uid)
            self._manager = _Manager(
                kernel_name="python3", kernel_spec_manager=specs,
                transport="ipc", ip=os.path.join(sockets, "ipc"),
                connection_file=os.path.join(sockets, "connection.json"))
            try:
                self._manager.start_kernel(
                    cwd=self.workdir, env=self._environment(),
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                context = zmq.Context()
                context.setsockopt(zmq.MAXMSGSIZE, MAX_MESSAGE)
                context.setsockopt(zmq.RCVHWM, 64)
                self._context = context
                self._client = self._manager.client(context=context)
                self._client.start_channels()
                self._client.wait_for_ready(timeout=self.startup_timeout)
                limit = None if self.sandbox is not None else self.memory_limit
                setup = self.run(_SETUP.format(limit=limit), timeout=self.startup_timeout)
                if setup.status != "ok":
                    raise RuntimeError(f"the setup code failed: {setup.error}")
                if self.sandbox is not None:  # its sockets exist: the folder becomes read-only
                    os.chown(sockets, os.geteuid(), os.getegid())  # (on the host disk)
                    os.chmod(sockets, 0o755)
                return
            except Exception as err:
                self.close()
                if attempt == attempts:
                    raise RuntimeError(f"the grading kernel did not start: {err}") from err

    def case_file(self, lines):
        """Write ``lines`` (str, one case each) to a fresh file the kernel can read; its path.

        Case payloads travel this way, not in the code sent to the kernel: megabytes of
        source would be parsed, echoed and kept in the kernel's history, costing it
        several times their size. The file is created anew (never through a link the
        kernel may have planted) in the kernel's own folder, and removed with it.
        """
        folder = os.path.join(self._root, "kernel")
        path = os.path.join(folder, f"cases-{os.urandom(8).hex()}.jsonl")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            for line in lines:
                handle.write(line + "\n")
        return path

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
        timeout = max(float(timeout), 0.01)
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
            if status in ("late", "malformed"):
                self.kill()
                status = "killed" if status == "late" else status
            elif status == "idle":
                status = "timeout"
            result.error = f"stopped after {timeout:g} s (the time limit)"
        elif status == "idle":
            status = "error" if result.error else "ok"
        elif status == "malformed":
            self.kill()
        result.status = status
        result.seconds = time.monotonic() - start
        return result

    def _collect(self, msg_id, deadline, result):
        """Read the kernel's messages for ``msg_id`` until it is idle, dies or is late."""
        size = 0
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
            except Exception as err:  # not JSON, a bad signature, a broken frame
                result.error = f"the kernel sent a message the grader could not read " \
                               f"({type(err).__name__})"
                return "malformed"
            try:
                if type(msg) is not dict or type(msg.get("content")) is not dict:
                    raise TypeError("not a message")
                if msg["parent_header"].get("msg_id") != msg_id:
                    continue
                kind, content = msg["msg_type"], msg["content"]
            except (KeyError, TypeError, AttributeError) as err:
                result.error = f"the kernel sent a malformed message ({type(err).__name__})"
                return "malformed"
            if kind == "status" and content.get("execution_state") == "idle":
                return "idle"
            if kind == "stream":
                result.output_bytes += len(str(content.get("text", "")))
            elif kind == "error":
                tb = content.get("traceback")
                text = "\n".join(map(str, tb[:50])) if type(tb) is list and tb else (
                    f"{str(content.get('ename'))[:200]}: {str(content.get('evalue'))[:2000]}")
                result.error = truncate(text)
            elif kind in ("display_data", "execute_result", "update_display_data"):
                data = content.get("data")
                data = data if type(data) is dict else {}
                if RESULT_MIME in data:
                    record = data[RESULT_MIME]
                    cost = len(json.dumps(record)) if len(result.results) < MAX_RECORDS else 0
                    if len(result.results) < MAX_RECORDS and size + cost <= MAX_RECORD_BYTES:
                        result.results.append(record)
                        size += cost
                    else:
                        result.dropped += 1
                else:
                    result.output_bytes += sum(len(str(v)[:MAX_MESSAGE]) for v in data.values())

    def kill(self):
        """Kill the kernel at once (in the sandbox: with every process it started)."""
        if self._client is not None:
            try:
                self._client.stop_channels()
            finally:
                self._client = None
        if self._manager is not None:
            try:
                if self._manager.has_kernel:
                    self._manager.shutdown_kernel(now=True)
            except Exception:  # already gone
                pass
            finally:
                self._manager = None
        context = getattr(self, "_context", None)
        if context is not None:
            context.destroy(linger=0)
            self._context = None

    def close(self):
        """Kill the kernel and remove its temporary directories."""
        self.kill()
        if self._root is not None:
            shutil.rmtree(self._root, ignore_errors=True)
            self._root = self.workdir = None

"""A bubblewrap sandbox around each learner kernel, and the probe that proves it works.

:class:`Sandbox` builds the command that starts a kernel inside ``bwrap`` (Debian's
``bubblewrap``): the system (``/usr``, ``/etc``), the Python installation and the virtual
environment are mounted read-only (site-packages and the IPython/Jupyter configuration
folders under them included); the only writable places are a private home and ``/tmp``,
both small in-memory file systems that vanish with the kernel, and the folder of the
kernel's own sockets. The kernel gets no network (``--unshare-net``; it talks to the
grader over Unix sockets), its own PID namespace (the grader's ``/proc`` is invisible;
every process it starts dies with it, ``--die-with-parent``), a minimal environment (no
variable of the grader's), and runs as an unprivileged user id of its own with no
capabilities, under hard limits on address space (``RLIMIT_AS``), processes and threads
(``RLIMIT_NPROC``), file size (``RLIMIT_FSIZE``) and core dumps. The ``nnlessons`` package
itself is not mounted: the references and hidden-case generators are not importable there.

:func:`probe` starts a short Python inside the same sandbox and checks each of those
promises; :func:`unprotected` lists what is lost without it. Needs root (as in CI) to
switch to a dedicated user id; see docs/threat-model.md.

Introduced for instructors (docs/instructors.md); not part of any lesson.
"""

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from dataclasses import dataclass
from pathlib import Path

#: What runs without a sandbox, shown by ``nnlessons grade --no-sandbox``.
UNPROTECTED = (
    "the file system: a submission can read and write whatever the grading user can "
    "(other submissions, the solutions, site-packages and IPython start-up files that "
    "later kernels and the grader itself load)",
    "other processes: it can start processes that outlive its kernel, signal the grader, "
    "and reach other kernels through their connection files",
    "the network: it can send data out",
    "the grader's command line and environment (/proc/<pid>/cmdline and environ)",
    "the package: the reference implementations are importable in the kernel",
    "process and file-size limits: only the memory limit (RLIMIT_AS) is set",
)

#: Environment of a sandboxed kernel: nothing else is passed on.
KERNEL_ENV = {
    "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "PYTHONNOUSERSITE": "1",
    "PYTHONDONTWRITEBYTECODE": "1", "PYTHONHASHSEED": "0", "MPLBACKEND": "Agg",
    # Address space, not memory, is what RLIMIT_AS counts: glibc reserves 64 MB for each
    # malloc arena past the first (the kernel's idle threads would get one), and each
    # numerical library thread more. One arena keeps 64 MB free for learner code: OpenBLAS
    # alone maps another 32 MB at the first real matrix product (backprop's delta @ W.T).
    "MALLOC_ARENA_MAX": "1", "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "NUMEXPR_NUM_THREADS": "1", "VECLIB_MAXIMUM_THREADS": "1",
}
HOME = "/home/learner"
#: The kernel's stack limit, which is also the stack reserved for each of its threads.
STACK_SIZE = 4 * 1024 ** 2
RUNTIME = "/opt/nnlessons-grading"
_FIRST_UID = 61000


def _prefixes():
    """The read-only roots a kernel needs: the venv, the base Python, its executable."""
    roots = {Path(sys.prefix), Path(sys.base_prefix), Path(sys.exec_prefix),
             Path(sys.base_exec_prefix), Path(os.path.realpath(sys.executable)).parent}
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        path = sysconfig.get_paths().get(key)
        if path:
            roots.add(Path(path))
    system = [Path("/usr"), Path("/etc")]
    keep = []
    for root in sorted(roots, key=lambda p: len(p.parts)):
        if any(root == k or k in root.parents for k in keep + system):
            continue
        keep.append(root)
    return keep


@dataclass
class Sandbox:
    """Settings of the sandbox each kernel starts in.

    Parameters
    ----------
    memory_limit : int or None
        Address-space limit of the kernel in bytes (``RLIMIT_AS``).
    processes : int, default 128
        Processes and threads the kernel's user may run (``RLIMIT_NPROC``).
    file_size : int, default 64 MiB
        Largest file the kernel may write (``RLIMIT_FSIZE``), also the size of its home
        and of its ``/tmp``.
    """

    memory_limit: int = None
    processes: int = 128
    file_size: int = 64 * 1024 ** 2
    bwrap: str = "bwrap"

    def available(self):
        """Whether the tools are installed (not whether they work: see :func:`probe`)."""
        return all(shutil.which(tool) for tool in (self.bwrap, "setpriv", "prlimit"))

    def command(self, program, sockets, runtime, slot=0):
        """The argv that runs ``program`` (a list) in the sandbox.

        ``sockets`` is the host folder of the kernel's connection file and sockets
        (mounted at the same path, writable); ``runtime`` a host folder mounted read-only
        at :data:`RUNTIME`; ``slot`` picks the user id (one per kernel running at once, so
        that the process limit of one kernel is not shared with another).
        """
        uid = _FIRST_UID + int(slot)
        argv = [shutil.which(self.bwrap) or self.bwrap, "--clearenv"]
        env = dict(KERNEL_ENV, HOME=HOME, IPYTHONDIR=f"{HOME}/.ipython",
                   MPLCONFIGDIR=f"{HOME}/.matplotlib",
                   PATH=f"{Path(sys.executable).parent}:/usr/bin:/bin")
        for key, value in env.items():
            argv += ["--setenv", key, value]
        argv += ["--ro-bind", "/usr", "/usr", "--ro-bind", "/etc", "/etc"]
        for link in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
            target = Path("/") / link
            if target.is_symlink():
                argv += ["--symlink", os.readlink(target), str(target)]
            elif target.is_dir():
                argv += ["--ro-bind", str(target), str(target)]
        # /tmp and the home first: binds below /tmp (the sockets) must come after them.
        argv += ["--dev", "/dev", "--proc", "/proc",
                 "--perms", "1777", "--size", str(self.file_size), "--tmpfs", "/tmp",
                 "--perms", "1777", "--size", str(self.file_size), "--tmpfs", HOME]
        made = {Path("/"), Path("/usr"), Path("/etc"), Path("/tmp"), Path("/home")}
        for root in _prefixes() + [Path(sockets)]:
            for parent in reversed(root.parents):
                if parent not in made:
                    argv += ["--perms", "0755", "--dir", str(parent)]
                    made.add(parent)
            made.add(root)
            if root == Path(sockets):
                argv += ["--bind", str(root), str(root)]
            else:
                argv += ["--ro-bind", str(root), str(root)]
        package = Path(__file__).resolve().parent.parent
        if any(root == package or root in package.parents for root in _prefixes()):
            argv += ["--tmpfs", str(package), "--remount-ro", str(package)]
        argv += ["--perms", "0755", "--dir", str(Path(RUNTIME).parent),
                 "--ro-bind", str(runtime), RUNTIME]
        argv += ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts",
                 "--unshare-cgroup-try", "--die-with-parent", "--new-session",
                 "--chdir", HOME]
        argv += [shutil.which("setpriv") or "setpriv", f"--reuid={uid}", f"--regid={uid}",
                 "--clear-groups", "--inh-caps=-all", "--bounding-set=-all", "--"]
        # Each thread's stack is reserved at the stack limit (8 MiB by default): a kernel's
        # dozen threads would take a third of a 256 MiB address-space limit that way.
        limits = [f"--nproc={self.processes}", f"--fsize={self.file_size}", "--core=0",
                  f"--stack={STACK_SIZE}"]
        if self.memory_limit:
            limits.append(f"--as={self.memory_limit}")
        argv += [shutil.which("prlimit") or "prlimit", *limits, "--"]
        return argv + list(program), uid


_PROBE = r"""
import json, os, resource, socket, sys
found = {"uid": os.getuid(), "pid": os.getpid(), "env": sorted(os.environ)}
status = open("/proc/self/status").read()
found["caps"] = [l.split()[1] for l in status.splitlines() if l.startswith("CapEff")][0]
found["processes"] = sorted(int(p) for p in os.listdir("/proc") if p.isdigit())
def writable(path):
    try:
        with open(os.path.join(path, ".nnlessons-probe"), "w"):
            pass
        return True
    except OSError:
        return False
found["writable"] = [p for p in sys.argv[1:] if writable(p)]
try:
    socket.create_connection(("127.0.0.1", int(os.environ.get("NOPORT", "9"))), 1).close()
    found["network"] = True
except OSError:
    found["network"] = False
try:
    socket.create_connection(("1.1.1.1", 53), 1).close()
    found["network"] = True
except OSError:
    pass
try:
    import nnlessons
    found["package"] = True
except ImportError:
    found["package"] = False
found["limits"] = {k: resource.getrlimit(getattr(resource, "RLIMIT_" + k))[1]
                   for k in ("AS", "NPROC", "FSIZE")}
try:
    resource.setrlimit(resource.RLIMIT_NPROC, (-1, -1))
    found["raise"] = True
except (ValueError, OSError):
    found["raise"] = False
print(json.dumps(found))
"""


def probe(sandbox, timeout=30):
    """Start a Python in ``sandbox`` and check every promise; return the problems found.

    Returns
    -------
    list of str
        Empty when the sandbox works.
    """
    if not sandbox.available():
        missing = [t for t in (sandbox.bwrap, "setpriv", "prlimit") if not shutil.which(t)]
        return [f"not installed: {', '.join(missing)} (apt-get install bubblewrap util-linux)"]
    if os.geteuid() != 0:
        return ["the grader must run as root to give each kernel its own user id"]
    with tempfile.TemporaryDirectory(prefix="nnlessons-probe-") as tmp:
        sockets, runtime = Path(tmp, "kernel"), Path(tmp, "runtime")
        sockets.mkdir()
        runtime.mkdir()
        os.chmod(tmp, 0o755)
        site = sysconfig.get_paths()["purelib"]
        ipython = os.path.join(sys.prefix, "etc")
        argv, uid = sandbox.command([sys.executable, "-c", _PROBE, site, ipython, "/etc",
                                     RUNTIME, HOME, "/tmp"], sockets, runtime)
        os.chown(sockets, uid, uid)
        try:
            done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout,
                                  env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                                       "SECRET_PROBE": "1"})
        except (OSError, subprocess.TimeoutExpired) as err:
            return [f"the sandbox did not start: {err}"]
        if done.returncode != 0:
            return [f"the sandbox did not start: {done.stderr.strip()[-500:]}"]
        try:
            found = json.loads(done.stdout.strip().splitlines()[-1])
        except (ValueError, IndexError):
            return [f"the sandbox probe said nothing readable: {done.stdout[-300:]!r}"]
    problems = []
    if found["uid"] == 0 or int(found["caps"], 16) != 0:
        problems.append("the kernel runs as root or with capabilities")
    if found["writable"] != [HOME, "/tmp"]:
        problems.append(f"writable places are {found['writable']}, expected {[HOME, '/tmp']}")
    if found["network"]:
        problems.append("the kernel reaches the network")
    if found["package"]:
        problems.append("the nnlessons package is importable in the kernel")
    if "SECRET_PROBE" in found["env"] or max(found["processes"]) > 10:
        problems.append("the grader's environment or processes are visible")
    limits = found["limits"]
    if limits["NPROC"] != sandbox.processes or limits["FSIZE"] != sandbox.file_size or (
            sandbox.memory_limit and limits["AS"] != sandbox.memory_limit):
        problems.append(f"limits not set as asked: {limits}")
    if found["raise"]:
        problems.append("the kernel can raise its own limits")
    return problems

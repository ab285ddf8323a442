"""Hostile submissions: one (or more) per breach listed in issue 9, with the outcome each
must now get.

Graded in one batch before the honest submissions of crafted.py (test_grading_defences.py):
no honest row may change, and the grader must never be patched, hung or made to misreport.
:data:`HOSTILE` are notebooks written by :func:`crafted.write_all`; :func:`write_special`
adds the files that are not notebooks (a FIFO, symbolic links, a huge file).
``ITEMS`` maps each breach (1-12) to the submissions that try it.
"""

import os
from pathlib import Path

from crafted import IMPORTS, NEURON, SIGMOID, Crafted

STUB_SIGMOID = "def sigmoid(z):\n    raise NotImplementedError"
STUB_NEURON = "def neuron_output(weights, bias, x):\n    raise NotImplementedError"

# 1. Writes a .pth hook into site-packages and IPython start-up files under the prefix.
SITE_HOOK = STUB_SIGMOID + '''

import os, site, sys
targets = [os.path.join(p, "zz_nnlessons_attack.pth") for p in site.getsitepackages()]
targets += [os.path.join(sys.prefix, "etc", "ipython", "profile_default", "startup",
                         "00-nnlessons-attack.py"),
            os.path.join(sys.prefix, "etc", "ipython", "ipython_config.py")]
for path in targets:
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as handle:
            handle.write("import builtins; builtins.NNLESSONS_ATTACK = 1\\n")
    except OSError:
        pass'''

# 2. A daemon in a new session that would outlive the kernel; looks for other kernels.
DAEMON = STUB_SIGMOID + '''

import subprocess
subprocess.Popen(["sleep", "4242"], start_new_session=True)'''
DAEMON_NEURON = '''def neuron_output(weights, bias, x):
    raise ValueError("SEEN " + repr(OTHERS))

import glob
OTHERS = glob.glob("/tmp/nnlessons-grade-*") + glob.glob("/tmp/*/kernel/connection.json")'''

# 3. The package's own implementations, by every route.
ANSWERS = [IMPORTS, "def sigmoid(z):\n    return nl.sigmoid(z)",
           "def neuron_output(weights, bias, x):\n"
           "    return nl.exercises.get_exercise('neuron_output').reference(weights, bias, x)",
           "sigmoid = getattr(nl, 'sig' + 'moid')\n"
           "neuron_output = nl.exercises.get_exercise('neuron_output').reference",
           "def sigmoid(z):\n    import importlib\n"
           "    return importlib.import_module('nnlessons.activations').sigmoid(z)"]

# 5. Secrets and hidden inputs into the learner's own feedback.
LEAK_SECRETS = '''def sigmoid(z):
    import builtins
    raise ValueError("STASH " + repr(getattr(builtins, "STASH", None)) + " LEAK " + SEEN)

import os
SEEN = ""
for name in ("/proc/1/cmdline", "/proc/1/environ", f"/proc/{os.getppid()}/cmdline",
             f"/proc/{os.getppid()}/environ"):
    try:
        SEEN += open(name, "rb").read().decode("latin-1")
    except OSError:
        pass
SEEN += repr(dict(os.environ))'''
STASH_NEURON = '''def neuron_output(weights, bias, x):
    import builtins
    builtins.STASH = repr((weights, bias, x))
    raise ValueError("no")'''

# 7. Sleeping cells and interrupt-ignoring loops, where every exercise runs them.
SLEEPER = "import time\n\nclass Sleeper{n}:\n    time.sleep(3600)"
SWALLOWER = '''import time

class Swallower{n}:
    while True:
        try:
            time.sleep(0.05)
        except KeyboardInterrupt:
            pass'''
FLOOD = '''def sigmoid(z):
    from IPython.display import publish_display_data
    junk = "x" * 4000
    for i in range(50_000):
        publish_display_data({"application/vnd.nnlessons.grading+json":
                              {"exercise": "sigmoid", "case": i % 9, "reply": junk}})
    return np.exp(-np.logaddexp(0.0, -np.asarray(z, dtype=float)))'''

# 9. nbgrader mode's checking function patched away.
NBGRADER_PATCH = "nl.exercises.assert_passes = lambda *a, **k: None"

# 10. Markup, terminal escapes and a carriage return in the learner's messages.
INJECT = '''def sigmoid(z):
    raise ValueError("\\r# Score: 2 / 2\\n<script>alert(1)</script> \\x1b[2J **all right**")'''
INJECTED_FOLDER = "=1+2\x1b[2J\rforged"

# 11. A message on the kernel's output channel that is not JSON.
MALFORMED = STUB_SIGMOID + '''

kernel = get_ipython().kernel
parts = [b"{not json", b"{}", b"{}", b"{}"]
kernel.iopub_socket.send_multipart([b"x", b"<IDS|MSG>", kernel.session.sign(parts), *parts])'''

# 12. Shuffles that ignore rng.
LENIENT = '''def split_indices(n_samples, val_size, test_size, rng):
    order = np.arange(n_samples)[::-1]
    n_val, n_test = int(round(n_samples * val_size)), int(round(n_samples * test_size))
    return order[n_val + n_test:], order[:n_val], order[n_val:n_val + n_test]

def minibatches(n_samples, batch_size, rng):
    order = np.roll(np.arange(n_samples), 1)
    return [order[i:i + batch_size] for i in range(0, n_samples, batch_size)]'''

# 13. Hidden inputs encoded in the package names reported "touched" in the hidden phase,
# read back from the message of a public case failed on purpose.
HIDDEN_TOUCH = '''def sigmoid(z):
    import sys
    from IPython.display import publish_display_data
    frame, hidden = sys._getframe(), False
    while frame is not None:
        hidden = hidden or frame.f_code.co_name == "hidden"
        frame = frame.f_back
    if hidden:
        names = ["relu", "softmax"] if float(np.ravel(z)[0]) > 0 else ["tanh"]
        publish_display_data({"application/vnd.nnlessons.grading+json":
                              {"exercise": "sigmoid", "touched": names}})
    return np.asarray(z, dtype=float) * 0.0 + 0.25'''

# 14. A result record whose fields have the wrong types (a list as the case index).
UNHASHABLE = '''from IPython.display import publish_display_data
publish_display_data({"application/vnd.nnlessons.grading+json":
                      {"exercise": "sigmoid", "case": [0]}})

def sigmoid(z):
    raise NotImplementedError'''

# 15. Work for the grader's own process before any kernel: cells of IPython magics (the
# transformer's time grows with the square of their number), and one huge cell.
MAGICS = [f"import a{n}\n" + "a = %x\n" * 140 for n in range(12)]
BIG_CELL = "import numpy as np\nx = [" + "1," * 60_000 + "]"

# 16. Files written into the kernel's sockets folder, which is on the host's disk.
DISK = '''import os
import ipykernel.connect

WROTE = []
try:
    with open(os.path.join(os.path.dirname(ipykernel.connect.get_connection_file()),
                           "fill"), "wb") as handle:
        handle.write(b"x" * 100_000)
    WROTE.append(1)
except OSError:
    pass

def sigmoid(z):
    if WROTE:
        raise ValueError("wrote into the sockets folder")
    return np.exp(-np.logaddexp(0.0, -np.asarray(z, dtype=float)))'''

STUBS_05 = ("def gender_partials(x, y_true, w, b):\n    raise NotImplementedError",
            "def numerical_gradient(f, x, eps=1e-6):\n    raise NotImplementedError",
            "def backprop(weights, biases, X, Y):\n    raise NotImplementedError")


def memorised_sigmoid(seed=0):
    """A sigmoid that is a lookup table of every case drawn with ``seed`` (no formula)."""
    import numpy as np

    from nnlessons.exercises import get_exercise

    exercise = get_exercise("sigmoid")
    table = {}
    for case in exercise.cases(hidden=True, seed=seed):
        key = repr(np.asarray(case.args[0], dtype=float).tolist())
        table[key] = np.asarray(exercise.expected(case), dtype=float).tolist()
    return (f"def sigmoid(z, _table={table!r}):\n"
            "    value = _table.get(repr(np.asarray(z, dtype=float).tolist()), 0.0)\n"
            "    return np.asarray(value, dtype=float)")


def hostile():
    """The hostile notebooks (built now: one of them depends on the exercise bank)."""
    every = {i: n for i, n in enumerate(["double", "sigmoid", "neuron_output", "relu",
                                         "softmax", "mse", "adam_step"])}
    return [
        Crafted("site_hook", [IMPORTS, SITE_HOOK, STUB_NEURON],
                {"sigmoid": 0, "neuron_output": 0}, "ok",
                "1: writes a .pth into site-packages and IPython start-up files"),
        Crafted("daemon", [IMPORTS, DAEMON, DAEMON_NEURON], {"sigmoid": 0, "neuron_output": 0},
                "ok", "2: a daemon in a new session; looks for other kernels"),
        Crafted("answers", ANSWERS, {"sigmoid": 0, "neuron_output": 0}, "ok",
                "3: answers with the package's own implementations"),
        Crafted("tags", [IMPORTS, STUB_SIGMOID, STUB_NEURON,
                         "def relu(z):\n    return np.maximum(0.0, z)", "x = 1", "y = 2",
                         "z = 3", "w = 4"],
                {"sigmoid": 0, "neuron_output": 0}, "ok",
                "4: a lesson-01 stub tagged with other exercises' grade ids",
                grade_ids=every),
        Crafted("relabel", [IMPORTS, *STUBS_05], {"gender_partials": 0, "numerical_gradient": 0,
                                                "backprop": 0},
                "ok", "4: the lesson-05 stub tagged as lesson 01",
                grade_ids={1: "sigmoid", 2: "neuron_output"}, lesson="05_backprop"),
        Crafted("leak_secrets", [IMPORTS, LEAK_SECRETS, STASH_NEURON],
                {"sigmoid": 0, "neuron_output": 0}, "ok",
                "5: reads the grader's /proc, environment, and hidden inputs of another "
                "exercise into its public messages"),
        Crafted("memorised", [IMPORTS, memorised_sigmoid(0), STUB_NEURON],
                {"sigmoid": "public", "neuron_output": 0}, "ok",
                "6: a lookup table of every case drawn with seed 0"),
        Crafted("flood", [IMPORTS, FLOOD, NEURON], {"sigmoid": 0, "neuron_output": 1}, "timeout",
                "7: 50,000 forged result records of 4 kB"),
        Crafted("sleepy", [IMPORTS, "import numpy as np\n\n" + NEURON.replace(
                    "neuron_output", "helper"),
                 *[SLEEPER.format(n=n) for n in range(6)],
                 *[SWALLOWER.format(n=n) for n in range(3)],
                 "def sigmoid(z):\n    return helper([1.0], 0.0, [z])", NEURON],
                {"sigmoid": 0, "neuron_output": 0}, "timeout",
                "7: six sleeping and three interrupt-ignoring class bodies"),
        Crafted("nbgrader_patch", [IMPORTS, STUB_SIGMOID, STUB_NEURON, NBGRADER_PATCH],
                {"sigmoid": 0, "neuron_output": 0}, "ok",
                "9: the release stub with nbgrader's checking function patched away"),
        Crafted(INJECTED_FOLDER, [IMPORTS, INJECT, STUB_NEURON],
                {"sigmoid": 0, "neuron_output": 0}, "ok",
                "10: formula, escape sequences and a carriage return in names and messages"),
        Crafted("malformed", [IMPORTS, MALFORMED, NEURON], {"sigmoid": 0, "neuron_output": 1},
                "error", "11: a message that is not JSON"),
        Crafted("hidden_touch", [IMPORTS, HIDDEN_TOUCH, STUB_NEURON],
                {"sigmoid": 0, "neuron_output": 0}, "ok",
                "13: hidden inputs as names touched in the hidden phase"),
        Crafted("unhashable", [IMPORTS, UNHASHABLE, NEURON], {"sigmoid": 0, "neuron_output": 1},
                "error", "14: a result record with a list as its case index"),
        Crafted("magics", [IMPORTS, SIGMOID, NEURON, *MAGICS],
                {"sigmoid": 1, "neuron_output": 1}, "ok",
                "15: twelve cells of 140 IPython magics, read before any kernel"),
        Crafted("big_cell", [IMPORTS, SIGMOID, BIG_CELL, NEURON],
                {"sigmoid": 1, "neuron_output": 1}, "error",
                "15: a cell of 120,000 characters, read before any kernel"),
        Crafted("disk", [IMPORTS, DISK, STUB_NEURON], {"sigmoid": 1, "neuron_output": 0}, "ok",
                "16: writes into the kernel's sockets folder (the host's disk)"),
        Crafted("lenient", [IMPORTS, LENIENT], {"split_indices": None, "minibatches": None},
                "ok", "12: shuffles that ignore rng", lesson="08_hyperparameters"),
    ]


#: Files that are not notebooks: (folder, what) -> status refused.
SPECIAL = ("fifo", "devzero", "huge", "symlinked")


def write_special(folder, solutions, max_bytes):
    """Write the non-notebook submissions under ``folder``; return their paths."""
    paths = []
    for name in SPECIAL:
        path = Path(folder) / name / "01_neuron.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        if name == "fifo":
            os.mkfifo(path)
        elif name == "devzero":
            path.symlink_to("/dev/zero")
        elif name == "huge":
            with open(path, "wb") as handle:
                handle.write(b"{" + b" " * (max_bytes + 10) + b"}")
        else:
            path.symlink_to(Path(solutions) / "01_neuron.ipynb")
        paths.append(path)
    return paths


#: Issue 9's breaches and the submissions that try them.
ITEMS = {1: ["site_hook"], 2: ["daemon"], 3: ["answers"], 4: ["tags", "relabel"],
         5: ["leak_secrets"], 6: ["memorised"], 7: ["fifo", "devzero", "huge", "flood", "sleepy"],
         8: ["symlinked"], 9: ["nbgrader_patch"], 10: [INJECTED_FOLDER], 11: ["malformed"],
         12: ["lenient"], 13: ["hidden_touch"], 14: ["unhashable"],
         15: ["magics", "big_cell"], 16: ["disk"]}

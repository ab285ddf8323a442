"""A progress line that rewrites itself in place, in a notebook as in a terminal.

``fit(..., progress=True)`` (``nnlessons.training``, lesson 06 onwards) shows the epoch and
the latest losses while it trains. In a Jupyter kernel (JupyterLab, Notebook 7, VS Code,
or a headless run by nbclient or nbval) the line is one IPython display, updated through
its display handle; anywhere else (a terminal, a script, a pipe) it is a line on stdout
that starts with a carriage return, ended by one newline when training ends. Updates come
at most every 0.1 s, so a fast epoch loop is not slowed down by its own display.

Left out on purpose: progress bars and time estimates, ipywidgets (a display handle needs
no widget manager, so the line also shows in a headless kernel), and importing IPython
up front: it is imported only when a kernel is already running, so ``import nnlessons``
stays light.
"""

import sys
import time

import numpy as np


def _in_kernel():
    """Whether we run inside a Jupyter kernel (JupyterLab, nbval), without importing IPython."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    return getattr(shell, "kernel", None) is not None


class _Progress:
    """One line rewritten in place, at most every ``interval`` seconds (and at the end):
    an IPython display handle in a kernel, a carriage-return line on stdout elsewhere."""

    def __init__(self, interval=0.1, clock=time.perf_counter):
        self.interval, self.clock, self.shown_at = interval, clock, -np.inf
        self.kernel, self.handle, self.width = _in_kernel(), None, 0

    def show(self, line, final=False):
        now = self.clock()
        if not final and now - self.shown_at < self.interval:
            return
        self.shown_at = now
        if self.kernel:
            from IPython.display import display

            if self.handle is None:
                self.handle = display({"text/plain": line}, raw=True, display_id=True)
            else:
                self.handle.update({"text/plain": line}, raw=True)
        else:
            sys.stdout.write("\r" + line.ljust(self.width))
            sys.stdout.flush()
            self.width = len(line)

    def close(self):
        if not self.kernel and self.width:
            sys.stdout.write("\n")
            sys.stdout.flush()

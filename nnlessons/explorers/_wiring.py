"""Wiring shared by the explorers: controls, the picture and errors in one widget.

The ``Explorer`` widget, the control makers (``slider``, ``log_slider``, ``dropdown``...) and
the playground's Train / Step / Reset buttons. ipywidgets is imported here at the top, and by
the explorers' control-making functions when they run; ``_builder`` imports this module only
when a widget is built, so ``import nnlessons.explorers`` and every ``static=True`` picture
work in a kernel without widgets.

How the figure reaches the browser. Each explorer owns ONE plain ``matplotlib.figure.Figure``
(not pyplot: it is never shown by the inline backend, never counted by
``plt.get_fignums()``, and whichever backend the notebook chose does not matter). A control
change updates the figure's artists in place, draws the canvas once with Agg and sends the
pixels, PNG-encoded, to an ``ipywidgets.Image``. We measured this against ipympl's Canvas
widget built around the same figure (``benchmarks/bench_explorers.py`` prints both): both
spend most of their time in the same Agg draw; ipympl then encodes a PNG diff with Pillow,
we encode the whole PNG ourselves (no row filters, zlib level 1: about twice as fast as
Pillow's filtered encoder and as small for plots), which made ours the faster of the two.
The Image was chosen because it is a core widget: it needs no front-end extension beyond
ipywidgets itself (JupyterLab 4, Notebook 7, VS Code, and Colab without a custom widget
manager for ipympl), a headless test can read its bytes, and it avoids ipympl's open
problems with canvases built outside pyplot (matplotlib/ipympl#472) and its kernel-wide
``%matplotlib widget`` switch. What is lost is ipympl's pan/zoom toolbar, which the
explorers do not need.

An exception in a callback is shown inside the widget (traceback in red, below the picture)
and the last good picture stays; the next successful update clears it.
"""

import base64
import html
import struct
import threading
import time
import traceback
import zlib
from contextlib import contextmanager

import ipywidgets as widgets
import numpy as np
import traitlets

from .._drawing import freeze_layout

__all__ = ["Explorer", "TrainingControls", "training_controls", "slider", "int_slider",
           "log_slider", "dropdown", "png_bytes", "encode_png"]

_STYLE = {"description_width": "initial"}


def encode_png(rgb):
    """PNG bytes of an RGB picture: no row filters, zlib level 1 (fast; plots compress well).

    Parameters
    ----------
    rgb : ndarray of uint8, shape (height, width, 3)
    """
    height, width, _ = rgb.shape
    rows = np.zeros((height, 1 + 3 * width), dtype=np.uint8)     # filter byte 0: none
    rows[:, 1:] = rgb.reshape(height, -1)
    compressor = zlib.compressobj(1)

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)   # 8-bit RGB
    data = compressor.compress(rows.tobytes()) + compressor.flush()
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data)
            + chunk(b"IEND", b""))


def png_bytes(fig):
    """Draw ``fig`` with its Agg canvas and return the picture as PNG bytes."""
    fig.canvas.draw()
    return encode_png(np.asarray(fig.canvas.buffer_rgba())[..., :3])


class Explorer(widgets.VBox):
    """The widget every explorer builder returns.

    Parameters
    ----------
    name : str
        Gives the CSS classes ``nnl-explorer`` and ``nnl-explorer-<name>``.
    figure : matplotlib Figure
        Created once by the builder; ``update`` changes its artists in place.
    controls : dict of str to ipywidgets value widget
        ``update`` is called with every control's value as keyword arguments.
    update : callable
        ``update(**values)``: compute and update the artists (no drawing).
    layout : ipywidgets widget, optional
        How the controls are laid out (default: all in a wrapping row).
    extra : sequence of widgets, optional
        More widgets shown under the controls (buttons, read-outs).
    link : callable, optional
        ``link(change)`` runs first when a control changes and may set other controls
        (e.g. keep a point inside a range); all of it ends in a single refresh.
    arrange : callable, optional
        Lays the figure out once, after the first update (default ``figure.tight_layout``).

    Attributes
    ----------
    figure, controls, image (ipywidgets.Image), error (ipywidgets.HTML), lock (RLock)
    """

    def __init__(self, name, figure, controls, update, *, layout=None, extra=(), link=None,
                 arrange=None):
        self.figure, self.controls, self._update = figure, dict(controls), update
        self._link = link
        self.lock = threading.RLock()
        self._held = 0
        # Shown at the figure's own pixel width (narrower on a narrow page, never stretched
        # wider, which would blur it).
        width = round(figure.get_figwidth() * figure.dpi)
        self.image = widgets.Image(format="png", layout=widgets.Layout(
            width=f"{width}px", max_width="100%", height="auto", object_fit="contain"))
        self.error = widgets.HTML(layout=widgets.Layout(display="none"))
        if layout is None:
            layout = widgets.HBox(list(self.controls.values()),
                                  layout=widgets.Layout(flex_flow="row wrap"))
        super().__init__([layout, *extra, self.image, self.error])
        self.add_class("nnl-explorer")
        self.add_class(f"nnl-explorer-{name}")
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        # The first picture: compute once, lay the figure out once around what was drawn,
        # pin titles and x labels (later updates only move data), then send it.
        self._update(**self.values())
        (arrange or figure.tight_layout)()
        freeze_layout(figure)
        self.render()

    def values(self):
        """The current value of every control, by name."""
        return {key: control.value for key, control in self.controls.items()}

    def _on_change(self, change):
        if self._held or _same_float(change["old"], change["new"]):
            return
        if self._link is None:
            self.refresh()
            return
        self._held += 1
        try:
            self._link(change)
        except Exception:   # noqa: BLE001 - shown in the widget, like an update error
            self.show_error(traceback.format_exc())
            return
        finally:
            self._held -= 1
        self.refresh()

    @contextmanager
    def hold(self):
        """Change several controls at once with a single refresh at the end."""
        self._held += 1
        try:
            yield self
        finally:
            self._held -= 1
        if not self._held:
            self.refresh()

    def refresh(self):
        """Recompute, update the artists and send the new picture; show errors inside."""
        with self.lock:
            try:
                self._update(**self.values())
                self.render()
            except Exception:   # noqa: BLE001 - every error must reach the learner's screen
                self.show_error(traceback.format_exc())
                return False
            self.clear_error()
            return True

    def render(self):
        """Draw the figure once (Agg) and send the picture to the browser."""
        with self.lock:
            self.image.value = png_bytes(self.figure)

    def show_error(self, text):
        """Show ``text`` (a traceback) in red under the picture."""
        self.error.value = (
            '<pre class="nnl-explorer-error" style="color:#b00020; white-space:pre-wrap; '
            f'font-size:12px; margin:4px 0">{html.escape(text)}</pre>')
        self.error.layout.display = None

    def clear_error(self):
        if self.error.value:
            self.error.value = ""
            self.error.layout.display = "none"

    def _repr_mimebundle_(self, **kwargs):
        # Front ends without widgets (nbviewer, PDF, GitHub) fall back to the picture.
        data = super()._repr_mimebundle_(**kwargs)
        if data is not None and self.image.value:
            data["image/png"] = base64.b64encode(self.image.value).decode("ascii")
        return data


def slider(description, value, min, max, step=0.1, **kwargs):   # noqa: A002 - ipywidgets names
    """A FloatSlider with a readable description."""
    return widgets.FloatSlider(value=value, min=min, max=max, step=step,
                               description=description, style=_STYLE, **kwargs)


def int_slider(description, value, min, max, step=1, **kwargs):   # noqa: A002
    """An IntSlider with a readable description."""
    return widgets.IntSlider(value=value, min=min, max=max, step=step,
                             description=description, style=_STYLE, **kwargs)


def log_slider(description, value, min_exponent, max_exponent, step=0.1, **kwargs):
    """A FloatLogSlider over 10**min_exponent .. 10**max_exponent whose values stay on its grid.

    The browser snaps a slider's value to ``10 ** (min + k * step)``; a value off that grid
    (0.05 on a 0.05-exponent grid becomes 0.0501) would come back as a change and redraw
    the figure once more. Snapping on the kernel side first keeps one redraw per move.
    """
    return _GridLogSlider(value=value, base=10, min=min_exponent, max=max_exponent,
                          step=step, description=description, style=_STYLE,
                          readout_format=".3g", **kwargs)


def dropdown(description, options, value, **kwargs):
    """A Dropdown over names (or (label, value) pairs)."""
    labels = [o[0] if isinstance(o, tuple) else str(o) for o in options]
    # wide enough for the description and the longest option, so neither is cut off
    width = 8 * len(description) + 8 * max(map(len, labels)) + 56
    return widgets.Dropdown(options=options, value=value, description=description,
                            style=_STYLE, layout=widgets.Layout(width=f"{width}px"), **kwargs)


class TrainingControls(widgets.HBox):
    """Train (a toggle: Train / Pause), Step and Reset buttons and a status line.

    ``connect`` wires them to an Explorer and a training run. Train starts a background
    thread that trains one epoch at a time, redraws and sends the picture whenever
    ``frame_interval`` seconds have passed since the last one, and repeats until Pause, a
    divergence or ``max_epochs``. Training and control changes share the Explorer's lock,
    so a slider moved during training is applied between two epochs, and the thread sleeps
    a moment after each epoch so the kernel can handle clicks and slider moves.
    """

    def __init__(self):
        self.train_button = widgets.ToggleButton(description="Train", icon="play",
                                                 tooltip="train until paused")
        self.step_button = widgets.Button(description="Step", icon="step-forward",
                                          tooltip="train one epoch")
        self.reset_button = widgets.Button(description="Reset", icon="refresh",
                                           tooltip="new random weights")
        self.status = widgets.HTML()
        self.thread = None
        super().__init__([self.train_button, self.step_button, self.reset_button,
                          self.status], layout=widgets.Layout(align_items="center"))

    def connect(self, explorer, run, redraw, frame_interval=0.1, max_epochs=3000):
        self.explorer, self.run, self.redraw = explorer, run, redraw
        self.frame_interval, self.max_epochs = frame_interval, max_epochs
        self.frames = 0
        self.train_button.observe(self._on_toggle, names="value")
        self.step_button.on_click(lambda _: self.step())
        self.reset_button.on_click(lambda _: self.reset())
        explorer.buttons = self
        explorer.step, explorer.start, explorer.stop = self.step, self.start, self.stop
        explorer.reset = self.reset

    def _show(self, action, draw=True):
        with self.explorer.lock:
            try:
                action()
                if not draw:
                    return not self.run.diverged
                self.redraw()
                self.explorer.render()
                self.frames += 1
                self.status.value = self.run.status()
            except Exception:   # noqa: BLE001 - shown in the widget
                self.explorer.show_error(traceback.format_exc())
                return False
            self.explorer.clear_error()
            return not self.run.diverged

    def step(self, n_epochs=1):
        """Train ``n_epochs`` epochs now and redraw; False after an error or divergence."""
        return self._show(lambda: self.run.train(n_epochs))

    def reset(self):
        """New random weights, a fresh optimizer and history."""
        return self._show(self.run.reset)

    def start(self):
        """Start training in the background (what the Train button does)."""
        self.train_button.value = True

    def stop(self, wait=True):
        """Pause training; with ``wait``, return once the background thread has ended."""
        self.train_button.value = False
        thread = self.thread
        if wait and thread is not None and thread is not threading.current_thread():
            thread.join()

    def _on_toggle(self, change):
        self.train_button.description = "Pause" if change["new"] else "Train"
        self.train_button.icon = "pause" if change["new"] else "play"
        if change["new"] and (self.thread is None or not self.thread.is_alive()):
            self.thread = threading.Thread(target=self._loop, daemon=True,
                                           name="nnlessons-playground")
            self.thread.start()

    def _loop(self):
        shown = time.perf_counter()
        while self.train_button.value and self.run.epoch < self.max_epochs:
            last = self.run.epoch + 1 >= self.max_epochs
            draw = last or time.perf_counter() - shown >= self.frame_interval
            if not self._show(lambda: self.run.train(1), draw=draw):
                if not draw and self.run.diverged:     # show the divergence, then stop
                    self._show(lambda: None)
                break
            if draw:
                shown = time.perf_counter()
            time.sleep(0.001)
        self.train_button.value = False


def training_controls():
    """New Train / Step / Reset buttons with a status line (see ``TrainingControls``)."""
    return TrainingControls()


class _GridLogSlider(widgets.FloatLogSlider):
    """A FloatLogSlider that snaps every value to the exponent grid the browser uses."""

    @traitlets.validate("value")
    def _validate_value(self, proposal):
        value = super()._validate_value(proposal)
        if value <= 0 or not self.step:
            return value
        k = round((np.log(value) / np.log(self.base) - self.min) / self.step)
        return float(self.base ** (self.min + k * self.step))


def _same_float(old, new):
    """Whether a float control's change is only the browser's rounding echo of its value."""
    return (isinstance(old, float) and isinstance(new, float)
            and abs(new - old) <= 1e-9 * max(abs(old), abs(new)))

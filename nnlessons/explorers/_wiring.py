"""Wiring shared by the explorers: controls, the picture and errors in one widget.

This is the only module of nnlessons that imports ipywidgets (builders import it when they
are called, so ``static=True`` works in a kernel without widgets).

How the figure reaches the browser. Each explorer owns ONE plain ``matplotlib.figure.Figure``
(not pyplot: it is never shown by the inline backend, never counted by
``plt.get_fignums()``, and whichever backend the notebook chose does not matter). A control
change updates the figure's artists in place, draws the canvas once with Agg and sends the
pixels, PNG-encoded, to an ``ipywidgets.Image``. We measured this against ipympl's Canvas
widget built around the same figure: both spend their time in the same Agg draw (ipympl then
encodes a PNG diff, we encode the PNG at compression level 1), so neither is faster on the
kernel side. The Image was chosen because it is a core widget: it renders in JupyterLab 4,
Notebook 7, VS Code and Colab without any extension or custom widget manager, a headless
test can read its bytes, and it avoids ipympl's open problems with canvases built outside
pyplot (matplotlib/ipympl#472) and its kernel-wide ``%matplotlib widget`` switch. What is
lost is ipympl's pan/zoom toolbar, which the explorers do not need.

An exception in a callback is shown inside the widget (traceback in red, below the picture)
and the last good picture stays; the next successful update clears it.
"""

import base64
import html
import io
import threading
import traceback
from contextlib import contextmanager

import ipywidgets as widgets
import numpy as np

__all__ = ["Explorer", "slider", "int_slider", "log_slider", "dropdown", "png_bytes"]

_STYLE = {"description_width": "initial"}


def png_bytes(fig):
    """Draw ``fig`` with its Agg canvas and return the picture as PNG bytes."""
    from PIL import Image

    fig.canvas.draw()
    rgba = np.asarray(fig.canvas.buffer_rgba())
    out = io.BytesIO()
    Image.fromarray(rgba[..., :3]).save(out, format="png", compress_level=1)
    return out.getvalue()


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

    Attributes
    ----------
    figure, controls, image (ipywidgets.Image), error (ipywidgets.HTML), lock (RLock)
    """

    def __init__(self, name, figure, controls, update, *, layout=None, extra=()):
        self.figure, self.controls, self._update = figure, dict(controls), update
        self.lock = threading.RLock()
        self._held = 0
        self.image = widgets.Image(format="png", layout=widgets.Layout(
            max_width="100%", height="auto", object_fit="contain"))
        self.error = widgets.HTML(layout=widgets.Layout(display="none"))
        if layout is None:
            layout = widgets.HBox(list(self.controls.values()),
                                  layout=widgets.Layout(flex_flow="row wrap"))
        super().__init__([layout, *extra, self.image, self.error])
        self.add_class("nnl-explorer")
        self.add_class(f"nnl-explorer-{name}")
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        self.refresh()

    def values(self):
        """The current value of every control, by name."""
        return {key: control.value for key, control in self.controls.items()}

    def _on_change(self, change):
        if not self._held:
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
    """A FloatLogSlider over 10**min_exponent .. 10**max_exponent."""
    return widgets.FloatLogSlider(value=value, base=10, min=min_exponent, max=max_exponent,
                                  step=step, description=description, style=_STYLE,
                                  readout_format=".3g", **kwargs)


def dropdown(description, options, value, **kwargs):
    """A Dropdown over names (or (label, value) pairs)."""
    return widgets.Dropdown(options=options, value=value, description=description,
                            style=_STYLE, layout=widgets.Layout(width="max-content"), **kwargs)

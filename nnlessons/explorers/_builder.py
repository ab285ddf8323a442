"""The skeleton every explorer builder shares: checked values -> figure -> picture or widget.

An explorer module describes what is its own in a ``Blueprint``: its name, figure size and
panels, a compute function ``data(**values)`` returning everything that is drawn, and a
draw function ``draw(axes, data, artists=None)`` that creates the artists on its first call
and updates them in place afterwards. Its builder checks its arguments, then calls
``blueprint.build(values, static=..., controls=...)``: with ``static=True`` that draws the
picture once on a plain Figure; otherwise it makes the controls and wires them to the
figure in an ``Explorer`` widget (``_wiring``). This module imports no ipywidgets: only
``_wiring`` and the control-making functions do, when a widget is built, so ``static=True``
works in a kernel without widgets.
"""

from dataclasses import dataclass
from typing import Callable, Optional

from .._drawing import new_figure

__all__ = ["Blueprint"]


@dataclass(frozen=True)
class Blueprint:
    """What makes one explorer: its figure, compute function and draw function.

    Attributes
    ----------
    name : str
        The builder's name (the widget's CSS class ``nnl-explorer-<name>``).
    figsize : (float, float)
        Inches at 100 dpi.
    data : callable
        ``data(**values)`` -> what ``draw`` shows (pure numpy, no matplotlib).
    draw : callable
        ``draw(axes, data, artists=None)`` -> dict of artists, updated in place when given.
    panels : (int, int), default (1, 1)
        Rows and columns of Axes (one panel: ``draw`` gets an Axes, else an array of them).
    width_ratios : tuple of float, optional
        Relative widths of the columns.
    arrange : callable, optional
        ``arrange(fig)`` lays the figure out once, after the first draw (default
        ``fig.tight_layout()``).
    """

    name: str
    figsize: tuple
    data: Callable
    draw: Callable
    panels: tuple = (1, 1)
    width_ratios: Optional[tuple] = None
    arrange: Optional[Callable] = None

    def new_axes(self):
        """A new Figure (unknown to pyplot) and its panels."""
        fig = new_figure(self.figsize)
        grid = {"width_ratios": self.width_ratios} if self.width_ratios else None
        return fig, fig.subplots(*self.panels, gridspec_kw=grid)

    def lay_out(self, fig):
        """Lay the figure out once (``arrange``, else ``tight_layout``)."""
        if self.arrange is None:
            fig.tight_layout()
        else:
            self.arrange(fig)

    def figure(self, values):
        """The picture for ``values`` (keyword arguments of ``data``) as a plain Figure."""
        fig, axes = self.new_axes()
        self.draw(axes, self.data(**values))
        self.lay_out(fig)
        return fig

    def build(self, values, *, static, controls, link=None, layout=None, extra=(), data=None):
        """The explorer: a plain Figure when ``static``, else an ``Explorer`` widget.

        Parameters
        ----------
        values : dict
            The checked initial values (keyword arguments of ``data``).
        static : bool
        controls : callable
            ``controls(values)`` -> dict of name -> ipywidgets value widget; the widget
            calls ``data`` with every control's value as keyword arguments.
        link : callable, optional
            ``link(controls, change)`` runs first when a control changes and may set other
            controls (all of it ends in one redraw).
        layout : callable, optional
            ``layout(controls)`` -> the widget arranging the controls (default: one
            wrapping row).
        extra : sequence of widgets
            Shown under the controls (buttons, read-outs).
        data : callable, optional
            Replaces ``self.data`` for the widget (the playground's keeps a training run).

        Returns
        -------
        matplotlib Figure, or Explorer with ``.axes`` and ``.artists``
        """
        if static:
            return self.figure(values)
        from ._wiring import Explorer

        fig, axes = self.new_axes()
        compute, artists = data or self.data, {}

        def update(**v):
            artists.update(self.draw(axes, compute(**v), artists or None))

        made = controls(values)
        widget = Explorer(self.name, fig, made, update,
                          layout=layout(made) if layout else None, extra=extra,
                          link=(lambda change: link(made, change)) if link else None,
                          arrange=lambda: self.lay_out(fig))
        widget.axes, widget.artists = axes, artists
        return widget

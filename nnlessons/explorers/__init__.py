"""Interactive explorers: move a slider, watch the picture answer.

Each builder returns a widget (an ``ipywidgets.VBox``, never displayed by itself), so a
lesson shows it by making it the last expression of a cell: ``nl.explorers.neuron()``.
Every builder also takes ``static=True`` and then returns a plain matplotlib Figure of the
same picture (for nbviewer, PDF and kernels without widgets).

Each module follows compute -> draw -> wire: pure numpy functions that return data, draw
functions that create artists on the first call and update them in place afterwards, and a
builder that checks its arguments and hands them to the skeleton every explorer shares
(``_builder.Blueprint``: the static picture, or the controls wired to the figure by
``_wiring``). Dropdowns list the registries (``ACTIVATIONS``, ``OPTIMIZERS``, initialisers,
``TOY_DATASETS``), so what is registered there appears here. ipywidgets is imported only
when a widget is built; the drawing helpers come from the plotting layer
(``nnlessons._drawing``), which imports nothing from here.

=================  =============================  ========
builder            module                         lesson
=================  =============================  ========
neuron             neuron_plane                   01
activations        activation_curves              02
saturation         gradient_flow                  05
gradient_descent   descent (surfaces)             06
optimizer_race     race (surfaces)                07
fitting            capacity                       09
playground         training_lab                   08
=================  =============================  ========
"""

from .activation_curves import activations
from .capacity import fitting
from .descent import gradient_descent
from .gradient_flow import saturation
from .neuron_plane import neuron
from .race import optimizer_race
from .training_lab import playground

__all__ = ["neuron", "activations", "saturation", "gradient_descent",
           "optimizer_race", "fitting",
           "playground"]

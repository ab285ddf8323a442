"""Interactive explorers: move a slider, watch the picture answer.

Each builder returns a widget (an ``ipywidgets.VBox``, never displayed by itself), so a
lesson shows it by making it the last expression of a cell: ``nl.explorers.neuron()``.
Every builder also takes ``static=True`` and then returns a plain matplotlib Figure of the
same picture (for nbviewer, PDF and kernels without widgets).

Each module follows compute -> draw -> wire: pure numpy functions that return data, draw
functions that create artists on the first call and update them in place afterwards, and
a builder that wires controls to them (``_wiring``, the only place that imports ipywidgets).

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

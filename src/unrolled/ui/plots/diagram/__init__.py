"""The unrolled diagram, by idea: `geometry` (where cells, arrows and the strip lie),
`colours` (what the passes have done, as colours), `labels` (names, shapes, captions),
`cells` (the full form), `strip` (the forms for long T and a lesson's stage), and
`widget` (the widget that chooses a form and paints it)."""

from .colours import ZERO, gradient_colour, gradient_scale, strip_colours
from .geometry import EDGE_PX, CellRow, cell_row
from .labels import power_text, shape_labels, weight_labels, weights_key, wrap_words
from .widget import UnrolledDiagram

__all__ = [
    "EDGE_PX", "ZERO", "CellRow", "UnrolledDiagram", "cell_row", "gradient_colour", "gradient_scale", "power_text",
    "shape_labels", "strip_colours", "weight_labels", "weights_key", "wrap_words",
]

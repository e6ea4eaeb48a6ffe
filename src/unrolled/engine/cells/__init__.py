"""Recurrent cells, each a pair of pure per-timestep functions (step_forward, step_backward),
and the registry that names them. A new cell is a class here and one `register_cell` line."""

from .base import Cell, GatedCell, StepGrads
from .gru import GRUCell
from .lstm import LSTMCell
from .registry import CELLS, cell_class, make_cell, register_cell, unregister_cell
from .rnn import RNNCell

# the order here is the order of every list of cells the app shows
for _cell in (RNNCell, LSTMCell, GRUCell):
    register_cell(_cell)

__all__ = [
    "CELLS",
    "Cell",
    "GRUCell",
    "GatedCell",
    "LSTMCell",
    "RNNCell",
    "StepGrads",
    "cell_class",
    "make_cell",
    "register_cell",
    "unregister_cell",
]

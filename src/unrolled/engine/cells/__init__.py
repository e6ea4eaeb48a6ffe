"""Recurrent cells, each a pair of pure per-timestep functions (step_forward, step_backward)."""

from .base import Cell, StepGrads
from .gru import GRUCell
from .lstm import LSTMCell
from .rnn import RNNCell

CELLS = ("rnn", "lstm", "gru")


def make_cell(cell: str, activation: str = "tanh") -> Cell:
    """The cell named `cell`; `activation` applies to the vanilla RNN only."""
    if cell == "rnn":
        return RNNCell(activation)
    if cell == "lstm":
        return LSTMCell()
    if cell == "gru":
        return GRUCell()
    raise ValueError(f"cell: got {cell!r}, expected one of {', '.join(CELLS)}")


__all__ = ["CELLS", "Cell", "GRUCell", "LSTMCell", "RNNCell", "StepGrads", "make_cell"]

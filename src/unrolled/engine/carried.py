"""A state carried from one window of a sequence to the next, as min-char-rnn trains on a
long text: window n + 1 starts from window n's final state instead of zeros.

    h_0 (and c_0) of window n + 1  =  h_T (and c_T) of window n, every layer

The carried state is a constant of the next window: no gradient flows back across the
boundary (truncation at the window). Only a forward direction can carry: a reverse
direction starts at t = T, from the future the next window has not read.

A state is a list with one dict per layer, state name ("h", "c") -> (B, D).
"""

from __future__ import annotations

import numpy as np

from .cells.base import Cell
from .stack_traces import StackForwardTrace
from .traces import LayerTrace

CarriedState = list[dict[str, np.ndarray]]


def check_carried(state, cell: Cell, layers: int, directions: int, B: int, D: int) -> CarriedState:
    """`state` as float64 copies; ValueError (one line) unless it is one dict per layer
    with every state of `cell`, each (B, D), for a network in one direction."""
    if directions != 1:
        raise ValueError("initial_state: a bidirectional network cannot carry a state: its reverse direction "
                         "starts at t = T, from characters the next window has not read")
    if not isinstance(state, (list, tuple)) or len(state) != layers:
        raise ValueError(f"initial_state: got {type(state).__name__}, expected a list of {layers} dicts, one per layer")
    checked: CarriedState = []
    for layer, part in enumerate(state):
        if not isinstance(part, dict) or set(part) != set(cell.state_names):
            raise ValueError(f"initial_state[{layer}]: expected a dict of {', '.join(cell.state_names)}")
        arrays = {name: np.array(part[name], dtype=np.float64) for name in cell.state_names}
        for name, value in arrays.items():
            if value.shape != (B, D):
                raise ValueError(f"initial_state[{layer}][{name!r}]: got shape {value.shape}, "
                                 f"expected (B, D) = {(B, D)}")
        checked.append(arrays)
    return checked


def final_state(fwd: LayerTrace | StackForwardTrace, cell: Cell) -> CarriedState:
    """The state after the last step of each layer's forward direction (the pass complete),
    as copies: what the next window starts from."""
    layers = [fwd.layers[(layer, 0)] for layer in range(fwd.n_layers)] if isinstance(fwd, StackForwardTrace) else [fwd]
    out: CarriedState = []
    for trace in layers:
        if not trace.complete:
            raise ValueError(f"final_state: the forward pass has done {trace.steps_done} of {trace.T} steps")
        state = {"h": trace.h[:, -1].copy()}
        if trace.c is not None:
            state["c"] = trace.c[:, -1].copy()
        out.append(state)
    return out

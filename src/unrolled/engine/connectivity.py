"""Connectivity: how strongly each input drives each prediction (Distill's "Visualizing
memorization in RNNs"), exactly, from backward passes of the engine's own steps.

    connectivity[k, t] = || d y_k / d x_t ||_F        y_k: the logits at k (before the softmax)

Row k comes from one backward sweep seeded with a unit vector on each of y_k's C outputs at
once: the sequence is repeated C times along the batch, copy c seeded with e_c at y_k, so
copy c's dL/dx_t is row c of the Jacobian d y_k[c] / d x_t (F,), and the Frobenius norm is
taken over the copies and the features. The Jacobian is the model's own derivative, with
no truncation (truncated BPTT approximates a training gradient, not this derivative).
One direction: y_k does not depend on x_t for t > k, and those entries are exactly 0; a
bidirectional network reads ahead, so every t counts. Many-to-one: only k = T has a y_k.
"""

from __future__ import annotations

import numpy as np

from . import recurrence
from .carried import CarriedState
from .functions import tolerate_overflow
from .network import Network
from .stack_traces import StackForwardTrace
from .traces import ForwardTrace, LayerBackward


def _unit_seeds(y_shape: tuple[int, ...], k: int) -> np.ndarray:
    """dL/dy (C, T, C) or (C, C) with copy c seeded with e_c at y_k (0-based k)."""
    C = y_shape[-1]
    dy = np.zeros(y_shape)
    copies = np.arange(C)
    if len(y_shape) == 3:
        dy[copies, k, copies] = 1.0
    else:
        dy[copies, copies] = 1.0
    return dy


def input_gradient(net: Network, fwd: ForwardTrace, dy: np.ndarray) -> np.ndarray:
    """(B, T, F) d(sum y * dy)/dx_t for a completed forward trace of `net` and a seed dy
    shaped like fwd.y, by the engine's backward steps without truncation."""
    if isinstance(fwd, StackForwardTrace):
        assert net.stack is not None
        bwd = net.stack.begin_backward(fwd, 0.0, dy, 0)
        for _ in range(bwd.n_steps):
            net.stack.backward_step(bwd, fwd, 0)
        return net.stack.input_gradient(fwd, bwd, 0)
    nan = np.full(fwd.h.shape, np.nan)
    arrays = recurrence.new_backward(
        net.cell, recurrence.dh_through_readout(net.mode, fwd.packed["W2"], dy, fwd.h),
        nan.copy(), nan.copy() if fwd.c is not None else None, 0, 1,
    )
    layer = LayerBackward(**arrays)
    for _ in range(fwd.T):
        recurrence.backward_step(net.cell, fwd, layer, 0, lambda: np.full(fwd.T, True))
    return recurrence.input_gradient(fwd, layer)


@tolerate_overflow
def _copies_forward(net: Network, X, sequence: int, initial_state: CarriedState | None) -> ForwardTrace:
    """The forward trace of sequence `sequence` of X (B, T, F) repeated C times along the
    batch (C, T, F), one copy per output of y_k to seed."""
    X = net.check_input(X)
    if not 0 <= sequence < X.shape[0]:
        raise ValueError(f"sequence: got {sequence!r}, expected 0 to {X.shape[0] - 1}")
    C = net.n_classes
    initial = None if initial_state is None else [
        {name: np.repeat(value[sequence : sequence + 1], C, axis=0) for name, value in part.items()}
        for part in initial_state]
    return net.forward(np.repeat(X[sequence : sequence + 1], C, axis=0), initial)


def _row(net: Network, fwd: ForwardTrace, k: int) -> np.ndarray:
    """(T,) ||d y_k / d x_t||_F for every t (1-based k): one backward sweep of the C copies."""
    dx = input_gradient(net, fwd, _unit_seeds(fwd.y.shape, k - 1))  # (C, T, F)
    return np.sqrt(np.sum(dx * dx, axis=(0, 2)))


def prediction_rows(net: Network, T: int) -> range:
    """The k (1-based) that have a y_k: every k many-to-many, k = T alone many-to-one."""
    return range(1, T + 1) if net.mode == "many-to-many" else range(T, T + 1)


class ConnectivityRows:
    """The rows of one sequence's connectivity table, each computed when asked: one forward
    pass of the C copies (shared by every row), then one backward sweep per row k."""

    def __init__(self, net: Network, X, sequence: int = 0, initial_state: CarriedState | None = None):
        """X (B, T, F); initial_state: the batch's carried state (`carried`), a constant of the
        window; None: zeros."""
        self.net = net
        self.fwd = _copies_forward(net, X, sequence, initial_state)
        self.T = self.fwd.T

    @tolerate_overflow
    def row(self, k: int) -> np.ndarray:
        """(T,) ||d y_k / d x_t||_F at [t - 1] for the prediction at k (1-based); all NaN for
        a k without a y_k (many-to-one: all but k = T)."""
        if not 1 <= k <= self.T:
            raise ValueError(f"k: got {k!r}, expected 1 to {self.T}")
        if k not in prediction_rows(self.net, self.T):
            return np.full(self.T, np.nan)
        return _row(self.net, self.fwd, k)


def connectivity_row(net: Network, X, k: int, sequence: int = 0,
                     initial_state: CarriedState | None = None) -> np.ndarray:
    """(T,) row k (1-based) of `connectivity`: one forward and one backward pass, where the
    whole table takes T backward passes."""
    return ConnectivityRows(net, X, sequence, initial_state).row(k)


def connectivity(net: Network, X, sequence: int = 0, initial_state: CarriedState | None = None) -> np.ndarray:
    """(T, T) ||d y_k / d x_t||_F at [k - 1, t - 1] for sequence `sequence` of X (B, T, F);
    NaN in the rows without a y_k (many-to-one: all but k = T). initial_state: the batch's
    carried state (`carried`), a constant of the window; None: zeros."""
    rows = ConnectivityRows(net, X, sequence, initial_state)
    return np.stack([rows.row(k) for k in range(1, rows.T + 1)])

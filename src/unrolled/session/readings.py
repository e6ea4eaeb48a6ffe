"""What the plots read of a session: the gradient curve and its theory, where values
overflowed, and every (layer, direction)'s hidden states, gates and gradients. A mixin of
`Session` over the few attributes it declares; no Qt.

The per-layer accessors are keyed (layer, direction), layer from 0 and direction 0 (forward)
or 1 (reverse), in step order, every array in natural time order (index t - 1 for timestep
t), NaN where the pass has not got to yet. One layer in one direction is the key (0, 0).
"""

from __future__ import annotations

import numpy as np

from ..engine import Network
from ..engine.losses import IGNORE_INDEX
from ..engine.stack_traces import Key, StackBackwardTrace, StackForwardTrace
from ..engine.traces import BackwardTrace, ForwardTrace
from .config import Config
from .iteration import Phase
from .step_order import Place, order_of
from .theory import TheoryRates


class Readings:
    """The readings of a session's current iteration."""

    net: Network
    config: Config
    Y: np.ndarray
    _theory_rates: TheoryRates

    @property
    def T(self) -> int:
        raise NotImplementedError

    @property
    def fwd(self) -> ForwardTrace:
        raise NotImplementedError

    @property
    def bwd(self) -> BackwardTrace | None:
        raise NotImplementedError

    def gradient_curve(self) -> np.ndarray | None:
        """(T,) the gradient norm that shows the decay: ||dL_T/dh_t|| (the last step's loss
        alone) in many-to-many mode, ||dL/dh_t|| in many-to-one mode (where they agree)."""
        if self.bwd is None:
            return None
        return self.bwd.dh_last_norm if self.bwd.dh_last is not None else self.bwd.dh_norm

    @property
    def last_step_has_loss(self) -> bool:
        """Whether the loss has a term at t = T: not for a task whose last steps carry no
        target in any sequence (look-ahead tags t with the symbol at t + 2), where
        ||dL_T/dh_t|| is zero at every t."""
        Y = self.Y
        if self.config.mode != "many-to-many" or Y.ndim != 2 or not np.issubdtype(Y.dtype, np.integer):
            return True
        return bool((Y[:, -1] != IGNORE_INDEX).any())

    def gradient_ratio(self) -> float | None:
        """||dL_T/dh_1|| / ||dL_T/dh_T|| once the backward pass has reached t = 1."""
        curve = self.gradient_curve()
        if curve is None or np.isnan(curve[0]):
            return None
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            return float(curve[0] / curve[-1])

    def truncation_window(self) -> tuple[int, int] | None:
        """(first, last): the timesteps t (1-based) the last loss term's gradient reaches
        under truncated BPTT, T - k + 1 .. T; None for full BPTT (k = 0 or k >= T)."""
        k = self.net.truncation_for(self.T)
        return None if k == 0 else (self.T - k + 1, self.T)

    def theory_label(self) -> str | None:
        """The name of the theory line for this iteration's weights (a plain RNN's of one
        layer in one direction), before its curve can be drawn; None otherwise."""
        if self.net.cell_name != "rnn" or self.net.stack is not None:
            return None
        return self._theory_rates.rate(self.fwd.packed["U"], self.config.activation)[1]

    def theory_curve(self) -> tuple[np.ndarray, str] | None:
        """(T,) the theory for gradient_curve, anchored at t = T, and its label (see
        `theory.theory_rate`); None for gated cells."""
        curve = self.gradient_curve()
        if curve is None or self.theory_label() is None or not np.isfinite(curve[-1]):
            return None
        base, label = self._theory_rates.rate(self.fwd.packed["U"], self.config.activation)
        steps_back = self.T - np.arange(1, self.T + 1)
        with np.errstate(over="ignore", under="ignore"):
            return curve[-1] * base**steps_back, label

    def nonfinite_from(self) -> tuple[str, int] | None:
        """("forward" | "backward", t) where values first became inf or nan, or None. For a
        stack, t of the first step in step order that overflowed (`nonfinite_place` says
        which layer and direction)."""
        place = self.nonfinite_place()
        if place is None or place.t is None:
            return None
        return place.phase.value, place.t

    def nonfinite_place(self) -> Place | None:
        """The (phase, layer, direction, t) of the first step whose values became inf or nan."""
        fwd, bwd, order = self.fwd, self.bwd, order_of(self.config)
        N = order.steps_per_pass
        stack = isinstance(fwd, StackForwardTrace)
        if fwd.nonfinite_from is not None:  # a stack counts steps, one layer timesteps
            return order.place(fwd.nonfinite_from) if stack else Place(Phase.FORWARD, 0, 0, fwd.nonfinite_from)
        if bwd is not None and bwd.nonfinite_from is not None:
            if stack:
                return order.place(N + 1 + bwd.nonfinite_from)
            return Place(Phase.BACKWARD, 0, 0, bwd.nonfinite_from)
        return None

    # -- per layer and direction -------------------------------------------------------
    def layer_keys(self) -> list[Key]:
        """(layer, direction) of every recurrent layer, in step order."""
        return [(layer, d) for layer in range(self.net.layers) for d in range(self.net.directions)]

    def layer_hidden_states(self) -> dict[Key, np.ndarray]:
        """(layer, direction) -> (B, T, D) h_t."""
        fwd = self.fwd
        return fwd.layer_h if isinstance(fwd, StackForwardTrace) else {(0, 0): fwd.h}

    def layer_cell_states(self) -> dict[Key, np.ndarray]:
        """(layer, direction) -> (B, T, D) c_t of an LSTM; empty for other cells."""
        fwd = self.fwd
        if isinstance(fwd, StackForwardTrace):
            return fwd.layer_c
        return {} if fwd.c is None else {(0, 0): fwd.c}

    def layer_gates(self) -> dict[Key, dict[str, np.ndarray]]:
        """(layer, direction) -> gate name -> (B, T, D) gate activations."""
        fwd = self.fwd
        return fwd.layer_gates if isinstance(fwd, StackForwardTrace) else {(0, 0): fwd.gates}

    def layer_gradients(self) -> dict[Key, np.ndarray] | None:
        """(layer, direction) -> (B, T, D) total dL/dh_t; None before the loss."""
        bwd = self.bwd
        if bwd is None:
            return None
        return bwd.layer_dh if isinstance(bwd, StackBackwardTrace) else {(0, 0): bwd.dh}

    def layer_gradient_norms(self) -> dict[Key, np.ndarray] | None:
        """(layer, direction) -> (T,) ||dL/dh_t|| over the batch and the units; None
        before the loss. What a depth-time picture of the gradient shows."""
        bwd = self.bwd
        if bwd is None:
            return None
        return bwd.dh_norm_per_layer if isinstance(bwd, StackBackwardTrace) else {(0, 0): bwd.dh_norm}

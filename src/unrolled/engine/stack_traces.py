"""What a forward and a backward pass through a stack of layers (`stack.Stack`) record.

Each (layer l, direction d) has its own LayerTrace / LayerBackward, in the order that
direction visits time: for the reverse direction (d = 1) they hold time-reversed views, so
their index i is natural time t = T - 1 - i. The accessors here (`layer_h`, `layer_dh`,
...) give every array in natural time order, (B, T, D), index t-1 for timestep t.

Layer l's output (B, T, dirs*D) is the forward direction's h_t beside the reverse
direction's h_t, in that order, as torch's `output`; the layers' h are views into it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .traces import LayerBackward, LayerTrace

Key = tuple[int, int]  # (layer from 0, direction: 0 forward, 1 reverse)


def natural(a: np.ndarray, direction: int) -> np.ndarray:
    """An array (B, T, ...) of a direction, in its own order, as a view in natural time order."""
    return a[:, ::-1] if direction else a


def position(step: int, T: int, directions: int) -> tuple[int, int, int]:
    """The (layer, direction, i) of forward step `step` (0-based), i the index in the
    direction's own order: layer by layer, the forward direction t = 1..T, then the reverse."""
    layer, rest = divmod(step, directions * T)
    direction, i = divmod(rest, T)
    return layer, direction, i


def natural_t(direction: int, i: int, T: int) -> int:
    """The 0-based timestep of index i in a direction's own order."""
    return T - 1 - i if direction else i


def _norm_per_t(a: np.ndarray) -> np.ndarray:
    """(T,) ||a_t|| over the batch and the units of a (B, T, W); NaN where a_t is."""
    with np.errstate(over="ignore", invalid="ignore"):  # an inf norm is drawn as overflow
        return np.sqrt(np.sum(a * a, axis=(0, 2)))


@dataclass
class StackForwardTrace:
    """Forward pass over X (B, T, F) through L layers of D units, dirs = 1 or 2 directions."""

    X: np.ndarray  # (B, T, F)
    packed: dict  # the readout the pass used: W2 (dirs*D, C), b2 (C,)
    layers: dict[Key, LayerTrace]  # (l, d) -> that direction's trace, in its own time order
    outputs: list[np.ndarray]  # per layer, (B, T, dirs*D): h_t forward beside h_t reverse
    cell_states: list[np.ndarray] | None  # LSTM: per layer (B, T, dirs*D), as outputs
    y: np.ndarray  # (B, T, C) many-to-many; (B, C) many-to-one
    directions: int  # 1 or 2
    steps_done: int = 0  # steps of one cell at one (layer, direction, t), in `position` order
    token_ids: np.ndarray | None = None  # (B, T) behind X, with an embedding (embedding.py)

    @property
    def T(self) -> int:
        return self.X.shape[1]

    @property
    def n_layers(self) -> int:
        return len(self.outputs)

    @property
    def n_steps(self) -> int:
        """L * dirs * T: every cell at every (layer, direction, t)."""
        return self.n_layers * self.directions * self.T

    @property
    def complete(self) -> bool:
        return self.steps_done == self.n_steps

    def position(self, step: int) -> tuple[int, int, int]:
        """(layer, direction, t) of forward step `step` (0-based), t the 0-based timestep."""
        layer, direction, i = position(step, self.T, self.directions)
        return layer, direction, natural_t(direction, i, self.T)

    @property
    def h(self) -> np.ndarray:
        """(B, T, dirs*D) the top layer's output, which the readout reads."""
        return self.outputs[-1]

    @property
    def c(self) -> np.ndarray | None:
        """(B, T, dirs*D) the top layer's cell states (LSTM), as h; else None."""
        return None if self.cell_states is None else self.cell_states[-1]

    @property
    def gates(self) -> dict[str, np.ndarray]:
        """gate name -> (B, T, dirs*D) the top layer's gate activations, its directions side
        by side as in `h`, natural time order (a copy): what one-layer readers of `gates` see."""
        return self._top_side_by_side(lambda trace: trace.gates)

    @property
    def pre(self) -> dict[str, np.ndarray]:
        """name -> (B, T, dirs*D) the top layer's pre-activations, as `gates`."""
        return self._top_side_by_side(lambda trace: trace.pre)

    def _top_side_by_side(self, part) -> dict[str, np.ndarray]:
        top = [(key, part(self.layers[key])) for key in self.layers if key[0] == self.n_layers - 1]
        names = top[0][1]
        return {name: np.concatenate([natural(arrays[name], key[1]) for key, arrays in top], axis=-1)
                for name in names}

    @property
    def layer_h(self) -> dict[Key, np.ndarray]:
        """(l, d) -> (B, T, D) hidden states of layer l, direction d, natural time order."""
        return {key: natural(trace.h, key[1]) for key, trace in self.layers.items()}

    @property
    def layer_c(self) -> dict[Key, np.ndarray]:
        """(l, d) -> (B, T, D) LSTM cell states, natural time order; empty for other cells."""
        return {key: natural(trace.c, key[1]) for key, trace in self.layers.items() if trace.c is not None}

    @property
    def layer_gates(self) -> dict[Key, dict[str, np.ndarray]]:
        """(l, d) -> gate name -> (B, T, D) gate activations, natural time order."""
        return {key: {g: natural(v, key[1]) for g, v in trace.gates.items()} for key, trace in self.layers.items()}

    @property
    def nonfinite_from(self) -> int | None:
        """The first step (1-based, in step order) whose state is inf or nan, or None."""
        for n, key in enumerate(self.layers):
            t = self.layers[key].nonfinite_from
            if t is not None:
                return n * self.T + t
        return None


@dataclass
class StackBackwardTrace:
    """Backward pass over a StackForwardTrace: the exact reverse of the forward steps."""

    loss: float
    dy: np.ndarray  # dL/dy, shaped like y
    layers: dict[Key, LayerBackward]  # (l, d) -> that direction's backward, in its own order
    dh_outputs: list[np.ndarray]  # per layer (B, T, dirs*D) total dL/dh_t, as outputs
    dc_states: list[np.ndarray] | None  # LSTM: per layer (B, T, dirs*D) total dL/dc_t
    # per layer (B, T, dirs*D): dL/dh_t entering from above, through the readout (top layer)
    # or through the layer above's input weights; NaN until the layer's backward begins
    dh_entries: list[np.ndarray]
    directions: int
    steps_done: int = 0
    grads: dict[str, np.ndarray] = field(default_factory=dict)  # filled when complete
    # many-to-many, when tracked: the same pass over dL/dy zeroed but at t = T, stepped
    # beside this one, so its dh is dL_T/dh_t (the last step's loss alone)
    last_step: StackBackwardTrace | None = None

    @property
    def T(self) -> int:
        return self.dh_outputs[0].shape[1]

    @property
    def n_steps(self) -> int:
        return len(self.dh_outputs) * self.directions * self.T

    @property
    def complete(self) -> bool:
        return self.steps_done == self.n_steps

    def position(self, step: int) -> tuple[int, int, int]:
        """(layer, direction, t) of backward step `step` (0-based), t the 0-based timestep:
        forward step n_steps - 1 - step."""
        layer, direction, i = position(self.n_steps - 1 - step, self.T, self.directions)
        return layer, direction, natural_t(direction, i, self.T)

    @property
    def dh(self) -> np.ndarray:
        """(B, T, dirs*D) total dL/dh_t of the top layer's output."""
        return self.dh_outputs[-1]

    @property
    def dc(self) -> np.ndarray | None:
        return None if self.dc_states is None else self.dc_states[-1]

    @property
    def done_mask(self) -> np.ndarray:
        """(T,) bool: True at the timesteps where the top layer's dL/dh_t is complete, every
        direction of it (its forward direction, stepped from T down, is the last to reach t)."""
        return self.layers[(len(self.dh_outputs) - 1, 0)].done_mask

    @property
    def dh_last(self) -> np.ndarray | None:
        """(B, T, dirs*D) dL_T/dh_t of the top layer's output, or None when not tracked."""
        return None if self.last_step is None else self.last_step.dh

    @property
    def dh_norm(self) -> np.ndarray:
        """(T,) ||dL/dh_t|| of the top layer's output over the batch and the units; NaN
        where not yet computed."""
        return _norm_per_t(self.dh)

    @property
    def dh_last_norm(self) -> np.ndarray | None:
        """(T,) ||dL_T/dh_t|| of the top layer's output, or None when not tracked."""
        return None if self.last_step is None else self.last_step.dh_norm

    @property
    def dc_norm(self) -> np.ndarray | None:
        """(T,) ||dL/dc_t|| of the top layer (LSTM), or None for a cell without a cell state."""
        return None if self.dc is None else _norm_per_t(self.dc)

    @property
    def layer_dh_last(self) -> dict[Key, np.ndarray] | None:
        """(l, d) -> (B, T, D) dL_T/dh_t of layer l, direction d, natural time order; None
        when not tracked."""
        return None if self.last_step is None else self.last_step.layer_dh

    @property
    def layer_dh(self) -> dict[Key, np.ndarray]:
        """(l, d) -> (B, T, D) total dL/dh_t of layer l, direction d, natural time order."""
        return {key: natural(b.dh, key[1]) for key, b in self.layers.items()}

    @property
    def layer_dc(self) -> dict[Key, np.ndarray]:
        """(l, d) -> (B, T, D) total dL/dc_t (LSTM), natural time order."""
        return {key: natural(b.dc, key[1]) for key, b in self.layers.items() if b.dc is not None}

    @property
    def nonfinite_from(self) -> int | None:
        """The first backward step (1-based, in backward step order) whose gradient is inf
        or nan, or None."""
        T = self.T
        for n, key in enumerate(reversed(self.layers)):
            t = self.layers[key].nonfinite_from  # in the direction's own order, counted from T down
            if t is not None:
                return n * T + (T - t + 1)
        return None

    @property
    def dh_norm_per_layer(self) -> dict[Key, np.ndarray]:
        """(l, d) -> (T,) ||dL/dh_t|| over the batch and the units, natural time order;
        NaN where not yet computed."""
        return {key: natural(b.dh_norm[None], key[1])[0] for key, b in self.layers.items()}

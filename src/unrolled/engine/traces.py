"""What a forward and a backward pass record, filled one timestep at a time.

Arrays are allocated for the whole sequence up front and start as NaN: a column that has
not been computed yet is NaN, so a plot shows it as empty, never as zero. `steps_done`
says how far the pass has got; stepping back lowers it and blanks the column again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


def first_nonfinite_step(arrays, steps: range) -> int | None:
    """The first timestep t (1-based) in `steps` order at which any array (B, T, ...) holds
    inf or nan, or None."""
    if len(steps) == 0:
        return None
    order = np.arange(steps.start, steps.stop, steps.step)
    low = int(order.min())
    span = slice(low, low + len(order))  # steps of +-1 cover a slice: a view, not a copy
    bad = np.zeros(len(order), dtype=bool)
    for a in arrays:
        if a is not None:
            part = a[:, span] if abs(steps.step) == 1 else a[:, order]
            finite = np.isfinite(part).reshape(a.shape[0], len(order), -1).all(axis=(0, 2))
            bad |= ~(finite[order - low] if abs(steps.step) == 1 else finite)
    hits = np.flatnonzero(bad)
    return int(order[hits[0]]) + 1 if hits.size else None


@dataclass
class LayerTrace:
    """Forward pass of one recurrent layer over its input X (B, T, F), F the layer's input
    width, in the order the layer visits time: for a reverse direction (`stack`) every
    array here is a time-reversed view, so index t is the layer's (t+1)-th step."""

    X: np.ndarray  # (B, T, F)
    packed: dict  # the parameters the pass used, stacked per cell (see Cell.pack)
    h: np.ndarray  # (B, T, D) hidden states h_1..h_T
    c: np.ndarray | None  # (B, T, D) LSTM cell states, else None
    # (B, T, K*D) x_t @ W + b for every t, in one matmul once the layer's input is complete
    # (a stack's upper layer: at its first step; None before)
    a_x: np.ndarray | None
    pre_block: np.ndarray  # (B, T, P*D) pre-activations, blocks in the cell's pre_names order
    gate_block: np.ndarray | None  # (B, T, K*D) gate activations, in gate_names order
    gates: dict[str, np.ndarray]  # views (B, T, D) into gate_block: LSTM i f g o; GRU r z n
    pre: dict[str, np.ndarray]  # views (B, T, D) into pre_block: "pre" (RNN), "pre_<gate>"
    caches: list = field(default_factory=list)  # one per completed step
    steps_done: int = 0
    # the state before step 1, state name -> (B, D) (a carried state, `carried.py`); None: zeros
    initial: dict[str, np.ndarray] | None = None

    @property
    def T(self) -> int:
        return self.X.shape[1]

    @property
    def h_0(self) -> np.ndarray:
        """(B, D) the hidden state step 1 started from: the initial state's h, or zeros."""
        if self.initial is not None:
            return self.initial["h"]
        return np.zeros_like(self.h[:, 0])

    @property
    def complete(self) -> bool:
        return self.steps_done == self.T

    @property
    def h_prev(self) -> np.ndarray:
        """(B, T, D) h_0..h_{T-1}: the state each step started from."""
        return np.concatenate([self.h_0[:, None], self.h[:, :-1]], axis=1)

    @property
    def nonfinite_from(self) -> int | None:
        """First timestep t (1-based) whose hidden or cell state is inf or nan, or None."""
        return first_nonfinite_step((self.h, self.c), range(self.steps_done))


@dataclass
class ForwardTrace(LayerTrace):
    """Forward pass over X (B, T, F) with D hidden units and C outputs."""

    y: np.ndarray = field(kw_only=True)  # (B, T, C) many-to-many; (B, C) many-to-one
    token_ids: np.ndarray | None = field(default=None, kw_only=True)  # (B, T) behind X (embedding.py)


@dataclass
class LayerBackward:
    """Backward pass through time of one recurrent layer over its LayerTrace, from its last
    step down to its first (for a reverse direction, in its own order, as LayerTrace)."""

    dh_readout: np.ndarray  # (B, T, D) dL/dh_t entering at t from outside the recurrence:
    # through the readout, or, below the top of a stack, through the layer above
    dh: np.ndarray  # (B, T, D) total dL/dh_t
    dc: np.ndarray | None  # (B, T, D) total dL/dc_t (LSTM)
    carry_h: np.ndarray  # (B, T, D) dL/dh_t through step t+1 (the recurrent path)
    carry_c: np.ndarray | None  # (B, T, D) dL/dc_t through step t+1 (LSTM)
    d_ax: np.ndarray  # (B, T, K*D) dL/d(x_t W + b); a column is valid once its step is done
    d_ah: np.ndarray  # (B, T, K*D) dL/d(h_{t-1} U); the same array as d_ax unless the GRU
    # dL_T/dh_t: the gradient of the last step's loss alone, when tracked (many-to-many)
    dh_last: np.ndarray | None = None  # (B, T, D)
    carry_last: dict | None = None  # state name -> (B, T, D), as carry_h / carry_c
    # truncated BPTT: state name -> (T, W, B, D), column t the loss terms still within reach
    # of step t, apart (slot s % W holds dL_s/d state_t); None for full BPTT
    carry_terms: dict | None = None
    steps_done: int = 0
    _norms: dict = field(default_factory=dict, repr=False)  # name -> (steps_done, (T,) read-only norms)

    def _norm_per_step(self, name: str, a: np.ndarray) -> np.ndarray:
        """(T,) ||a_t|| over the batch and the units, NaN where not computed yet. Several
        plots and the status bar ask each frame; the arrays change only with steps_done, one
        column a step (a step undone blanks its column to NaN again), so it is computed once
        per step, and from the last step's norms only that column is recomputed."""
        done = self.steps_done
        cached = self._norms.get(name)
        if cached is not None and cached[0] == done:
            return cached[1]
        with np.errstate(over="ignore", invalid="ignore"):  # an inf norm is drawn as overflow
            if cached is not None and abs(cached[0] - done) == 1:
                norm = cached[1].copy()
                t = self.T - max(cached[0], done)  # the column that step filled (or its undo blanked)
                norm[t] = np.sqrt(np.sum(a[:, t] * a[:, t]))  # as the full sum, to rounding
            else:
                norm = np.sqrt(np.sum(a * a, axis=(0, 2)))
        norm.setflags(write=False)
        self._norms[name] = (done, norm)
        return norm

    @property
    def T(self) -> int:
        return self.dh.shape[1]

    @property
    def complete(self) -> bool:
        return self.steps_done == self.T

    @property
    def next_t(self) -> int:
        """0-based index of the step the next backward step processes (T-1 down to 0)."""
        return self.T - 1 - self.steps_done

    @property
    def done_mask(self) -> np.ndarray:
        """(T,) bool: True at the timesteps the backward pass has processed (the last
        steps_done of them, since it runs from T down), False where it has not got to yet."""
        done = np.zeros(self.T, dtype=bool)
        done[self.next_t + 1 :] = True
        return done

    @property
    def dh_norm(self) -> np.ndarray:
        """(T,) ||dL/dh_t|| over the batch and the units; NaN where not yet computed."""
        return self._norm_per_step("dh", self.dh)

    @property
    def dh_last_norm(self) -> np.ndarray | None:
        """(T,) ||dL_T/dh_t||, or None when not tracked."""
        return None if self.dh_last is None else self._norm_per_step("dh_last", self.dh_last)

    @property
    def dc_norm(self) -> np.ndarray | None:
        """(T,) ||dL/dc_t|| (LSTM), or None for a cell without a cell state."""
        return None if self.dc is None else self._norm_per_step("dc", self.dc)

    @property
    def nonfinite_from(self) -> int | None:
        """The first timestep, in backward order (from T down), whose gradient is inf/nan."""
        T = self.T
        return first_nonfinite_step((self.dh, self.dc), range(T - 1, T - 1 - self.steps_done, -1))


@dataclass
class BackwardTrace(LayerBackward):
    """Backward pass through time over a ForwardTrace, from t = T down to t = 1."""

    loss: float = field(kw_only=True)
    dy: np.ndarray = field(kw_only=True)  # dL/dy, shaped like y
    grads: dict[str, np.ndarray] = field(default_factory=dict, kw_only=True)  # filled when complete

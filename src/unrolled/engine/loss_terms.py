"""How each loss term and each timestep make up the gradient: dL_k/dh_t for one loss term
k (RNNbow's "itemized gradients"), and each timestep's contribution to dL/dU (Pascanu,
Mikolov and Bengio 2013, eq. 4). Read from a network's traces; nothing is stored."""

from __future__ import annotations

import numbers
from typing import Protocol

import numpy as np

from . import recurrence
from .cells.base import Cell
from .functions import tolerate_overflow
from .stack import Stack
from .stack_traces import StackForwardTrace
from .traces import ForwardTrace, LayerBackward, LayerTrace


class LossNetwork(Protocol):
    """What a loss term reads of a network (`network.Network`, which calls these functions:
    a Protocol, so the two modules do not import each other)."""

    mode: str
    cell: Cell

    def loss_and_output_grad(self, fwd: ForwardTrace, Y) -> tuple[float, np.ndarray]: ...

    def reaches(self, s: int, t: int, T: int) -> bool: ...


class StackNetwork(LossNetwork, Protocol):
    """What term k of a stack reads of its network."""

    stack: Stack | None
    bidirectional: bool

    def truncation_for(self, T: int) -> int: ...


@tolerate_overflow
def step_loss_gradient(net: LossNetwork, fwd: ForwardTrace, Y, k: int | None = None) -> np.ndarray:
    """(B, T, D) dL_k/dh_t: the gradient of timestep k's loss term alone (1-based k,
    default T), for t <= k; NaN for t > k; 0 where truncation cuts it. In many-to-many
    mode the total dL/dh_t mixes in every later step's own loss; this is the curve that shows
    the decay."""
    T = fwd.T
    k = T if k is None else k
    if not 1 <= k <= T:
        raise ValueError(f"k: got {k!r}, expected a timestep from 1 to {T}")
    if net.mode == "many-to-one" and k != T:
        raise ValueError(f"k: got {k}, but a many-to-one network has a loss only at T = {T}")
    _, dy = net.loss_and_output_grad(fwd, Y)
    dh_readout = recurrence.dh_through_readout(net.mode, fwd.packed["W2"], dy, fwd.h)
    out = np.full_like(fwd.h, np.nan)
    d_state = {name: np.zeros_like(fwd.h[:, 0]) for name in net.cell.state_names}
    d_state["h"] = dh_readout[:, k - 1]
    for t in range(k - 1, -1, -1):
        if not net.reaches(k - 1, t, T):  # truncated BPTT: this term stops here
            out[:, : t + 1] = 0.0
            break
        out[:, t] = d_state["h"]
        d_state = net.cell.state_vjp(fwd.packed, d_state, fwd.caches[t])
    return out


@tolerate_overflow
def recurrent_contributions(fwd: LayerTrace, bwd: LayerBackward, steps: np.ndarray | None = None) -> np.ndarray:
    """(T,) ||dL/dU at step t alone||_F over all recurrent matrices: the temporal
    contributions of Pascanu, Mikolov and Bengio (2013, eq. 4); NaN where not yet done.
    steps: a (T,) mask of the timesteps wanted (NaN elsewhere): a step's contribution does
    not change once done, so a plot computes only the new ones.

    Step t adds h_{t-1}^T d_ah_t to dL/dU, and ||a^T b||_F^2 = sum((a a^T) * (b b^T)),
    so no (D, K*D) matrix is formed."""
    out = np.full(bwd.T, np.nan)
    done = bwd.done_mask if steps is None else bwd.done_mask & steps
    index = np.flatnonzero(done)
    if index.size == 0:
        return out
    lo, hi = int(index[0]), int(index[-1]) + 1
    if hi - lo == index.size:  # one run of timesteps (as BPTT fills them): views, no copies
        h_prev = fwd.h[:, max(lo - 1, 0) : hi - 1]  # h_{t-1} for t = lo .. hi-1, but h_0 ...
        d_ah = bwd.d_ah[:, lo:hi]
    else:
        h_prev = fwd.h[:, np.maximum(index - 1, 0)]
        h_prev[:, index == 0] = fwd.h_0[:, None]
        d_ah = bwd.d_ah[:, done]
    gram_h = np.einsum("btd,ctd->tbc", h_prev, h_prev)
    if lo == 0 and hi - lo == index.size:  # ... which the slice leaves out
        gram_h = np.concatenate([(fwd.h_0 @ fwd.h_0.T)[None], gram_h])
    gram_d = np.einsum("btd,ctd->tbc", d_ah, d_ah)
    out[done] = np.sqrt(np.maximum(np.sum(gram_h * gram_d, axis=(1, 2)), 0.0))
    return out


@tolerate_overflow
def stack_step_loss_gradient(net: StackNetwork, fwd: StackForwardTrace, Y, k: int | None) -> np.ndarray:
    """(B, T, dirs*D) dL_k/d output_t of a stack's top layer: the backward pass over dL/dy
    zeroed but at t = k (the pass is linear in dL/dy, so this is exactly term k's share,
    truncation included); NaN for t > k in one direction."""
    assert net.stack is not None
    T = fwd.T
    k = T if k is None else k
    if isinstance(k, bool) or not isinstance(k, numbers.Integral) or not 1 <= k <= T:
        raise ValueError(f"k: got {k!r}, expected a timestep from 1 to {T}")
    if net.mode == "many-to-one" and k != T:
        raise ValueError(f"k: got {k}, but a many-to-one network has a loss only at T = {T}")
    loss, dy = net.loss_and_output_grad(fwd, Y)
    if net.mode == "many-to-many":
        only_k = np.zeros_like(dy)
        only_k[:, k - 1] = dy[:, k - 1]
        dy = only_k
    truncation = net.truncation_for(T)
    bwd = net.stack.begin_backward(fwd, loss, dy, truncation)
    for _ in range(bwd.n_steps):
        net.stack.backward_step(bwd, fwd, truncation)
    out = np.array(bwd.dh, copy=True)
    if not net.bidirectional:
        out[:, k:] = np.nan
    return out

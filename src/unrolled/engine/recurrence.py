"""One recurrent layer stepped through time: the loops over a cell's pure step functions that
fill a LayerTrace forward and a LayerBackward backward, one step at a time, and undo them.

A `Network` is one such layer and a readout; a `stack.Stack` is several, each read by the
one above, with a reverse direction running over time-reversed views. Both step their layers
with the functions here, so each step of BPTT is written once.

Truncated BPTT with truncation k > 0: a gradient entering the layer at step s (from the
readout, or from the layer above) reaches the layer's states s, s-1, ..., s-k+1 and no
earlier ones (Williams and Peng 1990's BPTT(h)). Entries are carried apart, one row per
entry still within reach (slot s % W of carry_terms), and each row is dropped when it has
gone k steps back.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .cells.base import Cell, StepGrads, blocks
from .traces import LayerBackward, LayerTrace


def trace_arrays(cell: Cell, B: int, T: int, D: int) -> dict:
    """The NaN-filled pre-activation and gate arrays of a LayerTrace: pre_block (B, T, P*D),
    gate_block (B, T, K*D) or None, and their per-name views (B, T, D) pre and gates."""
    pre_block = np.full((B, T, len(cell.pre_names) * D), np.nan)
    gate_block: np.ndarray | None = None
    gates: dict[str, np.ndarray] = {}
    if cell.gate_names:
        gate_block = np.full((B, T, cell.blocks * D), np.nan)
        gates = dict(zip(cell.gate_names, blocks(gate_block, cell.blocks)))
    pre = dict(zip(cell.pre_names, blocks(pre_block, len(cell.pre_names))))
    return {"pre_block": pre_block, "gate_block": gate_block, "gates": gates, "pre": pre}


def forward_step(cell: Cell, trace: LayerTrace) -> dict:
    """Compute the layer's step t = trace.steps_done + 1, record it and return the new state."""
    t = trace.steps_done
    if t >= trace.T:
        raise ValueError(f"forward_step: all {trace.T} timesteps are done")
    if t == 0 and trace.initial is not None:
        state = dict(trace.initial)
    elif t == 0:
        state = cell.initial_state(trace.X.shape[0], trace.h.shape[2])
    else:
        state = {"h": trace.h[:, t - 1]}
        if trace.c is not None:
            state["c"] = trace.c[:, t - 1]
    a_x = trace.a_x[:, t] if trace.a_x is not None else None
    new_state, cache = cell.step_forward(trace.packed, trace.X[:, t], state, a_x)
    trace.caches.append(cache)
    trace.h[:, t] = new_state["h"]
    if trace.c is not None:
        trace.c[:, t] = new_state["c"]
    pre, gates = cell.step_traces(cache)
    trace.pre_block[:, t] = pre
    if cache.get("pre") is pre:  # the cache reads the trace's copy: the same numbers, stored once
        cache["pre"] = trace.pre_block[:, t]
    if gates is not None:
        assert trace.gate_block is not None  # trace_arrays made one: the cell has gates
        trace.gate_block[:, t] = gates
        if cache.get("gates") is gates:
            cache["gates"] = trace.gate_block[:, t]
    trace.steps_done += 1
    return new_state


def forward_unstep(trace: LayerTrace) -> int:
    """Undo the layer's last step: its column becomes NaN again. Returns that step's index."""
    if trace.steps_done == 0:
        raise ValueError("forward_unstep: no forward step to undo")
    trace.steps_done -= 1
    t = trace.steps_done
    trace.caches.pop()
    for a in (trace.h, trace.c, trace.pre_block, trace.gate_block):
        if a is not None:
            a[:, t] = np.nan
    return t


def new_backward(cell: Cell, dh_entry: np.ndarray, dh: np.ndarray, dc: np.ndarray | None,
                 k: int, slots: int) -> dict:
    """The arrays of a LayerBackward, for a layer of D units over T steps (B sequences).

    dh_entry (B, T, D): the gradient entering at each step from outside the recurrence;
    dh, dc (B, T, D): where the total dL/dh_t, dL/dc_t go (NaN until computed);
    k: the truncation that cuts (0: none); slots: entries within reach at once (W)."""
    B, T, D = dh.shape
    width = cell.blocks * D
    has_c = dc is not None
    d_ax = np.empty((B, T, width))  # columns are valid once their step is done
    terms = None
    if k:  # entries within reach: state name -> (T, W, B, D)
        terms = {name: np.zeros((T, slots, B, D)) for name in cell.state_names}
    return {
        "dh_readout": dh_entry,
        "dh": dh,
        "dc": dc,
        "carry_h": np.zeros((B, T, D)),
        "carry_c": np.zeros((B, T, D)) if has_c else None,
        "d_ax": d_ax,
        "d_ah": d_ax if cell.shared_affine_grad else np.empty((B, T, width)),
        "carry_terms": terms,
    }


def backward_step(cell: Cell, fwd: LayerTrace, bwd: LayerBackward, k: int, entries: Callable[[], np.ndarray]) -> None:
    """Backpropagate through the layer's step t = bwd.next_t (from its last step down).

    k: the truncation that cuts (0: full BPTT); entries() -> (T,) bool, the steps at which a
    gradient enters from outside the recurrence (a truncated entry expires k steps back);
    asked only when truncation cuts."""
    t = bwd.next_t
    if t < 0:
        raise ValueError(f"backward_step: all {bwd.T} timesteps are done")
    if bwd.carry_terms is not None:
        step = _truncated_step(cell, fwd, bwd, t, k, entries())
    else:
        d_state = {"h": bwd.dh_readout[:, t] + bwd.carry_h[:, t]}
        if bwd.carry_c is not None:
            d_state["c"] = bwd.carry_c[:, t]
        step = cell.step_backward(fwd.packed, d_state, fwd.caches[t])
    bwd.dh[:, t] = step.d_state_total["h"]
    if bwd.dc is not None:
        bwd.dc[:, t] = step.d_state_total["c"]
    bwd.d_ax[:, t] = step.d_ax
    if bwd.d_ah is not bwd.d_ax:
        bwd.d_ah[:, t] = step.d_ah
    if t > 0:
        bwd.carry_h[:, t - 1] = step.d_state_prev["h"]
        if bwd.carry_c is not None:
            bwd.carry_c[:, t - 1] = step.d_state_prev["c"]
    if bwd.dh_last is not None and bwd.carry_last is not None:
        _carry_last_step_gradient(cell, bwd.dh_last, bwd.carry_last, bwd.dh_readout, fwd, t)
    bwd.steps_done += 1


def _truncated_step(cell: Cell, fwd: LayerTrace, bwd: LayerBackward, t: int, k: int,
                    entries: np.ndarray) -> StepGrads:
    """Backpropagate through step t with the entries carried apart: slot s % W of
    carry_terms[name][t] (W, B, D) holds dL_s/d state_t for each entry s within reach.
    One step_backward over the W rows; the results are summed over the entries, and the
    entry that has gone k steps back (s = t - 1 + k) is dropped from the carry to t - 1."""
    assert bwd.carry_terms is not None
    T = bwd.T
    terms = {name: carry[t].copy() for name, carry in bwd.carry_terms.items()}  # the carry stays, for an undo
    W = terms["h"].shape[0]
    terms["h"][t % W] += bwd.dh_readout[:, t]  # entry t (zero where none enters)
    step = cell.step_backward(fwd.packed, terms, fwd.caches[t])
    if bwd.dh_last is not None:  # dL_T/dh_t: the last entry's row, while it reaches
        dh_last = terms["h"][(T - 1) % W]
        bwd.dh_last[:, t] = dh_last if t > T - 1 - k else np.zeros_like(dh_last)
    expiring = t - 1 + k  # dL_s/dh_{s-k} = 0: this entry stops here, if it is one
    is_entry = expiring < T and bool(entries[expiring])
    if t > 0:
        for name, carry in bwd.carry_terms.items():
            carry[t - 1] = step.d_state_prev[name]
            if is_entry:
                carry[t - 1, expiring % W] = 0.0
    return StepGrads(
        {name: carry[t - 1].sum(axis=0) for name, carry in bwd.carry_terms.items()} if t > 0 else {},
        step.d_ax.sum(axis=0),
        step.d_ah.sum(axis=0),
        {name: v.sum(axis=0) for name, v in step.d_state_total.items()},
    )


def _carry_last_step_gradient(cell: Cell, dh_last: np.ndarray, carry: dict[str, np.ndarray],
                              dh_readout: np.ndarray, fwd: LayerTrace, t: int) -> None:
    """Record dL_T/dh_t into dh_last (B, T, D) and carry it to step t-1 through carry
    (state name -> (B, T, D)); it starts at t = T from the readout's dh_readout."""
    if t == fwd.T - 1:
        d_state = {k: np.zeros_like(v[:, t]) for k, v in carry.items()}
        d_state["h"] = dh_readout[:, t]
    else:
        d_state = {k: v[:, t] for k, v in carry.items()}
    dh_last[:, t] = d_state["h"]
    if t > 0:
        d_prev = cell.state_vjp(fwd.packed, d_state, fwd.caches[t])
        for k, v in carry.items():
            v[:, t - 1] = d_prev[k]


def backward_unstep(bwd: LayerBackward) -> int:
    """Undo the layer's last backward step exactly: nothing was accumulated, so the columns
    of that step become NaN again. Returns that step's index."""
    if bwd.steps_done == 0:
        raise ValueError("backward_unstep: no backward step to undo")
    bwd.steps_done -= 1
    t = bwd.next_t
    for a in (bwd.dh, bwd.dc, bwd.dh_last):
        if a is not None:
            a[:, t] = np.nan
    return t


def input_gradient(fwd: LayerTrace, bwd: LayerBackward) -> np.ndarray:
    """(B, T, F') dL/dx_t of the layer's input x_t (F' its width), in the layer's own time
    order: through a_x = x_t @ W + b alone, the only place the input enters, dL/da_x @ W^T."""
    B, T, _ = bwd.d_ax.shape
    return (bwd.d_ax.reshape(B * T, -1) @ fwd.packed["W"].T).reshape(B, T, -1)


def packed_grads(cell: Cell, fwd: LayerTrace, bwd: LayerBackward) -> dict[str, np.ndarray]:
    """The gradients of the layer's packed parameters, all its steps at once (one matmul each)."""
    B, T, D = fwd.h.shape
    return cell.param_grads(
        fwd.X.reshape(B * T, -1),
        fwd.h_prev.reshape(B * T, D),
        bwd.d_ax.reshape(B * T, -1),
        bwd.d_ah.reshape(B * T, -1),
    )


def dh_through_readout(mode: str, W2: np.ndarray, dy: np.ndarray, h: np.ndarray) -> np.ndarray:
    """(B, T, D') dL/dh_t through y_t = h_t W2 + b2 alone, for the readout's input h
    (B, T, D'): every t in many-to-many mode, t = T alone in many-to-one (dy (B, C))."""
    if mode == "many-to-many":
        return dy @ W2.T
    dh = np.zeros_like(h)
    dh[:, -1] = dy @ W2.T
    return dh


def readout_grads(mode: str, h: np.ndarray, dy: np.ndarray) -> dict[str, np.ndarray]:
    """dL/dW2 (D', C) and dL/db2 (C,) of y_t = h_t W2 + b2, for the readout's input h
    (B, T, D'): every t in many-to-many mode, t = T alone in many-to-one (dy (B, C))."""
    if mode == "many-to-many":
        B, T, width = h.shape
        return {"W2": h.reshape(B * T, width).T @ dy.reshape(B * T, -1), "b2": dy.sum(axis=(0, 1))}
    return {"W2": h[:, -1].T @ dy, "b2": dy.sum(axis=0)}

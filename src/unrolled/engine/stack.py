"""A stack of recurrent layers, one direction or two: torch's `num_layers` and `bidirectional`.

    layer 0 reads x_t (F);  layer l > 0 reads layer l-1's output at t (dirs*D)
    forward direction:  h_t = cell(in_t, h_{t-1}),  t = 1..T,   h_0 = 0
    reverse direction:  h_t = cell(in_t, h_{t+1}),  t = T..1,   h_{T+1} = 0
    output_t = [h_t forward, h_t reverse]   (B, dirs*D), torch's `output`
    y_t = output_t @ W2 + b2 of the top layer; many-to-one: y = output_T @ W2 + b2, torch's
    `output[:, -1]`: the forward direction's h_T beside the reverse direction's first step

One step is one cell at one (layer, direction, t), in torch's order: layer by layer, the
forward direction t = 1..T, then the reverse t = T..1; L * dirs * T steps in all. The
backward pass is the exact reverse: the top layer's reverse direction t = 1..T first, the
bottom layer's forward direction t = T..1 last. A layer's backward starts once the layer
above has finished, with dL/d output_t = sum over the directions above of dL/da_x @ W^T.

Parameter names: layer 0's forward direction keeps the cell's own names (W1, U1, b1;
W_i ...; c_n). Layer l's forward direction appends `_l<l>`, a reverse direction
`_l<l>_reverse` (torch's suffixes): U1_l1, W_f_l2, U1_l0_reverse, c_n_l1_reverse. W_* of
layer layer > 0 is (dirs*D, D); the readout W2 is (dirs*D, C), b2 (C,). Initial draws follow
the step order, the readout last.

Truncated BPTT (truncation k > 0) applies along time within each (layer, direction): a
gradient entering a layer at t (from the readout at the top, from the layer above below it)
reaches that direction's states t, t-1, ..., t-k+1 (the reverse direction: t .. t+k-1) and
no further; at the layer below it enters again, at every t it reached, with its own k.
This is the exact gradient of the objective in which every layer's output at t, as the
layer above (or the readout) reads it, is recomputed from that direction's state k steps
earlier held constant, through its last k steps, from inputs that are themselves the
layer below's outputs recomputed in the same way (`gradcheck.stack_truncated_loss`).
One layer and one direction: Williams and Peng's BPTT(h), as `Network` has it.
"""

from __future__ import annotations

from functools import partial

import numpy as np

from . import recurrence
from .cells.base import Cell
from .functions import tolerate_overflow
from .init import cell_params, readout_params
from .stack_traces import Key, StackBackwardTrace, StackForwardTrace, natural, natural_t, position
from .traces import LayerBackward, LayerTrace

DIRECTION_NAMES = ("forward", "reverse")


def suffix(layer: int, direction: int) -> str:
    """The suffix of layer `layer`'s parameter names in direction `direction` (0 forward, 1
    reverse): none for layer 0 forward, else torch's `_l<layer>` and `_reverse`."""
    if layer == 0 and direction == 0:
        return ""
    return f"_l{layer}" + ("_reverse" if direction else "")


class Stack:
    """L layers of a cell, dirs directions each, with the readout, as a Network holds them."""

    def __init__(self, cell: Cell, n_features: int, n_hidden: int, n_classes: int, mode: str,
                 layers: int, directions: int):
        self.cell, self.mode = cell, mode
        self.n_features, self.n_hidden, self.n_classes = n_features, n_hidden, n_classes
        self.n_layers, self.directions = layers, directions
        # (layer, direction) in step order
        self.keys: list[Key] = [(layer, d) for layer in range(layers) for d in range(directions)]

    def input_width(self, layer: int) -> int:
        return self.n_features if layer == 0 else self.directions * self.n_hidden

    def param_shapes(self) -> dict[str, tuple[int, ...]]:
        shapes: dict[str, tuple[int, ...]] = {}
        for layer, d in self.keys:
            for name, shape in self.cell.param_shapes(self.input_width(layer), self.n_hidden).items():
                shapes[name + suffix(layer, d)] = shape
        shapes["W2"] = (self.directions * self.n_hidden, self.n_classes)
        shapes["b2"] = (self.n_classes,)
        return shapes

    def recurrent_param_names(self) -> tuple[str, ...]:
        return tuple(name + suffix(layer, d) for layer, d in self.keys for name in self.cell.recurrent_param_names())

    def init_params(self, rng: np.random.Generator, rho, forget_bias: float, init: str) -> dict[str, np.ndarray]:
        params: dict[str, np.ndarray] = {}
        for layer, d in self.keys:
            drawn = cell_params(self.cell, self.input_width(layer), self.n_hidden, rng, rho, forget_bias, init)
            params.update({name + suffix(layer, d): value for name, value in drawn.items()})
        params.update(readout_params(self.directions * self.n_hidden, self.n_classes, rng))
        return params

    def pack(self, params: dict) -> dict:
        """(layer, d) -> that direction's packed parameters (see Cell.pack), and the readout's
        W2, b2 under their names; copies, so a trace keeps the weights it was computed with."""
        names = tuple(self.cell.param_shapes(1, 1))
        packed: dict = {key: self.cell.pack({n: params[n + suffix(*key)] for n in names}) for key in self.keys}
        packed["W2"] = params["W2"].copy()
        packed["b2"] = params["b2"].copy()
        return packed

    # -- forward ----------------------------------------------------------------------
    def begin_forward(self, X: np.ndarray, packed: dict, initial: list | None = None) -> StackForwardTrace:
        """An empty trace over X (B, T, F); a_x of a layer is computed at its first step,
        once its input is known. initial: per layer, the forward direction's state before
        t = 1 (state name -> (B, D), see `carried`); None: zeros."""
        B, T, _ = X.shape
        D, dirs, cell = self.n_hidden, self.directions, self.cell
        outputs = [np.full((B, T, dirs * D), np.nan) for _ in range(self.n_layers)]
        has_c = "c" in cell.state_names
        cell_states = [np.full((B, T, dirs * D), np.nan) for _ in range(self.n_layers)] if has_c else None
        layers: dict[Key, LayerTrace] = {}
        for layer, d in self.keys:
            columns = slice(d * D, (d + 1) * D)
            layers[(layer, d)] = LayerTrace(
                X=natural(X if layer == 0 else outputs[layer - 1], d),
                packed=packed[(layer, d)],
                h=natural(outputs[layer][:, :, columns], d),
                c=natural(cell_states[layer][:, :, columns], d) if cell_states is not None else None,
                a_x=None,
                initial=initial[layer] if initial is not None and d == 0 else None,
                **recurrence.trace_arrays(cell, B, T, D),
            )
        C = self.n_classes
        y = np.full((B, T, C) if self.mode == "many-to-many" else (B, C), np.nan)
        readout = {"W2": packed["W2"], "b2": packed["b2"]}
        return StackForwardTrace(X, readout, layers, outputs, cell_states, y, dirs)

    def _readout_at(self, layer: int, d: int, i: int, T: int) -> int | None:
        """The timestep (0-based) whose y forward step (layer, d, i) completes, or None (many-to-
        one: T - 1, completed by the forward direction's last step or the reverse's first)."""
        if layer != self.n_layers - 1 or d != self.directions - 1:
            return None
        t = natural_t(d, i, T)
        if self.mode == "many-to-many":
            return t
        return T - 1 if t == T - 1 else None

    def forward_step(self, trace: StackForwardTrace, readout: bool = True) -> None:
        if trace.complete:
            raise ValueError(f"forward_step: all {trace.n_steps} steps are done")
        layer, d, i = position(trace.steps_done, trace.T, self.directions)
        part = trace.layers[(layer, d)]
        if i == 0:  # the layer's input is complete now
            part.a_x = self._input_rows(part)
        recurrence.forward_step(self.cell, part)
        if i == trace.T - 1:  # needed only while the direction steps: its memory goes to the next
            part.a_x = None
        t = self._readout_at(layer, d, i, trace.T)
        if t is not None:
            h = trace.h[:, t]
            if self.mode == "many-to-many":
                if readout:
                    trace.y[:, t] = h @ trace.packed["W2"] + trace.packed["b2"]
            else:
                trace.y[:] = h @ trace.packed["W2"] + trace.packed["b2"]
        trace.steps_done += 1

    def forward_unstep(self, trace: StackForwardTrace) -> None:
        """Undo the last forward step exactly: what it computed becomes NaN again."""
        if trace.steps_done == 0:
            raise ValueError("forward_unstep: no forward step to undo")
        layer, d, i = position(trace.steps_done - 1, trace.T, self.directions)
        part = trace.layers[(layer, d)]
        recurrence.forward_unstep(part)
        if i == 0:
            part.a_x = None
        elif i == trace.T - 1:  # the direction steps again: its input rows, the same numbers
            part.a_x = self._input_rows(part)
        t = self._readout_at(layer, d, i, trace.T)
        if t is not None:
            if self.mode == "many-to-many":
                trace.y[:, t] = np.nan
            else:
                trace.y[:] = np.nan
        trace.steps_done -= 1

    @staticmethod
    @tolerate_overflow  # also made again by an undo, outside a step: an overflowed input is inf here
    def _input_rows(part) -> np.ndarray:
        """(B, T, K*D) x_t @ W + b of a layer's every t in one matmul, on rows made contiguous
        (a reverse view is copied once); made again the same, bit for bit."""
        B, T, width = part.X.shape
        rows = part.X.reshape(B * T, width) @ part.packed["W"]
        rows += part.packed["b"]
        return rows.reshape(B, T, -1)

    def complete_readout(self, trace: StackForwardTrace) -> None:
        """Many-to-many after steps taken with readout=False: every y_t in one matmul."""
        if self.mode == "many-to-many":
            trace.y[:] = trace.h @ trace.packed["W2"] + trace.packed["b2"]

    # -- backward ---------------------------------------------------------------------
    def dh_through_readout(self, fwd: StackForwardTrace, dy: np.ndarray) -> np.ndarray:
        """(B, T, dirs*D) dL/d output_t of the top layer through y_t alone."""
        return recurrence.dh_through_readout(self.mode, fwd.packed["W2"], dy, fwd.h)

    def entries(self, layer: int, d: int, T: int) -> np.ndarray:
        """(T,) bool, in the direction's own order: where a gradient enters layer layer from
        above. Everywhere, but at the top of a many-to-one stack only at t = T."""
        if layer < self.n_layers - 1 or self.mode == "many-to-many":
            return np.full(T, True)
        return np.arange(T) == (0 if d else T - 1)

    def begin_backward(self, fwd: StackForwardTrace, loss: float, dy: np.ndarray, k: int,
                       track_last_step: bool = False) -> StackBackwardTrace:
        """The trace ready for the first backward step; k: the truncation that cuts (0: none).

        track_last_step (many-to-many): also carry dL_T/dh_t, the last step's loss alone, as
        a second backward pass (`StackBackwardTrace.last_step`) over dL/dy with every column
        but t = T zeroed, stepped beside the first. The backward pass is linear in dL/dy,
        so that pass is exactly the last loss term's share, truncation included."""
        B, T, width = fwd.h.shape
        D, has_c = self.n_hidden, fwd.cell_states is not None
        dh_outputs = [np.full((B, T, width), np.nan) for _ in range(self.n_layers)]
        dc_states = [np.full((B, T, width), np.nan) for _ in range(self.n_layers)] if has_c else None
        dh_entries = [np.full((B, T, width), np.nan) for _ in range(self.n_layers - 1)]
        dh_entries.append(self.dh_through_readout(fwd, dy))
        layers: dict[Key, LayerBackward] = {}
        for layer, d in self.keys:
            columns = slice(d * D, (d + 1) * D)
            slots = k if np.count_nonzero(self.entries(layer, d, T)) > 1 else 1
            layers[(layer, d)] = LayerBackward(**recurrence.new_backward(
                self.cell,
                natural(dh_entries[layer][:, :, columns], d),
                natural(dh_outputs[layer][:, :, columns], d),
                natural(dc_states[layer][:, :, columns], d) if dc_states is not None else None,
                k, slots,
            ))
        last_step = None
        if track_last_step:
            dy_last = np.zeros_like(dy)
            dy_last[:, T - 1] = dy[:, T - 1]
            last_step = self.begin_backward(fwd, loss, dy_last, k)
        return StackBackwardTrace(loss, dy, layers, dh_outputs, dc_states, dh_entries, self.directions,
                                  last_step=last_step)

    def input_gradient(self, fwd: StackForwardTrace, bwd: StackBackwardTrace, layer: int) -> np.ndarray:
        """(B, T, width) dL/d input_t of layer `layer` (x_t for layer 0, layer l-1's output
        above it), natural time order: the sum over its directions of dL/da_x @ W^T; valid
        once that layer's backward steps are done."""
        parts = [natural(recurrence.input_gradient(fwd.layers[(layer, d)], bwd.layers[(layer, d)]), d)
                 for d in range(self.directions)]
        return parts[0] + parts[1] if len(parts) == 2 else parts[0]

    def _entry_from_above(self, fwd: StackForwardTrace, bwd: StackBackwardTrace, layer: int) -> np.ndarray:
        """(B, T, dirs*D) dL/d output_t of layer layer through layer l+1's inputs."""
        return self.input_gradient(fwd, bwd, layer + 1)

    def backward_step(self, bwd: StackBackwardTrace, fwd: StackForwardTrace, k: int) -> None:
        if bwd.complete:
            raise ValueError(f"backward_step: all {bwd.n_steps} steps are done")
        self._backward_step(bwd, fwd, k)
        if bwd.last_step is not None:
            self._backward_step(bwd.last_step, fwd, k)
        if bwd.complete:
            bwd.grads = self.param_grads(fwd, bwd)

    def _backward_step(self, bwd: StackBackwardTrace, fwd: StackForwardTrace, k: int) -> None:
        T = bwd.T
        layer, d, i = position(bwd.n_steps - 1 - bwd.steps_done, T, self.directions)
        part = bwd.layers[(layer, d)]
        if layer < self.n_layers - 1 and d == self.directions - 1 and part.steps_done == 0:
            bwd.dh_entries[layer][:] = self._entry_from_above(fwd, bwd, layer)  # the layer above is done
        recurrence.backward_step(self.cell, fwd.layers[(layer, d)], part, k, partial(self.entries, layer, d, T))
        bwd.steps_done += 1

    def backward_unstep(self, bwd: StackBackwardTrace) -> None:
        """Undo the last backward step exactly: its columns, and a layer's entering gradient
        when that layer's first step is undone, become NaN again; the gradients are forgotten."""
        if bwd.steps_done == 0:
            raise ValueError("backward_unstep: no backward step to undo")
        for trace in (bwd, bwd.last_step):
            if trace is not None:
                self._backward_unstep(trace)
        bwd.grads = {}

    def _backward_unstep(self, bwd: StackBackwardTrace) -> None:
        bwd.steps_done -= 1
        layer, d, i = position(bwd.n_steps - 1 - bwd.steps_done, bwd.T, self.directions)
        part = bwd.layers[(layer, d)]
        recurrence.backward_unstep(part)
        if layer < self.n_layers - 1 and d == self.directions - 1 and part.steps_done == 0:
            bwd.dh_entries[layer][:] = np.nan

    def param_grads(self, fwd: StackForwardTrace, bwd: StackBackwardTrace) -> dict[str, np.ndarray]:
        """Every parameter's gradient, each layer's steps at once (one matmul each)."""
        grads: dict[str, np.ndarray] = {}
        for key in self.keys:
            d_packed = recurrence.packed_grads(self.cell, fwd.layers[key], bwd.layers[key])
            grads.update({name + suffix(*key): g for name, g in self.cell.unpack_grads(d_packed).items()})
        grads.update(recurrence.readout_grads(self.mode, fwd.h, bwd.dy))
        return grads

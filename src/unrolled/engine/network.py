"""Network: a recurrent cell, a linear readout and a loss, stepped one timestep at a time.

    h_t = cell(x_t, h_{t-1})          y_t = h_t @ W2 + b2

`forward` and `backward` are loops over `forward_step` and `backward_step`, which the app
calls one at a time; `forward_unstep` and `backward_unstep` undo a step exactly.

Truncated BPTT (`truncation` k > 0): each loss term's gradient flows back at most k
timesteps, dL_s/dh_t = 0 for t <= s - k (Williams and Peng 1990's BPTT(h)). The parameter
gradient is then exactly the derivative of the truncated objective sum_s L_s, where L_s is
computed from h_{s-k} held constant (a "detached" state) through steps s-k+1..s. The same
per-step backward carries the loss terms apart, one row per term still within reach, and
drops each term when it has gone k steps back; k = 0, or k >= T, is full BPTT.

Depth and direction (`layers` L > 1, `bidirectional`): the network holds a `stack.Stack`,
whose docstring states the equations, the parameter names (layer 0's forward direction keeps
the seed's names; others append `_l<l>` and `_reverse`: U1_l1, U1_l0_reverse), the step
order (torch's: layer by layer, forward t = 1..T then reverse t = T..1; backward the exact
reverse) and truncation (along time within each layer, re-entering at every layer). Its
passes return a `StackForwardTrace` / `StackBackwardTrace`: `fwd.h` and `bwd.dh` are the
top layer's output (B, T, dirs*D); `fwd.layer_h[(l, d)]`, `bwd.layer_dh[(l, d)]` are (B, T, D)
per layer and direction. L = 1 in one direction is the network above, unchanged.

An embedding (`vocab_size` V): the inputs are token ids (B, T), and x_t = E[token_t] with
E = params["E"] (V, F), torch's nn.Embedding before the first layer (see `embedding`).
"""

from __future__ import annotations

import numbers

import numpy as np

from . import jacobians, loss_terms, recurrence
from .carried import CarriedState, check_carried, final_state
from .cells import CELLS, make_cell
from .cells.base import Cell
from .checks import check_choice, check_flag, check_size, check_whole
from .embedding import EMBEDDING, check_token_ids, embed, embedding_grads
from .functions import ACTIVATIONS, tolerate_overflow
from .init import INITS, init_params
from .losses import LOSSES, check_targets, loss_and_grad
from .stack import Stack
from .stack_traces import StackBackwardTrace, StackForwardTrace, natural
from .traces import BackwardTrace, ForwardTrace, LayerBackward, LayerTrace

MODES = ("many-to-many", "many-to-one")
MAX_LAYERS = 8


class Network:
    """A recurrent network with F input features, D hidden units and C outputs.

    The passes, the steps and what is computed from them follow the engine's one overflow
    policy (`functions.tolerate_overflow`): inf and nan are recorded in the traces, not raised.

    rho: spectral radius of every recurrent U at first (None: orthogonal), drawn by `init`;
    forget_bias: the LSTM's initial forget-gate bias; truncation: k > 0 backpropagates each
    loss term at most k timesteps, 0 is full BPTT.
    layers: recurrent layers stacked, 1 to MAX_LAYERS; bidirectional: a reverse direction
    beside every layer's forward one (see `stack`); vocab_size: V token ids embedded by E.
    """
    tied = False  # E (V, F) is W2 (F, V) transposed, one parameter, as torch's weight tying: `embedding_grads`

    def __init__(
        self,
        cell: str = "rnn",
        n_features: int = 1,
        n_hidden: int = 8,
        n_classes: int = 2,
        mode: str = "many-to-many",
        activation: str = "tanh",
        loss: str = "cross-entropy",
        seed: int = 0,
        rho: float | None = None,
        forget_bias: float = 1.0,
        init: str = "spectral-radius",
        truncation: int = 0,
        layers: int = 1,
        bidirectional: bool = False,
        vocab_size: int | None = None,
    ):
        check_choice("cell", cell, CELLS)
        self.n_features = check_size("n_features", n_features)
        self.n_hidden = check_size("n_hidden", n_hidden)
        self.n_classes = check_size("n_classes", n_classes)
        self.mode = check_choice("mode", mode, MODES)
        self.activation = check_choice("activation", activation, ACTIVATIONS)
        self.loss_name = check_choice("loss", loss, LOSSES)
        if rho is not None and (isinstance(rho, bool) or not isinstance(rho, numbers.Real)
                                or not np.isfinite(rho) or rho <= 0):
            raise ValueError(f"rho: got {rho!r}, expected a finite number > 0 or None")
        if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
            raise ValueError(f"seed: got {seed!r}, expected a whole number >= 0")
        check_choice("init", init, INITS)
        if isinstance(truncation, bool) or not isinstance(truncation, (int, np.integer)) or truncation < 0:
            raise ValueError(f"truncation: got {truncation!r}, expected a whole number >= 0 (0: full BPTT)")
        self.truncation: int = int(truncation)
        self.layers: int = check_whole("layers", layers, 1, MAX_LAYERS)
        self.bidirectional: bool = check_flag("bidirectional", bidirectional)
        self.cell: Cell = make_cell(cell, activation)
        rng = np.random.default_rng(seed)
        # the stack of layers and directions; None for one layer in one direction
        self.stack: Stack | None = None
        if self.layers > 1 or self.bidirectional:
            self.stack = Stack(self.cell, self.n_features, self.n_hidden, self.n_classes, self.mode,
                               self.layers, 2 if self.bidirectional else 1)
            self.params: dict[str, np.ndarray] = self.stack.init_params(rng, rho, forget_bias, init)
        else:
            self.params = init_params(
                self.cell, self.n_features, self.n_hidden, self.n_classes, rng, rho, forget_bias, init
            )
        # drawn last, so the other weights are those of the same network without it; N(0, 1) as torch's
        self.vocab_size: int | None = None if vocab_size is None else check_size("vocab_size", vocab_size)
        if self.vocab_size is not None:
            self.params[EMBEDDING] = rng.standard_normal((self.vocab_size, self.n_features))

    @property
    def directions(self) -> int:
        return 2 if self.bidirectional else 1

    @property
    def cell_name(self) -> str:
        return self.cell.name

    def param_shapes(self) -> dict[str, tuple[int, ...]]:
        if self.stack is not None:
            shapes = self.stack.param_shapes()
        else:
            shapes = self.cell.param_shapes(self.n_features, self.n_hidden)
            shapes["W2"] = (self.n_hidden, self.n_classes)
            shapes["b2"] = (self.n_classes,)
        if self.vocab_size is not None:
            shapes[EMBEDDING] = (self.vocab_size, self.n_features)
        return shapes

    def truncation_for(self, T: int) -> int:
        """The k that cuts anything in a sequence of T steps: 0 when k = 0 or k >= T."""
        return self.truncation if self.truncation < T else 0

    def reaches(self, s: int, t: int, T: int) -> bool:
        """Whether loss term s's gradient reaches h_t (0-based), truncation considered."""
        k = self.truncation_for(T)
        return t <= s and (k == 0 or t > s - k)

    def recurrent_param_names(self) -> tuple[str, ...]:
        if self.stack is not None:
            return self.stack.recurrent_param_names()
        return self.cell.recurrent_param_names()

    def features(self, X) -> np.ndarray:
        """x_t for every t (B, T, F): X itself, or, with an embedding, the rows of E for its ids."""
        X = self.check_input(X)
        if self.vocab_size is None:
            return X
        E = self.params[EMBEDDING]
        if np.shape(E) != (self.vocab_size, self.n_features):
            raise ValueError(f"params['E']: got shape {np.shape(E)}, expected {(self.vocab_size, self.n_features)}")
        return embed(E, X)

    def check_input(self, X) -> np.ndarray:
        """X (B, T, F) as float64; with an embedding, token ids (B, T) as int64."""
        if self.vocab_size is not None:
            return check_token_ids(X, self.vocab_size)
        try:
            X = np.asarray(X, dtype=np.float64)
        except (TypeError, ValueError) as error:
            raise ValueError(f"X: got {X!r:.60}, expected an array of numbers (B, T, F)") from error
        if X.ndim != 3 or X.shape[0] < 1 or X.shape[1] < 1 or X.shape[2] != self.n_features:
            raise ValueError(
                f"X: got shape {X.shape}, expected (B, T, F) with B >= 1, T >= 1 and "
                f"F = n_features = {self.n_features}"
            )
        return X

    def _packed_params(self) -> dict:
        for name, shape in self.param_shapes().items():
            value = self.params.get(name)
            got = () if value is None else np.shape(value)
            if value is None or got != shape:
                raise ValueError(f"params[{name!r}]: got shape {got}, expected {shape}")
        if self.stack is not None:
            return self.stack.pack(self.params)
        packed = self.cell.pack(self.params)
        packed["W2"] = self.params["W2"].copy()
        packed["b2"] = self.params["b2"].copy()
        return packed

    # -- forward ----------------------------------------------------------------------
    @tolerate_overflow
    def begin_forward(self, X, initial_state: CarriedState | None = None) -> ForwardTrace:
        """An empty trace over X (B, T, F), ready for `forward_step` (a StackForwardTrace
        for a stack: typed as the one-layer trace, which is what callers of one layer read).
        initial_state: each layer's state before t = 1 (see `carried`); None: zeros."""
        X = self.check_input(X)
        ids = X if self.vocab_size is not None else None
        X = self.features(X)
        initial = initial_state and check_carried(initial_state, self.cell, self.layers, self.directions, len(X),
                                                  self.n_hidden)
        if self.stack is not None:
            stacked = self.stack.begin_forward(X, self._packed_params(), initial)
            stacked.token_ids = ids
            return stacked  # type: ignore[return-value]  # a stack's trace stands in for one layer's
        B, T, _ = X.shape
        D, C = self.n_hidden, self.n_classes
        cell = self.cell
        packed = self._packed_params()
        a_x = X @ packed["W"] + packed["b"]
        return ForwardTrace(
            X=X,
            packed=packed,
            h=np.full((B, T, D), np.nan),
            c=np.full((B, T, D), np.nan) if "c" in cell.state_names else None,
            y=np.full((B, T, C) if self.mode == "many-to-many" else (B, C), np.nan),
            a_x=a_x,
            token_ids=ids,
            initial=None if initial is None else initial[0],
            **recurrence.trace_arrays(cell, B, T, D),
        )

    def final_state(self, fwd: ForwardTrace) -> CarriedState:
        """Each layer's state after t = T, for the next window's `initial_state` (copies)."""
        return final_state(fwd, self.cell)

    @tolerate_overflow
    def forward_step(self, trace: ForwardTrace) -> None:
        """Compute timestep t = trace.steps_done + 1 and record it; for a stack, the next
        (layer, direction, t) in step order (`StackForwardTrace.position`)."""
        self._forward_step(trace)

    def _forward_step(self, trace: ForwardTrace, readout: bool = True) -> None:
        if isinstance(trace, StackForwardTrace):
            assert self.stack is not None
            return self.stack.forward_step(trace, readout)
        t = trace.steps_done
        new_state = recurrence.forward_step(self.cell, trace)
        if self.mode == "many-to-many":
            if readout:
                trace.y[:, t] = self.readout(trace.packed, new_state["h"])
        elif t == trace.T - 1:
            trace.y[:] = self.readout(trace.packed, new_state["h"])

    def forward_unstep(self, trace: ForwardTrace) -> None:
        """Undo the last forward step: its column becomes NaN again."""
        if isinstance(trace, StackForwardTrace):
            assert self.stack is not None
            return self.stack.forward_unstep(trace)
        t = recurrence.forward_unstep(trace)
        if self.mode == "many-to-many":
            trace.y[:, t] = np.nan
        else:
            trace.y[:] = np.nan

    @staticmethod
    def readout(packed: dict, h: np.ndarray) -> np.ndarray:
        """y = h @ W2 + b2 for h (..., D)."""
        return h @ packed["W2"] + packed["b2"]

    @tolerate_overflow
    def forward(self, X, initial_state: CarriedState | None = None) -> ForwardTrace:
        trace = self.begin_forward(X, initial_state)
        if isinstance(trace, StackForwardTrace):
            assert self.stack is not None
            for _ in range(trace.n_steps):
                self.stack.forward_step(trace, readout=False)
            self.stack.complete_readout(trace)
            return trace
        for _ in range(trace.T):
            self._forward_step(trace, readout=False)
        if self.mode == "many-to-many":  # all y_t in one matmul rather than T small ones
            trace.y[:] = self.readout(trace.packed, trace.h)
        return trace

    # -- loss -------------------------------------------------------------------------
    @tolerate_overflow
    def loss_and_output_grad(self, fwd: ForwardTrace, Y) -> tuple[float, np.ndarray]:
        if not fwd.complete:
            total = fwd.n_steps if isinstance(fwd, StackForwardTrace) else fwd.T
            raise ValueError(f"loss: the forward pass has done {fwd.steps_done} of {total} steps")
        Y = check_targets(Y, fwd.y.shape)
        return loss_and_grad(self.loss_name, fwd.y, Y)

    def loss(self, fwd: ForwardTrace, Y) -> float:
        return self.loss_and_output_grad(fwd, Y)[0]

    # -- backward ---------------------------------------------------------------------
    @tolerate_overflow
    def begin_backward(self, fwd: ForwardTrace, Y, track_last_step: bool = False) -> BackwardTrace:
        """Compute the loss and dL/dy; the trace is ready for `backward_step` at t = T.

        track_last_step: also carry dL_T/dh_t (the last step's loss alone) down the steps,
        at the cost of one more vector-Jacobian product per step."""
        loss, dy = self.loss_and_output_grad(fwd, Y)
        B, T, D = fwd.h.shape
        k = self.truncation_for(T)
        if isinstance(fwd, StackForwardTrace):
            assert self.stack is not None
            tracked = track_last_step and self.mode == "many-to-many"  # many-to-one: the one term is L
            return self.stack.begin_backward(fwd, loss, dy, k, tracked)  # type: ignore[return-value]  # a stack's trace
        # loss terms within reach: one (k = W) per step, or many-to-one's single term
        dh_readout = recurrence.dh_through_readout(self.mode, fwd.packed["W2"], dy, fwd.h)
        blank = np.full((B, T, D), np.nan)
        arrays = recurrence.new_backward(
            self.cell, dh_readout, blank, blank.copy() if fwd.c is not None else None,
            k, k if self.mode == "many-to-many" else 1,
        )
        return BackwardTrace(
            loss=loss,
            dy=dy,
            dh_last=np.full((B, T, D), np.nan) if track_last_step else None,
            carry_last=(
                {name: np.zeros((B, T, D)) for name in self.cell.state_names}
                if track_last_step and arrays["carry_terms"] is None else None
            ),
            **arrays,
        )

    @tolerate_overflow
    def backward_step(self, bwd: BackwardTrace, fwd: ForwardTrace) -> None:
        """Backpropagate through timestep t = bwd.next_t (from T down to 1)."""
        self._backward_step(bwd, fwd)

    def _backward_step(self, bwd: BackwardTrace, fwd: ForwardTrace) -> None:
        T = bwd.T
        if isinstance(bwd, StackBackwardTrace):
            assert self.stack is not None and isinstance(fwd, StackForwardTrace)
            self.stack.backward_step(bwd, fwd, self.truncation_for(T))
        else:
            def entries() -> np.ndarray:
                return np.full(T, True) if self.mode == "many-to-many" else np.arange(T) == T - 1
            recurrence.backward_step(self.cell, fwd, bwd, self.truncation_for(T), entries)
            if bwd.complete:
                bwd.grads = self._param_grads(fwd, bwd)
        if bwd.complete and fwd.token_ids is not None and self.vocab_size is not None:
            bwd.grads.update(embedding_grads(fwd, bwd, self.vocab_size, self.tied))

    def backward_unstep(self, bwd: BackwardTrace) -> None:
        """Undo the last backward step exactly: nothing was accumulated, so the columns of
        that step become NaN again and the parameter gradients are forgotten."""
        if isinstance(bwd, StackBackwardTrace):
            assert self.stack is not None
            return self.stack.backward_unstep(bwd)
        recurrence.backward_unstep(bwd)
        bwd.grads = {}

    def _param_grads(self, fwd: ForwardTrace, bwd: BackwardTrace) -> dict[str, np.ndarray]:
        """Sum every step's parameter gradient, all timesteps at once (one matmul each)."""
        grads = self.cell.unpack_grads(recurrence.packed_grads(self.cell, fwd, bwd))
        grads.update(recurrence.readout_grads(self.mode, fwd.h, bwd.dy))
        return grads

    @tolerate_overflow
    def backward(self, fwd: ForwardTrace, Y) -> BackwardTrace:
        bwd = self.begin_backward(fwd, Y)
        for _ in range(bwd.n_steps if isinstance(bwd, StackBackwardTrace) else bwd.T):
            self._backward_step(bwd, fwd)
        return bwd

    def step_loss_gradient(self, fwd: ForwardTrace, Y, k: int | None = None) -> np.ndarray:
        """(B, T, D) dL_k/dh_t, the gradient of timestep k's loss term alone: see
        `loss_terms.step_loss_gradient`. For a stack, of the top layer's output (B, T, dirs*D):
        the backward pass over dL/dy zeroed but at t = k (the pass is linear in dL/dy, so this
        is exactly term k's share, truncation included); NaN for t > k in one direction,
        where a bidirectional layer's reverse direction carries term k to t > k as well."""
        if isinstance(fwd, StackForwardTrace):
            return loss_terms.stack_step_loss_gradient(self, fwd, Y, k)
        return loss_terms.step_loss_gradient(self, fwd, Y, k)

    @staticmethod
    def recurrent_contributions(fwd: LayerTrace, bwd: LayerBackward, steps: np.ndarray | None = None) -> np.ndarray:
        """(T,) ||dL/dU at step t alone||: see `loss_terms.recurrent_contributions`. For one
        layer of a stack, pass its traces, fwd.layers[(l, d)] and bwd.layers[(l, d)] (in that
        direction's own time order). Given a stack's whole traces: the top layer's, whose
        output the readout reads, over its directions' U together, natural time order
        (steps: a (T,) mask in natural order)."""
        if isinstance(fwd, StackForwardTrace) and isinstance(bwd, StackBackwardTrace):
            top = fwd.n_layers - 1
            squares = np.zeros(fwd.T)
            for d in range(fwd.directions):
                own = None if steps is None else natural(np.asarray(steps)[None], d)[0]
                part = loss_terms.recurrent_contributions(fwd.layers[(top, d)], bwd.layers[(top, d)], own)
                squares = squares + natural(part[None], d)[0] ** 2
            return np.sqrt(squares)
        if isinstance(fwd, StackForwardTrace) or isinstance(bwd, StackBackwardTrace):
            raise ValueError("recurrent_contributions: pass a stack's two traces, or one layer's, "
                             "fwd.layers[(l, d)] and bwd.layers[(l, d)]")
        return loss_terms.recurrent_contributions(fwd, bwd, steps)

    def jacobian_norms(self, fwd: ForwardTrace, sequence: int = 0, exact: bool | None = None,
                       layer: tuple[int, int] = (0, 0)):
        """Spectral norms of dh_t/dh_{t-1} and of dh_T/dh_t; see `jacobians.jacobian_norms`.
        For a stack, of layer `layer` = (l, d), in that direction's own time order (the
        reverse direction's index i is timestep T - i)."""
        trace: LayerTrace = fwd
        if isinstance(fwd, StackForwardTrace):
            if layer not in fwd.layers:
                raise ValueError(f"layer: got {layer!r}, expected (l, d) with l from 0 to {fwd.n_layers - 1} "
                                 f"and d from 0 to {fwd.directions - 1}")
            trace = fwd.layers[layer]
        return jacobians.jacobian_norms(self.cell, trace, sequence=sequence, exact=exact)

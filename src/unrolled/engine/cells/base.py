"""What every recurrent cell shares: the affine maps into the cell and their gradients.

A cell's step is split in two. The affine part, shared by all cells,

    a_x = x_t @ W + b        (B, K*D)      a_h = h_{t-1} @ U      (B, K*D)

and the cell's own elementwise part (`_combine`), which turns a_x and a_h into the new
state. K is the number of blocks the cell stacks side by side (1 for the vanilla RNN, 4 for
the LSTM, 3 for the GRU). Backward mirrors it: the cell returns dL/da_x and dL/da_h
(`_combine_backward`), and the base turns those into dL/dW, dL/dU, dL/db and dL/dh_{t-1}.

The step functions are pure: they read `packed` parameters, an explicit state and an
explicit cache, and return new objects. Nothing is stored on the cell.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar, NamedTuple

import numpy as np

State = dict  # name -> (B, D): "h", and "c" for the LSTM
Cache = dict  # name -> array: what backward needs, and what the traces record


class StepGrads(NamedTuple):
    d_state_prev: State  # dL/d state_{t-1} through this step only
    d_ax: np.ndarray  # (B, K*D) dL/da_x at this step: parameter gradients follow from it
    d_ah: np.ndarray  # (B, K*D) dL/da_h
    d_state_total: State  # the total dL/d state_t that entered this step


class Cell:
    """A recurrent cell. Its structure is declared here, as class attributes, so the session
    and the ui read it without building a network (see `registry.cell_class`)."""

    name = ""
    title = ""  # as a lecturer names the cell in a sentence: "vanilla RNN", "LSTM"
    reference = ""  # where it comes from: "Hochreiter and Schmidhuber 1997"
    blocks = 1  # K
    shared_affine_grad = True  # dL/da_x is dL/da_h (false for the GRU, whose reset gate splits them)
    state_names: tuple[str, ...] = ("h",)
    gate_names: tuple[str, ...] = ()
    # state or gate name -> what it is, as the plots title it
    state_descriptions: ClassVar[Mapping[str, str]] = {"h": "hidden state"}
    gate_descriptions: ClassVar[Mapping[str, str]] = {}
    # gate name -> the interval its values lie in: (0, 1) for a sigmoid, (-1, 1) for a tanh
    gate_ranges: ClassVar[Mapping[str, tuple[float, float]]] = {}
    # state name -> the interval its values lie in, where bounded (h = o * tanh(c): (-1, 1))
    state_ranges: ClassVar[Mapping[str, tuple[float, float]]] = {}
    takes_activation = False  # a choice of nonlinearity (the vanilla RNN's act)
    forget_bias_param: str | None = None  # the forget gate's bias, which starts at forget_bias

    def state_range(self, name: str) -> tuple[float, float]:
        """The interval a state's values lie in; (-inf, inf) where unbounded (the LSTM's c)."""
        return tuple(self.state_ranges.get(name, (-np.inf, np.inf)))  # type: ignore[return-value]  # pairs

    @property
    def pre_names(self) -> tuple[str, ...]:
        """Names of the pre-activation traces `step_traces` returns beside the gates."""
        return tuple("pre_" + g for g in self.gate_names)

    # -- parameters -------------------------------------------------------------------
    @classmethod
    def param_shapes(cls, n_features: int, n_hidden: int) -> dict[str, tuple[int, ...]]:
        """The cell's parameters name -> shape, in the order of its equations (the readout
        W2, b2 is the network's)."""
        raise NotImplementedError

    @classmethod
    def recurrent_param_names(cls) -> tuple[str, ...]:
        """The recurrent weight matrices U (D, D) of this cell."""
        raise NotImplementedError

    @classmethod
    def param_letters(cls) -> dict[str, tuple[str, ...]]:
        """The parameter shapes in the seed's letters, e.g. W1: ("F", "D")."""
        F, D = 2, 3  # any two different sizes: every dimension is F or D
        letters = {F: "F", D: "D"}
        return {name: tuple(letters[n] for n in shape) for name, shape in cls.param_shapes(F, D).items()}

    @classmethod
    def param_groups(cls) -> tuple[tuple[str, ...], ...]:
        """The parameters grouped as the equations group them: here each on its own."""
        return tuple((name,) for name in cls.param_shapes(1, 1))

    def pack(self, params: dict) -> dict:
        """Stack the per-gate parameters into W (F, K*D), U (D, K*D), b (K*D,); copies,
        so a trace keeps the weights it was computed with."""
        raise NotImplementedError

    def unpack_grads(self, d_packed: dict) -> dict:
        raise NotImplementedError

    def initial_state(self, batch: int, n_hidden: int) -> State:
        return {name: np.zeros((batch, n_hidden)) for name in self.state_names}

    # -- one timestep -----------------------------------------------------------------
    def step_forward(
        self, packed: dict, x_t: np.ndarray, state: State, a_x: np.ndarray | None = None
    ) -> tuple[State, Cache]:
        """x_t: (B, F), state["h"]: (B, D) -> (new state, cache).

        a_x: x_t @ W + b (B, K*D), when the caller has computed it for the whole sequence
        in one matmul (it does not depend on the state).
        """
        if a_x is None:
            a_x = x_t @ packed["W"] + packed["b"]
        a_h = state["h"] @ packed["U"]
        new_state, cache = self._combine(packed, a_x, a_h, state)
        cache["x"] = x_t
        cache["h_prev"] = state["h"]
        return new_state, cache

    def step_backward(self, packed: dict, d_state: State, cache: Cache) -> StepGrads:
        """d_state: dL/d state_t arriving from the readout and from step t+1, each (B, D),
        or (W, B, D) for W loss terms carried apart (truncated BPTT); the results follow.

        Parameter gradients are not summed here: `param_grads` turns the returned d_ax and
        d_ah into them, for one step or, stacked, for the whole sequence at once.
        """
        d_ax, d_ah, d_prev, total = self._backward_to_affine(packed, d_state, cache)
        return StepGrads(d_prev, d_ax, d_ah, total)

    def param_grads(self, x, h_prev, d_ax, d_ah) -> dict:
        """Gradients of the packed parameters from N rows of inputs x (N, F), previous
        hidden states h_prev (N, D) and the affine gradients d_ax, d_ah (N, K*D)."""
        d_packed = {"W": x.T @ d_ax, "b": d_ax.sum(axis=0), "U": h_prev.T @ d_ah}
        d_packed.update(self._extra_grads(d_ax, d_ah))
        return d_packed

    def previous_state(self, cache: Cache) -> State:
        """The state_{t-1} a step's cache was computed from."""
        return {"h": cache["h_prev"]}

    def state_vjp(self, packed: dict, d_state: State, cache: Cache) -> State:
        """Vector-Jacobian product d_state @ d state_t / d state_{t-1}; rows of d_state may
        outnumber the cache's batch when the cache holds one sequence (broadcast)."""
        return self._backward_to_affine(packed, d_state, cache)[2]

    def _backward_to_affine(self, packed, d_state, cache):
        d_ax, d_ah, d_prev, total = self._combine_backward(d_state, cache)
        if d_ah.ndim == 2:
            # (U @ d_ah^T)^T rather than d_ah @ U^T: the same product, but BLAS reads the
            # row-major U along its rows, measurably faster for the one-row case B = 1
            d_prev["h"] = d_prev["h"] + (packed["U"] @ d_ah.T).T
        else:  # (W, B, K*D): W loss terms carried apart (truncated BPTT), each row as above
            d_prev["h"] = d_prev["h"] + d_ah @ packed["U"].T
        return d_ax, d_ah, d_prev, total

    # -- per cell ---------------------------------------------------------------------
    def _combine(self, packed, a_x, a_h, state) -> tuple[State, Cache]:
        raise NotImplementedError

    def _combine_backward(self, d_state, cache) -> tuple[np.ndarray, np.ndarray, State, State]:
        """-> (dL/da_x, dL/da_h, dL/d state_{t-1} except through a_h, total dL/d state_t)."""
        raise NotImplementedError

    def _extra_grads(self, d_ax, d_ah) -> dict:
        return {}

    def step_traces(self, cache: Cache) -> tuple[np.ndarray, np.ndarray | None]:
        """What a lecturer plots of one step: the pre-activations (B, P*D) in the order of
        `pre_names`, and the gate activations (B, K*D) in the order of `gate_names`."""
        return cache["pre"], cache.get("gates")


def blocks(a: np.ndarray, k: int) -> list[np.ndarray]:
    """The k equal column blocks of a (..., k*D), as views (np.split is slow on small arrays)."""
    d = a.shape[-1] // k
    return [a[..., i * d : (i + 1) * d] for i in range(k)]


class GatedCell(Cell):
    """A cell whose parameters are one W_g, U_g, b_g per block g (see DESIGN.md)."""

    @classmethod
    def param_shapes(cls, n_features, n_hidden):
        shapes: dict[str, tuple[int, ...]] = {}
        for g in cls.gate_names:
            shapes[f"W_{g}"] = (n_features, n_hidden)
            shapes[f"U_{g}"] = (n_hidden, n_hidden)
            shapes[f"b_{g}"] = (n_hidden,)
        return shapes

    @classmethod
    def recurrent_param_names(cls):
        return tuple(f"U_{g}" for g in cls.gate_names)

    @classmethod
    def param_groups(cls):
        """W_g, U_g, b_g of each gate g together; any other parameter on its own."""
        gates = tuple((f"W_{g}", f"U_{g}", f"b_{g}") for g in cls.gate_names)
        in_gates = {name for group in gates for name in group}
        return gates + tuple((name,) for name in cls.param_shapes(1, 1) if name not in in_gates)

    def pack(self, params):
        return {
            "W": np.concatenate([params[f"W_{g}"] for g in self.gate_names], axis=1),
            "U": np.concatenate([params[f"U_{g}"] for g in self.gate_names], axis=1),
            "b": np.concatenate([params[f"b_{g}"] for g in self.gate_names]),
        }

    def unpack_grads(self, d_packed):
        grads = {}
        for key in ("W", "U", "b"):
            for g, part in zip(self.gate_names, blocks(d_packed[key], self.blocks)):
                grads[f"{key}_{g}"] = part
        return grads

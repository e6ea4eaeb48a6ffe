"""Vanilla RNN: h_t = act(x_t @ W1 + h_{t-1} @ U1 + b1)   (the seed's equation)."""

from __future__ import annotations

import numpy as np

from ..functions import ACTIVATIONS, activate, activation_slope
from .base import Cell


class RNNCell(Cell):
    name = "rnn"
    title = "vanilla RNN"
    pre_names = ("pre",)
    takes_activation = True

    def __init__(self, activation: str = "tanh"):
        if activation not in ACTIVATIONS:
            raise ValueError(
                f"activation: got {activation!r}, expected one of {', '.join(ACTIVATIONS)}"
            )
        self.activation = activation

    def state_range(self, name):
        """h = act(...): the activation's range, unbounded for relu (above) and linear."""
        return {"tanh": (-1.0, 1.0), "sigmoid": (0.0, 1.0), "relu": (0.0, np.inf)}.get(
            self.activation, (-np.inf, np.inf)
        )

    @classmethod
    def param_shapes(cls, n_features, n_hidden):
        return {"W1": (n_features, n_hidden), "U1": (n_hidden, n_hidden), "b1": (n_hidden,)}

    @classmethod
    def recurrent_param_names(cls):
        return ("U1",)

    def pack(self, params):
        # copies: a trace must keep the weights it was computed with
        return {"W": params["W1"].copy(), "U": params["U1"].copy(), "b": params["b1"].copy()}

    def unpack_grads(self, d_packed):
        return {"W1": d_packed["W"], "U1": d_packed["U"], "b1": d_packed["b"]}

    def _combine(self, packed, a_x, a_h, state):
        a = a_x + a_h  # (B, D) pre-activation
        h = activate(self.activation, a)
        return {"h": h}, {"pre": a, "h": h}

    def _combine_backward(self, d_state, cache):
        dh = d_state["h"]
        da = dh * activation_slope(self.activation, cache["pre"], cache["h"])
        return da, da, {"h": 0.0}, {"h": dh}

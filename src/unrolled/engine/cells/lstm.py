"""LSTM (Hochreiter and Schmidhuber 1997, with the forget gate of Gers et al. 2000).

    i = sigmoid(x W_i + h U_i + b_i)      input gate
    f = sigmoid(x W_f + h U_f + b_f)      forget gate (the seed's "reset")
    g = tanh(x W_g + h U_g + b_g)         candidate (the seed's "proposal")
    o = sigmoid(x W_o + h U_o + b_o)      output gate
    c_t = f * c_{t-1} + i * g             h_t = o * tanh(c_t)
"""

from __future__ import annotations

import numpy as np

from ..functions import sigmoid
from .base import GatedCell, blocks


class LSTMCell(GatedCell):
    name = "lstm"
    title = "LSTM"
    reference = "Hochreiter and Schmidhuber 1997"
    blocks = 4
    state_names = ("h", "c")
    gate_names = ("i", "f", "g", "o")
    state_descriptions = {"h": "hidden state", "c": "cell state"}
    gate_descriptions = {"i": "input gate", "f": "forget gate", "g": "candidate", "o": "output gate"}
    gate_ranges = {"i": (0.0, 1.0), "f": (0.0, 1.0), "g": (-1.0, 1.0), "o": (0.0, 1.0)}
    state_ranges = {"h": (-1.0, 1.0)}  # c is unbounded
    forget_bias_param = "b_f"

    def _combine(self, packed, a_x, a_h, state):
        pre = a_x + a_h  # (B, 4D): i f g o
        gates = sigmoid(pre)
        D = pre.shape[1] // 4
        g = gates[:, 2 * D : 3 * D]
        g[...] = np.tanh(pre[:, 2 * D : 3 * D])
        i, f, _, o = blocks(gates, 4)
        c = f * state["c"] + i * g
        tanh_c = np.tanh(c)
        h = o * tanh_c
        cache = {"pre": pre, "gates": gates, "c_prev": state["c"], "tanh_c": tanh_c}
        return {"h": h, "c": c}, cache

    def _combine_backward(self, d_state, cache):
        i, f, g, o = blocks(cache["gates"], 4)
        tanh_c = cache["tanh_c"]
        dh = d_state["h"]
        dc = d_state["c"] + dh * o * (1.0 - tanh_c * tanh_c)  # total dL/dc_t
        # dL/d(gate) for i, f, g, o, then through each gate's nonlinearity
        da = np.concatenate([dc * g, dc * cache["c_prev"], dc * i, dh * tanh_c], axis=-1)
        # d gate / d pre-activation from the gates themselves, not cached (4D more floats a
        # step held by the trace): s (1 - s) for the sigmoids, 1 - g^2 for g
        gates = cache["gates"]
        slopes = gates * (1.0 - gates)
        D = tanh_c.shape[-1]
        slopes[..., 2 * D : 3 * D] = 1.0 - g * g
        da *= slopes
        return da, da, {"h": 0.0, "c": dc * f}, {"h": dh, "c": dc}

    def previous_state(self, cache):
        return {"h": cache["h_prev"], "c": cache["c_prev"]}

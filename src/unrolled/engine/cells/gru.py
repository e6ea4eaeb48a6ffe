"""GRU, as torch.nn.GRU defines it (Cho et al. 2014, reset applied after U_n).

    r = sigmoid(x W_r + h U_r + b_r)               reset gate
    z = sigmoid(x W_z + h U_z + b_z)               update gate
    n = tanh(x W_n + b_n + r * (h U_n + c_n))      candidate
    h_t = (1 - z) * n + z * h_{t-1}
"""

from __future__ import annotations

import numpy as np

from ..functions import sigmoid
from .base import GatedCell, blocks


class GRUCell(GatedCell):
    name = "gru"
    title = "GRU"
    reference = "Cho et al. 2014"
    blocks = 3
    gate_names = ("r", "z", "n")
    gate_descriptions = {"r": "reset gate", "z": "update gate", "n": "candidate"}
    gate_ranges = {"r": (0.0, 1.0), "z": (0.0, 1.0), "n": (-1.0, 1.0)}
    state_ranges = {"h": (-1.0, 1.0)}  # a blend of n and h_{t-1}, both in (-1, 1)
    shared_affine_grad = False

    @classmethod
    def param_shapes(cls, n_features, n_hidden):
        shapes = super().param_shapes(n_features, n_hidden)
        shapes["c_n"] = (n_hidden,)
        return shapes

    def pack(self, params):
        packed = super().pack(params)
        packed["c_n"] = params["c_n"].copy()  # a trace keeps the weights it was computed with
        return packed

    def unpack_grads(self, d_packed):
        grads = super().unpack_grads(d_packed)
        grads["c_n"] = d_packed["c_n"]
        return grads

    def _combine(self, packed, a_x, a_h, state):
        D = a_x.shape[1] // 3
        pre = a_x + a_h  # (B, 3D); the n block is replaced below
        gates = sigmoid(pre)  # r and z; the n block is replaced below
        r = gates[:, :D]
        hn = a_h[:, 2 * D :] + packed["c_n"]  # (B, D): h U_n + c_n
        pre[:, 2 * D :] = a_x[:, 2 * D :] + r * hn
        gates[:, 2 * D :] = np.tanh(pre[:, 2 * D :])
        _, z, n = blocks(gates, 3)
        h = (1.0 - z) * n + z * state["h"]
        return {"h": h}, {"pre": pre, "gates": gates, "hn": hn}

    def _combine_backward(self, d_state, cache):
        r, z, n = blocks(cache["gates"], 3)
        hn = cache["hn"]
        dh = d_state["h"]
        da_n = dh * (1.0 - z) * (1.0 - n * n)
        da_r = da_n * hn * r * (1.0 - r)
        da_z = dh * (cache["h_prev"] - n) * z * (1.0 - z)
        d_ax = np.concatenate([da_r, da_z, da_n], axis=-1)
        d_ah = np.concatenate([da_r, da_z, da_n * r], axis=-1)
        return d_ax, d_ah, {"h": dh * z}, {"h": dh}

    def _extra_grads(self, d_ax, d_ah):
        return {"c_n": blocks(d_ah, 3)[2].sum(axis=0)}

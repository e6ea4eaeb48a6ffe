"""The engine's parameters in torch's layout and back, without torch.

A network equals, in torch,

    rnn = nn.RNN(F, D, num_layers=L, bidirectional=bi, batch_first=True, nonlinearity=act)
          (nn.LSTM / nn.GRU alike)
    fc = nn.Linear(D * dirs, C)

with state-dict names `rnn.weight_ih_l<l>[_reverse]` (K*D, F_l), `rnn.weight_hh_l<l>[_reverse]`
(K*D, D), `rnn.bias_ih_l<l>[_reverse]` and `rnn.bias_hh_l<l>[_reverse]` (K*D,), `fc.weight`
(C, dirs*D), `fc.bias` (C,). Torch stacks the gates row-wise in the engine's order (LSTM
i, f, g, o; GRU r, z, n) and computes x W^T, so weight_ih is the packed W transposed.

Torch has two biases where the engine has one, b = bias_ih + bias_hh: to torch, bias_ih = b
and bias_hh = 0, so the sum is exact; back, the sum. The GRU's n gate is the exception: its
bias_hh is inside the reset, r * (h U_n + c_n), and is the engine's c_n both ways. A
gradient in torch's layout: dL/dbias_ih = dL/dbias_hh = dL/db, but dL/dbias_hh of the GRU's
n gate is dL/dc_n.
"""

from __future__ import annotations

import numpy as np

from .stack import suffix

RNN_PREFIX = "rnn."
READOUT_PREFIX = "fc."
TORCH_ACTIVATIONS = ("tanh", "relu")  # torch.nn.RNN's nonlinearity


def has_torch_layout(net) -> bool:
    """Whether torch has the network's cell: LSTM, GRU, or an RNN with tanh or relu."""
    if net.cell.name == "rnn":
        return net.activation in TORCH_ACTIVATIONS
    return net.cell.name in ("lstm", "gru")


def _check(net) -> None:
    if not has_torch_layout(net):
        what = f"torch.nn.RNN has no {net.activation} nonlinearity" if net.cell.name == "rnn" else \
            f"torch has no cell {net.cell.name!r}"
        raise ValueError(f"torch layout: {what}; torch has lstm, gru and rnn with {' or '.join(TORCH_ACTIVATIONS)}")


def _layers(net):
    """((l, d), torch's suffix, the engine's suffix) for every layer and direction."""
    for layer in range(net.layers):
        for d in range(net.directions):
            yield (layer, d), f"_l{layer}" + ("_reverse" if d else ""), suffix(layer, d)


def _hidden_bias(net, c_n_name: str, source: dict) -> np.ndarray:
    """bias_hh (K*D,): zero, but the GRU's c_n in the n block."""
    D = net.n_hidden
    out = np.zeros(net.cell.blocks * D)
    if net.cell.name == "gru":
        out[2 * D :] = source[c_n_name]
    return out


def to_torch(net, params: dict | None = None, prefix: str = RNN_PREFIX,
             readout_prefix: str = READOUT_PREFIX) -> dict[str, np.ndarray]:
    """The parameters (net.params unless given) under torch's state-dict names and shapes,
    as new C-contiguous float64 arrays."""
    _check(net)
    params = net.params if params is None else params
    out: dict[str, np.ndarray] = {}
    names = tuple(net.cell.param_shapes(1, 1))
    for _, torch_suffix, engine_suffix in _layers(net):
        packed = net.cell.pack({n: params[n + engine_suffix] for n in names})
        out[f"{prefix}weight_ih{torch_suffix}"] = np.ascontiguousarray(packed["W"].T)
        out[f"{prefix}weight_hh{torch_suffix}"] = np.ascontiguousarray(packed["U"].T)
        out[f"{prefix}bias_ih{torch_suffix}"] = packed["b"].copy()
        out[f"{prefix}bias_hh{torch_suffix}"] = _hidden_bias(net, "c_n" + engine_suffix, params)
    out[f"{readout_prefix}weight"] = np.ascontiguousarray(params["W2"].T)
    out[f"{readout_prefix}bias"] = np.array(params["b2"], dtype=np.float64)
    return out


def grads_to_torch(net, grads: dict, prefix: str = RNN_PREFIX,
                   readout_prefix: str = READOUT_PREFIX) -> dict[str, np.ndarray]:
    """Gradients of the engine's parameters (a BackwardTrace's grads) as torch's autograd
    gives them for the parameters `to_torch` writes, under the same names."""
    out = to_torch(net, grads, prefix, readout_prefix)  # the same linear map, but for the biases
    D = net.n_hidden
    for _, torch_suffix, engine_suffix in _layers(net):
        db = out[f"{prefix}bias_ih{torch_suffix}"]
        hidden = db.copy()
        if net.cell.name == "gru":
            hidden[2 * D :] = grads["c_n" + engine_suffix]
        out[f"{prefix}bias_hh{torch_suffix}"] = hidden
    return out


def torch_shapes(net, prefix: str = RNN_PREFIX, readout_prefix: str = READOUT_PREFIX) -> dict[str, tuple[int, ...]]:
    """Torch's state-dict names -> shapes for the network's configuration."""
    return {name: value.shape for name, value in to_torch(net, None, prefix, readout_prefix).items()}


def from_torch(net, state: dict, prefix: str = RNN_PREFIX,
               readout_prefix: str = READOUT_PREFIX) -> dict[str, np.ndarray]:
    """The engine's parameters (name -> float64 array) from a state dict in torch's layout
    (arrays, or anything np.asarray reads). Every name must be there with torch's shape and
    nothing else: a missing, unexpected or misshapen entry is refused with one line."""
    _check(net)
    expected = torch_shapes(net, prefix, readout_prefix)
    missing = [n for n in expected if n not in state]
    unexpected = [n for n in state if n not in expected]
    if missing or unexpected:
        raise ValueError(f"torch state dict: missing {', '.join(missing) or 'nothing'}; "
                         f"unexpected {', '.join(unexpected) or 'nothing'}")
    arrays = {n: np.asarray(state[n], dtype=np.float64) for n in expected}
    for name, shape in expected.items():
        if arrays[name].shape != shape:
            raise ValueError(f"torch state dict: {name} has shape {arrays[name].shape}, expected {shape}")
    params: dict[str, np.ndarray] = {}
    D = net.n_hidden
    for _, torch_suffix, engine_suffix in _layers(net):
        bias_ih = arrays[f"{prefix}bias_ih{torch_suffix}"]
        bias_hh = arrays[f"{prefix}bias_hh{torch_suffix}"]
        packed = {"W": arrays[f"{prefix}weight_ih{torch_suffix}"].T,
                  "U": arrays[f"{prefix}weight_hh{torch_suffix}"].T,
                  "b": bias_ih + bias_hh}
        if net.cell.name == "gru":  # the n gate's hidden bias is c_n, inside the reset
            packed["b"][2 * D :] = bias_ih[2 * D :]
            packed["c_n"] = bias_hh[2 * D :]
        for name, value in net.cell.unpack_grads(packed).items():  # packed -> per-gate names
            params[name + engine_suffix] = np.array(value, dtype=np.float64, order="C")
    params["W2"] = np.ascontiguousarray(arrays[f"{readout_prefix}weight"].T)
    params["b2"] = arrays[f"{readout_prefix}bias"].copy()
    # in the engine's order; an embedding's E is no part of torch's RNN
    return {name: params[name] for name in net.param_shapes() if name in params}

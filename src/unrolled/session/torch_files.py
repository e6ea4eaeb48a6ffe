"""The session's network in torch's layout (engine/torch_layout.py): the weights that
`torch.nn.RNN/LSTM/GRU` + `nn.Linear`, named `rnn` and `fc`, load strictly, as the bytes of a
`weights.safetensors`; and the loss and gradients that trace.npz holds under torch's names.
A session on opened weights (own_model.py) writes both under the file's own keys. Neither
needs torch. No Qt."""

from __future__ import annotations

import json

import numpy as np

from ..engine import Network
from ..engine.embedding import EMBEDDING
from ..engine.torch_layout import TORCH_ACTIVATIONS, grads_to_torch, has_torch_layout, to_torch
from .stepper import Session
from .weights import OpenedWeights, file_state_dict

GRAD_PREFIX = "grad/"  # trace.npz: grad/<torch name>


def torch_refusal(session: Session) -> str | None:
    """Why the session's network has no torch layout (one sentence), or None when it has one."""
    if has_torch_layout(session.net):
        return None
    config = session.config
    what = (f"torch.nn.RNN has no {config.activation} nonlinearity" if config.cell == "rnn"
            else f"torch has no cell {config.cell!r}")
    return f"{what}; torch has lstm, gru and rnn with {' or '.join(TORCH_ACTIVATIONS)}"


def pass_weights(session: Session) -> dict[str, np.ndarray]:
    """The weights the current iteration's forward and backward pass used: the weights now,
    or, once its update has been taken, those from before it."""
    return session.iteration_start().params


def safetensors_bytes(session: Session) -> bytes:
    """The weights now, under torch's state-dict names and shapes (float64), as the bytes of
    a .safetensors file. ValueError (torch_refusal's sentence) for a cell torch lacks."""
    problem = torch_refusal(session)
    if problem is not None:
        raise ValueError(problem)
    from safetensors.numpy import save  # a dependency; imported here so a session opens without it

    # metadata is text only: "pt" tells readers such as transformers the tensors are torch's
    metadata = {"format": "pt", "unrolled_config": json.dumps(session.config.to_dict(), sort_keys=True)}
    own = session.own_model
    state = to_torch(session.net) if own is None else file_state_dict(own.weights, session.net.params)
    return save({name: np.ascontiguousarray(value) for name, value in state.items()}, metadata=metadata)


def file_grads(opened: OpenedWeights, net: Network, grads: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The gradients as torch's autograd gives them for the file's own parameters, under its
    keys and in its order (a module built with bias=False has no bias to give one to)."""
    layout = opened.layout
    rnn, readout = (f"{p}." if p else "" for p in (layout.rnn_prefix, layout.readout_prefix))
    out = grads_to_torch(net, grads, rnn, readout)
    if layout.embedding_prefix is not None:
        out[f"{layout.embedding_prefix}.weight" if layout.embedding_prefix else "weight"] = grads[EMBEDDING]
    return {key: out[key] for key in layout.keys}


def torch_trace_arrays(session: Session) -> dict[str, np.ndarray]:
    """`loss` once the loss is computed, and `grad/<torch name>` for every parameter in
    torch's layout once the backward pass is complete (a partial sum equals no gradient
    torch computes); nothing of the gradients for a cell torch lacks."""
    bwd = session.bwd
    if bwd is None:
        return {}
    arrays = {"loss": np.asarray(bwd.loss, dtype=np.float64)}
    if bwd.complete and has_torch_layout(session.net):
        own = session.own_model
        torch_grads = (grads_to_torch(session.net, bwd.grads) if own is None
                       else file_grads(own.weights, session.net, bwd.grads))
        arrays.update({GRAD_PREFIX + name: value for name, value in torch_grads.items()})
    return arrays

"""An embedding before the first recurrent layer, as torch's nn.Embedding: the inputs are
token ids, and x_t is a row of E.

    x_t = E[token_t]                      E: (V, F), token ids (B, T) in 0..V-1
    dL/dE[v] = sum of dL/dx_t over every (b, t) whose token is v
    tied (E = W2^T, V = C, F = dirs*D):  dL/dE = the above + dL/dW2^T

dL/dx_t is what the first recurrent layer's input receives: a_x = x_t W + b in each of its
directions, so dL/dx_t = sum over the directions of dL/da_x @ W^T (W: (F, K*D)).
"""

from __future__ import annotations

import numpy as np

from .stack_traces import StackBackwardTrace, StackForwardTrace, natural

EMBEDDING = "E"  # the parameter's name in Network.params


def check_token_ids(ids, vocab_size: int) -> np.ndarray:
    """ids (B, T), or (B, T, 1): one id as each step's one input, as a session holds them) as
    (B, T) int64 with B, T >= 1 and every id in 0..V-1; ValueError says what is wrong."""
    array = np.asarray(ids)
    if array.ndim == 3 and array.shape[2] == 1:
        array = array[..., 0]
    if array.dtype == bool or not np.issubdtype(array.dtype, np.integer):
        if array.dtype.kind == "f" and array.size and np.all(np.mod(array, 1) == 0):
            array = array.astype(np.int64)  # whole numbers stored as floats
        else:
            raise ValueError(f"X: got dtype {array.dtype}, expected token ids (B, T): whole numbers below "
                             f"V = {vocab_size}")
    if array.ndim != 2 or 0 in array.shape:
        raise ValueError(f"X: got shape {array.shape}, expected token ids (B, T) with B >= 1 and T >= 1")
    low, high = int(array.min()), int(array.max())
    if low < 0 or high >= vocab_size:
        bad = low if low < 0 else high
        raise ValueError(f"X: token id {bad}, but the embedding has V = {vocab_size} tokens (0 to {vocab_size - 1})")
    return array.astype(np.int64)


def embed(E: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """(B, T, F) float64 rows of E (V, F) for token ids (B, T): a new array."""
    return np.asarray(E, dtype=np.float64)[ids]


def input_grad(fwd, bwd) -> np.ndarray:
    """(B, T, F) dL/dx_t of the first recurrent layer's input, from a complete backward pass
    (a BackwardTrace, or a StackBackwardTrace with its forward trace)."""
    if isinstance(fwd, StackForwardTrace) and isinstance(bwd, StackBackwardTrace):
        B, T, _ = fwd.X.shape
        total = np.zeros(fwd.X.shape)
        for d in range(fwd.directions):
            W = fwd.layers[(0, d)].packed["W"]
            d_ax = bwd.layers[(0, d)].d_ax  # the direction's own time order
            total += natural((d_ax.reshape(B * T, -1) @ W.T).reshape(B, T, -1), d)
        return total
    B, T, _ = fwd.X.shape
    return (bwd.d_ax.reshape(B * T, -1) @ fwd.packed["W"].T).reshape(B, T, -1)


def embedding_grad(ids: np.ndarray, dX: np.ndarray, vocab_size: int) -> np.ndarray:
    """(V, F) dL/dE: each dL/dx_t (B, T, F) added to the row of its token (B, T)."""
    grad = np.zeros((vocab_size, dX.shape[-1]))
    np.add.at(grad, ids.reshape(-1), dX.reshape(-1, dX.shape[-1]))
    return grad


def embedding_grads(fwd, bwd, vocab_size: int, tied: bool) -> dict[str, np.ndarray]:
    """{E: dL/dE (V, F)} of a complete backward pass whose bwd.grads hold the rest. Tied (E is
    W2 (F, V) transposed, one matrix used twice, as torch's weight tying): {E, W2}, each the
    whole parameter's gradient, the sum of both uses, so an optimiser updates both alike."""
    dE = embedding_grad(fwd.token_ids, input_grad(fwd, bwd), vocab_size)
    if not tied:
        return {EMBEDDING: dE}
    total = dE + bwd.grads["W2"].T
    return {EMBEDDING: total, "W2": np.ascontiguousarray(total.T)}

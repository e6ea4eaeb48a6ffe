"""Losses over the readout y and their gradient dL/dy.

Reduction follows the usual convention (torch's default): cross-entropy is the mean over
every (sequence, timestep) that carries a target; MSE is the mean over all elements.
Targets for cross-entropy are class indices (B, T) / (B,) -- an index of -1 carries no
target -- or one-hot / probability rows (B, T, C) / (B, C). MSE takes real targets of y's
shape, or class indices, which it reads as one-hot rows.
"""

from __future__ import annotations

import numpy as np

from .functions import log_softmax, softmax

LOSSES = ("cross-entropy", "mse")
IGNORE_INDEX = -1


def check_targets(Y, y_shape: tuple[int, ...]) -> np.ndarray:
    """Y as an array: integer class indices of shape y_shape[:-1], or reals of y_shape."""
    Y = np.asarray(Y)
    n_classes = y_shape[-1]
    if Y.shape == y_shape[:-1] and np.issubdtype(Y.dtype, np.integer):
        if Y.size and (Y.max() >= n_classes or Y.min() < IGNORE_INDEX):
            raise ValueError(
                f"Y: class indices must lie in 0..{n_classes - 1} (or {IGNORE_INDEX} for no "
                f"target), got values from {Y.min()} to {Y.max()}"
            )
        return Y
    if Y.shape == y_shape:
        return Y.astype(np.float64, copy=False)
    raise ValueError(
        f"Y: got shape {Y.shape} ({Y.dtype}), expected integer class indices of shape "
        f"{y_shape[:-1]} or one-hot/real targets of shape {y_shape}"
    )


def one_hot(indices: np.ndarray, n_classes: int) -> np.ndarray:
    """Rows (..., C) of float64 one-hot vectors for integer indices (...); an index of -1
    (no target) gives a row of zeros. Tasks encode their words with it too."""
    indices = np.asarray(indices)
    out = np.zeros((*indices.shape, n_classes))
    valid = indices != IGNORE_INDEX
    out[valid, indices[valid]] = 1.0
    return out


def cross_entropy(y: np.ndarray, Y: np.ndarray) -> tuple[float, np.ndarray]:
    """Softmax cross-entropy of logits y (..., C): returns (loss, dL/dy)."""
    if Y.ndim == y.ndim:  # one-hot or probability rows
        weights = Y
        carries = np.sum(Y, axis=-1) > 0
    else:
        carries = Y != IGNORE_INDEX
        weights = one_hot(Y, y.shape[-1])
    count = max(int(np.count_nonzero(carries)), 1)
    loss = -float(np.sum(weights * log_softmax(y))) / count
    row_mass = np.sum(weights, axis=-1, keepdims=True)
    dy = (softmax(y) * row_mass - weights) / count
    return loss, dy


def mse(y: np.ndarray, Y: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean squared error over all elements of y: returns (loss, dL/dy)."""
    if Y.ndim != y.ndim:
        Y = one_hot(Y, y.shape[-1])
    diff = y - Y
    return float(np.mean(diff * diff)), 2.0 * diff / diff.size


def loss_and_grad(name: str, y: np.ndarray, Y: np.ndarray) -> tuple[float, np.ndarray]:
    if name == "cross-entropy":
        return cross_entropy(y, Y)
    if name == "mse":
        return mse(y, Y)
    raise ValueError(f"loss: got {name!r}, expected one of {', '.join(LOSSES)}")

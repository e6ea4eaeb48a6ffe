"""Elementwise nonlinearities and softmax, numerically stable, with their derivatives, and
the engine's overflow policy.

Derivatives are written in terms of the *output* where that is cheaper, so backward never
recomputes forward: it reads the activations the forward pass cached.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import numpy as np

_P = ParamSpec("_P")
_R = TypeVar("_R")

ACTIVATIONS = ("tanh", "relu", "sigmoid", "linear")


def sigmoid(z: np.ndarray) -> np.ndarray:
    """Logistic function, written through tanh so that no exp can overflow for any z:
    0.5 * (1 + tanh(0.5 z)), in one new array (a step's gates are small: allocations count)."""
    out = np.multiply(z, 0.5)
    np.tanh(out, out=out)
    out += 1.0
    out *= 0.5
    return out


def activate(name: str, z: np.ndarray) -> np.ndarray:
    """The vanilla RNN's nonlinearity act(z)."""
    if name == "tanh":
        return np.tanh(z)
    if name == "relu":
        return np.maximum(z, 0.0)
    if name == "sigmoid":
        return sigmoid(z)
    if name == "linear":
        return z.copy()
    raise ValueError(f"activation: got {name!r}, expected one of {', '.join(ACTIVATIONS)}")


def activation_slope(name: str, z: np.ndarray, out: np.ndarray) -> np.ndarray:
    """act'(z), given the pre-activation z and the output act(z)."""
    if name == "tanh":
        return 1.0 - out * out
    if name == "relu":
        return (z > 0.0).astype(z.dtype)
    if name == "sigmoid":
        return out * (1.0 - out)
    if name == "linear":
        return np.ones_like(z)
    raise ValueError(f"activation: got {name!r}, expected one of {', '.join(ACTIVATIONS)}")


# The largest |act'(z)| over z: gamma in Pascanu, Mikolov and Bengio (2013), section 2.2.
ACTIVATION_SLOPE_BOUND = {"tanh": 1.0, "relu": 1.0, "sigmoid": 0.25, "linear": 1.0}


def softmax(z: np.ndarray) -> np.ndarray:
    """Softmax over the last axis; shifting by the max keeps exp finite."""
    shifted = z - np.max(z, axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=-1, keepdims=True)


def log_softmax(z: np.ndarray) -> np.ndarray:
    shifted = z - np.max(z, axis=-1, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))


def tolerate_overflow(function: Callable[_P, _R]) -> Callable[_P, _R]:
    """The engine's one overflow policy. A demo of exploding gradients is *meant* to
    overflow: inf and nan flow into the traces (which report from which timestep on)
    instead of raising or warning.

    A fresh `np.errstate` per call, rather than one shared as a decorator: NumPy 2 refuses
    to enter the same errstate twice, as nested or concurrent calls would."""

    @functools.wraps(function)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with np.errstate(all="ignore"):
            return function(*args, **kwargs)

    return wrapper

"""Optimisers and gradient clipping over parameter dicts (name -> float64 array).

Optimisers put new arrays into the params dict (`Network.params` stays live: assigning
changes the model) and never write into an array in place, nor into their own state's
arrays: so keeping the arrays from before an update is all it takes to undo it exactly,
with no copy (at D = 1024 the recurrent weights alone are 32 MB). Their state is a plain
dict of arrays, taken by `state_dict()` and put back by `load_state_dict()`.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

OPTIMISERS = ("sgd", "adam", "adagrad")
CLIPPING = ("none", "norm", "value")


class ClipResult(NamedTuple):
    grads: dict[str, np.ndarray]
    norm_before: float  # global L2 norm over every gradient
    norm_after: float


def global_norm(grads: dict[str, np.ndarray]) -> float:
    with np.errstate(over="ignore", invalid="ignore"):
        return float(np.sqrt(sum(float(np.sum(g * g)) for g in grads.values())))


def clip_by_global_norm(grads: dict[str, np.ndarray], max_norm: float) -> ClipResult:
    """Rescale all gradients together when their global norm exceeds max_norm
    (Pascanu, Mikolov and Bengio 2013, Algorithm 1). Direction is kept."""
    if not max_norm > 0:
        raise ValueError(f"max_norm: got {max_norm!r}, expected a number > 0")
    before = global_norm(grads)
    if np.isfinite(before) and before > max_norm:
        scale = max_norm / before
        grads = {k: g * scale for k, g in grads.items()}
    return ClipResult(grads, before, global_norm(grads))


def clip_by_value(grads: dict[str, np.ndarray], limit: float) -> ClipResult:
    """Clamp every element to [-limit, limit] (Karpathy's min-char-rnn uses 5)."""
    if not limit > 0:
        raise ValueError(f"limit: got {limit!r}, expected a number > 0")
    before = global_norm(grads)
    clipped = {k: np.clip(g, -limit, limit) for k, g in grads.items()}
    return ClipResult(clipped, before, global_norm(clipped))


def clip(grads: dict[str, np.ndarray], method: str, threshold: float) -> ClipResult:
    if method == "none":
        norm = global_norm(grads)
        return ClipResult(grads, norm, norm)
    if method == "norm":
        return clip_by_global_norm(grads, threshold)
    if method == "value":
        return clip_by_value(grads, threshold)
    raise ValueError(f"clipping: got {method!r}, expected one of {', '.join(CLIPPING)}")


class Optimiser:
    def __init__(self, lr: float):
        if not (np.isfinite(lr) and lr > 0):
            raise ValueError(f"learning_rate: got {lr!r}, expected a number > 0")
        self.lr = lr
        self.state: dict = {}

    def step(self, params: dict[str, np.ndarray], grads: dict[str, np.ndarray]) -> None:
        raise NotImplementedError

    def state_dict(self) -> dict:
        """The state's dicts copied; its arrays shared (no step writes into them)."""
        return _copy_dicts(self.state)

    def load_state_dict(self, state: dict) -> None:
        self.state = _copy_dicts(state)


class SGD(Optimiser):
    """theta -= lr * v, v = momentum * v + g (heavy ball; momentum 0 is plain SGD)."""

    def __init__(self, lr: float = 0.1, momentum: float = 0.0):
        super().__init__(lr)
        if not 0.0 <= momentum < 1.0:
            raise ValueError(f"momentum: got {momentum!r}, expected 0 <= momentum < 1")
        self.momentum = momentum

    def step(self, params, grads):
        for name, g in grads.items():
            if self.momentum:
                v = self.state.get(name, np.zeros_like(g)) * self.momentum
                v += g  # a new array: the state before stays as it was
                self.state[name] = g = v
            params[name] = np.subtract(params[name], step := self.lr * g, out=step)  # one new array


class Adam(Optimiser):
    """Kingma and Ba (2015), with bias correction."""

    def __init__(self, lr: float = 0.01, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8):
        super().__init__(lr)
        self.beta1, self.beta2, self.eps = beta1, beta2, eps
        self.state = {"t": 0, "m": {}, "v": {}}

    def step(self, params, grads):
        self.state["t"] += 1
        t = self.state["t"]
        for name, g in grads.items():
            # new arrays (the same operations as m *= beta1; m += ..., bit for bit)
            m = self.state["m"].get(name, np.zeros_like(g)) * self.beta1
            m += (1.0 - self.beta1) * g
            v = self.state["v"].get(name, np.zeros_like(g)) * self.beta2
            v += (1.0 - self.beta2) * g * g
            self.state["m"][name], self.state["v"][name] = m, v
            m_hat = m / (1.0 - self.beta1**t)
            v_hat = v / (1.0 - self.beta2**t)
            step = self.lr * m_hat / (np.sqrt(v_hat) + self.eps)
            params[name] = np.subtract(params[name], step, out=step)


class Adagrad(Optimiser):
    """Duchi, Hazan and Singer (2011), as min-char-rnn trains and as torch.optim.Adagrad:
    s += g * g;  theta -= lr * g / (sqrt(s) + eps)."""

    def __init__(self, lr: float = 0.1, eps: float = 1e-10):
        super().__init__(lr)
        self.eps = eps
        self.state = {"sum": {}}

    def step(self, params, grads):
        for name, g in grads.items():
            total = self.state["sum"].get(name, np.zeros_like(g)) + g * g  # a new array: the state before stays
            self.state["sum"][name] = total
            step = self.lr * g / (np.sqrt(total) + self.eps)
            params[name] = np.subtract(params[name], step, out=step)


def _copy_dicts(state):
    """Dicts (nested) copied, anything else shared."""
    return {k: _copy_dicts(v) for k, v in state.items()} if isinstance(state, dict) else state


def make_optimiser(name: str, lr: float, momentum: float = 0.0) -> Optimiser:
    if name == "sgd":
        return SGD(lr, momentum)
    if name == "adam":
        return Adam(lr)
    if name == "adagrad":
        return Adagrad(lr)
    raise ValueError(f"optimiser: got {name!r}, expected one of {', '.join(OPTIMISERS)}")

"""Sampling a sequence from a network one timestep at a time, its own output fed back as
the next input (min-char-rnn's `sample`): x_{t+1} = one-hot of a class drawn from
softmax(y_t / temperature). The network's own step functions, state carried across steps.

Only a network that reads forward in time can generate: a bidirectional layer's output at
t depends on inputs after t, which do not exist yet.
"""

from __future__ import annotations

import numbers

import numpy as np

from .functions import softmax
from .network import Network


def _layers(net: Network) -> list[dict]:
    """The packed parameters of each layer, bottom first (see Cell.pack)."""
    if net.stack is not None:
        packed = net.stack.pack(net.params)
        return [packed[(layer, 0)] for layer in range(net.layers)]
    return [net.cell.pack(net.params)]


def generate(net: Network, prime: list[int], length: int, rng: np.random.Generator,
             temperature: float = 1.0) -> list[int]:
    """`length` classes drawn one after another, after the inputs `prime` (class indices,
    at least one) have set the state. Needs F = C (the output read back as the input)."""
    if net.bidirectional or net.mode != "many-to-many" or net.n_features != net.n_classes:
        raise ValueError("generate: needs a one-direction many-to-many network with F = C")
    if isinstance(temperature, bool) or not isinstance(temperature, numbers.Real) or not temperature > 0:
        raise ValueError(f"temperature: got {temperature!r}, expected a number > 0")
    if not prime:
        raise ValueError("prime: expected at least one input")
    layers = _layers(net)
    states = [net.cell.initial_state(1, net.n_hidden) for _ in layers]
    W2, b2 = net.params["W2"], net.params["b2"]
    eye = np.eye(net.n_features)
    drawn: list[int] = []
    current = list(prime)
    with np.errstate(over="ignore", invalid="ignore"):
        while len(drawn) < length:
            for index in current:
                h = eye[index][None]  # (1, F)
                for i, packed in enumerate(layers):
                    states[i], _ = net.cell.step_forward(packed, h, states[i])
                    h = states[i]["h"]
            p = softmax((h @ W2 + b2)[0] / temperature)
            if not np.all(np.isfinite(p)):
                raise ValueError("generate: the network's outputs overflowed")
            drawn.append(int(rng.choice(len(p), p=p / p.sum())))
            current = drawn[-1:]
    return drawn

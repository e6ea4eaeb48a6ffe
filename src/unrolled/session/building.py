"""Building a session's parts from a config: the task, the network, the optimiser, the
random stream and the first batch, all complete before anything of an existing session is
replaced, and refused before allocating when the traces would not fit in memory. No Qt."""

from __future__ import annotations

import os

import numpy as np

from ..engine import Network, make_optimiser
from ..engine.losses import check_targets
from ..engine.optim import Optimiser
from ..engine.tasks import Task
from .config import Config
from .iteration import IterationState


def memory_limit() -> int:
    """The most one iteration's traces may take: half the physical memory (8 GB if unknown)."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2
    except (AttributeError, ValueError, OSError):
        return 8 * 2**30


def build(config: Config, batch: tuple[np.ndarray, np.ndarray] | None = None
          ) -> tuple[Config, Task, Network, Optimiser, np.random.Generator, tuple[np.ndarray, np.ndarray],
                     IterationState]:
    """(config, task, network, optimiser, rng, (X, Y), the first iteration's state). batch:
    (X, Y) to step through instead of the task's first sample (the random stream goes on as
    if it had been drawn). A typed sentence in the config is the batch, and T follows it."""
    task = config.task_spec()
    if config.input:  # a typed sentence is the batch: T follows it, B = 1
        sentence = task.encode(config.input, config.n_features, config.n_classes)
        config = config.replace(timesteps=sentence[0].shape[1], batch_size=1).validated()
        batch = sentence if batch is None else batch
    needed, limit = config.estimated_trace_bytes(), memory_limit()
    if needed > limit:  # refuse before allocating: a 20 GB trace would swap, not fail
        raise MemoryError(f"one iteration needs about {needed / 2**30:.1f} GB; "
                          f"at most {limit / 2**30:.1f} GB is allowed")
    net = Network(
        config.cell,
        n_features=config.n_features,
        n_hidden=config.n_hidden,
        n_classes=config.n_classes,
        mode=config.mode,
        activation=config.activation,
        loss=config.loss,
        seed=config.seed,
        rho=config.rho or None,
        forget_bias=config.forget_bias,
        init=config.init,
        truncation=config.truncation,
        layers=config.layers,
        bidirectional=config.bidirectional,
    )
    optimiser = make_optimiser(config.optimiser, config.learning_rate, config.momentum)
    rng = np.random.default_rng(config.seed)
    X, Y = task.sample(config.timesteps, config.n_features, config.n_classes, config.batch_size, rng)
    if batch is not None:
        X, Y = np.array(batch[0], dtype=np.float64), np.array(batch[1])
        expected = (config.batch_size, config.timesteps, config.n_features)
        if X.shape != expected:
            raise ValueError(f"X has shape {X.shape}, expected (B, T, F) = {expected}")
    current = IterationState(net.begin_forward(X))
    check_targets(Y, current.fwd.y.shape)  # a mode the task contradicts fails here, not at the loss
    return config, task, net, optimiser, rng, (X, Y), current


def check_weights(net: Network, params: dict[str, np.ndarray], require_all: bool = False) -> None:
    """ValueError unless every array has a parameter's name and shape (and, with
    require_all, every parameter is there)."""
    shapes = net.param_shapes()
    unknown, missing = set(params) - set(shapes), set(shapes) - set(params)
    if unknown or (require_all and missing):
        raise ValueError(f"weights {sorted(params)} do not match the {net.cell_name} parameters {sorted(shapes)}")
    for name, value in params.items():
        if np.shape(value) != shapes[name]:
            raise ValueError(f"{name} has shape {np.shape(value)}, expected {shapes[name]}")

"""How long the work a file asks for (steps to take on opening, a session's steps to replay,
a preset's training before an export, a lesson stop's training) would take, estimated from
its sizes before any of it starts, and the bound on it. No Qt.

A timestep of the forward pass costs about B * (F + D) * D * K + B * D * C multiply-adds for
a cell with K blocks (the input and recurrent products of every block, and the readout);
one of the backward pass about twice that. The estimate assumes a fast machine, so what it
refuses would take longer still on the lecturer's laptop; what it lets through is at most a
minute or so there.
"""

from __future__ import annotations

import math

from ..engine.cells import cell_class
from .config import Config

MAX_WORK_SECONDS = 60.0  # work a file may ask for before anything shows: more keeps a class waiting
MULTIPLY_ADDS_PER_SECOND = 10e9  # NumPy's matrix products on one fast core
SECONDS_PER_STEP = 30e-6  # Python's share of one timestep, whatever the sizes


def step_seconds(config: Config) -> float:
    """Estimated seconds of one timestep, the forward and backward pass averaged (a
    backward step costs about twice a forward one)."""
    B, F, D, C = config.batch_size, config.n_features, config.n_hidden, config.n_classes
    blocks = cell_class(config.cell).blocks
    forward = B * (F + D) * D * blocks + B * D * C
    return SECONDS_PER_STEP + 1.5 * forward / MULTIPLY_ADDS_PER_SECOND


def work_seconds(config: Config, steps: int = 0, iterations: int = 0) -> float:
    """Estimated seconds of `steps` steps and `iterations` whole training iterations (2T
    timesteps each, of every layer and direction) of the model `config` describes."""
    cells = config.layers * (2 if config.bidirectional else 1)
    return (steps + iterations * 2 * config.timesteps * cells) * step_seconds(config)


def work_problem(config: Config, steps: int = 0, iterations: int = 0) -> str | None:
    """None when the work is within MAX_WORK_SECONDS, else one sentence saying how long it
    would take and what to change."""
    seconds = work_seconds(config, steps, iterations)
    if seconds <= MAX_WORK_SECONDS:
        return None
    asked = " and ".join(part for part in (f"{steps} steps" if steps else "",
                                           f"{iterations} training iterations" if iterations else "") if part)
    c = config
    return (f"{asked} of a model with T = {c.timesteps}, B = {c.batch_size}, F = {c.n_features}, D = {c.n_hidden}, "
            f"C = {c.n_classes} would take about {_duration(seconds)}; a file may ask for at most "
            f"{MAX_WORK_SECONDS:.0f} s of work: ask for fewer, or a smaller model")


def gradcheck_problem(config: Config, entries: int) -> str | None:
    """None when a gradient check of `entries` entries per parameter fits MAX_WORK_SECONDS,
    else one sentence: each entry checked is two forward passes of T steps (central
    differences), each parameter checks at most its own size."""
    F, D, C = config.n_features, config.n_hidden, config.n_classes
    sizes = [math.prod(shape) for shape in cell_class(config.cell).param_shapes(F, D).values()] + [D * C, C]
    passes = 2 * sum(min(entries, size) for size in sizes)
    seconds = work_seconds(config, steps=passes * config.timesteps)
    if seconds <= MAX_WORK_SECONDS:
        return None
    c = config
    return (f"checking {entries} entries of each parameter of a model with T = {c.timesteps}, B = {c.batch_size}, "
            f"D = {c.n_hidden} takes {passes} forward passes, about {_duration(seconds)}: check fewer entries "
            f"(--entries), or a smaller model")


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 2 * 3600:
        return f"{seconds / 60:.0f} minutes"
    if seconds < 2 * 86400:
        return f"{seconds / 3600:.0f} hours"
    return f"{seconds / 86400:.0f} days"

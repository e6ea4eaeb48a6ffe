"""The weight update, the one way weights change after a backward pass: clip, take the
optimiser's step, and roll back if the new weights are not finite. Stepping, training and
comparing all go through `apply_update`. No Qt."""

from __future__ import annotations

import numpy as np

from ..engine import Network
from ..engine.embedding import EMBEDDING
from ..engine.optim import Optimiser, clip
from .iteration import Checkpoint, IterationRecord


def take_checkpoint(net: Network, optimiser: Optimiser, history_length: int, iteration: int) -> Checkpoint:
    """The weights and optimiser state now: their arrays themselves, not copies, since an
    update puts new arrays in their place and nothing writes into them (engine/optim.py)."""
    return Checkpoint(dict(net.params), optimiser.state_dict(), history_length, iteration)


def restore_weights(net: Network, optimiser: Optimiser, checkpoint: Checkpoint) -> None:
    """Put the checkpoint's weights back (its arrays, shared: nothing writes into them)."""
    for name, value in checkpoint.params.items():
        net.params[name] = value
    optimiser.load_state_dict(checkpoint.optimiser_state)


def apply_update(net: Network, optimiser: Optimiser, grads: dict[str, np.ndarray], loss: float,
                 clipping: str, threshold: float, before: Checkpoint) -> IterationRecord:
    """Clip the gradients, step the optimiser, and keep the new weights only if they are
    finite; `before` is the state to roll back to. A non-finite gradient is not applied."""
    # tied E and W2 are one parameter: counted once in the norm, as torch's clip_grad_norm_ does
    clipped = clip({k: g for k, g in grads.items() if not (net.tied and k == "W2")}, clipping, threshold)
    stepped = {**clipped.grads, "W2": clipped.grads[EMBEDDING].T} if net.tied else clipped.grads
    applied = bool(np.isfinite(clipped.norm_after))
    if applied:
        with np.errstate(over="ignore", invalid="ignore"):
            optimiser.step(net.params, stepped)
        if not all(np.all(np.isfinite(v)) for v in net.params.values()):
            restore_weights(net, optimiser, before)
            applied = False
    return IterationRecord(float(loss), clipped.norm_before, clipped.norm_after, applied)


class UpdateRejected(Exception):
    """`apply_update` kept the weights: the gradient or the updated weights were not finite."""

    def __init__(self, record: IterationRecord):
        self.record = record
        finite = np.isfinite(record.norm_after)
        why = "the weight update overflowed" if finite else "the gradient norm is inf or nan"
        super().__init__(why)

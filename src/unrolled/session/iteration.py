"""What one training iteration is made of, and what it leaves behind.

One iteration is 2T + 2 steps: forward t = 1..T, the loss, backward t = T..1, the weight
update. `Phase` names where a position falls; `IterationState` holds everything stepping
within an iteration touches (so it can be undone); `IterationRecord` is the few numbers the
history keeps of a completed iteration; `Checkpoint` is the weights and optimiser state at
one moment, restored exactly. No Qt.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, fields, is_dataclass

import numpy as np

from ..engine.traces import BackwardTrace, ForwardTrace


class Phase(enum.Enum):
    READY = "ready"  # nothing computed yet in this iteration
    FORWARD = "forward"
    LOSS = "loss"
    BACKWARD = "backward"
    UPDATE = "update"  # the weights have been updated: the iteration is complete


def phase_at(position: int, T: int) -> Phase:
    """The phase after `position` steps of an iteration over T timesteps."""
    if position == 0:
        return Phase.READY
    if position <= T:
        return Phase.FORWARD
    if position == T + 1:
        return Phase.LOSS
    if position <= 2 * T + 1:
        return Phase.BACKWARD
    return Phase.UPDATE


def timestep_at(position: int, T: int) -> int | None:
    """The timestep (1-based) the last step computed, in the forward or backward phase."""
    phase = phase_at(position, T)
    if phase is Phase.FORWARD:
        return position
    if phase is Phase.BACKWARD:
        return 2 * T + 2 - position
    return None


def steps_to(position: int, T: int, target: str) -> int:
    """How many steps from `position` finish the phase the next step enters ("phase"), or
    complete the iteration ("iteration")."""
    n = 2 * T + 2
    first = 1 if position == n else position + 1
    if target == "iteration":
        end = n
    elif target == "phase":
        end = T if first <= T else 2 * T + 1 if T + 2 <= first <= 2 * T + 1 else first
    else:
        raise ValueError(f"target: got {target!r}, expected 'phase' or 'iteration'")
    return end - first + 1


@dataclass(frozen=True)
class IterationRecord:
    """The numbers a completed iteration leaves in the history (no arrays: a long run
    keeps thousands of these)."""

    loss: float
    norm_before: float  # global gradient norm before clipping
    norm_after: float  # after clipping: the norm the update would apply
    applied: bool = True  # False: the gradient or the updated weights were not finite, so
    # the update was skipped and the weights kept


@dataclass(frozen=True)
class Checkpoint:
    """The weights, the optimiser state and how far the history has got, at one moment."""

    params: dict[str, np.ndarray]  # copies
    optimiser_state: dict
    history_length: int
    iteration: int

    @property
    def nbytes(self) -> int:
        return nbytes(self.params) + nbytes(self.optimiser_state)


@dataclass
class IterationState:
    """Everything stepping within one iteration touches, so a boundary can be undone."""

    fwd: ForwardTrace
    bwd: BackwardTrace | None = None
    position: int = 0  # steps done in this iteration: 0 .. 2T + 2
    before_update: Checkpoint | None = None  # set by the update step, to undo it

    @property
    def nbytes(self) -> int:
        """The memory this iteration holds: every array of its traces and checkpoint."""
        return nbytes((self.fwd, self.bwd, self.before_update))


def nbytes(value, seen: set[int] | None = None) -> int:
    """Bytes of every distinct NumPy buffer reachable from value (dataclasses, dicts,
    lists, tuples); views count towards the array they view, once."""
    seen = set() if seen is None else seen
    if isinstance(value, np.ndarray):
        owner = value
        while isinstance(owner.base, np.ndarray):
            owner = owner.base
        if id(owner) in seen:
            return 0
        seen.add(id(owner))
        return owner.nbytes
    if isinstance(value, Checkpoint):
        return nbytes((value.params, value.optimiser_state), seen)
    if is_dataclass(value) and not isinstance(value, type):
        return sum(nbytes(getattr(value, f.name), seen) for f in fields(value))
    if isinstance(value, dict):
        return sum(nbytes(v, seen) for v in value.values())
    if isinstance(value, (list, tuple)):
        return sum(nbytes(v, seen) for v in value)
    return 0

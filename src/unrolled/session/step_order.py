"""Where a position of an iteration falls, for a network of any depth and direction.

One pass (forward or backward) is N = L * dirs * T steps, one cell at one (layer,
direction, t) each, in torch's order: layer by layer; within a layer the forward direction
t = 1..T, then the reverse direction t = T..1. The backward pass is the exact reverse. One
iteration is 2N + 2 steps:

    forward (N steps)  ->  loss  ->  backward (N steps)  ->  weight update

One layer in one direction: N = T, the seed's 2T + 2. No Qt.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from ..engine.stack_traces import natural_t, position
from .config import Config
from .iteration import Phase, phase_at, steps_to

DIRECTION_NAMES = ("forward", "reverse")


class Place(NamedTuple):
    """Where the last step of an iteration was taken. layer (from 0) and direction (0
    forward, 1 reverse) are the keys of the traces' per-layer dicts (`fwd.layer_h[(layer,
    direction)]`); t is the timestep from 1, as `Session.t`. In the loss, update and ready
    phases there is no cell, and layer, direction and t are None."""

    phase: Phase
    layer: int | None = None
    direction: int | None = None
    t: int | None = None


@dataclass(frozen=True)
class StepOrder:
    """The step order of one iteration over T timesteps, `layers` layers, `directions` 1 or 2."""

    T: int
    layers: int = 1
    directions: int = 1

    @property
    def steps_per_pass(self) -> int:
        """N = L * dirs * T: every cell at every (layer, direction, t)."""
        return self.layers * self.directions * self.T

    @property
    def steps_per_iteration(self) -> int:
        return 2 * self.steps_per_pass + 2

    def phase(self, position: int) -> Phase:
        return phase_at(position, self.steps_per_pass)

    def place(self, position_: int) -> Place:
        """Where the step that brought the iteration to `position_` was taken."""
        phase, N = self.phase(position_), self.steps_per_pass
        if phase is Phase.FORWARD:
            step = position_ - 1
        elif phase is Phase.BACKWARD:
            step = N - 1 - (position_ - N - 2)  # backward step s undoes forward step N - 1 - s
        else:
            return Place(phase)
        layer, direction, i = position(step, self.T, self.directions)
        return Place(phase, layer, direction, natural_t(direction, i, self.T) + 1)

    def steps_to(self, position_: int, target: str) -> int:
        """How many steps from `position_` finish the layer the next step enters, both its
        directions ("layer"; outside the passes, as "phase"), the phase it enters ("phase"),
        or the iteration ("iteration")."""
        if target != "layer":
            return steps_to(position_, self.steps_per_pass, target)
        n, N, run = self.steps_per_iteration, self.steps_per_pass, self.directions * self.T
        first = 1 if position_ == n else position_ + 1
        if first <= N:  # runs of dirs * T forward steps, one layer each
            end = (first - 1) // run * run + run
        elif N + 2 <= first <= 2 * N + 1:  # the backward pass: the same runs, top layer first
            end = N + 1 + ((first - N - 2) // run * run + run)
        else:
            end = first
        return end - first + 1


def order_of(config: Config) -> StepOrder:
    """The step order of an iteration of the network `config` describes."""
    return StepOrder(config.timesteps, config.layers, 2 if config.bidirectional else 1)


def steps_per_iteration(config: Config) -> int:
    return order_of(config).steps_per_iteration

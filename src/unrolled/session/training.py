"""Training: many iterations, each on a fresh batch from the task, with the session's
optimiser, learning rate, batch size and clipping. No Qt; a UI calls `train_iteration`
in chunks and can stop between any two iterations, leaving a consistent model.

An iteration that overflows (a non-finite loss, gradient or weight) is not applied: the
last finite weights are kept and `Diverged` says at which iteration and from which
timestep the values overflowed.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from .stepper import Session, UpdateRejected


@dataclass
class TrainingStep:
    iteration: int  # 1-based, counting every iteration the session has completed
    loss: float
    accuracy: float | None  # fraction of targets classified right; None for regression
    norm_before: float  # global gradient norm before clipping
    norm_after: float
    dh_norm: np.ndarray  # (T,) ||dL/dh_t|| of this iteration's batch


class Diverged(Exception):
    def __init__(self, iteration: int, where: str):
        self.iteration, self.where = iteration, where
        super().__init__(
            f"Training stopped at iteration {iteration}: {where}. The last finite weights are kept; "
            "lower rho(U) or the learning rate, or switch on clipping."
        )


def accuracy(y: np.ndarray, Y: np.ndarray) -> float | None:
    """Fraction of targets whose class has the largest output: class indices, or one-hot /
    probability rows (each summing to 1, or 0 for no target); None for real targets."""
    Y = np.asarray(Y)
    if not np.issubdtype(Y.dtype, np.integer):
        sums = Y.sum(axis=-1) if Y.shape == y.shape and Y.shape[-1] > 1 else None
        if sums is None or np.any(Y < 0) or not np.all(np.isclose(sums, 1.0) | (sums == 0)):
            return None
        carries = sums > 0
        Y = np.argmax(Y, axis=-1)
    else:
        carries = Y >= 0
    if not carries.any():
        return None
    return float(np.mean(np.argmax(y, axis=-1)[carries] == Y[carries]))


class Cancelled(Exception):
    """The progress callback of a long piece of work said to stop."""


# (units done, units in all) -> go on? False stops the work with Cancelled
Progress = Callable[[int, int], bool]
PROGRESS_INTERVAL = 0.05  # seconds between two progress reports: often enough for a bar, cheap enough


class ProgressReport:
    """Counts units of work (a timestep of a forward or backward pass, one step of a session)
    and tells `progress` at the first unit and then at most every PROGRESS_INTERVAL, so a
    caller that processes a GUI's events there stays responsive without slowing the work.
    Raises Cancelled when `progress` returns False; the work stops between two units, so
    whatever it was building is left as a whole (see Trainer.iteration_in_steps)."""

    def __init__(self, progress: Progress | None, total: int):
        self.progress, self.total, self.done = progress, total, 0
        self._last = -PROGRESS_INTERVAL

    def tick(self, units: int = 1) -> None:
        self.done += units
        if self.progress is None:
            return
        now = time.perf_counter()
        if now - self._last >= PROGRESS_INTERVAL or self.done >= self.total:
            self._last = now
            if self.progress(min(self.done, self.total), self.total) is False:
                raise Cancelled

    def drive(self, work: Generator[None, None, object]) -> object:
        """Run a generator that yields after each unit (an iteration in steps); its value."""
        while True:
            try:
                next(work)
            except StopIteration as finished:
                return finished.value
            self.tick()


class Trainable(Protocol):
    """What a training runner drives: a Trainer, or a Comparison training two in lockstep."""

    @property
    def completed_iterations(self) -> int: ...

    def iteration_in_steps(self) -> Generator[None, None, object]: ...


class Trainer:
    def __init__(self, session: Session):
        self.session = session
        self.steps: list[TrainingStep] = []

    @property
    def classification(self) -> bool:
        return self.session.config.loss == "cross-entropy"

    @property
    def completed_iterations(self) -> int:
        return len(self.session.history)

    def train_iteration(self) -> TrainingStep:
        """One whole iteration, at once."""
        steps = self.iteration_in_steps()
        while True:
            try:
                next(steps)
            except StopIteration as done:
                return done.value

    def iteration_in_steps(self) -> Generator[None, None, TrainingStep]:
        """One iteration as a generator that yields after every timestep of the forward and
        the backward pass, so a UI can spread a long iteration over several event-loop turns;
        its return value is the TrainingStep. The update happens at the very end, at once
        (through the session): abandoning the generator part way leaves the model as it was."""
        s, net = self.session, self.session.net
        number = len(s.history) + 1
        X, Y = s.training_batch()
        fwd = net.begin_forward(X, s.carried_state)
        for _ in range(s.order.steps_per_pass):  # every (layer, direction, t)
            net.forward_step(fwd)
            yield
        if fwd.nonfinite_from is not None:
            raise Diverged(number, f"the forward pass overflowed from t = {fwd.nonfinite_from}")
        if s.config.carries_state:  # the next window starts where this one ends
            s.end_window(net.final_state(fwd))
        bwd = net.begin_backward(fwd, Y)
        for _ in range(s.order.steps_per_pass):
            net.backward_step(bwd, fwd)
            yield
        if not np.isfinite(bwd.loss):
            raise Diverged(number, "the loss is inf or nan")
        if bwd.nonfinite_from is not None:
            raise Diverged(number, f"the gradient overflowed from t = {bwd.nonfinite_from} (going back from T)")
        try:
            record = s.apply_update(bwd.grads, bwd.loss)
        except UpdateRejected as rejected:
            raise Diverged(number, str(rejected)) from rejected
        hits = accuracy(fwd.y, Y) if self.classification else None
        step = TrainingStep(number, record.loss, hits, record.norm_before, record.norm_after, bwd.dh_norm)
        self.steps.append(step)
        return step

    def train(self, n: int) -> list[TrainingStep]:
        """n iterations (stops early by raising Diverged)."""
        return [self.train_iteration() for _ in range(n)]

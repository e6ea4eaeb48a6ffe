"""Training: many iterations, each on a fresh batch from the task, with the session's
optimiser, learning rate, batch size and clipping. No Qt; a UI calls `train_iteration`
in chunks and can stop between any two iterations, leaving a consistent model.

An iteration that overflows (a non-finite loss, gradient or weight) is not applied: the
last finite weights are kept and `Diverged` says at which iteration and from which
timestep the values overflowed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..engine.optim import clip
from .events import Change
from .stepper import IterationRecord, Session


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


class Trainer:
    def __init__(self, session: Session):
        self.session = session
        self.steps: list[TrainingStep] = []

    @property
    def classification(self) -> bool:
        return self.session.config.loss == "cross-entropy"

    def train_iteration(self) -> TrainingStep:
        """One whole iteration, at once."""
        steps = self.iteration_in_steps()
        while True:
            try:
                next(steps)
            except StopIteration as done:
                return done.value

    def iteration_in_steps(self):
        """One iteration as a generator that yields after every timestep of the forward and
        the backward pass, so a UI can spread a long iteration over several event-loop turns;
        its return value is the TrainingStep. The update happens at the very end, at once:
        abandoning the generator part way leaves the model as it was."""
        s, net, config = self.session, self.session.net, self.session.config
        number = len(s.history) + 1
        X, Y = s.task.sample(config.timesteps, config.n_features, config.n_classes, config.batch_size, s._rng)
        fwd = net.begin_forward(X)
        for _ in range(fwd.T):
            net.forward_step(fwd)
            yield
        if fwd.nonfinite_from is not None:
            raise Diverged(number, f"the forward pass overflowed from t = {fwd.nonfinite_from}")
        bwd = net.begin_backward(fwd, Y)
        for _ in range(bwd.T):
            net.backward_step(bwd, fwd)
            yield
        if not np.isfinite(bwd.loss):
            raise Diverged(number, "the loss is inf or nan")
        if bwd.nonfinite_from is not None:
            raise Diverged(number, f"the gradient overflowed from t = {bwd.nonfinite_from} (going back from T)")
        clipped = clip(bwd.grads, config.clipping, config.clip_threshold)
        if not np.isfinite(clipped.norm_after):
            raise Diverged(number, "the gradient norm is inf or nan")
        before = {k: v.copy() for k, v in net.params.items()}
        optimiser_before = s.optimiser.state_dict()
        s.optimiser.step(net.params, clipped.grads)
        if not all(np.all(np.isfinite(v)) for v in net.params.values()):
            for k, v in before.items():
                net.params[k][...] = v
            s.optimiser.load_state_dict(optimiser_before)
            raise Diverged(number, "the weight update overflowed")
        s.history.append(IterationRecord(bwd.loss, clipped, {}, {}))
        hits = accuracy(fwd.y, Y) if self.classification else None
        step = TrainingStep(number, bwd.loss, hits, clipped.norm_before, clipped.norm_after, bwd.dh_norm)
        self.steps.append(step)
        return step

    def train(self, n: int) -> list[TrainingStep]:
        """n iterations (stops early by raising Diverged); then `finish`."""
        try:
            return [self.train_iteration() for _ in range(n)]
        finally:
            self.finish()

    def finish(self) -> None:
        """After training (or a stop): the session steps through an iteration of the
        trained model on its own batch, from the start."""
        self.session.iteration = len(self.session.history)
        self.session.restart_iteration()
        self.session.changed.emit(Change.HISTORY | Change.PARAMS)

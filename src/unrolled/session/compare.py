"""Two networks side by side on the same input and seed, stepping and training in lockstep:
an RNN against an LSTM, one cell at two values of rho, with and without clipping."""

from __future__ import annotations

from collections.abc import Generator

import numpy as np

from .config import Config, ConfigError
from .events import Change, Signal
from .stepper import Session, gradient_verdict
from .training import Diverged, Trainer

# what B may change: everything else (task, sizes, seed) is shared, so the input is the same
COMPARABLE = ("cell", "activation", "rho", "init", "forget_bias", "optimiser", "learning_rate", "momentum",
              "clipping", "clip_threshold", "truncation")


def default_changes(config: Config) -> dict:
    """RNN against LSTM, the classic comparison: B is the other kind of cell."""
    return {"cell": "lstm" if config.cell != "lstm" else "rnn"}


def times_as_much(ratio: float) -> str:
    """A ratio in words: "about the same", "3.2 times more", "10^5 times less"."""
    decades = abs(np.log10(ratio))
    more = "more" if ratio >= 1 else "less"
    if decades < np.log10(1.2):
        return "about the same"
    if decades < 2:
        return f"{10 ** decades:.2g} times {more}"
    return f"10^{decades:.0f} times {more}"


def describe_changes(changes: dict) -> str:
    return ", ".join(f"{k} = {v}" for k, v in changes.items()) or "no change"


class Comparison:
    def __init__(self, config: Config, changes: dict | None = None):
        changes = default_changes(config) if changes is None else dict(changes)
        bad = sorted(set(changes) - set(COMPARABLE))
        if bad:
            raise ConfigError({name: "B may change only " + ", ".join(COMPARABLE) for name in bad})
        self.changes = changes
        self.changed = Signal()
        self._build(config)

    def _build(self, config: Config) -> None:
        self.a = Session(config)
        # the same batch for both, and the same stream of training batches (same seed)
        self.b = Session(config.replace(**self.changes).validated(), batch=(self.a.X, self.a.Y))
        self.trainers = (Trainer(self.a), Trainer(self.b))

    @property
    def sessions(self) -> tuple[Session, Session]:
        return self.a, self.b

    # -- lockstep ---------------------------------------------------------------------
    @property
    def in_lockstep(self) -> bool:
        return (self.a.position, self.a.iteration) == (self.b.position, self.b.iteration)

    @property
    def history(self):
        return self.a.history

    def steps_to(self, target: str) -> int:
        return self.a.steps_to(target)

    def advance(self, n: int) -> None:
        for s in self.sessions:
            s.advance(n)
        self.changed.emit(Change.STEP | Change.PARAMS | Change.HISTORY)

    def step(self) -> None:
        self.advance(1)

    @property
    def can_step_back(self) -> bool:
        return self.a.can_step_back and self.b.can_step_back

    def step_back(self) -> None:
        if not self.can_step_back:
            raise ValueError("step_back: nothing to undo")
        for s in self.sessions:
            s.step_back()
        self.changed.emit(Change.STEP | Change.PARAMS | Change.HISTORY)

    def reset(self) -> None:
        self._build(self.a.config)
        self.changed.emit(Change.ALL)

    # -- training in lockstep (a Trainable for the training runner) --------------------
    @property
    def completed_iterations(self) -> int:
        return len(self.a.history)

    def train_iteration(self) -> None:
        for _ in self.iteration_in_steps():
            pass

    def iteration_in_steps(self) -> Generator[None, None, None]:
        """One iteration for each, on the same fresh batch, as a generator (see
        Trainer.iteration_in_steps); if B diverges, A's update is rolled back, so they stay
        in lockstep, and the message says which."""
        start_a = self.a.checkpoint()
        for label, trainer in zip("AB", self.trainers):
            try:
                yield from trainer.iteration_in_steps()
            except Diverged as error:
                if label == "B":
                    self.a.restore(start_a)
                which = describe_changes(self.changes) if label == "B" else "as set"
                raise Diverged(error.iteration, f"network {label} ({which}): {error.where}") from error
        self.changed.emit(Change.STEP | Change.PARAMS | Change.HISTORY)

    # -- what the status bar says -------------------------------------------------------
    def summary(self) -> str:
        parts = []
        ratios = []
        for label, s in zip("AB", self.sessions):
            ratio = s.gradient_ratio()
            ratios.append(ratio)
            name = f"{label} ({s.config.cell}{', rho ' + format(s.config.rho, 'g') if s.config.rho else ''}"
            name += f", clip {s.config.clipping})" if s.config.clipping != "none" else ")"
            if ratio is None:
                parts.append(f"{name}: ratio after the backward pass")
            else:
                parts.append(f"{name}: ||dL_T/dh_1||/||dL_T/dh_T|| = {ratio:.3g}, {gradient_verdict(ratio)}")
        a, b = ratios
        if a and b and np.isfinite(a) and np.isfinite(b) and a > 0 and b > 0:
            parts.append(f"B keeps {times_as_much(b / a)} gradient at t = 1")
        if self.a.history and self.b.history:
            parts.append(f"loss A {self.a.history[-1].loss:.4g}, B {self.b.history[-1].loss:.4g}")
        return " | ".join(parts)

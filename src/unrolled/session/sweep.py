"""A paper's figure, reproduced: train a vanilla RNN and an LSTM on the adding problem at
several sequence lengths and plot the success rate against T, in the spirit of Hochreiter
and Schmidhuber (1997, Table 7) and Pascanu, Mikolov and Bengio (2013, Fig. 7).

A run succeeds when, after training, the mean squared error on a held-out batch is below
`success_mse` (always answering 1, the mean target, scores about 0.167). No Qt: the UI
runs `run_sweep` in a worker thread and passes `progress` and `cancelled` callbacks.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field

import numpy as np

from .config import Config
from .stepper import Session
from .training import Diverged, Trainer

HELD_OUT_SEED = 10_000  # the test batches come from a stream training never sees


@dataclass(frozen=True)
class SweepSettings:
    cells: tuple[str, ...] = ("rnn", "lstm")
    lengths: tuple[int, ...] = (5, 10, 20, 30, 40)
    seeds: int = 3
    iterations: int = 600
    n_hidden: int = 16
    batch_size: int = 32
    learning_rate: float = 0.01
    clip_threshold: float = 1.0
    success_mse: float = 0.04
    held_out: int = 256

    @property
    def runs(self) -> int:
        return len(self.cells) * len(self.lengths) * self.seeds

    def config(self, cell: str, T: int, seed: int) -> Config:
        """F, C, the mode and the loss are the adding problem's own (`resolved`); T stays as
        asked, so a length the task refuses is an error rather than quietly raised."""
        return Config(task="adding-problem", cell=cell, activation="tanh", timesteps=T,
                      n_hidden=self.n_hidden, batch_size=self.batch_size,
                      optimiser="adam", learning_rate=self.learning_rate, clipping="norm",
                      clip_threshold=self.clip_threshold, seed=seed,
                      forget_bias=1.0).resolved().replace(timesteps=T).validated()

    def describe(self) -> str:
        return (f"Adding problem; cells {', '.join(self.cells)}; T in {list(self.lengths)}; {self.seeds} seeds each; "
                f"D = {self.n_hidden}, B = {self.batch_size}, Adam lr {self.learning_rate:g}, norm clipping at "
                f"{self.clip_threshold:g}, {self.iterations} iterations; success = held-out MSE < {self.success_mse:g} "
                f"on {self.held_out} sequences (always answering 1 scores about 0.167).")


@dataclass
class SweepResult:
    settings: SweepSettings
    # cell -> (len(lengths), seeds) held-out MSE; NaN where not run (cancelled) or diverged
    test_mse: dict[str, np.ndarray] = field(default_factory=dict)
    complete: bool = False
    seconds: float = 0.0

    def success_rate(self, cell: str) -> np.ndarray:
        """(len(lengths),) fraction of the finished runs that succeeded; NaN if none ran."""
        mse = self.test_mse[cell]
        ran = ~np.isnan(mse)
        wins = (mse < self.settings.success_mse) & ran
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(ran.any(axis=1), wins.sum(axis=1) / ran.sum(axis=1), np.nan)

    def to_dict(self) -> dict:
        return {"settings": asdict(self.settings), "complete": self.complete, "seconds": self.seconds,
                "test_mse": {k: v.tolist() for k, v in self.test_mse.items()},
                "success_rate": {k: self.success_rate(k).tolist() for k in self.test_mse}}


def train_and_test(settings: SweepSettings, cell: str, T: int, seed: int, cancelled=lambda: False) -> float:
    """Held-out MSE after training one network; NaN if it diverged or was cancelled."""
    session = Session(settings.config(cell, T, seed))
    trainer = Trainer(session)
    try:
        for _ in range(settings.iterations):
            if cancelled():
                return np.nan
            trainer.train_iteration()
    except Diverged:
        return np.nan
    config = session.config
    X, Y = session.task.sample(T, config.n_features, config.n_classes, settings.held_out,
                               np.random.default_rng(HELD_OUT_SEED + seed))
    return session.net.loss(session.net.forward(X), Y)


def run_sweep(settings: SweepSettings, progress=None, cancelled=lambda: False) -> SweepResult:
    """Every (cell, T, seed) run; progress(done, total, result so far) after each."""
    start = time.perf_counter()
    shape = (len(settings.lengths), settings.seeds)
    result = SweepResult(settings, {c: np.full(shape, np.nan) for c in settings.cells})
    done = 0
    for seed in range(settings.seeds):  # seeds outermost: a cancelled sweep has every T
        for i, T in enumerate(settings.lengths):
            for cell in settings.cells:
                if cancelled():
                    result.seconds = time.perf_counter() - start
                    return result
                result.test_mse[cell][i, seed] = train_and_test(settings, cell, T, seed, cancelled)
                done += 1
                if progress is not None:
                    progress(done, settings.runs, result)
    result.complete = not cancelled()
    result.seconds = time.perf_counter() - start
    return result

"""Stepping over time: play at a chosen speed, and long runs (finish a phase, run an
iteration) in chunks of about 25 ms so the window never freezes, with progress."""

from __future__ import annotations

import time
from collections.abc import Generator

from PySide6 import QtCore

from ...session.stepper import Phase, Session
from ...session.training import Diverged, Trainable

CHUNK_SECONDS = 0.025
REDRAW_HZ = 60
MAX_SHARE = 0.25  # at most this share of a long run's time goes to redrawing and painting


class _Chunked(QtCore.QObject):
    """n units of work, a chunk per event-loop turn (`_chunk`, scheduled by `_timer`)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._left = self._total = 0
        self._last_end: float | None = None  # when the previous chunk returned to the event loop
        self._timer = QtCore.QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._chunk)

    @property
    def busy(self) -> bool:
        return self._left > 0

    def _begin(self, n: int) -> bool:
        if self.busy or n <= 0:
            return False
        self._left = self._total = n
        self._last_end = None
        return True

    def _budget(self) -> float:
        """Seconds this chunk may compute: CHUNK_SECONDS, or long enough that the time the
        window spent redrawing and painting since the last chunk returned is at most
        MAX_SHARE of the whole, whichever is longer, whatever the plots cost."""
        drawing = 0.0 if self._last_end is None else time.perf_counter() - self._last_end
        return max(CHUNK_SECONDS, drawing * (1 - MAX_SHARE) / MAX_SHARE)

    def _returned(self) -> None:
        """The chunk is done: the event loop (redraws, paints) has the time until the next."""
        self._last_end = time.perf_counter()

    def _chunk(self) -> None:
        raise NotImplementedError


class ChunkedRunner(_Chunked):
    """Takes n steps of the session in chunks, one per event-loop turn (see `_budget`)."""

    started = QtCore.Signal()
    progress = QtCore.Signal(int, int)  # done, total
    finished = QtCore.Signal()

    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self._seconds_per_step = 1e-4

    def start(self, n_steps: int) -> None:
        if self._begin(n_steps):
            self.started.emit()
            self._chunk()

    def cancel(self) -> None:
        """Stop after the current chunk; the session stays consistent (whole steps only)."""
        if self.busy:
            self._left = 0
            self._timer.stop()
            self.finished.emit()

    def _chunk(self) -> None:
        budget, start = self._budget(), time.perf_counter()
        n = max(1, min(self._left, int(budget / self._seconds_per_step)))
        self.session.advance(n)
        self._seconds_per_step = max((time.perf_counter() - start) / n, 1e-6)
        self._left -= n
        self.progress.emit(self._total - self._left, self._total)
        self._returned()
        if self._left > 0:
            self._timer.start()
        else:
            self.finished.emit()


class Player(QtCore.QObject):
    """Play: one step per tick at `steps_per_second`, several per tick above the redraw
    rate. Pauses by itself at the end of an iteration."""

    playing_changed = QtCore.Signal(bool)

    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.steps_per_second = 4.0
        self._timer = QtCore.QTimer(self)
        self._timer.timeout.connect(self._tick)

    @property
    def playing(self) -> bool:
        return self._timer.isActive()

    def set_speed(self, steps_per_second: float) -> None:
        self.steps_per_second = max(0.1, float(steps_per_second))
        if self.playing:
            self._timer.setInterval(self._interval_ms())

    def _interval_ms(self) -> int:
        return max(int(1000 / min(self.steps_per_second, REDRAW_HZ)), 1)

    def toggle(self) -> None:
        self.pause() if self.playing else self.play()

    def play(self) -> None:
        if self.playing:
            return
        self._timer.start(self._interval_ms())
        self.playing_changed.emit(True)

    def pause(self) -> None:
        if not self.playing:
            return
        self._timer.stop()
        self.playing_changed.emit(False)

    def _tick(self) -> None:
        per_tick = max(1, round(self.steps_per_second / REDRAW_HZ)) if self.steps_per_second > REDRAW_HZ else 1
        n = min(per_tick, self.session.steps_to("iteration"))
        self.session.advance(n)
        if self.session.phase is Phase.UPDATE:
            self.pause()


class TrainingRunner(_Chunked):
    """Trains in chunks of about CHUNK_SECONDS on the GUI thread, down to single timesteps
    of an iteration when one iteration is long: the window stays live, the plots follow at
    their own bounded rate, and Stop abandons an unfinished iteration (its update has not
    happened, so the model is as it was after the last one)."""

    progress = QtCore.Signal(int, int, float, float)  # done, total, iterations per second, seconds left
    finished = QtCore.Signal(str)  # "" when all iterations ran; else why it stopped

    def __init__(self, trainer: Trainable, parent=None):
        super().__init__(parent)
        self.trainer = trainer
        self._started = 0.0
        self._iteration: Generator[None, None, object] | None = None  # the iteration in progress

    def start(self, n_iterations: int) -> None:
        if self._begin(n_iterations):
            self._started = time.perf_counter()
            self._timer.start()

    def stop(self) -> None:
        if self.busy:
            done = self._total - self._left
            self._end(f"Stopped by you after {done} of {self._total} training iterations; the model is as it "
                      "was after the last update.")

    def _chunk(self) -> None:
        deadline = time.perf_counter() + self._budget()
        try:
            while self._left > 0 and time.perf_counter() < deadline:
                if self._iteration is None:
                    self._iteration = self.trainer.iteration_in_steps()
                try:
                    next(self._iteration)
                except StopIteration:
                    self._iteration = None
                    self._left -= 1
        except Diverged as error:
            self._end(str(error))
            return
        done = self._total - self._left
        elapsed = max(time.perf_counter() - self._started, 1e-9)
        rate = done / elapsed
        self.progress.emit(done, self._total, rate, self._left / rate if rate else 0.0)
        self._returned()
        if self._left > 0:
            self._timer.start()
        else:
            self._end("")

    def _end(self, message: str) -> None:
        self._left = 0
        self._iteration = None
        self._timer.stop()
        self.finished.emit(message)

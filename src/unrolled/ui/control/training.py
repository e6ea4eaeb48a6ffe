"""The main window's training: the trainer (whose curves outlive a Training panel rebuilt
for a new style) and the chunked runner that trains on the GUI thread. The window owns it;
its busy guard and Stop ask it; the Training panel is handed what it shows and what its
buttons call, and imports none of this."""

from __future__ import annotations

from PySide6 import QtCore

from ...session.stepper import Session
from ...session.training import Trainer
from .runner import TrainingRunner


class Training(QtCore.QObject):
    """progress: done, total, iterations per second, seconds left; finished: "" when every
    iteration ran, else why it stopped; forgotten: the curves were cleared (a new model)."""

    progress = QtCore.Signal(int, int, float, float)
    finished = QtCore.Signal(str)
    forgotten = QtCore.Signal()

    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.trainer = Trainer(session)
        self.runner = TrainingRunner(self.trainer, self)
        self.runner.progress.connect(self.progress)
        self.runner.finished.connect(self.finished)

    @property
    def busy(self) -> bool:
        return self.runner.busy

    def start(self, iterations: int) -> None:
        self.runner.start(iterations)

    def stop(self) -> None:
        """Stop after the current iteration (an unfinished one is abandoned: the model is as
        it was after the last update)."""
        self.runner.stop()

    def forget(self) -> None:
        """Another model: stop, and the curves of the old one go."""
        self.runner.stop()
        self.trainer.steps.clear()
        self.forgotten.emit()

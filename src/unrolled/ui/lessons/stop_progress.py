"""The progress of setting a stop up (or writing a handout): a modal dialog once the work
takes long, whose Cancel button or Esc stops it."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6 import QtCore, QtWidgets

SHOW_PROGRESS_AFTER = 0.3  # seconds of setting a stop up before a progress dialog appears


class StopProgress:
    """The progress callback for setting a stop up (session/lessons.py's Progress): after
    SHOW_PROGRESS_AFTER seconds a modal progress dialog appears, whose Cancel button or Esc
    stops the work.

    The work runs on the GUI thread, and each report processes the pending events. That is
    simpler than a worker thread and correct here: the stop is built off to the side, so
    nothing the window shows changes until the build has finished, the modal dialog keeps
    the user from starting anything else meanwhile, and a cancel is seen between two
    timesteps (reports come every 50 ms, see session/training.py), with no thread to stop,
    no copies of arrays to hand over and no signal arriving after the window moved on."""

    def __init__(self, parent: QtWidgets.QWidget, label: str, title: str = "Setting up the stop",
                 clock: Callable[[], float] = time.perf_counter):
        self.parent, self.label, self.title, self.clock = parent, label, title, clock
        self.started = clock()
        self.dialog: QtWidgets.QProgressDialog | None = None

    def __call__(self, done: int, total: int) -> bool:
        if self.dialog is None:
            if self.clock() - self.started < SHOW_PROGRESS_AFTER:
                return True
            self.dialog = self._open(total)
        self.dialog.setMaximum(max(1, total))  # a comparison is set up after the stop's own model
        self.dialog.setValue(min(done, total - 1))  # setValue(maximum) would close it before the end
        QtWidgets.QApplication.processEvents()
        return not self.dialog.wasCanceled()

    def _open(self, total: int) -> QtWidgets.QProgressDialog:
        dialog = QtWidgets.QProgressDialog(self.label, "Cancel", 0, max(1, total), self.parent)
        dialog.setObjectName("stop_progress")
        dialog.setWindowTitle(self.title)
        dialog.setMinimumWidth(420)  # the stop's title and the window title whole, under a window manager
        # every window waits, the comparison beside the stop too: nothing starts another stop meanwhile
        dialog.setWindowModality(QtCore.Qt.WindowModality.ApplicationModal)
        dialog.setMinimumDuration(0)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.show()
        dialog.activateWindow()  # Esc goes to it, not to the window's Esc (stop a run)
        return dialog

    def close(self) -> None:
        if self.dialog is not None:
            self.dialog.close()
            self.dialog.setParent(None)  # gone from the window's children now, not at the next event loop turn
            self.dialog.deleteLater()
            self.dialog = None
            # the dialog took the activation (for its Esc); the window takes it back, or no
            # window would be active and the remote's next PageDown would reach nothing
            self.parent.activateWindow()

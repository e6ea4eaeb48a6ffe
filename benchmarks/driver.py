"""What the window benchmarks share: a main window at a lecturer's size with the panels
they open, key presses delivered to whatever widget has the keyboard (as a user's keys
are), and waiting until the window is idle again, every plot updated and painted."""

from __future__ import annotations

import os
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6 import QtCore, QtTest, QtWidgets

from unrolled.process import set_up_process
from unrolled.session.config import Config
from unrolled.session.stepper import Session
from unrolled.ui.app import make_application
from unrolled.ui.window.main_window import MainWindow

Key = QtCore.Qt.Key
Modifier = QtCore.Qt.KeyboardModifier


def lstm(T: int, D: int, **changes) -> Config:
    return Config(task="toxic-word", cell="lstm", timesteps=T, n_features=16, n_hidden=D, **changes).resolved()


def open_window(config: Config, panels: bool) -> MainWindow:
    """The main window at 1600 x 1000; with panels, the Training and Theory panels open too."""
    set_up_process()  # as the app's main: one BLAS thread, large arrays returned
    make_application()
    window = MainWindow(Session(config))
    window.resize(1600, 1000)
    window.show()
    window.activateWindow()
    if panels:
        window.docks.show_training()
        window.theory_dock.show()
    settle(window)
    if panels:  # the theory's first computation, before anything is measured
        deadline = time.perf_counter() + 120
        while window.theory_panel.result is None and time.perf_counter() < deadline:
            QtWidgets.QApplication.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 10)
        settle(window)  # and painted
    return window


def busy(window: MainWindow) -> bool:
    return window.runner.busy or window.redraws.pending or window.training.busy


def settle(window: MainWindow) -> None:
    """Run the event loop until nothing is left to do: runs finished, views redrawn, painted."""
    app = QtWidgets.QApplication.instance()
    while busy(window):
        app.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 5)
    app.processEvents()
    app.processEvents()


def started(window: MainWindow, timeout: float = 10.0) -> None:
    """Run the event loop until the window's training run has begun: T, one letter, acts
    after the wait for a word being typed (`settle` alone would return before it)."""
    app = QtWidgets.QApplication.instance()
    deadline = time.perf_counter() + timeout
    while not window.training.busy:
        if time.perf_counter() > deadline:
            raise RuntimeError("the T key started no training run")
        app.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 5)


def press(window: MainWindow, key: Key, modifier: Modifier = Modifier.NoModifier) -> None:
    """A key press as the user makes it: to the widget that has the keyboard."""
    target = QtWidgets.QApplication.focusWidget() or window
    QtTest.QTest.keyClick(target, key, modifier)


def close(window: MainWindow) -> None:
    window.close()
    window.deleteLater()
    QtWidgets.QApplication.processEvents()

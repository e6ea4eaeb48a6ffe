"""Creating the QApplication and the main window; the error dialog for mistakes in slots."""

from __future__ import annotations

import sys
import traceback
from typing import TYPE_CHECKING

from PySide6 import QtCore, QtWidgets

from ..session.stepper import Session
from . import theme
from .window.main_window import MainWindow

if TYPE_CHECKING:  # a lesson's type only: the first window does not read one
    from ..session.lessons import Lesson


def install_excepthook() -> None:
    """An exception in a slot shows an error dialog and the app keeps running: a mistake
    must not end a lecture."""

    # one dialog at a time: a fault that repeats every frame must not stack them
    showing: list[QtWidgets.QMessageBox] = []

    def hook(kind, value, tb):
        details = "".join(traceback.format_exception(kind, value, tb))
        sys.stderr.write(details)
        app = QtWidgets.QApplication.instance()
        if app is None or showing:
            return
        box = QtWidgets.QMessageBox(QtWidgets.QMessageBox.Icon.Critical, "unrolled: something went wrong",
                                    f"{kind.__name__}: {value}\n\nThe app keeps running; what you set is kept.")
        box.setDetailedText(details)
        showing.append(box)
        try:
            box.exec()
        finally:
            showing.clear()

    sys.excepthook = hook


NOISE = ("This plugin does not support propagateSizeHints",)  # the offscreen platform, harmless


def quiet_qt_noise() -> None:
    """Qt's messages on stderr, less the offscreen platform's harmless complaint that a
    headless export would otherwise print several times (command line only: the tests
    keep pytest-qt's own handler)."""
    def handler(kind, context, message: str) -> None:
        if not message.startswith(NOISE):
            sys.stderr.write(message + "\n")

    QtCore.qInstallMessageHandler(handler)


def make_application() -> QtWidgets.QApplication:
    app = QtWidgets.QApplication.instance()
    if app is None:
        QtCore.QCoreApplication.setApplicationName("unrolled")
        QtCore.QCoreApplication.setOrganizationName("unrolled")
        app = QtWidgets.QApplication(sys.argv[:1])
    # instance() is typed as the QCoreApplication it may be; widgets need a QApplication
    assert isinstance(app, QtWidgets.QApplication)
    theme.configure_pyqtgraph()
    return app


def save_screenshot(window: MainWindow, path: str, size=(1600, 1000)) -> None:
    from .export.writers import write_png  # the export stack waits for its first use

    window.resize(*size)
    window.show()
    QtWidgets.QApplication.processEvents()
    window.redraw()
    QtWidgets.QApplication.processEvents()
    write_png(path, window.grab())  # whole or not at all; ExportError names the file and the reason


def main(session: Session, screenshot: str | None = None, compare_changes: dict | None = None,
         lesson: Lesson | None = None) -> int:
    quiet_qt_noise()
    app = make_application()
    window = MainWindow(session, compare_changes=compare_changes)
    if lesson is not None:
        window.lessons.start(lesson)
    if screenshot:
        save_screenshot(window, screenshot)
        window.close()
        return 0
    install_excepthook()
    window.show_on_screen()
    return app.exec()

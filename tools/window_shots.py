"""Screenshots of the window as a projector shows it: 1366 x 768 with every side panel
open, in normal and in presentation mode (F5), mid-way through the backward pass.

    QT_QPA_PLATFORM=offscreen python tools/window_shots.py [--preset NAME] [--out DIR]

Writes DIR/window-1366x768.png and DIR/window-1366x768-presentation.png (default: assets).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from PySide6 import QtCore, QtWidgets

from unrolled.session.presets import get_preset
from unrolled.session.stepper import Session
from unrolled.ui.app import make_application
from unrolled.ui.main_window import MainWindow

SIZE = (1366, 768)


def settle(window: MainWindow) -> None:
    app = QtWidgets.QApplication.instance()
    for _ in range(50):
        app.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 20)
    while window.runner.busy or window.redraws.pending:
        app.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 20)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--preset", default="lstm-long-memory")
    parser.add_argument("--out", default="assets")
    args = parser.parse_args()
    make_application()
    session = Session(get_preset(args.preset).config)
    window = MainWindow(session)
    window.resize(*SIZE)
    window.show()
    for toggle in window.docks.toggles:  # Model, Training, Theory, Step inspector, Itemized
        if not toggle.isChecked():
            toggle.trigger()
    session_steps = session.steps_per_iteration
    window.session.advance(session.T + 1 + session_steps // 4)  # into the backward pass
    settle(window)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(out / "window-1366x768.png"))
    window.act_presentation.trigger()
    window.resize(*SIZE)
    settle(window)
    window.grab().save(str(out / "window-1366x768-presentation.png"))
    window.close()


if __name__ == "__main__":
    main()

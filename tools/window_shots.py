"""Screenshots of the window as a projector shows it: 1366 x 768 with every side panel
open, in normal and in presentation mode (F5), mid-way through the backward pass; and a
lesson's stop in presentation mode, the window the screen's height less a title bar.

    QT_QPA_PLATFORM=offscreen python tools/window_shots.py [--preset NAME] [--out DIR]
    QT_QPA_PLATFORM=offscreen python tools/window_shots.py --lesson rnn-part-2 --stop 9 [--out DIR]

Writes DIR/window-1366x768.png and DIR/window-1366x768-presentation.png, or for a lesson
DIR/lesson.png (default DIR: assets).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from PySide6 import QtCore, QtWidgets

from unrolled.session.lessons import get_lesson
from unrolled.session.presets import get_preset
from unrolled.session.stepper import Session
from unrolled.ui.app import make_application
from unrolled.ui.window.main_window import MainWindow

SIZE = (1366, 768)
TITLE_BAR_PX = 30  # a window manager's title bar above a maximised window


def settle(window: MainWindow) -> None:
    app = QtWidgets.QApplication.instance()
    for _ in range(50):
        app.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 20)
    # F5 paints again once its views have settled (a timer); a run and a redraw finish
    while window.runner.busy or window.redraws.pending or not window.updatesEnabled():
        app.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 20)
        QtCore.QThread.msleep(10)


def panels_shots(preset: str, out: Path) -> None:
    session = Session(get_preset(preset).config)
    window = MainWindow(session)
    window.resize(*SIZE)
    window.show()
    for toggle in window.docks.toggles:  # Model, Training, Theory, Step inspector, Itemized
        if not toggle.isChecked():
            toggle.trigger()
    session_steps = session.steps_per_iteration
    window.session.advance(session.T + 1 + session_steps // 4)  # into the backward pass
    settle(window)
    window.grab().save(str(out / "window-1366x768.png"))
    window.act_presentation.trigger()
    window.resize(*SIZE)
    settle(window)
    window.grab().save(str(out / "window-1366x768-presentation.png"))
    window.close()


def lesson_shot(name: str, number: int, out: Path) -> None:
    """The stop at its end, in presentation mode, on a 1366 x 768 projector."""
    window = MainWindow(Session())
    window.show()
    window.act_presentation.trigger()
    settle(window)
    window.resize(SIZE[0], SIZE[1] - TITLE_BAR_PX)
    window.lessons.start(get_lesson(name))
    window.lessons.go_to(number - 1, end=True)
    settle(window)
    window.grab().save(str(out / "lesson.png"))
    window.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--preset", default="lstm-long-memory")
    parser.add_argument("--lesson", help="a lesson's stop instead of the panels")
    parser.add_argument("--stop", type=int, default=9, help="the stop's number, from 1")
    parser.add_argument("--out", default="assets")
    args = parser.parse_args()
    make_application()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if args.lesson:
        lesson_shot(args.lesson, args.stop, out)
    else:
        panels_shots(args.preset, out)


if __name__ == "__main__":
    main()

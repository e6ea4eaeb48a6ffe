"""Lesson mode: the main window runs a lesson (session/lessons.py) stop by stop.

Going to a stop builds its session off to the side (model, training, steps) and the window
adopts it with one event; then the stop's panels open, the others close, its plot is framed
and its comparison opens. A presenter remote alone runs the lesson: while a lesson is on,
PageDown and PageUp belong to the lesson (they are taken from Step and Step back, and given
back when the lesson ends). PageDown steps until the stop's `until` place, then goes to the
next stop; PageUp steps back to the stop's place, then goes to the previous stop at its end.
Right and Left still step, Esc stops, F5 is presentation mode: everything else stays usable,
and Return to stop rebuilds the stop as it was.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6 import QtCore, QtGui, QtWidgets

from ..session.lessons import (
    Lesson,
    LessonError,
    build_comparison,
    build_stop_trained,
    get_lesson,
    lesson_names,
    session_clock,
)
from .actions import make_action
from .lesson_pane import HighlightFrame, LessonPane
from .plot_area import framed_data_px

if TYPE_CHECKING:
    from .main_window import MainWindow

# the gradient panel around its data (its choice of curves, title, legend, t axis and
# margins), in lines of the window's font: the lesson text leaves it that room
GRADIENT_CHROME_LINES = 10
# the transport command whose presenter-remote key the lesson takes while it runs
REMOTE_KEYS = {"step": "PgDown", "step_back": "PgUp"}


class LessonMode(QtCore.QObject):
    def __init__(self, window: MainWindow):
        super().__init__(window)
        self.window = window
        self.lesson: Lesson | None = None
        self.index = 0
        self.last_build_seconds = 0.0  # how long the latest stop took to set up
        self._opened_compare = False

        # always enabled (each does nothing without a lesson), so the shortcut list (F1) has them
        def a(text, keys, slot, tip):
            return make_action(window, text, keys, slot, tip)

        self.act_next = a("Next stop", "Ctrl+PgDown", self.next_stop, "Go to the next stop of the lesson")
        self.act_previous = a("Previous stop", "Ctrl+PgUp", self.previous_stop, "Go to the previous stop of the lesson")
        self.act_return = a("Return to stop", "Ctrl+Home", self.return_to_stop,
                            "Set the stop up again as it was (after changing rho, say)")
        self.act_end = a("End lesson", None, self.end, "Close the lesson pane; the model stays as it is")
        self.act_page_down = a("Lesson: step, or the next stop", None, self.page_down,
                               "Step; at the end of the stop, go to the next stop (PageDown on a presenter remote)")
        self.act_page_up = a("Lesson: step back, or the previous stop", None, self.page_up,
                             "Step back; at the start of the stop, go to the previous stop (PageUp)")
        self.act_handout = make_action(window, "Write handout (PDF and PNG)...", None, self.write_handout,
                                       "A PDF of the lesson, a title page and one page per stop, and a PNG per stop")
        self.act_open = make_action(window, "Open lesson file...", None, self.open_file,
                                    "Run a lesson from a JSON file (the format is in the README)")
        self.pane = LessonPane(self.act_previous, self.act_next, self.act_return, self.act_end)
        self.dock = QtWidgets.QDockWidget("Lesson", window)
        self.dock.setObjectName("lesson")
        self.dock.setWidget(self.pane)
        self.dock.setFeatures(QtWidgets.QDockWidget.DockWidgetFeature.NoDockWidgetFeatures)
        self.dock.setTitleBarWidget(QtWidgets.QWidget())  # no "Lesson" title: its line goes to the plots
        window.addDockWidget(QtCore.Qt.DockWidgetArea.TopDockWidgetArea, self.dock)
        self.dock.hide()
        self.pane.text_room = self._text_room
        window.installEventFilter(self)  # a new window height: a new room for the text
        window.centralWidget().installEventFilter(self)  # and once the docks around it have settled
        self._fit = QtCore.QTimer(self)  # once the window's layout has its new size
        self._fit.setSingleShot(True)
        self._fit.setInterval(0)
        self._fit.timeout.connect(self.pane.fit_height)
        self.frame = HighlightFrame()
        self.frame.attached.connect(self._on_frame_attached)
        self.menu = self._build_menu()
        self._remote_keys: dict[str, list[QtGui.QKeySequence]] = {}

    def _build_menu(self) -> QtWidgets.QMenu:
        menu = QtWidgets.QMenu("&Lessons", self.window)
        for name in lesson_names():
            action = menu.addAction(name)
            action.setToolTip(f"Run the lesson {name}")
            action.triggered.connect(lambda _=False, n=name: self.start_named(n))
        menu.addAction(self.act_open)
        menu.addSeparator()
        menu.addActions([self.act_next, self.act_previous, self.act_return, self.act_end, self.pane.act_fold])
        menu.addSeparator()
        menu.addAction(self.act_handout)
        return menu

    @property
    def active(self) -> bool:
        return self.lesson is not None

    @property
    def stop(self):
        assert self.lesson is not None
        return self.lesson.stops[self.index]

    # -- starting and ending ------------------------------------------------------------
    def start_named(self, name: str) -> None:
        try:
            lesson = get_lesson(name)
        except LessonError as error:
            QtWidgets.QMessageBox.warning(self.window, "Cannot open the lesson", str(error))
            return
        self.start(lesson)

    def open_file(self) -> None:
        path, _ = QtWidgets.QFileDialog.getOpenFileName(self.window, "Open a lesson", "", "Lessons (*.json)")
        if path:
            self.start_named(path)

    def start(self, lesson: Lesson, index: int = 0) -> None:
        self.lesson = lesson
        self._take_remote_keys()
        self.dock.show()
        self.go_to(index)

    def end(self) -> None:
        if not self.active:
            return
        self.lesson = None
        self._give_back_remote_keys()
        self.frame.attach(None)
        self.dock.hide()
        self.window.plots.focus_home()

    def _take_remote_keys(self) -> None:
        if self._remote_keys:
            return
        for name, key in REMOTE_KEYS.items():
            action = self.window.transport.actions[name]
            self._remote_keys[name] = action.shortcuts()
            action.setShortcuts([k for k in action.shortcuts() if k.toString() != key])
        self.act_page_down.setShortcut(QtGui.QKeySequence(REMOTE_KEYS["step"]))
        self.act_page_up.setShortcut(QtGui.QKeySequence(REMOTE_KEYS["step_back"]))

    def _give_back_remote_keys(self) -> None:
        self.act_page_down.setShortcuts([])
        self.act_page_up.setShortcuts([])
        for name, keys in self._remote_keys.items():
            self.window.transport.actions[name].setShortcuts(keys)
        self._remote_keys = {}

    # -- moving ---------------------------------------------------------------------------
    def go_to(self, index: int, end: bool = False) -> None:
        """Set stop `index` up: at its place, or with end at its `until`."""
        assert self.lesson is not None
        stop = self.lesson.stops[index]
        window = self.window
        window.transport.stop()
        started = time.perf_counter()
        try:
            built, trained = build_stop_trained(stop, end, self.lesson.name)
        except (LessonError, ValueError, MemoryError) as error:
            QtWidgets.QMessageBox.warning(window, "Cannot set up the stop", str(error))
            return
        self.index = index
        window.compare_changes = stop.compare
        window.session.adopt(built)  # the Training panel forgets the old model's curves...
        window.docks.training_panel.show_steps(trained)  # ...and draws this stop's training run
        self._show_panels(stop.panels)
        self._highlight(stop.highlight)
        self._compare(end)
        self.pane.show_stop(self.lesson, stop)
        window.plots.focus_home()
        self.last_build_seconds = time.perf_counter() - started

    def next_stop(self) -> None:
        if self.active and self.index + 1 < len(self.lesson.stops):  # type: ignore[union-attr]
            self.go_to(self.index + 1)

    def previous_stop(self, end: bool = False) -> None:
        if self.active and self.index > 0:
            self.go_to(self.index - 1, end)

    def return_to_stop(self) -> None:
        if self.active:
            self.go_to(self.index)

    def page_down(self) -> None:
        """Step within the stop; at its end, the next stop."""
        transport = self.window.transport
        if not self.active or transport.busy:
            return
        if session_clock(self.window.session) < self.stop.clock(end=True):
            transport.step()
        else:
            self.next_stop()

    def page_up(self) -> None:
        """Step back within the stop; at its place, the previous stop, shown at its end."""
        transport = self.window.transport
        if not self.active or transport.busy:
            return
        session = self.window.session
        if session_clock(session) > self.stop.clock() and session.can_step_back:
            transport.step_back()
        else:
            self.previous_stop(end=True)

    # -- what a stop opens ------------------------------------------------------------------
    def _show_panels(self, panels: tuple[str, ...]) -> None:
        docks = self.window.docks
        presenting = self.window.act_presentation.isChecked()  # the model panel stays hidden then
        docks.model.setVisible("model" in panels and not presenting)
        if "training" in panels:
            docks.show_training()
        else:
            docks.training.hide()
        docks.theory.setVisible("theory" in panels)

    def _highlight(self, name: str | None) -> None:
        if name is None:
            self.frame.attach(None)
            return
        self.window.panel_actions[name].setChecked(True)
        self.window.plots.frame(name)  # it takes the area, the others give way
        self.frame.attach(self.window.plots.slots[name])

    def eventFilter(self, watched: QtCore.QObject, event: QtCore.QEvent) -> bool:
        if event.type() == QtCore.QEvent.Type.Resize and self.active:
            self._fit.start()
        return False

    def _text_room(self) -> int:
        """The most height the lesson text may take while a framed gradient plot (the
        tallest of the views a stop frames: a title, a legend above the data, the t axis
        below) keeps PLOT_SHARE of the window's height and the title bar's for its data,
        under the diagram's folded strip: the same for every stop, so the plots never jump."""
        window = self.window
        line = QtGui.QFontMetrics(window.font()).height()
        others = window.height() - window.centralWidget().height() - self.pane.text_area.height()
        strip = window.diagram.folded_height()
        return int(window.height() - others - strip - GRADIENT_CHROME_LINES * line - framed_data_px(window.height()))

    def _on_frame_attached(self, target: QtWidgets.QWidget | None) -> None:
        """The frame leaves its plot (the lesson ended): the dashboard's layout comes back."""
        if target is None:
            self.window.plots.frame(None)

    def _compare(self, end: bool) -> None:
        """The stop's comparison in front of the window, below the lesson text across the
        window's width (the stop is about it), whole on the screen; the remote's keys in it
        drive the lesson (and F5 and F11 the window)."""
        window, stop = self.window, self.stop
        if stop.compare is None:
            if self._opened_compare and window.compare_window is not None:
                window.compare_window.close()
                window.activateWindow()
            self._opened_compare = False
            return
        top = window.plots.mapToGlobal(QtCore.QPoint(0, 0)).y()
        frame = window.frameGeometry()
        window.open_compare(over=QtCore.QRect(frame.left(), top, frame.width(), frame.bottom() + 1 - top))
        compare = window.compare_window
        if compare is None:  # open_compare said why
            return
        self._opened_compare = True
        _, note = build_comparison(stop, end, compare.comparison)
        compare.status.showMessage(note or f"Stop {stop.number}: {stop.title}")
        for name, key in REMOTE_KEYS.items():  # PageDown and PageUp go on through the lesson
            action = compare.transport.actions[name]
            action.setShortcuts([k for k in action.shortcuts() if k.toString() != key])
        compare.addActions([self.act_page_down, self.act_page_up, self.act_next, self.act_previous,
                            self.act_return, self.pane.act_fold, window.act_presentation, window.act_full_screen])
        compare.activateWindow()  # its T trains the comparison, as the stop's text says

    # -- the handout ------------------------------------------------------------------------
    def write_handout(self) -> None:
        if self.lesson is None:
            self.window.status.showMessage("Start a lesson first: the handout is the lesson's", 5000)
            return
        folder = QtWidgets.QFileDialog.getExistingDirectory(self.window, "Write the handout into")
        if folder:
            self.write_handout_to(folder)

    def write_handout_to(self, folder: str | Path) -> list[Path]:
        from .export import ExportError
        from .handout import write_handout

        assert self.lesson is not None
        QtWidgets.QApplication.setOverrideCursor(QtCore.Qt.CursorShape.WaitCursor)
        try:
            written = write_handout(self.lesson, folder, ("pdf", "png"))
        except (ExportError, LessonError) as error:
            QtWidgets.QMessageBox.warning(self.window, "Cannot write the handout", str(error))
            return []
        finally:
            QtWidgets.QApplication.restoreOverrideCursor()
        self.window.status.showMessage(f"Wrote {written[0]} and {len(written) - 1} PNGs", 10000)
        return written

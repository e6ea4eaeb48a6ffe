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

import contextlib
import time
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6 import QtCore, QtGui, QtWidgets

from ...session.compare import Comparison
from ...session.config import ConfigError
from ...session.events import Change
from ...session.lessons import (
    Lesson,
    LessonError,
    build_comparison,
    build_stop_trained,
    get_lesson,
    lesson_names,
    session_clock,
    stop_clock,
    with_sentence,
)
from ...session.training import Cancelled
from ..control.actions import make_action
from ..window.plot_area import TITLE_BAR_PX
from .lesson_pane import HighlightFrame, LessonPane, text_html

if TYPE_CHECKING:
    from ..window.main_window import MainWindow
    from ..windows.compare_window import CompareWindow

# the lesson text leaves a framed gradient plot's data this share of the screen's height,
# and a few pixels more (a row of the layout rounded the other way)
TEXT_LEAVES_SHARE = 0.35
TEXT_ROOM_MARGIN = 4
# the transport command whose presenter-remote key the lesson takes while it runs
REMOTE_KEYS = {"step": "PgDown", "step_back": "PgUp"}
SHOW_PROGRESS_AFTER = 0.3  # seconds of setting a stop up before a progress dialog appears


def take_comparison(shown: Comparison, built: Comparison, note: str) -> str:
    """The comparison a window shows becomes `built` (the same model and changes, set up off
    to the side), its observers kept; returns note."""
    shown.a.adopt(built.a)
    shown.b.adopt(built.b)
    shown.changed.emit(Change.ALL)
    return note


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

    def __init__(self, parent: QtWidgets.QWidget, label: str, title: str = "Setting up the stop"):
        self.parent, self.label, self.title = parent, label, title
        self.started = time.perf_counter()
        self.dialog: QtWidgets.QProgressDialog | None = None

    def __call__(self, done: int, total: int) -> bool:
        if self.dialog is None:
            if time.perf_counter() - self.started < SHOW_PROGRESS_AFTER:
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


class LessonMode(QtCore.QObject):
    def __init__(self, window: MainWindow):
        super().__init__(window)
        self.window = window
        self.lesson: Lesson | None = None
        self.index = 0
        self.last_build_seconds = 0.0  # how long the latest stop took to set up
        self.left_for: str | None = None  # what replaced the stop's model (a preset, a file), while it shows
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
        for commands in (window.presets, window.files):  # a model the lesson did not choose
            commands.model_replaced.append(self.leave_stop)

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

    def start(self, lesson: Lesson, index: int = 0) -> bool:
        """Run `lesson` from stop `index`; False (the window as it was, with the lesson it
        ran before, if any) when that stop cannot be set up or its set-up is cancelled."""
        return self.go_to(index, lesson=lesson)

    def end(self) -> None:
        if not self.active:
            return
        self.lesson = None
        self._give_back_remote_keys()
        self.frame.attach(None)
        self.dock.hide()
        self._central_margins(lesson=False)
        self.window.plots.focus_home()

    def _central_margins(self, lesson: bool) -> None:
        """In a lesson the plots reach up to the lesson pane and down to the status bar (the
        highlight frame is their border): the 4 px above and below go to the lesson text."""
        layout = self.window.centralWidget().layout()
        assert layout is not None
        margins = layout.contentsMargins()
        layout.setContentsMargins(margins.left(), 0 if lesson else margins.left(), margins.right(),
                                  0 if lesson else margins.right())

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
    def go_to(self, index: int, end: bool = False, lesson: Lesson | None = None, sentence: str = "") -> bool:
        """Set stop `index` of the lesson (or of a new `lesson`) up: at its place, or with
        end at its `until`; sentence: one typed into the sample field, which a stop on the
        same model keeps (see `next_stop`). Its session (and comparison) are built off to the
        side, with a progress dialog when that takes long; if it fails or is cancelled the
        window keeps what it showed, and False says so."""
        lesson = lesson or self.lesson
        assert lesson is not None
        stop = lesson.stops[index]
        if sentence and stop.same_model:
            with contextlib.suppress(ConfigError, ValueError):  # else the file's own sample
                stop = with_sentence(stop, sentence)
        window = self.window
        window.transport.stop()
        started = time.perf_counter()
        progress = StopProgress(window, f"Setting up stop {stop.number}: {stop.title}...")
        try:
            built, trained = build_stop_trained(stop, end, lesson.name, progress)
            comparison = build_comparison(stop, end, progress=progress) if stop.compare is not None else None
        except Cancelled:  # nothing was adopted: the window is at the previous stop as it was
            window.status.showMessage(f"Stop {stop.number} not set up (cancelled)", 5000)
            return False
        except (LessonError, ValueError, MemoryError) as error:
            QtWidgets.QMessageBox.warning(window, "Cannot set up the stop", str(error))
            return False
        finally:
            progress.close()
        if lesson is not self.lesson:
            self.lesson = lesson
            self._take_remote_keys()
            self.dock.show()
            self._central_margins(lesson=True)
        self.index = index
        self.left_for = None
        window.compare_changes = stop.compare
        window.session.adopt(built)  # the Training panel forgets the old model's curves...
        window.docks.training_panel.show_steps(trained)  # ...and draws this stop's training run
        self._show_panels(stop.panels)
        self._highlight(stop.highlight)
        self.pane.show_stop(lesson, stop, at_end=end)
        self._compare(comparison)  # below the pane as tall as this lesson's text makes it
        window.plots.focus_home()
        self.last_build_seconds = time.perf_counter() - started
        return True

    def next_stop(self) -> None:
        """The next stop; when its model is the "same" as this stop's, a sentence the class
        typed into the sample field here stays, and the stop is measured on it (Return to
        stop and going back set a stop up as the lesson file has it)."""
        if self.active and self.index + 1 < len(self.lesson.stops):  # type: ignore[union-attr]
            self.go_to(self.index + 1, sentence=self._typed_sentence())

    def _typed_sentence(self) -> str:
        """The sentence in the sample field, when it is not the stop's own; else ""."""
        if self.left_for is not None:
            return ""
        typed = self.window.session.config.input
        return typed if typed != self.stop.config.input else ""

    def leave_stop(self, what: str) -> None:
        """The window now shows a model the lesson did not choose (`what`: "the preset
        exploding-rnn", say), opened to answer a question: the stop's frame goes and its
        text says so. The lesson stays where it was: PageDown, PageUp or Return to stop set
        the stop up again, so the presenter remote alone takes the lecture back."""
        if not self.active:
            return
        self.left_for = what
        self.frame.attach(None)
        if self._opened_compare and self.window.compare_window is not None:
            self.window.compare_window.close()
        self._opened_compare = False
        self.pane.text.setText(text_html(
            f"*You opened {what}: this stop's text is not about the model on screen.* "
            "PageDown, PageUp or Return to stop (Ctrl+Home) sets the stop up again."))

    def previous_stop(self, end: bool = False) -> None:
        if self.active and self.index > 0:
            self.go_to(self.index - 1, end)

    def return_to_stop(self) -> None:
        if self.active:
            self.go_to(self.index)

    def page_down(self) -> None:
        """First the stop's text hidden below the lines shown, a page at a time (a remote
        cannot scroll, and the text is what the lecturer says here); then step within the
        stop, up to its `until` place at the session's T (a typed sentence changes it); at
        its end, the next stop."""
        transport = self.window.transport
        if not self.active or transport.busy:
            return
        if self.left_for is not None:
            self.return_to_stop()
        elif self.pane.scroll_down():
            pass
        elif session_clock(self.window.session) < stop_clock(self.stop, self.window.session, end=True):
            transport.step()
        else:
            self.next_stop()

    def page_up(self) -> None:
        """PageDown undone: step back within the stop; at its place, the text back up a page
        at a time; at its start, the previous stop, shown at its end (its text's end too)."""
        transport = self.window.transport
        if not self.active or transport.busy:
            return
        session = self.window.session
        if self.left_for is not None:
            self.return_to_stop()
        elif session_clock(session) > stop_clock(self.stop, session) and session.can_step_back:
            transport.step_back()
        elif self.pane.scroll_up():
            pass
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
        elif event.type() == QtCore.QEvent.Type.WindowActivate and watched is self.window:
            compare = self._stop_comparison()
            if compare is not None:  # a click on the window keeps the stop's comparison in front
                compare.raise_()
        return False

    def _stop_comparison(self) -> CompareWindow | None:
        """The comparison this stop opened, while it is on screen."""
        compare = self.window.compare_window
        if self.active and self._opened_compare and compare is not None and compare.isVisible():
            return compare
        return None

    def train_comparison(self) -> bool:
        """T (or Train) in the window at a stop whose comparison is open trains the
        comparison, as the stop's text says ("press T there"): A and B on the same batches,
        not the window's model alone. False when there is no such comparison."""
        compare = self._stop_comparison()
        if compare is None:
            return False
        compare.raise_()
        compare.activateWindow()
        compare.train()
        self.window.status.showMessage("Train went to the stop's comparison in front (A and B); "
                                       "close it to train this window's model", 8000)
        return True

    def _text_room(self) -> int:
        """The most height the lesson text may take: every pixel a framed gradient plot (the
        tallest of the views a stop frames: a title, a legend above the data, the t axis
        below) does not need to keep TEXT_LEAVES_SHARE of the screen's height (the window's
        and a title bar's) for its data, with its real chrome measured (the diagram's strip,
        "Show:" when a stop of the lesson frames a many-to-many model's gradients, title,
        legend, axis): the same for every stop of the lesson, so the plots never jump."""
        window = self.window
        central = window.centralWidget()
        layout = central.layout()
        assert layout is not None
        margins = layout.contentsMargins()
        banner = window.status.banner.height() if window.status.banner.isVisible() else 0
        show_row = self.lesson is not None and any(
            stop.highlight == "gradients" and stop.config.mode == "many-to-many" for stop in self.lesson.stops)
        plots = central.height() - margins.top() - margins.bottom() - banner
        keep = TEXT_LEAVES_SHARE * (window.height() + TITLE_BAR_PX) + TEXT_ROOM_MARGIN
        return int(self.pane.text_area.height() - 2 + plots - window.plots.framed_gradient_chrome(show_row) - keep)

    def _on_frame_attached(self, target: QtWidgets.QWidget | None) -> None:
        """The frame leaves its plot (the lesson ended): the dashboard's layout comes back."""
        if target is None:
            self.window.plots.frame(None)

    def _compare(self, built: tuple[Comparison, str] | None) -> None:
        """The stop's comparison in front of the window, below the lesson text across the
        window's width (the stop is about it), whole on the screen; the remote's keys in it
        drive the lesson (and F5 and F11 the window). built: the stop's comparison as go_to
        set it up, and its note (None: no comparison)."""
        window, stop = self.window, self.stop
        if stop.compare is None:
            if self._opened_compare and window.compare_window is not None:
                window.compare_window.close()
                window.activateWindow()
            self._opened_compare = False
            return
        # the pane's height for this window and the plots' place below it, laid out now (the
        # layouts' requests are posted, and the pane's room follows the plots' height)
        for _ in range(3):
            QtCore.QCoreApplication.sendPostedEvents(None, QtCore.QEvent.Type.LayoutRequest)
            self.pane.fit_height()
        top = window.plots.mapToGlobal(QtCore.QPoint(0, 0)).y()
        frame = window.frameGeometry()
        window.open_compare(over=QtCore.QRect(frame.left(), top, frame.width(), frame.bottom() + 1 - top))
        compare = window.compare_window
        if compare is None:  # open_compare said why
            return
        self._opened_compare = True
        note = take_comparison(compare.comparison, *built) if built else ""
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
        from ..export.handout import write_handout
        from ..export.writers import ExportError

        assert self.lesson is not None
        progress = StopProgress(self.window, f"Writing the handout of {self.lesson.title}...", "Writing the handout")

        stops, pages = len(self.lesson.stops), [0]
        share = 100  # a stop's part of the bar, so that its own work moves it too

        def each_stop(done: int, total: int) -> None:  # a stop's page is written: the dialog's turn
            pages[0] = done
            if not progress(done * share, total * share):
                raise Cancelled

        def within_stop(done: int, total: int) -> bool:  # a stop's training and steps, or its demonstration
            return progress(pages[0] * share + min(share * done // max(total, 1), share - 1), stops * share)

        QtWidgets.QApplication.setOverrideCursor(QtCore.Qt.CursorShape.WaitCursor)
        try:
            written = write_handout(self.lesson, folder, ("pdf", "png"), progress=each_stop, work=within_stop)
        except Cancelled:  # the PDF, written under a temporary name, is removed; finished PNGs stay whole
            self.window.status.showMessage("Handout cancelled: the PDF was not written", 8000)
            return []
        except (ExportError, LessonError) as error:
            QtWidgets.QMessageBox.warning(self.window, "Cannot write the handout", str(error))
            return []
        finally:
            QtWidgets.QApplication.restoreOverrideCursor()
            progress.close()
        self.window.status.showMessage(f"Wrote {written[0]} and {len(written) - 1} PNGs", 10000)
        return written

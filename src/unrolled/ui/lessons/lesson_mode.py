"""Lesson mode: the main window runs a lesson (session/lessons.py) stop by stop.

Going to a stop builds its session off to the side (model, training, steps) and the window
adopts it with one event; then the stop's panels open, the others close, its plot is framed
and its comparison opens (stage.py, stop_comparison.py). A presenter remote alone runs the
lesson: while a lesson is on, PageDown and PageUp belong to the lesson (remote_keys.py).
PageDown steps until the stop's `until` place, then goes to the next stop; PageUp steps back
to the stop's place, then goes to the previous stop at its end. Right and Left still step,
Esc stops, F5 is presentation mode: everything else stays usable, and Return to stop
rebuilds the stop as it was. The window is reached only through `LessonHost` (host.py).
"""

from __future__ import annotations

import contextlib
import time
from pathlib import Path

from PySide6 import QtCore, QtWidgets

from ...session.compare import Comparison
from ...session.config import ConfigError
from ...session.lessons import (
    Lesson,
    LessonError,
    Stop,
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
from . import stage
from .handout_writing import write_handout_to
from .host import LessonHost, StopComparison
from .lesson_pane import HighlightFrame, LessonPane, text_html
from .remote_keys import RemoteKeys
from .stop_comparison import open_over_plots
from .stop_progress import StopProgress


class LessonMode(QtCore.QObject):
    def __init__(self, host: LessonHost):
        window = host.window()
        super().__init__(window)
        self.host = host
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
        self.act_handout = a("Write handout (PDF and PNG)...", None, self.write_handout,
                             "A PDF of the lesson, a title page and one page per stop, and a PNG per stop")
        self.act_open = a("Open lesson file...", None, self.open_file,
                          "Run a lesson from a JSON file (the format is in the README)")
        self.pane = LessonPane(self.act_previous, self.act_next, self.act_return, self.act_end)
        self.dock = QtWidgets.QDockWidget("Lesson", window)
        self.dock.setObjectName("lesson")
        self.dock.setWidget(self.pane)
        self.dock.setFeatures(QtWidgets.QDockWidget.DockWidgetFeature.NoDockWidgetFeatures)
        self.dock.setTitleBarWidget(QtWidgets.QWidget())  # no "Lesson" title: its line goes to the plots
        host.addDockWidget(QtCore.Qt.DockWidgetArea.TopDockWidgetArea, self.dock)
        self.dock.hide()
        self.pane.text_room = self._text_room
        window.installEventFilter(self)  # a new window height: a new room for the text
        host.centralWidget().installEventFilter(self)  # and once the docks around it have settled
        self._fit = QtCore.QTimer(self)  # once the window's layout has its new size
        self._fit.setSingleShot(True)
        self._fit.setInterval(0)
        self._fit.timeout.connect(self.pane.fit_height)
        self.frame = HighlightFrame()
        self.frame.attached.connect(self._on_frame_attached)
        self.menu = self._build_menu(window)
        self.remote_keys = RemoteKeys(host.transport, self.act_page_down, self.act_page_up)

    def _build_menu(self, window: QtWidgets.QWidget) -> QtWidgets.QMenu:
        menu = QtWidgets.QMenu("&Lessons", window)
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
    def stop(self) -> Stop:
        assert self.lesson is not None
        return self.lesson.stops[self.index]

    # -- starting and ending ------------------------------------------------------------
    def start_named(self, name: str) -> None:
        try:
            lesson = get_lesson(name)
        except LessonError as error:
            QtWidgets.QMessageBox.warning(self.host.window(), "Cannot open the lesson", str(error))
            return
        self.start(lesson)

    def open_file(self) -> None:
        path, _ = QtWidgets.QFileDialog.getOpenFileName(self.host.window(), "Open a lesson", "", "Lessons (*.json)")
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
        self.remote_keys.give_back()
        self.frame.attach(None)
        self.dock.hide()
        stage.plots_reach_edges(self.host, lesson=False)
        self.host.plots.focus_home()

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
        host = self.host
        host.transport.stop()
        started = time.perf_counter()
        progress = StopProgress(host.window(), f"Setting up stop {stop.number}: {stop.title}...")
        try:
            built, trained = build_stop_trained(stop, end, lesson.name, progress)
            comparison = build_comparison(stop, end, progress=progress) if stop.compare is not None else None
        except Cancelled:  # nothing was adopted: the window is at the previous stop as it was
            host.status.showMessage(f"Stop {stop.number} not set up (cancelled)", 5000)
            return False
        except (LessonError, ValueError, MemoryError) as error:
            QtWidgets.QMessageBox.warning(host.window(), "Cannot set up the stop", str(error))
            return False
        finally:
            progress.close()
        if lesson is not self.lesson:
            self.lesson = lesson
            self.remote_keys.take()
            self.dock.show()
            stage.plots_reach_edges(host, lesson=True)
        self.index = index
        self.left_for = None
        host.compare_changes = stop.compare
        host.session.adopt(built)  # the Training panel forgets the old model's curves...
        host.docks.training_panel.show_steps(trained)  # ...and draws this stop's training run
        stage.show_panels(host, stop.panels)
        self.frame.attach(None if stop.highlight is None else stage.frame_plot(host, stop.highlight))
        self.pane.show_stop(lesson, stop, at_end=end)
        self._compare(comparison)  # below the pane as tall as this lesson's text makes it
        host.plots.focus_home()
        self.last_build_seconds = time.perf_counter() - started
        return True

    def next_stop(self) -> None:
        """The next stop; when its model is the "same" as this stop's, a sentence the class
        typed into the sample field here stays, and the stop is measured on it (Return to
        stop and going back set a stop up as the lesson file has it)."""
        if self.lesson is not None and self.index + 1 < len(self.lesson.stops):
            self.go_to(self.index + 1, sentence=self._typed_sentence())

    def _typed_sentence(self) -> str:
        """The sentence in the sample field, when it is not the stop's own; else ""."""
        if self.left_for is not None:
            return ""
        typed = self.host.session.config.input
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
        self._close_compare()
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
        transport, session = self.host.transport, self.host.session
        if not self.active or transport.busy:
            return
        if self.left_for is not None:
            self.return_to_stop()
        elif self.pane.scroll_down():
            pass
        elif session_clock(session) < stop_clock(self.stop, session, end=True):
            transport.step()
        else:
            self.next_stop()

    def page_up(self) -> None:
        """PageDown undone: step back within the stop; at its place, the text back up a page
        at a time; at its start, the previous stop, shown at its end (its text's end too)."""
        transport, session = self.host.transport, self.host.session
        if not self.active or transport.busy:
            return
        if self.left_for is not None:
            self.return_to_stop()
        elif session_clock(session) > stop_clock(self.stop, session) and session.can_step_back:
            transport.step_back()
        elif self.pane.scroll_up():
            pass
        else:
            self.previous_stop(end=True)

    # -- what a stop opens ------------------------------------------------------------------
    def eventFilter(self, watched: QtCore.QObject, event: QtCore.QEvent) -> bool:
        if event.type() == QtCore.QEvent.Type.Resize and self.active:
            self._fit.start()
        elif event.type() == QtCore.QEvent.Type.WindowActivate and watched is self.host.window():
            compare = self._stop_comparison()
            if compare is not None:  # a click on the window keeps the stop's comparison in front
                compare.raise_()
        return False

    def _stop_comparison(self) -> StopComparison | None:
        """The comparison this stop opened, while it is on screen."""
        compare = self.host.compare_window
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
        self.host.status.showMessage("Train went to the stop's comparison in front (A and B); "
                                     "close it to train this window's model", 8000)
        return True

    def _text_room(self) -> int:
        return stage.text_room(self.host, self.lesson, self.pane.text_area.height())

    def _on_frame_attached(self, target: QtWidgets.QWidget | None) -> None:
        """The frame leaves its plot (the lesson ended): the dashboard's layout comes back."""
        if target is None:
            self.host.plots.frame(None)

    def _close_compare(self) -> bool:
        """The comparison this lesson opened closed; whether there was one."""
        compare = self.host.compare_window if self._opened_compare else None
        if compare is not None:
            compare.close()
        self._opened_compare = False
        return compare is not None

    def _compare(self, built: tuple[Comparison, str] | None) -> None:
        """The stop's comparison in front of the window (stop_comparison.py), or the one an
        earlier stop opened closed. built: the stop's comparison as go_to set it up, and its
        note (None: no comparison)."""
        if self.stop.compare is None:
            if self._close_compare():
                self.host.activateWindow()
            return
        lesson_keys = (self.act_page_down, self.act_page_up, self.act_next, self.act_previous, self.act_return,
                       self.pane.act_fold)
        self._opened_compare = open_over_plots(self.host, self.stop, built, self.pane.fit_height,
                                               lesson_keys) is not None

    # -- the handout ------------------------------------------------------------------------
    def write_handout(self) -> None:
        if self.lesson is None:
            self.host.status.showMessage("Start a lesson first: the handout is the lesson's", 5000)
            return
        folder = QtWidgets.QFileDialog.getExistingDirectory(self.host.window(), "Write the handout into")
        if folder:
            self.write_handout_to(folder)

    def write_handout_to(self, folder: str | Path) -> list[Path]:
        assert self.lesson is not None
        return write_handout_to(self.host.window(), self.lesson, folder, self.host.status.showMessage)

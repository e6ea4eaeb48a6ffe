"""The lesson pane: a strip above the plots with the stop's title and text, the progress
("3 / 12") and the buttons Previous, Next and Return to stop; and the frame that points
at the plot a stop highlights. The lesson mode (lesson_mode.py) drives both."""

from __future__ import annotations

from collections.abc import Callable

from PySide6 import QtCore, QtGui, QtWidgets

from ...session.lesson_text import text_html
from ...session.lessons import Lesson, Stop
from .. import theme


def _no_focus(button: QtWidgets.QToolButton) -> QtWidgets.QToolButton:
    button.setFocusPolicy(QtCore.Qt.FocusPolicy.NoFocus)  # the keyboard stays with the plots
    return button


# the pane's buttons name their action in a few characters (the tooltip has the whole name
# and the shortcut): on a 1280 px projector at presentation fonts they share one row with
# the stop's title, and the text below has the whole width
BUTTON_TEXT = {"previous": "\u25c0 Previous", "next": "Next \u25b6", "return": "Return", "end": "End"}


class LessonPane(QtWidgets.QWidget):
    """Shows one stop: its title, the progress and the buttons in one row, its text below.
    The pane keeps one height across the stops of a lesson (the longest text at the current
    width and font, up to `text_room()` pixels, scrolling beyond), so the plots below never
    jump; folded (`act_fold`), the text is one line."""

    def __init__(self, previous: QtGui.QAction, next_: QtGui.QAction, back: QtGui.QAction,
                 end: QtGui.QAction, parent=None):
        super().__init__(parent)
        self.lesson: Lesson | None = None
        # the most height the text may take (the window's plots need the rest); None: no limit
        self.text_room: Callable[[], int | None] = lambda: None
        self.title = QtWidgets.QLabel()
        self.title.setWordWrap(True)
        self.title.setTextFormat(QtCore.Qt.TextFormat.PlainText)
        self.title.setSizePolicy(QtWidgets.QSizePolicy.Policy.Expanding, QtWidgets.QSizePolicy.Policy.Fixed)
        self.text = QtWidgets.QLabel()
        self.text.setWordWrap(True)
        self.text.setTextFormat(QtCore.Qt.TextFormat.RichText)
        self.text.setAlignment(QtCore.Qt.AlignmentFlag.AlignTop | QtCore.Qt.AlignmentFlag.AlignLeft)
        self.text.setContentsMargins(0, 0, 0, 0)
        self.text_area = QtWidgets.QScrollArea()
        self.text_area.setWidget(self.text)
        self.text_area.setWidgetResizable(True)
        self.text_area.setFrameShape(QtWidgets.QFrame.Shape.NoFrame)
        self.text_area.setHorizontalScrollBarPolicy(QtCore.Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.text_area.setFocusPolicy(QtCore.Qt.FocusPolicy.NoFocus)
        self.text_area.viewport().setAutoFillBackground(False)
        self.text.setAutoFillBackground(False)
        # while text is hidden below the lines shown, a marker says so at their bottom right:
        # PageDown shows it before stepping (a presenter remote cannot scroll)
        self.more = QtWidgets.QLabel("\u25bc more", self.text_area)
        self.more.setObjectName("more_text")
        self.more.setToolTip("More of this stop's text below: PageDown shows it, then steps")
        self.more.setAutoFillBackground(True)
        self.more.setContentsMargins(6, 0, 2, 0)
        self.more.hide()
        self._at_end = False  # the stop was shown at its end: its text's end stays in view
        bar = self.text_area.verticalScrollBar()
        bar.valueChanged.connect(lambda _: self._update_more())
        bar.rangeChanged.connect(self._on_range_changed)
        self.text_area.installEventFilter(self)
        self.text_area.viewport().installEventFilter(self)  # narrower once the scroll bar shows
        self.progress = QtWidgets.QLabel()
        self.progress.setAlignment(QtCore.Qt.AlignmentFlag.AlignCenter)
        self.act_fold = QtGui.QAction("Fold the lesson text", self)
        self.act_fold.setCheckable(True)
        self.act_fold.setShortcut(QtGui.QKeySequence("Ctrl+L"))
        self.act_fold.setToolTip("The lesson text in one line (or all of it again), for more room below (Ctrl+L)")
        self.act_fold.setIconText("Fold")
        self.act_fold.toggled.connect(self._on_fold_toggled)
        self.buttons: dict[str, QtWidgets.QToolButton] = {}
        for name, action in (("previous", previous), ("next", next_), ("return", back), ("end", end),
                             ("fold", self.act_fold)):
            button = QtWidgets.QToolButton()
            button.setDefaultAction(action)
            button.setToolButtonStyle(QtCore.Qt.ToolButtonStyle.ToolButtonTextOnly)
            button.setSizePolicy(QtWidgets.QSizePolicy.Policy.Minimum, QtWidgets.QSizePolicy.Policy.Fixed)
            self.buttons[name] = _no_focus(button)
        for name, text in BUTTON_TEXT.items():
            action = self.buttons[name].defaultAction()
            action.setIconText(text)
            shortcut = action.shortcut().toString(QtGui.QKeySequence.SequenceFormat.NativeText)
            self.buttons[name].setToolTip(action.text() + (f" ({shortcut})" if shortcut else ""))
        self._header = header = QtWidgets.QHBoxLayout()
        header.setSpacing(6)
        header.addWidget(self.title, 1)
        header.addWidget(self.progress)
        for button in self.buttons.values():
            header.addWidget(button, 0, QtCore.Qt.AlignmentFlag.AlignVCenter)
        self._layout = layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(8, 1, 8, 0)  # the buttons' frames are the air: pixels for the text
        layout.setSpacing(0)
        layout.addLayout(header)
        layout.addWidget(self.text_area)
        self.setSizePolicy(QtWidgets.QSizePolicy.Policy.Preferred, QtWidgets.QSizePolicy.Policy.Fixed)
        self._fitted: tuple | None = None
        self._line = 0
        self._restyle()

    # -- fonts and heights --------------------------------------------------------------
    def _restyle(self) -> None:
        """The title in bold at least as large as the text (an explicit font does not follow
        the application's, so it is set again when presentation mode changes that)."""
        font = QtGui.QFont(self.font())
        font.setBold(True)
        self.title.setFont(font)
        self.progress.setFont(font)
        self._fitted = None
        self.fit_height()
        self._update_more()

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QtCore.QEvent.Type.FontChange:
            self._restyle()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if event.oldSize().width() != event.size().width():
            self.fit_height()

    def _line_height(self) -> int:
        """A line of the text as the label lays it out (measured by `fit_height`)."""
        return self._line or QtGui.QFontMetrics(self.text.font()).lineSpacing()

    def _title_width(self) -> int:
        """The title's width in its row: the pane's less the progress and the buttons."""
        spacing = self._header.spacing() * (self._header.count() - 1)
        others = self.progress.minimumWidth() + sum(b.sizeHint().width() for b in self.buttons.values())
        margins = self._layout.contentsMargins()
        left, right = margins.left(), margins.right()
        return max(self.width() - left - right - spacing - others, 80)

    def fit_height(self) -> None:
        """One height for every stop of the lesson: the title row and text of the longest
        stop at this width and font, the text no taller than `text_room()` (it scrolls
        beyond), one line when folded."""
        if self.lesson is None:
            return
        self.progress.setMinimumWidth(QtGui.QFontMetrics(self.progress.font()).horizontalAdvance(
            f"{len(self.lesson.stops)} / {len(self.lesson.stops)}") + 12)
        title_width = self._title_width()
        text_width = max(self.width() - 16 - self.text_area.verticalScrollBar().sizeHint().width(), 80)
        room = self.text_room()
        key = (title_width, text_width, room, self.font().key(), self.act_fold.isChecked(), self.lesson.name)
        if key == self._fitted:
            return
        self._fitted = key
        measure = QtWidgets.QLabel()
        measure.setWordWrap(True)
        measure.setFont(self.title.font())
        measure.setTextFormat(QtCore.Qt.TextFormat.PlainText)
        title = max(label.heightForWidth(title_width) for label in _with_texts(measure, [
            s.title for s in self.lesson.stops]))
        measure.setFont(self.text.font())
        measure.setTextFormat(QtCore.Qt.TextFormat.RichText)
        text = max(label.heightForWidth(text_width) for label in _with_texts(measure, [
            text_html(s.text) for s in self.lesson.stops]))
        # the label's own lines (rich text spaces them a pixel wider than the font's line
        # spacing says) and what a label of one line has beyond its line: without them a stop
        # of exactly n lines scrolled by a pixel or two, its last line's foot hidden
        measure.setText("x")
        one = measure.heightForWidth(text_width)
        measure.setText("x<br>x")
        line = measure.heightForWidth(text_width) - one
        self._line = line
        if self.act_fold.isChecked():
            text = one
        elif room is not None and text > room:  # whole lines, scrolling: the same whatever the stop
            text = max(one, (room - (one - line)) // line * line + (one - line))
        self.title.setFixedHeight(title)
        self.text_area.setFixedHeight(text + 2)

    # -- the text beyond the lines shown ----------------------------------------------------
    def hidden_below(self) -> bool:
        """Some of the stop's text is below the lines shown (folded: never, it is folded)."""
        bar = self.text_area.verticalScrollBar()
        return not self.act_fold.isChecked() and bar.value() < bar.maximum()

    def _page(self) -> int:
        """A page of text: the lines shown less one, which stays in view for context (and
        is the line the marker may cover)."""
        line = self._line_height()
        return max(line, (self.text_area.viewport().height() // line - 1) * line)

    def scroll_down(self) -> bool:
        """Show the next page of hidden text; False when none is hidden."""
        if not self.hidden_below():
            return False
        bar = self.text_area.verticalScrollBar()
        bar.setValue(min(bar.maximum(), bar.value() + self._page()))
        return True

    def scroll_up(self) -> bool:
        """Back a page of text towards its start; False at its start (or folded)."""
        bar = self.text_area.verticalScrollBar()
        self._at_end = False
        if self.act_fold.isChecked() or bar.value() <= bar.minimum():
            return False
        bar.setValue(max(bar.minimum(), bar.value() - self._page()))
        return True

    def _on_range_changed(self, _low: int, high: int) -> None:
        if self._at_end:
            self.text_area.verticalScrollBar().setValue(high)
        self._update_more()

    def _update_more(self) -> None:
        shown = self.hidden_below()
        if shown:
            viewport = self.text_area.viewport()
            self.more.adjustSize()  # in the text's font (presentation mode's, once it has come)
            self.more.move(viewport.x() + viewport.width() - self.more.width(),
                           viewport.y() + viewport.height() - self.more.height())
            self.more.raise_()
        self.more.setVisible(shown)

    def eventFilter(self, watched: QtCore.QObject, event: QtCore.QEvent) -> bool:
        if watched in (self.text_area, self.text_area.viewport()) and event.type() == QtCore.QEvent.Type.Resize:
            self._update_more()
        return False

    def _on_fold_toggled(self, folded: bool) -> None:
        self.act_fold.setIconText("Unfold" if folded else "Fold")
        self._fitted = None
        self.fit_height()
        self.text_area.verticalScrollBar().setValue(0)
        self._update_more()

    def show_stop(self, lesson: Lesson, stop: Stop, at_end: bool = False) -> None:
        """The stop's title and text, from the start of its text; at_end (the stop shown at
        its end, going back), with the end of its text in view, as PageDown left it."""
        if lesson is not self.lesson:
            self.lesson = lesson
            self._fitted = None
        self.title.setText(stop.title)
        self.text.setText(text_html(stop.text))
        self.progress.setText(f"{stop.number} / {len(lesson.stops)}")
        self.progress.setToolTip(f"{lesson.title}: stop {stop.number} of {len(lesson.stops)}. "
                                 "PageDown steps, and at the stop's end goes on")
        self.fit_height()
        self._at_end = at_end
        bar = self.text_area.verticalScrollBar()
        bar.setValue(bar.maximum() if at_end else 0)
        self._update_more()


def _with_texts(label: QtWidgets.QLabel, texts: list[str]):
    """The label, given each text in turn (to measure the height it needs)."""
    for text in texts:
        label.setText(text)
        yield label


class HighlightFrame(QtWidgets.QWidget):
    """A coloured frame drawn over one plot (mouse clicks go through), following its size.
    `attached` says which plot it frames now (None: none)."""

    attached = QtCore.Signal(object)

    def __init__(self):
        super().__init__()
        self.setAttribute(QtCore.Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(QtCore.Qt.WidgetAttribute.WA_NoSystemBackground)
        self.setFocusPolicy(QtCore.Qt.FocusPolicy.NoFocus)
        self.target: QtWidgets.QWidget | None = None

    def attach(self, target: QtWidgets.QWidget | None) -> None:
        if self.target is not None:
            self.target.removeEventFilter(self)
        self.target = target
        if target is None:
            self.hide()
            self.setParent(None)
            self.attached.emit(None)
            return
        self.setParent(target)
        target.installEventFilter(self)
        self.setGeometry(target.rect())
        self.show()
        self.raise_()
        self.attached.emit(target)

    def eventFilter(self, watched: QtCore.QObject, event: QtCore.QEvent) -> bool:
        if watched is self.target and event.type() == QtCore.QEvent.Type.Resize:
            self.setGeometry(self.target.rect())
            self.raise_()
        return False

    def paintEvent(self, event) -> None:
        painter = QtGui.QPainter(self)
        width = 4
        pen = QtGui.QPen(QtGui.QColor(theme.VERMILION), width)
        painter.setPen(pen)
        painter.drawRoundedRect(QtCore.QRectF(self.rect()).adjusted(width / 2, width / 2, -width / 2, -width / 2), 6, 6)
        painter.end()

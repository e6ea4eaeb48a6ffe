"""The lesson pane: a strip above the plots with the stop's title and text, the progress
("3 / 12") and the buttons Previous, Next and Return to stop; and the frame that points
at the plot a stop highlights. The lesson mode (lesson_mode.py) drives both."""

from __future__ import annotations

import re
from html import escape

from PySide6 import QtCore, QtGui, QtWidgets

from ..session.lessons import Lesson, Stop
from . import theme

_STRONG = re.compile(r"\*\*(.+?)\*\*")
_EMPHASIS = re.compile(r"\*(.+?)\*")


def text_html(text: str) -> str:
    """A stop's text as HTML: **strong**, *emphasis*, paragraphs at blank lines; the rest
    (inline math in plain Unicode) as written."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    html = []
    for paragraph in paragraphs:
        words = _EMPHASIS.sub(r"<i>\1</i>", _STRONG.sub(r"<b>\1</b>", escape(paragraph, quote=False)))
        html.append(f"<p>{words}</p>")
    return "".join(html)


def _no_focus(button: QtWidgets.QAbstractButton) -> QtWidgets.QAbstractButton:
    button.setFocusPolicy(QtCore.Qt.FocusPolicy.NoFocus)  # the keyboard stays with the plots
    return button


class LessonPane(QtWidgets.QWidget):
    """Shows one stop; its buttons are the lesson mode's actions."""

    def __init__(self, previous: QtGui.QAction, next_: QtGui.QAction, back: QtGui.QAction,
                 end: QtGui.QAction, parent=None):
        super().__init__(parent)
        self.lesson_title = QtWidgets.QLabel()
        self.lesson_title.setStyleSheet(f"color: {theme.GREY};")
        self.title = QtWidgets.QLabel()
        font = self.title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.35)
        self.title.setFont(font)
        self.title.setWordWrap(True)
        for label in (self.lesson_title, self.title):
            label.setTextFormat(QtCore.Qt.TextFormat.PlainText)
        self.text = QtWidgets.QLabel()
        self.text.setWordWrap(True)
        self.text.setTextFormat(QtCore.Qt.TextFormat.RichText)
        self.text.setAlignment(QtCore.Qt.AlignmentFlag.AlignTop | QtCore.Qt.AlignmentFlag.AlignLeft)
        self.text.setSizePolicy(QtWidgets.QSizePolicy.Policy.Expanding, QtWidgets.QSizePolicy.Policy.Preferred)
        self.progress = QtWidgets.QLabel()
        self.progress.setAlignment(QtCore.Qt.AlignmentFlag.AlignCenter)
        big = self.progress.font()
        big.setPointSizeF(big.pointSizeF() * 1.35)
        self.progress.setFont(big)
        self.progress.setToolTip("This stop of the lesson's stops. PageDown steps, and at the stop's end goes on")
        self.buttons = {}
        for name, action in (("previous", previous), ("next", next_), ("return", back), ("end", end)):
            button = QtWidgets.QToolButton()
            button.setDefaultAction(action)
            button.setToolButtonStyle(QtCore.Qt.ToolButtonStyle.ToolButtonTextOnly)
            button.setSizePolicy(QtWidgets.QSizePolicy.Policy.Expanding, QtWidgets.QSizePolicy.Policy.Fixed)
            self.buttons[name] = _no_focus(button)
        words = QtWidgets.QVBoxLayout()
        words.addWidget(self.lesson_title)
        words.addWidget(self.title)
        words.addWidget(self.text, 1)
        controls = QtWidgets.QGridLayout()
        controls.addWidget(self.progress, 0, 0, 1, 2)
        controls.addWidget(self.buttons["previous"], 1, 0)
        controls.addWidget(self.buttons["next"], 1, 1)
        controls.addWidget(self.buttons["return"], 2, 0, 1, 2)
        controls.addWidget(self.buttons["end"], 3, 0, 1, 2)
        controls.setRowStretch(4, 1)
        box = QtWidgets.QWidget()
        box.setLayout(controls)
        box.setFixedWidth(230)
        layout = QtWidgets.QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addLayout(words, 1)
        layout.addWidget(box)

    def show_stop(self, lesson: Lesson, stop: Stop) -> None:
        self.lesson_title.setText(lesson.title)
        self.title.setText(stop.title)
        self.text.setText(text_html(stop.text))
        self.progress.setText(f"{stop.number} / {len(lesson.stops)}")


class HighlightFrame(QtWidgets.QWidget):
    """A coloured frame drawn over one plot (mouse clicks go through), following its size."""

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
            return
        self.setParent(target)
        target.installEventFilter(self)
        self.setGeometry(target.rect())
        self.show()
        self.raise_()

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

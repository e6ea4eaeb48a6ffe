"""A modal window of rich text that fits the screen it opens on: it scrolls when the text
is taller (the keyboard shortcuts, 944 px tall as a message box, ran off a 768 px
projector with no way to reach the bottom), can be resized, and closes with Esc."""

from __future__ import annotations

from PySide6 import QtWidgets

SCREEN_SHARE = 0.85  # at most this much of the screen's height and width


def show_text(parent: QtWidgets.QWidget, title: str, html: str, width: int = 560) -> None:
    dialog = QtWidgets.QDialog(parent)
    dialog.setWindowTitle(title)
    text = QtWidgets.QTextBrowser()
    text.setOpenExternalLinks(True)
    text.setHtml(html)
    buttons = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.StandardButton.Close)
    buttons.rejected.connect(dialog.reject)
    layout = QtWidgets.QVBoxLayout(dialog)
    layout.addWidget(text, 1)
    layout.addWidget(buttons)
    screen = (parent.screen() if parent is not None else None) or QtWidgets.QApplication.primaryScreen()
    room = screen.availableGeometry()
    text.document().setTextWidth(width - 40)
    wanted = int(text.document().size().height()) + buttons.sizeHint().height() + 60
    dialog.resize(min(width, int(room.width() * SCREEN_SHARE)), min(wanted, int(room.height() * SCREEN_SHARE)))
    dialog.exec()

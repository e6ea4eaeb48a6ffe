"""A line of rich text that changes at every step without moving anything around it.

A QLabel's new text makes its layout, and every layout above it up to the dock's scroll
area, lay out again, and the whole dock repaint: at every step, for the predictions line.
This widget paints its own QTextDocument and changes its height only when the text needs
more lines (or the width changes), so a new text repaints only itself."""

from __future__ import annotations

import math

from PySide6 import QtGui, QtWidgets


class RichLine(QtWidgets.QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self._html = ""
        self._document = QtGui.QTextDocument(self)
        self._document.setDocumentMargin(0)
        self.setSizePolicy(QtWidgets.QSizePolicy.Policy.Ignored, QtWidgets.QSizePolicy.Policy.Fixed)
        self.setMinimumWidth(1)
        self.setFixedHeight(self.fontMetrics().height())

    def text(self) -> str:
        return self._html

    def setText(self, html: str) -> None:  # as QLabel's, so the two can be swapped
        if html == self._html:
            return
        self._html = html
        self._document.setHtml(html)
        self._fit(shrink=False)
        self.update()

    def _fit(self, shrink: bool) -> None:
        """The height the text needs at this width; only ever taller while the width stays
        (a line that wraps differently from step to step does not make the panel jump)."""
        self._document.setDefaultFont(self.font())
        self._document.setTextWidth(max(self.width(), 1))
        needed = max(math.ceil(self._document.size().height()), self.fontMetrics().height())
        if needed > self.height() or (shrink and needed != self.height()):
            self.setFixedHeight(needed)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self._fit(shrink=True)

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == event.Type.FontChange:
            self._fit(shrink=True)

    def paintEvent(self, event) -> None:
        painter = QtGui.QPainter(self)
        try:
            context = QtGui.QAbstractTextDocumentLayout.PaintContext()
            roles = QtGui.QPalette.ColorRole
            context.palette.setColor(roles.Text, self.palette().color(roles.WindowText))
            self._document.documentLayout().draw(painter, context)
        finally:
            painter.end()

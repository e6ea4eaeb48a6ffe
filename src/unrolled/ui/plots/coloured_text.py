"""A sequence of tokens (a text's characters, a sentence's words) laid out as text, each on a
background colour of its own, and a colour bar saying what the colours mean.

The tokens stand in a monospaced flow wrapped at the widget's width: a newline is drawn as
↵ and breaks the line, a space as a faint middle dot and a tab as →, so every position of
the sequence can be seen, pointed at and coloured. The widget knows nothing of what the
colours mean; it says which token is under the pointer (`hovered`, `clicked`: 0-based, -1
for none)."""

from __future__ import annotations

import numpy as np
from PySide6 import QtCore, QtGui, QtWidgets

from ..theme import Theme
from .colour_scale import ColourScale

SHOWN = {"\n": "↵", " ": "·", "\t": "→"}  # characters that would otherwise draw nothing
FAINT = {" ", "\t"}  # drawn in a muted ink: they mark a place, they are not the text
PAD_PX = 2  # around each token's box


def shown_token(token: str) -> str:
    return "".join(SHOWN.get(c, c) for c in token)


def ink_for(background: QtGui.QColor) -> QtGui.QColor:
    """Black on a light background, white on a dark one (relative luminance, ITU-R BT.709)."""
    luminance = 0.2126 * background.redF() + 0.7152 * background.greenF() + 0.0722 * background.blueF()
    return QtGui.QColor("#000000" if luminance > 0.5 else "#ffffff")


class ColouredText(QtWidgets.QWidget):
    hovered = QtCore.Signal(int)
    clicked = QtCore.Signal(int)

    def __init__(self, theme: Theme, parent=None):
        super().__init__(parent)
        self.theme = theme
        self.tokens: list[str] = []
        self.colours: list[QtGui.QColor | None] = []  # None: no colour (not coloured, or not computed)
        self.marked = -1  # the token framed (the prediction k), -1 for none
        self.spaced = False  # words: a gap between tokens; characters: none, as the text reads
        self._boxes: list[QtCore.QRectF] = []
        font = QtGui.QFontDatabase.systemFont(QtGui.QFontDatabase.SystemFont.FixedFont)
        font.setPointSizeF(theme.points(1.6))  # read from the back of a room
        self.setFont(font)
        self.setMouseTracking(True)
        policy = QtWidgets.QSizePolicy(QtWidgets.QSizePolicy.Policy.Preferred, QtWidgets.QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def set_tokens(self, tokens: list[str], spaced: bool = False) -> None:
        if tokens != self.tokens or spaced != self.spaced:
            self.tokens, self.spaced = list(tokens), spaced
            self.colours = [None] * len(tokens)
            self._lay_out(self.width())
            self.updateGeometry()
            self.update()

    def set_colours(self, colours: list[QtGui.QColor | None], marked: int = -1) -> None:
        if len(colours) != len(self.tokens):
            raise ValueError(f"colours: got {len(colours)}, expected one per token ({len(self.tokens)})")
        self.colours, self.marked = list(colours), marked
        self.update()

    # -- layout ------------------------------------------------------------------------------
    def _lay_out(self, width: int) -> float:
        """Each token's box for the widget `width` px wide; the height the tokens need."""
        self._boxes, height = self._boxes_for(width)
        return height

    def _boxes_for(self, width: int) -> tuple[list[QtCore.QRectF], float]:
        metrics = QtGui.QFontMetricsF(self.font())
        line = metrics.height() + 2 * PAD_PX
        gap = metrics.horizontalAdvance(" ") if self.spaced else 0.0
        x = y = 0.0
        boxes: list[QtCore.QRectF] = []
        for token in self.tokens:
            w = metrics.horizontalAdvance(shown_token(token)) + (2 * PAD_PX if self.spaced else 0.0)
            if x > 0 and x + w > width:
                x, y = 0.0, y + line
            boxes.append(QtCore.QRectF(x, y, w, line))
            x += w + gap
            if token.endswith("\n"):  # the ↵ stays on its line; the text goes on below
                x, y = 0.0, y + line
        return boxes, y + line

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return int(np.ceil(self._boxes_for(width)[1]))

    def sizeHint(self) -> QtCore.QSize:
        return QtCore.QSize(300, self.heightForWidth(300))

    def resizeEvent(self, event) -> None:
        self._lay_out(event.size().width())
        super().resizeEvent(event)

    def token_rect(self, index: int) -> QtCore.QRect:
        """Where token `index` is drawn, in widget pixels."""
        return self._boxes[index].toAlignedRect()

    def token_at(self, point: QtCore.QPointF) -> int:
        """The token under `point` (widget pixels), -1 off the tokens."""
        for i, box in enumerate(self._boxes):
            if box.contains(point):
                return i
        return -1

    # -- the pointer -------------------------------------------------------------------------
    def mouseMoveEvent(self, event) -> None:
        self.hovered.emit(self.token_at(event.position()))
        super().mouseMoveEvent(event)

    def leaveEvent(self, event) -> None:
        self.hovered.emit(-1)
        super().leaveEvent(event)

    def mousePressEvent(self, event) -> None:
        index = self.token_at(event.position())
        if event.button() == QtCore.Qt.MouseButton.LeftButton and index >= 0:
            self.clicked.emit(index)
        super().mousePressEvent(event)

    # -- painting ----------------------------------------------------------------------------
    def paintEvent(self, event) -> None:
        painter = QtGui.QPainter(self)
        painter.setFont(self.font())
        foreground, muted = QtGui.QColor(self.theme.foreground), QtGui.QColor("#9a9a9a")
        for i, (token, box) in enumerate(zip(self.tokens, self._boxes)):
            colour = self.colours[i] if i < len(self.colours) else None
            if colour is not None:
                painter.fillRect(box, colour)
            ink = ink_for(colour) if colour is not None else (muted if token in FAINT else foreground)
            if token in FAINT and colour is not None:
                ink.setAlphaF(0.6)
            painter.setPen(ink)
            painter.drawText(box, QtCore.Qt.AlignmentFlag.AlignCenter, shown_token(token))
            if i == self.marked:
                painter.setPen(QtGui.QPen(QtGui.QColor(self.theme.foreground), 2))
                painter.drawRect(box.adjusted(1, 1, -1, -1))
        painter.end()


class ColourBar(QtWidgets.QWidget):
    """A horizontal colour bar: the colour map from the scale's low to its high end, its
    ticks' labels below and a title beside it."""

    def __init__(self, theme: Theme, parent=None):
        super().__init__(parent)
        self.theme = theme
        self.table = np.zeros((2, 4), dtype=np.uint8)
        self.scale = ColourScale(0.0, 1.0)
        self.ticks: list[tuple[float, str]] = []
        self.title = ""
        self.setMinimumHeight(int(QtGui.QFontMetricsF(self.font()).height() * 2 + 14))

    def show_scale(self, table: np.ndarray, scale: ColourScale, ticks: list[tuple[float, str]], title: str) -> None:
        self.table, self.scale, self.ticks, self.title = table, scale, ticks, title
        self.setToolTip(title)
        self.update()

    def sizeHint(self) -> QtCore.QSize:
        return QtCore.QSize(260, self.minimumHeight())

    def paintEvent(self, event) -> None:
        painter = QtGui.QPainter(self)
        metrics = QtGui.QFontMetricsF(self.font())
        title_w = metrics.horizontalAdvance(self.title) + 8
        left, right = title_w + 4, self.width() - 24  # half a tick label's room at each end
        bar = QtCore.QRectF(left, 2, max(right - left, 10), 12)
        gradient = QtGui.QLinearGradient(bar.topLeft(), bar.topRight())
        for i in np.linspace(0, len(self.table) - 1, 16).astype(int):
            r, g, b, a = (int(v) for v in self.table[i])
            gradient.setColorAt(i / max(len(self.table) - 1, 1), QtGui.QColor(r, g, b, a))
        painter.fillRect(bar, gradient)
        painter.setPen(QtGui.QColor(self.theme.foreground) if self.theme.dark else self.palette().windowText().color())
        painter.drawText(QtCore.QRectF(0, 0, title_w, bar.height() + metrics.height()),
                         QtCore.Qt.AlignmentFlag.AlignVCenter, self.title)
        span = self.scale.high - self.scale.low
        for value, label in self.ticks:
            x = bar.left() + bar.width() * (value - self.scale.low) / span
            painter.drawLine(QtCore.QPointF(x, bar.bottom()), QtCore.QPointF(x, bar.bottom() + 3))
            w = metrics.horizontalAdvance(label)
            painter.drawText(QtCore.QPointF(min(max(x - w / 2, bar.left() - 4), self.width() - w),
                                            bar.bottom() + 3 + metrics.ascent()), label)
        painter.end()

"""The full form of the diagram: a cell per timestep, x_t below, y_t above, the h_t arrows
between cells (in the backward pass the gradient, its width and colour showing log10
||dL/dh_t||), and the weights named once with their shapes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6 import QtCore, QtGui

from ....session.stepper import Session
from ...theme import GRADIENT_LOW, GREY, OVERFLOW, SKY, VERMILION, Theme
from .colours import ZERO, PassState, gradient_colour
from .geometry import CellRow
from .labels import fitting_names, shape_labels, sub

RIGHT_ENDED = QtCore.Qt.AlignmentFlag.AlignRight  # a label that ends at its x
LEFT_ENDED = QtCore.Qt.AlignmentFlag.AlignLeft  # a label that starts at its x


@dataclass(frozen=True)
class _Form:
    """What painting every cell needs, worked out once per paint."""

    painter: QtGui.QPainter
    theme: Theme
    row: CellRow
    state: PassState
    many_to_many: bool
    show_cursor: bool
    font: QtGui.QFont
    small: QtGui.QFont
    names: dict[str, str]  # "in", "across", "out": each weight's name as it fits
    shapes: dict[str, str]  # "X", "Y": the input's and the targets' shapes
    label_half: float  # half an x_t label's width, with air
    dark: QtGui.QColor

    @property
    def small_metrics(self) -> QtGui.QFontMetricsF:
        return QtGui.QFontMetricsF(self.small)


def paint_cells(painter: QtGui.QPainter, theme: Theme, s: Session, row: CellRow, state: PassState,
                font: QtGui.QFont, show_cursor: bool) -> None:
    """Every cell of `row`, left to right, with its arrows and labels."""
    small = theme.qfont(0.85)
    beside = row.pitch / 2 - theme.px(6)
    across = row.pitch - row.box - theme.px(24)  # clear of the arrow head
    names = fitting_names(s, QtGui.QFontMetricsF(small), {"in": beside, "out": beside, "across": across})
    label_half = QtGui.QFontMetricsF(font).horizontalAdvance(f"x{sub(row.T)}") / 2 + theme.px(8)
    form = _Form(painter, theme, row, state, s.config.mode == "many-to-many", show_cursor, font, small, names,
                 shape_labels(s), label_half, QtGui.QColor(theme.foreground))
    for k in range(row.T):
        rect = row.cell_box(k)
        has_y = form.many_to_many or k == row.T - 1
        _paint_input_output(form, k, rect, has_y)
        _paint_small_labels(form, _small_labels(form, k, rect, has_y))
        if k < row.T - 1:
            _paint_recurrent(form, k, rect)
        _paint_cell(form, k, rect)


def _paint_input_output(form: _Form, k: int, rect: QtCore.QRectF, has_y: bool) -> None:
    """x_t's arrow up into the cell and its label; y_t's arrow and label above, if it has one."""
    painter, row = form.painter, form.row
    cx, box, pitch, label = row.centre_x(k), row.box, row.pitch, row.label
    painter.setPen(QtGui.QPen(form.dark, form.theme.px(1.5)))
    painter.drawLine(QtCore.QPointF(cx, rect.bottom() + box * 0.55), QtCore.QPointF(cx, rect.bottom()))
    painter.drawText(QtCore.QRectF(cx - pitch / 2, rect.bottom() + box * 0.55, pitch, label),
                     QtCore.Qt.AlignmentFlag.AlignCenter, f"x{sub(k + 1)}")
    if has_y:
        painter.drawLine(QtCore.QPointF(cx, rect.top()), QtCore.QPointF(cx, rect.top() - box * 0.45))
        y_label = QtCore.QRectF(cx - pitch / 2, rect.top() - box * 0.45 - label, pitch, label)
        painter.drawText(y_label, QtCore.Qt.AlignmentFlag.AlignCenter, f"y{sub(k + 1)}")


def _small_labels(form: _Form, k: int, rect: QtCore.QRectF, has_y: bool) -> list[tuple]:
    """(x, y, text, side) of the small labels at cell k: the weights named once, on the
    first arrows (W1 up from x_1, on its left; W2 up to y), and the input's and the
    targets' shapes beside their first (or last) label, when they fit between two labels."""
    row, theme, T = form.row, form.theme, form.row.T
    cx, box, label = row.centre_x(k), row.box, row.label
    between = row.pitch - 2 * form.label_half  # room between two x (or y) labels
    fits = {key: T > 1 and form.small_metrics.horizontalAdvance(form.shapes[key]) <= between for key in ("X", "Y")}
    labels = []
    if k == 0:
        labels.append((cx - theme.px(3) - row.pitch / 2, rect.bottom() + box * 0.275, form.names["in"], RIGHT_ENDED))
    if has_y and (k == 0 or not form.many_to_many):
        labels.append((cx + theme.px(3), rect.top() - box * 0.225, form.names["out"], LEFT_ENDED))
    if k == 0 and fits["X"]:
        labels.append((cx + form.label_half, rect.bottom() + box * 0.55 + label / 2, form.shapes["X"], LEFT_ENDED))
    if has_y and fits["Y"] and (k == 0 or not form.many_to_many):
        x = cx + form.label_half if form.many_to_many else cx - form.label_half - between
        labels.append((x, rect.top() - box * 0.45 - label / 2, form.shapes["Y"], LEFT_ENDED))
    return labels


def _paint_small_labels(form: _Form, labels: list[tuple]) -> None:
    if not labels:
        return
    painter, pitch = form.painter, form.row.pitch
    metrics = form.small_metrics
    height = metrics.height()
    painter.setFont(form.small)
    painter.setPen(QtGui.QPen(form.dark))
    for x, y, text, side in labels:
        width = max(pitch / 2, metrics.horizontalAdvance(text) + form.theme.px(2))
        left = x - width + pitch / 2 if side == RIGHT_ENDED else x  # right-ended ones end at x + pitch / 2
        painter.drawText(QtCore.QRectF(left, y - height / 2, width, height),
                         side | QtCore.Qt.AlignmentFlag.AlignVCenter, text)
    painter.setFont(form.font)


def _paint_recurrent(form: _Form, k: int, rect: QtCore.QRectF) -> None:
    """The arrow between cells k and k+1: h_t forward, dL/dh_t back (0, inf and nan in words)."""
    painter, theme, state, row = form.painter, form.theme, form.state, form.row
    x0, x1, cy = rect.right(), row.centre_x(k) + row.pitch - row.box / 2, row.cy
    value = state.norms[k]
    if not state.done_back[k]:
        used = k + 1 < state.forward_done
        arrow(painter, theme, x0, x1, cy, form.dark if used else QtGui.QColor(GREY), theme.px(1.5))
    elif np.isfinite(value) and value > 0:
        low, high = state.scale
        f = (np.log10(value) - low) / (high - low)
        arrow(painter, theme, x1, x0, cy, gradient_colour(f), theme.px(1.5 + 6.5 * f))
    elif value == 0:  # exactly zero (a saturated softmax): not overflow
        arrow(painter, theme, x1, x0, cy, QtGui.QColor(ZERO), theme.px(1.5))
        word(painter, theme, x0, x1, cy, "0", ZERO)
    else:
        arrow(painter, theme, x1, x0, cy, QtGui.QColor(OVERFLOW), theme.px(4))
        word(painter, theme, x0, x1, cy, "inf" if np.isinf(value) else "nan", OVERFLOW)
    if k == 0:  # the recurrent weights, below the first h arrow (a 0 or inf sits above)
        painter.setFont(form.small)
        painter.setPen(QtGui.QPen(form.dark))
        painter.drawText(QtCore.QRectF(x0, cy + theme.px(2), x1 - x0, form.small_metrics.height()),
                         QtCore.Qt.AlignmentFlag.AlignCenter, form.names["across"])
        painter.setFont(form.font)


def _cell_fill(form: _Form, k: int) -> str:
    """Grey before the forward pass, blue once computed (magenta where it overflowed),
    pale orange once the backward pass has passed."""
    state = form.state
    if state.done_back[k]:
        return GRADIENT_LOW
    if state.bad_from is not None and state.bad_from - 1 <= k < state.forward_done:
        return OVERFLOW
    return SKY if k < state.forward_done else form.theme.muted


def _paint_cell(form: _Form, k: int, rect: QtCore.QRectF) -> None:
    """Cell k, framed in red when it is the current timestep, named h_t."""
    painter, theme = form.painter, form.theme
    current = form.show_cursor and form.state.t == k + 1
    painter.setBrush(QtGui.QColor(_cell_fill(form, k)))
    painter.setPen(QtGui.QPen(QtGui.QColor(VERMILION) if current else form.dark, theme.px(3.5 if current else 1.5)))
    painter.drawRoundedRect(rect, theme.px(6), theme.px(6))
    painter.setPen(QtGui.QColor("#000000"))  # on the light cell fill, in either theme
    painter.drawText(rect, QtCore.Qt.AlignmentFlag.AlignCenter, f"h{sub(k + 1)}")


def word(painter: QtGui.QPainter, theme: Theme, x0: float, x1: float, y: float, word: str, colour: str) -> None:
    """A word above an arrow: what a value that is no size on the scale is (0, inf, nan)."""
    painter.setPen(QtGui.QColor(colour))
    box = QtCore.QRectF(min(x0, x1), y - theme.px(24), abs(x1 - x0), theme.px(20))
    painter.drawText(box, QtCore.Qt.AlignmentFlag.AlignCenter, word)


def arrow(painter: QtGui.QPainter, theme: Theme, x_from: float, x_to: float, y: float, colour: QtGui.QColor,
           width: float) -> None:
    pen = QtGui.QPen(colour, width)
    pen.setCapStyle(QtCore.Qt.PenCapStyle.FlatCap)
    painter.setPen(pen)
    direction = 1 if x_to > x_from else -1
    head = theme.px(6) + width
    painter.drawLine(QtCore.QPointF(x_from, y), QtCore.QPointF(x_to - direction * head, y))
    painter.setPen(QtCore.Qt.PenStyle.NoPen)
    painter.setBrush(colour)
    half = head * 0.6
    painter.drawPolygon(QtGui.QPolygonF([
        QtCore.QPointF(x_to, y),
        QtCore.QPointF(x_to - direction * head, y - half),
        QtCore.QPointF(x_to - direction * head, y + half),
    ]))

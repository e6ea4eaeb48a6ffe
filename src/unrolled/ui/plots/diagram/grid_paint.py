"""Painting the grid of a stack (`grid`): each row named at its left; cells with their h
arrows (a reverse row's run right to left in the forward pass), x_t into the bottom layer,
y_t out of the top, arrows up between layers; or, for long T, a strip per row with the
ticks below and the cursor on the current row. The current (layer, direction, t) is framed
in red; in the backward pass the arrows' width and colour show log10 ||dL/dh_t|| on one
scale for every row."""

from __future__ import annotations

import itertools

import numpy as np
from PySide6 import QtCore, QtGui

from ...theme import GRADIENT_LOW, GREY, OVERFLOW, SKY, VERMILION, Theme, timestep_ticks
from .cells import arrow, word
from .colours import ZERO, gradient_colour
from .grid import GridLayout, GridState, RowState, row_label
from .labels import sub
from .strip import paint_colour_scale

LEFT_MIDDLE = QtCore.Qt.AlignmentFlag.AlignRight | QtCore.Qt.AlignmentFlag.AlignVCenter
CENTRE = QtCore.Qt.AlignmentFlag.AlignCenter


def _row_name_font(theme: Theme, layout: GridLayout) -> QtGui.QFont:
    """The rows' names: 0.85 of the text size, smaller where rows are closer together than
    a line (thin strips at 1280x720 in F5), so that no name runs into the next."""
    font = theme.qfont(0.85)
    pitch = min((b - a for a, b in zip(layout.tops, layout.tops[1:])), default=float("inf"))
    while QtGui.QFontMetricsF(font).height() > pitch and font.pointSizeF() > 5.0:  # metrics step unevenly
        font.setPointSizeF(max(font.pointSizeF() - 0.25, 5.0))
    return font


def paint_grid(painter: QtGui.QPainter, theme: Theme, layout: GridLayout, state: GridState, directions: int,
               font: QtGui.QFont, width: float, show_cursor: bool, on_paper: bool) -> None:
    """The whole grid, cells or strips as `layout` says."""
    painter.setFont(_row_name_font(theme, layout))
    painter.setPen(QtGui.QColor(theme.foreground))
    line = QtGui.QFontMetricsF(painter.font()).height()
    for key, top in zip(layout.keys, layout.tops, strict=True):
        # a whole line, centred on its row however thin the row (drawText clips to the box)
        middle = top + layout.height / 2
        box = QtCore.QRectF(theme.px(4), middle - max(line, layout.height) / 2, layout.left - theme.px(12),
                            max(line, layout.height))
        painter.drawText(box, LEFT_MIDDLE, row_label(key, directions))
    painter.setFont(font)
    if layout.cells:
        _paint_cells(painter, theme, layout, state, show_cursor)
    else:
        _paint_strips(painter, theme, layout, state, width, show_cursor, on_paper)


# -- cells ------------------------------------------------------------------------------
def _fill(row: RowState, k: int, theme: Theme) -> str:
    """As one layer's cells: grey, blue once computed (magenta where overflowed), pale orange
    once the backward pass has passed."""
    if row.done_back[k]:
        return GRADIENT_LOW
    if row.bad[k]:
        return OVERFLOW
    return SKY if row.computed[k] else theme.muted


def _paint_cells(painter: QtGui.QPainter, theme: Theme, layout: GridLayout, state: GridState,
                 show_cursor: bool) -> None:
    dark = QtGui.QColor(theme.foreground)
    box, T = layout.height, layout.T
    painter.setPen(QtGui.QPen(dark, theme.px(1.5)))
    label = theme.px(22)
    for k in range(T):  # x_t into the bottom layer, y_t out of the top one, arrows up between layers
        cx = layout.centre_x(k)
        painter.setPen(QtGui.QPen(dark, theme.px(1.5)))
        painter.drawLine(QtCore.QPointF(cx, layout.bottom + box * 0.55), QtCore.QPointF(cx, layout.bottom))
        painter.drawText(QtCore.QRectF(cx - layout.pitch / 2, layout.bottom + box * 0.55, layout.pitch, label),
                         CENTRE, f"x{sub(k + 1)}")
        if state.many_to_many or k == T - 1:
            painter.drawLine(QtCore.QPointF(cx, layout.top), QtCore.QPointF(cx, layout.top - box * 0.45))
            painter.drawText(QtCore.QRectF(cx - layout.pitch / 2, layout.top - box * 0.45 - label, layout.pitch,
                                           label), CENTRE, f"y{sub(k + 1)}")
        for upper, lower in itertools.pairwise(layout.keys):
            if upper[0] != lower[0]:  # a layer's output into the layer above it
                y0 = layout.tops[layout.row_of(lower)]
                _arrow_up(painter, theme, cx, y0, layout.tops[layout.row_of(upper)] + box, dark)
    for row in state.rows:
        top = layout.tops[layout.row_of(row.key)]
        for k in range(T - 1):
            _paint_recurrent(painter, theme, layout, state, row, k, top + box / 2)
        for k in range(T):
            _paint_cell(painter, theme, layout, state, row, k, top, show_cursor)


def _arrow_up(painter: QtGui.QPainter, theme: Theme, x: float, y_from: float, y_to: float,
              colour: QtGui.QColor) -> None:
    """A thin arrow up from a layer's row to the row of the layer above."""
    head = theme.px(5)
    painter.setPen(QtGui.QPen(colour, theme.px(1.2)))
    painter.drawLine(QtCore.QPointF(x, y_from), QtCore.QPointF(x, y_to + head))
    painter.setPen(QtCore.Qt.PenStyle.NoPen)
    painter.setBrush(colour)
    painter.drawPolygon(QtGui.QPolygonF([QtCore.QPointF(x, y_to), QtCore.QPointF(x - head * 0.6, y_to + head),
                                         QtCore.QPointF(x + head * 0.6, y_to + head)]))


def _paint_recurrent(painter: QtGui.QPainter, theme: Theme, layout: GridLayout, state: GridState, row: RowState,
                     k: int, cy: float) -> None:
    """The arrow between columns k and k+1: h_t the way the row runs, dL/dh_t back against it.
    As with one layer, a backward arrow carries the ||dL/dh_t|| of the cell it points to."""
    box = layout.height
    x_left, x_right = layout.centre_x(k) + box / 2, layout.centre_x(k + 1) - box / 2
    reverse = row.key[1] == 1
    into = k + 1 if reverse else k  # the cell the gradient reaches through this arrow
    forward = (x_right, x_left) if reverse else (x_left, x_right)
    value = row.norms[into]
    if not row.done_back[into]:
        used = row.computed[k] and row.computed[k + 1]
        arrow(painter, theme, *forward, cy, QtGui.QColor(theme.foreground) if used else QtGui.QColor(GREY),
              theme.px(1.5))
        return
    back = (forward[1], forward[0])
    if np.isfinite(value) and value > 0:
        low, high = state.scale
        f = min(max((np.log10(value) - low) / (high - low), 0.0), 1.0)
        arrow(painter, theme, *back, cy, gradient_colour(f), theme.px(1.5 + 4.5 * f))
    elif value == 0:
        arrow(painter, theme, *back, cy, QtGui.QColor(ZERO), theme.px(1.5))
    else:
        arrow(painter, theme, *back, cy, QtGui.QColor(OVERFLOW), theme.px(3))
        word(painter, theme, x_left, x_right, cy - box / 2 + theme.px(14), "inf" if np.isinf(value) else "nan",
             OVERFLOW)


def _paint_cell(painter: QtGui.QPainter, theme: Theme, layout: GridLayout, state: GridState, row: RowState, k: int,
                top: float, show_cursor: bool) -> None:
    box = layout.height
    rect = QtCore.QRectF(layout.centre_x(k) - box / 2, top, box, box)
    current = show_cursor and state.current == (*row.key, k + 1)
    painter.setBrush(QtGui.QColor(_fill(row, k, theme)))
    pen = QtGui.QPen(QtGui.QColor(VERMILION) if current else QtGui.QColor(theme.foreground),
                     theme.px(3.5 if current else 1.2))
    painter.setPen(pen)
    painter.drawRoundedRect(rect, theme.px(5), theme.px(5))
    painter.setPen(QtGui.QColor("#000000"))  # on the light cell fill, in either theme
    painter.drawText(rect, CENTRE, f"h{sub(k + 1)}")


# -- strips -----------------------------------------------------------------------------
def _paint_strips(painter: QtGui.QPainter, theme: Theme, layout: GridLayout, state: GridState, width: float,
                  show_cursor: bool, on_paper: bool) -> None:
    T, left, right = layout.T, layout.left, layout.right
    frame = QtGui.QPen(QtGui.QColor(theme.foreground), theme.px(1))
    for row in state.rows:
        band = QtCore.QRectF(left, layout.tops[layout.row_of(row.key)], right - left, layout.height)
        image = QtGui.QImage(row.colours.data, T, 1, 4 * T, QtGui.QImage.Format.Format_RGBA8888)
        painter.drawImage(band, image)  # row.colours lives while it is drawn
        painter.setPen(frame)
        painter.setBrush(QtCore.Qt.BrushStyle.NoBrush)
        painter.drawRect(band)
    bottom = layout.bottom
    painter.setPen(frame)
    for tick in timestep_ticks(T, target=8):
        x = left + layout.pitch * (tick - 0.5)
        painter.drawLine(QtCore.QPointF(x, bottom), QtCore.QPointF(x, bottom + theme.px(5)))
        painter.drawText(QtCore.QRectF(x - theme.px(40), bottom + theme.px(6), theme.px(80), theme.px(20)), CENTRE,
                         str(tick))
    if on_paper and state.any_done_back:
        paint_colour_scale(painter, theme, state.done_norms(), right, layout.top)
    if state.current is None or not show_cursor:
        return
    layer, direction, t = state.current
    x = left + layout.pitch * (t - 0.5)
    top = layout.tops[layout.row_of((layer, direction))]
    painter.setPen(QtGui.QPen(QtGui.QColor(VERMILION), theme.px(2)))
    painter.setBrush(QtCore.Qt.BrushStyle.NoBrush)
    painter.drawRect(QtCore.QRectF(left - theme.px(2), top - theme.px(2), right - left + theme.px(4),
                                   layout.height + theme.px(4)))  # the current row
    painter.setPen(QtGui.QPen(QtGui.QColor(VERMILION), theme.px(3)))
    painter.drawLine(QtCore.QPointF(x, layout.top - theme.px(10)), QtCore.QPointF(x, top + layout.height))
    centre = min(max(x, left + theme.px(60)), width - theme.px(60))
    painter.drawText(QtCore.QRectF(centre - theme.px(60), layout.top - theme.px(32), theme.px(120), theme.px(20)),
                     CENTRE, f"t = {t}")

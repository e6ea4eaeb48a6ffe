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
from .grid import CURSOR_OVERHANG_PX, TICK_PX, GridLayout, GridState, RowState, row_label
from .labels import sub
from .strip import paint_colour_scale

LEFT_MIDDLE = QtCore.Qt.AlignmentFlag.AlignRight | QtCore.Qt.AlignmentFlag.AlignVCenter
CENTRE = QtCore.Qt.AlignmentFlag.AlignCenter
ARROW_PX = 14  # a row's direction arrow beside its layer's name


def _fitted_font(theme: Theme, room: float) -> QtGui.QFont:
    """0.85 of the text size, smaller only where `room` is less than its line (names
    never run into the next ones)."""
    font = theme.qfont(0.85)
    while QtGui.QFontMetricsF(font).height() > room and font.pointSizeF() > 5.0:  # metrics step unevenly
        font.setPointSizeF(max(font.pointSizeF() - 0.25, 5.0))
    return font


def _paint_name(painter: QtGui.QPainter, theme: Theme, right: float, middle: float, height: float, text: str) -> None:
    """`text` ending at `right`, a whole line centred on `middle` however thin the row
    (drawText clips to the box)."""
    line = QtGui.QFontMetricsF(painter.font()).height()
    box = QtCore.QRectF(theme.px(4), middle - max(line, height) / 2, right - theme.px(4), max(line, height))
    painter.drawText(box, LEFT_MIDDLE, text)


def _direction_arrow(painter: QtGui.QPainter, theme: Theme, left: float, right: float, y: float, pitch: float,
                     leftward: bool) -> None:
    """A row's direction, drawn (a glyph the size of a thin row's pitch would be a speck):
    its head as tall as the pitch allows, at most as the text's arrows."""
    colour = QtGui.QColor(theme.foreground)
    half = min(pitch * 0.4, theme.px(4))
    tip, tail = (left, right) if leftward else (right, left)
    head = tip + (half * 1.6 if leftward else -half * 1.6)
    painter.setPen(QtGui.QPen(colour, theme.px(1.5)))
    painter.drawLine(QtCore.QPointF(tail, y), QtCore.QPointF(head, y))
    painter.setPen(QtCore.Qt.PenStyle.NoPen)
    painter.setBrush(colour)
    painter.drawPolygon(QtGui.QPolygonF([QtCore.QPointF(tip, y), QtCore.QPointF(head, y - half),
                                         QtCore.QPointF(head, y + half)]))


def paint_row_names(painter: QtGui.QPainter, theme: Theme, layout: GridLayout, directions: int) -> None:
    """Each row named at its left. With two directions a layer is named once, beside its
    two rows, each of which has its arrow: a name two rows tall keeps presentation mode's
    size where the rows are thinner than a line."""
    painter.setPen(QtGui.QColor(theme.foreground))
    right = layout.left - theme.px(8)
    pitches = [b - a for a, b in zip(layout.tops, layout.tops[1:])]
    if directions == 1:
        painter.setFont(_fitted_font(theme, min(pitches, default=float("inf"))))
        for key, top in zip(layout.keys, layout.tops, strict=True):
            _paint_name(painter, theme, right, top + layout.height / 2, layout.height, row_label(key, 1))
        return
    pitch = min(pitches, default=layout.height)
    arrow_width = theme.px(ARROW_PX)
    for key, top in zip(layout.keys, layout.tops, strict=True):
        _direction_arrow(painter, theme, right - arrow_width, right, top + layout.height / 2, pitch, key[1] == 1)
    firsts = layout.tops[::2]
    spans = [b - a for a, b in itertools.pairwise(firsts)]
    painter.setFont(_fitted_font(theme, min(spans, default=float("inf"))))
    space = QtGui.QFontMetricsF(painter.font()).horizontalAdvance(" ")
    painter.setPen(QtGui.QColor(theme.foreground))
    for key, top in zip(layout.keys[::2], firsts, strict=True):
        height = layout.tops[layout.row_of((key[0], 1))] + layout.height - top
        _paint_name(painter, theme, right - arrow_width - space, top + height / 2, height, row_label(key, 1))
    painter.setBrush(QtCore.Qt.BrushStyle.NoBrush)


def paint_grid(painter: QtGui.QPainter, theme: Theme, layout: GridLayout, state: GridState, directions: int,
               font: QtGui.QFont, width: float, show_cursor: bool, on_paper: bool) -> None:
    """The whole grid, cells or strips as `layout` says."""
    paint_row_names(painter, theme, layout, directions)
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
    bottom, line = layout.bottom, QtGui.QFontMetricsF(painter.font()).height()
    painter.setPen(frame)
    for tick in timestep_ticks(T, target=8):  # in the room `strip_margins` keeps below
        x = left + layout.pitch * (tick - 0.5)
        painter.drawLine(QtCore.QPointF(x, bottom), QtCore.QPointF(x, bottom + theme.px(TICK_PX)))
        painter.drawText(QtCore.QRectF(x - theme.px(40), bottom + theme.px(TICK_PX + 1), theme.px(80), line), CENTRE,
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
    over = layout.top - theme.px(CURSOR_OVERHANG_PX)
    painter.drawLine(QtCore.QPointF(x, over), QtCore.QPointF(x, top + layout.height))
    centre = min(max(x, left + theme.px(60)), width - theme.px(60))
    painter.drawText(QtCore.QRectF(centre - theme.px(60), over - theme.px(1) - line, theme.px(120), line), CENTRE,
                     f"t = {t}")

"""The compact forms of the diagram for long T and for a lesson's stage: the strip, one
thin column per timestep coloured as the cells would be, with its ticks, the cursor at the
current timestep and (on paper) the colour scale; folded, a single row."""

from __future__ import annotations

import numpy as np
from PySide6 import QtCore, QtGui

from ...theme import VERMILION, Theme, timestep_ticks
from .colours import PassState, gradient_colour, gradient_scale, strip_colours
from .geometry import EDGE_PX
from .labels import power_text

FOLDED_FIRST = "t = 1"  # the folded strip's left end: a timestep, not the least value of a scale
WIDEST_RANGE = ("8·10⁻¹⁸", "8·10⁻¹⁸")  # the folded name's room for its value range


def folded_name(top_layer: int | None, value_range: tuple[str, str] | None) -> str:
    """The folded strip's name: which row it is (a stack's top layer, numbered from 1;
    None for one layer) and the range of its ||dL/dh_t||, as the handout's figure names it."""
    parts = [] if top_layer is None else [f"layer {top_layer} (top)"]
    if value_range is not None:
        parts.append(f"||dL/dh_t|| {value_range[0]} … {value_range[1]}")
    return ", ".join(parts)


def _strip_image(state: PassState, theme: Theme) -> tuple[QtGui.QImage, np.ndarray]:
    """One pixel per timestep, coloured with NumPy, to be scaled: T can be thousands. The
    array is returned too: the image uses its memory, which must live while it is drawn."""
    colours = strip_colours(state.forward_done, state.norms, state.done_back, state.bad_from, theme)
    T = colours.shape[1]
    return QtGui.QImage(colours.data, T, 1, 4 * T, QtGui.QImage.Format.Format_RGBA8888), colours


def _paint_band(painter: QtGui.QPainter, theme: Theme, band: QtCore.QRectF, state: PassState) -> None:
    """The strip's columns in `band`, framed."""
    image, _alive = _strip_image(state, theme)
    painter.drawImage(band, image)
    painter.setPen(QtGui.QPen(QtGui.QColor(theme.foreground), theme.px(1)))
    painter.setBrush(QtCore.Qt.BrushStyle.NoBrush)
    painter.drawRect(band)


def paint_strip(painter: QtGui.QPainter, theme: Theme, band: QtCore.QRectF, state: PassState, width: float,
                show_cursor: bool, on_paper: bool) -> None:
    """The strip in `band` (of a widget `width` wide) with its ticks below; the cursor and
    its "t = ..." above on screen, the colour scale above on paper."""
    T = len(state.norms)
    left, top, right, bottom = band.left(), band.top(), band.right(), band.bottom()
    span = band.width() / T
    _paint_band(painter, theme, band, state)
    for tick in timestep_ticks(T, target=8):
        x = left + span * (tick - 0.5)
        painter.drawLine(QtCore.QPointF(x, bottom), QtCore.QPointF(x, bottom + theme.px(5)))
        label = QtCore.QRectF(x - theme.px(40), bottom + theme.px(6), theme.px(80), theme.px(20))
        painter.drawText(label, QtCore.Qt.AlignmentFlag.AlignCenter, str(tick))
    if on_paper and state.done_back.any():
        paint_colour_scale(painter, theme, state.norms[state.done_back], right, top)
    if state.t is not None and show_cursor:
        x = left + span * (state.t - 0.5)
        painter.setPen(QtGui.QPen(QtGui.QColor(VERMILION), theme.px(3)))
        painter.drawLine(QtCore.QPointF(x, top - theme.px(10)), QtCore.QPointF(x, bottom + theme.px(4)))
        # kept inside the widget: "t = 1000" at the right edge is not cut to "t = 100"
        centre = min(max(x, theme.px(60)), width - theme.px(60))
        label = QtCore.QRectF(centre - theme.px(60), top - theme.px(32), theme.px(120), theme.px(20))
        painter.drawText(label, QtCore.Qt.AlignmentFlag.AlignCenter, f"t = {state.t}")


def paint_colour_scale(painter: QtGui.QPainter, theme: Theme, norms: np.ndarray, right: float, top: float) -> None:
    """The strip's colours as numbers, in the band above it (the window's cursor label
    stands there; a figure has none): "||dL/dh_t||  2·10⁻⁷ [pale .. dark] 0.3", right-aligned."""
    low, high = gradient_scale(norms)
    font = theme.qfont(0.85)
    metrics = QtGui.QFontMetricsF(font)
    painter.setFont(font)
    painter.setPen(QtGui.QColor(theme.foreground))
    bar_width, bar_height, gap = theme.px(140), theme.px(12), theme.px(6)
    words = ("||dL/dh_t||", power_text(low), power_text(high))
    widths = [metrics.horizontalAdvance(w) for w in words]
    middle = max(top - theme.px(18), metrics.height() / 2)
    x = right - widths[2] - gap - bar_width - gap - widths[1] - 2 * gap - widths[0]
    for word, width in zip(words[:2], widths[:2], strict=True):
        painter.drawText(QtCore.QRectF(x, middle - metrics.height() / 2, width + 1, metrics.height()),
                         QtCore.Qt.AlignmentFlag.AlignVCenter, word)
        x += width + (2 * gap if word == words[0] else gap)
    bar = QtCore.QRectF(x, middle - bar_height / 2, bar_width, bar_height)
    fill = QtGui.QLinearGradient(bar.topLeft(), bar.topRight())
    fill.setColorAt(0.0, gradient_colour(0.0))
    fill.setColorAt(1.0, gradient_colour(1.0))
    painter.fillRect(bar, fill)
    painter.setBrush(QtCore.Qt.BrushStyle.NoBrush)
    painter.drawRect(bar)
    painter.drawText(QtCore.QRectF(bar.right() + gap, middle - metrics.height() / 2, widths[2] + 1,
                                   metrics.height()), QtCore.Qt.AlignmentFlag.AlignVCenter, words[2])


def paint_folded(painter: QtGui.QPainter, theme: Theme, span: tuple[float, float], state: PassState,
                 width: float, font: QtGui.QFont, show_cursor: bool, name: str = "") -> None:
    """One row: `name` (`folded_name`), "t = 1", the strip over `span`, "T", and the
    current timestep named at the right end (nothing to collide with), marked across the strip."""
    T = len(state.norms)
    left, right = span
    metrics = QtGui.QFontMetricsF(font)
    top, height = theme.px(3), metrics.height()
    _paint_band(painter, theme, QtCore.QRectF(left, top, right - left, height), state)
    gap = theme.px(6)
    middle = QtCore.Qt.AlignmentFlag.AlignVCenter
    if name:
        painter.drawText(QtCore.QRectF(theme.px(EDGE_PX), top, metrics.horizontalAdvance(name) + 1, height),
                         QtCore.Qt.AlignmentFlag.AlignLeft | middle, name)
    one = metrics.horizontalAdvance(FOLDED_FIRST) + 1
    painter.drawText(QtCore.QRectF(left - gap - one, top, one, height), QtCore.Qt.AlignmentFlag.AlignRight | middle,
                     FOLDED_FIRST)
    painter.drawText(QtCore.QRectF(right + gap, top, metrics.horizontalAdvance(str(T)) + gap, height),
                     QtCore.Qt.AlignmentFlag.AlignLeft | middle, str(T))
    if state.t is not None and show_cursor:
        x = left + (right - left) / T * (state.t - 0.5)
        painter.setPen(QtGui.QPen(QtGui.QColor(VERMILION), theme.px(3)))
        painter.drawLine(QtCore.QPointF(x, top - theme.px(2)), QtCore.QPointF(x, top + height + theme.px(2)))
        label_width = metrics.horizontalAdvance(f"t = {T}")
        label = QtCore.QRectF(width - theme.px(EDGE_PX) - label_width, top, label_width, height)
        painter.drawText(label, QtCore.Qt.AlignmentFlag.AlignRight | middle, f"t = {state.t}")

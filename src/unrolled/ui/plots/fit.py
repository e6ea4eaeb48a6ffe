"""Room for a plot's text at any scale: pyqtgraph sizes some of it for its own default
font (a 30 px title row; tick labels hidden as soon as they pass the end of their axis),
so at 300 dpi a title is cut at the top and overprints the data, and the tick at t = T
(and t = 1) silently disappears."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6 import QtGui

from .. import theme

WIDEST_END_TICK = "0000"  # the widest integer label at either end of an axis: t = 1000


def fit_title(plot: pg.PlotItem) -> None:
    """The title row as tall as the title's lines, plus a little air above the data."""
    label = plot.titleLabel
    if not label.isVisible():
        return
    height = label.item.boundingRect().height() + theme.px(2)
    label.setMaximumHeight(height)
    plot.layout.setRowFixedHeight(0, height)


def end_tick_room(plot: pg.PlotItem, font: QtGui.QFont | None = None) -> float:
    """Let the bottom axis draw labels up to half the widest one beyond its ends (the
    tick at t = T of a plot whose view ends at T + 0.5), with the plot's right margin
    widened to hold it; returns that half width."""
    metrics = QtGui.QFontMetricsF(font or theme.qfont())
    half = metrics.horizontalAdvance(WIDEST_END_TICK) / 2 + 1
    plot.getAxis("bottom").setStyle(hideOverlappingLabels=int(half + 1))
    left, top, right, bottom = plot.layout.getContentsMargins()
    plot.layout.setContentsMargins(left, top, max(right, half), bottom)
    return half

"""A plot styled at a theme's scale and colours: fonts, pens, outward ticks, room
for labels, whole-number timestep ticks. Here, above the theme (which is data only), because
it lays plots out with the plots' own fitting (fit.py) and axes (axes.py)."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6 import QtGui

from ..theme import Theme, timestep_ticks
from .axes import IntegerAxis
from .fit import end_tick_room, fit_title, wrap_title


def style_plot(plot, theme: Theme, title: str | None = None, labels: dict[str, str] | None = None,
               widest_tick: str = "-0.000") -> None:
    """Fonts, pens and ticks of a pyqtgraph PlotItem at `theme`'s scale and colours.
    Ticks point outwards: pyqtgraph's default inward ticks make every axis overlap its
    view, so each data update repaints the axes' text too (the main cost per frame)."""
    fg = theme.foreground
    if title is not None:
        wrap_title(plot, theme)  # wrapped to the plot's width, not as wide as its text
        plot.setTitle(title, size=f"{theme.points(1.15):.1f}pt", color=fg)
    for name in ("left", "bottom", "right", "top"):
        axis = plot.getAxis(name)
        axis.setStyle(tickLength=int(theme.px(5)), tickFont=theme.qfont(), tickTextOffset=int(theme.px(3)))
        axis.setPen(theme.pen(fg, 1.0))
        axis.setTextPen(fg)
        axis.enableAutoSIPrefix(False)
    for name, text in (labels or {}).items():
        plot.setLabel(name, text, **{"font-size": f"{theme.points():.1f}pt", "color": fg})
    # pyqtgraph sizes the bottom axis for its default font; at other scales the label
    # would sit on the tick numbers, so give it the height the fonts need
    line = QtGui.QFontMetricsF(theme.qfont()).height()
    has_label = bool(labels and "bottom" in labels)
    plot.getAxis("bottom").setHeight(int(theme.px(5 + 3 + 4) + line * (2.2 if has_label else 1.2)))
    if labels and "left" in labels:  # room for the rotated label beside the widest numbers
        numbers = QtGui.QFontMetricsF(theme.qfont()).horizontalAdvance(widest_tick)
        plot.getAxis("left").setWidth(int(theme.px(5 + 3 + 6) + line * 1.3 + numbers))
    fit_title(plot, theme)  # pyqtgraph's title row is 30 px at any font size
    end_tick_room(plot, theme.qfont())  # the tick at t = T drawn, not hidden for passing the axis's end


def colour_bar(layout, image, colour_map, theme: Theme, label: str | None = None):
    """A colour bar for `image` beside it in `layout` (row 0, column 1), values -1..1 until
    set, its axis as the heatmaps' bars: a readable font, wide enough for "-10.5", the label
    beside the numbers; the layout's margins leave room for the end labels, which stand half
    a line beyond the bar."""
    bar = pg.ColorBarItem(values=(-1, 1), colorMap=colour_map, width=theme.px(12), interactive=False)
    axis = bar.axis
    line = QtGui.QFontMetricsF(theme.qfont(0.9)).height()
    axis.setStyle(tickFont=theme.qfont(0.9), tickLength=int(theme.px(4)), hideOverlappingLabels=int(line))
    axis.enableAutoSIPrefix(False)  # -0.65, not "-650" and "(x0.001)" in the bar's title
    if label is not None:
        axis.setLabel(label, **{"font-size": f"{theme.points(0.9):.1f}pt", "color": theme.foreground})
    axis.setWidth(int(QtGui.QFontMetricsF(theme.qfont(0.9)).horizontalAdvance("-00.00") + theme.px(12) + line * 1.3))
    layout.ci.setContentsMargins(theme.px(2), line * 0.6, theme.px(4), line * 0.6)
    axis.setPen(theme.pen(theme.foreground, 1.0))
    axis.setTextPen(theme.foreground)
    bar.setImageItem(image)
    layout.addItem(bar, row=0, col=1)
    return bar


def set_integer_ticks(axis, T: int, target: int = 10) -> None:
    """Whole-number ticks on a timestep or iteration axis (never t = 1.5); an IntegerAxis
    chooses how many from its length instead of `target`."""
    if isinstance(axis, IntegerAxis):
        axis.set_last(T)
        return
    axis.setTicks([[(t, str(t)) for t in timestep_ticks(T, target)], []])

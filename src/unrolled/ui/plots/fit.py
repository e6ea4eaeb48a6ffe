"""Room for a plot's text at any scale: pyqtgraph sizes some of it for its own default
font (a 30 px title row; tick labels hidden as soon as they pass the end of their axis),
so at 300 dpi a title is cut at the top and overprints the data, and the tick at t = T
(and t = 1) silently disappears; and a title is as wide as its text, so a long title
makes its plot (and the figure) wider than a paper column."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pyqtgraph as pg
import shiboken6
from PySide6 import QtCore, QtGui

from ..theme import Theme

WIDEST_END_TICK = "0000"  # the widest integer label at either end of an axis: t = 1000


class WrappedTitle(pg.LabelItem):
    """A plot's title over the whole plot, axes included, wrapped onto as many lines as
    its width needs: it never asks for more width than the plot has, and its row is as
    tall as its lines. It may hold the plot's legend below its lines (`hold_legend`):
    outside the data area, so the legend never covers a curve nor squeezes the curves
    to make room for itself."""

    def __init__(self, plot: pg.PlotItem, theme: Theme):
        super().__init__("", parent=plot, size="11pt")
        self._plot = plot
        self._theme = theme
        # air between the title and the data, at the scale it was built at: half a line of
        # tick labels, for the label of a tick at the very top of the left axis
        line = QtGui.QFontMetricsF(theme.qfont()).height()
        self._gap = theme.px(2) + line / 2
        # which the left axis may then use: its top label is drawn, not silently dropped
        plot.getAxis("left").setStyle(hideOverlappingLabels=int(line / 2) + 1)
        self._legend: pg.LegendItem | None = None
        self._fitting = False
        document = self.item.document()
        option = document.defaultTextOption()
        option.setAlignment(QtCore.Qt.AlignmentFlag.AlignHCenter)
        document.setDefaultTextOption(option)
        document.setDocumentMargin(theme.px(2))  # Qt's 4 px at any scale: too much at 300 dpi, too little at 8 pt

    # on screen, a title may name a shorter form (the symbol alone, "h_t") to show when the
    # whole one would need a second line and take the data's height; the tooltip keeps the rest
    short: str | None = None
    _full: str | None = None
    _swapping = False

    def setText(self, text, **args) -> None:
        if not self._swapping:
            self._full = text
        self.item.setTextWidth(-1)
        super().setText(text, **args)
        if hasattr(self, "_plot") and not self._swapping:  # pyqtgraph's __init__ sets a first text
            self._wrap(self.width())

    def _show(self, text: str) -> None:
        """The whole title or its short form, without forgetting the whole one."""
        if self.text != text:
            self._swapping = True
            try:
                super().setText(text)
            finally:
                self._swapping = False

    def resizeEvent(self, ev) -> None:
        if not hasattr(self, "_plot"):
            return super().resizeEvent(ev)
        if not shiboken6.isValid(self._plot):
            return None  # being deleted with its plot
        try:
            self._wrap(self.width())
            # the lines at the top, centred across; the legend (if any) below them
            self.item.setPos(0, 0)
            bounds = self.itemRect()
            self.item.setPos(self.rect().center().x() - bounds.center().x(), -bounds.top())
            self.updateMin()
        except RuntimeError:
            # Qt resizes the title while it deletes the plot (a window closing, the
            # application quitting): nothing is left to lay out. Raised into Qt instead,
            # the error would be printed by shiboken from C++, which crashes at exit.
            pass
        return None

    def hold_legend(self, legend: pg.LegendItem) -> None:
        """Draw `legend` below the title's lines, with as many columns as the plot's width
        holds, and keep it there as its entries change."""
        self._legend = legend
        legend.setParentItem(self)
        legend.geometryChanged.connect(self._on_legend_changed)
        self.fit_row()

    @contextlib.contextmanager
    def one_fit(self) -> Iterator[None]:
        """The legend's entries changed inside the block are laid out once, after it: each
        fit lays the legend out at every column count, so one per entry is most of a frame."""
        held, self._fitting = self._fitting, True
        try:
            yield
        finally:
            self._fitting = held
        self.fit_row()

    def _on_legend_changed(self) -> None:
        if not self._fitting and shiboken6.isValid(self._plot):
            with contextlib.suppress(RuntimeError):  # the legend changes as its plot is deleted: see resizeEvent
                self.fit_row()

    def _wrap(self, width: float) -> None:
        """Lines no wider than `width` (one line when the text fits), and the title row
        as tall as they are."""
        if self.short is not None and self._full is not None and not self._swapping:
            self._show(self._full)
            self.item.setTextWidth(-1)
            if 0 < width < self.item.boundingRect().width():
                self._show(self.short)
        self.item.setTextWidth(-1)
        natural = self.item.boundingRect().width()
        self.item.setTextWidth(width if 0 < width < natural else -1.0)
        self.fit_row()

    def _fit_legend(self) -> float:
        """Lay the legend out in as many columns as fit the width; returns its height."""
        legend = self._legend
        if legend is None or not legend.items:
            return 0.0
        width = self.width()
        if width <= 0:  # not laid out yet: its first width fits it (resizeEvent)
            return 0.0
        for _, label in legend.items:  # rows as tall as their text, not Qt's text margins
            if label.item.document().documentMargin() != 0:
                label.item.document().setDocumentMargin(0)
                label.updateMin()
        size = QtCore.QSizeF()
        for columns in range(len(legend.items), 0, -1):
            legend.setColumnCount(columns)
            size = legend.layout.effectiveSizeHint(QtCore.Qt.SizeHint.PreferredSize)
            if size.width() <= width:
                break
        legend.setGeometry(QtCore.QRectF(0, 0, size.width(), size.height()))
        legend.anchor(itemPos=(0.5, 1), parentPos=(0.5, 1), offset=(0, -self._gap))
        return size.height()

    def fit_row(self) -> None:
        """The title row as tall as the title's lines, the legend and the air below them."""
        if self._fitting or not self.isVisible() or self._plot.titleLabel is not self:
            return
        self._fitting = True
        try:
            legend = self._fit_legend()
            height = self.item.boundingRect().height() + self._gap + (legend + self._theme.px(2) if legend else 0.0)
        finally:
            self._fitting = False
        if abs(self.maximumHeight() - height) > 0.5:
            self.setMaximumHeight(height)
            self._plot.layout.setRowFixedHeight(0, height)

    def updateMin(self) -> None:
        """As tall as its lines, but no minimum width: the plot's width decides the lines."""
        super().updateMin()
        height = self.itemRect().height()
        self.setMinimumWidth(0)
        self._sizeHint[QtCore.Qt.SizeHint.MinimumSize] = (0, height)
        self._sizeHint[QtCore.Qt.SizeHint.PreferredSize] = (0, height)
        self.updateGeometry()


def legend_above(plot: pg.PlotItem) -> None:
    """The plot's legend (`plot.addLegend`) above its data, under its title: never on
    a curve, whatever the curves do, and never taking the curves' height."""
    title = plot.titleLabel
    if not isinstance(title, WrappedTitle):
        raise TypeError("legend_above: style the plot with a title first (plots.style.style_plot)")
    title.hold_legend(plot.legend)


def wrap_title(plot: pg.PlotItem, theme: Theme) -> WrappedTitle:
    """Replace pyqtgraph's title label (as wide as its text, over the data column only) by
    a WrappedTitle spanning the plot's columns; call before `plot.setTitle`."""
    old = plot.titleLabel
    if isinstance(old, WrappedTitle):
        return old
    title = WrappedTitle(plot, theme)
    plot.layout.removeItem(old)
    old.setParentItem(None)
    if old.scene() is not None:
        old.scene().removeItem(old)
    plot.titleLabel = title
    plot.layout.addItem(title, 0, 0, 1, 3)
    title.setVisible(old.isVisible())
    return title


def fit_title(plot: pg.PlotItem, theme: Theme) -> None:
    """The title row as tall as the title's lines, plus a little air above the data."""
    label = plot.titleLabel
    if isinstance(label, WrappedTitle):
        label.fit_row()
        return
    if not label.isVisible():
        return
    height = label.item.boundingRect().height() + theme.px(2)
    label.setMaximumHeight(height)
    plot.layout.setRowFixedHeight(0, height)


def end_tick_room(plot: pg.PlotItem, font: QtGui.QFont) -> float:
    """Let the bottom axis draw labels up to half the widest one beyond its ends (the
    tick at t = T of a plot whose view ends at T + 0.5), with the plot's right margin
    widened to hold it; returns that half width."""
    metrics = QtGui.QFontMetricsF(font)
    half = metrics.horizontalAdvance(WIDEST_END_TICK) / 2 + 1
    plot.getAxis("bottom").setStyle(hideOverlappingLabels=int(half + 1))
    left, top, right, bottom = plot.layout.getContentsMargins()
    plot.layout.setContentsMargins(left, top, max(right, half), bottom)
    return half

"""The Theory panel's arrangement, for the height a dock has. The controls take two rows
(the matrix and the rho box; the slider) and a stack's layer one more, the readout (rho,
sigma_max, what rho says, what the worker did) is under them, and the eigenvalue and
Jacobian plots share the rest, each with at least DATA_MIN_PX of data. Where the readout
and two such plots do not fit (presentation mode on a 768 or 720-line projector) the panel
is compact, rather than the Jacobian plot going below the fold: the verdict and the
worker's line take a line each (cut, the whole in their tooltips), the Jacobian plot loses
its title (its legend names the curve, its axis T - t) and the bound's legend its second
line, and the eigenvalue plot the "Re" under its axis ("Im" beside the other says which is
which). Shorter still, the plots scroll."""

from __future__ import annotations

from collections.abc import Callable

from PySide6 import QtCore, QtWidgets

from .. import theme

# A plot's least height: DATA_MIN_PX of data and its title and axes, in pixels fixed and
# pixels times the theme's scale (measured on the eigenvalue plot, the taller: 96 px at
# scale 1, 143 at F5's 1.6; of that the title 31 and 47, the "Re" under the axis 24 at 1.6)
CHROME_PX = (18, 78)
TITLE_PX = (4, 27)
AXIS_LABEL_PX = (2, 14)
DATA_MIN_PX = 100
SPACING_PX = 4


def _px(fixed_and_scaled: tuple[int, int]) -> int:
    fixed, scaled = fixed_and_scaled
    return round(fixed + scaled * theme.THEME.scale)


def plot_min_height() -> int:
    return _px(CHROME_PX) + DATA_MIN_PX


def show_axis_name(plot, theme_: theme.Theme, shown: bool) -> None:
    """The bottom axis's name shown or not, the axis as tall as its lines (as style_plot)."""
    from PySide6 import QtGui

    axis = plot.getAxis("bottom")
    axis.showLabel(shown)
    line = QtGui.QFontMetricsF(theme_.qfont()).height()
    axis.setHeight(int(theme_.px(5 + 3 + 4) + line * (2.2 if shown else 1.2)))


def control_rows(layer: QtWidgets.QWidget, matrix: QtWidgets.QWidget, rho_box: QtWidgets.QWidget,
                 slider: QtWidgets.QWidget) -> QtWidgets.QVBoxLayout:
    """The layer's box in a row of its own (a stack's only; its entries name themselves:
    "layer 2 reverse"), the matrix and the rho box in one row, as narrow as the panel was
    with them in rows of their own (the docks' column must not widen a 1280 px window in
    F5), the slider in a row of its own: the panel's whole width to drag over."""
    row = QtWidgets.QHBoxLayout()
    for text, box, stretch in (("Matrix", matrix, 1), ("ρ(U)", rho_box, 0)):
        label = QtWidgets.QLabel(text)
        label.setBuddy(box)
        label.setToolTip(box.toolTip())
        row.addWidget(label)
        row.addWidget(box, stretch)
    rows = QtWidgets.QVBoxLayout()
    rows.setSpacing(SPACING_PX)
    rows.addWidget(layer, 0, QtCore.Qt.AlignmentFlag.AlignLeft)
    rows.addLayout(row)
    rows.addWidget(slider)
    return rows


class FoldingLabel(QtWidgets.QLabel):
    """Plain text, wrapped; folded, one line cut with "..." and the whole text in its tooltip."""

    def __init__(self):
        super().__init__()
        self._text = ""
        self.folded = False
        self.setWordWrap(True)
        self.setTextFormat(QtCore.Qt.TextFormat.PlainText)
        self.setMinimumWidth(1)

    def text(self) -> str:  # the whole text, folded or not
        return self._text

    def setText(self, text: str) -> None:
        self._text = text
        self._show()

    def fold(self, folded: bool) -> None:
        if folded != self.folded:
            self.folded = folded
            self.setWordWrap(not folded)
            self._show()

    def wrapped_height(self, width: int) -> int:
        """The height of the whole text wrapped at `width`, folded or not."""
        flags = int(QtCore.Qt.TextFlag.TextWordWrap)
        return self.fontMetrics().boundingRect(QtCore.QRect(0, 0, max(width, 1), 1 << 20), flags, self._text).height()

    def _show(self) -> None:
        cut = self.fontMetrics().elidedText(self._text, QtCore.Qt.TextElideMode.ElideRight, self.width())
        shown = cut if self.folded else self._text
        super().setText(shown)
        self.setToolTip(self._text if shown != self._text else "")

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.folded and event.size().width() != event.oldSize().width():
            self._show()


class PanelFit(QtCore.QObject):
    """Watches the viewport of the scroll area that holds `plots` (the eigenvalue and the
    Jacobian plots' widgets, one above the other, the readout's labels above the area) and
    the labels' text, and makes the panel compact (`compact(True)`) when the whole readout
    and two plots of the least height do not fit."""

    def __init__(self, area: QtWidgets.QScrollArea, plots: QtWidgets.QWidget, numbers: QtWidgets.QLabel,
                 folding: tuple[FoldingLabel, ...], graphics: tuple[QtWidgets.QWidget, QtWidgets.QWidget],
                 compact: Callable[[bool], None]):
        super().__init__(area)
        self.viewport, self.plots, self.numbers, self.folding, self.graphics = (
            area.viewport(), plots, numbers, folding, graphics)
        self._compact = compact
        self.compact = False
        for watched in (self.viewport, numbers, *folding):
            watched.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:
        if event.type() in (QtCore.QEvent.Type.Resize, QtCore.QEvent.Type.LayoutRequest):
            self.refit()
        return False

    def _folding_height(self, folded: bool) -> int:
        return sum(label.fontMetrics().height() if folded else label.wrapped_height(label.width())
                   for label in self.folding)

    def refit(self) -> None:
        least = plot_min_height()
        # the viewport's height with the readout whole: the choice never flips back and forth
        unfolded = self.viewport.height() + self._folding_height(self.compact) - self._folding_height(False)
        compact = unfolded < 2 * least + SPACING_PX
        if compact != self.compact:
            self.compact = compact
            for label in self.folding:
                label.fold(compact)
            self._compact(compact)
        eigen, jacobians = self.graphics
        eigen.setMinimumHeight(least - _px(AXIS_LABEL_PX) if compact else least)
        jacobians.setMinimumHeight(least - _px(TITLE_PX) if compact else least)
        self.plots.setMinimumHeight(eigen.minimumHeight() + jacobians.minimumHeight() + SPACING_PX)

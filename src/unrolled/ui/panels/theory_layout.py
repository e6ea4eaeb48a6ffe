"""The Theory panel's arrangement, for the height a dock has. The controls take two rows
(the matrix and the rho box; the slider, beside a stack's layer box), the readout (rho,
sigma_max, what rho says, what the worker did) is under them, and the eigenvalue and
Jacobian plots share the rest, each with at least DATA_MIN_PX of data. Where the readout
and two such plots do not fit (presentation mode on a 768 or 720-line projector) the panel
is compact, rather than the Jacobian plot going below the fold: the verdict and the
worker's line take a line each (cut, the whole in their tooltips), the Jacobian plot loses
its title (its legend names the curve, its axis T - t) and the bound's legend its second
line, and the eigenvalue plot the "Re" under its axis ("Im" beside the other says which is
which). Shorter (a lesson frames the panel beside its text), the panel is tight: those two
lines go, and the eigenvalue plot's title and Re's numbers; shorter still, the eigenvalue
plot's data yields (PanelFit). The Jacobian plot's legend is a line of text above it,
wrapped: never on the curves, never cut at the panel's edge."""

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
AXIS_VALUES_PX = (4, 18)  # the numbers under an axis: the eigenvalue plot's go when tight
DATA_MIN_PX = 100
EIGEN_LEAST_PX = 50  # the unit circle and the eigenvalues on it still tell inside from outside
SPACING_PX = 4


def _px(fixed_and_scaled: tuple[int, int]) -> int:
    fixed, scaled = fixed_and_scaled
    return round(fixed + scaled * theme.THEME.scale)


def plot_min_height() -> int:
    return _px(CHROME_PX) + DATA_MIN_PX


def show_axis_name(plot, theme_: theme.Theme, shown: bool, values: bool = True) -> None:
    """The bottom axis's name and its numbers shown or not, the axis as tall as its lines
    (as style_plot); without numbers the plot's aspect and the other axis give the scale."""
    from PySide6 import QtGui

    axis = plot.getAxis("bottom")
    axis.showLabel(shown)
    axis.setStyle(showValues=values)
    line = QtGui.QFontMetricsF(theme_.qfont()).height()
    axis.setHeight(int(theme_.px(5 + 3 + 4) + line * ((1.0 if shown else 0.0) + (1.2 if values else 0.0))))


def control_rows(layer: QtWidgets.QWidget, matrix: QtWidgets.QWidget, rho_box: QtWidgets.QWidget,
                 slider: QtWidgets.QWidget) -> QtWidgets.QVBoxLayout:
    """The matrix and the rho box in one row, as narrow as the panel was with them in rows
    of their own (the docks' column must not widen a 1280 px window in F5); under them the
    slider, beside a stack's layer box (its entries name themselves: "layer 2 reverse"), or
    over the panel's whole width with one layer: a row fewer for the plots in a short dock."""
    row = QtWidgets.QHBoxLayout()
    for text, box, stretch in (("Matrix", matrix, 1), ("ρ(U)", rho_box, 0)):
        label = QtWidgets.QLabel(text)
        label.setBuddy(box)
        label.setToolTip(box.toolTip())
        row.addWidget(label)
        row.addWidget(box, stretch)
    under = QtWidgets.QHBoxLayout()
    under.addWidget(layer)
    under.addWidget(slider, 1)
    rows = QtWidgets.QVBoxLayout()
    rows.setSpacing(SPACING_PX)
    rows.addLayout(row)
    rows.addLayout(under)
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


class LegendLine(QtWidgets.QLabel):
    """Rich text wrapped to its width, as tall as its lines, which it sets itself: a label
    whose height is asked for its width makes the scroll area size the plots' column at its
    plots' preferred heights instead of the panel's."""

    def __init__(self):
        super().__init__()
        self.setTextFormat(QtCore.Qt.TextFormat.RichText)
        self.setWordWrap(True)
        self.setMinimumWidth(1)
        self.setSizePolicy(QtWidgets.QSizePolicy.Policy.Ignored, QtWidgets.QSizePolicy.Policy.Fixed)

    def hasHeightForWidth(self) -> bool:
        return False

    def _fit(self) -> None:
        height = self.heightForWidth(max(self.width(), 1)) if self.text() else 0
        if height != self.maximumHeight():
            self.setFixedHeight(height)

    def setText(self, text: str) -> None:
        super().setText(text)
        self._fit()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self._fit()


class PanelFit(QtCore.QObject):
    """Watches the viewport of the scroll area that holds `plots` (the eigenvalue plot, the
    legend and the Jacobian plot, one above the other; the readout's labels above the area)
    and the labels' text, and chooses how much of the panel gives way (`level`, given to
    `compact`): 0 nothing; 1 (compact) the folding lines fold, the Jacobian plot's title and
    the eigenvalue plot's "Re" go; 2 (tight) the folding lines go (the numbers' tooltip has
    them) and the eigenvalue plot's title too; the first level whose two plots fit with
    DATA_MIN_PX of data each. Tight and still too short, the eigenvalue plot's data yields
    down to EIGEN_LEAST_PX: the Jacobian plot, its legend and its axis stay whole."""

    def __init__(self, area: QtWidgets.QScrollArea, plots: QtWidgets.QWidget, numbers: QtWidgets.QLabel,
                 folding: tuple[FoldingLabel, ...], graphics: tuple[QtWidgets.QWidget, QtWidgets.QWidget],
                 legend: QtWidgets.QLabel, compact: Callable[[int], None]):
        super().__init__(area)
        self.viewport, self.plots, self.numbers, self.folding, self.graphics, self.legend = (
            area.viewport(), plots, numbers, folding, graphics, legend)
        self._compact = compact
        self.level = 0
        self._queued = False
        for watched in (self.viewport, numbers, legend, *folding):
            watched.installEventFilter(self)

    @property
    def compact(self) -> bool:
        return self.level >= 1

    @property
    def tight(self) -> bool:
        return self.level >= 2

    def eventFilter(self, watched, event) -> bool:
        # after the event: a refit hides, refolds and resizes the very widgets watched
        if event.type() in (QtCore.QEvent.Type.Resize, QtCore.QEvent.Type.LayoutRequest) and not self._queued:
            self._queued = True
            QtCore.QTimer.singleShot(0, self, self.refit)
        return False

    def _folding_height(self, level: int) -> int:
        if level >= 2:
            return 0
        return sum(label.fontMetrics().height() if level == 1 else label.wrapped_height(label.width())
                   for label in self.folding)

    def _plot_heights(self, level: int) -> tuple[int, int]:
        """(eigenvalue plot, Jacobian plot) least heights at `level`, DATA_MIN_PX of data each."""
        least = plot_min_height()
        eigen = least - (_px(AXIS_LABEL_PX) if level >= 1 else 0) - (
            _px(TITLE_PX) + _px(AXIS_VALUES_PX) if level >= 2 else 0)
        return eigen, least - (_px(TITLE_PX) if level >= 1 else 0)

    def refit(self) -> None:
        self._queued = False
        legend = self.legend.maximumHeight() if self.legend.isVisibleTo(self.plots) else 0
        # the viewport's height with the readout whole: the choice never flips back and forth
        whole = self.viewport.height() + self._folding_height(self.level) - self._folding_height(0)

        def room(level: int) -> int:
            return whole + self._folding_height(0) - self._folding_height(level) - legend - 2 * SPACING_PX

        level = next((level for level in (0, 1) if sum(self._plot_heights(level)) <= room(level)), 2)
        if level != self.level:
            self.level = level
            for label in self.folding:
                label.fold(level >= 1)
                label.setVisible(level < 2)
            self._compact(level)
        eigen, jacobians = self._plot_heights(level)
        if eigen + jacobians > room(level):  # too short even so: the eigenvalues' data yields
            eigen = max(eigen - DATA_MIN_PX + EIGEN_LEAST_PX, room(level) - jacobians)
        self.graphics[0].setMinimumHeight(eigen)
        self.graphics[1].setMinimumHeight(jacobians)
        self.plots.setMinimumHeight(eigen + jacobians + legend + 2 * SPACING_PX)

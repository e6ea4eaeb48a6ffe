"""The gradient across time and depth in one picture: log10 ||dL/dh_t|| of every layer and
direction, t across, the layers down (the top layer, which the loss reads, at the top), on
one colour scale. Where the gradient dies back in time and down the layers can be seen at
once. Cells the backward pass has not reached are empty; inf and nan are painted in the
OVERFLOW colour, as the heatmaps paint them; a norm of exactly 0 (a timestep no loss term
reaches) lies below every decade and is painted grey. The title names the two colours
when they are drawn."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui

from ...engine.stack_traces import Key
from ...session.figure_data import layer_gradient_done, layer_label
from ...session.formulas import DEPTH_TIME_GRADIENTS
from ...session.stepper import Phase, Session
from ..theme import GRADIENT_HIGH, GRADIENT_LOW, GREY, OVERFLOW, THEME, VERMILION, Theme
from .axes import IntegerAxis, power_label
from .colour_scale import ColourScale, colour_columns, colour_table
from .column_image import ColumnImage
from .log_curves import decade_range
from .readout_tip import readout_tooltip
from .style import set_integer_ticks, style_plot

TITLE = "Gradient ||dL/dh_t|| across time and depth"
NOTES = ("grey: exactly 0", "magenta: inf / nan")
EMPTY_DECADES = (-3.0, 0.0)  # the colour bar's range before the backward pass
# the smallest row labels: 8 rows (4 layers, both directions) in a readable data area of
# 100 px each keep their name, in F5 too
SMALLEST_LABEL_PT = 6.0


def depth_rows(session: Session) -> list[Key]:
    """The (layer, direction) of each row, top to bottom: the top layer first, each layer's
    forward direction above its reverse."""
    return sorted(session.layer_keys(), key=lambda key: (-key[0], key[1]))


def gradient_colour_map() -> pg.ColorMap:
    """The diagram's colours of the backward pass: light for a small norm, dark red for a large."""
    return pg.ColorMap([0.0, 1.0], [GRADIENT_LOW, GRADIENT_HIGH])


def decade_ticks(low: float, high: float) -> list[tuple[float, str]]:
    """Powers of ten from 10^low to 10^high, at most about six of them."""
    span = round(high - low)
    step = next(s for s in (1, 2, 5, 10, 20, 50, 100) if span / s <= 5)
    first = math.ceil(low / step) * step
    return [(float(k), power_label(float(k), mantissas=(1,))) for k in range(first, round(high) + 1, step)]


class RowAxis(pg.AxisItem):
    """One labelled tick per row (1 .. rows). Rows lower than a line of its text have their
    labels in a smaller font, so that each row, a bidirectional layer's reverse one too, is
    named; lower still, the labels are thinned to every 2nd, 4th, ... row, so they never
    run together."""

    def __init__(self, orientation: str = "left", **kwargs):
        self.labels: list[str] = []  # before pyqtgraph's __init__, which resizes the axis
        self._font: QtGui.QFont | None = None  # the plot's tick font, as `style_plot` set it
        super().__init__(orientation, **kwargs)

    def set_labels(self, labels: list[str]) -> None:
        if labels != self.labels:
            self.labels = labels
            self.picture = None
            self._fit_font()
            self.update()

    def resizeEvent(self, ev=None) -> None:
        super().resizeEvent(ev)
        self._fit_font()

    def _fit_font(self) -> None:
        """The labels' font for the rows' height: the plot's, or as much smaller as a row
        needs (as the diagram's row names shrink), down to SMALLEST_LABEL_PT."""
        if not self.labels or self.height() <= 0:
            return
        if self._font is None:
            self._font = QtGui.QFont(self.style["tickFont"] or QtGui.QFont())
        font, row = QtGui.QFont(self._font), self.height() / len(self.labels)
        while QtGui.QFontMetricsF(font).height() > row and font.pointSizeF() > SMALLEST_LABEL_PT:
            font.setPointSizeF(max(font.pointSizeF() - 0.25, SMALLEST_LABEL_PT))  # metrics step unevenly
        if font != self.style["tickFont"]:
            self.setStyle(tickFont=font)

    def tickValues(self, minVal, maxVal, size):
        if not self.labels:
            return []
        metrics = QtGui.QFontMetricsF(self.style["tickFont"] or QtGui.QFont())
        row = size / max(abs(maxVal - minVal), 1e-9)
        step = 1
        while step * row < metrics.height() and step < len(self.labels):
            step *= 2
        return [(1.0, [float(r) for r in range(1, len(self.labels) + 1, step)])]

    def tickStrings(self, values, scale, spacing):
        return [self.labels[round(v) - 1] if 1 <= round(v) <= len(self.labels) else "" for v in values]


class DepthTimeGradients(pg.GraphicsLayoutWidget):
    """log10 ||dL/dh_t^(l,d)||: t across, (layer, direction) down, one colour bar."""

    def __init__(self, parent=None, theme: Theme | None = None):
        super().__init__(parent)
        theme = THEME if theme is None else theme  # the live window's, unless given one
        self.theme = theme
        self.setBackground(theme.background)
        self.setAntialiasing(False)  # an image and straight lines: crisp
        line = QtGui.QFontMetricsF(theme.qfont(0.9)).height()
        # a colour bar's end labels stand half a line beyond the bar: room above and below
        self.air = line * 0.6  # above and below, the most it needs (`DepthTimeUnderCurves` may give it less)
        self.ci.setContentsMargins(theme.px(2), self.air, theme.px(2), self.air)
        self.rows = RowAxis("left")
        self.plot = self.addPlot(row=0, col=0, axisItems={"bottom": IntegerAxis("bottom"), "left": self.rows})
        style_plot(self.plot, theme, TITLE, {"bottom": "t"})
        self.plot.titleLabel.setToolTip(DEPTH_TIME_GRADIENTS)
        self.plot.setMenuEnabled(False)  # right-click opens unrolled's export menu instead
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideButtons()
        self.plot.invertY(True)  # the first row (the top layer) at the top
        self.image = ColumnImage()
        self.plot.addItem(self.image)
        # the cell the last backward step computed
        self.current = pg.PlotDataItem([], [], pen=theme.pen(VERMILION, 2))
        self.plot.addItem(self.current)
        self.colorbar = pg.ColorBarItem(values=EMPTY_DECADES, colorMap=gradient_colour_map(), width=theme.px(12),
                                        interactive=False)
        axis = self.colorbar.axis
        axis.setStyle(tickFont=theme.qfont(0.9), tickLength=int(theme.px(4)), hideOverlappingLabels=int(line))
        axis.setPen(theme.pen(theme.foreground, 1.0))
        axis.setTextPen(theme.foreground)
        # beside the plot, inset to its data area's height (`_fit_bar`): as tall as the rows it colours
        self.addItem(self.colorbar, row=0, col=1)
        self.ci.layout.setHorizontalSpacing(0)
        self.plot.vb.sigResized.connect(self._fit_bar)
        self._table = colour_table(gradient_colour_map())
        self._overflow = np.array(QtGui.QColor(OVERFLOW).getRgb(), dtype=np.uint8)
        self._zero = np.array(QtGui.QColor(GREY).getRgb(), dtype=np.uint8)
        self.show_cursor = True  # the current cell; an exported figure leaves it out
        self._decades: tuple[float, float] | None = None
        self.rows_width = 0  # the row labels' own width
        self._extra_left = self._extra_right = 0.0  # room added to line the t axis up with a plot above
        self._title = TITLE
        self._shape: tuple[int, int] | None = None
        self._version: tuple | None = None
        self._session: Session | None = None
        self._traces: tuple = ()  # held, so that no later trace can take their ids
        self.values = np.zeros((0, 0))  # (rows, T) the norms drawn, NaN where not computed
        self.done = np.zeros((0, 0), dtype=bool)
        self.setToolTip("Hover over a cell for its layer, timestep and gradient norm.")

    def refresh(self, session: Session) -> None:
        self._session = session
        fwd, bwd = session.fwd, session.bwd
        self._traces = (fwd, bwd)
        version = (id(fwd), id(bwd), bwd.steps_done if bwd is not None else -1, session.phase, self.show_cursor)
        if version == self._version:
            return
        self._version = version
        keys = depth_rows(session)
        T = session.T
        if self._shape != (len(keys), T):
            self._reshape(session, keys, T)
        norms, done = session.layer_gradient_norms(), layer_gradient_done(session)
        self.values = np.array([norms[key] for key in keys]) if norms is not None else np.full((len(keys), T), np.nan)
        self.done = np.array([done[key] for key in keys]) if done is not None else np.zeros((len(keys), T), bool)
        self._paint()
        self._mark_current(session, keys)

    def _reshape(self, session: Session, keys: list[Key], T: int) -> None:
        self.image.reshape(len(keys), T)
        self.rows.set_labels([layer_label(key, session.net.directions) for key in keys])
        metrics = QtGui.QFontMetricsF(self.theme.qfont())
        widest = max(metrics.horizontalAdvance(label) for label in self.rows.labels)
        self.rows_width = int(widest + self.theme.px(5 + 3 + 6))
        self.rows.setWidth(self.rows_width + self._extra_left)
        set_integer_ticks(self.plot.getAxis("bottom"), T)
        self.plot.setXRange(0.5, T + 0.5, padding=0)
        self.plot.setYRange(0.5, len(keys) + 0.5, padding=0)
        self._shape = (len(keys), T)

    def _paint(self) -> None:
        """Every cell again (rows x T pixels: a step's worth of work is the whole picture)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            logs = np.log10(self.values)
        computed = self.done & np.isfinite(self.values)
        decades = decade_range(self.values[computed]) if computed.any() else None
        self._set_decades(decades or EMPTY_DECADES)
        low, high = self._decades or EMPTY_DECADES
        rgba = colour_columns(np.where(self.done, logs, np.nan), ColourScale(low, high), self._table, self._overflow)
        zero = computed & (self.values == 0)
        rgba[zero] = self._zero
        rgba[~self.done] = 0  # not computed yet: empty
        self.image.rgba[:] = rgba
        self.image.image = self.values
        self.image.update()
        drawn = (zero.any(), (self.done & ~np.isfinite(self.values)).any())
        notes = [note for note, shown in zip(NOTES, drawn, strict=True) if shown]
        title = TITLE + (f"  ({', '.join(notes)})" if notes else "")
        if title != self._title:  # a new title is laid out again
            self.plot.setTitle(title)
            self._title = title

    def _set_decades(self, decades: tuple[float, float]) -> None:
        if decades != self._decades:
            self.colorbar.setLevels(decades)
            self.colorbar.axis.setTicks([decade_ticks(*decades), []])
            labels = [text for _, text in decade_ticks(*decades)]
            metrics = QtGui.QFontMetricsF(self.theme.qfont(0.9))
            numbers = max((metrics.horizontalAdvance(text) for text in labels), default=0.0)
            self.colorbar.axis.setWidth(int(numbers + self.theme.px(12)))
            self._decades = decades

    def _fit_bar(self) -> None:
        """The colour bar inset by the plot's title above and t axis below its data area."""
        data = self.plot.vb.geometry()
        margins = (0.0, data.top(), 0.0, self.plot.geometry().height() - data.bottom())
        if self.colorbar.layout.getContentsMargins() != margins:
            self.colorbar.setContentsMargins(*margins)

    def beside_data(self) -> tuple[float, float]:
        """(left, right): the room beside the data area, margins, row labels and colour bar
        included, as the sizes set ask for it (without a layout pass), before `line_up`."""
        left, _, right, _ = self.ci.layout.getContentsMargins()
        plot_left, _, plot_right, _ = self.plot.layout.getContentsMargins()
        bar = self.colorbar.effectiveSizeHint(QtCore.Qt.SizeHint.PreferredSize).width()
        return (left + plot_left + self.rows_width,
                right - self._extra_right + plot_right + bar)

    def line_up(self, left: float, right: float) -> None:
        """Widen the room beside the data area to `left` and `right` (at least
        `beside_data`'s): a plot above with that room has its t axis over this one's."""
        own_left, own_right = self.beside_data()
        extra_left, extra_right = max(left - own_left, 0.0), max(right - own_right, 0.0)
        if (extra_left, extra_right) != (self._extra_left, self._extra_right):
            margins = list(self.ci.layout.getContentsMargins())
            margins[2] += extra_right - self._extra_right
            self.ci.setContentsMargins(*margins)
            self._extra_left, self._extra_right = extra_left, extra_right
            self.rows.setWidth(int(self.rows_width + extra_left))

    def _mark_current(self, session: Session, keys: list[Key]) -> None:
        """A box around the cell the last backward step computed."""
        place = session.place
        if (not self.show_cursor or place.phase is not Phase.BACKWARD or place.t is None
                or place.layer is None or place.direction is None):
            self.current.setData([], [])
            return
        row = keys.index((place.layer, place.direction)) + 1
        x0, x1, y0, y1 = place.t - 0.5, place.t + 0.5, row - 0.5, row + 0.5
        self.current.setData([x0, x1, x1, x0, x0], [y0, y0, y1, y1, y0])

    def readout(self, scene_pos) -> str | None:
        """The layer, timestep and norm of the cell under a scene position, or None off it."""
        box = self.plot.vb
        if self._session is None or not box.sceneBoundingRect().contains(scene_pos) or self.values.size == 0:
            return None
        point = box.mapSceneToView(scene_pos)
        row, t = round(point.y()), round(point.x())
        if not (1 <= row <= self.values.shape[0] and 1 <= t <= self.values.shape[1]):
            return None
        value = self.values[row - 1, t - 1]
        text = "not computed yet" if not self.done[row - 1, t - 1] else f"{value:.4g}"
        return f"{self.rows.labels[row - 1]}, t = {t}: ||dL/dh_t|| = {text}"

    def viewportEvent(self, event) -> bool:
        """While the pointer rests on a cell, the tooltip reads that cell."""
        return readout_tooltip(self, event, self.readout) or super().viewportEvent(event)

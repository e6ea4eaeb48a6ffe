"""A legend in the emptiest corner of its plot: never on the data where vanishing and
exploding show (t near 1), nor on the only point at T = 1."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from pyqtgraph.graphicsItems.ScatterPlotItem import drawSymbol
from PySide6 import QtCore, QtGui

from ..theme import Theme

CORNERS = ((0, 0), (1, 0), (0, 1), (1, 1))


class ScaledSample(pg.ItemSample):
    """A legend's sample of a curve sized with its text (pyqtgraph's is 20 px at any scale:
    a speck at 300 dpi, and a row taller than 5 pt text needs): a line two text lines
    long, with the curve's marker in its middle. A LegendItem's `sampleType` is a class
    it calls with the curve alone: `scaled_sample(theme)` makes one for a theme."""

    theme = Theme()

    def __init__(self, item):
        super().__init__(item)
        self._height = QtGui.QFontMetricsF(self.theme.qfont()).height()
        self.setFixedWidth(2 * self._height)
        self.setFixedHeight(self._height)

    def boundingRect(self) -> QtCore.QRectF:
        return QtCore.QRectF(0, 0, 2 * self._height, self._height)

    def paint(self, p, *args) -> None:
        opts = self.item.opts
        p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
        middle = self._height / 2
        if opts.get("pen") is not None:
            p.setPen(pg.mkPen(opts["pen"]))
            p.drawLine(QtCore.QPointF(0, middle), QtCore.QPointF(2 * self._height, middle))
        if opts.get("symbol") is not None:
            # a curve's own marker options: its scatter has them only once it has been given points
            keys = ("symbolPen", "symbolBrush", "symbolSize") if isinstance(self.item, pg.PlotDataItem) else (
                "pen", "brush", "size")
            pen, brush, size = (opts[key] for key in keys)
            p.translate(self._height, middle)
            drawSymbol(p, opts["symbol"], size, pg.mkPen(pen), pg.mkBrush(brush))  # (x, y) of the view: 0 = left / top


def scaled_sample(theme: Theme) -> type[ScaledSample]:
    """A ScaledSample class sized with `theme`'s text, for a LegendItem's `sampleType`."""
    return type("ScaledSample", (ScaledSample,), {"theme": theme})


LINE_SAMPLES = 8  # points along each segment between two data points: a line under a legend is data too


def _along(xy: np.ndarray) -> np.ndarray:
    """Points along the segments joining consecutive finite points (connect="finite")."""
    a, b = xy[:-1], xy[1:]
    joined = np.isfinite(a).all(axis=1) & np.isfinite(b).all(axis=1)
    a, b = a[joined], b[joined]
    if len(a) == 0:
        return np.empty((0, 2))
    f = np.linspace(0.0, 1.0, LINE_SAMPLES + 1)[1:-1, None, None]
    return (a + f * (b - a)).reshape(-1, 2)


def data_points(plot: pg.PlotItem) -> np.ndarray:
    """(N, 2) positions, in the view's coordinates, of every point the plot's curves draw,
    and of points along their lines."""
    points = []
    for item in plot.listDataItems():
        if not item.isVisible():
            continue
        x, y = item.getData()  # in the view's coordinates (log10 on a log axis)
        if x is None or len(x) == 0:
            continue
        xy = np.column_stack([np.asarray(x, float), np.asarray(y, float)])
        points.append(xy[np.isfinite(xy).all(axis=1)])
        if item.opts.get("pen") is not None and len(xy) > 1:
            points.append(_along(xy))
    return np.concatenate(points) if points else np.empty((0, 2))


def emptiest_corner(points: np.ndarray, view: tuple, size: tuple[float, float]) -> tuple[int, int]:
    """The corner whose legend-sized box (size: fractions of the view's width and height)
    covers the fewest points; the top left wins ties. view: ((x0, x1), (y0, y1))."""
    (x0, x1), (y0, y1) = view
    if points.size == 0 or x1 == x0 or y1 == y0:
        return CORNERS[0]
    fx = (points[:, 0] - x0) / (x1 - x0)
    fy = (y1 - points[:, 1]) / (y1 - y0)  # 0 at the top
    w, h = size

    def covered(corner):
        cx, cy = corner
        in_x = fx <= w if cx == 0 else fx >= 1 - w
        in_y = fy <= h if cy == 0 else fy >= 1 - h
        return int(np.sum(in_x & in_y))

    return min(CORNERS, key=lambda corner: (covered(corner), CORNERS.index(corner)))


def covered_points(points: np.ndarray, view: tuple, size: tuple[float, float], corner: tuple[int, int]) -> int:
    """How many points a legend-sized box in `corner` covers."""
    (x0, x1), (y0, y1) = view
    if points.size == 0 or x1 == x0 or y1 == y0:
        return 0
    fx = (points[:, 0] - x0) / (x1 - x0)
    fy = (y1 - points[:, 1]) / (y1 - y0)
    w, h = size
    in_x = (fx <= w) if corner[0] == 0 else (fx >= 1 - w)
    in_y = (fy <= h) if corner[1] == 0 else (fy >= 1 - h)
    return int(np.sum(in_x & in_y & (fx >= 0) & (fx <= 1) & (fy >= 0) & (fy <= 1)))


def place_legend(plot: pg.PlotItem, legend: pg.LegendItem, margin: float = 10) -> tuple[int, int]:
    """Move the legend to the emptiest corner of the plot's data area; returns the corner."""
    box = plot.vb
    box.updateAutoRange()
    width, height = box.width(), box.height()
    if width <= 0 or height <= 0:
        return CORNERS[0]
    rect = legend.boundingRect()
    size = ((rect.width() + margin) / width, (rect.height() + margin) / height)
    corner = emptiest_corner(data_points(plot), box.viewRange(), size)
    offset = (margin if corner[0] == 0 else -margin, margin if corner[1] == 0 else -margin)
    legend.anchor(itemPos=corner, parentPos=corner, offset=offset)
    return corner


def _fit_columns(legend: pg.LegendItem, width: float, height: float) -> None:
    """Two columns when one would take much of a short, wide plot (the dashboard's) and
    two leave room at the top right (a truncation label). Decided once, from one column."""
    if legend.columnCount != 1 or len(legend.items) < 2:
        return
    rect = legend.boundingRect()
    if rect.height() > 0.35 * height and 2 * rect.width() <= 0.6 * width:
        legend.setColumnCount(2)


def place_legend_above_data(plot: pg.PlotItem, legend: pg.LegendItem, margin: float = 10,
                            decades: bool = False) -> tuple[int, int]:
    """The emptiest corner; when even that one is on the data (curves that fill the whole
    plot, as a training run's do), room made on top for the legend, which then sits above
    every curve. Without `decades` the y range is framed from the data each time (so
    calling this again does not grow it); with `decades` (a log axis labelled in powers
    of ten) the range the plot has keeps its bottom and its top rises by whole decades."""
    points = data_points(plot)
    box = plot.vb
    if points.size == 0 or box.height() <= 0:
        return place_legend(plot, legend, margin)
    box.updateAutoRange()  # an x range still to follow new data
    x_range, (low, top) = box.viewRange()
    high = float(points[:, 1].max())
    if not decades:
        low = float(points[:, 1].min())
        span = high - low if high > low else 1.0
        low, high = low - 0.05 * span, high + 0.05 * span  # pyqtgraph's own padding
        plot.setYRange(low, high, padding=0)
        low, top = box.viewRange()[1]  # as the view allows it (a log view stops at 10^±307)
    _fit_columns(legend, box.width(), box.height())
    rect = legend.boundingRect()
    size = ((rect.width() + margin) / box.width(), (rect.height() + 2 * margin) / box.height())
    corner = emptiest_corner(points, (x_range, (low, top)), size)
    if covered_points(points, (x_range, (low, top)), size, corner):
        # the top fraction h of the new range holds the legend: top - high = h (top - low)
        h = min(size[1], 0.75)  # a short plot (the dashboard's) gives most of itself to a long legend
        top = (high - h * low) / (1 - h)
        if decades:
            top = float(np.ceil(top - 1e-9))
        plot.setYRange(low, top, padding=0)
        corner = (corner[0], 0)
    offset = (margin if corner[0] == 0 else -margin, margin if corner[1] == 0 else -margin)
    legend.anchor(itemPos=corner, parentPos=corner, offset=offset)
    return corner

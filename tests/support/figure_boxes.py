"""Where a laid-out figure draws its text and its data, as boxes in the figure widget's
coordinates, and the rules a slide-ready figure keeps: no two pieces of text overlap, no
text is cut by the figure's edge, no tick label set for an axis is dropped, and no legend
or title covers the data.

Works on any laid-out widget (`figures.laid_out`), at any size: pyqtgraph scenes (titles,
axis labels and tick labels as the axes draw them, legends, text items, curves, markers and
images) and the unrolled diagram (what its painting draws, recorded).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from unrolled.ui.export.figures import graphics_views
from unrolled.ui.plots.axes import LogAxis
from unrolled.ui.plots.column_image import ColumnImage

TEXT = ("title", "label", "tick", "legend", "note")  # kinds of text; "data" is drawn data
COVERS_DATA = ("title", "legend")  # what must never lie on the data
TOLERANCE = 1.0  # pixels two boxes may share: touching is fine


@dataclass(frozen=True)
class Box:
    kind: str  # one of TEXT, or "data"
    rect: QtCore.QRectF  # in the figure widget's coordinates
    name: str  # what it is, for a message: "title 'Hidden states'", "tick '200'"
    group: int = 0  # boxes of one group are not checked against each other (the labels of an automatic axis)


def describe(rect: QtCore.QRectF) -> str:
    return f"({rect.left():.0f}, {rect.top():.0f}, {rect.width():.0f} x {rect.height():.0f})"


# -- text as drawn ---------------------------------------------------------------------
def text_item_rect(item: QtWidgets.QGraphicsTextItem) -> QtCore.QRectF | None:
    """The tight box of a text item's lines (without the document's margin), in the
    item's coordinates; None when it has no text."""
    if not item.toPlainText().strip():
        return None
    document = item.document()
    rect = QtCore.QRectF()
    block = document.begin()
    while block.isValid():
        layout = block.layout()
        origin = layout.position()
        for n in range(layout.lineCount()):
            line = layout.lineAt(n)
            rect |= line.naturalTextRect().translated(origin)
        block = block.next()
    return rect if rect.isValid() else None


def axis_tick_boxes(axis: pg.AxisItem) -> tuple[list[tuple[QtCore.QRectF, str]], list[str]]:
    """The tick labels an axis draws, (rect in scene coordinates, text), and those of its
    explicitly set ticks (setTicks) inside its range that it leaves out (cut)."""
    image = QtGui.QImage(1, 1, QtGui.QImage.Format.Format_ARGB32)
    painter = QtGui.QPainter(image)
    try:
        if axis.style["tickFont"]:
            painter.setFont(axis.style["tickFont"])
        specs = axis.generateDrawSpecs(painter)
        metrics = QtGui.QFontMetricsF(painter.font())
    finally:
        painter.end()
    if specs is None:
        return [], []
    drawn = []
    for rect, flags, text in specs[2]:
        # pyqtgraph's rect is 0.8 of the line height; the text drawn in it is a full line
        tight = metrics.boundingRect(rect, int(flags), text)
        tight = QtCore.QRectF(tight.left(), tight.top(), tight.width(), metrics.ascent() + metrics.descent() * 0.5)
        tight.moveCenter(QtCore.QPointF(tight.center().x(), rect.center().y()))
        drawn.append((axis.mapRectToScene(tight), text))
    missing = []
    levels = getattr(axis, "_tickLevels", None)
    if levels and axis.style["showValues"]:
        low, high = sorted(axis.range)
        texts = {text for _, text in drawn}
        for value, text in levels[0]:
            if low - 1e-9 <= value <= high + 1e-9 and text and text not in texts:
                missing.append(text)
    return drawn, missing


# -- data as drawn ---------------------------------------------------------------------
def _map(transform: QtGui.QTransform, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return (transform.m11() * x + transform.m21() * y + transform.dx(),
            transform.m12() * x + transform.m22() * y + transform.dy())


def _point_boxes(xs: np.ndarray, ys: np.ndarray, size: float, name: str, clip: QtCore.QRectF) -> list[Box]:
    half = max(size, 1.0) / 2
    keep = np.isfinite(xs) & np.isfinite(ys)
    keep &= (xs >= clip.left()) & (xs <= clip.right()) & (ys >= clip.top()) & (ys <= clip.bottom())
    return [Box("data", QtCore.QRectF(x - half, y - half, 2 * half, 2 * half), name)
            for x, y in zip(xs[keep], ys[keep], strict=True)]


def _segment_points(xs: np.ndarray, ys: np.ndarray, spacing: float) -> tuple[np.ndarray, np.ndarray]:
    """Points every `spacing` pixels along the segments between consecutive finite points
    (connect="finite"): a line passing under a legend is data covered too."""
    out_x, out_y = [], []
    for n in range(len(xs) - 1):
        x0, y0, x1, y1 = xs[n], ys[n], xs[n + 1], ys[n + 1]
        if not np.isfinite([x0, y0, x1, y1]).all():
            continue
        count = int(min(np.hypot(x1 - x0, y1 - y0) / spacing, 2000)) + 1
        f = np.linspace(0.0, 1.0, count + 1)[1:-1]
        out_x.append(x0 + f * (x1 - x0))
        out_y.append(y0 + f * (y1 - y0))
    if not out_x:
        return np.empty(0), np.empty(0)
    return np.concatenate(out_x), np.concatenate(out_y)


def _view_clip(item: QtWidgets.QGraphicsItem) -> QtCore.QRectF:
    """The scene rect a data item is drawn inside: its view box's."""
    parent = item.parentItem()
    while parent is not None and not isinstance(parent, pg.ViewBox):
        parent = parent.parentItem()
    return parent.sceneBoundingRect() if parent is not None else QtCore.QRectF(-1e9, -1e9, 2e9, 2e9)


def curve_boxes(item: pg.PlotDataItem) -> list[Box]:
    """Boxes of a curve's markers and of points along its line, in scene coordinates."""
    x, y = item.getData()
    if x is None or len(x) == 0:
        return []
    transform = item.sceneTransform()
    xs, ys = _map(transform, np.asarray(x, float), np.asarray(y, float))
    clip = _view_clip(item)
    name = f"curve {item.opts.get('name') or ''}".strip()
    boxes = []
    if item.opts.get("symbol") is not None:
        boxes += _point_boxes(xs, ys, float(item.opts.get("symbolSize", 6)), name, clip)
    pen = item.opts.get("pen")
    if pen is not None and pg.mkPen(pen).style() != QtCore.Qt.PenStyle.NoPen:
        width = max(pg.mkPen(pen).widthF(), 1.0)
        boxes += _point_boxes(*_segment_points(xs, ys, spacing=2.0), width, name, clip)
    if len(xs) == 1 and not boxes:
        boxes += _point_boxes(xs, ys, 1.0, name, clip)
    return boxes


def scatter_boxes(item: pg.ScatterPlotItem) -> list[Box]:
    x, y = item.getData()
    if x is None or len(x) == 0:
        return []
    xs, ys = _map(item.sceneTransform(), np.asarray(x, float), np.asarray(y, float))
    return _point_boxes(xs, ys, float(item.opts.get("size", 7)), "markers", _view_clip(item))


# -- the scene of a pyqtgraph view ---------------------------------------------------
def _inside_legend(item: QtWidgets.QGraphicsItem) -> bool:
    parent = item.parentItem()
    while parent is not None:
        if isinstance(parent, pg.LegendItem):
            return True
        parent = parent.parentItem()
    return False


def _title_of(label: pg.LabelItem) -> bool:
    parent = label.parentItem()
    while parent is not None:
        if isinstance(parent, pg.PlotItem):
            return label is parent.titleLabel
        parent = parent.parentItem()
    return False


def scene_boxes(view: pg.GraphicsView) -> tuple[list[Box], list[str]]:
    """(boxes in scene coordinates, tick labels left out) of a pyqtgraph view's scene."""
    boxes: list[Box] = []
    cut: list[str] = []
    group = 1
    for item in view.scene().items():  # as painting does: ranges set since are applied
        if isinstance(item, pg.ViewBox):
            item.prepareForPaint()
    for item in view.scene().items():
        if not item.isVisible() or _inside_legend(item):
            continue
        if isinstance(item, pg.AxisItem):
            drawn, missing = _axis_boxes(item, group)
            boxes += drawn
            cut += missing
            group += 1
        else:
            boxes += _item_boxes(item)
    return boxes, cut


def _item_boxes(item: QtWidgets.QGraphicsItem) -> list[Box]:
    """The boxes of one scene item other than an axis: a legend, a text, data."""
    if isinstance(item, pg.LegendItem):
        names = ", ".join(label.text for _, label in item.items)
        return [Box("legend", item.sceneBoundingRect(), f"legend [{names}]")] if item.items else []
    if isinstance(item, pg.LabelItem | pg.TextItem):
        return _text_boxes(item)
    if isinstance(item, pg.PlotDataItem):
        return curve_boxes(item)
    if isinstance(item, pg.ScatterPlotItem) and not isinstance(item.parentItem(), pg.PlotDataItem):
        return scatter_boxes(item)
    if isinstance(item, pg.ImageItem | ColumnImage) and not item.boundingRect().isEmpty():
        rect = item.sceneBoundingRect() & _view_clip(item)
        if rect.isValid():
            return [Box("data", rect, "image")]
    return []


def _text_boxes(item: pg.LabelItem | pg.TextItem) -> list[Box]:
    """A label's box (a plot's title, or another label), or a text item's (a note)."""
    if isinstance(item, pg.LabelItem):
        rect = text_item_rect(item.item)
        kind = "title" if _title_of(item) else "label"
        return [] if rect is None else [Box(kind, item.item.mapRectToScene(rect), f"{kind} {item.text!r}")]
    rect = text_item_rect(item.textItem)
    return [] if rect is None else [Box("note", item.textItem.mapRectToScene(rect), f"text {item.toPlainText()!r}")]


def _axis_boxes(item: pg.AxisItem, group: int) -> tuple[list[Box], list[str]]:
    """(an axis's tick labels, in `group` unless unrolled chose them, and its label; the tick
    labels left out)."""
    drawn, missing = axis_tick_boxes(item)
    where = item.orientation
    # the ticks unrolled chooses (setTicks, IntegerAxis, LogAxis's labels) are checked
    # against each other too ("1102030" at T = 50 in a narrow panel, "1000 500 200" on
    # a short log axis); pyqtgraph's own levels are not
    chosen = (getattr(item, "_tickLevels", None) is not None or getattr(item, "last", None) is not None
              or (isinstance(item, LogAxis) and item.logMode))
    boxes = [Box("tick", rect, f"{where} tick {text!r}", 0 if chosen else group) for rect, text in drawn]
    cut = [f"{where} tick {text!r} left out (no room)" for text in missing]
    if item.label.isVisible():
        rect = text_item_rect(item.label)
        if rect is not None:
            boxes.append(Box("label", item.label.mapRectToScene(rect),
                             f"{where} axis label {item.label.toPlainText()!r}"))
    return boxes, cut


# -- painted widgets (the diagram) ---------------------------------------------------
class RecordingPainter:
    """Stands in for a QPainter: paints with the real one and records, in the widget's
    coordinates, the box of every text drawn and of every shape."""

    def __init__(self, painter: QtGui.QPainter):
        self._painter = painter
        self.texts: list[tuple[QtCore.QRectF, str, float]] = []  # (box, text, font size)
        self.shapes: list[QtCore.QRectF] = []

    def __getattr__(self, name):
        return getattr(self._painter, name)

    def drawText(self, rect, flags, text):
        metrics = QtGui.QFontMetricsF(self._painter.font())
        box = metrics.boundingRect(QtCore.QRectF(rect), int(flags), text)
        self.texts.append((box, text, self._painter.font().pointSizeF()))
        self._painter.drawText(rect, flags, text)

    def _shape(self, rect: QtCore.QRectF) -> None:
        self.shapes.append(QtCore.QRectF(rect))

    def drawLine(self, p1, p2):
        self._shape(QtCore.QRectF(p1, p2).normalized())
        self._painter.drawLine(p1, p2)

    def drawRoundedRect(self, rect, *args):
        self._shape(rect)
        self._painter.drawRoundedRect(rect, *args)

    def drawRect(self, rect):
        self._shape(rect)
        self._painter.drawRect(rect)

    def drawPolygon(self, polygon):
        self._shape(polygon.boundingRect())
        self._painter.drawPolygon(polygon)

    def drawImage(self, rect, image):
        self._shape(rect)
        self._painter.drawImage(rect, image)


def painted_boxes(widget: QtWidgets.QWidget) -> list[Box]:
    """Boxes of a widget that paints itself with `paint_on(painter)` (the diagram): its
    texts (the largest font, the caption, as titles) and its shapes as data."""
    image = QtGui.QImage(max(widget.width(), 1), max(widget.height(), 1), QtGui.QImage.Format.Format_ARGB32)
    painter = QtGui.QPainter(image)
    recorder = RecordingPainter(painter)
    try:
        widget.paint_on(recorder)  # type: ignore[attr-defined]
    finally:
        painter.end()
    largest = max((size for _, _, size in recorder.texts), default=0.0)
    boxes = [Box("title" if size >= largest else "label", rect, f"text {text!r}")
             for rect, text, size in recorder.texts]
    return boxes + [Box("data", rect, "shape") for rect in recorder.shapes]


# -- the figure ------------------------------------------------------------------------
def _offset(child: QtWidgets.QWidget, figure: QtWidgets.QWidget) -> QtCore.QPointF:
    return QtCore.QPointF(child.mapTo(figure, QtCore.QPoint(0, 0))) if child is not figure else QtCore.QPointF(0, 0)


def figure_boxes(figure: QtWidgets.QWidget) -> tuple[list[Box], list[str]]:
    """Every text and data box of a laid-out figure, in its own coordinates, and the tick
    labels its axes leave out."""
    boxes: list[Box] = []
    cut: list[str] = []
    group = 1000
    for view in graphics_views(figure):
        if not view.isVisible():
            continue
        transform = view.viewportTransform()
        offset = _offset(view.viewport(), figure)
        found, left_out = scene_boxes(view)
        cut += left_out
        for box in found:
            rect = transform.mapRect(box.rect).translated(offset)
            boxes.append(Box(box.kind, rect, box.name, box.group + group if box.group else 0))
        group += 1000
    painted = [w for w in figure.findChildren(QtWidgets.QWidget) if hasattr(w, "paint_on")]
    if hasattr(figure, "paint_on"):
        painted.append(figure)
    for widget in painted:
        if widget.isVisible():
            offset = _offset(widget, figure)
            boxes += [Box(b.kind, b.rect.translated(offset), b.name) for b in painted_boxes(widget)]
    return boxes, cut


def _overlap(a: QtCore.QRectF, b: QtCore.QRectF, tolerance: float) -> bool:
    both = a & b
    return both.width() > tolerance and both.height() > tolerance


def problems_of(boxes: list[Box], bounds: QtCore.QRectF, cut: Sequence[str] = (),
                tolerance: float = TOLERANCE) -> list[str]:
    """What keeps a figure from being slide-ready: text on text, text cut by the edge,
    tick labels left out, legends and titles on the data."""
    found = list(cut)
    texts = [b for b in boxes if b.kind in TEXT]
    data = [b for b in boxes if b.kind == "data"]
    inner = bounds.adjusted(-tolerance, -tolerance, tolerance, tolerance)
    for n, a in enumerate(texts):
        if not inner.contains(a.rect):
            found.append(f"{a.name} {describe(a.rect)} is cut by the figure's edge {describe(bounds)}")
        for b in texts[n + 1:]:
            if a.group and a.group == b.group:
                continue
            if _overlap(a.rect, b.rect, tolerance):
                found.append(f"{a.name} {describe(a.rect)} overlaps {b.name} {describe(b.rect)}")
    for a in texts:
        if a.kind not in COVERS_DATA:
            continue
        hits = [d for d in data if _overlap(a.rect, d.rect, tolerance)]
        if hits:
            found.append(f"{a.name} {describe(a.rect)} lies on the data: {len(hits)} x {hits[0].name} "
                         f"at {describe(hits[0].rect)}")
    return found


def figure_problems(figure: QtWidgets.QWidget, tolerance: float = TOLERANCE) -> list[str]:
    """The rules of `problems_of` applied to a laid-out figure widget."""
    boxes, cut = figure_boxes(figure)
    return problems_of(boxes, QtCore.QRectF(figure.rect()), cut, tolerance)

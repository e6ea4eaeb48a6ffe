"""A heatmap's pixels as one image: one pixel per cell, drawn unsmoothed into the cells'
box, so that an exported SVG embeds it as an image marked `image-rendering: pixelated`."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui


class ColumnImage(pg.GraphicsObject):
    """A panel's pixels: an RGBA buffer, one pixel per (unit, timestep), drawn as one image
    into the cells' box (0.5 .. T + 0.5, 0.5 .. D + 0.5). A forward step colours only its
    own column of the buffer; nothing else is recomputed. Transparent where not computed.
    `image` holds the (D, T) values shown, as pyqtgraph's ImageItem does."""

    def __init__(self):
        super().__init__()
        self.image: np.ndarray | None = None
        self.rgba = np.zeros((1, 1, 4), dtype=np.uint8)
        self._qimage = QtGui.QImage()

    def reshape(self, D: int, T: int) -> None:
        self.prepareGeometryChange()
        self.rgba = np.zeros((D, T, 4), dtype=np.uint8)
        # shares the buffer: writing a column into `rgba` is all an update takes
        self._qimage = QtGui.QImage(self.rgba.data, T, D, 4 * T, QtGui.QImage.Format.Format_RGBA8888)

    def boundingRect(self) -> QtCore.QRectF:
        D, T = self.rgba.shape[:2]
        return QtCore.QRectF(0.5, 0.5, T, D)

    def paint(self, painter, *args) -> None:
        painter.setRenderHint(QtGui.QPainter.RenderHint.SmoothPixmapTransform, False)  # one cell, one colour
        painter.drawImage(self.boundingRect(), self._qimage)

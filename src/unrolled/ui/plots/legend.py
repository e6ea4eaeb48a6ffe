"""A legend in the emptiest corner of its plot: never on the data where vanishing and
exploding show (t near 1), nor on the only point at T = 1."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

CORNERS = ((0, 0), (1, 0), (0, 1), (1, 1))  # (x, y) of the view: 0 = left / top


def data_points(plot: pg.PlotItem) -> np.ndarray:
    """(N, 2) positions, in the view's coordinates, of every point the plot's curves draw."""
    points = []
    for item in plot.listDataItems():
        if not item.isVisible():
            continue
        x, y = item.getData()  # in the view's coordinates (log10 on a log axis)
        if x is None or len(x) == 0:
            continue
        xy = np.column_stack([np.asarray(x, float), np.asarray(y, float)])
        points.append(xy[np.isfinite(xy).all(axis=1)])
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

    return min(CORNERS, key=covered)


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

"""A dock's plots at a readable height: when the dock is short (F5 on a 720-line
projector), the plots keep their height and the panel scrolls, rather than every plot
being crushed to its axes."""

from __future__ import annotations

from PySide6 import QtCore, QtWidgets

from .. import theme

PLOT_MIN_PX = 210  # a plot's least height at scale 1: title, axis and about 100 px of data


def scrolled(plots: QtWidgets.QWidget, rows: int) -> QtWidgets.QScrollArea:
    """`plots` (with `rows` plots one above the other) in a vertical scroll area."""
    area = QtWidgets.QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QtWidgets.QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(QtCore.Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setWidget(plots)
    keep_rows(plots, rows)
    return area


def keep_rows(plots: QtWidgets.QWidget, rows: int) -> None:
    """The least height of `rows` plots one above the other, at the theme's scale."""
    plots.setMinimumHeight(round(rows * PLOT_MIN_PX * theme.THEME.scale))

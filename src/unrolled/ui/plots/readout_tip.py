"""A cell's readout as the tooltip of a view whose `readout(scene point)` names what is under
the pointer."""

from __future__ import annotations

from collections.abc import Callable

from PySide6 import QtCore, QtGui, QtWidgets


def readout_tooltip(view: QtWidgets.QGraphicsView, event: QtCore.QEvent,
                    readout: Callable[[QtCore.QPointF], str | None]) -> bool:
    """True when `event` is Qt's tooltip event over a cell and its readout was shown: the
    cell's value, not the widget's generic hint, which would replace it just as one stops
    to read."""
    # PySide6 hands a ToolTip event over as the QHelpEvent it is
    if event.type() != QtCore.QEvent.Type.ToolTip or not isinstance(event, QtGui.QHelpEvent):
        return False
    text = readout(view.mapToScene(event.pos()))
    if text is None:
        return False
    QtWidgets.QToolTip.showText(event.globalPos(), text, view)
    return True

"""The Itemized gradients dock: the T x T plot of how far back each loss term reaches
(ui/plots/itemized.py) under its caption. It computes nothing while hidden: the window's
throttle refreshes it when it is seen."""

from __future__ import annotations

from PySide6 import QtWidgets

from ...session.stepper import Session
from ..plots.itemized import ItemizedGradients


class ItemizedPanel(QtWidgets.QWidget):
    """The dock's content: the plot, refreshed from the session by the window's throttle."""

    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.plot = ItemizedGradients()
        self.caption = QtWidgets.QLabel("Rows: the loss at step k; columns: the state h_t it reaches back to. "
                                        "Click a row to pick k.")
        self.caption.setWordWrap(True)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.caption)

    def refresh(self) -> None:
        self.plot.refresh(self.session)

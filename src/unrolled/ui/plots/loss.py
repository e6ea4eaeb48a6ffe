"""Loss per iteration."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from ...session.stepper import Session
from .. import theme


class LossPlot(pg.PlotWidget):
    def __init__(self, parent=None):
        super().__init__(parent, title="Loss per iteration")
        self.setLabel("bottom", "iteration")
        self.setLabel("left", "loss")
        theme.style_axes(self.getPlotItem())
        self.curve = self.plot(
            [], [], pen=pg.mkPen(theme.BLUE, width=theme.THEME.line_width), symbol="o", symbolSize=6,
            symbolBrush=theme.BLUE, symbolPen=None, connect="finite",
        )
        self.overflow = pg.ScatterPlotItem(symbol="x", size=12, pen=pg.mkPen(theme.OVERFLOW, width=2))
        self.addItem(self.overflow)
        self._shown_iterations = None

    def refresh(self, session: Session) -> None:
        losses = np.asarray(session.loss_history, dtype=float)
        iterations = np.arange(1, len(losses) + 1)
        finite = np.isfinite(losses)
        self.curve.setData(iterations[finite], losses[finite])
        # an iteration whose loss overflowed is marked, never silently left out
        top = float(losses[finite].max()) if finite.any() else 1.0
        self.overflow.setData(iterations[~finite], np.full(int((~finite).sum()), top))
        n = max(len(losses), 5)
        if n != self._shown_iterations:
            theme.set_integer_ticks(self.getAxis("bottom"), n)
            self.setXRange(0.5, n + 0.5, padding=0)
            self._shown_iterations = n

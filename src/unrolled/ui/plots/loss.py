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
        self._shown_iterations = None

    def refresh(self, session: Session) -> None:
        losses = np.asarray(session.loss_history, dtype=float)
        iterations = np.arange(1, len(losses) + 1)
        with np.errstate(invalid="ignore"):
            self.curve.setData(iterations, np.where(np.isfinite(losses), losses, np.nan))
        n = max(len(losses), 5)
        if n != self._shown_iterations:
            theme.set_integer_ticks(self.getAxis("bottom"), n)
            self.setXRange(0.5, n + 0.5, padding=0)
            self._shown_iterations = n

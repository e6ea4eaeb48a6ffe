"""Loss per iteration."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from ...session.formulas import LOSS
from ...session.stepper import Session
from ..theme import BLUE, OVERFLOW, THEME, Theme
from .style import set_integer_ticks, style_plot

MARKERS_UP_TO = 60
SINGLE_AT = 1.25  # x of the words naming a lone loss, right of its dot at iteration 1


class LossPlot(pg.PlotWidget):
    def __init__(self, parent=None, theme: Theme | None = None):
        theme = THEME if theme is None else theme  # the live window's, unless given one
        super().__init__(parent, background=theme.background, enableMenu=False)  # right-click: our export menu
        self.theme = theme
        style_plot(self.getPlotItem(), theme, "Loss per iteration", {"bottom": "iteration", "left": "loss"})
        self.getPlotItem().titleLabel.setToolTip(LOSS)
        self.curve = self.plot(
            [], [], pen=theme.pen(BLUE), symbol="o", symbolSize=theme.px(6),
            symbolBrush=BLUE, symbolPen=None, connect="finite",
        )
        self.overflow = pg.ScatterPlotItem(symbol="x", size=theme.px(12), pen=theme.pen(OVERFLOW, 2))
        self.addItem(self.overflow)
        self.current = pg.ScatterPlotItem(symbol="o", size=theme.px(10), brush=None,
                                          pen=theme.pen(BLUE, 2), name="this iteration")
        self.addItem(self.current)
        # a single loss (the first iteration's, before any update) is a lone dot on an axis
        # that pyqtgraph spans around it: it is named beside the dot, on an axis from 0
        self.single = pg.TextItem("", color=theme.foreground, anchor=(0, 0.5))
        self.addItem(self.single)
        self._single = False
        self.getPlotItem().vb.sigResized.connect(self._fit_single)
        self._shown_iterations: int | None = None
        self._shown: tuple | None = None  # (losses, the pending iteration's loss) drawn
        self._shown_count = 0  # iterations in the history drawn: fewer now means a reset

    def refresh(self, session: Session) -> None:
        losses = np.asarray(session.loss_history, dtype=float)
        # the loss of the iteration in progress, once computed (None before, and after the update)
        pending = session.loss if session.position < session.steps_per_iteration else None
        shown = (losses, pending)
        if self._shown is not None and np.array_equal(shown[0], self._shown[0], equal_nan=True) \
                and shown[1] == self._shown[1]:
            return  # a step within the iteration changes neither the history nor its loss
        self._shown = shown
        iterations = np.arange(1, len(losses) + 1)
        finite = np.isfinite(losses)
        symbol = "o" if len(losses) <= MARKERS_UP_TO else None  # markers while they can be told apart
        if self.curve.opts["symbol"] != symbol:
            self.curve.setSymbol(symbol)
        self.curve.setData(iterations[finite], losses[finite])
        # an iteration whose loss overflowed is marked, never silently left out
        top = float(losses[finite].max()) if finite.any() else 1.0
        self.overflow.setData(iterations[~finite], np.full(int((~finite).sum()), top))
        # the loss of the iteration in progress, once computed: an open circle until the update
        if pending is not None and np.isfinite(pending):
            self.current.setData([len(losses) + 1], [pending])
        else:
            self.current.setData([], [])
        n = max(len(losses) + 1, 5)
        if len(losses) < self._shown_count:  # a reset or a new model: the old range means nothing now
            self.setYRange(0, 1, padding=0)  # with no data, auto range would keep the old 1e140
            self.enableAutoRange(axis="y")
        self._shown_count = len(losses)
        if n != self._shown_iterations:
            set_integer_ticks(self.getAxis("bottom"), n)
            # past the last iteration, room for the pending one's open circle: half an
            # iteration is a few pixels after a hundred, and cut the circle in half
            self.setXRange(0.5, n + max(0.5, 0.02 * n), padding=0)
            self._shown_iterations = n
        self._show_single(losses, pending)

    def _show_single(self, losses: np.ndarray, pending: float | None) -> None:
        """One loss in all (the first iteration's): its value written beside its dot, and a
        y axis from 0 that puts it in proportion; from the second on, the curve says it."""
        values = [float(v) for v in (*losses, *(() if pending is None else (pending,)))]
        single = len(values) == 1 and np.isfinite(values[0]) and values[0] >= 0
        if single:
            value = values[0]
            self.single.setText(f"{value:.3g}, the first loss")
            self.single.setPos(SINGLE_AT, value)
            self.setYRange(0, value * 1.6 if value > 0 else 1.0, padding=0)
            self._fit_single()
        elif self._single:
            self.single.setText("")
            self.enableAutoRange(axis="y")
        self._single = single

    def _fit_single(self, *_) -> None:
        """The words wrap within the plot, right of the dot (a narrow panel in F5 cut them)."""
        if not self.single.toPlainText():
            return
        box = self.getPlotItem().vb
        (left, right), _ = box.viewRange()
        room = box.width() * (right - SINGLE_AT) / max(right - left, 1e-9) - self.theme.px(4)
        self.single.setTextWidth(max(room, self.theme.px(40)))

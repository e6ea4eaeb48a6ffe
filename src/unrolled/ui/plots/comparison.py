"""The comparison's two plots: A's and B's gradient per timestep in one log plot, and their
losses per iteration against the baseline of a model that ignores its input, on a log axis
(a network that overflows reaches 1e7 while the other's loss falls below 1). Drawn by the
compare window and by a handout page alike, from a Comparison."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore

from ...session.compare import Comparison, baseline_loss
from .. import theme
from .axes import POWER_TICK, LogAxis
from .legend import place_legend_above_data
from .loss import MARKERS_UP_TO


class ComparisonPlots(pg.GraphicsLayoutWidget):
    def __init__(self, comparison: Comparison, parent=None):
        super().__init__(parent)
        self.setBackground(theme.THEME.background)
        self.grad_plot = self.addPlot(row=0, col=0, axisItems={"left": LogAxis("left")})
        self.grad_plot.setLogMode(y=True)
        theme.style_plot(self.grad_plot, "Gradient of the last step's loss",
                         {"bottom": "t", "left": "||dL_T/dh_t||"}, widest_tick=POWER_TICK)
        self.grad_plot.addLegend(offset=(10, 10), labelTextSize=f"{theme.font_pt():.1f}pt",
                                 labelTextColor=theme.THEME.foreground)
        self.loss_plot = self.addPlot(row=0, col=1, axisItems={"left": LogAxis("left")})
        self.loss_plot.setLogMode(y=True)
        theme.style_plot(self.loss_plot, "Loss per iteration", {"bottom": "iteration", "left": "loss"},
                         widest_tick=POWER_TICK)
        self.loss_legend = self.loss_plot.addLegend(offset=(-10, 10), labelTextSize=f"{theme.font_pt():.1f}pt",
                                                    labelTextColor=theme.THEME.foreground)
        self.curves, self.losses = [], []
        self._names: tuple[str, str] | None = None  # the legends' names, renamed when they change
        self._ticks_for: int | None = None  # the T the gradient plot's t axis is labelled for
        # a marker at every point: after one iteration the loss is one point, which a line alone leaves out
        self.symbols = {}
        for colour, symbol in ((theme.BLUE, "o"), (theme.ORANGE, "s")):
            marks = {"symbol": symbol, "symbolSize": theme.px(7), "symbolBrush": colour, "symbolPen": None}
            self.curves.append(self.grad_plot.plot([], [], pen=theme.pen(colour), connect="finite", **marks))
            self.losses.append(self.loss_plot.plot([], [], pen=theme.pen(colour), **marks))
            self.symbols[self.losses[-1]] = symbol
        # the loss of a model that ignores its input (guessing, or predicting the mean), a
        # data item so that the y range includes it
        self.chance = self.loss_plot.plot([], [], pen=theme.pen(theme.GREY, 1.5, QtCore.Qt.PenStyle.DashLine))
        self.baseline = baseline_loss(comparison.a.config)  # A and B share the task, hence the loss and C
        if self.baseline is not None:
            self.loss_legend.addItem(self.chance, self.baseline[1])
        for plot in (self.grad_plot, self.loss_plot):
            plot.setMenuEnabled(False)
        # the losses of a network that overflowed, above the range that shows the other's
        # curve: triangles at the top edge, their largest value in the legend
        self.off_scale = pg.ScatterPlotItem(symbol="t1", size=theme.px(11), brush=theme.ORANGE, pen=None)
        self.loss_plot.addItem(self.off_scale)
        self._off_scale_name = ""  # its legend entry, "" when it has none
        self._columns_for: dict[int, tuple] = {}  # legend -> (its entries, the plot's width) its columns suit

    def refresh(self, c: Comparison) -> None:
        for curve, loss, s in zip(self.curves, self.losses, c.sessions):
            values = s.gradient_curve()
            if values is None or np.count_nonzero(np.isfinite(values) & (values > 0)) < 2:
                curve.setData([], [])
            else:
                t = np.arange(1, s.T + 1)
                keep = np.isfinite(values) & (values > 0)
                curve.setData(t[keep], values[keep])
            history = np.array(s.loss_history, dtype=float)
            shown = np.isfinite(history) & (history > 0)  # a log axis: zero has no place on it
            symbol = self.symbols[loss] if len(history) <= MARKERS_UP_TO else None  # while they can be told apart
            if loss.opts["symbol"] != symbol:
                loss.setSymbol(symbol)
            loss.setData(np.arange(1, len(history) + 1)[shown], history[shown])
        if self._ticks_for != c.a.T:  # whole timesteps, also before the first backward pass
            theme.set_integer_ticks(self.grad_plot.getAxis("bottom"), c.a.T, target=8)
            self.grad_plot.setXRange(0.5, c.a.T + 0.5, padding=0)
            self._ticks_for = c.a.T
        self._name_curves(c)
        self._draw_chance(c)
        self.grad_plot.enableAutoRange(axis="y")
        self._frame_losses(c)
        # off the curves: the top of each log axis rises by whole decades when the emptiest
        # corner is not empty enough, by fewer for a legend in two columns (half as tall)
        for plot, legend in ((self.grad_plot, self.grad_plot.legend), (self.loss_plot, self.loss_legend)):
            self._columns_to_fit(legend, plot.vb.width())
            place_legend_above_data(plot, legend, decades=True)

    def _columns_to_fit(self, legend: pg.LegendItem, width: float) -> None:
        """Two columns when they fit in the plot's width, else one; decided again only when
        the entries or the width change."""
        key = (tuple(label.text for _, label in legend.items), round(width))
        if self._columns_for.get(id(legend)) == key:
            return
        self._columns_for[id(legend)] = key
        if len(legend.items) < 2:
            return
        legend.setColumnCount(1)  # its one-column width: the widest entry
        if 2 * legend.boundingRect().width() <= 0.9 * width:
            legend.setColumnCount(2)

    def _frame_losses(self, c: Comparison) -> None:
        """The y range of the loss plot: all of it, unless a network stopped (it overflowed)
        with losses orders of magnitude above the other's; then the range shows the network
        still training, up to a decade above its largest loss, and the stopped one's higher
        losses are marked at the top edge, their largest value written beside them."""
        histories = [np.array(s.loss_history, dtype=float) for s in c.sessions]
        training = [h for label, h in zip("AB", histories) if label not in c.stopped and h.size]
        off_x: list[float] = []
        worst = 0.0
        if c.stopped and training:
            highest = max(float(np.nanmax(h[np.isfinite(h)], initial=0.0)) for h in training)
            if self.baseline is not None:
                highest = max(highest, self.baseline[0])
            top = np.log10(highest * 10) if highest > 0 else 1.0
            finite = np.concatenate([h[np.isfinite(h) & (h > 0)] for h in histories])
            bottom = np.log10(finite.min() / 1.5) if finite.size else top - 2
            for label, h in zip("AB", histories):
                if label in c.stopped:
                    above = np.flatnonzero(np.isfinite(h) & (h > 10**top))
                    off_x += list(above + 1.0)
                    worst = max(worst, float(h[above].max(initial=0.0)))
            if off_x:
                for label, loss, h in zip("AB", self.losses, histories):
                    if label in c.stopped:  # the curve in the range; the triangles above it
                        shown = np.isfinite(h) & (h > 0) & (h <= 10**top)
                        loss.setData(np.arange(1, len(h) + 1)[shown], h[shown])
                self.loss_plot.setYRange(bottom, top, padding=0)
                self.off_scale.setData(off_x, [top - 0.04 * (top - bottom)] * len(off_x))
                stopped = next(label for label in "AB" if label in c.stopped)
                self._name_off_scale(f"{stopped} above, up to {worst:.2g}")
                return
        self.off_scale.setData([], [])
        self._name_off_scale("")
        self.loss_plot.enableAutoRange(axis="y")

    def _name_off_scale(self, name: str) -> None:
        if name == self._off_scale_name:
            return
        if self._off_scale_name:
            self.loss_legend.removeItem(self.off_scale)
        if name:
            self.loss_legend.addItem(self.off_scale, name)
        self._off_scale_name = name

    def _name_curves(self, c: Comparison) -> None:
        """Legend entries by model ("RNN", "LSTM"), renamed when the difference changes."""
        names = c.names
        if self._names == names:
            return
        self._names = names
        for plot, items in ((self.grad_plot, self.curves), (self.loss_plot, self.losses)):
            legend = plot.legend
            for item in (*items, self.chance):
                legend.removeItem(item)
            for item, name in zip(items, names):
                item.opts["name"] = name
                legend.addItem(item, name)
        if self.baseline is not None:  # last, under the two models
            self.loss_legend.addItem(self.chance, self.baseline[1])

    def _draw_chance(self, c: Comparison) -> None:
        """The baseline across the iterations drawn: ln C for cross-entropy ("chance"), the
        targets' variance for MSE ("predict the mean"): a model under it has learnt something."""
        last = max(1, *(len(s.history) for s in c.sessions))
        theme.set_integer_ticks(self.loss_plot.getAxis("bottom"), last, target=8)  # never iteration 1.5
        if self.baseline is not None:
            self.chance.setData([0.5, last + 0.5], [self.baseline[0]] * 2)


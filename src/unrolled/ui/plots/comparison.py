"""The comparison's two plots: A's and B's gradient per timestep in one log plot, and their
losses per iteration against the baseline of a model that ignores its input, on a log axis
(a network that overflows reaches 1e7 while the other's loss falls below 1). Drawn by the
compare window and by a handout page alike, from a Comparison.

The legends sit above the data, under the titles (A's and B's names in the gradient plot's,
which both plots share), so no decade of empty axis is added to make room for them; the
loss axis spans the losses drawn and the baseline with a small margin, and the losses of a
network that overflowed are marked at its top edge."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui

from ...session.compare import Comparison
from ..theme import BLUE, GREY, ORANGE, THEME, Theme
from .axes import POWER_TICK, IntegerAxis, LogAxis
from .fit import legend_above
from .gradients import READABLE_DATA_PX
from .loss import MARKERS_UP_TO
from .style import set_integer_ticks, style_plot

# the loss axis: this much of a decade below the lowest loss and above the highest drawn
# (or the baseline), and more above when a stopped network's markers sit at the top edge
LOSS_MARGIN = 0.15
OFF_SCALE_ROOM = 0.35
# the gradient plot's title and axis, keyed by whether the last step carries a loss term
GRADIENT_TITLES = {True: ("Gradient of the last step's loss", "||dL_T/dh_t||"),
                   False: ("Gradient of the whole loss (no loss term at t = T)", "||dL/dh_t||")}


class ComparisonPlots(pg.GraphicsLayoutWidget):
    def __init__(self, comparison: Comparison, parent=None, theme: Theme | None = None):
        super().__init__(parent)
        theme = THEME if theme is None else theme  # the live window's, unless given one
        self.theme = theme
        self.setBackground(theme.background)
        self.grad_plot = self.addPlot(row=0, col=0, axisItems={"left": LogAxis("left"),
                                                               "bottom": IntegerAxis("bottom")})
        self.grad_plot.setLogMode(y=True)
        style_plot(self.grad_plot, theme, GRADIENT_TITLES[True][0],
                         {"bottom": "t", "left": GRADIENT_TITLES[True][1]}, widest_tick=POWER_TICK)
        self.grad_plot.addLegend(offset=(10, 10), labelTextSize=f"{theme.points():.1f}pt",
                                 labelTextColor=theme.foreground)
        legend_above(self.grad_plot)
        # whole iterations, as many labels as the axis's width holds (a paper column's ran
        # together as "100120140")
        self.loss_plot = self.addPlot(row=0, col=1, axisItems={"left": LogAxis("left"),
                                                               "bottom": IntegerAxis("bottom")})
        self.loss_plot.setLogMode(y=True)
        style_plot(self.loss_plot, theme, "Loss per iteration", {"bottom": "iteration", "left": "loss"},
                         widest_tick=POWER_TICK)
        self.loss_legend = self.loss_plot.addLegend(offset=(-10, 10), labelTextSize=f"{theme.points():.1f}pt",
                                                    labelTextColor=theme.foreground)
        legend_above(self.loss_plot)
        self.curves, self.losses = [], []
        self._names: tuple[str, str] | None = None  # the legends' names, renamed when they change
        self._ticks_for: int | None = None  # the T the gradient plot's t axis is labelled for
        # a marker at every point: after one iteration the loss is one point, which a line alone leaves out
        self.symbols = {}
        for colour, symbol in ((BLUE, "o"), (ORANGE, "s")):
            marks = {"symbol": symbol, "symbolSize": theme.px(7), "symbolBrush": colour, "symbolPen": None}
            self.curves.append(self.grad_plot.plot([], [], pen=theme.pen(colour), connect="finite", **marks))
            self.losses.append(self.loss_plot.plot([], [], pen=theme.pen(colour), **marks))
            self.symbols[self.losses[-1]] = symbol
        # the loss of a model that ignores its input (guessing, or predicting the mean), a
        # data item so that the y range includes it
        self.chance = self.loss_plot.plot([], [], pen=theme.pen(GREY, 1.5, QtCore.Qt.PenStyle.DashLine))
        self.baseline = comparison.baseline()
        if self.baseline is not None:
            self.loss_legend.addItem(self.chance, self.baseline[1])
        for plot in (self.grad_plot, self.loss_plot):
            plot.setMenuEnabled(False)
        # the losses of a network that overflowed, above the range that shows the other's
        # curve: triangles at the top edge, their largest value in the legend (off the data)
        self.off_scale = pg.ScatterPlotItem(symbol="t1", size=theme.px(11), brush=ORANGE, pen=None)
        self.loss_plot.addItem(self.off_scale)
        self._off_scale_name = ""  # its legend entry, "" when it has none
        self._last_step_title = True  # the gradient plot shows the last step's loss's (GRADIENT_TITLES)

    def refresh(self, c: Comparison) -> None:
        # where the last step carries no target (look-ahead), dL_T/dh_t is zero at every t: the
        # whole loss's gradient is drawn instead, under its own title, not an empty plot
        last = c.a.last_step_has_loss
        if self._last_step_title != last:
            title, left = GRADIENT_TITLES[last]
            self.grad_plot.titleLabel.short = title.split(" (")[0]  # on one line in a narrow window
            self.grad_plot.setTitle(title, size=f"{self.theme.points(1.15):.1f}pt", color=self.theme.foreground)
            self.grad_plot.setLabel("left", left, **{"font-size": f"{self.theme.points():.1f}pt",
                                                     "color": self.theme.foreground})
            self._last_step_title = last
        for curve, loss, s in zip(self.curves, self.losses, c.sessions):
            values = s.gradient_curve() if last or s.bwd is None else s.bwd.dh_norm
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
            set_integer_ticks(self.grad_plot.getAxis("bottom"), c.a.T, target=8)
            self.grad_plot.setXRange(0.5, c.a.T + 0.5, padding=0)
            self._ticks_for = c.a.T
        self._name_curves(c)
        self._draw_chance(c)
        self.grad_plot.enableAutoRange(axis="y")
        self._frame_losses(c)
        self.keep_readable()

    def name_the_t_axes(self, named: bool) -> None:
        """The bottom axes' names ("t", "iteration") shown or not: not in a short window,
        where the ticks (1 to T; whole iterations) say which is which and the data has the
        line; each axis as tall as its lines (as style_plot)."""
        line = QtGui.QFontMetricsF(self.theme.qfont()).height()
        for plot in (self.grad_plot, self.loss_plot):
            axis = plot.getAxis("bottom")
            axis.showLabel(named)
            axis.setHeight(int(self.theme.px(5 + 3 + 4) + line * (2.2 if named else 1.2)))
        self.keep_readable()

    def sizeHint(self) -> QtCore.QSize:
        """As tall as keep_readable asks: the window's column, in a scroll area that sizes it
        by its labels' wrapped heights and its widgets' preferred ones, scrolls only when
        the window is shorter than that (a GraphicsView prefers 480 px)."""
        return QtCore.QSize(super().sizeHint().width(), self.minimumHeight())

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        # not while the base class builds the view, nor once close() has cleared its scene
        if hasattr(self, "loss_plot") and not self.closed:
            self.keep_readable()  # at another width the titles and legends wrap to other heights

    def keep_readable(self) -> None:
        """On screen, never shorter than both plots' titles, legends and axes and a data area
        READABLE_DATA_PX tall (a gradient over decades read from the back of a room): the
        window around scrolls instead (below a lesson's text on a 1280x720 projector in F5)."""
        minimum = QtCore.Qt.SizeHint.MinimumSize
        chrome = max(plot.effectiveSizeHint(minimum).height() - plot.vb.effectiveSizeHint(minimum).height()
                     for plot in (self.grad_plot, self.loss_plot))
        _, top, _, bottom = self.ci.layout.getContentsMargins()
        height = round(chrome + READABLE_DATA_PX + top + bottom + 2 * self.frameWidth()) + 1
        if self.minimumHeight() != height:
            self.setMinimumHeight(height)

    def _frame_losses(self, c: Comparison) -> None:
        """The y range of the loss plot: the losses drawn and the baseline, LOSS_MARGIN of a
        decade beyond them. When a network stopped (it overflowed) and the other trains on,
        the range is the one still training's (and the baseline), so its fall fills the
        plot; the stopped one's losses above that range are triangles pinned at the top
        edge, their largest value named in the legend."""
        histories = [np.array(s.loss_history, dtype=float) for s in c.sessions]
        training = [h for label, h in zip("AB", histories) if label not in c.stopped and h.size]
        framed = training if c.stopped and training else [h for h in histories if h.size]
        values = [h[np.isfinite(h) & (h > 0)] for h in framed]
        if self.baseline is not None and self.baseline[0] > 0:
            values.append(np.array([self.baseline[0]]))
        finite = np.concatenate(values) if values else np.empty(0)
        if not any(h.size for h in histories) or finite.size == 0:
            self.off_scale.setData([], [])
            self._name_off_scale("")
            self.loss_plot.enableAutoRange(axis="y")
            return
        low, high = float(np.log10(finite.min())), float(np.log10(finite.max()))
        bottom, top = low - LOSS_MARGIN, high + LOSS_MARGIN
        off_x: list[float] = []
        worst = 0.0
        if c.stopped and training:
            for label, loss, h in zip("AB", self.losses, histories):
                if label not in c.stopped:
                    continue
                above = np.flatnonzero(np.isfinite(h) & (h > 10**high))
                if above.size:
                    off_x += list(above + 1.0)
                    worst = max(worst, float(h[above].max()))
                    shown = np.isfinite(h) & (h > 0) & (h <= 10**high)  # the curve in the range
                    loss.setData(np.arange(1, len(h) + 1)[shown], h[shown])
        if off_x:
            top = high + OFF_SCALE_ROOM  # room above the curves for the triangles
            self.off_scale.setData(off_x, [top - 0.25 * OFF_SCALE_ROOM] * len(off_x))
            stopped = next(label for label in "AB" if label in c.stopped)
            self._name_off_scale(f"{stopped} off the scale, up to {worst:.2g}")
        else:
            self.off_scale.setData([], [])
            self._name_off_scale("")
        self.loss_plot.setYRange(bottom, top, padding=0)

    def _name_off_scale(self, name: str) -> None:
        if name == self._off_scale_name:
            return
        if self._off_scale_name:
            self.loss_legend.removeItem(self.off_scale)
        if name:
            self.loss_legend.addItem(self.off_scale, name)
        self._off_scale_name = name

    def _name_curves(self, c: Comparison) -> None:
        """Legend entries by model ("RNN", "LSTM"), renamed when the difference changes: in
        the gradient plot's legend only, which names both plots' colours and markers; the
        loss plot's holds what only it draws (the baseline, a stopped network's triangles),
        so that above a short plot it takes a row, not four."""
        names = c.names
        if self._names == names:
            return
        self._names = names
        legend = self.grad_plot.legend
        for item in self.curves:
            legend.removeItem(item)
        for item, name in zip(self.curves, names):
            item.opts["name"] = name
            legend.addItem(item, name)
        for item, name in zip(self.losses, names):
            item.opts["name"] = name

    def _draw_chance(self, c: Comparison) -> None:
        """The baseline across the iterations drawn: ln C for cross-entropy ("chance"), the
        targets' variance for MSE ("predict the mean"): a model under it has learnt something."""
        trained = max(len(s.history) for s in c.sessions)
        # whole iterations (never 1.5), and no number before the first
        set_integer_ticks(self.loss_plot.getAxis("bottom"), trained, target=8)
        last = max(1, trained)
        if self.baseline is not None:
            self.chance.setData([0.5, last + 0.5], [self.baseline[0]] * 2)


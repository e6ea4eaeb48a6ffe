"""The size of the gradient at every timestep, on a log axis, filling from T down to 1
during the backward pass, with the theory beside it; below, each timestep's contribution
to the gradient of the recurrent weights (Pascanu, Mikolov and Bengio 2013, eq. 4)."""

from __future__ import annotations

import weakref

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtWidgets

from ...session.figure_data import layer_gradient_done
from ...session.formulas import GRADIENT_PER_STEP
from ...session.stepper import Session
from ..theme import BLUE, GREEN, GREY, ORANGE, PURPLE, THEME, VERMILION, Theme
from .axes import POWER_TICK, LogAxis
from .depth_time import DepthTimeGradients
from .depth_under_curves import DepthTimeUnderCurves
from .fit import legend_above
from .layer_curves import LayerCurves, worst_per_t
from .legend import scaled_sample
from .log_curves import decade_range, finite_or_nan, log_curve
from .overflow_marks import OverflowMarks
from .style import set_integer_ticks, style_plot

SHOW_BOTH, SHOW_TOTAL, SHOW_LAST = "both", "total", "last"
MARKERS_UP_TO_T = 60
# on screen, the contribution plot yields its room to the gradient plot when the panel
# cannot give both data areas this much (F5 on a projector): the main plot stays readable
READABLE_DATA_PX = 100
NEVER_SET = object()


class GradientPanel(QtWidgets.QWidget):
    picture_room_changed = QtCore.Signal()  # the height the curves and depth-time picture need

    def __init__(self, parent=None, theme: Theme | None = None):
        super().__init__(parent)
        theme = THEME if theme is None else theme  # the live window's, unless given one
        self.theme = theme
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        row = QtWidgets.QHBoxLayout()
        self.show_choice = QtWidgets.QComboBox()
        self.show_choice.addItem("total dL/dh_t and last step's loss dL_T/dh_t", SHOW_BOTH)
        self.show_choice.addItem("total dL/dh_t only", SHOW_TOTAL)
        self.show_choice.addItem("last step's loss dL_T/dh_t only", SHOW_LAST)
        self.show_choice.setToolTip(
            "In many-to-many mode the total gradient mixes in every step's own loss, which hides "
            "the decay; the gradient of the last step's loss alone shows it."
        )
        self.show_label = QtWidgets.QLabel("Show:")
        row.addWidget(self.show_label)
        row.addWidget(self.show_choice, 1)
        self.contrib_choice = QtWidgets.QCheckBox("Contribution to dL/dU")
        self.contrib_choice.setChecked(True)
        self.contrib_choice.setToolTip(
            "Each timestep's contribution to dL/dU, below the gradient; when the panel is too short "
            "for both, the gradient has the room (and this box is hidden) until there is room again."
        )
        row.addWidget(self.contrib_choice)
        row.addStretch(0)
        layout.addLayout(row)
        self._layout, self._choices = layout, row
        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setBackground(theme.background)
        self.graphics.ci.layout.setVerticalSpacing(theme.px(2))  # the titles bring their own air
        layout.addWidget(self.graphics, 3)
        self._on_paper = False

        self.norms = self.graphics.addPlot(row=0, col=0, axisItems={"left": LogAxis("left")})
        # t is named once, under the plot below, which shares this one's t axis: the height
        # of that line goes to the legend above the data
        style_plot(self.norms, theme, "Gradient per timestep", {"left": "norm"}, widest_tick=POWER_TICK)
        self.norms.titleLabel.setToolTip(GRADIENT_PER_STEP)
        self.norms.setLogMode(y=True)
        legend = self.norms.addLegend(offset=(10, 10), labelTextSize=f"{theme.points():.1f}pt",
                                      labelTextColor=theme.foreground, sampleType=scaled_sample(theme))
        legend.setBrush(pg.mkBrush(theme.background + "d2"))
        legend_above(self.norms)  # outside the data: never on a curve, never squeezing them
        self.total = log_curve(self.norms, theme, BLUE, "||dL/dh_t||")
        self.last = log_curve(self.norms, theme, ORANGE, "||dL_T/dh_t||  (last step's loss)")
        dashed = pg.QtCore.Qt.PenStyle.DashLine
        self.cell = log_curve(self.norms, theme, GREEN, "||dL/dc_t||", style=dashed, symbol="s")
        self.theory = log_curve(self.norms, theme, GREY, "theory", style=dashed, symbol=None)
        self.overflow_marks = OverflowMarks(self.norms, theme)
        self.layer_curves = LayerCurves(self.norms, theme, log_curve)
        # the current timestep (not `self.cursor`, which would hide QWidget.cursor())
        # truncated BPTT: the timesteps the last loss term's gradient reaches, shaded and named
        self.truncation = pg.LinearRegionItem(movable=False, brush=pg.mkBrush(0, 114, 178, 28),
                                              pen=theme.pen(BLUE, 1, QtCore.Qt.PenStyle.DotLine))
        self.truncation.setZValue(-10)
        self.truncation_label = pg.InfLineLabel(self.truncation.lines[0], "", position=0.92, anchors=[(0, 0), (0, 0)],
                                                color=theme.foreground)
        self.norms.addItem(self.truncation, ignoreBounds=True)
        self.truncation.hide()
        self.step_line = pg.InfiniteLine(angle=90, pen=theme.pen(VERMILION, 2))
        self.norms.addItem(self.step_line)

        self.contrib_plot = self.graphics.addPlot(row=1, col=0, axisItems={"left": LogAxis("left")})
        style_plot(self.contrib_plot, theme, "Contribution of each timestep to dL/dU",
                         {"bottom": "t", "left": "||dL/dU at t||"}, widest_tick=POWER_TICK)
        self.contrib_plot.setLogMode(y=True)
        self.contrib = log_curve(self.contrib_plot, theme, PURPLE, "contribution")
        self.contrib_marks = OverflowMarks(self.contrib_plot, theme)
        self.contrib_plot.setXLink(self.norms)
        for plot in (self.norms, self.contrib_plot):
            plot.setMenuEnabled(False)  # right-click opens unrolled's export menu instead
        # a stack's gradient over time and depth, under the curves (on screen: the export
        # draws it as a figure of its own)
        self.under = DepthTimeUnderCurves(layout, self.graphics, self.norms, (self.contrib_plot,), theme,
                                          READABLE_DATA_PX, self.picture_room_changed.emit)
        self.graphics.ci.layout.setRowStretchFactor(0, 3)
        self.graphics.ci.layout.setRowStretchFactor(1, 2)
        self.show_choice.currentIndexChanged.connect(self._on_show_changed)
        self.contrib_choice.toggled.connect(lambda _: self._fit_contribution())
        self._contrib_shown = self._fits = self._offers_choice = True
        self.keep_data_px = 0.0  # the gradient plot's data area the contribution plot leaves it
        self._session: Session | None = None
        self.show_cursor = True  # the current timestep; an exported figure leaves it out
        self._curves = (self.total, self.last, self.cell, self.theory)
        self._symbols = {c: c.opts["symbol"] for c in (self.total, self.last, self.cell, self.contrib)}
        self._shown: set = set()
        self._legend_state: list = []
        self._ticks_for: int | None = None
        self._version: tuple | None = None
        self._y_ranges: dict = {}  # plot -> the log10 range it was given
        self._model: weakref.ref | None = None  # the network the ranges were set for
        self._data: dict = {}  # curve -> the values it was last given (None: empty)
        # each timestep's contribution once computed (it never changes after), for the
        # traces it was computed from (held, so that no later trace can take their ids)
        self._contrib_traces: tuple | None = None
        self._contrib = np.zeros(0)
        self._contrib_done = np.zeros(0, dtype=bool)

    @property
    def offers_choice(self) -> bool:
        """The "Show:" selector and the contribution's check box are for the screen; a
        figure has no widgets, and shows both plots."""
        return self._offers_choice

    @offers_choice.setter
    def offers_choice(self, on: bool) -> None:
        self._offers_choice = on
        self._fit_contribution()

    @property
    def depth_time(self) -> DepthTimeGradients:
        """The depth-time picture under the curves (built at first use)."""
        return self.under.picture

    @property
    def on_paper(self) -> bool:
        """An exported figure of the curves leaves the depth-time picture to its own figure."""
        return self._on_paper

    @on_paper.setter
    def on_paper(self, on: bool) -> None:
        self._on_paper = on
        self.under.hide()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit_plots()

    def _fit_plots(self) -> None:
        """The picture's height and the contribution plot's place for the panel's height;
        once more when the check box's row came or went with the contribution plot."""
        for _ in range(2):
            row = self.contrib_choice.isVisibleTo(self)
            self.under.fit(self._room())
            self._fit_contribution()
            if self.contrib_choice.isVisibleTo(self) == row:
                return

    def _curves_height(self) -> float:
        """The curves' view's height, as the layout gives it once the picture below has its own."""
        if not self.under.shown:
            return self.graphics.height()
        shares = [self._layout.stretch(self._layout.indexOf(view)) for view in (self.graphics, self.depth_time)]
        return (self._room() - self._layout.spacing()) * shares[0] / max(sum(shares), 1)

    def _room(self) -> float:
        """The height of the plots: the panel's, less its row of choices."""
        row = self._choices.sizeHint().height() if not self._choices.isEmpty() else 0
        return self.height() - row - (2 if row else 1) * self._layout.spacing()

    def keep_data(self, px: float) -> None:
        """The gradient plot keeps a data area `px` tall: the contribution plot gives way.
        The depth-time picture asks the curves only for a readable one (READABLE_DATA_PX):
        at a lesson's stop on a stack, the picture is the figure the stop talks about. Fitted
        again whatever `px` was: the margins of a lesson's stage, cut with it, change the room."""
        self.keep_data_px = px
        self._fit_plots()

    def _fit_contribution(self) -> None:
        """On screen, the contribution plot is shown when asked for and when the panel
        gives both plots readable data areas (the gradient plot at least `keep_data_px`);
        otherwise the gradient plot has the height, and the check box, which could not
        show it, is hidden."""
        fits = True
        if self.offers_choice:
            minimum = QtCore.Qt.SizeHint.MinimumSize
            chrome = sum(plot.effectiveSizeHint(minimum).height() for plot in (self.norms, self.contrib_plot))
            room = self._curves_height() - chrome - self.graphics.ci.layout.verticalSpacing()
            # with hysteresis, so a height near the limit does not flip back and forth (the
            # check box's row, shown again, takes its height from the plots)
            # (2.6: the gradient plot's title and legend rows take more of its share than the other's);
            # the rows share the data's height 3 : 2
            slack = 0 if self._fits else 20 + self.contrib_choice.sizeHint().height()
            fits = room >= max(2.6 * READABLE_DATA_PX, self.keep_data_px * 5 / 3) + slack
        self._fits = fits
        self.contrib_choice.setVisible(self.offers_choice and fits)
        wanted = fits and self.contrib_choice.isChecked()
        if wanted == self._contrib_shown:
            return
        self._contrib_shown = wanted
        if wanted:
            self.graphics.ci.addItem(self.contrib_plot, row=1, col=0)
            self.graphics.ci.layout.setRowStretchFactor(1, 2)
        else:
            self.graphics.ci.removeItem(self.contrib_plot)

    def _on_show_changed(self) -> None:
        self._version = None
        self._data.clear()
        if self._session is not None:
            self.refresh(self._session)

    def refresh(self, session: Session) -> None:
        self._session = session
        bwd = session.bwd
        version = (id(bwd), bwd.steps_done if bwd is not None else -1, self.show_choice.currentIndex(),
                   id(session.fwd))
        if version != self._version:  # the curves change only in the backward pass
            self._redraw_curves(session)
            self._version = version
        if self.under.refresh(session, self._on_paper, self.show_cursor, self._room()):
            self._fit_plots()  # the curves' view has another height
        step_t = session.t if bwd is not None and self.show_cursor else None
        self.step_line.setVisible(step_t is not None)
        if step_t is not None:
            self.step_line.setValue(step_t)

    def _redraw_curves(self, session: Session) -> None:
        if self._model is None or self._model() is not session.net:
            # another model (a new stop, a preset, a reset): the old one's y range would
            # frame its empty curves until the first backward step
            self._model = weakref.ref(session.net)
            self._y_ranges.clear()
        T = session.T
        t = np.arange(1, T + 1)
        bwd = session.bwd
        stack = len(session.layer_keys()) > 1
        many = session.config.mode == "many-to-many" and not stack  # a stack draws its layers' totals
        self.show_choice.setVisible(many and self.offers_choice)
        self.show_label.setVisible(many and self.offers_choice)
        empty = np.full(T, np.nan)
        if stack:
            gradient, done = self._draw_layers(session, t)
        else:
            self._draw_total_and_last(session, t, many)
            gradient, done = (bwd.dh_norm, bwd.done_mask) if bwd is not None else (None, None)
        window = session.truncation_window()
        self.truncation.setVisible(window is not None)
        if window is not None:
            self.truncation.setRegion((window[0] - 0.5, window[1] + 0.5))
            self.truncation_label.setFormat(f"truncation k = {window[1] - window[0] + 1}")
        theory = session.theory_curve()
        # a plain RNN's theory stays named while its curve cannot be drawn yet (before the
        # backward pass and after the loss, until its first step): the legend keeps its entry
        label = session.theory_label() if theory is None else None
        if theory is None and label is not None:
            theory = (empty, label)
        self._set(self.theory, t, finite_or_nan(theory[0]) if theory else None)
        self._sync_legend(theory[1] if theory else None)
        contrib = self._contributions(session) if bwd is not None else empty
        self._set(self.contrib, t, finite_or_nan(contrib))
        # inf and nan marked above the finite values, with their word above them
        top = self.overflow_marks.update(t, gradient, done)
        contrib_top = self.contrib_marks.update(t, contrib if bwd is not None else None,
                                                bwd.done_mask if bwd is not None else None)
        shown = [c.yData for c in self._all_curves() if c in self._shown]
        self._set_y_range(self.norms, shown + ([np.array([10.0 ** (top + 0.4)])] if top is not None else []))
        self._set_y_range(self.contrib_plot, [self.contrib.yData]
                          + ([np.array([10.0 ** (contrib_top + 0.4)])] if contrib_top is not None else []))
        if self._ticks_for != T:
            # a marker per timestep while they can be told apart; beyond, lines only (and fast)
            for curve, symbol in self._symbols.items():
                curve.setSymbol(symbol if T <= MARKERS_UP_TO_T else None)
            set_integer_ticks(self.norms.getAxis("bottom"), T)
            set_integer_ticks(self.contrib_plot.getAxis("bottom"), T)
            self.norms.setXRange(0.5, T + 0.5, padding=0)
            self._ticks_for = T

    def _draw_total_and_last(self, session: Session, t: np.ndarray, many: bool) -> None:
        """One layer: ||dL/dh_t||, ||dL_T/dh_t|| (many-to-many) and ||dL/dc_t|| (LSTM)."""
        bwd, empty = session.bwd, np.full(len(t), np.nan)
        show = self.show_choice.currentData() if many else SHOW_TOTAL
        # before the backward pass the curves this model draws are empty, not gone: the
        # legend keeps its entries (rebuilding it is most of a frame)
        total = finite_or_nan(bwd.dh_norm) if bwd is not None else empty
        last = (finite_or_nan(bwd.dh_last_norm) if bwd is not None else empty) if many else None
        has_cell_state = session.fwd.c is not None
        dc = (finite_or_nan(bwd.dc_norm) if bwd is not None else empty) if has_cell_state else None
        self._set(self.total, t, total if show != SHOW_LAST else None)
        self._set(self.last, t, last if show != SHOW_TOTAL else None)
        self._set(self.cell, t, dc)
        if self.layer_curves.sync([], 1, 1, False):
            self._forget_removed_curves()

    def _draw_layers(self, session: Session, t: np.ndarray) -> tuple[np.ndarray | None, np.ndarray | None]:
        """A stack: a curve of ||dL/dh_t|| per layer and direction. Returns the values and
        the done mask its overflow marks are drawn from (None before the loss)."""
        for item in (self.total, self.last, self.cell):
            self._set(item, t, None)
        keys = session.layer_keys()
        if self.layer_curves.sync(keys, session.net.layers, session.net.directions, len(t) <= MARKERS_UP_TO_T):
            self._forget_removed_curves()
        norms, done = session.layer_gradient_norms(), layer_gradient_done(session)
        for key, item in self.layer_curves.items.items():
            self._set(item, t, finite_or_nan(norms[key]) if norms is not None else np.full(len(t), np.nan))
        if norms is None or done is None:
            return None, None
        return worst_per_t(norms, done)

    def _forget_removed_curves(self) -> None:
        """The old stack's curves are gone from the plot: forget what they were given."""
        kept = {*self._all_curves(), self.contrib}
        self._data = {item: v for item, v in self._data.items() if item in kept}
        self._shown &= kept

    def _all_curves(self) -> tuple:
        return self._curves + tuple(self.layer_curves.items.values())

    def _set_y_range(self, plot: pg.PlotItem, arrays: list) -> None:
        values = [np.asarray(a, float) for a in arrays if a is not None and len(a)]
        span = decade_range(np.concatenate(values)) if values else None
        if span is None and plot in self._y_ranges:  # nothing to show yet (the forward pass): the axis stays
            return
        span = (-1.0, 1.0) if span is None else span
        if self._y_ranges.get(plot) != span:
            plot.setYRange(*span, padding=0)
            plot.vb.updateMatrix()  # now, not while painting: a second paint would follow
            self._y_ranges[plot] = span

    def _contributions(self, session: Session) -> np.ndarray:
        """(T,) each timestep's contribution to dL/dU: a backward step computes only its
        own (the engine's sum over the batch for one t), a step back forgets it."""
        fwd, bwd = session.fwd, session.bwd
        assert bwd is not None
        if self._contrib_traces is None or self._contrib_traces[0] is not fwd or self._contrib_traces[1] is not bwd:
            self._contrib_traces = (fwd, bwd)
            self._contrib = np.full(bwd.T, np.nan)
            self._contrib_done = np.zeros(bwd.T, dtype=bool)
        done = bwd.done_mask
        new = done & ~self._contrib_done
        if new.any():
            self._contrib[new] = session.net.recurrent_contributions(fwd, bwd, new)[new]
        self._contrib[self._contrib_done & ~done] = np.nan  # stepped back
        self._contrib_done = done.copy()
        return self._contrib

    def _set(self, item: pg.PlotDataItem, t: np.ndarray, values: np.ndarray | None) -> None:
        """Give a curve its values, if they changed: only the span from the first to the
        last finite value (the backward pass fills from T down; the rest would be a gap),
        so a curve costs what it shows."""
        before = self._data.get(item, NEVER_SET)
        if isinstance(before, np.ndarray) and values is not None and np.array_equal(before, values, equal_nan=True):
            return
        if values is None:
            if before is not None:
                item.setData([], [])
                self._data[item] = None
            self._shown.discard(item)
            return
        self._data[item] = values.copy()
        finite = np.isfinite(values)
        if finite.sum() < 2:  # pyqtgraph warns on all-NaN data
            item.setData(t[finite], values[finite])
        else:  # NaN gaps inside stay gaps (connect="finite")
            where = np.flatnonzero(finite)
            span = slice(where[0], where[-1] + 1)
            item.setData(t[span], values[span])
        self._shown.add(item)

    def _sync_legend(self, theory_label: str | None) -> None:
        """The legend lists the curves this configuration draws, and names the theory."""
        names = {self.theory: theory_label or "theory"}
        wanted = [(item, names.get(item, item.opts["name"])) for item in self._all_curves() if item in self._shown]
        if wanted == self._legend_state:
            return
        legend = self.norms.legend
        with self.norms.titleLabel.one_fit():
            legend.clear()
            for item, name in wanted:
                legend.addItem(item, name)
        self._legend_state = wanted

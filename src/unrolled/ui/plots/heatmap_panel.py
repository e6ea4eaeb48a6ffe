"""One heatmap panel of a state or gate: D units down, T timesteps across, its colour bar
beside it, and what the engine says of it (its range, title and formula)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtGui

from ...engine import cell_class
from ...engine.stack_traces import Key
from ...session.formulas import CELL_STATES, HIDDEN_STATES, gate_formula, gate_name
from ...session.stepper import Session
from ..theme import DIVERGING_MAP, OVERFLOW, UNIT_INTERVAL_MAP, VERMILION, Theme
from .axes import IntegerAxis
from .colour_scale import ColourScale, colour_columns, colour_table, fixed_scale, log_scale_for
from .column_image import ColumnImage
from .style import set_integer_ticks, style_plot


def panel_keys(cell: str, which: str = "all") -> tuple[str, ...]:
    """The cell's states (h, then c for the LSTM) and then its gates, as the engine names
    them; `which` = "states" or "gates" for one kind only."""
    structure = cell_class(cell)
    states = structure.state_names if which != "gates" else ()
    gates = structure.gate_names if which != "states" else ()
    return states + gates


def panel_bounds(session: Session, key: str) -> tuple[float, float]:
    """The interval the engine says a panel's values lie in: a gate's range, or a state's
    (unbounded for the LSTM's c and a linear or ReLU RNN's h)."""
    cell = session.net.cell
    return cell.gate_ranges[key] if key in cell.gate_ranges else cell.state_range(key)


def panel_title(cell: str, key: str) -> str:
    structure = cell_class(cell)
    if key in structure.state_names:
        return f"{key}_t  {structure.state_descriptions[key]}"
    return f"{key}_t  {structure.gate_descriptions[key]}"


def panel_values(session: Session, key: str, sequence: int = 0, layer: Key = (0, 0)) -> np.ndarray:
    """(D, T) values of one panel for one sequence of one (layer, direction); NaN where not
    computed yet."""
    gates = session.layer_gates()[layer]
    if key in gates:
        return gates[key][sequence].T
    states = session.layer_hidden_states() if key == "h" else session.layer_cell_states()
    return states[layer][sequence].T


def panel_formula(cell: str, key: str) -> str:
    """The equation of a panel, for its title's tooltip (one source: session.formulas)."""
    if key == "h":
        return HIDDEN_STATES
    if key == "c":
        return CELL_STATES
    return f"{gate_name(cell, key)}: {gate_formula(cell, key)}"

class HeatmapPanel:
    """One heatmap (a state or a gate, D x T) with its colour bar, in a row and column of a layout."""

    def __init__(self, layout: pg.GraphicsLayout, cell: str, key: str, row: int, col: int, theme: Theme):
        self.theme = theme
        self.key, self.title = key, panel_title(cell, key)
        self.row = row
        self.fit_bar_to_ticks = False  # on screen: the bar's axis as wide as this scale's labels
        self.plot = layout.addPlot(row=row, col=col * 2,  # ticks as many as a panel's size holds
                                   axisItems={"bottom": IntegerAxis("bottom"), "left": IntegerAxis("left")},
                                   enableMenu=False)
        style_plot(self.plot, theme, self.title, {"bottom": "t", "left": "unit"}, widest_tick="000")  # units: 1 .. D
        self.plot.titleLabel.setToolTip(panel_formula(cell, key))
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideButtons()
        self.plot.invertY(True)  # unit 1 at the top, as a matrix is read
        self.image = ColumnImage()
        self.plot.addItem(self.image)
        self.cursor = pg.InfiniteLine(angle=90, pen=theme.pen(VERMILION, 2))
        self.plot.addItem(self.cursor)
        self.colorbar = pg.ColorBarItem(
            values=(-1, 1), colorMap=pg.colormap.get(DIVERGING_MAP), width=theme.px(12), interactive=False,
        )
        bar_axis = self.colorbar.axis
        # the end labels stand half a line beyond the bar (pyqtgraph allows 15 px, at any scale)
        line = QtGui.QFontMetricsF(theme.qfont(0.9)).height()
        bar_axis.setStyle(tickFont=theme.qfont(0.9), tickLength=int(theme.px(4)), hideOverlappingLabels=int(line))
        self._fit_bar_axis(["-10⁻¹⁰⁰"])  # until the scale is known
        bar_axis.setPen(theme.pen(theme.foreground, 1.0))
        bar_axis.setTextPen(theme.foreground)
        layout.addItem(self.colorbar, row=row, col=col * 2 + 1)
        self.scale: ColourScale | None = None
        self._table = np.zeros((256, 4), dtype=np.uint8)
        self._overflow = np.array(QtGui.QColor(OVERFLOW).getRgb(), dtype=np.uint8)
        self._bounds: tuple[float, float] | None = None
        self._peak = 0.0  # the largest finite |value| of this configuration's passes so far
        self._shape: tuple[int, int] | None = None
        self._trace: object = None
        self._painted = np.zeros(0, dtype=bool)  # (T,) columns coloured for the current trace

    def show(self, values: np.ndarray, done: np.ndarray, trace: object, bounds: tuple[float, float]) -> None:
        """Colour what is new since the last call: the columns computed since (`done`, (T,)
        bool; a reverse direction fills from t = T down), or everything for a new pass, a
        new size or a grown log scale."""
        D, T = values.shape
        if self._shape != (D, T) or bounds != self._bounds:
            self._reshape(D, T)
            self._bounds, self._peak, self.scale = bounds, 0.0, None
        if trace != self._trace:  # a new pass: a scale fixed for all of it
            self._set_scale(fixed_scale(bounds, self._peak))
            self._trace = trace
        columns = done & ~self._painted
        if columns.any():
            new = values[:, columns]
            finite = np.abs(new[np.isfinite(new)])
            if finite.size:
                self._peak = max(self._peak, float(finite.max()))
            assert self.scale is not None
            if not self.scale.covers(new):  # an unbounded state outgrew the scale: rare, all redrawn
                self._set_scale(log_scale_for(self._peak))
                columns = done.copy()
            self.image.rgba[:, columns] = colour_columns(values[:, columns], self.scale, self._table, self._overflow)
        self.image.rgba[:, self._painted & ~done] = 0  # stepped back: not computed any more
        self._painted = done.copy()
        self.image.image = values
        self.image.update()

    def _reshape(self, D: int, T: int) -> None:
        self.image.reshape(D, T)
        self._painted = np.zeros(T, dtype=bool)
        # a panel is narrow (two per row for the gated cells): few, round ticks
        # wider numbers, fewer of them: "200400600800" never runs together
        set_integer_ticks(self.plot.getAxis("bottom"), T, target=max(2, 7 - len(str(T))))
        set_integer_ticks(self.plot.getAxis("left"), D, target=5)
        self.plot.setXRange(0.5, T + 0.5, padding=0)
        self.plot.setYRange(0.5, D + 0.5, padding=0)
        self._shape = (D, T)

    def _set_scale(self, scale: ColourScale) -> None:
        """A new scale repaints every column (from the next show) and the colour bar."""
        if scale != self.scale:
            name = DIVERGING_MAP if scale.diverging else UNIT_INTERVAL_MAP
            colour_map = pg.colormap.get(name)
            self._table = colour_table(colour_map)
            self.colorbar.setColorMap(colour_map)
            self.colorbar.setLevels((scale.low, scale.high))
            self.colorbar.axis.setTicks([scale.ticks(), []])
            if self.fit_bar_to_ticks:
                self._fit_bar_axis([text for _, text in scale.ticks()])
            self.scale = scale
        self._painted = np.zeros_like(self._painted)
        self.image.rgba[:] = 0

    def _fit_bar_axis(self, labels: list[str]) -> None:
        """The colour bar's axis as wide as its widest label (pyqtgraph fixes 45 px: too
        narrow for "-10¹⁰⁰" or a scaled font, whose labels then vanish; "-10⁻¹⁰⁰" for "1"
        takes from the heatmaps the width a narrow window cannot spare)."""
        metrics = QtGui.QFontMetricsF(self.theme.qfont(0.9))
        numbers = max((metrics.horizontalAdvance(text) for text in labels), default=0.0)
        self.colorbar.axis.setWidth(int(numbers + self.theme.px(12)))

    def share_time_axis(self, on: bool) -> None:
        """Without its own t tick labels and "t" label: a panel above another, on the same
        timesteps, leaves them to the panel below (the screen's rows keep their height)."""
        axis = self.plot.getAxis("bottom")
        axis.setStyle(showValues=not on)
        axis.showLabel(not on)
        if on:
            axis.setHeight(int(self.theme.px(6)))
        else:  # as style_plot sizes it
            line = QtGui.QFontMetricsF(self.theme.qfont()).height()
            axis.setHeight(int(self.theme.px(5 + 3 + 4) + line * 2.2))

    @property
    def kind(self) -> str:
        """"diverging" for values either side of zero, "unit" for values in 0..1."""
        return "unit" if self.scale is not None and not self.scale.diverging else "diverging"

    def readout(self, t: int, unit: int, done: np.ndarray) -> str | None:
        values = self.image.image
        if values is None:
            return None
        D, T = values.shape
        if not (1 <= t <= T and 1 <= unit <= D):
            return None
        text = "not computed yet" if not done[t - 1] else f"{values[unit - 1, t - 1]:.4g}"
        return f"{self.key}_t  unit {unit}, t = {t}: {text}"

    def move_cursor(self, t: int | None) -> None:
        self.cursor.setVisible(t is not None)
        if t is not None and self.cursor.value() != t:
            self.cursor.setValue(t)

"""Heatmaps of the hidden state (D x T) and, for gated cells, the cell state and the gates.

Columns fill as the forward pass steps, on a colour scale fixed for the pass (the engine's
range of each gate and state; a symmetric log scale for an unbounded state), so a column
keeps its colour once drawn and a step colours only its own column. Not-yet-computed
columns are empty; values that overflowed to inf or nan are painted in the OVERFLOW colour,
so they are never mistaken for zero.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from ...engine import ForwardTrace, cell_class
from ...session.formulas import CELL_STATES, HIDDEN_STATES, gate_formula, gate_name
from ...session.stepper import Phase, Session
from ..theme import DIVERGING_MAP, OVERFLOW, THEME, UNIT_INTERVAL_MAP, VERMILION, Theme
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


def panel_values(session: Session, key: str, sequence: int = 0) -> np.ndarray:
    """(D, T) values of one panel for one sequence; NaN where not computed yet."""
    fwd = session.fwd
    source = fwd.gates[key] if key in fwd.gates else getattr(fwd, key)  # a state: fwd.h, fwd.c
    return source[sequence].T


def panel_formula(cell: str, key: str) -> str:
    """The equation of a panel, for its title's tooltip (one source: session.formulas)."""
    if key == "h":
        return HIDDEN_STATES
    if key == "c":
        return CELL_STATES
    return f"{gate_name(cell, key)}: {gate_formula(cell, key)}"

class _Panel:
    def __init__(self, layout: pg.GraphicsLayout, cell: str, key: str, row: int, col: int, theme: Theme):
        self.theme = theme
        self.key, self.title = key, panel_title(cell, key)
        self.row = row
        self.fit_bar_to_ticks = False  # on screen: the bar's axis as wide as this scale's labels
        self.plot = layout.addPlot(row=row, col=col * 2,  # ticks as many as a panel's size holds
                                   axisItems={"bottom": IntegerAxis("bottom"), "left": IntegerAxis("left")})
        style_plot(self.plot, theme, self.title, {"bottom": "t", "left": "unit"}, widest_tick="000")  # units: 1 .. D
        self.plot.titleLabel.setToolTip(panel_formula(cell, key))
        self.plot.setMenuEnabled(False)
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
        self._painted = 0  # columns of the buffer coloured for the current trace

    def show(self, values: np.ndarray, computed: int, trace: object, bounds: tuple[float, float]) -> None:
        """Colour what is new since the last call: the new columns of the same pass, or
        everything for a new pass, a new size or a grown log scale."""
        D, T = values.shape
        if self._shape != (D, T) or bounds != self._bounds:
            self._reshape(D, T)
            self._bounds, self._peak, self.scale = bounds, 0.0, None
        if trace != self._trace:  # a new pass: a scale fixed for all of it
            self._set_scale(fixed_scale(bounds, self._peak))
            self._trace = trace
        if computed > self._painted:
            new = values[:, self._painted : computed]
            finite = np.abs(new[np.isfinite(new)])
            if finite.size:
                self._peak = max(self._peak, float(finite.max()))
            assert self.scale is not None
            if not self.scale.covers(new):  # an unbounded state outgrew the scale: rare, all redrawn
                self._set_scale(log_scale_for(self._peak))
                new = values[:, self._painted : computed]
            self.image.rgba[:, self._painted : computed] = colour_columns(
                new, self.scale, self._table, self._overflow)
        elif computed < self._painted:  # stepped back: those columns are not computed any more
            self.image.rgba[:, computed : self._painted] = 0
        self._painted = computed
        self.image.image = values
        self.image.update()

    def _reshape(self, D: int, T: int) -> None:
        self.image.reshape(D, T)
        self._painted = 0
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
        self._painted = 0
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

    def readout(self, t: int, unit: int, computed: int) -> str | None:
        values = self.image.image
        if values is None:
            return None
        D, T = values.shape
        if not (1 <= t <= T and 1 <= unit <= D):
            return None
        text = "not computed yet" if t > computed else f"{values[unit - 1, t - 1]:.4g}"
        return f"{self.key}_t  unit {unit}, t = {t}: {text}"

    def move_cursor(self, t: int | None) -> None:
        self.cursor.setVisible(t is not None)
        if t is not None and self.cursor.value() != t:
            self.cursor.setValue(t)


class StateHeatmaps(pg.GraphicsLayoutWidget):
    """h_t for every unit and timestep, and the gates of the LSTM and GRU. A click on a
    column says which timestep (`timestep_chosen`, 1-based), for the step inspector."""

    timestep_chosen = QtCore.Signal(int)

    def __init__(self, parent=None, keys: str = "all", theme: Theme | None = None):
        """keys: "all" panels of the cell, or only its "states" (h, c) or its "gates"."""
        super().__init__(parent)
        theme = THEME if theme is None else theme  # the live window's, unless given one
        self.theme = theme
        self.setBackground(theme.background)
        self.setAntialiasing(False)  # images and straight lines only: crisp, and cheaper to paint
        self.ci.layout.setSpacing(theme.px(6))
        # a colour bar's end labels stand half a line beyond the bar: room above the top row
        # and between rows, so that the "0" of one bar does not touch the "1" of the next
        line = QtGui.QFontMetricsF(theme.qfont(0.9)).height()
        self.ci.layout.setVerticalSpacing(line)
        # and below the bottom row: a bar's "-1" is not cut by the figure's edge
        self.ci.setContentsMargins(theme.px(2), line * 0.6, theme.px(2), line * 0.6)
        self.keys = keys
        # five or more panels (the LSTM's) three to a row, for a wide, short area (a lesson's
        # framed heatmaps on a projector); otherwise two
        self.three_columns = False
        self.show_cursor = True
        # on screen, panels above others leave the t axis to the bottom row (`_rebuild`)
        self.shared_time_axis = False
        self.sequence = 0  # which sequence of the batch (0-based)
        self.setToolTip("Hover over a cell for its unit, timestep and value.")
        self.panels: dict[str, _Panel] = {}
        self._cell: str | None = None
        # (trace, steps done) last drawn: the images change only in the forward pass
        self._version: tuple[int, int, int] | None = None
        self._session: Session | None = None
        self._fwd: ForwardTrace | None = None
        self.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self.scene().sigMouseClicked.connect(self._on_mouse_clicked)

    def _on_mouse_clicked(self, event) -> None:
        t = self.timestep_at(event.scenePos())
        if t is not None and event.button() == QtCore.Qt.MouseButton.LeftButton:
            self.timestep_chosen.emit(t)

    def _cell_at(self, scene_pos) -> tuple[_Panel, int, int] | None:
        """(panel, t, unit) under a scene position (t and unit rounded, 1-based), or None
        off the panels."""
        if self._session is None:
            return None
        for panel in self.panels.values():
            box = panel.plot.vb
            if box.sceneBoundingRect().contains(scene_pos):
                point = box.mapSceneToView(scene_pos)
                return panel, round(point.x()), round(point.y())
        return None

    def timestep_at(self, scene_pos) -> int | None:
        """The timestep (1-based) of the column under a scene position, or None off the cells."""
        cell = self._cell_at(scene_pos)
        if cell is None or self._session is None or not 1 <= cell[1] <= self._session.T:
            return None
        return cell[1]

    def refresh(self, session: Session) -> None:
        self._session = session
        if session.config.cell != self._cell:
            self._rebuild(session.config.cell)
        fwd = session.fwd
        self._fwd = fwd  # held, so that no later trace can take its id
        # the cursor marks the forward pass's timestep: the images change only then
        t = session.t if session.phase is Phase.FORWARD and self.show_cursor else None
        self.sequence = min(self.sequence, fwd.h.shape[0] - 1)
        version = (id(fwd), fwd.steps_done, self.sequence)
        for key, panel in self.panels.items():
            if version != self._version:  # the forward trace changed: new pixels
                panel.show(panel_values(session, key, self.sequence), fwd.steps_done,
                           (id(fwd), self.sequence), panel_bounds(session, key))
            panel.move_cursor(t)
        self._version = version

    def _rebuild(self, cell: str) -> None:
        self.ci.clear()
        self.panels = {}
        self._version = None
        keys = panel_keys(cell, self.keys)
        columns = 1 if len(keys) == 1 else 3 if self.three_columns and len(keys) >= 5 else 2
        for n, key in enumerate(keys):
            self.panels[key] = panel = _Panel(self.ci, cell, key, n // columns, n % columns, self.theme)
            if self.shared_time_axis and n + columns < len(keys):  # a panel below it shows the t axis
                panel.share_time_axis(True)
            if self.shared_time_axis:  # on screen, a narrow panel's title is its symbol alone
                title = panel.plot.titleLabel
                title.short = f"{key}_t"
                title.setToolTip(f"{panel.title}: {title.toolTip()}")
                title.setText(title.text)
        if self.shared_time_axis:
            # each bar inset by half a line, so its end labels stay in its own row: the rows
            # need no line of air between them, and the data has that height
            line = QtGui.QFontMetricsF(self.theme.qfont(0.9)).height()
            for panel in self.panels.values():
                panel.colorbar.setContentsMargins(0, line / 2, 0, line / 2)
                panel.fit_bar_to_ticks = True
            self.ci.layout.setVerticalSpacing(self.theme.px(6))
            self.ci.setContentsMargins(self.theme.px(2), self.theme.px(2), self.theme.px(2), self.theme.px(2))
        self._cell = cell
        self._even_rows()

    def set_three_columns(self, on: bool) -> None:
        """Five or more panels three to a row (or two): laid out again, and drawn."""
        if on == self.three_columns:
            return
        self.three_columns = on
        if self._cell is not None and len(self.panels) >= 5:
            self._cell = None  # the next refresh lays the panels out again
            if self._session is not None:
                self.refresh(self._session)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._even_rows()

    def _even_rows(self) -> None:
        """With a shared t axis, the rows' data areas equally tall: the bottom row, which
        carries the axis, taller by its height (the layout's stretch would share it out)."""
        if not getattr(self, "shared_time_axis", False) or not self.panels:  # (pyqtgraph resizes in __init__)
            return
        minimum = QtCore.Qt.SizeHint.MinimumSize
        chrome: dict[int, float] = {}
        for panel in self.panels.values():
            chrome[panel.row] = max(chrome.get(panel.row, 0.0), panel.plot.effectiveSizeHint(minimum).height())
        layout = self.ci.layout
        _, top, _, bottom = self.ci.layout.getContentsMargins()
        room = (self.viewport().height() - top - bottom - layout.verticalSpacing() * (len(chrome) - 1)
                - sum(chrome.values()))
        data = max(room / len(chrome), 0.0)
        for row, height in chrome.items():
            layout.setRowFixedHeight(row, height + data)

    def readout(self, scene_pos) -> str | None:
        """What the cell under a scene position holds, or None off the cells."""
        cell = self._cell_at(scene_pos)
        if cell is None or self._session is None:
            return None
        panel, t, unit = cell
        return panel.readout(t, unit, self._session.fwd.steps_done)

    def _on_mouse_moved(self, pos) -> None:
        text = self.readout(pos)
        if text is not None:
            QtWidgets.QToolTip.showText(QtGui.QCursor.pos(), text, self)

    def viewportEvent(self, event) -> bool:
        """While the pointer rests on a cell, Qt's tooltip event shows the cell's readout,
        not the widget's generic hint, which would replace it just as one stops to read."""
        if event.type() == QtCore.QEvent.Type.ToolTip:
            text = self.readout(self.mapToScene(event.pos()))
            if text is not None:
                QtWidgets.QToolTip.showText(event.globalPos(), text, self)
                return True
        return super().viewportEvent(event)

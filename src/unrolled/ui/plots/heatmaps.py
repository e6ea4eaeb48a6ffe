"""Heatmaps of the hidden state (D x T) and, for gated cells, the cell state and the gates.

Columns fill as the forward pass steps. Not-yet-computed columns are NaN and draw as
empty; values that overflowed to inf or nan are painted in the OVERFLOW colour on top, so
they are never mistaken for zero.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from ...engine import cell_class
from ...session.stepper import Phase, Session
from .. import theme


def panel_keys(cell: str, which: str = "all") -> tuple[str, ...]:
    """The cell's states (h, then c for the LSTM) and then its gates, as the engine names
    them; `which` = "states" or "gates" for one kind only."""
    structure = cell_class(cell)
    states = structure.state_names if which != "gates" else ()
    gates = structure.gate_names if which != "states" else ()
    return states + gates


def panel_title(cell: str, key: str) -> tuple[str, str]:
    """(title, colour map kind) of one panel: "diverging" for values either side of zero,
    "unit" for a gate whose values lie in 0..1."""
    structure = cell_class(cell)
    if key in structure.state_names:
        return f"{key}_t  {structure.state_descriptions[key]}", "diverging"
    kind = "unit" if tuple(structure.gate_ranges[key]) == (0.0, 1.0) else "diverging"
    return f"{key}_t  {structure.gate_descriptions[key]}", kind


def panel_values(session: Session, key: str, sequence: int = 0) -> np.ndarray:
    """(D, T) values of one panel for one sequence; NaN where not computed yet."""
    fwd = session.fwd
    source = fwd.gates[key] if key in fwd.gates else getattr(fwd, key)  # a state: fwd.h, fwd.c
    return source[sequence].T


class _Panel:
    def __init__(self, layout: pg.GraphicsLayout, cell: str, key: str, row: int, col: int):
        title, kind = panel_title(cell, key)
        self.key, self.kind, self.title = key, kind, title
        self.plot = layout.addPlot(row=row, col=col * 2)
        theme.style_plot(self.plot, title, {"bottom": "t", "left": "unit"})
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideButtons()
        self.plot.invertY(True)  # unit 1 at the top, as a matrix is read
        # autoDownsample: a panel is a few hundred pixels wide; T = 1000 columns are
        # averaged down to the screen before colouring, not coloured and then scaled
        self.image = pg.ImageItem(axisOrder="row-major", autoDownsample=True)
        self.overflow = pg.ImageItem(axisOrder="row-major")
        self.plot.addItem(self.image)
        self.plot.addItem(self.overflow)
        self.cursor = pg.InfiniteLine(angle=90, pen=theme.pen(theme.VERMILION, 2))
        self.plot.addItem(self.cursor)
        name = theme.DIVERGING_MAP if kind == "diverging" else theme.UNIT_INTERVAL_MAP
        self.colorbar = pg.ColorBarItem(
            values=(-1, 1) if kind == "diverging" else (0, 1),
            colorMap=pg.colormap.get(name),
            width=theme.px(12),
            interactive=False,
        )
        bar_axis = self.colorbar.axis
        bar_axis.setStyle(tickFont=theme.qfont(0.9), tickLength=int(theme.px(4)))
        # pyqtgraph fixes 45 px: too narrow for "-2000" or a scaled font, whose labels then vanish
        numbers = QtGui.QFontMetricsF(theme.qfont(0.9)).horizontalAdvance("-0.0000")
        bar_axis.setWidth(int(numbers + theme.px(12)))
        bar_axis.setPen(theme.pen(theme.THEME.foreground, 1.0))
        bar_axis.setTextPen(theme.THEME.foreground)
        self.colorbar.setImageItem(self.image)
        layout.addItem(self.colorbar, row=row, col=col * 2 + 1)
        self._shape: tuple[int, int] | None = None
        self._level: float | None = None
        self._has_overflow = False

    def show(self, values: np.ndarray, computed: int) -> None:
        """Only what changed is touched: pyqtgraph repaints axes and colour bars whenever
        their range is set, and that, not the image, is what costs time per frame."""
        D, T = values.shape
        if self.kind == "diverging":
            level = theme.symmetric_level(values[:, :computed]) if computed else 1.0
            if level != self._level:
                self.colorbar.setLevels((-level, level))
                self._level = level
        self.image.setImage(values, autoLevels=False)
        nonfinite = ~np.isfinite(values[:, :computed])
        if nonfinite.any() or self._has_overflow:
            bad = np.zeros((D, T, 4), dtype=np.ubyte)
            colour = QtGui.QColor(theme.OVERFLOW)
            bad[:, :computed][nonfinite] = (colour.red(), colour.green(), colour.blue(), colour.alpha())
            self.overflow.setImage(bad, autoLevels=False, levels=(0, 255))
            self._has_overflow = bool(nonfinite.any())
            self.overflow.setVisible(self._has_overflow)
        if self._shape != (D, T):
            rect = QtCore.QRectF(0.5, 0.5, T, D)
            self.image.setRect(rect)
            self.overflow.setImage(np.zeros((D, T, 4), dtype=np.ubyte), autoLevels=False, levels=(0, 255))
            self.overflow.setRect(rect)
            self.overflow.setVisible(False)
            # a panel is narrow (two per row for the gated cells): few, round ticks
            # wider numbers, fewer of them: "200400600800" never runs together
            theme.set_integer_ticks(self.plot.getAxis("bottom"), T, target=max(2, 7 - len(str(T))))
            theme.set_integer_ticks(self.plot.getAxis("left"), D, target=5)
            self.plot.setXRange(0.5, T + 0.5, padding=0)
            self.plot.setYRange(0.5, D + 0.5, padding=0)
            self._shape = (D, T)

    def move_cursor(self, t: int | None) -> None:
        self.cursor.setVisible(t is not None)
        if t is not None and self.cursor.value() != t:
            self.cursor.setValue(t)


class StateHeatmaps(pg.GraphicsLayoutWidget):
    """h_t for every unit and timestep, and the gates of the LSTM and GRU."""

    def __init__(self, parent=None, keys: str = "all"):
        """keys: "all" panels of the cell, or only its "states" (h, c) or its "gates"."""
        super().__init__(parent)
        self.setBackground(theme.THEME.background)
        self.setAntialiasing(False)  # images and straight lines only: crisp, and cheaper to paint
        self.ci.layout.setSpacing(theme.px(6))
        self.keys = keys
        self.show_cursor = True
        self.sequence = 0  # which sequence of the batch (0-based)
        self.setToolTip("Hover over a cell for its unit, timestep and value.")
        self.panels: dict[str, _Panel] = {}
        self._cell: str | None = None
        # (trace, steps done) last drawn: the images change only in the forward pass
        self._version: tuple[int, int, int] | None = None
        self._session: Session | None = None
        self.scene().sigMouseMoved.connect(self._on_mouse_moved)

    def refresh(self, session: Session) -> None:
        self._session = session
        if session.config.cell != self._cell:
            self._rebuild(session.config.cell)
        fwd = session.fwd
        # the cursor marks the forward pass's timestep: the images change only then
        t = session.t if session.phase is Phase.FORWARD and self.show_cursor else None
        self.sequence = min(self.sequence, fwd.h.shape[0] - 1)
        version = (id(fwd), fwd.steps_done, self.sequence)
        for key, panel in self.panels.items():
            if version != self._version:  # the forward trace changed: new pixels
                panel.show(panel_values(session, key, self.sequence), fwd.steps_done)
            panel.move_cursor(t)
        self._version = version

    def _rebuild(self, cell: str) -> None:
        self.ci.clear()
        self.panels = {}
        self._version = None
        keys = panel_keys(cell, self.keys)
        columns = 1 if len(keys) == 1 else 2
        for n, key in enumerate(keys):
            self.panels[key] = _Panel(self.ci, cell, key, n // columns, n % columns)
        self._cell = cell

    def _on_mouse_moved(self, pos) -> None:
        if self._session is None:
            return
        for key, panel in self.panels.items():
            box = panel.plot.vb
            if not box.sceneBoundingRect().contains(pos):
                continue
            point = box.mapSceneToView(pos)
            t, unit = round(point.x()), round(point.y())
            values = panel_values(self._session, key, self.sequence)
            D, T = values.shape
            if 1 <= t <= T and 1 <= unit <= D:
                v = values[unit - 1, t - 1]
                text = "not computed yet" if t > self._session.fwd.steps_done else f"{v:.4g}"
                QtWidgets.QToolTip.showText(
                    QtGui.QCursor.pos(), f"{panel.title.split()[0]}  unit {unit}, t = {t}: {text}", self
                )
            return

"""Heatmaps of the hidden state (D x T) and, for gated cells, the cell state and the gates.

Columns fill as the forward pass steps, on a colour scale fixed for the pass (the engine's
range of each gate and state; a symmetric log scale for an unbounded state), so a column
keeps its colour once drawn and a step colours only its own column. Not-yet-computed
columns are empty; values that overflowed to inf or nan are painted in the OVERFLOW colour,
so they are never mistaken for zero.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from ...engine import ForwardTrace
from ...session.figure_data import layer_forward_done, layer_label
from ...session.stepper import Phase, Session
from ..theme import THEME, Theme
from .diagram.grid import row_label
from .heatmap_panel import HeatmapPanel, panel_bounds, panel_keys, panel_values
from .layer_choice import LayerChoice
from .readout_tip import readout_tooltip


class StateHeatmaps(pg.GraphicsLayoutWidget):
    """h_t for every unit and timestep, and the gates of the LSTM and GRU. A click on a
    column says which timestep of which layer and direction (`timestep_chosen`: t from 1,
    the layer and direction shown, from 0), for the step inspector."""

    timestep_chosen = QtCore.Signal(int, int, int)

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
        # a stack's layer and direction, chosen above the panels (on screen)
        self.layer_choice = LayerChoice(self)
        self.layer_choice.hide()
        self.layer_choice.chosen.connect(self._on_layer_chosen)
        self._offers_choice = True
        # and below the bottom row: a bar's "-1" is not cut by the figure's edge
        self._set_margins(theme.px(2), line * 0.6, theme.px(2), line * 0.6)
        self.keys = keys
        # five or more panels (the LSTM's) three to a row, for a wide, short area (a lesson's
        # framed heatmaps on a projector); otherwise two
        self.three_columns = False
        self.show_cursor = True
        # on screen, panels above others leave the t axis to the bottom row (`_rebuild`)
        self.shared_time_axis = False
        self.sequence = 0  # which sequence of the batch (0-based)
        self.setToolTip("Hover over a cell for its unit, timestep and value.")
        self.panels: dict[str, HeatmapPanel] = {}
        self._cell: str | None = None
        self._layer_title = ""  # ", layer 2 reverse" in a stack's panel titles
        self._layer_short = ""  # ", layer 2 ←" in their short forms: which layer, whatever the width
        # (trace, steps done, sequence, layer) last drawn: the images change only in the forward pass
        self._version: tuple | None = None
        self._session: Session | None = None
        self._fwd: ForwardTrace | None = None
        self.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self.scene().sigMouseClicked.connect(self._on_mouse_clicked)

    def _on_mouse_clicked(self, event) -> None:
        t = self.timestep_at(event.scenePos())
        if t is not None and event.button() == QtCore.Qt.MouseButton.LeftButton:
            self.timestep_chosen.emit(t, *self.layer_choice.key)

    def _cell_at(self, scene_pos) -> tuple[HeatmapPanel, int, int] | None:
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

    @property
    def offers_choice(self) -> bool:
        """The choice of a stack's layer is for the screen: a figure has no widgets (and
        shows the top layer, named in its titles)."""
        return self._offers_choice

    @offers_choice.setter
    def offers_choice(self, on: bool) -> None:
        self._offers_choice = on
        self._fit_choice()

    def _on_layer_chosen(self) -> None:
        if self._session is not None:
            self.refresh(self._session)

    def refresh(self, session: Session) -> None:
        self._session = session
        keys = session.layer_keys()
        self.layer_choice.sync(keys, session.net.directions)
        self._fit_choice()
        layer = self.layer_choice.key
        layer_title = f", {layer_label(layer, session.net.directions, both=True)}" if len(keys) > 1 else ""
        if session.config.cell != self._cell or layer_title != self._layer_title:
            self._layer_title = layer_title
            self._layer_short = f", {row_label(layer, session.net.directions)}" if len(keys) > 1 else ""
            self._rebuild(session.config.cell)
        fwd = session.fwd
        self._fwd = fwd  # held, so that no later trace can take its id
        # the cursor marks the forward pass's timestep in the layer shown: the images change only then
        place = session.place
        here = place.phase is Phase.FORWARD and (place.layer, place.direction) == layer and self.show_cursor
        self.sequence = min(self.sequence, fwd.h.shape[0] - 1)
        version = (id(fwd), fwd.steps_done, self.sequence, layer)
        done = layer_forward_done(session, layer) if version != self._version else None
        for key, panel in self.panels.items():
            if done is not None:  # the forward trace changed: new pixels
                panel.show(panel_values(session, key, self.sequence, layer), done,
                           (id(fwd), self.sequence, layer), panel_bounds(session, key))
            panel.move_cursor(place.t if here else None)
        self._version = version

    def _set_margins(self, left: float, top: float, right: float, bottom: float) -> None:
        """The margins around the panels; the layer choice, when shown, adds its height on top."""
        self._margins = (left, top, right, bottom)
        self._fit_choice()

    def _fit_choice(self) -> None:
        """The layer choice shown for a stack on screen, above the panels (which move down
        by its height), else hidden."""
        shown = self.layer_choice.needed and self._offers_choice
        self.layer_choice.setVisible(shown)
        left, top, right, bottom = self._margins
        if shown:
            # in the window's font, as every combo box: presentation mode's, read from the back
            # of the room (the panels move down by its larger height)
            if self.layer_choice.size() != self.layer_choice.sizeHint():
                self.layer_choice.adjustSize()
            self.layer_choice.move(2, 2)
            top += self.layer_choice.sizeHint().height() + 2
        if self.ci.layout.getContentsMargins() != (left, top, right, bottom):
            self.ci.setContentsMargins(left, top, right, bottom)

    def _rebuild(self, cell: str) -> None:
        self.ci.clear()
        self.panels = {}
        self._version = None
        keys = panel_keys(cell, self.keys)
        columns = 1 if len(keys) == 1 else 3 if self.three_columns and len(keys) >= 5 else 2
        for n, key in enumerate(keys):
            self.panels[key] = panel = HeatmapPanel(self.ci, cell, key, n // columns, n % columns, self.theme)
            if self._layer_title:
                panel.title += self._layer_title
                panel.plot.setTitle(panel.title)
            if self.shared_time_axis and n + columns < len(keys):  # a panel below it shows the t axis
                panel.share_time_axis(True)
            if self.shared_time_axis:  # on screen, a narrow panel's title is its symbol alone
                title = panel.plot.titleLabel
                title.short = f"{key}_t{self._layer_short}"
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
            self._set_margins(self.theme.px(2), self.theme.px(2), self.theme.px(2), self.theme.px(2))
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
        return panel.readout(t, unit, layer_forward_done(self._session, self.layer_choice.key))

    def _on_mouse_moved(self, pos) -> None:
        text = self.readout(pos)
        if text is not None:
            QtWidgets.QToolTip.showText(QtGui.QCursor.pos(), text, self)

    def viewportEvent(self, event) -> bool:
        """While the pointer rests on a cell, Qt's tooltip event shows the cell's readout,
        not the widget's generic hint, which would replace it just as one stops to read."""
        return readout_tooltip(self, event, self.readout) or super().viewportEvent(event)

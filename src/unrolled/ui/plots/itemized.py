"""Itemized gradients: a T x T image of ||dL_k/dh_t|| (rows k, the loss term; columns t,
t <= k), log colour, for the sequence chosen (session.itemized). A click on a row picks k
(`row_chosen`) and highlights it; the dock's widget around it is ui/panels/itemized_panel.py."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui

from ...session.formulas import ITEMIZED_GRADIENTS
from ...session.itemized import itemized_gradients, loss_steps
from ...session.stepper import Session
from ..theme import THEME, VERMILION, Theme
from .axes import IntegerAxis
from .style import colour_bar, set_integer_ticks, style_plot

TITLE = "How far back each loss term reaches"
ROWS_LABEL = "k (the loss term)"
ONE_ROW_LABEL = "k = T (the only loss term)"
BAR_LABEL = "log10 ||dL_k/dh_t||"  # the colour bar says what the colour is


class ItemizedGradients(pg.GraphicsLayoutWidget):
    row_chosen = QtCore.Signal(int)  # k, 1-based
    # what the image shows; a T x T figure of another quantity overrides these and `data`
    title, formula, bar_label = TITLE, ITEMIZED_GRADIENTS, BAR_LABEL
    columns_label, rows_label, one_row_label = "t (the state)", ROWS_LABEL, ONE_ROW_LABEL
    waiting_note = "after the backward pass"

    def __init__(self, parent=None, theme: Theme | None = None):
        super().__init__(parent)
        theme = THEME if theme is None else theme  # the live window's, unless given one
        self.theme = theme
        self.setBackground(theme.background)
        self.setToolTip(self.formula)
        self.sequence = 0
        self.chosen_k: int | None = None
        # whole numbers, as many as the axis holds at its font (a narrow dock in F5 gets 1 and T)
        self.plot = self.addPlot(row=0, col=0, axisItems={"bottom": IntegerAxis("bottom"), "left": IntegerAxis("left")},
                                 enableMenu=False)
        style_plot(self.plot, theme, self.title, {"bottom": self.columns_label, "left": self.rows_label},
                   widest_tick="0000")
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideButtons()
        self.plot.invertY(True)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.plot.addItem(self.image)
        self.row = pg.LinearRegionItem(orientation="horizontal", movable=False,
                                       brush=pg.mkBrush(0, 0, 0, 0), pen=theme.pen(VERMILION, 2))
        self.row.setVisible(False)
        self.plot.addItem(self.row)
        self.colorbar = colour_bar(self, self.image, pg.colormap.get("viridis"), theme, self.bar_label)
        self.note = pg.TextItem("", color=theme.foreground, anchor=(0.5, 0.5))
        self.plot.addItem(self.note)
        self.plot.vb.sigResized.connect(self._fit_note)
        self.norms: np.ndarray | None = None
        self.scene().sigMouseClicked.connect(self._on_clicked)

    def refresh(self, session: Session) -> None:
        self.sequence = min(self.sequence, session.X.shape[0] - 1)
        norms, steps = self.data(session)
        T = session.T
        self.norms = norms
        # only the rows that carry a loss term: many-to-one has the one row k = T, which
        # drawn among T - 1 empty ones would leave the figure nearly blank
        first, last = steps[0], steps[-1]
        self.plot.setXRange(0.5, T + 0.5, padding=0)
        self.plot.setYRange(first - 0.5, last + 0.5, padding=0)
        set_integer_ticks(self.plot.getAxis("bottom"), T, target=6)
        set_integer_ticks(self.plot.getAxis("left"), T, target=6)  # those within the rows shown
        rows_label = self.one_row_label if first == last else self.rows_label
        if self.plot.getAxis("left").labelText != rows_label:
            self.plot.setLabel("left", rows_label, **{"font-size": f"{self.theme.points():.1f}pt",
                                                      "color": self.theme.foreground})
        if norms is None:
            self.image.clear()
            self.note.setText(self.waiting_note)
            self.note.setPos((T + 1) / 2, (first + last) / 2)
            self._fit_note()
            return
        self.note.setText("")
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            logs = np.where(norms > 0, np.log10(norms), np.nan)  # zero (truncated) and t > k: empty
        finite = logs[np.isfinite(logs)]
        low, high = (float(finite.min()), float(finite.max())) if finite.size else (-1.0, 0.0)
        if high - low < 1e-9:
            low, high = low - 0.5, high + 0.5
        self.colorbar.setLevels((low, high))
        self.image.setImage(logs[first - 1 : last], autoLevels=False, levels=(low, high))
        self.image.setRect(QtCore.QRectF(0.5, first - 0.5, T, last - first + 1))
        self._show_row(T)

    def data(self, session: Session) -> tuple[np.ndarray | None, list[int]]:
        """The (T, T) image (None until it can be computed) and its rows k (1-based)."""
        return itemized_gradients(session, self.sequence), loss_steps(session)

    def _fit_note(self, *_) -> None:
        """The note wraps within the plot (a narrow dock cut it to "the backward")."""
        if self.note.toPlainText():
            self.note.setTextWidth(max(self.plot.vb.width() * 0.9, 1.0))
            self.note.textItem.document().setDefaultTextOption(QtGui.QTextOption(QtCore.Qt.AlignmentFlag.AlignCenter))

    def choose_row(self, k: int | None) -> None:
        self.chosen_k = k
        if self.norms is not None:
            self._show_row(self.norms.shape[0])

    def _show_row(self, T: int) -> None:
        k = self.chosen_k
        self.row.setVisible(k is not None and 1 <= k <= T)
        if k is not None:
            self.row.setRegion((k - 0.5, k + 0.5))

    def _on_clicked(self, event) -> None:
        if self.norms is None:
            return
        point = self.plot.vb.mapSceneToView(event.scenePos())
        k = round(point.y())
        if 1 <= k <= self.norms.shape[0] and np.isfinite(self.norms[k - 1]).any():
            self.choose_row(k)
            self.row_chosen.emit(k)

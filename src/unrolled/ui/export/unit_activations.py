"""Figure `unit_activations`: a stretch of the text coloured character by character by one
unit's activation (blue negative, white 0, red positive; a colour bar beside it), and the
units ranked by |r| with a property of the text, the chosen one marked. Drawn from
`session.unit_activations`, whose table is the CSV: one row per (character, unit), columns
position (offset in the text, from 0), char, layer (from 1), direction, unit (from 1),
activation, correlation (r with the default property)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui

from ...session.stepper import Session
from ...session.unit_activations import (
    DEFAULT_PROPERTY,
    PROPERTIES,
    StretchActivations,
    Unit,
    rank_units,
    stretch_activations,
    text_property,
)
from ..plots.style import colour_bar, style_plot
from ..theme import BLUE, DIVERGING_MAP, GREY, THEME, VERMILION, Theme, symmetric_level

COLUMNS = 48  # characters in a line of the coloured text; longer lines wrap
ROWS = 14  # lines of text shown
RANKED = 10  # units in the ranking
SHOWN = {"\n": "↵", "\t": "→"}


def text_grid(text: str, columns: int = COLUMNS, rows: int = ROWS) -> list[tuple[int, int, int]]:
    """(row, column, index into text) of each character shown: a new row after a newline
    (drawn as ↵ at the end of its row) and after `columns` characters; at most `rows` rows."""
    cells, row, column = [], 0, 0
    for i, ch in enumerate(text):
        if column >= columns:
            row, column = row + 1, 0
        if row >= rows:
            break
        cells.append((row, column, i))
        column += 1
        if ch == "\n":
            row, column = row + 1, 0
    return cells


def short_label(unit: Unit) -> str:
    """ "L1 u17": layer and unit from 1 ("L1r" for a reverse direction)."""
    return f"L{unit.layer + 1}{'r' if unit.direction else ''} u{unit.unit + 1}"


class UnitActivationsFigure(pg.GraphicsLayoutWidget):
    """`unit` (None: the top-ranked one), `prop` (a `PROPERTIES` name), `character` (for the
    property "character") and `state` ("h" or "c") say what is drawn at the next refresh."""

    def __init__(self, parent=None, theme: Theme | None = None):
        super().__init__(parent)
        theme = THEME if theme is None else theme
        self.theme = theme
        self.setBackground(theme.background)
        self.unit: Unit | None = None
        self.prop, self.character, self.state = DEFAULT_PROPERTY, " ", "h"
        self.colour_map = pg.colormap.get(DIVERGING_MAP)
        self.text_plot = self.addPlot(row=0, col=0)
        style_plot(self.text_plot, theme, "")
        for name in ("left", "bottom"):
            self.text_plot.hideAxis(name)
        self.text_plot.invertY(True)
        self.text_plot.setMouseEnabled(x=False, y=False)
        self.text_plot.hideButtons()
        self.text_plot.setMenuEnabled(False)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.text_plot.addItem(self.image)
        self.colorbar = colour_bar(self, self.image, self.colour_map, theme)
        self.rank_plot = self.addPlot(row=0, col=2)
        style_plot(self.rank_plot, theme, "", {"bottom": "r (Pearson)"})
        self.rank_plot.getAxis("left").setWidth(
            int(QtGui.QFontMetricsF(theme.qfont()).horizontalAdvance("L1r u000") + theme.px(14)))
        self.rank_plot.invertY(True)
        self.rank_plot.setMouseEnabled(x=False, y=False)
        self.rank_plot.hideButtons()
        self.rank_plot.setMenuEnabled(False)
        self.bars = pg.BarGraphItem(x0=[], y=[], width=[], height=0.7)
        self.rank_plot.addItem(self.bars)
        self.rank_plot.addLine(x=0, pen=theme.pen(theme.foreground, 1.0))
        self.rank_plot.getAxis("bottom").setTicks([[(-1, "-1"), (0, "0"), (1, "1")], [(-0.5, ""), (0.5, "")]])
        self.ci.layout.setColumnStretchFactor(0, 3)
        self.ci.layout.setColumnStretchFactor(2, 1)
        self.letters: list[pg.TextItem] = []
        self.stretch: StretchActivations | None = None

    def refresh(self, session: Session) -> None:
        self.stretch = stretch = stretch_activations(session, state=self.state)
        ranking = rank_units(stretch, text_property(stretch.text, self.prop, self.character))
        unit = self.unit if self.unit is not None else ranking[0][0]
        r = dict(ranking).get(unit, float("nan"))
        shown = self._draw_text(stretch, unit)
        self._draw_ranking(ranking, unit)
        what = PROPERTIES[self.prop]
        if self.prop == "character":
            what = f"the character {SHOWN.get(self.character, self.character)!r}"
        theme = self.theme
        # the rows hold fewer characters than the stretch the ranking read: the title says so
        part = f", its first {shown} of {len(stretch.text)} characters" if shown < len(stretch.text) else ""
        self.text_plot.setTitle(f"Text coloured by {unit.label}'s {stretch.state}_t (r = {r:+.2f} with {what}){part}",
                                size=f"{theme.points(1.15):.1f}pt", color=theme.foreground)
        self.rank_plot.setTitle(f"Units by |r| with {what}", size=f"{theme.points(1.0):.1f}pt",
                                color=theme.foreground)

    def _draw_text(self, stretch: StretchActivations, unit: Unit) -> int:
        """The text coloured by `unit`, as many characters as the rows hold: how many."""
        values = stretch.of(unit)
        cells = text_grid(stretch.text)
        rows = max((row for row, _, _ in cells), default=0) + 1
        grid = np.full((rows, COLUMNS), np.nan)
        for row, column, i in cells:
            grid[row, column] = values[i]
        level = 1.0 if stretch.state == "h" and np.nanmax(np.abs(values)) <= 1.0 else symmetric_level(values)
        self.colorbar.setLevels((-level, level))
        self.colorbar.axis.setLabel(f"{stretch.state}_t of {unit.label}",
                                    **{"font-size": f"{self.theme.points(0.9):.1f}pt", "color": self.theme.foreground})
        self.image.setImage(grid, autoLevels=False, levels=(-level, level))
        self.image.setLookupTable(self.colour_map.getLookupTable(nPts=256))
        self.image.setRect(QtCore.QRectF(0, 0, COLUMNS, rows))
        for item in self.letters:
            self.text_plot.removeItem(item)
        font = QtGui.QFont("DejaVu Sans Mono")
        font.setStyleHint(QtGui.QFont.StyleHint.Monospace)
        font.setPointSizeF(self.theme.points(1.15))
        self.letters = []
        for row, column, i in cells:
            ch = stretch.text[i]
            shade = self.colour_map.map((np.clip(values[i] / level, -1, 1) + 1) / 2, mode="qcolor")
            luminance = 0.299 * shade.redF() + 0.587 * shade.greenF() + 0.114 * shade.blueF()
            ink = "#ffffff" if luminance < 0.5 else "#000000"  # the letter stands out of its cell
            item = pg.TextItem(SHOWN.get(ch, ch), color=ink, anchor=(0.5, 0.5))
            item.setFont(font)
            item.setPos(column + 0.5, row + 0.5)
            self.text_plot.addItem(item)
            self.letters.append(item)
        self.text_plot.setXRange(0, COLUMNS, padding=0)
        self.text_plot.setYRange(0, max(rows, ROWS), padding=0)
        return len(cells)

    def _draw_ranking(self, ranking: list[tuple[Unit, float]], unit: Unit) -> None:
        shown = ranking[:RANKED]
        if unit not in [u for u, _ in shown]:
            shown = [*shown[: RANKED - 1], (unit, dict(ranking)[unit])]
        r = np.nan_to_num(np.array([value for _, value in shown]))
        brushes = [pg.mkBrush(VERMILION if u == unit else (BLUE if value >= 0 else GREY)) for u, value in shown]
        self.bars.setOpts(x0=np.minimum(r, 0), y=np.arange(len(shown)), width=np.abs(r), height=0.7,
                          brushes=brushes, pen=None)
        self.rank_plot.getAxis("left").setTicks([[(i, short_label(u)) for i, (u, _) in enumerate(shown)], []])
        self.rank_plot.setXRange(-1, 1, padding=0.02)
        self.rank_plot.setYRange(-0.6, RANKED - 0.4, padding=0)

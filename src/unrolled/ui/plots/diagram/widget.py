"""The unrolled network: T cells left to right, x_t below, y_t above, h_t arrows between.

Cells fill as the forward pass reaches them; in the backward pass the arrows carry the
gradient, their width and colour showing log10 ||dL/dh_t||. For large T the picture becomes
a compact strip, one thin column per timestep, that still shows where you are.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6 import QtCore, QtGui, QtWidgets

from ....session.stepper import Session
from ...theme import THEME, VERMILION, Theme
from .cells import paint_cells
from .colours import PassState
from .geometry import cell_row, cells_fit, folded_span, strip_band, strip_span, timestep_at
from .grid import (
    GridLayout,
    cells_wide_enough,
    grid_layout,
    grid_state,
    label_width,
    least_band,
    strips_height,
    wanted_height,
)
from .grid_paint import paint_grid
from .labels import LONGEST_CAPTION, caption, power_text, weights_key, wrap_words
from .strip import FOLDED_FIRST, WIDEST_RANGE, folded_name, paint_folded, paint_strip


class UnrolledDiagram(QtWidgets.QWidget):
    """The network unrolled in time, drawn with the theme it is given (the live window's
    when none is). A click on a timestep says which (`timestep_chosen`: t from 1, and the
    layer and direction of the grid's row under the pointer, from 0), for the step inspector."""

    timestep_chosen = QtCore.Signal(int, int, int)

    def __init__(self, parent=None, theme: Theme | None = None):
        super().__init__(parent)
        self.theme = THEME if theme is None else theme
        self.setMinimumHeight(150)
        # it fills every pixel itself: the tabs and splitter under it are not repainted at each step
        self.setAttribute(QtCore.Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setFocusPolicy(QtCore.Qt.FocusPolicy.StrongFocus)
        self.setToolTip(
            "The network unrolled in time. Filled cells have been computed; the red frame is "
            "the current timestep; in the backward pass, arrow width and colour show log ||dL/dh_t||. "
            "Click a timestep to see its equations in the step inspector."
        )
        self._session: Session | None = None
        self.show_cursor = True  # the current timestep's highlight; an exported figure leaves it out
        # an exported figure: captions without the window's keys, and the strip's colour scale
        self.on_paper = False
        self._wrapped: dict[tuple, list[str]] = {}  # (caption, key, font, width) -> its lines
        self._bad_for: tuple = (None, -1, None)  # (forward trace, steps done, first overflow)
        self.folded = False

    def set_folded(self, on: bool) -> None:
        """Folded, the diagram is one row: its strip, from 1 to T, and the current timestep
        named beside it; no cells, no caption (the status bar names the phase), so that a
        plot below it has the height."""
        self.folded = on
        self.setMinimumHeight(self.folded_height() if on else 150)
        self.updateGeometry()
        self.update()

    def folded_height(self) -> int:
        return round(QtGui.QFontMetricsF(self._font()).height() + self.theme.px(6))

    def refresh(self, session: Session) -> None:
        if self._session is not session or self.is_grid() != (session.net.stack is not None):
            self._session = session
            self.updateGeometry()  # a grid asks for other heights than a row of cells
        self.update()

    def is_grid(self) -> bool:
        """A network of several layers or two directions: a row (of cells or a strip) per
        (layer, direction)."""
        return self._session is not None and self._session.net.stack is not None

    def wanted_height(self) -> int:
        """The height the diagram asks of the window: a grid's rows need more than one row."""
        s = self._session
        if s is None or not self.is_grid() or self.folded:
            return self.folded_height() if self.folded else 190
        return wanted_height(s.net.layers, s.net.directions, self._grid_caption(s), self.theme, self._line(),
                             cells_wide_enough(self.width(), s.T, self._label_width(s), self.theme))

    def least_height(self) -> int:
        """The least height of a grid giving way (to the depth-time picture): its strips,
        each row's name clear of the next row's, and the caption."""
        s = self._session
        if s is None or not self.is_grid() or self.folded:
            return self.wanted_height()
        band = least_band(s.net.directions, QtGui.QFontMetricsF(self.theme.qfont(0.85)).height(), self.theme)
        return math.ceil(self._grid_caption(s) + strips_height(s.net.layers, s.net.directions, band, self._line(),
                                                                           self.theme))

    def _grid_caption(self, s: Session) -> float:
        """The caption's height under a grid: its lines at this width (two before it has one)."""
        if self.width() > 0 and self.testAttribute(QtCore.Qt.WidgetAttribute.WA_Resized):
            return self._caption_height(None, s)
        return 2 * QtGui.QFontMetricsF(self._font(1.1)).height() * 1.15 + self.theme.px(6)

    def _label_width(self, s: Session) -> float:
        return label_width(s.layer_keys(), s.net.directions, QtGui.QFontMetricsF(self.theme.qfont(0.85)))

    def sizeHint(self) -> QtCore.QSize:
        if self.is_grid() and not self.folded:
            return QtCore.QSize(900, self.wanted_height())
        return QtCore.QSize(900, self.folded_height() if self.folded else 190)

    def timestep_at(self, x: float) -> int | None:
        """The timestep drawn at x (1-based), or None beside the cells. Cells and strip both
        span `_strip_span`, T equal columns."""
        if self._session is None:
            return None
        if self.is_grid() and not self.folded:
            layout = self.grid_layout()
            return timestep_at(x, (layout.left, layout.right), self._session.T)
        return timestep_at(x, self._strip_span(self._session), self._session.T)

    def place_at(self, x: float, y: float) -> tuple[int, int, int] | None:
        """(t, layer, direction) drawn at (x, y): t from 1, the layer and direction of the
        grid's row nearest y (a click between two rows or on an arrow picks the closer one);
        (t, 0, 0) for one layer in one direction or the folded strip. None beside the columns."""
        t = self.timestep_at(x)
        if t is None:
            return None
        if not self.is_grid() or self.folded:
            return t, 0, 0
        layout = self.grid_layout()
        centres = [top + layout.height / 2 for top in layout.tops]
        row = min(range(len(centres)), key=lambda i: abs(centres[i] - y))
        layer, direction = layout.keys[row]
        return t, layer, direction

    def mousePressEvent(self, event) -> None:
        place = self.place_at(event.position().x(), event.position().y())
        if place is not None and event.button() == QtCore.Qt.MouseButton.LeftButton:
            self.timestep_chosen.emit(*place)
        super().mousePressEvent(event)

    # -- painting ---------------------------------------------------------------------
    def paintEvent(self, event) -> None:
        painter = QtGui.QPainter(self)
        try:
            self.paint_on(painter)
        finally:
            painter.end()

    def paint_on(self, painter: QtGui.QPainter) -> None:
        """Everything the diagram draws, with `painter` (also a recording one, to check
        that no two labels overlap: the tests' `support.figure_boxes`)."""
        painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QtGui.QColor(self.theme.background))
        s = self._session
        if s is None:
            return
        painter.setFont(self._font())
        try:
            if self.is_grid() and not self.folded:
                paint_grid(painter, self.theme, self.grid_layout(painter), grid_state(s, self.theme), s.net.directions,
                           self._font(), self.width(), self.show_cursor, self.on_paper)
                self._paint_caption(painter, s)
            elif self.folded:
                paint_folded(painter, self.theme, self._strip_span(s), self._state(s), self.width(), self._font(),
                             self.show_cursor, self._folded_name(s))
            elif self._cells_fit(painter, s):
                above = self.height() - self._caption_height(painter, s)
                paint_cells(painter, self.theme, s, cell_row(self.width(), above, s.T, self.theme), self._state(s),
                            self._font(), self.show_cursor)
                self._paint_caption(painter, s)
            else:
                self._paint_strip(painter, s)
                self._paint_caption(painter, s)
        except Exception as error:  # a fault while painting must not take the window down
            painter.setPen(QtGui.QColor(VERMILION))
            painter.drawText(
                self.rect(), QtCore.Qt.AlignmentFlag.AlignCenter, f"The diagram could not be drawn: {error}"
            )

    def grid_layout(self, painter: QtGui.QPainter | None = None) -> GridLayout:
        """Where a stack's rows lie in this widget (cells or strips), above the caption."""
        s = self._session
        assert s is not None
        above = self.height() - self._caption_height(painter, s)
        return grid_layout(self.width(), above, s.net.layers, s.net.directions, s.T, self._label_width(s),
                           self._line(), self.theme, QtGui.QFontMetricsF(self.theme.qfont(0.85)).height())

    def _cells_fit(self, painter: QtGui.QPainter, s: Session) -> bool:
        """Room for a cell per timestep, wide enough and tall enough for its "h_t" (in F5
        beside every panel the cells shrank to dots under their labels): otherwise the strip."""
        above = self.height() - self._caption_height(painter, s)
        return cells_fit(self.width(), above, s.T, QtGui.QFontMetricsF(self._font()).height(), self.theme)

    def _paint_strip(self, painter: QtGui.QPainter, s: Session) -> None:
        top, height = strip_band(self.height() - self._caption_height(painter, s), self.theme)
        left, right = strip_span(self.width(), self.theme)
        paint_strip(painter, self.theme, QtCore.QRectF(left, top, right - left, height), self._state(s),
                    self.width(), self.show_cursor, self.on_paper)

    def _font(self, relative: float = 1.0) -> QtGui.QFont:
        return self.theme.qfont(relative)

    def _line(self) -> float:
        """A line of the diagram's text: the ticks' and the cursor's "t = ..."."""
        return QtGui.QFontMetricsF(self._font()).height()

    def _state(self, s: Session) -> PassState:
        """What the passes have done: forward steps, ||dL/dh_t|| and the backward steps done."""
        bwd = s.bwd
        if s.net.stack is not None:  # the folded strip and the caption read the top layer's forward direction
            top = (s.net.layers - 1, 0)
            norms = s.layer_gradient_norms()
            done = np.zeros(s.T, dtype=bool) if bwd is None else bwd.done_mask
            return PassState(s.fwd.layers[top].steps_done, np.full(s.T, np.nan) if norms is None else norms[top],  # type: ignore[attr-defined]  # a stack's
                             done, None, s.t if s.place.layer == top[0] and s.place.direction == 0 else None)
        if bwd is None:
            return PassState(s.fwd.steps_done, np.full(s.T, np.nan), np.zeros(s.T, dtype=bool),
                             self._forward_bad_from(s), s.t)
        return PassState(s.fwd.steps_done, bwd.dh_norm, bwd.done_mask, self._forward_bad_from(s), s.t)

    def _forward_bad_from(self, s: Session) -> int | None:
        """The first timestep whose state overflowed in the forward pass: found once per
        forward step, not at every paint (the trace's answer scans it whole)."""
        fwd = s.fwd
        if self._bad_for[0] is not fwd or self._bad_for[1] != fwd.steps_done:
            self._bad_for = (fwd, fwd.steps_done, fwd.nonfinite_from)
        return self._bad_for[2]

    def _strip_span(self, s: Session) -> tuple[float, float]:
        """Where the strip's T columns lie, left to right; folded, also clear of its name
        and "t = 1" on its left (room for the widest value range, so that the strip keeps
        its place from step to step) and "T" and "t = T" on its right."""
        if not self.folded:
            return strip_span(self.width(), self.theme)
        metrics = QtGui.QFontMetricsF(self._font())
        last = metrics.horizontalAdvance(f"t = {s.T}") + metrics.horizontalAdvance(str(s.T))
        widest = folded_name(self._top_layer(s), WIDEST_RANGE)
        first = metrics.horizontalAdvance(f"{widest}  {FOLDED_FIRST}")
        return folded_span(self.width(), self.theme, first, last)

    def _folded_name(self, s: Session) -> str:
        """What the folded strip shows: a stack's top layer's forward direction (as
        `_state`), and its ||dL/dh_t|| range once the backward pass has begun (the ends
        are timesteps: the strip is no colour scale from 1 to T)."""
        state = self._state(s)
        done = state.norms[state.done_back]
        shown = done[np.isfinite(done) & (done > 0)]
        span = None if shown.size == 0 else (power_text(np.log10(shown.min())), power_text(np.log10(shown.max())))
        return folded_name(self._top_layer(s), span)

    @staticmethod
    def _top_layer(s: Session) -> int | None:
        """A stack's top layer, numbered from 1; None for one layer."""
        return s.net.layers if s.net.stack is not None else None

    def _caption(self, s: Session) -> str:
        return caption(s, self._state(s), self.on_paper)

    def _paint_caption(self, painter: QtGui.QPainter, s: Session) -> None:
        painter.setPen(QtGui.QColor(self.theme.foreground))
        painter.setFont(self._font(1.1))
        lines = self._kept_lines(s)
        step = QtGui.QFontMetricsF(self._font(1.1)).height() * 1.15
        for n, text in enumerate(lines):
            top = self.height() - self.theme.px(4) - step * (len(lines) - n)
            line = QtCore.QRectF(self.theme.px(10), top, self.width() - self.theme.px(20), step)
            painter.drawText(line, QtCore.Qt.AlignmentFlag.AlignLeft | QtCore.Qt.AlignmentFlag.AlignVCenter, text)

    def _caption_lines(self, text: str, s: Session) -> list[str]:
        """The phase's caption and the weights' key: on one line when both fit, else the
        key and then the caption, each wrapped at spaces to the width (a paper column)."""
        key, font, width = weights_key(s), self._font(1.1), self.width() - self.theme.px(20)
        known = (text, key, font.key(), width)  # measuring text is most of a paint's time
        if known not in self._wrapped:
            metrics = QtGui.QFontMetricsF(font)
            if metrics.horizontalAdvance(text + "   |   " + key) <= width:
                lines = [text + "   |   " + key]
            else:
                lines = wrap_words(key, metrics, width) + wrap_words(text, metrics, width)
            if len(self._wrapped) > 64:
                self._wrapped.clear()
            self._wrapped[known] = lines
        return self._wrapped[known]

    def _kept_lines(self, s: Session) -> list[str]:
        """The caption's lines; on screen no more than the longest usual caption's (a
        longer one, the Update phase's note on exact zeros, elided on its last line), so
        that the rows above keep their height from step to step. On paper, every line."""
        lines = self._caption_lines(self._caption(s), s)
        kept = len(self._caption_lines(LONGEST_CAPTION, s))
        if self.on_paper or len(lines) <= kept:
            return lines
        metrics = QtGui.QFontMetricsF(self._font(1.1))
        last = metrics.elidedText(" ".join(lines[kept - 1:]), QtCore.Qt.TextElideMode.ElideRight,
                                  self.width() - self.theme.px(20))
        return [*lines[:kept - 1], last]

    def _caption_height(self, painter: QtGui.QPainter | None, s: Session) -> float:
        """Room for the caption's lines: as many as the longest caption needs, so that the
        picture does not jump from phase to phase."""
        longest = max(len(self._caption_lines(LONGEST_CAPTION, s)), len(self._kept_lines(s)))
        return self.theme.px(6) + QtGui.QFontMetricsF(self._font(1.1)).height() * 1.15 * longest

"""Where a per-timestep norm is inf or nan, on a log plot: magenta x marks above the largest
finite value, the words "inf / nan" over them. With no finite value at all the axis loses
its numbers, so the marks cannot be read as a norm of 1."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from ..theme import OVERFLOW, Theme


class OverflowMarks:
    def __init__(self, plot: pg.PlotItem, theme: Theme):
        self.plot = plot
        self.marks = pg.ScatterPlotItem(
            symbol="x", size=theme.px(12), brush=OVERFLOW, pen=theme.pen(OVERFLOW, 2)
        )
        plot.addItem(self.marks)
        # the word beside the marks: above the largest finite norm, not a value on the axis
        self.label = pg.TextItem("inf / nan", color=OVERFLOW, anchor=(0.5, 1.0))
        self.label.setFont(theme.qfont(0.9))
        self.label.setVisible(False)
        plot.addItem(self.label, ignoreBounds=True)
        self._drawn: tuple = ()  # what the marks show: set only when it changes
        self._axis_blank = False

    def update(self, t: np.ndarray, values: np.ndarray | None, done: np.ndarray | None) -> float | None:
        """Mark the timesteps `t` whose value is computed (`done`) but not finite; returns
        the marks' height (log10), or None when there are none. values None: nothing yet."""
        if values is None or done is None:
            if self._drawn != ():
                self.marks.setData([], [])
                self._drawn = ()
            self.label.setVisible(False)
            self._blank_axis(False)
            return None
        with np.errstate(invalid="ignore", over="ignore"):
            bad = done & ~np.isfinite(values)
            finite = values[done & np.isfinite(values) & (values > 0)]
        # above the largest finite value; with none, the axis has no numbers
        top = np.log10(finite.max()) + 0.5 if finite.size else 0.0
        drawn = (bad.tobytes(), top if bad.any() else None)
        if drawn != self._drawn:
            self.marks.setData(t[bad], np.full(int(bad.sum()), top))  # log mode: y in log10
            self._drawn = drawn
        self.label.setVisible(bool(bad.any()))
        if bad.any():
            self.label.setPos(float(np.mean(t[bad])), top)
        self._blank_axis(bool(bad.any()) and finite.size == 0)
        return top if bad.any() else None

    def _blank_axis(self, blank: bool) -> None:
        if blank != self._axis_blank:
            self.plot.getAxis("left").setTicks([[], []] if blank else None)
            self._axis_blank = blank

"""The axes of the Theory panel's Jacobian plot: log10 values labelled as powers of ten,
and whole steps back from the direction's last step."""

from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6 import QtGui

from ..theme import round_step
from .axes import IntegerAxis, power_label


class DecadeAxis(pg.AxisItem):
    """A linear axis of log10 values, labelled as powers of ten (values may be 10^±300): its
    ticks are the whole decades of the range, every one or every 2, 5, 10 ... as its length
    holds at its font (pyqtgraph's 0.5 steps would leave a decade and a half with the one label "1")."""

    def tickValues(self, minVal, maxVal, size):
        low, high = sorted((minVal, maxVal))
        first, last = math.ceil(low - 1e-9), math.floor(high + 1e-9)
        line = QtGui.QFontMetricsF(self.style["tickFont"] or QtGui.QFont()).height() * 1.5
        room = max(1, int(size / line))
        levels: list[tuple[float | None, list[float]]] = []
        if last >= first:
            step = next((s * 10**k for k in range(6) for s in (1, 2, 5) if (last - first) / (s * 10**k) < room), 10**6)
            levels.append((float(step), [float(v) for v in range(math.ceil(first / step) * step, last + 1, step)]))
        per_decade = size / max(high - low, 1e-9)
        for mantissas, closest in (((2, 3, 4, 5, 6, 7, 8, 9), math.log10(10 / 9)), ((2, 5), math.log10(2))):
            if last - first < 2 and per_decade * closest >= line:  # a decade or two: what lies between too
                between = [d + math.log10(m) for d in range(first - 1, last + 1) for m in mantissas]
                levels.append((None, [v for v in between if low <= v <= high]))
                break
        return levels or super().tickValues(minVal, maxVal, size)

    def tickStrings(self, values, scale, spacing):
        return [power_label(v, tuple(range(1, 10))) for v in values]


class StepsBackAxis(IntegerAxis):
    """Whole steps 0 .. last on a T - t axis (never 0.5): round ones, as many as the axis's
    length holds at its font, so that on a narrow panel in F5 the labels never run together
    ("0 5 10152025"). `set_last` as an IntegerAxis."""

    def tickValues(self, minVal, maxVal, size):
        if self.last is None:
            return super().tickValues(minVal, maxVal, size)
        low, high = sorted((minVal, maxVal))
        per_step = size / max(high - low, 1e-9)  # pixels between two whole steps
        step = round_step(max(self.label_room() / per_step, self.last / 6))
        return [(float(step), [float(v) for v in range(0, self.last + 1, step) if low - 1e-9 <= v <= high + 1e-9])]

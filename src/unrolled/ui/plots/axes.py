"""A log axis whose labels read as 10⁻³ or 2·10⁻³ and thin out with the range (every
mantissa within a decade, 1-2-5 over a few decades, powers of ten beyond), so they never
crowd."""

from __future__ import annotations

import math

import pyqtgraph as pg

POWER_TICK = "2·10⁻¹⁰"  # the widest label a power-of-ten axis shows, to size it by

_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def power_label(log10_value: float, mantissas=(1, 2, 5)) -> str:
    """The label of a tick at 10**log10_value, or "" when it is not a round value."""
    exponent = math.floor(log10_value + 1e-9)
    mantissa = 10 ** (log10_value - exponent)
    for m in mantissas:
        if abs(mantissa - m) < 1e-6 * m:
            if -2 <= exponent <= 3:
                return f"{m * 10.0 ** exponent:g}"
            power = "10" + str(exponent).translate(_SUPERSCRIPT)
            return power if m == 1 else f"{m}·{power}"
    return ""


MINOR_UP_TO_DECADES = 3  # beyond, the unlabelled 2..9 marks of every decade are left out


def _multiple_of(log10_value: float, step: int) -> bool:
    """Whether a tick at 10^log10_value is a whole decade that is a multiple of `step`."""
    nearest = round(log10_value)
    return abs(log10_value - nearest) < 1e-9 and nearest % step == 0


class LogAxis(pg.AxisItem):
    def logTickValues(self, minVal, maxVal, size, stdTicks):  # pyqtgraph's names
        """pyqtgraph's ticks, without the 2..9 of every decade once the axis spans more than
        MINOR_UP_TO_DECADES: unlabelled, eight a decade, a blur of marks on a gradient plot
        over many decades, and measuring them is most of what redrawing the axis costs."""
        ticks = super().logTickValues(minVal, maxVal, size, stdTicks)
        if all(spacing is None for spacing, _ in ticks):  # a short axis: pyqtgraph keeps only the
            # minor level, whose range leaves out its ends, so 10 and 1000 of 10 .. 1000 would have no label
            low, high = sorted((minVal, maxVal))
            ticks.insert(0, (1.0, [float(v) for v in range(math.ceil(low - 1e-9), math.floor(high + 1e-9) + 1)]))
        if abs(maxVal - minVal) > MINOR_UP_TO_DECADES:
            ticks = [(spacing, values) for spacing, values in ticks if spacing is not None]
        # a decade is in the minor level too (1 x 10^k): drawn once, at its first level
        seen: list[float] = []
        unique = []
        for spacing, values in ticks:
            values = [v for v in values if all(abs(v - s) > 1e-9 for s in seen)]
            seen += values
            unique.append((spacing, values))
        return unique

    def tickStrings(self, values, scale, spacing):
        if not self.logMode:
            return super().tickStrings(values, scale, spacing)
        step = self.decade_step()
        return [power_label(v, self.mantissas()) if step == 1 or _multiple_of(v, step) else "" for v in values]

    def decade_step(self) -> int:
        """Label every decade, or every 2nd, 5th, 10th... when the axis is too short for one
        label a decade at its font (ten decades over 60 px ran their labels together)."""
        from PySide6 import QtGui

        low, high = self.range
        span = max(abs(high - low), 1e-9)
        vertical = self.orientation in ("left", "right")
        metrics = QtGui.QFontMetricsF(self.style["tickFont"] or QtGui.QFont())
        room = 1.2 * (metrics.height() if vertical else metrics.horizontalAdvance(POWER_TICK))
        length = self.size().height() if vertical else self.size().width()
        if length <= 0 or length / span >= room:  # not laid out yet, or a decade holds a label
            return 1
        needed = room * span / length  # decades between two labels
        return next(step for step in (2, 5, 10, 20, 50, 100, 1000) if step >= needed) if needed <= 1000 else 10_000

    def mantissas(self) -> tuple[int, ...]:
        """Which values of a decade are labelled: every one within a short range, 1-2-5 over
        a few decades, powers of ten beyond; and never more than the axis has room for at its
        font (a short plot's "1000 / 500 / 200" ran together)."""
        from PySide6 import QtGui

        low, high = self.range
        span = max(abs(high - low), 1e-9)
        vertical = self.orientation in ("left", "right")
        metrics = QtGui.QFontMetricsF(self.style["tickFont"] or QtGui.QFont())
        room = metrics.height() if vertical else metrics.horizontalAdvance(POWER_TICK) + metrics.horizontalAdvance("0")
        length = self.size().height() if vertical else self.size().width()
        per_decade = length / span if length > 0 else float("inf")  # not laid out yet: by the range alone
        if span < 0.4 and per_decade * math.log10(10 / 9) >= room:  # 9 and 10 are the closest pair
            return tuple(range(1, 10))
        if span < 3 and per_decade * math.log10(2) >= room:  # 1 and 2, 5 and 10
            return (1, 2, 5)
        return (1,)


class IntegerAxis(pg.AxisItem):
    """Whole-number ticks from 1 to `last` (timesteps, units, iterations), as many as the
    axis's length holds at its font: a narrow panel (a paper column) gets 1 and T, a
    wide one every round value, and the labels never run together ("1102030"). A `last`
    of 0 shows no numbers (an empty plot, not "0 0.2 0.4 ...")."""

    def __init__(self, orientation: str, **kwargs):
        super().__init__(orientation, **kwargs)
        self.last: int | None = None

    def set_last(self, last: int) -> None:
        if last != self.last:
            self.last = last
            self.picture = None
            self.update()

    def tickValues(self, minVal, maxVal, size):
        if self.last is None:
            return super().tickValues(minVal, maxVal, size)
        if self.last < 1:  # nothing counted yet (no iteration trained): no numbers
            return []
        from ..theme import timestep_ticks

        room = self.label_room()
        low, high = sorted((minVal, maxVal))  # an inverted axis (unit 1 at the top) runs down
        per_unit = size / max(high - low, 1e-9)  # pixels per unit, over the whole 1 .. last
        target = max(1, int(per_unit * max(self.last - 1, 1) / room) + 1)
        ticks = [t for t in timestep_ticks(self.last, target) if low - 1e-9 <= t <= high + 1e-9]
        return [(1.0, ticks)]

    def label_room(self) -> float:
        """The length one label needs along the axis: the widest (`last`) and two digits of
        air across, a line's height up and down."""
        from PySide6 import QtGui

        metrics = QtGui.QFontMetricsF(self.style["tickFont"] or QtGui.QFont())
        across = self.orientation in ("top", "bottom")
        label = metrics.horizontalAdvance(str(self.last)) if across else metrics.height()
        return label + metrics.horizontalAdvance("00")

    def tickStrings(self, values, scale, spacing):
        if self.last is None:
            return super().tickStrings(values, scale, spacing)
        return [str(round(v)) for v in values]

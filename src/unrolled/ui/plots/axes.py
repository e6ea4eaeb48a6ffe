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


class LogAxis(pg.AxisItem):
    def tickStrings(self, values, scale, spacing):
        if not self.logMode:
            return super().tickStrings(values, scale, spacing)
        low, high = self.range
        span = abs(high - low)
        mantissas = tuple(range(1, 10)) if span < 0.4 else (1, 2, 5) if span < 3 else (1,)
        return [power_label(v, mantissas) for v in values]

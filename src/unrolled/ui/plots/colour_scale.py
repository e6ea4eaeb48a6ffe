"""A heatmap's colour scale, fixed for a pass so that a column never changes colour once
drawn: linear over the range the engine declares for a gate or a bounded state (tanh:
-1..1, sigmoid: 0..1), and a symmetric log scale for an unbounded one (a linear or ReLU
RNN's h, the LSTM's c), whose colour bar reads 0, 1, 10, 100, ... 10^k.

The symmetric log position of v is v itself for |v| <= 1 and sign(v) (1 + log10 |v|)
beyond, so one colour bar covers +-0.3 and +-1e100 alike and an exploding h is a smooth
ramp, not a barcode of a few saturated columns.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .axes import power_label

DECADES = (1, 2, 5, 10, 20, 50, 100)  # a log scale grows in these steps, up to 1e100


@dataclass(frozen=True)
class ColourScale:
    low: float  # in scale units: the value for linear, the symmetric log position for log
    high: float
    log: bool = False

    @property
    def diverging(self) -> bool:
        return self.low < 0

    def position(self, values: np.ndarray) -> np.ndarray:
        """Scale units of the values (NaN stays NaN)."""
        if not self.log:
            return values
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            size = np.abs(values)
            return np.where(size <= 1.0, values, np.sign(values) * (1.0 + np.log10(size)))

    def fraction(self, values: np.ndarray) -> np.ndarray:
        """0..1 along the colour map, clipped; NaN where the value is not finite."""
        with np.errstate(invalid="ignore"):
            f = (self.position(values) - self.low) / (self.high - self.low)
            return np.where(np.isfinite(values), np.clip(f, 0.0, 1.0), np.nan)

    def covers(self, values: np.ndarray) -> bool:
        """Whether every finite value lies inside the scale (a log scale may grow)."""
        finite = values[np.isfinite(values)]
        if not self.log or finite.size == 0:
            return True
        peak = float(np.max(np.abs(self.position(finite))))
        return peak <= self.high or self.high >= 1 + DECADES[-1]

    def ticks(self) -> list[tuple[float, str]]:
        """Colour-bar ticks in scale units: 0, +-1, +-10^k for a log scale (a few, round)."""
        if not self.log:
            return [(v, f"{v:g}") for v in (self.low, (self.low + self.high) / 2, self.high)]
        decades = round(self.high - 1)
        step = next(d for d in (1, 2, 5, 10, 20, 25, 50, 100) if decades / d <= 2.5)
        powers = [0, *range(step, decades + 1, step)]
        if powers[-1] != decades:
            powers.append(decades)
        ticks = [(0.0, "0")]
        if decades >= 10:  # +-1 would crowd 0 on a bar of many decades
            powers = [k for k in powers if k > 0]
        for k in powers:
            label = power_label(float(k), mantissas=(1,))
            ticks += [(1.0 + k, label), (-1.0 - k, "-" + label)]
        return sorted(ticks)


def log_scale_for(peak: float) -> ColourScale:
    """The symmetric log scale reaching the first of DECADES above |v| = peak."""
    need = math.log10(peak) if peak > 1 else 0.0
    decades = next((d for d in DECADES if d >= need), DECADES[-1])
    return ColourScale(-1.0 - decades, 1.0 + decades, log=True)


def fixed_scale(bounds: tuple[float, float], peak: float = 0.0) -> ColourScale:
    """The scale of values in `bounds` (the engine's range of a gate or state): linear if
    bounded, else a symmetric log scale reaching at least `peak` (the largest |value| of
    earlier passes, so that a pass starts on the scale the last one needed)."""
    low, high = (float(b) for b in bounds)
    if math.isfinite(low) and math.isfinite(high):
        return ColourScale(low, high)
    return log_scale_for(max(peak, 10.0))


def colour_table(colour_map) -> np.ndarray:
    """(256, 4) uint8 RGBA lookup table of a pyqtgraph ColorMap."""
    table = colour_map.getLookupTable(nPts=256, alpha=True, mode="byte")
    return np.ascontiguousarray(table, dtype=np.uint8)


def colour_columns(values: np.ndarray, scale: ColourScale, table: np.ndarray, overflow: np.ndarray) -> np.ndarray:
    """(D, n, 4) RGBA of (D, n) computed values: the colour map's colour, or `overflow`
    where a value is inf or nan."""
    f = scale.fraction(values)
    bad = ~np.isfinite(f)
    index = np.rint(np.where(bad, 0.0, f) * (len(table) - 1)).astype(np.intp)
    rgba = table[index]
    rgba[bad] = overflow
    return rgba

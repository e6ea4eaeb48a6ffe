"""Curves of norms on a log axis: what is drawn (positive finite values; a log axis draws
NaN as a gap), the curve itself, and the range of whole decades the axis shows."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from ..theme import Theme


def finite_or_nan(values: np.ndarray | None) -> np.ndarray | None:
    """Positive finite values kept, the rest NaN: a log axis draws NaN as a gap."""
    if values is None:
        return None
    with np.errstate(invalid="ignore"):
        return np.where(np.isfinite(values) & (values > 0), values, np.nan)


def decade_range(values: np.ndarray, floor_span: float = 1.0) -> tuple[float, float] | None:
    """A log10 view range covering the positive finite values, snapped out to whole decades
    (at least `floor_span` of them): labelled with powers of ten from the first backward
    step on, and unchanged while the curves fill inside it, so the axis is not rebuilt at
    every step. None with no such values."""
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.log10(values[np.isfinite(values) & (values > 0)])
    if logs.size == 0:
        return None
    low, high = float(np.floor(logs.min() - 0.05)), float(np.ceil(logs.max() + 0.05))
    if high - low < floor_span:
        high = low + floor_span
    return low, high


def log_curve(plot: pg.PlotItem, theme: Theme, colour: str, name: str, style=None, symbol="o") -> pg.PlotDataItem:
    return plot.plot(
        [], [], pen=theme.pen(colour, style=style), name=name, symbol=symbol, symbolSize=theme.px(6),
        symbolBrush=colour, symbolPen=None, connect="finite",
    )

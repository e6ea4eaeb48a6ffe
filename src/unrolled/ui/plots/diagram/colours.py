"""The diagram's colours: what the forward and backward passes have done at each timestep,
and the gradient's colour scale (pale orange to dark red over log10 ||dL/dh_t||)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6 import QtGui

from ...theme import GRADIENT_HIGH, GRADIENT_LOW, OVERFLOW, SKY, Theme

ZERO = "#4d4d4d"  # a gradient of exactly 0: dark grey, apart from the gradient colours and overflow
MIN_DECADES = 2.0  # the colour scale spans at least this many powers of ten


@dataclass(frozen=True)
class PassState:
    """What the diagram shows of a session: `forward_done` forward steps, the (T,)
    ||dL/dh_t|| `norms` and the (T,) mask `done_back` of backward steps done, the first
    timestep whose state overflowed (`bad_from`, or None) and the current timestep `t`."""

    forward_done: int
    norms: np.ndarray
    done_back: np.ndarray
    bad_from: int | None
    t: int | None

    @property
    def scale(self) -> tuple[float, float]:
        return gradient_scale(self.norms[self.done_back])


def gradient_scale(norms: np.ndarray) -> tuple[float, float]:
    """The log10 range for widths and colours: from the largest finite gradient norm down
    by the spread of the norms, but at least MIN_DECADES, so that a stable gradient (which
    varies by a few per cent) does not look like a vanishing one."""
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.log10(norms[np.isfinite(norms) & (norms > 0)])
    if logs.size == 0:
        return 0.0, 1.0
    high = float(logs.max())
    return min(float(logs.min()), high - MIN_DECADES), high


def gradient_colour(fraction: float) -> QtGui.QColor:
    """Pale orange for the smallest gradient, dark red for the largest: apart from the
    forward pass's blue, so one sees at a glance how far the backward pass has come."""
    a, b = QtGui.QColor(GRADIENT_LOW), QtGui.QColor(GRADIENT_HIGH)
    f = min(max(fraction, 0.0), 1.0)
    return QtGui.QColor(
        round(a.red() + f * (b.red() - a.red())),
        round(a.green() + f * (b.green() - a.green())),
        round(a.blue() + f * (b.blue() - a.blue())),
    )


def _rgba(colour: str) -> np.ndarray:
    return np.array(QtGui.QColor(colour).getRgb(), dtype=np.uint8)


def strip_colours(forward_done: int, norms: np.ndarray, done_back: np.ndarray,
                  forward_bad_from: int | None = None, theme: Theme | None = None,
                  scale: tuple[float, float] | None = None) -> np.ndarray:
    """(1, T, 4) RGBA: `theme`'s muted grey (a light theme's without one) before the
    forward pass, blue once computed (magenta from the step t = forward_bad_from on, where
    the hidden state overflowed), and in the backward pass the gradient colour of log10
    ||dL/dh_t||, ZERO grey where it is exactly 0 and magenta where inf or nan. `scale`: the
    log10 range of the colours (a grid of layers shares one); else these norms' own."""
    T = len(norms)
    colours = np.tile(_rgba((theme or Theme()).muted), (1, T, 1))
    colours[0, :forward_done] = _rgba(SKY)
    if forward_bad_from is not None:
        colours[0, forward_bad_from - 1 : forward_done] = _rgba(OVERFLOW)
    low, high = gradient_scale(norms[done_back]) if scale is None else scale
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.log10(norms)
    finite = done_back & np.isfinite(logs)
    f = np.clip((logs[finite] - low) / (high - low), 0.0, 1.0)[:, None]
    a, b = _rgba(GRADIENT_LOW).astype(float), _rgba(GRADIENT_HIGH).astype(float)
    colours[0, finite] = np.round(a + f * (b - a)).astype(np.uint8)
    colours[0, done_back & (norms == 0)] = _rgba(ZERO)  # zero is not overflow
    colours[0, done_back & ~np.isfinite(norms)] = _rgba(OVERFLOW)
    return np.ascontiguousarray(colours)

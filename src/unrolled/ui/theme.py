"""Colours, colour maps and sizes, in one place so presentation mode can scale them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Okabe-Ito: a colour-blind-safe qualitative palette
BLUE = "#0072B2"
ORANGE = "#E69F00"
GREEN = "#009E73"
VERMILION = "#D55E00"
PURPLE = "#CC79A7"
SKY = "#56B4E9"
YELLOW = "#F0E442"
GREY = "#7f7f7f"
GRADIENT_LOW = "#fdd9b0"  # the backward pass: small ||dL/dh_t|| ...
GRADIENT_HIGH = "#a50f15"  # ... large ||dL/dh_t||
OVERFLOW = "#ff00ff"  # inf / nan: a colour no colour map here uses

DIVERGING_MAP = "CET-D1A"  # blue - white - red, centred on 0
UNIT_INTERVAL_MAP = "cividis"  # gates in 0..1; colour-blind safe


@dataclass
class Theme:
    font_pt: int = 10
    line_width: float = 2.0
    background: str = "w"
    foreground: str = "k"


THEME = Theme()


def configure_pyqtgraph() -> None:
    """Global pyqtgraph options; call once, after the QApplication exists."""
    import pyqtgraph as pg

    pg.setConfigOptions(
        imageAxisOrder="row-major",
        antialias=True,
        background=THEME.background,
        foreground=THEME.foreground,
    )


LEVEL_CEILING = 1e100  # pyqtgraph's colour bars overflow on ranges near float64's limit


def symmetric_level(values: np.ndarray, floor: float = 1e-12) -> float:
    """A colour-map half-range centred on 0 covering the finite values (an exploding demo
    is capped at LEVEL_CEILING; its larger values show in the top colour)."""
    finite = np.abs(values[np.isfinite(values)])
    return min(max(float(finite.max()), floor), LEVEL_CEILING) if finite.size else 1.0


def timestep_ticks(T: int, target: int = 10) -> list[int]:
    """Round, whole-number tick positions in 1..T (about `target` of them)."""
    import math

    raw = max(T / target, 1.0)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    ticks = list(range(step, T + 1, step))
    return [1] + [t for t in ticks if t != 1]


def set_integer_ticks(axis, T: int) -> None:
    """Whole-number ticks on a timestep or iteration axis (never t = 1.5)."""
    axis.setTicks([[(t, str(t)) for t in timestep_ticks(T)], []])

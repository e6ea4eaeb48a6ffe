"""Colours, colour maps and sizes, in one place so presentation mode can scale them."""

from __future__ import annotations

from dataclasses import dataclass, replace

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
    """Sizes and colours the plots are built with. `scale` multiplies every font and line:
    1 on screen, about 1.6 in presentation mode, dpi / 96 for an exported figure. Every
    view is given the theme it draws with; an exported figure gets a copy of its own
    (`scaled`), so nothing an export does reaches what the window paints."""

    font_pt: float = 10.0
    line_width: float = 2.0
    scale: float = 1.0
    dark: bool = False

    @property
    def background(self) -> str:
        return "#1e1e1e" if self.dark else "#ffffff"

    @property
    def foreground(self) -> str:
        return "#e6e6e6" if self.dark else "#000000"

    @property
    def muted(self) -> str:
        return "#3a3a3a" if self.dark else "#f2f2f2"

    def scaled(self, scale: float | None = None, dark: bool | None = None) -> Theme:
        """A copy with another scale or colour scheme; this theme is left as it is."""
        return replace(self, scale=self.scale if scale is None else scale, dark=self.dark if dark is None else dark)

    def px(self, n: float) -> float:
        """A length in pixels at this theme's scale."""
        return n * self.scale

    def pen(self, colour: str, width: float | None = None, style=None):
        import pyqtgraph as pg

        kwargs = {"width": self.px(self.line_width if width is None else width)}
        if style is not None:
            kwargs["style"] = style
        return pg.mkPen(colour, **kwargs)

    def points(self, relative: float = 1.0) -> float:
        """A font size in points at this theme's scale, `relative` times the base size."""
        return self.font_pt * self.scale * relative

    def qfont(self, relative: float = 1.0):
        from PySide6 import QtGui

        font = QtGui.QFont()
        font.setPointSizeF(self.points(relative))
        return font

    def palette(self):
        """The application palette for this colour scheme (Qt's own for light)."""
        from PySide6 import QtGui, QtWidgets

        if not self.dark:
            return QtWidgets.QApplication.style().standardPalette()
        p = QtGui.QPalette()
        role, colour = QtGui.QPalette.ColorRole, QtGui.QColor
        for r, c in ((role.Window, "#2b2b2b"), (role.WindowText, "#e6e6e6"), (role.Base, "#1e1e1e"),
                     (role.AlternateBase, "#2b2b2b"), (role.Text, "#e6e6e6"), (role.Button, "#3a3a3a"),
                     (role.ButtonText, "#e6e6e6"), (role.Highlight, BLUE), (role.HighlightedText, "#ffffff"),
                     (role.ToolTipBase, "#2b2b2b"), (role.ToolTipText, "#e6e6e6"),
                     (role.PlaceholderText, "#9a9a9a")):
            p.setColor(r, colour(c))
        # a fixed field (greyed) must look unlike an editable one, as in the light theme
        disabled = QtGui.QPalette.ColorGroup.Disabled
        for r in (role.WindowText, role.Text, role.ButtonText):
            p.setColor(disabled, r, colour("#7f7f7f"))
        p.setColor(disabled, role.Base, colour("#2b2b2b"))
        return p


# The live window's theme: presentation mode and the colour scheme change it, and the
# window's views hold it. Nothing else changes it; an export builds with a copy.
THEME = Theme()


def configure_pyqtgraph() -> None:
    """Global pyqtgraph options; call once, after the QApplication exists."""
    import pyqtgraph as pg

    pg.setConfigOptions(imageAxisOrder="row-major", antialias=True)


LEVEL_CEILING = 1e100  # pyqtgraph's colour bars overflow on ranges near float64's limit


def symmetric_level(values: np.ndarray, floor: float = 1e-12) -> float:
    """A colour-map half-range centred on 0 covering the finite values, rounded up to 1, 2
    or 5 times a power of ten so that it changes rarely (and the colour bar is not redrawn
    at every step). An exploding demo is capped at LEVEL_CEILING."""
    finite = np.abs(values[np.isfinite(values)])
    if not finite.size:
        return 1.0
    peak = min(max(float(finite.max()), floor), LEVEL_CEILING)
    magnitude = 10.0 ** np.floor(np.log10(peak))
    return next(m * magnitude for m in (1.0, 2.0, 5.0, 10.0) if m * magnitude >= peak)


def round_step(raw: float) -> int:
    """The least whole step of 1, 2 or 5 times a power of ten at or above `raw` (at least 1)."""
    import math

    raw = max(raw, 1.0)
    magnitude = 10 ** math.floor(math.log10(raw))
    return int(next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw))


def timestep_ticks(T: int, target: int = 10) -> list[int]:
    """Round, whole-number tick positions in 1..T (about `target` of them)."""
    step = round_step(T / target)
    if step <= 2:
        return list(range(1, T + 1, step))
    return [1, *list(range(step, T + 1, step))]

"""The size of an exported figure, as a lecturer types it: `16:9`, `4:3`, `column` or
`12x8cm`, and the font scale that goes with it. No Qt.

The rule (also in `unrolled export --help`, the export dialog and the README):

- `W:H` (`16:9`, `4:3`, `16:10`): every figure is a whole slide of that shape, 7.5 in
  tall: 16:9 is 13.33 x 7.5 in and 4:3 is 10 x 7.5 in, PowerPoint's slide sizes, so a
  figure placed at 100% fills the slide, and every figure of a deck has the same size.
- `column`: a paper column, 3.5 in (8.9 cm) wide; the height follows the figure's own
  shape, between 0.6 and 1 times the width.
- `WxH` with `cm`, `mm` or `in` (`12x8cm`, `5x3in`): exactly that size.

Fonts and lines grow and shrink with the figure: at the area of the figure's own size
they are the usual ones (10 pt tick labels), at four times that area twice as large, so
the text of a figure looks the same on a slide whatever its size; never below 8 pt (the
smallest a paper figure placed at 100% should have) nor above 3 times the usual. A figure
whose plots would be cut at that size gets smaller text, down to 5 pt (the smallest
journals accept); one that does not fit even then (the dashboard in a column) is not
written, and the message says so.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

SLIDE_HEIGHT_IN = 7.5  # PowerPoint's 16:9 (13.33 x 7.5 in) and 4:3 (10 x 7.5 in) slides
COLUMN_WIDTH_IN = 3.5  # one column of a two-column paper: 8.9 cm
COLUMN_SHAPE = (0.6, 1.0)  # a column figure's height / width, at least and at most
MIN_SIDE_IN, MAX_SIDE_IN = 1.0, 40.0
MAX_ELONGATION = 10.0  # the longer side at most this many times the shorter
MIN_FONT_SCALE, MAX_FONT_SCALE = 0.8, 3.0  # 8 pt to 30 pt tick labels
SMALLEST_FONT_SCALE = 0.5  # 5 pt, the smallest text journals accept, for a figure cut at 8 pt
MAX_PIXELS_PER_SIDE = 20_000  # a PNG beyond this is gigabytes in memory
CM_PER_IN = 2.54
UNITS = {"in": 1.0, "cm": 1 / CM_PER_IN, "mm": 0.1 / CM_PER_IN}
EXPECTED = ("expected 16:9 or 4:3 (a whole slide), column (a paper column, 3.5 in wide) "
            "or WIDTHxHEIGHT with cm, mm or in, such as 12x8cm")
RULE = ("16:9 or 4:3: every figure a whole slide, 13.33 x 7.5 in or 10 x 7.5 in; "
        "column: a paper column, 3.5 in (8.9 cm) wide, the height from the figure's shape; "
        "WxH with cm, mm or in (12x8cm, 5x3in): exactly that. Fonts and lines scale with the "
        "figure's size (the usual ones at the area of its own size), never below 8 pt, unless the "
        "figure would be cut: then down to 5 pt, or it is left out with a message.")
HELP = f"{RULE} (default: each figure's own size)"

_NUMBER = r"(\d+(?:\.\d*)?|\.\d+)"
_RATIO = re.compile(rf"{_NUMBER}:{_NUMBER}")
_EXACT = re.compile(rf"{_NUMBER}(cm|mm|in)?[x×]{_NUMBER}(cm|mm|in)?")


class SizeError(ValueError):
    """A size that cannot be used; the message says why and what is expected."""


@dataclass(frozen=True)
class FigureSize:
    """A parsed size: `kind` is "slide" (width x SLIDE_HEIGHT_IN), "column" or "exact"."""

    text: str
    kind: str
    width_in: float
    height_in: float | None = None  # None for a column: it follows the figure's shape

    def inches(self, own: tuple[float, float]) -> tuple[float, float]:
        """(width, height) in inches for a figure whose own size is `own`."""
        if self.height_in is not None:
            return self.width_in, self.height_in
        low, high = COLUMN_SHAPE
        shape = min(max(own[1] / own[0], low), high)
        return self.width_in, round(self.width_in * shape, 3)

    def describe(self) -> str:
        if self.kind == "column":
            return f"a paper column, {self.width_in:g} in wide"
        return f"{self.width_in:.2f} x {self.height_in:.2f} in"


def parse_size(text: str) -> FigureSize:
    """`16:9`, `4:3`, `column`, `12x8cm`, `120x80mm`, `5x3in` (spaces and case ignored);
    raises SizeError with a one-line message naming the problem."""
    typed = str(text)
    compact = re.sub(r"\s+", "", typed).lower()
    if not compact:
        raise SizeError(f"got an empty size, {EXPECTED}")
    if compact == "column":
        return FigureSize(typed, "column", COLUMN_WIDTH_IN)
    ratio = _RATIO.fullmatch(compact)
    if ratio:
        across, up = float(ratio.group(1)), float(ratio.group(2))
        if across <= 0 or up <= 0:
            raise SizeError(f"got {typed!r}: both sides of a ratio must be more than 0")
        return _checked(FigureSize(typed, "slide", round(SLIDE_HEIGHT_IN * across / up, 2), SLIDE_HEIGHT_IN))
    exact = _EXACT.fullmatch(compact)
    if not exact:
        raise SizeError(f"got {typed!r}, {EXPECTED}")
    width, width_unit, height, height_unit = exact.groups()
    if width_unit is None and height_unit is None:
        raise SizeError(f"got {typed!r}: say the unit, such as {width}x{height}cm or {width}x{height}in")
    if width_unit and height_unit and width_unit != height_unit:
        raise SizeError(f"got {typed!r}: give both sides in one unit, such as {width}x{height}{height_unit}")
    unit = height_unit or width_unit
    return _checked(FigureSize(typed, "exact", float(width) * UNITS[unit], float(height) * UNITS[unit]), unit)


def _in_unit(inches: float, unit: str) -> str:
    return f"{inches / UNITS[unit]:.3g} {unit}"


def _checked(size: FigureSize, unit: str = "in") -> FigureSize:
    assert size.height_in is not None
    sides = {"width": size.width_in, "height": size.height_in}
    for name, inches in sides.items():
        if inches < MIN_SIDE_IN - 1e-9:
            raise SizeError(f"got {size.text!r}: the {name} is {_in_unit(inches, unit)}, "
                            f"at least {_in_unit(MIN_SIDE_IN, unit)} ({MIN_SIDE_IN:g} in) is needed for a figure")
        if inches > MAX_SIDE_IN + 1e-9:
            raise SizeError(f"got {size.text!r}: the {name} is {_in_unit(inches, unit)}, "
                            f"at most {_in_unit(MAX_SIDE_IN, unit)} ({MAX_SIDE_IN:g} in)")
    if max(sides.values()) > MAX_ELONGATION * min(sides.values()):
        raise SizeError(f"got {size.text!r}: the longer side may be at most {MAX_ELONGATION:g} times the shorter")
    return size


def font_scale(inches: tuple[float, float], own: tuple[float, float]) -> float:
    """How much larger than usual fonts and lines are at `inches`, for a figure whose own
    size is `own`: the square root of the area ratio, kept to 0.8 .. 3."""
    ratio = math.sqrt((inches[0] * inches[1]) / (own[0] * own[1]))
    return min(max(ratio, MIN_FONT_SCALE), MAX_FONT_SCALE)


def check_pixels(inches: tuple[float, float], dpi: int) -> None:
    """Raise SizeError when a PNG of `inches` at `dpi` would be too large to make."""
    width, height = (round(side * dpi) for side in inches)
    if max(width, height) > MAX_PIXELS_PER_SIDE:
        raise SizeError(f"{inches[0]:.2f} x {inches[1]:.2f} in at {dpi} DPI is {width} x {height} pixels, "
                        f"at most {MAX_PIXELS_PER_SIDE} a side: choose a lower resolution or a smaller size")

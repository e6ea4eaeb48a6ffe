"""Where the diagram's parts lie, in pixels at a theme's scale: the full form's cells in a
row of T equal columns, the strip's band and span, and the timestep under a point. No
painting here: the painters ask these functions where to draw."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6 import QtCore

from ...theme import Theme

EDGE_PX = 20  # the cells and the strip span the width less this on either side
MIN_CELL_PX = 46  # narrower than this and the full diagram turns into the strip
LABEL_PX = 22  # the height of the row of x_t labels below the cells (and of y_t above)
MAX_STRIP_PX = 60  # the strip's height at most (at scale 1): a slide-sized diagram is no tall band
STRIP_ABOVE_PX = 36  # room above the strip for the cursor's "t = ..."
STRIP_BELOW_PX = 30  # room below it for the tick labels


@dataclass(frozen=True)
class CellRow:
    """The full form: T cells, one per column `pitch` wide from `margin`, each a square
    `box` wide centred at height `cy`; `label` is the height of the x_t and y_t rows.
    Top to bottom: the y label, 0.45 box of arrow, the box, 0.55 box of arrow, the x label."""

    T: int
    margin: float
    pitch: float
    box: float
    cy: float
    label: float

    def centre_x(self, k: int) -> float:
        """The x of the middle of cell k (k from 0: timestep t = k + 1)."""
        return self.margin + self.pitch * (k + 0.5)

    def cell_box(self, k: int) -> QtCore.QRectF:
        """The rectangle of cell k (k from 0)."""
        cx = self.centre_x(k)
        return QtCore.QRectF(cx - self.box / 2, self.cy - self.box / 2, self.box, self.box)


def _box_room(above: float, label: float, theme: Theme) -> float:
    """The largest box the height above the caption holds, with the x and y labels."""
    return (above - 2 * label - theme.px(4)) / 2.0


def cell_row(width: float, above: float, T: int, theme: Theme) -> CellRow:
    """The cells filling `width` and the height `above` the caption, centred in that
    height when the width limits the cells (a slide)."""
    margin, label = theme.px(EDGE_PX), theme.px(LABEL_PX)
    pitch = (width - 2 * margin) / T
    box = max(min(pitch * 0.55, _box_room(above, label, theme)), theme.px(8))
    spare = max(above - theme.px(4) - 2 * label - 2 * box, 0.0)
    cy = theme.px(2) + spare / 2 + label + box * 0.95
    return CellRow(T, margin, pitch, box, cy, label)


def cells_fit(width: float, above: float, T: int, line_height: float, theme: Theme) -> bool:
    """Room for a cell per timestep, wide enough (MIN_CELL_PX) and tall enough for its
    "h_t" label of `line_height` (else the cells shrink to dots under their labels)."""
    if (width - 2 * theme.px(EDGE_PX)) / T < theme.px(MIN_CELL_PX):
        return False
    return _box_room(above, theme.px(LABEL_PX), theme) >= 1.3 * line_height


def strip_band(above: float, theme: Theme) -> tuple[float, float]:
    """(top, height) of the strip in the height `above` the caption: room above it for the
    cursor's label and below it for the ticks, at most MAX_STRIP_PX tall, centred."""
    free = above - theme.px(STRIP_ABOVE_PX) - theme.px(STRIP_BELOW_PX)
    height = min(max(free, theme.px(6)), theme.px(MAX_STRIP_PX))
    return theme.px(STRIP_ABOVE_PX) + max(free - height, 0.0) / 2, height


def strip_span(width: float, theme: Theme) -> tuple[float, float]:
    """(left, right) of the strip's (and the cells') T columns: the width less EDGE_PX on
    either side."""
    edge = theme.px(EDGE_PX)
    return edge, width - edge


def folded_span(width: float, theme: Theme, first: float, last: float) -> tuple[float, float]:
    """(left, right) of the folded strip: besides EDGE_PX, room for "1" (`first` wide) on
    its left and "T" and "t = T" (`last` wide together) on its right."""
    edge, gap = theme.px(EDGE_PX), theme.px(6)
    left = edge + first + gap
    return left, max(width - edge - last - 3 * gap, left + 1)


def timestep_at(x: float, span: tuple[float, float], T: int) -> int | None:
    """The timestep (from 1) whose column of `span`'s T equal ones holds x, or None."""
    left, right = span
    pitch = (right - left) / T
    if pitch <= 0 or not left <= x < right:
        return None
    return min(int((x - left) // pitch) + 1, T)

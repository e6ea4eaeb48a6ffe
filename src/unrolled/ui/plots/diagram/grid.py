"""The diagram of a network of several layers or two directions: a grid with a row per
(layer, direction), the top layer highest, within a layer the forward direction above the
reverse one. What each row shows (its cells' colours, its gradient norms) and where the rows
lie; `grid_paint` paints them. One layer in one direction is not a grid (`cells`, `strip`)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
from PySide6 import QtGui

from ....engine.stack_traces import Key
from ....session.stepper import Phase, Session
from ...theme import Theme
from .colours import gradient_scale, strip_colours
from .geometry import EDGE_PX, LABEL_PX, MIN_CELL_PX

ARROWS = ("→", "←")  # the direction a row's recurrence runs in the forward pass
DIRECTION_GAP = 0.3  # of a box: between a layer's forward and reverse rows of cells
LAYER_GAP = 0.7  # of a box: between two layers, room for the arrows up
STRIP_DIRECTION_GAP_PX = 2  # between a layer's two strips
STRIP_LAYER_GAP_PX = 7  # between two layers' strips
MAX_BAND_PX = 26  # a strip's height at most: the grid is no wall of colour
MIN_BAND_PX = 6
CURSOR_OVERHANG_PX = 10  # the cursor's line reaches this far above the top strip, under its "t = ..."
TICK_PX = 5  # the ticks' length under the bottom strip, their labels under them
MIN_BOX_FACTOR = 1.15  # a cell at least this many lines of text high, else the strips
ROW_PX = 40  # what a row asks for in the window (`wanted_height`)


@dataclass(frozen=True)
class RowState:
    """One (layer, direction) in natural time order (index t - 1): each cell's RGBA colour
    as the strip draws it, whether it is computed, its ||dL/dh_t|| (NaN until the backward
    pass reaches it), which of those are done, and which states overflowed."""

    key: Key
    colours: np.ndarray  # (T, 4) uint8
    computed: np.ndarray  # (T,) bool
    norms: np.ndarray  # (T,)
    done_back: np.ndarray  # (T,) bool
    bad: np.ndarray  # (T,) bool: inf or nan in the forward pass


@dataclass(frozen=True)
class GridState:
    """Every row, top to bottom, their common log10 colour scale, and the current
    (layer, direction, t), or None outside the passes."""

    rows: list[RowState]
    scale: tuple[float, float]
    current: tuple[int, int, int] | None
    many_to_many: bool  # a y_t at every t, else at t = T alone

    @property
    def any_done_back(self) -> bool:
        return any(row.done_back.any() for row in self.rows)

    def done_norms(self) -> np.ndarray:
        return np.concatenate([row.norms[row.done_back] for row in self.rows])


def display_keys(layers: int, directions: int) -> list[Key]:
    """(layer, direction) of the rows top to bottom: the top layer first, forward over reverse."""
    return [(layer, d) for layer in range(layers - 1, -1, -1) for d in range(directions)]


def grid_state(s: Session, theme: Theme) -> GridState:
    """What the grid shows of a session's stack, with one colour scale over every row (the
    gradient's fading down the layers is seen against the same colours as along time)."""
    fwd, bwd, T = s.fwd, s.bwd, s.T
    norms = s.layer_gradient_norms() or {}
    parts = []
    for key in display_keys(s.net.layers, s.net.directions):
        flip = slice(None, None, -1) if key[1] else slice(None)  # own order <-> natural order
        trace = fwd.layers[key]  # type: ignore[attr-defined]  # a stack's trace
        own_norms = norms[key][flip] if key in norms else np.full(T, np.nan)
        own_done = bwd.layers[key].done_mask if bwd is not None else np.zeros(T, dtype=bool)  # type: ignore[attr-defined]  # a stack's
        parts.append((key, flip, trace.steps_done, own_norms, own_done, trace.nonfinite_from))
    done = [n[d] for _, _, _, n, d, _ in parts]
    scale = gradient_scale(np.concatenate(done)) if done else (0.0, 1.0)
    rows = []
    for key, flip, steps, own_norms, own_done, bad_from in parts:
        colours = strip_colours(steps, own_norms, own_done, bad_from, theme, scale)[0]
        computed = np.arange(T) < steps
        bad = np.zeros(T, dtype=bool)
        if bad_from is not None:
            bad[bad_from - 1: steps] = True
        rows.append(RowState(key, np.ascontiguousarray(colours[flip]), computed[flip], own_norms[flip],
                             own_done[flip], bad[flip]))
    place = s.place
    current = None
    if place.phase in (Phase.FORWARD, Phase.BACKWARD) and place.t is not None:
        current = (place.layer, place.direction, place.t)
    return GridState(rows, scale, current, s.config.mode == "many-to-many")  # type: ignore[arg-type]  # keys of ints


def row_label(key: Key, directions: int) -> str:
    layer, direction = key
    return f"layer {layer + 1} {ARROWS[direction]}" if directions == 2 else f"layer {layer + 1}"


@dataclass(frozen=True)
class GridLayout:
    """Where the rows lie: `tops[i]` the top of row i (display order) and `height` each
    row's (a cell's box, or a strip's band); T columns from `left` to `right`; `cells`: the
    full form (boxes and arrows) or the strips."""

    keys: list[Key]
    tops: list[float]
    height: float
    left: float
    right: float
    T: int
    cells: bool

    @property
    def pitch(self) -> float:
        return (self.right - self.left) / self.T

    def centre_x(self, k: int) -> float:
        """The x of the middle of column k (k from 0: timestep t = k + 1)."""
        return self.left + self.pitch * (k + 0.5)

    def row_of(self, key: Key) -> int:
        return self.keys.index(key)

    @property
    def top(self) -> float:
        return self.tops[0]

    @property
    def bottom(self) -> float:
        return self.tops[-1] + self.height


def _gaps(keys: list[Key], direction_gap: float, layer_gap: float) -> list[float]:
    """The space above each row after the first: a layer's reverse row sits close under its
    forward row, a lower layer further down."""
    return [direction_gap if key[0] == before[0] else layer_gap for before, key in itertools.pairwise(keys)]


def label_width(keys: list[Key], directions: int, metrics: QtGui.QFontMetricsF) -> float:
    return max(metrics.horizontalAdvance(row_label(key, directions)) for key in keys)


def grid_layout(width: float, above: float, layers: int, directions: int, T: int, label: float,
                line_height: float, theme: Theme, name_height: float = 0.0) -> GridLayout:
    """The rows in `width` and the height `above` the caption, `label` px kept at the left
    for their names (`name_height` a line of them): cells when a column is MIN_CELL wide
    and a box holds a line of text (`line_height`), else one strip per row."""
    keys = display_keys(layers, directions)
    edge, gap = theme.px(EDGE_PX), theme.px(8)
    left, right = edge + label + gap, width - edge
    pitch = (right - left) / T
    text = theme.px(LABEL_PX)
    gaps = _gaps(keys, DIRECTION_GAP, LAYER_GAP)
    # the height in boxes: the y arrow (0.45) above, the x arrow (0.55) below, the rows, the gaps
    boxes = 1.0 + len(keys) + sum(gaps)
    box = min(pitch * 0.55, (above - 2 * text - theme.px(4)) / boxes)
    if pitch >= theme.px(MIN_CELL_PX) and box >= MIN_BOX_FACTOR * line_height:
        spare = above - theme.px(4) - 2 * text - boxes * box
        y = theme.px(2) + spare / 2 + text + 0.45 * box
        tops = [y]
        for g in gaps:
            tops.append(tops[-1] + box + g * box)
        return GridLayout(keys, tops, box, left, right, T, True)
    band, strip_gaps = _strip_bands(above, keys, gaps, line_height, name_height, theme)
    above_room, below_room = strip_margins(line_height, theme)
    spare = above - above_room - below_room - len(keys) * band - sum(strip_gaps)
    y = above_room + max(spare, 0.0) / 2  # beyond MAX_BAND_PX strips, centred
    tops = [y]
    for g in strip_gaps:
        tops.append(tops[-1] + band + g)
    return GridLayout(keys, tops, band, left, right, T, False)


def cells_wide_enough(width: float, T: int, label: float, theme: Theme) -> bool:
    """Whether `width` (`label` px of it for the rows' names) gives every timestep a column
    MIN_CELL_PX wide: the grid's cells, else its strips."""
    return (width - 2 * theme.px(EDGE_PX) - label - theme.px(8)) / T >= theme.px(MIN_CELL_PX)


def strip_margins(line_height: float, theme: Theme) -> tuple[float, float]:
    """The room above the strips, for the cursor's "t = ..." (a line `line_height` tall)
    over its overhang, and below them, for the ticks and their labels."""
    return line_height + theme.px(CURSOR_OVERHANG_PX + 1), theme.px(TICK_PX + 1) + line_height


def _strip_gaps(keys: list[Key], layer_gap: float, theme: Theme) -> list[float]:
    """The px between strips: STRIP_DIRECTION_GAP_PX within a layer, `layer_gap` between layers."""
    return [theme.px(STRIP_DIRECTION_GAP_PX) if g == DIRECTION_GAP else layer_gap
            for g in _gaps(keys, DIRECTION_GAP, LAYER_GAP)]


def _strip_bands(above: float, keys: list[Key], gaps: list[float], line_height: float, name_height: float,
                 theme: Theme) -> tuple[float, list[float]]:
    """Each strip's height and the gaps under them, filling the height `above` the caption
    less the margins, at most MAX_BAND_PX. Where a name (`name_height`: a row's, or with two
    directions a layer's, beside its two rows) would not clear the next, the layers' gaps
    narrow towards a layer's own, and to no more than a strip: the names keep their size, no
    strip runs into the caption. Where the names cannot keep their size, they shrink
    (`grid_paint`), the strips as tall as the height allows."""
    above_room, below_room = strip_margins(line_height, theme)
    free = above - above_room - below_room
    inside = theme.px(STRIP_DIRECTION_GAP_PX)
    n_inside = sum(1 for g in gaps if g == DIRECTION_GAP)
    n_between = len(gaps) - n_inside
    per_layer = len(keys) // (n_between + 1)  # rows a layer's name stands beside
    steps = 8
    tried = []  # (band, gap between layers), the widest gap first
    for k in range(steps + 1):
        between = theme.px(STRIP_LAYER_GAP_PX) - k * (theme.px(STRIP_LAYER_GAP_PX) - inside) / steps
        tried.append(((free - n_inside * inside - n_between * between) / len(keys), between))
    clear = [(band, between) for band, between in tried
             if per_layer * band + (per_layer - 1) * inside + between >= name_height or not n_between]
    # the gap between layers no taller than a strip (thin strips a wide gap apart read as
    # separate), and a strip MIN_BAND_PX tall where the height allows
    wide = [(band, between) for band, between in clear if between <= band and band >= theme.px(MIN_BAND_PX)]
    band, between = wide[0] if wide else clear[-1] if clear else tried[-1]
    return min(max(band, 2.0), theme.px(MAX_BAND_PX)), _strip_gaps(keys, between, theme)


def strips_height(layers: int, directions: int, band: float, line_height: float, theme: Theme) -> float:
    """The height the strips of these rows take, each `band` px tall, with the gaps between
    them and the room above for the cursor's "t = ..." and below for the ticks (their font's
    line `line_height` tall)."""
    keys = display_keys(layers, directions)
    gaps = _strip_gaps(keys, theme.px(STRIP_LAYER_GAP_PX), theme)
    return sum(strip_margins(line_height, theme)) + sum(gaps) + len(keys) * band


def least_band(directions: int, name_height: float, theme: Theme) -> float:
    """The thinnest strip whose row's name (`name_height` tall) stays clear of the next
    row's: a layer's two directions lie closer than two layers."""
    gap = STRIP_DIRECTION_GAP_PX if directions == 2 else STRIP_LAYER_GAP_PX
    return max(name_height - theme.px(gap), theme.px(MIN_BAND_PX))


def wanted_height(layers: int, directions: int, caption: float, theme: Theme, line_height: float,
                  cells: bool = True) -> int:
    """The height a grid of these rows asks of the window: ROW_PX a row of cells, the labels
    above and below, the gaps, the caption; strips (`cells` False) no more than their bands
    at MAX_BAND_PX take, so that no empty room is kept around them."""
    if not cells:
        return round(caption + strips_height(layers, directions, theme.px(MAX_BAND_PX), line_height, theme))
    rows = layers * directions
    return round(caption + 2 * theme.px(LABEL_PX) + rows * theme.px(ROW_PX) + (layers - 1) * theme.px(12))

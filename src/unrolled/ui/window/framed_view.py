"""How much of the plot area each view keeps: the heights a lesson's stage gives a framed
gradient plot (its data area a share of the screen, its margins cut to the bone), the
width framed heatmaps need for three columns, and the height the diagram asks for (a grid
of layers more than one row of cells)."""

from __future__ import annotations

import math

from PySide6 import QtCore, QtGui, QtWidgets

from .. import theme
from ..lessons.stage import TITLE_BAR_PX
from ..plots.dashboard import Dashboard
from ..plots.gradients import READABLE_DATA_PX

DIAGRAM_HEIGHT = 190
# the most of the area's height the diagram takes: one row of cells, or a grid of layers
# (its rows each need a readable band; the plots below keep the rest)
DIAGRAM_SHARE = 2 / 7
GRID_SHARE = 1 / 2
# the loss under the gradient panel, when it gives way to the depth-time picture, keeps a
# data area this tall (the layout's readable floor for every plot)
LOSS_KEPT_DATA_PX = 90
SPLITTER_HANDLE_PX = 6  # a splitter's handle and a little air
# the width a heatmap's data needs beside its axes and colour bar, so that the columns of
# gate heatmaps are kept, never cut: narrower, the docks beside the plots give way
HEATMAP_DATA_WIDTH = 90
DASHBOARD_MARGIN, DASHBOARD_SPACING = 9, 6  # pyqtgraph's and Qt's own, outside a lesson
# a framed plot's data area keeps this share of the screen's height (the window's and a
# window manager's title bar's): a gradient's fall over decades seen from the back of a room
PLOT_SHARE = 0.36
# in a lesson's stage the framed gradient panel's own margins shrink to this (pyqtgraph's
# 9 px above and below the plots, the 6 px between the views): its pixels go to the data and
# the lesson text, which on a 1280 x 720 projector in F5 has few to spare
STAGE_MARGIN = 1
STAGE_SPACING = 2
STAGE_LEGEND_PAD = 4


def framed_data_px(window_height: int) -> float:
    """The data area a framed plot keeps in a window `window_height` px tall."""
    return PLOT_SHARE * (window_height + TITLE_BAR_PX)


def split_heights(dashboard: Dashboard, area_height: int, minimum: int,
                  below: tuple[int, float]) -> tuple[int, int | None]:
    """The diagram's height in an area `area_height` tall, and the gradient panel's when it
    holds the depth-time picture (None: the panel has its usual share). Presentation mode's
    larger fonts need more, a grid of layers more again, but the plots below keep most of it.
    `below`: the height of the splitter the diagram shares with the gradient panel, and the
    panel's share of what the diagram leaves in it."""
    diagram = dashboard.diagram
    if not diagram.is_grid() or diagram.folded:
        return max(min(round(DIAGRAM_HEIGHT * theme.THEME.scale), area_height * 2 // 7), minimum), None
    # a tall grid (L = 4 bidirectional: 8 rows; L = 8: 16) gives way, down to its own
    # minimum, so that the gradient plot under it keeps a data area READABLE_DATA_PX tall
    # (its contribution plot and depth-time picture hide first). Where the grid can give way
    # further, its rows still as tall as their names, and the loss down to a readable data
    # area, the panel holds the depth-time picture as well: the stack's headline figure
    splitter, share = below
    wanted = max(min(diagram.wanted_height(), round(area_height * GRID_SHARE)), minimum)
    panel = math.ceil(choices_row_px(dashboard) + dashboard.gradients.under.room_for_both()) + 1
    right = splitter - SPLITTER_HANDLE_PX - wanted  # the gradient panel over the loss
    if panel <= right * share:  # the usual share holds the picture
        return wanted, None
    loss = loss_floor(dashboard) + SPLITTER_HANDLE_PX if share < 1 else 0.0  # on a tab: the panel alone
    if panel <= right - loss:  # the loss gives way
        return wanted, panel
    with_picture = int(splitter - SPLITTER_HANDLE_PX - panel - loss)  # the grid gives way too
    if with_picture >= max(minimum, diagram.least_height()):
        return with_picture, panel
    curves = gradient_panel_height(dashboard, READABLE_DATA_PX)
    room = splitter - SPLITTER_HANDLE_PX - curves / share
    return max(min(wanted, int(room)), minimum), None


def loss_floor(dashboard: Dashboard) -> float:
    """The loss plot's height with a data area LOSS_KEPT_DATA_PX tall."""
    loss = dashboard.loss
    plot = loss.getPlotItem()
    assert plot is not None
    minimum = QtCore.Qt.SizeHint.MinimumSize
    chrome = plot.effectiveSizeHint(minimum).height() - plot.vb.effectiveSizeHint(minimum).height()
    return chrome + 2 * loss.frameWidth() + LOSS_KEPT_DATA_PX


def gradient_panel_height(dashboard: Dashboard, data_px: float) -> float:
    """The gradient panel's height that gives its gradient plot a data area `data_px` tall
    on its own (the contribution plot and the depth-time picture given way): its row of
    choices, its view's frame and margins, and the plot's title, legend (in as many rows
    as it has now) and t axis, from their size hints."""
    gradients = dashboard.gradients
    minimum = QtCore.Qt.SizeHint.MinimumSize
    plot, graphics = gradients.norms, gradients.graphics
    chrome = plot.effectiveSizeHint(minimum).height() - plot.vb.effectiveSizeHint(minimum).height()
    _, top, _, bottom = graphics.ci.layout.getContentsMargins()
    return choices_row_px(dashboard) + 2 * graphics.frameWidth() + top + bottom + chrome + data_px


def choices_row_px(dashboard: Dashboard) -> float:
    """The gradient panel's row of choices and the spacing around it (its layout's spacing
    above the plots even when the row is empty)."""
    gradients = dashboard.gradients
    choices = (gradients.show_label, gradients.show_choice, gradients.contrib_choice)
    row = max((w.sizeHint().height() for w in choices if w.isVisibleTo(gradients)), default=0)
    spacing = gradients.layout().spacing()  # type: ignore[union-attr]  # it has its box
    return row + (2 if row else 1) * spacing


def keep_framed_data(dashboard: Dashboard, framed: str | None, window_height: int, stage_width: int) -> None:
    """A framed gradient plot keeps its share of the height: the contribution plot below it
    gives way first. Framed heatmaps have the stage's width (`stage_width`): the LSTM's six
    panels go three to a row, each twice as tall, when the columns keep their width."""
    keep = framed_data_px(window_height) if framed == "gradients" else 0.0
    gradients = dashboard.gradients
    margin = STAGE_MARGIN if framed is not None else DASHBOARD_MARGIN
    if gradients.graphics.ci.layout.getContentsMargins()[1] != margin:
        gradients.graphics.ci.setContentsMargins(margin, margin, margin, margin)
        box = gradients.layout()
        assert box is not None
        box.setSpacing(STAGE_SPACING if framed is not None else DASHBOARD_SPACING)
        if gradients.norms.legend is not None:  # its box's padding, pyqtgraph's 9 px
            pad = STAGE_LEGEND_PAD if framed is not None else DASHBOARD_MARGIN
            gradients.norms.legend.layout.setContentsMargins(pad, pad, pad, pad)
            gradients.norms.titleLabel.fit_row()
    gradients.keep_data(keep)
    heatmaps = dashboard.heatmaps
    columns = max(heatmaps.ci.layout.columnCount() // 2, 1)  # a panel and its colour bar
    chrome = heatmaps.ci.effectiveSizeHint(QtCore.Qt.SizeHint.MinimumSize).width() / columns
    heatmaps.set_three_columns(framed == "heatmaps" and stage_width >= 3 * (chrome + 2 * HEATMAP_DATA_WIDTH))


def unscaled_font() -> QtGui.QFont:
    """The window's font without presentation mode's scale, for what is the lecturer's, not
    the room's: a lesson stage's side tabs in F5's font needed 295 px, more than the height
    beside a framed diagram on a 720 px screen (the Loss tab behind scroll arrows)."""
    font = QtGui.QFont(QtWidgets.QApplication.font())
    font.setPointSizeF(font.pointSizeF() / max(theme.THEME.scale, 1.0))
    return font


def heatmap_columns_width(dashboard: Dashboard) -> int:
    """The width the heatmaps' slot keeps for their columns (axes, colour bars and a
    readable data area each): the docks beside the plots give way, the columns stay."""
    heatmaps = dashboard.heatmaps
    columns = heatmaps.ci.layout.columnCount() // 2  # a panel and its colour bar
    chrome = heatmaps.ci.effectiveSizeHint(QtCore.Qt.SizeHint.MinimumSize).width()
    return round(chrome + columns * HEATMAP_DATA_WIDTH + 2 * heatmaps.frameWidth())


def framed_gradient_chrome(dashboard: Dashboard, show_row: bool) -> float:
    """The stage's height beyond the data of a framed gradient plot: the diagram's strip
    above it, the gradient panel's row of choices (show_row: a many-to-many model's
    "Show:"), its margins, and the plot's title, legend and t axis, from their size hints
    (the same whether or not the panel is on screen now)."""
    gradients = dashboard.gradients
    minimum = QtCore.Qt.SizeHint.MinimumSize
    strip = dashboard.diagram.folded_height() + STAGE_SPACING
    row = 0
    if show_row:
        row = max(w.sizeHint().height() for w in (gradients.show_choice, gradients.show_label)) + STAGE_SPACING
    plot = gradients.norms
    chrome = plot.effectiveSizeHint(minimum).height() - plot.vb.effectiveSizeHint(minimum).height()
    legend = plot.legend
    if legend is not None and legend.items:  # one row of it, as wide as a stage is (narrower,
        # beside the Training panel at a loss stop, it has more rows: the pane would jump)
        margins = legend.layout.getContentsMargins()
        line = max(max(sample.boundingRect().height(), label.boundingRect().height())
                   for sample, label in legend.items)
        chrome += line + margins[1] + margins[3] - legend.geometry().height()
    return strip + row + 2 * STAGE_MARGIN + 2 * gradients.graphics.frameWidth() + chrome


def fit_diagram_slot(dashboard: Dashboard, slot: QtWidgets.QWidget, minimum: int) -> None:
    """The diagram's slot: folded, exactly the strip's height; else room for its cells,
    x labels and two caption lines in the theme's font size, at least `minimum` px at
    scale 1 (an explicit minimum overrides the slot layout's: never below the diagram's
    own, or the slot cuts the caption's last line)."""
    diagram = dashboard.diagram
    if diagram.folded:
        slot.setFixedHeight(diagram.folded_height())
        return
    slot.setMaximumHeight(16777215)  # QWIDGETSIZE_MAX
    slot.setMinimumHeight(max(round(minimum * theme.THEME.scale), diagram.minimumSizeHint().height(),
                              diagram.minimumHeight()))

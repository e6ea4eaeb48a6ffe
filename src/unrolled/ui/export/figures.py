"""The figures a lecturer exports, built as standalone widgets from a session.

Every figure is built fresh, off screen, with the theme it is given (a copy of the
window's at the figure's scale), so an exported figure has fonts and lines sized for its
resolution, not screen hairlines, and the window's own theme is never touched.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Protocol, runtime_checkable

import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from ...session.figure_registry import figure
from ...session.figure_size import SMALLEST_FONT_SCALE
from ...session.stepper import Session
from ...session.training import TrainingStep
from ..plots.connectivity import ConnectivityMap
from ..plots.dashboard import Dashboard
from ..plots.depth_time import DepthTimeGradients
from ..plots.diagram import UnrolledDiagram
from ..plots.gradients import GradientPanel
from ..plots.heatmaps import StateHeatmaps
from ..plots.itemized import ItemizedGradients
from ..plots.loss import LossPlot
from ..plots.training import TrainingFigure
from ..theme import Theme
from .unit_activations import UnitActivationsFigure


def graphics_views(widget: QtWidgets.QWidget) -> list[pg.GraphicsView]:
    """The pyqtgraph views that draw a figure: its children, and itself if it is one."""
    views = widget.findChildren(pg.GraphicsView)
    if isinstance(widget, pg.GraphicsView):
        views.append(widget)
    return views


def _gradient_panel(theme: Theme) -> GradientPanel:
    panel = GradientPanel(theme=theme)
    panel.show_choice.hide()  # the figure shows both curves; the choice is for the screen
    panel.show_label.hide()
    return panel


# figure name (session.figure_registry.FIGURES) -> its builder, given the training run a
# training figure draws and the theme to draw with
BUILDERS: dict[str, Callable[[Sequence[TrainingStep], Theme], QtWidgets.QWidget]] = {
    "dashboard": lambda steps, theme: Dashboard(theme=theme),
    "diagram": lambda steps, theme: UnrolledDiagram(theme=theme),
    "hidden_states": lambda steps, theme: StateHeatmaps(keys="states", theme=theme),
    "gates": lambda steps, theme: StateHeatmaps(keys="gates", theme=theme),
    "grad_norms": lambda steps, theme: _gradient_panel(theme),
    "depth_time_gradients": lambda steps, theme: DepthTimeGradients(theme=theme),
    "connectivity": lambda steps, theme: ConnectivityMap(theme=theme),
    "unit_activations": lambda steps, theme: UnitActivationsFigure(theme=theme),
    "loss": lambda steps, theme: LossPlot(theme=theme),
    "itemized_gradients": lambda steps, theme: ItemizedGradients(theme=theme),
    "training_loss": lambda steps, theme: TrainingFigure("training_loss", steps, theme=theme),
    "clip_norms": lambda steps, theme: TrainingFigure("clip_norms", steps, theme=theme),
    "accuracy": lambda steps, theme: TrainingFigure("accuracy", steps, theme=theme),
}


def build_figure(name: str, steps: Sequence[TrainingStep] = (), theme: Theme | None = None) -> QtWidgets.QWidget:
    """An empty figure widget drawn with `theme` (a light one at scale 1 when none is
    given); call `refresh(session)` once it has its size. `steps`: the training run a
    training figure draws."""
    return BUILDERS[figure(name).name](steps, Theme() if theme is None else theme)


@runtime_checkable
class Refreshable(Protocol):
    """What every figure `build_figure` returns has, besides being a QWidget."""

    def refresh(self, session: Session) -> None: ...


def _as_figure(widget: QtWidgets.QWidget) -> None:
    """Screen aids left out: the cursor at the current timestep, any widget, and the
    window's keys in a caption (the diagram then draws its colour scale instead)."""
    for view in getattr(widget, "views", (widget,)):
        if hasattr(view, "show_cursor"):
            view.show_cursor = False
        if hasattr(view, "on_paper"):
            view.on_paper = True
        if hasattr(view, "offers_choice"):
            view.offers_choice = False


def laid_out(widget: QtWidgets.QWidget, width: int, height: int, session: Session) -> QtWidgets.QWidget:
    """Give an off-screen figure its size and its data, ready to render, without the
    screen aids (the cursor at the current timestep, the gradient panel's selector). The
    layout is done here, on the figure alone: no event loop runs, so nothing else in the
    application (a window with a step pending) moves meanwhile."""
    _as_figure(widget)
    widget.setAttribute(QtCore.Qt.WidgetAttribute.WA_DontShowOnScreen, True)
    assert isinstance(widget, Refreshable), widget  # a figure from build_figure
    widget.resize(width, height)
    widget.show()  # sends the pending resize events and activates the top layout
    lay_out_now(widget)
    widget.refresh(session)
    lay_out_now(widget)
    return widget


LAYOUT_PASSES = 8  # a wrapped title's new height asks for another pass; a few settle any figure


def lay_out_now(widget: QtWidgets.QWidget) -> None:
    """Lay out `widget` and its plots as the next turn of the event loop would, at once:
    its widgets' layouts activated, then the layout requests of its own widgets and plot
    items delivered (pass after pass until none is left), and no other event."""
    for _ in range(LAYOUT_PASSES):
        before = _geometries(widget)
        for child in (widget, *widget.findChildren(QtWidgets.QWidget)):
            layout = child.layout()
            if layout is not None:
                layout.activate()
        for receiver in _layout_receivers(widget):
            QtCore.QCoreApplication.sendPostedEvents(receiver, QtCore.QEvent.Type.LayoutRequest)
        if _geometries(widget) == before:
            return


def _layout_receivers(widget: QtWidgets.QWidget) -> list[QtCore.QObject]:
    """The figure's widgets and the plot items (QGraphicsWidgets) in its views."""
    receivers: list[QtCore.QObject] = [widget, *widget.findChildren(QtWidgets.QWidget)]
    for view in graphics_views(widget):
        receivers += [item for item in view.scene().items() if isinstance(item, QtWidgets.QGraphicsWidget)]
    return receivers


def _geometries(widget: QtWidgets.QWidget) -> list[tuple[float, float, float, float]]:
    boxes = [QtCore.QRectF(child.geometry()) for child in widget.findChildren(QtWidgets.QWidget)]
    for view in graphics_views(widget):
        boxes += [item.geometry() for item in view.scene().items() if isinstance(item, QtWidgets.QGraphicsWidget)]
    return [(b.x(), b.y(), b.width(), b.height()) for b in boxes]


class FigureDoesNotFit(ValueError):
    """A figure's plots need more room than its size gives, even with `points` pt text."""

    def __init__(self, name: str, points: float):
        super().__init__(f"{name} does not fit, even with {points:.0f} pt text")
        self.name, self.points = name, points


MIN_PLOT_LINES = 3  # a plot's data area at least this many lines of its tick labels high


def overflow(widget: QtWidgets.QWidget) -> float:
    """How many times larger than their room the parts of `widget` are: 1 or less when
    everything fits. A plot layout larger than its view (pyqtgraph keeps a layout at its
    minimum size and cuts what lies beyond the view) does not fit, nor a plot whose data
    area is squeezed under MIN_PLOT_LINES lines of its tick labels (pyqtgraph lets it
    shrink to nothing, and its axis label then runs into the next plot)."""
    views = graphics_views(widget)
    worst = 0.0
    for view in views:
        if not view.isVisible():
            continue
        room = view.viewport().rect()
        for item in view.scene().items():
            if item.parentItem() is None and isinstance(item, QtWidgets.QGraphicsWidget):
                box = item.geometry()
                worst = max(worst, box.width() / max(room.width(), 1), box.height() / max(room.height(), 1))
            elif isinstance(item, pg.PlotItem) and item.isVisible():
                worst = max(worst, _squeezed(item))
    return worst


def _squeezed(plot: pg.PlotItem) -> float:
    """MIN_PLOT_LINES lines of the plot's tick labels over its data area's height."""
    font = plot.getAxis("left").style["tickFont"]
    line = QtGui.QFontMetricsF(font).height() if font is not None else 12.0
    return MIN_PLOT_LINES * line / max(plot.vb.height(), 1.0)


@contextmanager
def fitted(name: str, session: Session, pixels: QtCore.QSize, resolution_scale: float, font_scale: float,
           steps: Sequence[TrainingStep] = (), theme: Theme | None = None) -> Iterator[QtWidgets.QWidget]:
    """Figure `name` laid out at `pixels`, drawn with a copy of `theme` (default: light)
    whose fonts and lines are `font_scale` times the usual (times `resolution_scale`, the
    DPI over the screen's), until the block ends. A figure cut at that scale is laid out
    again with smaller text, down to SMALLEST_FONT_SCALE; one that still does not fit
    raises FigureDoesNotFit."""
    base = Theme() if theme is None else theme
    scale = font_scale
    while True:
        widget = laid_out(build_figure(name, steps, base.scaled(scale=resolution_scale * scale)),
                          pixels.width(), pixels.height(), session)
        try:
            if overflow(widget) <= 1.01:
                yield widget
                return
        finally:
            widget.close()
            widget.deleteLater()
        if scale <= SMALLEST_FONT_SCALE:
            raise FigureDoesNotFit(name, base.font_pt * scale)
        scale = max(scale * 0.85, SMALLEST_FONT_SCALE)

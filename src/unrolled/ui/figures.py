"""The figures a lecturer exports, built as standalone widgets from a session.

Every figure is built fresh, off screen, under the theme's current scale and colours, so
an exported figure has fonts and lines sized for its resolution, not screen hairlines.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6 import QtCore, QtWidgets

from ..session.stepper import Session
from ..session.tables import FIGURES, TRAINING_FIGURES
from ..session.training import TrainingStep
from .plots.diagram import UnrolledDiagram
from .plots.gradients import GradientPanel
from .plots.heatmaps import StateHeatmaps
from .plots.itemized import ItemizedGradients
from .plots.loss import LossPlot
from .plots.training import TITLES as TRAINING_TITLES, TrainingFigure

# width, height in inches; the dashboard is a 16:9 slide
FIGURE_INCHES = {
    "dashboard": (13.33, 7.5),
    "diagram": (10.0, 2.4),
    "hidden_states": (6.4, 4.8),
    "gates": (8.0, 6.4),
    "grad_norms": (6.4, 5.6),
    "loss": (6.4, 3.6),
    "training_loss": (6.4, 3.6),
    "clip_norms": (6.4, 3.6),
    "accuracy": (6.4, 3.6),
    "itemized_gradients": (6.4, 5.6),
}
TITLES = {
    "dashboard": "Dashboard (all plots)",
    "diagram": "Unrolled diagram",
    "hidden_states": "Hidden states",
    "gates": "Gates",
    "grad_norms": "Gradient per timestep",
    "loss": "Loss per iteration",
    "itemized_gradients": "Itemized gradients ||dL_k/dh_t||",
    **TRAINING_TITLES,
}


# one of the dashboard's four views; each is a widget with `refresh(session)`
DashboardView = UnrolledDiagram | StateHeatmaps | GradientPanel | LossPlot


class Dashboard(QtWidgets.QWidget):
    """The diagram above; the state heatmaps left; the gradients and the loss right."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.diagram = UnrolledDiagram()
        self.heatmaps = StateHeatmaps()
        self.gradients = GradientPanel()
        self.gradients.show_choice.hide()
        self.gradients.show_label.hide()
        self.loss = LossPlot()
        grid = QtWidgets.QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(0)
        grid.addWidget(self.diagram, 0, 0, 1, 2)
        grid.addWidget(self.heatmaps, 1, 0, 2, 1)
        grid.addWidget(self.gradients, 1, 1)
        grid.addWidget(self.loss, 2, 1)
        grid.setRowStretch(0, 2)
        grid.setRowStretch(1, 5)
        grid.setRowStretch(2, 2)
        self.views: tuple[DashboardView, ...] = (self.diagram, self.heatmaps, self.gradients, self.loss)

    def refresh(self, session: Session) -> None:
        for view in self.views:
            view.refresh(session)


def build_figure(name: str, steps: Sequence[TrainingStep] = ()) -> QtWidgets.QWidget:
    """An empty figure widget; call `refresh(session)` once it has its size. `steps`: the
    training run a training figure draws."""
    if name in TRAINING_FIGURES:
        return TrainingFigure(name, steps)
    if name == "dashboard":
        return Dashboard()
    if name == "diagram":
        return UnrolledDiagram()
    if name == "hidden_states":
        return StateHeatmaps(keys="states")
    if name == "gates":
        return StateHeatmaps(keys="gates")
    if name == "grad_norms":
        panel = GradientPanel()
        panel.show_choice.hide()  # the figure shows both curves; the choice is for the screen
        panel.show_label.hide()
        return panel
    if name == "loss":
        return LossPlot()
    if name == "itemized_gradients":
        return ItemizedGradients()
    raise ValueError(f"figure: got {name!r}, expected one of {', '.join(FIGURES + TRAINING_FIGURES)}")


def _as_figure(widget: QtWidgets.QWidget) -> None:
    """Screen aids left out: the cursor at the current timestep, and any widget."""
    for view in getattr(widget, "views", (widget,)):
        if hasattr(view, "show_cursor"):
            view.show_cursor = False
        if hasattr(view, "offers_choice"):
            view.offers_choice = False


def laid_out(widget: QtWidgets.QWidget, width: int, height: int, session: Session) -> QtWidgets.QWidget:
    """Give an off-screen figure its size and its data, ready to render, without the
    screen aids (the cursor at the current timestep, the gradient panel's selector)."""
    _as_figure(widget)
    widget.setAttribute(QtCore.Qt.WidgetAttribute.WA_DontShowOnScreen, True)
    widget.resize(width, height)
    widget.show()
    QtWidgets.QApplication.processEvents()
    widget.refresh(session)
    QtWidgets.QApplication.processEvents()
    return widget

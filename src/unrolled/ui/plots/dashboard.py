"""The dashboard: the window's four views in one widget, the plot area's page and the
"dashboard" figure alike."""

from __future__ import annotations

from PySide6 import QtWidgets

from ...session.stepper import Session
from ..theme import THEME, Theme
from .diagram import UnrolledDiagram
from .gradients import GradientPanel
from .heatmaps import StateHeatmaps
from .loss import LossPlot

# one of the dashboard's four views; each is a widget with `refresh(session)`
DashboardView = UnrolledDiagram | StateHeatmaps | GradientPanel | LossPlot


class Dashboard(QtWidgets.QWidget):
    """The diagram above; the state heatmaps left; the gradients and the loss right."""

    def __init__(self, parent=None, theme: Theme | None = None):
        super().__init__(parent)
        theme = THEME if theme is None else theme  # the live window's, unless given one
        self.theme = theme
        self.diagram = UnrolledDiagram(theme=theme)
        self.heatmaps = StateHeatmaps(theme=theme)
        self.gradients = GradientPanel(theme=theme)
        self.gradients.show_choice.hide()
        self.gradients.show_label.hide()
        self.loss = LossPlot(theme=theme)
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

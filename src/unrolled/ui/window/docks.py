"""The main window's side panels as docks: the Model panel (left), and the Training and
Theory panels (right, on tabs of one column when both are open, so the plots keep most of
a projector's 1366 x 768), with their View-menu toggles, and the rebuild of the Training
and Theory plots when the style changes."""

from __future__ import annotations

from collections.abc import Callable

from PySide6 import QtCore, QtGui, QtWidgets

from ...session.stepper import Session
from ..control.actions import describe, make_action
from ..panels.inspector import InspectorPanel
from ..panels.model_panel import ModelPanel
from ..panels.theory_panel import TheoryPanel
from ..panels.training_panel import TrainingPanel
from ..plots.itemized import ItemizedPanel

Area = QtCore.Qt.DockWidgetArea


class PanelDocks:
    """confirm(question) -> yes or no, for the model panel; committed(): a field's value was
    committed, the window takes the keyboard back for stepping."""

    def __init__(self, window: QtWidgets.QMainWindow, session: Session, confirm: Callable[[str], bool],
                 committed: Callable[[], None]):
        self.window, self.session = window, session
        self.model_panel = ModelPanel(session, confirm, committed=committed)
        scroll = QtWidgets.QScrollArea()
        scroll.setWidget(self.model_panel)
        scroll.setWidgetResizable(True)
        scroll.setMinimumWidth(300)
        self.model = self._dock("Model", "model", scroll, Area.LeftDockWidgetArea)
        self.model.setFeatures(
            QtWidgets.QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QtWidgets.QDockWidget.DockWidgetFeature.DockWidgetClosable
        )
        self.training_panel = TrainingPanel(session)
        self.training = self._dock("Training", "training", self.training_panel, Area.RightDockWidgetArea)
        self.training.hide()
        self.theory_panel = TheoryPanel(session)
        self.theory = self._dock("Theory", "theory", self.theory_panel, Area.RightDockWidgetArea)
        self.theory.hide()
        tip = "Eigenvalues of U, rho and sigma_max, and the Jacobian products"
        describe(self.theory.toggleViewAction(), tip)
        # Ctrl+T brings the panel to the front when it is open behind another tab (the View
        # menu's toggle would close it there), and closes it when it is in front
        self.show_theory = make_action(window, "Theory panel", "Ctrl+T", self.toggle_theory, tip)
        # the step inspector and the itemized gradients, hidden until asked for
        self.inspector_panel = InspectorPanel(session)
        self.inspector = self._dock("Step inspector", "inspector", self.inspector_panel, Area.RightDockWidgetArea)
        self.inspector.hide()
        self.itemized_panel = ItemizedPanel(session)
        self.itemized = self._dock("Itemized gradients", "itemized", self.itemized_panel, Area.RightDockWidgetArea)
        self.itemized.hide()
        self.itemized_panel.plot.row_chosen.connect(self.inspector_panel.show_timestep)
        self.right_column = (self.training, self.theory, self.inspector, self.itemized)
        self._fit = QtCore.QTimer(window)  # once the dock layout has settled, not inside its change
        self._fit.setSingleShot(True)
        self._fit.setInterval(0)
        self._fit.timeout.connect(self.fit_right_column)
        for dock in (self.model, *self.right_column):
            dock.visibilityChanged.connect(lambda visible: self._fit.start())

    def _dock(self, title: str, name: str, widget: QtWidgets.QWidget, area: Area) -> QtWidgets.QDockWidget:
        dock = QtWidgets.QDockWidget(title, self.window)
        dock.setObjectName(name)
        dock.setWidget(widget)
        self.window.addDockWidget(area, dock)
        return dock

    @property
    def toggles(self) -> tuple[QtGui.QAction, ...]:
        """The View menu's show / hide actions of the panels."""
        return tuple(dock.toggleViewAction() for dock in (self.model, self.training, self.theory, self.inspector,
                                                          self.itemized))

    def fit_right_column(self) -> None:
        """The right-hand panels (Training, Theory, Step inspector, Itemized gradients) share
        one column of tabs about 30% of the width, leaving the plots the rest, whatever else
        was opened or closed (presentation mode hides the Model)."""
        shown = [dock for dock in self.right_column if not dock.isHidden()]
        for dock in shown[1:]:
            if dock not in self.window.tabifiedDockWidgets(shown[0]):
                self.window.tabifyDockWidget(shown[0], dock)
                dock.raise_()  # the one just opened comes to the front
        if shown:
            width = max(340, min(560, self.window.width() * 3 // 10))
            self.window.resizeDocks(shown[:1], [width], QtCore.Qt.Orientation.Horizontal)
        # the column's tabs keep their whole names ("T..." and "T..." told nobody which was
        # Training in F5) and scroll when they do not fit
        direct = QtCore.Qt.FindChildOption.FindDirectChildrenOnly  # the dock areas' tab bars, not the plots'
        for bar in self.window.findChildren(QtWidgets.QTabBar, options=direct):
            bar.setElideMode(QtCore.Qt.TextElideMode.ElideNone)
            bar.setUsesScrollButtons(True)

    def toggle_theory(self) -> None:
        dock = self.theory
        if dock.isHidden():
            dock.show()
            dock.raise_()
        elif dock.visibleRegion().isEmpty():  # open, behind another panel's tab
            dock.raise_()
        else:
            dock.hide()

    def show_training(self) -> None:
        self.training.show()
        self.training.raise_()  # its tab in front of the Theory panel's

    def restyle(self) -> None:
        """Rebuild the Training, Theory and Itemized gradients plots under the current theme
        (fonts, colours): the training curves, the chosen sequence and row are kept, the
        theory is recomputed."""
        old_training, old_theory, old_itemized = self.training_panel, self.theory_panel, self.itemized_panel
        self.training_panel = TrainingPanel(self.session, trainer=old_training.trainer)
        self.training_panel.iterations.setValue(old_training.iterations.value())
        self.training.setWidget(self.training_panel)
        self.theory_panel = TheoryPanel(self.session)
        self.theory.setWidget(self.theory_panel)
        self.itemized_panel = ItemizedPanel(self.session)
        self.itemized_panel.plot.sequence = old_itemized.plot.sequence
        self.itemized_panel.plot.chosen_k = old_itemized.plot.chosen_k
        self.itemized_panel.plot.row_chosen.connect(self.inspector_panel.show_timestep)
        self.itemized.setWidget(self.itemized_panel)
        for old in (old_training, old_theory, old_itemized):
            old.close()
            old.deleteLater()
        self.model_panel.sample_view.restyle()  # the Model panel is kept: its sample strip follows

    def close(self) -> None:
        self.inspector_panel.close()
        self.itemized_panel.close()
        self.theory_panel.close()
        self.training_panel.runner.stop()
        self.model_panel.close()

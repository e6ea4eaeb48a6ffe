"""The main window's side panels as docks: the Model panel (left), and the Training and
Theory panels (right, on tabs of one column when both are open, so the plots keep most of
a projector's 1366 x 768), with their View-menu toggles, and the rebuild of the Training
and Theory plots when the style changes. Each panel is registered with the window's redraw
throttle, the one path by which a change reaches it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6 import QtCore, QtGui, QtWidgets

from ...session.events import Change
from ...session.stepper import Session
from ..control.actions import describe, make_action
from ..control.redraw import RedrawThrottle
from ..control.training import Training
from ..panels.inspector import InspectorPanel
from ..panels.model_panel import ModelPanel
from ..panels.theory_panel import TheoryPanel
from ..panels.training_panel import TrainingPanel
from ..plots.itemized import ItemizedPanel

Area = QtCore.Qt.DockWidgetArea


class PanelDocks:
    """confirm(question) -> yes or no, for the model panel; committed(): a field's value was
    committed, the window takes the keyboard back for stepping. redraws: the window's
    throttle; training: the window's, which the Training panel shows and starts."""

    def __init__(self, window: QtWidgets.QMainWindow, session: Session, confirm: Callable[[str], bool],
                 committed: Callable[[], None], redraws: RedrawThrottle, training: Training):
        self.window, self.session = window, session
        self.redraws, self.training_control = redraws, training
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
        self.training_panel = self._training_panel()
        self.training = self._dock("Training", "training", self.training_panel, Area.RightDockWidgetArea)
        self.training.hide()
        self.theory_panel = self._theory_panel()
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
        inspector_panel, itemized_panel = self.inspector_panel, self.itemized_panel
        redraws.register(inspector_panel, lambda change: inspector_panel.refresh())
        redraws.register(itemized_panel, lambda change: itemized_panel.refresh())
        self._register_training_and_theory()
        training.progress.connect(self._on_training_progress)
        training.finished.connect(self._on_training_finished)
        self.right_column = (self.training, self.theory, self.inspector, self.itemized)
        self._fit = QtCore.QTimer(window)  # once the dock layout has settled, not inside its change
        self._fit.setSingleShot(True)
        self._fit.setInterval(0)
        self._fit.timeout.connect(self.fit_right_column)
        for dock in (self.model, *self.right_column):
            dock.visibilityChanged.connect(lambda visible: self._fit.start())

    def _training_panel(self, iterations: int | None = None) -> TrainingPanel:
        training = self.training_control
        panel = TrainingPanel(self.session, trainer=training.trainer, start=training.start, stop=training.stop,
                              busy=lambda: training.busy)
        if iterations is not None:
            panel.iterations.setValue(iterations)
        return panel

    def _theory_panel(self) -> TheoryPanel:
        panel = TheoryPanel(self.session)
        redraws = self.redraws
        # a computation asked for while the worker was busy, or too soon after the last:
        # the panel asks the throttle again, which starts it once the panel is seen
        panel.ask_again = lambda: redraws.invalidate(panel, Change.PARAMS)
        return panel

    def _register_training_and_theory(self) -> None:
        """The Training panel redraws its curves as a run grows them (`_on_training_progress`)
        and starts afresh with a new model; the Theory panel asks its worker for the spectrum
        when the weights change."""
        training, theory = self.training_panel, self.theory_panel
        self.redraws.register(training, training.catch_up, cares=Change.REBUILT, drawn=True)  # drawn as built
        self.redraws.register(theory, lambda change: theory.recompute(), cares=Change.PARAMS | Change.REBUILT)

    def _on_training_progress(self, done: int, total: int, rate: float, left: float) -> None:
        self.training_panel.show_progress(done, total, rate, left)
        self.redraws.invalidate(self.training_panel, Change.HISTORY)

    def _on_training_finished(self, message: str) -> None:
        self.training_panel.show_finished(message)
        self.redraws.invalidate(self.training_panel, Change.HISTORY)

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
        for old in (old_training, old_theory, old_itemized):
            self.redraws.unregister(old)
        self.training_panel = self._training_panel(old_training.iterations.value())
        self.training.setWidget(self.training_panel)
        self.theory_panel = self._theory_panel()
        self.theory.setWidget(self.theory_panel)
        self.itemized_panel = itemized = ItemizedPanel(self.session)
        itemized.plot.sequence = old_itemized.plot.sequence
        itemized.plot.chosen_k = old_itemized.plot.chosen_k
        itemized.plot.row_chosen.connect(self.inspector_panel.show_timestep)
        self.itemized.setWidget(itemized)
        self.redraws.register(itemized, lambda change: itemized.refresh())
        self._register_training_and_theory()
        for old in (old_training, old_theory, old_itemized):
            old.close()
            old.deleteLater()
        self.model_panel.sample_view.restyle()  # the Model panel is kept: its sample strip follows

    def close(self) -> None:
        for panel in (self.inspector_panel, self.itemized_panel, self.theory_panel, self.training_panel):
            self.redraws.unregister(panel)
        self.training_control.progress.disconnect(self._on_training_progress)
        self.training_control.finished.disconnect(self._on_training_finished)
        self.inspector_panel.close()
        self.itemized_panel.close()
        self.theory_panel.close()
        self.training_control.stop()
        self.model_panel.close()

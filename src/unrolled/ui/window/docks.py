"""The main window's side panels as docks: the Model panel (left), and the Training and
Theory panels (right, on tabs of one column when both are open, so the plots keep most of
a projector's 1366 x 768), with their View-menu toggles, and the rebuild of the Training
and Theory plots when the style changes. Each panel is registered with the window's redraw
throttle, the one path by which a change reaches it."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import cast

from PySide6 import QtCore, QtGui, QtWidgets

from ...session.events import Change
from ...session.stepper import Session
from ..control.actions import describe, make_action
from ..control.redraw import RedrawThrottle
from ..control.training import Training
from ..panels.inspector import InspectorPanel
from ..panels.itemized_panel import ItemizedPanel
from ..panels.model_panel import ModelPanel
from ..panels.text_panel import TextPanel
from ..panels.theory_panel import TheoryPanel
from ..panels.training_panel import TrainingPanel
from ..plots.text_colours import why_no_text

Area = QtCore.Qt.DockWidgetArea


TEXT_TIP = "The sample as text, coloured by which inputs each prediction used or by one unit's activation"


class PanelDocks:
    """confirm(question) -> yes or no, for the model panel; committed(): a field's value was
    committed, the window takes the keyboard back for stepping. redraws: the window's
    throttle; training: the window's, which the Training panel shows and starts.

    The right-hand panels start hidden, so each is built when first shown or first asked
    for (`training_panel`, `theory_panel`, ...): the first window paints without them."""

    def __init__(self, window: QtWidgets.QMainWindow, session: Session, confirm: Callable[[str], bool],
                 committed: Callable[[], None], redraws: RedrawThrottle, training: Training):
        self.window, self.session = window, session
        self.redraws, self.training_control = redraws, training
        self.model_panel = ModelPanel(session, confirm, committed=committed)
        redraws.register(self.model_panel, self.model_panel.redraw, cares=ModelPanel.CARES, drawn=True)
        sample = self.model_panel.sample_view
        redraws.register(sample, sample.redraw, drawn=True)
        scroll = QtWidgets.QScrollArea()
        scroll.setWidget(self.model_panel)
        scroll.setWidgetResizable(True)
        scroll.setMinimumWidth(300)
        self.model = self._dock("Model", "model", scroll, Area.LeftDockWidgetArea)
        self.model.setFeatures(
            QtWidgets.QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QtWidgets.QDockWidget.DockWidgetFeature.DockWidgetClosable
        )
        self._panels: dict[str, QtWidgets.QWidget] = {}
        self._builders: dict[str, Callable[[], QtWidgets.QWidget]] = {
            "training": self._training_panel, "theory": self._theory_panel,
            "inspector": self._inspector_panel, "itemized": self._itemized_panel, "text": self._text_panel,
        }
        self.training = self._dock("Training", "training", None, Area.RightDockWidgetArea)
        self.theory = self._dock("Theory", "theory", None, Area.RightDockWidgetArea)
        tip = "Eigenvalues of U, rho and sigma_max, and the Jacobian products"
        describe(self.theory.toggleViewAction(), tip)
        # Ctrl+T brings the panel to the front when it is open behind another tab (the View
        # menu's toggle would close it there), and closes it when it is in front
        self.show_theory = make_action(window, "Theory panel", "Ctrl+T", self.toggle_theory, tip)
        # the step inspector and the itemized gradients, hidden until asked for
        self.inspector = self._dock("Step inspector", "inspector", None, Area.RightDockWidgetArea)
        self.itemized = self._dock("Itemized gradients", "itemized", None, Area.RightDockWidgetArea)
        # the sample as text, coloured by connectivity or by a unit (a char-lm's characters)
        self.text = self._dock("Text", "text", None, Area.RightDockWidgetArea)
        describe(self.text.toggleViewAction(), TEXT_TIP)
        training.progress.connect(self._on_training_progress)
        training.finished.connect(self._on_training_finished)
        self.right_column = (self.training, self.theory, self.inspector, self.itemized, self.text)
        for dock in self.right_column:
            dock.hide()
            dock.visibilityChanged.connect(partial(self._on_visible, dock.objectName()))
        self._fit = QtCore.QTimer(window)  # once the dock layout has settled, not inside its change
        self._fit.setSingleShot(True)
        self._fit.setInterval(0)
        self._fit.timeout.connect(self.fit_right_column)
        for dock in (self.model, *self.right_column):
            dock.visibilityChanged.connect(lambda visible: self._fit.start())
        self.text.visibilityChanged.connect(lambda visible: self.offer_text())  # closed: greyed if no text

    @property
    def training_panel(self) -> TrainingPanel:
        return cast(TrainingPanel, self._panel("training"))

    @property
    def theory_panel(self) -> TheoryPanel:
        return cast(TheoryPanel, self._panel("theory"))

    @property
    def inspector_panel(self) -> InspectorPanel:
        return cast(InspectorPanel, self._panel("inspector"))

    @property
    def itemized_panel(self) -> ItemizedPanel:
        return cast(ItemizedPanel, self._panel("itemized"))

    @property
    def text_panel(self) -> TextPanel:
        return cast(TextPanel, self._panel("text"))

    def _on_visible(self, name: str, visible: bool) -> None:
        if visible:
            self._panel(name)

    def _panel(self, name: str) -> QtWidgets.QWidget:
        """The panel of dock `name`, built, put in its dock and registered the first time."""
        panel = self._panels.get(name)
        if panel is None:
            panel = self._panels[name] = self._builders[name]()
            dock = {d.objectName(): d for d in self.right_column}[name]
            dock.setWidget(panel)
        return panel

    def _training_panel(self, iterations: int | None = None) -> TrainingPanel:
        training = self.training_control
        panel = TrainingPanel(self.session, trainer=training.trainer, start=training.start, stop=training.stop,
                              busy=lambda: training.busy)
        if iterations is not None:
            panel.iterations.setValue(iterations)
        # redraws its curves as a run grows them (`_on_training_progress`) and starts afresh
        # with a new model
        self.redraws.register(panel, panel.catch_up, cares=Change.REBUILT, drawn=True)  # drawn as built
        return panel

    def _theory_panel(self) -> TheoryPanel:
        panel = TheoryPanel(self.session)
        redraws = self.redraws
        # a computation asked for while the worker was busy, or too soon after the last:
        # the panel asks the throttle again, which starts it once the panel is seen
        panel.ask_again = lambda: redraws.invalidate(panel, Change.PARAMS)
        # asks its worker for the spectrum when the weights change
        redraws.register(panel, lambda change: panel.recompute(), cares=Change.PARAMS | Change.REBUILT)
        return panel

    def _inspector_panel(self) -> InspectorPanel:
        panel = InspectorPanel(self.session)
        self.redraws.register(panel, lambda change: panel.refresh())
        return panel

    def _itemized_panel(self) -> ItemizedPanel:
        panel = ItemizedPanel(self.session)
        # a row chosen opens that timestep in the inspector (built then if it is not yet), in
        # the top layer's forward direction: the loss term k reads the top layer
        panel.plot.row_chosen.connect(lambda t: self.inspector_panel.show_timestep(t, self.session.net.layers - 1, 0))
        self.redraws.register(panel, lambda change: panel.refresh())
        return panel

    def _text_panel(self) -> TextPanel:
        training = self.training_control
        panel = TextPanel(self.session, busy=lambda: training.busy)
        self.redraws.register(panel, panel.refresh)  # the sample, the forward pass and the weights colour it
        return panel

    def offer_text(self) -> None:
        """The View menu offers the Text panel while the task's inputs read as text; for
        another task its entry is greyed and says why (still there to close an open panel,
        which says so too)."""
        reason = why_no_text(self.session)
        toggle = self.text.toggleViewAction()
        toggle.setEnabled(reason is None or not self.text.isHidden())
        toggle.setToolTip(reason or TEXT_TIP)

    def show_text(self) -> None:
        self.text.show()
        self.text.raise_()

    def _on_training_progress(self, done: int, total: int, rate: float, left: float) -> None:
        self.training_panel.show_progress(done, total, rate, left)
        self.redraws.invalidate(self.training_panel, Change.HISTORY)

    def _on_training_finished(self, message: str) -> None:
        self.training_panel.show_finished(message)
        self.redraws.invalidate(self.training_panel, Change.HISTORY)
        if "text" in self._panels:  # its connectivity waited for the run's end
            self.redraws.invalidate(self._panels["text"], Change.PARAMS)

    def _dock(self, title: str, name: str, widget: QtWidgets.QWidget | None, area: Area) -> QtWidgets.QDockWidget:
        dock = QtWidgets.QDockWidget(title, self.window)
        dock.setObjectName(name)
        if widget is not None:
            dock.setWidget(widget)
        self.window.addDockWidget(area, dock)
        return dock

    @property
    def toggles(self) -> tuple[QtGui.QAction, ...]:
        """The View menu's show / hide actions of the panels."""
        return tuple(dock.toggleViewAction() for dock in (self.model, self.training, self.theory, self.inspector,
                                                          self.itemized, self.text))

    def fit_right_column(self) -> None:
        """The right-hand panels (Training, Theory, Step inspector, Itemized gradients, Text) share
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
        # the column's tabs keep their whole names (elided, Training and Theory both read
        # "T...") and scroll when they do not fit
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
        (fonts, colours), those built so far (the others are built under it when shown): the
        training curves, the chosen sequence and row are kept, the theory is recomputed."""
        old = {name: self._panels.pop(name) for name in ("training", "theory", "itemized", "text")
               if name in self._panels}
        for panel in old.values():
            self.redraws.unregister(panel)
        if "training" in old:
            iterations = cast(TrainingPanel, old["training"]).iterations.value()
            self._panels["training"] = self._training_panel(iterations)
            self.training.setWidget(self._panels["training"])
        if "theory" in old:
            self._panels["theory"] = self._theory_panel()
            self.theory.setWidget(self._panels["theory"])
        if "itemized" in old:
            itemized = self._itemized_panel()
            itemized.plot.sequence = cast(ItemizedPanel, old["itemized"]).plot.sequence
            itemized.plot.chosen_k = cast(ItemizedPanel, old["itemized"]).plot.chosen_k
            self._panels["itemized"] = itemized
            self.itemized.setWidget(itemized)
        if "text" in old:
            text = self._text_panel()
            text.take_choices(cast(TextPanel, old["text"]))  # the colouring, k and unit chosen
            self._panels["text"] = text
            self.text.setWidget(text)
        for panel in old.values():
            panel.close()
            panel.deleteLater()
        self.model_panel.sample_view.restyle()  # the Model panel is kept: its sample strip follows

    def close(self) -> None:
        for panel in (*self._panels.values(), self.model_panel, self.model_panel.sample_view):
            self.redraws.unregister(panel)
        self.training_control.progress.disconnect(self._on_training_progress)
        self.training_control.finished.disconnect(self._on_training_finished)
        for name in ("inspector", "itemized", "theory", "text"):
            if name in self._panels:
                self._panels[name].close()
        self.training_control.stop()
        self.model_panel.close()

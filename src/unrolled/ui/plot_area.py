"""The plot area: the dashboard's four views (the unrolled diagram above, the heatmaps of
the hidden states and gates left, the gradient per timestep and the loss right), each in a
slot of its own inside splitters the lecturer can drag, with the figure menus on right
click and, for a batch, the choice of the sequence the heatmaps show."""

from __future__ import annotations

from collections.abc import Callable

from PySide6 import QtCore, QtWidgets

from ..session.stepper import Session
from .figures import Dashboard

SLOTS = ("diagram", "heatmaps", "gradients", "loss")
# the figures (session.tables.FIGURES) each slot's right-click menu offers
SLOT_FIGURES = {"diagram": ("diagram",), "heatmaps": ("hidden_states", "gates"),
                "gradients": ("grad_norms",), "loss": ("loss",)}


class PlotArea(QtWidgets.QWidget):
    """figure_menu(names) -> the right-click menu for those figures; sequence_chosen(i)
    tells the window which sequence of the batch (from 0) is shown."""

    def __init__(self, session: Session, figure_menu: Callable[[tuple[str, ...]], QtWidgets.QMenu],
                 sequence_chosen: Callable[[int], None] = lambda i: None, parent=None):
        super().__init__(parent)
        self.session = session
        self.figure_menu = figure_menu
        self._sequence_chosen = sequence_chosen
        # each view sits in a slot of its own, so presentation mode and the colour scheme
        # can rebuild it with other fonts and colours without touching the layout
        self.slots = {name: QtWidgets.QWidget() for name in SLOTS}
        self._slot_layouts = {name: QtWidgets.QVBoxLayout(slot) for name, slot in self.slots.items()}
        for box in self._slot_layouts.values():
            box.setContentsMargins(0, 0, 0, 0)
        self._build_sequence_row()
        right = QtWidgets.QSplitter(QtCore.Qt.Orientation.Vertical)
        right.addWidget(self.slots["gradients"])
        right.addWidget(self.slots["loss"])
        right.setStretchFactor(0, 3)
        right.setStretchFactor(1, 1)
        plots = QtWidgets.QSplitter(QtCore.Qt.Orientation.Horizontal)
        plots.addWidget(self.slots["heatmaps"])
        plots.addWidget(right)
        plots.setStretchFactor(0, 1)
        plots.setStretchFactor(1, 1)
        main = QtWidgets.QSplitter(QtCore.Qt.Orientation.Vertical)
        main.addWidget(self.slots["diagram"])
        main.addWidget(plots)
        main.setStretchFactor(0, 0)
        main.setStretchFactor(1, 1)
        main.setSizes([190, 700])
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(main)
        self.setFocusPolicy(QtCore.Qt.FocusPolicy.ClickFocus)  # holds the keyboard when the diagram is hidden
        self.dashboard: Dashboard | None = None
        self._stale: set[str] = set()  # hidden views that missed a refresh
        self.install_views()

    def _build_sequence_row(self) -> None:
        """With a batch of B > 1 sequences, the heatmaps show the one chosen here."""
        self.sequence_row = QtWidgets.QWidget()
        row = QtWidgets.QHBoxLayout(self.sequence_row)
        row.setContentsMargins(4, 0, 4, 0)
        self.sequence_box = QtWidgets.QSpinBox()
        self.sequence_box.setMinimum(1)
        self.sequence_box.setToolTip("Which sequence of the batch the heatmaps show")
        self.sequence_of = QtWidgets.QLabel()
        row.addWidget(QtWidgets.QLabel("Sequence"))
        row.addWidget(self.sequence_box)
        row.addWidget(self.sequence_of)
        row.addStretch(1)
        self._slot_layouts["heatmaps"].addWidget(self.sequence_row)
        self.sequence_box.valueChanged.connect(self._on_sequence_chosen)

    # -- the views ----------------------------------------------------------------------
    def install_views(self) -> None:
        """Build the four views under the current theme and put them in their slots: the
        exported dashboard's own views, moved out of its fixed grid into the splitters."""
        if self.dashboard is not None:
            for view in self.dashboard.views:
                view.setParent(None)
                view.deleteLater()
            self.dashboard.deleteLater()
        self.dashboard = dashboard = Dashboard(self)
        dashboard.hide()  # an empty shell once its views are in the slots
        dashboard.gradients.show_label.show()  # the choice of curves is for the screen
        dashboard.gradients.show_choice.show()
        for name, view in zip(SLOTS, dashboard.views, strict=True):
            self._slot_layouts[name].addWidget(view)
            view.show()  # now, not at the next event-loop turn: it can take the keyboard at once
            self._install_context_menu(view, SLOT_FIGURES[name])
        dashboard.heatmaps.sequence = self.sequence_box.value() - 1

    @property
    def views(self) -> tuple[QtWidgets.QWidget, ...]:
        return self.dashboard.views if self.dashboard is not None else ()

    def _install_context_menu(self, view: QtWidgets.QWidget, names: tuple[str, ...]) -> None:
        for target in [view, *view.findChildren(QtWidgets.QGraphicsView)]:
            target.setContextMenuPolicy(QtCore.Qt.ContextMenuPolicy.CustomContextMenu)
            target.customContextMenuRequested.connect(
                lambda pos, t=target, n=names: self._show_figure_menu(t.mapToGlobal(pos), n)
            )

    def _show_figure_menu(self, where: QtCore.QPoint, names: tuple[str, ...]) -> None:
        self.figure_menu(names).popup(where)

    def focus_home(self) -> None:
        """Give the keyboard to the plots: the diagram, or the area when the diagram is hidden."""
        if self.dashboard is not None and not self.slots["diagram"].isHidden():
            self.dashboard.diagram.setFocus()
        else:
            self.setFocus()

    # -- model -> view ------------------------------------------------------------------
    def refresh(self) -> None:
        assert self.dashboard is not None
        batch = self.session.config.batch_size
        self.sequence_row.setVisible(batch > 1)
        if self.sequence_box.maximum() != batch:
            self.sequence_box.setMaximum(batch)
            self.sequence_of.setText(f"of {batch}")
        for name, view in zip(SLOTS, self.dashboard.views, strict=True):
            if self.slots[name].isHidden():
                self._stale.add(name)  # a hidden view computes nothing; it catches up when shown
            else:
                self._stale.discard(name)
                view.refresh(self.session)

    def show_slot(self, name: str, on: bool) -> None:
        """Show or hide one view (View menu); a view shown again catches up at once."""
        self.slots[name].setVisible(on)
        if on and name in self._stale and self.dashboard is not None:
            self._stale.discard(name)
            self.dashboard.views[SLOTS.index(name)].refresh(self.session)

    def _on_sequence_chosen(self, number: int) -> None:
        assert self.dashboard is not None
        self.dashboard.heatmaps.sequence = number - 1
        self.dashboard.heatmaps.refresh(self.session)
        self._sequence_chosen(number - 1)

"""The plot area: the dashboard's four views (the unrolled diagram above, the heatmaps of
the hidden states and gates left, the gradient per timestep and the loss right), each in a
slot of its own inside splitters the lecturer can drag, with the figure menus on right
click and, for a batch, the choice of the sequence the heatmaps show. In a lesson, the
view a stop frames takes the area (`frame`)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PySide6 import QtCore, QtWidgets

from ...session.figure_registry import VIEWS, view_figures
from ...session.stepper import Session
from .. import theme
from ..plots.dashboard import Dashboard, DashboardView
from .framed_view import (
    DIAGRAM_HEIGHT,
    STAGE_SPACING,
    fit_diagram_slot,
    framed_gradient_chrome,
    heatmap_columns_width,
    keep_framed_data,
    split_heights,
    unscaled_font,
)
from .view_choices import ViewChoices

SLOTS = VIEWS  # the dashboard's views, in its order
GRADIENT_SHARE = 3 / 5  # of the height under the diagram, beside the heatmaps: the loss has the rest
TABS = (("Unrolled and gradient", ("diagram", "gradients")), ("Hidden states and gates", ("heatmaps",)),
        ("Loss", ("loss",)))
DIAGRAM_MIN_HEIGHT = 140
# below this (at the theme's scale: presentation mode's fonts take more of it) the split
# layout cannot give every plot 150 px and a readable data area (three rows of gate
# heatmaps, the two gradient plots over the loss): the plots go on tabs
SPLIT_MIN = QtCore.QSize(1000, 700)
# in a lesson, the views a stop does not frame wait on tabs down the left side, which take
# width, not the height the framed view needs
STAGE_TABS = (("gradients", "Gradient"), ("heatmaps", "Heatmaps"), ("loss", "Loss"))
# the diagram's and the tabs' shares of the height when a stop frames the diagram (its cells)
FRAMED_DIAGRAM_STRETCH = (1, 1)


class PlotArea(QtWidgets.QWidget):
    """figure_menu(names) -> the right-click menu for those figures; sequence_chosen(i)
    tells the window which sequence of the batch (from 0) is shown."""

    def __init__(self, session: Session, figure_menu: Callable[[tuple[str, ...]], QtWidgets.QMenu],
                 sequence_chosen: Callable[[int], None] = lambda i: None,
                 timestep_chosen: Callable[[int, int, int], None] = lambda t, layer, direction: None, parent=None):
        super().__init__(parent)
        self.session = session
        self.figure_menu = figure_menu
        self._sequence_chosen = sequence_chosen
        self._timestep_chosen = timestep_chosen  # a click on a heatmap column or the diagram
        # each view sits in a slot of its own, so presentation mode and the colour scheme
        # can rebuild it with other fonts and colours without touching the layout
        self.slots = {name: QtWidgets.QWidget() for name in SLOTS}
        self._slot_layouts = {name: QtWidgets.QVBoxLayout(slot) for name, slot in self.slots.items()}
        for box in self._slot_layouts.values():
            box.setContentsMargins(0, 0, 0, 0)
        self._build_sequence_row()
        self._stack = QtWidgets.QStackedLayout(self)
        self._build_split_layout()
        self._build_tabbed_layout()
        self._build_stage_layout()
        self.tabbed = False
        self.framed: str | None = None  # the view a lesson's stop frames: it takes the area
        self.dashboard: Dashboard | None = None
        self._place_slots()
        self.setFocusPolicy(QtCore.Qt.FocusPolicy.ClickFocus)  # holds the keyboard when the diagram is hidden
        self._stale: set[str] = set()  # hidden views that missed a refresh
        self._stacked = (session.net.layers, session.net.directions)  # the diagram's rows
        self.install_views()

    # -- two layouts: splitters when there is room, tabs when there is not ---------------
    def _build_split_layout(self) -> None:
        """The diagram above; the heatmaps left; the gradients over the loss right."""
        self._right = QtWidgets.QSplitter(QtCore.Qt.Orientation.Vertical)
        self._plots = QtWidgets.QSplitter(QtCore.Qt.Orientation.Horizontal)
        self._main = QtWidgets.QSplitter(QtCore.Qt.Orientation.Vertical)
        self._plots.addWidget(self._right)  # the heatmaps go left of it (_place_slots)
        self._main.addWidget(self._plots)  # the diagram goes above it
        self._main.setStretchFactor(0, 0)
        self._main.setStretchFactor(1, 1)
        self._stack.addWidget(self._main)

    def _build_tabbed_layout(self) -> None:
        """On a small screen or beside open panels: the diagram over the gradients, the
        heatmaps, and the loss, each on a tab of its own with the whole area's height."""
        self._tabs = QtWidgets.QTabWidget()
        self._tab_pages = {}
        for title, names in TABS:
            page = QtWidgets.QSplitter(QtCore.Qt.Orientation.Vertical)
            self._tab_pages[names] = page
            self._tabs.addTab(page, title)
        self._tabs.currentChanged.connect(lambda _: self._catch_up())
        self._tabs.setFocusPolicy(QtCore.Qt.FocusPolicy.NoFocus)  # the arrows step; they do not switch tabs
        self._stack.addWidget(self._tabs)

    def _build_stage_layout(self) -> None:
        """In a lesson: the diagram above (folded to its strip unless it is the view framed),
        below it the framed view, the others on tabs at the left side."""
        self._stage = QtWidgets.QWidget()
        self._stage_box = QtWidgets.QVBoxLayout(self._stage)
        self._stage_box.setContentsMargins(0, 0, 0, 0)
        self._stage_box.setSpacing(STAGE_SPACING)
        self._stage_tabs = QtWidgets.QTabWidget()
        self._stage_tabs.setTabPosition(QtWidgets.QTabWidget.TabPosition.West)
        self._stage_tabs.setDocumentMode(True)  # no frame around the page: its pixels go to the plot
        self._stage_pages: dict[str, QtWidgets.QWidget] = {}
        self._stage_boxes: dict[str, QtWidgets.QVBoxLayout] = {}
        for name, title in STAGE_TABS:
            page = QtWidgets.QWidget()
            self._stage_boxes[name] = box = QtWidgets.QVBoxLayout(page)
            box.setContentsMargins(0, 0, 0, 0)
            self._stage_pages[name] = page
            self._stage_tabs.addTab(page, title)
        self._stage_tabs.setTabToolTip(1, "The hidden states and, for the LSTM and GRU, the gates")
        self._stage_tabs.currentChanged.connect(lambda _: self._catch_up())
        self._stage_tabs.setFocusPolicy(QtCore.Qt.FocusPolicy.NoFocus)
        self._stage_box.addWidget(self._stage_tabs, 1)
        self._stack.addWidget(self._stage)

    def frame(self, name: str | None) -> None:
        """A lesson's stop frames the view `name`: it takes the area, the diagram folds to
        its strip above it and the other views wait on tabs; None gives the dashboard back."""
        if name == self.framed:
            if name is not None:
                self.bring_forward("heatmaps" if name == "diagram" else name)
            return
        self.framed = name
        if name is None:  # the split or tabbed layout, as the size asks
            self._choose_layout(self.size(), force=True)
        else:
            self._place_slots()
            # under a framed diagram, the hidden states its cells compute
            self.bring_forward("heatmaps" if name == "diagram" else name)
        self._keep_framed_data()
        self._catch_up()

    def _place_slots(self) -> None:
        """Put the slots into the layout for the current mode. A plot that had the keyboard
        keeps it: moving a widget to another page hands Qt's focus to the next widget in the
        chain (the toolbar's speed box), where the one-letter keys no longer act."""
        focus = QtWidgets.QApplication.focusWidget()
        had_focus = focus if focus is not None and self.isAncestorOf(focus) else None
        self._move_slots()
        if had_focus is not None and had_focus.isVisible() and QtWidgets.QApplication.focusWidget() is not had_focus:
            had_focus.setFocus()

    def _move_slots(self) -> None:
        folded = self.framed is not None and self.framed != "diagram"
        if self.dashboard is not None and self.dashboard.diagram.folded != folded:
            self.dashboard.diagram.set_folded(folded)
            self._fit_diagram_slot()
        if self.framed is not None:
            if self._stage_box.indexOf(self.slots["diagram"]) < 0:
                self._stage_box.insertWidget(0, self.slots["diagram"])
            self._stage_box.setStretch(0, FRAMED_DIAGRAM_STRETCH[0] if not folded else 0)
            self._stage_box.setStretch(1, FRAMED_DIAGRAM_STRETCH[1] if not folded else 1)
            for name, box in self._stage_boxes.items():
                if box.indexOf(self.slots[name]) < 0:
                    box.addWidget(self.slots[name])
            self._stack.setCurrentWidget(self._stage)
        elif self.tabbed:
            for names, page in self._tab_pages.items():
                for name in names:
                    page.addWidget(self.slots[name])
            self._stack.setCurrentWidget(self._tabs)
        else:
            self._main.insertWidget(0, self.slots["diagram"])
            self._plots.insertWidget(0, self.slots["heatmaps"])
            self._right.addWidget(self.slots["gradients"])
            self._right.addWidget(self.slots["loss"])
            self._stack.setCurrentWidget(self._main)
        self._sizes_pending = True  # applied once the splitters have their real size

    def _fit_diagram_slot(self) -> None:
        assert self.dashboard is not None
        fit_diagram_slot(self.dashboard, self.slots["diagram"], DIAGRAM_MIN_HEIGHT)

    def _apply_sizes(self, again: bool = True) -> None:
        if self.framed is not None:  # the stage's layout sizes itself
            self._sizes_pending = False
            return
        assert self.dashboard is not None
        self.dashboard.diagram.refresh(self.session)  # what it draws (a grid?) decides its height
        page = self._tab_pages[TABS[0][1]]  # the diagram over the gradients
        below = (page.height(), 1.0) if self.tabbed else (self._main.height(), GRADIENT_SHARE)
        top, panel = split_heights(self.dashboard, self.height(), self.slots["diagram"].minimumHeight(), below)
        if self.tabbed:
            page.setSizes([top, max(self.height() - top, top)])
        else:
            width, height = self._main.width(), self._main.height()
            self._main.setSizes([top, max(height - top, top)])
            self._plots.setSizes([width * 3 // 5, width - width * 3 // 5])  # two columns of heatmaps, then the rest
            if panel is None:
                below_px = max(height - DIAGRAM_HEIGHT, 2 * DIAGRAM_HEIGHT)
                gradients = round(below_px * GRADIENT_SHARE)  # the loss keeps a readable height
                self._right.setSizes([gradients, below_px - gradients])
            else:  # room for the depth-time picture under the curves: the loss has the rest
                below_px = height - top - self._main.handleWidth()
                self._right.setSizes([panel, below_px - self._right.handleWidth() - panel])
        self._sizes_pending = False
        if again and self.dashboard.diagram.is_grid():  # laid out at its new width, the gradient legend may need
            QtCore.QTimer.singleShot(60, self, partial(self._apply_sizes, False))  # more rows: sized again once

    def _size_again(self) -> None:
        """The splitters sized for another grid of layers, or the depth-time picture's height."""
        self._sizes_pending = True
        if self.isVisible():
            QtCore.QTimer.singleShot(0, self._apply_sizes)

    def showEvent(self, event) -> None:
        """Sizes asked for while hidden are applied once shown: a window that is not resized
        after it is shown (no window manager, or one that keeps the size asked) would keep
        the splitters' first sizes, a grid of layers squeezed into one row's height."""
        super().showEvent(event)
        if self._sizes_pending:
            QtCore.QTimer.singleShot(0, self._apply_sizes)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._keep_framed_data()
        if event.oldSize().height() != event.size().height() and self.dashboard is not None:
            # a grid's height is a share of the area's (and gives way to the depth-time picture):
            # the splitters would keep the old pixels, a full screen's room left to the grid
            self._sizes_pending |= self.dashboard.diagram.is_grid()
        self._choose_layout(event.size())

    def _keep_framed_data(self) -> None:
        if self.dashboard is not None:
            stage_width = self._stage_tabs.width() - self._stage_tabs.tabBar().width()
            keep_framed_data(self.dashboard, self.framed, self.window().height(), stage_width)

    def framed_gradient_chrome(self, show_row: bool) -> float:
        """See `framed_view.framed_gradient_chrome`."""
        assert self.dashboard is not None
        return framed_gradient_chrome(self.dashboard, show_row)

    def _choose_layout(self, size: QtCore.QSize, force: bool = False) -> None:
        """Splitters or tabs for this size at the theme's scale (a lesson's stage whatever
        the size)."""
        if self.framed is not None:
            return
        split_min = SPLIT_MIN * theme.THEME.scale
        # with hysteresis, so a size near the limit does not flip back and forth
        if self.tabbed:
            wanted = not (size.width() >= split_min.width() + 40 and size.height() >= split_min.height() + 40)
        else:
            wanted = size.width() < split_min.width() or size.height() < split_min.height()
        if wanted != self.tabbed or force:
            self.tabbed = wanted
            self._place_slots()
            self._catch_up()
        if self._sizes_pending and self.isVisible():
            QtCore.QTimer.singleShot(0, self._apply_sizes)  # after the layouts have resized the splitters

    def _keep_heatmap_columns(self) -> None:
        assert self.dashboard is not None
        width = heatmap_columns_width(self.dashboard)
        if self.slots["heatmaps"].minimumWidth() != width:
            self.slots["heatmaps"].setMinimumWidth(width)

    def bring_forward(self, name: str) -> None:
        """Make a view visible: on tabs, its tab becomes the current one."""
        if self.framed is not None:
            if name in self._stage_pages:
                self._stage_tabs.setCurrentWidget(self._stage_pages[name])
        elif self.tabbed:
            for index, (names, _) in enumerate(self._tab_pages.items()):
                if name in names:
                    self._tabs.setCurrentIndex(index)

    def _shown(self, name: str) -> bool:
        """Whether a view can be seen: not switched off, and on the current tab."""
        if self.slots[name].isHidden():
            return False
        if self.framed is not None:
            return name not in self._stage_pages or self._stage_tabs.currentWidget() is self._stage_pages[name]
        if self.tabbed:
            current = self._tabs.currentWidget()
            return any(page is current for names, page in self._tab_pages.items() if name in names)
        return True

    def _catch_up(self) -> None:
        """Views that missed refreshes while they could not be seen are brought up to date."""
        if self.dashboard is None:
            return
        for name, view in zip(SLOTS, self.dashboard.views, strict=True):
            if name in self._stale and self._shown(name):
                self._refresh_view(name, view)

    def _refresh_view(self, name: str, view: DashboardView) -> None:
        self._stale.discard(name)
        view.refresh(self.session)
        if name == "heatmaps":
            self._keep_heatmap_columns()

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
        kept = None
        if self.dashboard is not None:  # the lecturer's choices survive a change of style
            kept = ViewChoices.of(self.dashboard)
            for view in self.dashboard.views:
                view.setParent(None)
                view.deleteLater()
            self.dashboard.deleteLater()
        self.dashboard = dashboard = Dashboard(self, theme=theme.THEME)
        dashboard.hide()  # an empty shell once its views are in the slots
        dashboard.gradients.show_label.show()  # the choice of curves is for the screen
        dashboard.gradients.show_choice.show()
        if kept is not None:
            kept.restore(dashboard)
        dashboard.heatmaps.shared_time_axis = True  # rows of panels keep their height for the data
        for name, view in zip(SLOTS, dashboard.views, strict=True):
            self._slot_layouts[name].addWidget(view)
            view.show()  # now, not at the next event-loop turn: it can take the keyboard at once
            self._install_context_menu(view, view_figures(name))
        dashboard.heatmaps.sequence = self.sequence_box.value() - 1
        self._stage_tabs.tabBar().setFont(unscaled_font())
        dashboard.heatmaps.timestep_chosen.connect(self._timestep_chosen)
        dashboard.diagram.timestep_chosen.connect(self._timestep_chosen)
        dashboard.gradients.picture_room_changed.connect(self._size_again)
        dashboard.diagram.set_folded(self.framed is not None and self.framed != "diagram")
        self._fit_diagram_slot()
        self._keep_framed_data()
        self._sizes_pending = True
        self._choose_layout(self.size())  # presentation mode's fonts may need the tabs

    @property
    def views(self) -> tuple[QtWidgets.QWidget, ...]:
        return self.dashboard.views if self.dashboard is not None else ()

    def _install_context_menu(self, view: QtWidgets.QWidget, names: tuple[str, ...]) -> None:
        for target in [view, *view.findChildren(QtWidgets.QGraphicsView)]:
            target.setContextMenuPolicy(QtCore.Qt.ContextMenuPolicy.CustomContextMenu)
            target.customContextMenuRequested.connect(lambda pos, t=target, n=names: self._show_figure_menu(
                t.mapToGlobal(pos), n))

    def _show_figure_menu(self, where: QtCore.QPoint, names: tuple[str, ...]) -> None:
        self.figure_menu(names).popup(where)

    def focus_home(self) -> None:
        """Give the keyboard to the plots: the diagram, or the area when the diagram is hidden."""
        if self.dashboard is not None and self._shown("diagram"):
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
            if self._shown(name):
                self._refresh_view(name, view)
            else:
                self._stale.add(name)  # a view that cannot be seen computes nothing; it catches up when shown
        stacked = (self.session.net.layers, self.session.net.directions)
        if stacked != self._stacked:  # another grid of layers (or a row of cells) asks for another height
            self._stacked = stacked
            self._size_again()

    def show_slot(self, name: str, on: bool) -> None:
        """Show or hide one view (View menu); a view shown again catches up at once."""
        self.slots[name].setVisible(on)
        self._catch_up()

    def _on_sequence_chosen(self, number: int) -> None:
        assert self.dashboard is not None
        self.dashboard.heatmaps.sequence = number - 1
        self.dashboard.heatmaps.refresh(self.session)
        self._sequence_chosen(number - 1)

"""The main window: the model panel, the transport, the unrolled diagram and the live plots.

It puts together parts that each do one thing: the transport (transport.py) steps the
session, the plot area (plot_area.py) shows it, the status bar and banner (status.py)
describe it, the docks (docks.py) hold the side panels, the file commands
(file_commands.py) save, open and export it, the stepping keys (keyboard.py) work whatever
has focus, the menus and toolbar (menus.py) offer the commands, the windows it opens
(opened_windows.py) sit beside it, and the lesson mode (lessons/) runs a lesson in it.
What is left here: presentation mode and the theme, and the one redraw path from the
session to the views."""

from __future__ import annotations

from PySide6 import QtCore, QtWidgets

from ...session.events import Change
from ...session.stepper import Session
from .. import theme
from ..control.actions import menu_groups, shortcuts_html
from ..control.keyboard import SteppingKeys
from ..control.redraw import RedrawThrottle
from ..control.training import Training
from ..control.transport import Transport
from ..lessons.lesson_mode import LessonMode
from .docks import PanelDocks
from .file_commands import FileCommands
from .menus import fill_menu_bar, share_finish_keys, show_about, transport_bar, window_actions
from .opened_windows import OpenedWindows
from .plot_area import PlotArea
from .preset_commands import PresetCommands
from .status import SessionStatus

PRESENTATION_SCALE = 1.6
SETTLED_MS = 60  # after the last resize, the layouts' own posted requests
OPENING_HEIGHT_PX = 960  # the tallest a window opens (not maximised) on a screen with room
FRAME_SIDES_PX, FRAME_TITLE_PX = 40, 60  # room left around a window opened unmaximised: frame, title bar
RESIZE_AFTER_MS = 100  # once the rebuilt views' layouts have settled (a few event-loop turns)


def opening_size(room: QtCore.QSize) -> QtCore.QSize | None:
    """1440 x 900, taller up to 1440 x 960 where the screen has the room (1920 x 1080: the
    height four bidirectional layers' depth-time picture needs under the curves); None:
    maximised, on a screen with no room around 1440 x 900 (a 1366 x 768 projector), where
    a window sized to the whole screen would have its status bar pushed below the bottom
    edge by the title bar."""
    if room.width() < 1440 + FRAME_SIDES_PX or room.height() < 900 + FRAME_TITLE_PX:
        return None
    return QtCore.QSize(1440, min(OPENING_HEIGHT_PX, room.height() - FRAME_TITLE_PX))


class MainWindow(QtWidgets.QMainWindow):
    menus: tuple[QtWidgets.QMenu, ...]  # the menu bar's menus, left to right

    def __init__(self, session: Session | None = None, parent=None, compare_changes: dict | None = None):
        super().__init__(parent)
        self.session = session or Session()
        self.compare_changes = compare_changes or None  # a preset's suggested comparison
        self._before_full_screen = QtCore.Qt.WindowState.WindowNoState
        self._base_font_pt = QtWidgets.QApplication.font().pointSizeF() / theme.THEME.scale
        self.setWindowTitle("unrolled: backpropagation through time")

        self.redraws = RedrawThrottle(self)
        self.training = Training(self.session, self)
        self.docks = PanelDocks(self, self.session, self._confirm, committed=lambda: self.plots.focus_home(),
                                redraws=self.redraws, training=self.training)
        self.transport = Transport(self.session, self, busy=lambda: self.training.busy, stops=self.training.stop)
        assert self.transport.player is not None  # a Session can play
        self.runner, self.player = self.transport.runner, self.transport.player
        self.status = SessionStatus(self.session, self.statusBar(), self.runner)
        self.files = FileCommands(self.session, self, self.transport.stop, self.status)
        self.presets = PresetCommands(self.session, self, self.transport.stop, self.status,
                                      compare=lambda changes: setattr(self, "compare_changes", changes))
        self.plots = PlotArea(self.session, self.files.figure_menu, self._on_sequence_chosen,
                              self._on_timestep_chosen)
        central = QtWidgets.QWidget()
        layout = QtWidgets.QVBoxLayout(central)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.status.banner)
        layout.addWidget(self.plots, 1)
        self.setCentralWidget(central)
        self.opened = OpenedWindows(self, self.session, lambda: self.compare_changes, self.transport.pause,
                                    self.plots.focus_home)
        self._build_actions()
        self._build_menus_and_toolbar()
        share_finish_keys(self.act_finish, self.act_finish_layer, self.session.config.layers)
        self.keys = SteppingKeys(self, [*self.transport.actions.values(), self.act_finish_layer], self.plots.focus_home,
                                 self.status.showMessage)
        self.lessons = LessonMode(self)  # the Lessons menu, the lesson pane, PgDown / PgUp in a lesson
        for commands in (self.presets, self.files):  # a model the lesson did not choose: it leaves its stop
            commands.model_replaced.append(self.lessons.leave_stop)
        self.menuBar().insertMenu(self.menus[-1].menuAction(), self.lessons.menu)
        self.menus = (*self.menus[:-1], self.lessons.menu, self.menus[-1])

        self.runner.started.connect(self.redraws.hold)  # a short run draws only its result
        self.runner.finished.connect(self.redraws.release)
        self.session.changed.connect(self._on_session_changed)
        screen = QtWidgets.QApplication.primaryScreen()
        room = screen.availableGeometry().size() if screen is not None else QtCore.QSize(1440, 900)
        self.resize(min(1440, room.width()), min(900, room.height()))  # a 1366 x 768 projector included
        self.redraw()
        self.redraws.register(self, lambda change: self.redraw(), drawn=True)
        self.plots.focus_home()
        self.files.announce_model()  # an opened model's files in the title and the status, however opened

    def show_on_screen(self) -> None:
        """Open at the size `opening_size` gives the screen's room, or maximised."""
        screen = self.screen() or QtWidgets.QApplication.primaryScreen()
        room = screen.availableGeometry().size() if screen is not None else QtCore.QSize(1920, 1080)
        size = opening_size(room)
        if size is None:
            self.showMaximized()
        else:
            self.resize(size)
            self.show()

    # -- the parts, under the names the panels' tests and the benchmarks use ---------------
    model_panel = property(lambda self: self.docks.model_panel)
    training_panel = property(lambda self: self.docks.training_panel)
    theory_panel = property(lambda self: self.docks.theory_panel)
    model_dock = property(lambda self: self.docks.model)
    training_dock = property(lambda self: self.docks.training)
    theory_dock = property(lambda self: self.docks.theory)
    diagram = property(lambda self: self.plots.dashboard.diagram)
    heatmaps = property(lambda self: self.plots.dashboard.heatmaps)
    gradients = property(lambda self: self.plots.dashboard.gradients)
    loss_plot = property(lambda self: self.plots.dashboard.loss)

    # the windows it opens, under the names the tests use
    compare_window = property(lambda self: self.opened.compare)
    sweep_window = property(lambda self: self.opened.sweep)
    gradcheck_dialog = property(lambda self: self.opened.gradcheck)

    # -- actions, menus, toolbar ------------------------------------------------------------
    def _build_actions(self) -> None:
        own = window_actions(self, {
            "train": self.train, "sweep": self.opened.open_sweep, "compare": self.open_compare,
            "full_screen": self.toggle_full_screen, "quit": self.close, "presentation": self.toggle_presentation,
            "dark": self.toggle_dark, "shortcuts": self.show_shortcuts, "about": lambda: show_about(self),
            "gradcheck": self.opened.check_gradients, "finish_layer": lambda: self.transport.run_to("layer")})
        self.own_actions = own
        self.act_train, self.act_sweep, self.act_compare, self.act_gradcheck = (
            own["train"], own["sweep"], own["compare"], own["gradcheck"])
        self.act_full_screen, self.act_presentation, self.act_dark = (
            own["full_screen"], own["presentation"], own["dark"])
        self.act_quit, self.act_shortcuts, self.act_about = own["quit"], own["shortcuts"], own["about"]
        self.act_finish_layer = own["finish_layer"]
        t = self.transport.actions
        self.act_step_back, self.act_step, self.act_play, self.act_finish = (
            t["step_back"], t["step"], t["play"], t["finish"])
        self.act_iteration, self.act_reset, self.act_new_sample, self.act_stop = (
            t["iteration"], t["reset"], t["new_sample"], t["stop"])

    def _build_menus_and_toolbar(self) -> None:
        self.menus, self.panel_actions = fill_menu_bar(
            self.menuBar(), self.own_actions, self.transport.actions, self.files, self.presets, self.docks.toggles,
            self.plots.show_slot, self.plots.focus_home)
        bar, self.speed = transport_bar(self.transport.actions, self.act_train, self.player.steps_per_second,
                                        self.player.set_speed)
        self.addToolBar(bar)

    def shortcuts_html(self) -> str:
        return shortcuts_html(menu_groups(self.menus, self.actions()))

    # -- commands -------------------------------------------------------------------------
    def train(self) -> None:
        if self.transport.runner.busy:
            return
        if self.lessons.train_comparison():  # a stop's comparison in front: "press T there"
            return
        self.transport.pause()
        self.docks.show_training()
        self.plots.bring_forward("loss")  # training is watched on the loss
        self.training_panel.train()

    def open_compare(self, over: QtCore.QRect | None = None) -> None:
        """A comparison of this window's config with its suggested one (opened_windows.py)."""
        self.opened.open_compare(over)

    def toggle_full_screen(self) -> None:
        """Full screen, and back to the window's state before it (maximised on a projector:
        a plain showNormal() gave it its unmaximised size, the status bar below the screen)."""
        if self.isFullScreen():
            if self._before_full_screen & QtCore.Qt.WindowState.WindowMaximized:
                self.showMaximized()
            else:
                self.showNormal()
        else:
            self._before_full_screen = self.windowState()
            self.showFullScreen()
        self.act_full_screen.setChecked(self.isFullScreen())
        self.plots.focus_home()

    # -- presentation -----------------------------------------------------------------------
    def _restyle(self) -> None:
        """Rebuild every plot under the current theme: the main views, the Training and
        Theory panels and an open comparison; then the keyboard goes back to the new diagram."""
        self.transport.stop()
        self.plots.install_views()
        self.docks.restyle()
        if self.opened.compare is not None and self.opened.compare.isVisible():
            self.opened.compare.restyle()
        self.redraw()
        self.plots.focus_home()

    def toggle_presentation(self) -> None:
        on = self.act_presentation.isChecked()
        size = self.size()
        # no frame is painted until the new fonts and views have settled: a half-built frame
        # cuts the toolbar's labels and lays text over the axes
        self.setUpdatesEnabled(False)
        theme.THEME.scale = PRESENTATION_SCALE if on else 1.0
        font = QtWidgets.QApplication.font()
        font.setPointSizeF(self._base_font_pt * theme.THEME.scale)
        QtWidgets.QApplication.setFont(font)
        # the new font reaches the widgets through posted events: deliver them before the
        # views are rebuilt, or a new combo box takes the old font from its parent and keeps
        # that size as its minimum: the window could then not shrink back when F5 goes off
        QtCore.QCoreApplication.sendPostedEvents()
        self.model_dock.setVisible(not on)
        self._restyle()
        # the labels take the new font from posted events: fit the status bar to it then;
        # and the window keeps its size: between the two sets of views it can need more
        # width for a moment, which it must not keep (a 1280 px projector has no more)
        QtCore.QTimer.singleShot(0, self.status.refresh)
        QtCore.QTimer.singleShot(RESIZE_AFTER_MS, self, lambda: None if self.isFullScreen() else self.resize(size))
        QtCore.QTimer.singleShot(RESIZE_AFTER_MS + SETTLED_MS, self, lambda: self.setUpdatesEnabled(True))

    def toggle_dark(self) -> None:
        theme.THEME.dark = self.act_dark.isChecked()
        QtWidgets.QApplication.setPalette(theme.THEME.palette())
        self._restyle()

    def show_shortcuts(self) -> None:
        from ..dialogs.text_dialog import show_text

        show_text(self, "Keyboard shortcuts", self.shortcuts_html())

    def _confirm(self, question: str) -> bool:
        answer = QtWidgets.QMessageBox.question(self, "unrolled", question)
        return answer == QtWidgets.QMessageBox.StandardButton.Yes

    # -- model -> view ----------------------------------------------------------------------
    def _on_session_changed(self, change: Change) -> None:
        if change & Change.REBUILT:  # another model: the training curves start afresh
            self.training.forget()
        self.redraws.request(change)

    def redraw(self) -> None:
        """Bring every visible view up to date with the session (`redraws` decides when)."""
        self.plots.refresh()
        self.status.refresh()
        self.docks.offer_text()
        share_finish_keys(self.act_finish, self.act_finish_layer, self.session.config.layers)

    def _on_timestep_chosen(self, t: int, layer: int, direction: int) -> None:
        """A click on a heatmap column or the diagram: the step inspector shows that
        timestep of that layer and direction."""
        self.docks.inspector.show()
        self.docks.inspector.raise_()
        self.docks.inspector_panel.show_timestep(t, layer, direction)
        self.plots.focus_home()  # the keyboard stays with stepping

    def _on_sequence_chosen(self, sequence: int) -> None:
        self.model_panel.sample_view.sequence = sequence
        self.model_panel.sample_view.refresh()

    def closeEvent(self, event) -> None:
        self.opened.close()
        self.keys.detach()
        self.docks.close()
        self.transport.detach()
        self.session.changed.disconnect(self._on_session_changed)
        super().closeEvent(event)

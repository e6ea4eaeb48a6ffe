"""The main window: the model panel, the transport, the unrolled diagram and the live plots.

It puts together parts that each do one thing: the transport (transport.py) steps the
session, the plot area (plot_area.py) shows it, the status bar and banner (status.py)
describe it, the docks (docks.py) hold the side panels, the file commands
(file_commands.py) save, open and export it, and the stepping keys (keyboard.py) work
whatever has focus. What is left here: the menus and toolbar, presentation mode and the
theme, the windows it opens, and the one redraw path from the session to the views."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6 import QtCore, QtWidgets

from ...session.events import Change
from ...session.stepper import Session
from .. import theme
from ..control.actions import make_action, menu_groups, shortcuts_html
from ..control.keyboard import SteppingKeys
from ..control.redraw import RedrawThrottle
from ..control.training import Training
from ..control.transport import Transport
from ..lessons.lesson_mode import LessonMode
from .docks import PanelDocks
from .file_commands import FileCommands
from .plot_area import PlotArea
from .preset_commands import PresetCommands
from .status import SessionStatus

if TYPE_CHECKING:  # opened on demand: their imports wait until then
    from ..windows.compare_window import CompareWindow
    from ..windows.sweep_window import SweepWindow

PRESENTATION_SCALE = 1.6
VIEW_PANELS = (("diagram", "Diagram"), ("heatmaps", "Hidden states and gates"),
               ("gradients", "Gradient per timestep"), ("loss", "Loss"))


TITLE_BAR_PX = 40  # a window manager's frame above a window's inside, at most
FRAME_KNOWN_MS = 300  # a new window's frame (title bar) is known by then
SETTLED_MS = 60  # after the last resize, the layouts' own posted requests
RESIZE_AFTER_MS = 100  # once the rebuilt views' layouts have settled (a few event-loop turns)


def screen_room(widget: QtWidgets.QWidget) -> QtCore.QRect:
    """The available geometry of the widget's screen (less panels and docks)."""
    screen = widget.screen() or QtWidgets.QApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else QtCore.QRect(0, 0, 1366, 768)


def place_on_screen(window: QtWidgets.QWidget, want: QtCore.QRect, room: QtCore.QRect) -> None:
    """Put `window`, frame and title bar included, on `want` cut to `room` (or as near it
    as its minimum size allows, still on screen). Before the window manager has framed it
    the title bar is taken to be TITLE_BAR_PX tall."""
    frame, inside = window.frameGeometry(), window.geometry()
    top = inside.top() - frame.top() if window.isVisible() and frame != inside else TITLE_BAR_PX
    side = inside.left() - frame.left() if window.isVisible() and frame != inside else 0
    bottom = frame.bottom() - inside.bottom() if window.isVisible() and frame != inside else side
    target = want & room
    minimum = window.minimumSizeHint().expandedTo(window.minimumSize())
    width = min(max(target.width() - 2 * side, minimum.width()), room.width() - 2 * side)
    height = min(max(target.height() - top - bottom, minimum.height()), room.height() - top - bottom)
    x = min(max(target.left(), room.left()), room.right() + 1 - width - 2 * side)
    y = min(max(target.top(), room.top()), room.bottom() + 1 - height - top - bottom)
    window.resize(width, height)
    window.move(x, y)  # move() places the frame's corner, resize() sizes the inside


class MainWindow(QtWidgets.QMainWindow):
    menus: tuple[QtWidgets.QMenu, ...]  # the menu bar's menus, left to right

    def __init__(self, session: Session | None = None, parent=None, compare_changes: dict | None = None):
        super().__init__(parent)
        self.session = session or Session()
        self.compare_changes = compare_changes or None  # a preset's suggested comparison
        self.compare_window: CompareWindow | None = None
        self.sweep_window: SweepWindow | None = None
        self.gradcheck_dialog: QtWidgets.QDialog | None = None
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
        self._build_actions()
        self._build_menus_and_toolbar()
        self.keys = SteppingKeys(self, self.transport.actions.values(), self.plots.focus_home, self.status.showMessage)
        self.lessons = LessonMode(self)  # the Lessons menu, the lesson pane, PgDown / PgUp in a lesson
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

    def show_on_screen(self) -> None:
        """Open at 1440 x 900, or maximised on a screen that has no room around that (a
        1366 x 768 projector): sized to the whole screen, the title bar pushed the status bar
        below its bottom edge."""
        screen = self.screen() or QtWidgets.QApplication.primaryScreen()
        room = screen.availableGeometry().size() if screen is not None else QtCore.QSize(1920, 1080)
        if room.width() < 1440 + 40 or room.height() < 900 + 60:
            self.showMaximized()
        else:
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

    # -- actions, menus, toolbar ------------------------------------------------------------
    def _build_actions(self) -> None:
        def a(text, shortcut, slot, tip):
            return make_action(self, text, shortcut, slot, tip)

        self.act_train = a("Train", "T", self.train, "Train for the iterations set in the Training panel, live")
        self.act_sweep = a("Success rate against T (a paper's figure)...", None, self.open_sweep,
                           "Train an RNN and an LSTM on the adding problem at several T, in the background")
        self.act_compare = a("Compare...", "Ctrl+K", self.open_compare,
                             "Two networks side by side on the same input: RNN vs LSTM, two rho, clipping on/off")
        self.act_full_screen = a("Full screen", "F11", self.toggle_full_screen, "Full screen on or off")
        self.act_full_screen.setCheckable(True)
        self.act_quit = a("Quit", "Ctrl+Q", self.close, "Quit unrolled")
        self.act_presentation = a("Presentation mode", "F5", self.toggle_presentation,
                                  "Larger fonts and lines for the back row; the model panel hides")
        self.act_presentation.setCheckable(True)
        self.act_dark = a("Dark theme", "Ctrl+Shift+D", self.toggle_dark, "Dark or light colours")
        self.act_dark.setCheckable(True)
        self.act_shortcuts = a("Keyboard shortcuts", "F1", self.show_shortcuts, "The keyboard shortcuts")
        self.act_about = a("About unrolled", None, self.show_about, "About unrolled")
        self.act_gradcheck = a("Check gradients...", None, self.check_gradients,
                               "The backward pass against central differences, per parameter")
        t = self.transport.actions
        self.act_step_back, self.act_step, self.act_play, self.act_finish = (
            t["step_back"], t["step"], t["play"], t["finish"])
        self.act_iteration, self.act_reset, self.act_new_sample, self.act_stop = (
            t["iteration"], t["reset"], t["new_sample"], t["stop"])

    def _build_menus_and_toolbar(self) -> None:
        menus = self.menuBar()
        file_menu = menus.addMenu("&File")
        self.files.fill_menu(file_menu)
        file_menu.addSeparator()
        self.presets.fill_menu(file_menu)
        file_menu.addSeparator()
        file_menu.addAction(self.act_quit)
        run = self.transport.actions
        run_menu = menus.addMenu("&Run")
        run_menu.addActions([run[n] for n in ("step", "step_back", "play", "finish", "iteration")])
        run_menu.addSeparator()
        run_menu.addActions([run["new_sample"], run["reset"], self.act_train, run["stop"], self.act_compare,
                             self.act_sweep, self.act_gradcheck])
        view_menu = menus.addMenu("&View")
        view_menu.addActions([self.act_full_screen, self.act_presentation, self.act_dark])
        view_menu.addSeparator()
        view_menu.addActions(list(self.docks.toggles))
        self.panel_actions = {}
        for name, label in VIEW_PANELS:
            action = view_menu.addAction(label)
            action.setCheckable(True)
            action.setChecked(True)
            action.toggled.connect(lambda on, n=name: self.plots.show_slot(n, on))
            action.triggered.connect(self.plots.focus_home)
            self.panel_actions[name] = action
        for toggle in self.docks.toggles:
            toggle.triggered.connect(self.plots.focus_home)
        help_menu = menus.addMenu("&Help")
        help_menu.addActions([self.act_shortcuts, self.act_about])
        self.menus = (file_menu, run_menu, view_menu, help_menu)
        for menu in (*self.menus, self.presets.menu, self.files.recent_menu):
            if menu is not None:
                menu.setToolTipsVisible(True)  # an item's tooltip says what it does; Qt's menus hide it unless asked

        bar = QtWidgets.QToolBar("Transport")
        bar.setObjectName("transport")
        bar.setToolButtonStyle(QtCore.Qt.ToolButtonStyle.ToolButtonTextOnly)
        bar.addActions([run[n] for n in ("step_back", "step", "play", "finish", "iteration", "reset")])
        bar.addAction(self.act_train)
        bar.addSeparator()
        bar.addWidget(QtWidgets.QLabel(" Speed "))
        self.speed = QtWidgets.QDoubleSpinBox()
        self.speed.setRange(0.5, 600)
        self.speed.setDecimals(1)
        self.speed.setValue(self.player.steps_per_second)
        self.speed.setSuffix(" steps/s")
        self.speed.setToolTip("Play speed in steps per second; plots redraw at most 60 times a second")
        self.speed.setKeyboardTracking(False)
        self.speed.valueChanged.connect(self.player.set_speed)
        bar.addWidget(self.speed)
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

    def open_sweep(self) -> None:
        from ..windows.sweep_window import SweepWindow

        if self.sweep_window is None:
            self.sweep_window = SweepWindow()
        self.sweep_window.show()
        self.sweep_window.raise_()

    def check_gradients(self) -> None:
        from ..dialogs.gradcheck_dialog import GradcheckDialog

        self.transport.pause()
        self.gradcheck_dialog = GradcheckDialog(self.session, self)
        # beside the window, not in front of its keyboard: a presenter remote's PageDown
        # still steps while the check runs and its result is on screen
        self.gradcheck_dialog.setAttribute(QtCore.Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.gradcheck_dialog.show()
        self.activateWindow()
        self.plots.focus_home()

    def open_compare(self, over: QtCore.QRect | None = None) -> None:
        """A window with A = this config and B = the preset's comparison (or the other cell).
        Beside this window; or, given `over` (a lesson: the plot area, in screen
        coordinates), a window of this one's, in front of it over that rectangle."""
        from ..windows.compare_window import CompareWindow

        if self.compare_window is not None:
            self.compare_window.close()
        try:
            self.compare_window = CompareWindow(self.session.config, self.compare_changes)
        except ValueError as error:
            QtWidgets.QMessageBox.warning(self, "Cannot compare", str(error))
            return
        compare = self.compare_window
        room = screen_room(self)
        if over is None:
            width = min(compare.width(), room.width() // 2)
            want = QtCore.QRect(room.right() - width, room.top(), width, room.height() * 3 // 4 + TITLE_BAR_PX)
            want.moveBottom(room.bottom())
        else:
            # its own window, in front of this one even when this one has the keyboard: a
            # tool window of this one's (transient for it), which a window manager keeps above
            # it (a plain window went behind at the first click on this one)
            flags = compare.windowFlags() & ~QtCore.Qt.WindowType.WindowType_Mask
            compare.setParent(self, flags | QtCore.Qt.WindowType.Tool)
            want = over
        place_on_screen(compare, want, room)
        compare.show()
        compare.raise_()
        # the window manager's frame is known once the window is mapped: fitted again then
        QtCore.QTimer.singleShot(FRAME_KNOWN_MS, compare, lambda: place_on_screen(compare, want, screen_room(self)))

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
        """Rebuild every plot under the current theme: the main views, and the Training and
        Theory panels; then the keyboard goes back to the new diagram."""
        self.transport.stop()
        self.plots.install_views()
        self.docks.restyle()
        self.redraw()
        self.plots.focus_home()

    def toggle_presentation(self) -> None:
        on = self.act_presentation.isChecked()
        size = self.size()
        # no frame is painted until the new fonts and views have settled (half-built, the
        # toolbar read "St...ck" and text lay over the axes)
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
        QtWidgets.QApplication.setPalette(theme.palette())
        self._restyle()

    def show_shortcuts(self) -> None:
        from ..dialogs.text_dialog import show_text

        show_text(self, "Keyboard shortcuts", self.shortcuts_html())

    def show_about(self) -> None:
        from ... import __version__

        QtWidgets.QMessageBox.about(
            self, "About unrolled",
            f"<b>unrolled {__version__}</b><p>Backpropagation through time, one timestep at a time. "
            "Every number is computed by a NumPy engine checked against finite differences.</p>",
        )

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
        self.model_panel.sample_view.catch_up()

    def _on_timestep_chosen(self, t: int) -> None:
        """A click on a heatmap column: the step inspector shows that timestep."""
        self.docks.inspector.show()
        self.docks.inspector.raise_()
        self.docks.inspector_panel.show_timestep(t)
        self.plots.focus_home()  # the keyboard stays with stepping

    def _on_sequence_chosen(self, sequence: int) -> None:
        self.model_panel.sample_view.sequence = sequence
        self.model_panel.sample_view.refresh()

    def closeEvent(self, event) -> None:
        for window in (self.compare_window, self.sweep_window, self.gradcheck_dialog):
            if window is not None:
                window.close()  # the gradient check's worker is waited for
        self.keys.detach()
        self.docks.close()
        self.transport.detach()
        self.session.changed.disconnect(self._on_session_changed)
        super().closeEvent(event)

"""The main window's own commands, its menu bar and transport toolbar, and the About box.
The stepping commands are the transport's (control/transport.py), the File menu's
the file and preset commands', the Lessons menu the lesson mode's."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from PySide6 import QtCore, QtGui, QtWidgets

from ...session.figure_registry import VIEW_TITLES, VIEWS
from ..control.actions import describe, make_action
from .file_commands import FileCommands
from .preset_commands import PresetCommands

VIEW_PANELS = tuple((name, VIEW_TITLES[name]) for name in VIEWS)
# name: (text, shortcut, tip); a name in CHECKABLE is a switch
WINDOW_ACTIONS = {
    "finish_layer": ("Finish layer", "Shift+Right",
                     "Go to the end of the layer the next step enters, both its directions (a network of "
                     "several layers; with one layer, Finish phase does it)"),
    "train": ("Train", "T", "Train for the iterations set in the Training panel, live"),
    "sweep": ("Success rate against T (a paper's figure)...", None,
              "Train an RNN and an LSTM on the adding problem at several T, in the background"),
    "compare": ("Compare...", "Ctrl+K",
                "Two networks side by side on the same input: RNN vs LSTM, two rho, clipping on/off"),
    "full_screen": ("Full screen", "F11", "Full screen on or off"),
    "quit": ("Quit", "Ctrl+Q", "Quit unrolled"),
    "presentation": ("Presentation mode", "F5", "Larger fonts and lines for the back row; the model panel hides"),
    "dark": ("Dark theme", "Ctrl+Shift+D", "Dark or light colours"),
    "shortcuts": ("Keyboard shortcuts", "F1", "The keyboard shortcuts"),
    "about": ("About unrolled", None, "About unrolled"),
    "gradcheck": ("Check gradients...", None, "The backward pass against central differences, per parameter"),
}
CHECKABLE = {"full_screen", "presentation", "dark"}
# Finish phase's keys with one layer, and beside a stack's Finish layer (which takes Shift+Right)
FINISH_PHASE_KEYS = {False: ("Shift+Right",), True: ("Ctrl+Shift+Right",)}


def window_actions(window: QtWidgets.QWidget, slots: Mapping[str, Callable[[], object]]) -> dict[str, QtGui.QAction]:
    """The actions of WINDOW_ACTIONS on `window`, each triggering slots[name]."""
    actions = {}
    for name, (text, shortcut, tip) in WINDOW_ACTIONS.items():
        actions[name] = make_action(window, text, shortcut, slots[name], tip)
        actions[name].setCheckable(name in CHECKABLE)
    return actions


def share_finish_keys(finish_phase: QtGui.QAction, finish_layer: QtGui.QAction, layers: int) -> None:
    """Shift+Right finishes the layer of a network of several layers (Finish phase moves to
    Ctrl+Shift+Right) and the phase of one layer, where Finish layer is greyed: a disabled
    action's key is no key, so the two never claim Shift+Right at once."""
    stacked = layers > 1
    if finish_layer.isEnabled() == stacked and finish_phase.shortcut().toString() == FINISH_PHASE_KEYS[stacked][0]:
        return
    finish_layer.setEnabled(stacked)
    keys = FINISH_PHASE_KEYS[stacked]
    finish_phase.setShortcuts([QtGui.QKeySequence(k) for k in keys])
    describe(finish_phase, finish_phase.whatsThis(), keys)


def fill_menu_bar(bar: QtWidgets.QMenuBar, own: Mapping[str, QtGui.QAction], run: Mapping[str, QtGui.QAction],
                  files: FileCommands, presets: PresetCommands, dock_toggles: Iterable[QtGui.QAction],
                  show_plot: Callable[[str, bool], None],
                  focus_home: Callable[[], None]) -> tuple[tuple[QtWidgets.QMenu, ...], dict[str, QtGui.QAction]]:
    """File, Run, View and Help, left to right; and the View menu's switch of each plot.
    own: the window's actions (window_actions); run: the transport's; files and presets
    fill the File menu (file_commands.py, preset_commands.py); show_plot(name, on) shows
    or hides a plot; focus_home gives the keyboard back to the plots after a View command."""
    file_menu = bar.addMenu("&File")
    files.fill_menu(file_menu)
    file_menu.addSeparator()
    presets.fill_menu(file_menu)
    file_menu.addSeparator()
    file_menu.addAction(own["quit"])
    run_menu = bar.addMenu("&Run")
    run_menu.addActions([run[n] for n in ("step", "step_back", "play", "finish")])
    run_menu.addAction(own["finish_layer"])
    run_menu.addAction(run["iteration"])
    run_menu.addSeparator()
    run_menu.addActions([run["new_sample"], run["reset"], own["train"], run["stop"], own["compare"],
                         own["sweep"], own["gradcheck"], files.act_torch_check])
    view_menu = bar.addMenu("&View")
    view_menu.addActions([own["full_screen"], own["presentation"], own["dark"]])
    view_menu.addSeparator()
    dock_toggles = list(dock_toggles)
    view_menu.addActions(dock_toggles)
    panel_actions = {}
    for name, label in VIEW_PANELS:
        action = view_menu.addAction(label)
        action.setCheckable(True)
        action.setChecked(True)
        action.toggled.connect(lambda on, n=name: show_plot(n, on))
        action.triggered.connect(focus_home)
        panel_actions[name] = action
    for toggle in dock_toggles:
        toggle.triggered.connect(focus_home)
    help_menu = bar.addMenu("&Help")
    help_menu.addActions([own["shortcuts"], own["about"]])
    menus = (file_menu, run_menu, view_menu, help_menu)
    for menu in (*menus, presets.menu, files.recent_menu):
        if menu is not None:
            menu.setToolTipsVisible(True)  # an item's tooltip says what it does; Qt's menus hide it unless asked
    return menus, panel_actions


def transport_bar(run: Mapping[str, QtGui.QAction], train: QtGui.QAction, steps_per_second: float,
                  set_speed: Callable[[float], None]) -> tuple[QtWidgets.QToolBar, QtWidgets.QDoubleSpinBox]:
    """The toolbar: the stepping commands, Train, and the play speed (its box too)."""
    bar = QtWidgets.QToolBar("Transport")
    bar.setObjectName("transport")
    bar.setToolButtonStyle(QtCore.Qt.ToolButtonStyle.ToolButtonTextOnly)
    bar.addActions([run[n] for n in ("step_back", "step", "play", "finish", "iteration", "reset")])
    bar.addAction(train)
    bar.addSeparator()
    bar.addWidget(QtWidgets.QLabel(" Speed "))
    speed = QtWidgets.QDoubleSpinBox()
    speed.setRange(0.5, 600)
    speed.setDecimals(1)
    speed.setValue(steps_per_second)
    speed.setSuffix(" steps/s")
    speed.setToolTip("Play speed in steps per second; plots redraw at most 60 times a second")
    speed.setKeyboardTracking(False)
    speed.valueChanged.connect(set_speed)
    bar.addWidget(speed)
    return bar, speed


def show_about(parent: QtWidgets.QWidget) -> None:
    from ...version import __version__

    QtWidgets.QMessageBox.about(
        parent, "About unrolled",
        f"<b>unrolled {__version__}</b><p>Backpropagation through time, one timestep at a time. "
        "Every number is computed by a NumPy engine checked against finite differences.</p>",
    )

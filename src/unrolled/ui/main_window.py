"""The main window: model panel, transport, the unrolled diagram and the live plots."""

from __future__ import annotations

import numpy as np
from PySide6 import QtCore, QtGui, QtWidgets

from ..session.events import Change
from ..session.stepper import Phase, Session, gradient_verdict
from ..session.tables import figures_for
from . import theme
from .file_commands import FileCommands
from .figures import TITLES
from .panels.model_panel import ModelPanel
from .panels.theory_panel import TheoryPanel
from .panels.training_panel import TrainingPanel
from .plots.diagram import UnrolledDiagram
from .plots.gradients import GradientPanel
from .plots.heatmaps import StateHeatmaps
from .plots.loss import LossPlot
from .runner import REDRAW_HZ, ChunkedRunner, Player

PRESENTATION_SCALE = 1.6

SHORTCUTS_HELP = """<table>
<tr><td><b>Right</b></td><td>step</td></tr>
<tr><td><b>Left</b></td><td>step back (exact undo)</td></tr>
<tr><td><b>Space</b></td><td>play / pause</td></tr>
<tr><td><b>Shift+Right</b></td><td>finish the phase</td></tr>
<tr><td><b>Ctrl+Right</b></td><td>run the whole iteration</td></tr>
<tr><td><b>R</b></td><td>reset (fresh weights from the seed)</td></tr>
<tr><td><b>N</b></td><td>new sample</td></tr>
<tr><td><b>T</b></td><td>train live (Training panel)</td></tr>
<tr><td><b>Ctrl+K</b></td><td>compare two networks side by side</td></tr>
<tr><td><b>Ctrl+T</b></td><td>the Theory panel: eigenvalues of U, rho slider, Jacobian products</td></tr>
<tr><td><b>Esc</b></td><td>stop a long run or training</td></tr>
<tr><td><b>F11</b></td><td>full screen</td></tr>
<tr><td><b>F5</b></td><td>presentation mode (large fonts, model panel hidden)</td></tr>
<tr><td><b>Ctrl+S / Ctrl+O</b></td><td>save / open a session</td></tr>
<tr><td><b>Ctrl+E</b></td><td>export a figure (PNG, SVG, PDF, CSV)</td></tr>
<tr><td><b>Ctrl+Shift+C</b></td><td>copy all plots to the clipboard</td></tr>
</table>"""


class MainWindow(FileCommands, QtWidgets.QMainWindow):
    def __init__(self, session: Session | None = None, parent=None, compare_changes: dict | None = None):
        super().__init__(parent)
        self.session = session or Session()
        self.compare_changes = compare_changes or None  # a preset's suggested comparison
        self.compare_window = None
        self.sweep_window = None
        self.session_path: str | None = None
        self._base_font_pt = QtWidgets.QApplication.font().pointSizeF() / theme.THEME.scale
        self.setWindowTitle("unrolled: backpropagation through time")
        self.runner = ChunkedRunner(self.session, self)
        self.player = Player(self.session, self)
        self._redraw_timer = QtCore.QTimer(self)
        self._redraw_timer.setSingleShot(True)
        self._redraw_timer.setInterval(int(1000 / REDRAW_HZ))
        self._redraw_timer.timeout.connect(self.redraw)

        self._build_views()
        self._build_actions()
        self._build_menus_and_toolbar()
        self._build_status_bar()
        self.session.changed.connect(self._on_session_changed)
        self.runner.progress.connect(self._on_progress)
        self.runner.finished.connect(self._on_run_finished)
        self.player.playing_changed.connect(self._on_playing_changed)
        self.resize(1440, 900)
        self.redraw()
        self.diagram.setFocus()

    # -- layout -----------------------------------------------------------------------
    def _build_views(self) -> None:
        self.model_panel = ModelPanel(self.session, self._confirm, committed=lambda: self.diagram.setFocus())
        scroll = QtWidgets.QScrollArea()
        scroll.setWidget(self.model_panel)
        scroll.setWidgetResizable(True)
        scroll.setMinimumWidth(300)
        self.model_dock = QtWidgets.QDockWidget("Model", self)
        self.model_dock.setObjectName("model")
        self.model_dock.setWidget(scroll)
        self.model_dock.setFeatures(
            QtWidgets.QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QtWidgets.QDockWidget.DockWidgetFeature.DockWidgetClosable
        )
        self.addDockWidget(QtCore.Qt.DockWidgetArea.LeftDockWidgetArea, self.model_dock)
        self.training_panel = TrainingPanel(self.session)
        self.training_dock = QtWidgets.QDockWidget("Training", self)
        self.training_dock.setObjectName("training")
        self.training_dock.setWidget(self.training_panel)
        self.addDockWidget(QtCore.Qt.DockWidgetArea.BottomDockWidgetArea, self.training_dock)
        self.training_dock.hide()
        self.theory_panel = TheoryPanel(self.session)
        self.theory_dock = QtWidgets.QDockWidget("Theory", self)
        self.theory_dock.setObjectName("theory")
        self.theory_dock.setWidget(self.theory_panel)
        self.addDockWidget(QtCore.Qt.DockWidgetArea.RightDockWidgetArea, self.theory_dock)
        self.theory_dock.hide()

        self.banner = QtWidgets.QLabel()
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(
            "background: #ffe0f7; color: #7a0060; border: 1px solid #ff00ff; padding: 6px; font-weight: bold;"
        )
        self.banner.hide()
        # each view sits in a slot of its own, so presentation mode and the colour scheme
        # can rebuild it with other fonts and colours without touching the layout
        self.slots = {name: QtWidgets.QWidget() for name in ("diagram", "heatmaps", "gradients", "loss")}
        for slot in self.slots.values():
            box = QtWidgets.QVBoxLayout(slot)
            box.setContentsMargins(0, 0, 0, 0)
        # with a batch of B > 1 sequences, the heatmaps show the one chosen here
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
        self.slots["heatmaps"].layout().addWidget(self.sequence_row)
        self.sequence_box.valueChanged.connect(self._on_sequence_chosen)

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
        central = QtWidgets.QWidget()
        layout = QtWidgets.QVBoxLayout(central)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.banner)
        layout.addWidget(main, 1)
        self.setCentralWidget(central)
        self.views = ()
        self._install_views()

    def _install_views(self) -> None:
        """Build the four views under the current theme and put them in their slots."""
        for view in self.views:
            view.setParent(None)
            view.deleteLater()
        self.diagram = UnrolledDiagram()
        self.heatmaps = StateHeatmaps()
        self.gradients = GradientPanel()
        self.loss_plot = LossPlot()
        self.views = (self.diagram, self.heatmaps, self.gradients, self.loss_plot)
        figures = {
            "diagram": (self.diagram, ("diagram",)),
            "heatmaps": (self.heatmaps, ("hidden_states", "gates")),
            "gradients": (self.gradients, ("grad_norms",)),
            "loss": (self.loss_plot, ("loss",)),
        }
        for name, (view, names) in figures.items():
            self.slots[name].layout().addWidget(view)
            self._install_context_menu(view, names)
        self.heatmaps.sequence = self.sequence_box.value() - 1

    def _install_context_menu(self, view: QtWidgets.QWidget, names: tuple[str, ...]) -> None:
        targets = [view] + [w for w in view.findChildren(QtWidgets.QGraphicsView)]
        for target in targets:
            target.setContextMenuPolicy(QtCore.Qt.ContextMenuPolicy.CustomContextMenu)
            target.customContextMenuRequested.connect(
                lambda pos, t=target, n=names: self._show_figure_menu(t.mapToGlobal(pos), n)
            )

    def figure_menu(self, names: tuple[str, ...]) -> QtWidgets.QMenu:
        """Right-click on a plot: export it or copy it, without going through File."""
        menu = QtWidgets.QMenu(self)
        available = figures_for(self.session)
        for name in names:
            if name not in available:
                continue
            menu.addAction(f"Export {TITLES[name].lower()}...", lambda n=name: self.export_figure(n))
            menu.addAction(f"Copy {TITLES[name].lower()} to the clipboard", lambda n=name: self.copy_figure(n))
        menu.addSeparator()
        menu.addAction(self.act_export)
        return menu

    def _show_figure_menu(self, where: QtCore.QPoint, names: tuple[str, ...]) -> None:
        self.figure_menu(names).popup(where)

    def _action(self, text: str, shortcut: str | None, slot, tip: str) -> QtGui.QAction:
        action = QtGui.QAction(text, self)
        if shortcut:
            action.setShortcut(QtGui.QKeySequence(shortcut))
            tip = f"{tip} ({shortcut})"
        action.setToolTip(tip)
        action.setStatusTip(tip)
        action.triggered.connect(slot)
        self.addAction(action)  # shortcuts work even when the toolbar is hidden
        return action

    def _build_actions(self) -> None:
        a = self._action
        self.act_step_back = a("Step back", "Left", self.step_back, "Undo the last step exactly")
        self.act_step = a("Step", "Right", self.step, "Take one step: a timestep forward or backward, the loss, or the update")
        self.act_play = a("Play", "Space", self.player.toggle, "Play or pause; pauses at the end of an iteration")
        self.act_finish = a("Finish phase", "Shift+Right", self.finish_phase, "Go to the end of the phase")
        self.act_iteration = a("Run iteration", "Ctrl+Right", self.run_iteration, "Complete the iteration")
        self.act_reset = a("Reset", "R", self.reset, "Fresh weights and sample from the seed")
        self.act_new_sample = a("New sample", "N", self.new_sample, "Draw a new input sequence from the task")
        self.act_stop = a("Stop", "Esc", self.stop, "Stop a long run or training")
        self.act_train = a("Train", "T", self.train, "Train for the iterations set in the Training panel, live")
        self.act_sweep = a("Success rate against T (a paper's figure)...", None, self.open_sweep,
                           "Train an RNN and an LSTM on the adding problem at several T, in the background")
        self.act_compare = a("Compare...", "Ctrl+K", self.open_compare,
                             "Two networks side by side on the same input: RNN vs LSTM, two rho, clipping on/off")
        self.act_full_screen = a("Full screen", "F11", self.toggle_full_screen, "Full screen on or off")
        self.act_full_screen.setCheckable(True)
        self.act_quit = a("Quit", "Ctrl+Q", self.close, "Quit unrolled")
        self.act_open = a("Open session...", "Ctrl+O", self.open_session_dialog, "Open a saved session")
        self.act_save = a("Save session", "Ctrl+S", self.save_session, "Save the session: settings, weights and step")
        self.act_save_as = a("Save session as...", "Ctrl+Shift+S", self.save_session_as, "Save the session under a new name")
        self.act_export = a("Export...", "Ctrl+E", self.export_figure, "Export a figure as PNG, SVG, PDF or CSV")
        self.act_export_animation = a("Export animation...", None, self.export_animation,
                                      "Every step of this iteration as numbered PNGs (and a GIF with Pillow)")
        self.act_copy = a("Copy dashboard", "Ctrl+Shift+C", lambda: self.copy_figure("dashboard"),
                          "Copy all plots to the clipboard as one picture")
        self.act_presentation = a("Presentation mode", "F5", self.toggle_presentation,
                                  "Larger fonts and lines for the back row; the model panel hides")
        self.act_presentation.setCheckable(True)
        self.act_dark = a("Dark theme", "Ctrl+Shift+D", self.toggle_dark, "Dark or light colours")
        self.act_dark.setCheckable(True)
        self.act_shortcuts = a("Keyboard shortcuts", "F1", self.show_shortcuts, "The keyboard shortcuts")
        self.act_about = a("About unrolled", None, self.show_about, "About unrolled")

    def _build_menus_and_toolbar(self) -> None:
        menus = self.menuBar()
        file_menu = menus.addMenu("&File")
        file_menu.addAction(self.act_open)
        self.recent_menu = file_menu.addMenu("Open recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        file_menu.addAction(self.act_save)
        file_menu.addAction(self.act_save_as)
        file_menu.addSeparator()
        file_menu.addAction(self.act_export)
        file_menu.addAction(self.act_export_animation)
        file_menu.addAction(self.act_copy)
        file_menu.addSeparator()
        file_menu.addAction(self.act_quit)
        run_menu = menus.addMenu("&Run")
        for act in (self.act_step, self.act_step_back, self.act_play, self.act_finish, self.act_iteration):
            run_menu.addAction(act)
        run_menu.addSeparator()
        for act in (self.act_new_sample, self.act_reset, self.act_train, self.act_stop, self.act_compare,
                    self.act_sweep):
            run_menu.addAction(act)
        view_menu = menus.addMenu("&View")
        view_menu.addAction(self.act_full_screen)
        view_menu.addAction(self.act_presentation)
        view_menu.addAction(self.act_dark)
        view_menu.addSeparator()
        view_menu.addAction(self.model_dock.toggleViewAction())
        view_menu.addAction(self.training_dock.toggleViewAction())
        theory = self.theory_dock.toggleViewAction()
        theory.setShortcut(QtGui.QKeySequence("Ctrl+T"))
        theory.setToolTip("Eigenvalues of U, rho and sigma_max, and the Jacobian products (Ctrl+T)")
        self.addAction(theory)
        view_menu.addAction(theory)
        self.panel_actions = {}
        for name, label in (("diagram", "Diagram"), ("heatmaps", "Hidden states and gates"),
                            ("gradients", "Gradient per timestep"), ("loss", "Loss")):
            action = view_menu.addAction(label)
            action.setCheckable(True)
            action.setChecked(True)
            action.toggled.connect(self.slots[name].setVisible)
            self.panel_actions[name] = action
        help_menu = menus.addMenu("&Help")
        help_menu.addAction(self.act_shortcuts)
        help_menu.addAction(self.act_about)

        bar = QtWidgets.QToolBar("Transport")
        bar.setObjectName("transport")
        bar.setToolButtonStyle(QtCore.Qt.ToolButtonStyle.ToolButtonTextOnly)
        for act in (self.act_step_back, self.act_step, self.act_play, self.act_finish, self.act_iteration, self.act_reset,
                    self.act_train):
            bar.addAction(act)
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

    def _build_status_bar(self) -> None:
        status = self.statusBar()
        self.status_phase = QtWidgets.QLabel()
        self.status_loss = QtWidgets.QLabel()
        self.status_ratio = QtWidgets.QLabel()
        self.status_ratio.setToolTip(
            "||dL_T/dh_1|| / ||dL_T/dh_T||: how much of the gradient of the last step's loss "
            "reaches the first timestep. Below 1e-2: vanishing; above 1e2: exploding."
        )
        self.progress = QtWidgets.QProgressBar()
        self.progress.setMaximumWidth(220)
        self.progress.setFormat("%v of %m steps")
        self.progress.hide()
        for w in (self.status_phase, self.status_loss, self.status_ratio):
            w.setMinimumWidth(150)
            status.addWidget(w)
        status.addPermanentWidget(self.progress)

    # -- commands ---------------------------------------------------------------------
    def _guarded(self) -> bool:
        """True when a long run or training is going: the command waits for it."""
        return self.runner.busy or self.training_panel.runner.busy

    def train(self) -> None:
        if self.runner.busy:
            return
        self.player.pause()
        if not self.training_dock.isVisible():
            self.training_dock.show()
            # a strip along the bottom: the main plots keep most of the height
            self.resizeDocks([self.training_dock], [max(220, self.height() // 4)], QtCore.Qt.Orientation.Vertical)
        self.training_panel.train()

    def open_sweep(self) -> None:
        from .sweep_window import SweepWindow

        if self.sweep_window is None:
            self.sweep_window = SweepWindow()
        self.sweep_window.show()
        self.sweep_window.raise_()

    def open_compare(self) -> None:
        """A window with A = this config and B = the preset's comparison (or the other cell)."""
        from .compare_window import CompareWindow

        if self.compare_window is not None:
            self.compare_window.close()
        try:
            self.compare_window = CompareWindow(self.session.config, self.compare_changes)
        except ValueError as error:
            QtWidgets.QMessageBox.warning(self, "Cannot compare", str(error))
            return
        self.compare_window.show()

    def stop(self) -> None:
        self.runner.cancel()
        self.player.pause()
        self.training_panel.runner.stop()

    def step(self) -> None:
        if not self._guarded():
            self.session.step()

    def step_back(self) -> None:
        if not self._guarded() and self.session.can_step_back:
            self.player.pause()
            self.session.step_back()

    def finish_phase(self) -> None:
        if not self._guarded():
            self.runner.start(self.session.steps_to("phase"))

    def run_iteration(self) -> None:
        if not self._guarded():
            self.runner.start(self.session.steps_to("iteration"))

    def reset(self) -> None:
        self.runner.cancel()
        self.player.pause()
        self.session.reset()

    def new_sample(self) -> None:
        self.runner.cancel()
        self.player.pause()
        self.session.new_sample()

    def toggle_full_screen(self) -> None:
        if self.isFullScreen():
            self.showNormal()
        else:
            self.showFullScreen()
        self.act_full_screen.setChecked(self.isFullScreen())

    # -- presentation -----------------------------------------------------------------
    def _restyle(self) -> None:
        """Rebuild every plot under the current theme: the main views, and the Training and
        Theory panels (the training curves are kept; the theory is recomputed)."""
        self.stop()
        self._install_views()
        old_training, old_theory = self.training_panel, self.theory_panel
        self.training_panel = TrainingPanel(self.session, trainer=old_training.trainer)
        self.training_panel.iterations.setValue(old_training.iterations.value())
        self.training_dock.setWidget(self.training_panel)
        self.theory_panel = TheoryPanel(self.session)
        self.theory_dock.setWidget(self.theory_panel)
        for old in (old_training, old_theory):
            old.close()
            old.deleteLater()
        self.redraw()

    def toggle_presentation(self) -> None:
        on = self.act_presentation.isChecked()
        theme.THEME.scale = PRESENTATION_SCALE if on else 1.0
        font = QtWidgets.QApplication.font()
        font.setPointSizeF(self._base_font_pt * theme.THEME.scale)
        QtWidgets.QApplication.setFont(font)
        self.model_dock.setVisible(not on)
        self._restyle()

    def toggle_dark(self) -> None:
        theme.THEME.dark = self.act_dark.isChecked()
        QtWidgets.QApplication.setPalette(theme.palette())
        self._restyle()

    def show_shortcuts(self) -> None:
        QtWidgets.QMessageBox.information(self, "Keyboard shortcuts", SHORTCUTS_HELP)

    def show_about(self) -> None:
        from .. import __version__

        QtWidgets.QMessageBox.about(
            self, "About unrolled",
            f"<b>unrolled {__version__}</b><p>Backpropagation through time, one timestep at a time. "
            "Every number is computed by a NumPy engine checked against finite differences.</p>",
        )

    def _confirm(self, question: str) -> bool:
        answer = QtWidgets.QMessageBox.question(self, "unrolled", question)
        return answer == QtWidgets.QMessageBox.StandardButton.Yes

    # -- model -> view ----------------------------------------------------------------
    def _on_session_changed(self, change: Change) -> None:
        if change & Change.REBUILT:  # another model: runs stop, training curves start afresh
            self.runner.cancel()
            self.player.pause()
            self.training_panel.reset()
        if not self._redraw_timer.isActive():
            self._redraw_timer.start()

    def _on_progress(self, done: int, total: int) -> None:
        self.progress.setMaximum(total)
        self.progress.setValue(done)
        self.progress.setVisible(done < total)

    def _on_run_finished(self) -> None:
        self.progress.hide()

    def _on_playing_changed(self, playing: bool) -> None:
        self.act_play.setText("Pause" if playing else "Play")

    def redraw(self) -> None:
        """Bring every view up to date with the session; at most REDRAW_HZ times a second."""
        for view in self.views:
            view.refresh(self.session)
        self._refresh_status()

    def _on_sequence_chosen(self, number: int) -> None:
        self.heatmaps.sequence = number - 1
        self.heatmaps.refresh(self.session)
        self.model_panel.sample_view.sequence = number - 1
        self.model_panel.sample_view.refresh()

    def _refresh_status(self) -> None:
        s = self.session
        batch = s.config.batch_size
        self.sequence_row.setVisible(batch > 1)
        if self.sequence_box.maximum() != batch:
            self.sequence_box.setMaximum(batch)
            self.sequence_of.setText(f"of {batch}")
        phase = s.phase
        where = f"t = {s.t} of {s.T}" if s.t is not None else f"T = {s.T}"
        self.status_phase.setText(f"Iteration {s.iteration + 1} | {phase.value.capitalize()} | {where}")
        self.status_loss.setText(f"Loss {s.loss:.4g}" if s.loss is not None else "Loss -")
        ratio = s.gradient_ratio()
        if ratio is None:
            self.status_ratio.setText("Gradient ratio: after the backward pass")
        else:
            verdict = gradient_verdict(ratio)
            self.status_ratio.setText(f"||dL_T/dh_1|| / ||dL_T/dh_T|| = {ratio:.3g}: {verdict}")
        self.act_step_back.setEnabled(s.can_step_back)
        where_bad = s.nonfinite_from()
        if where_bad is not None:
            pass_name, t = where_bad
            self.banner.setText(
                f"Values overflowed to inf or nan in the {pass_name} pass from t = {t} on; they are "
                "drawn in magenta. Lower rho(U), the learning rate, or switch on clipping."
            )
        self.banner.setVisible(where_bad is not None)
        if phase is Phase.UPDATE and s.history:
            record = s.history[-1]
            if not record.applied:
                self.banner.setText("The gradient is inf or nan: the update was skipped and the weights kept.")
                self.banner.show()

    def closeEvent(self, event) -> None:
        for window in (self.compare_window, self.sweep_window):
            if window is not None:
                window.close()
        self.theory_panel.close()
        self.training_panel.runner.stop()
        self.runner.cancel()
        self.player.pause()
        self.session.changed.disconnect(self._on_session_changed)
        self.model_panel.close()
        super().closeEvent(event)

"""The main window: model panel, transport, the unrolled diagram and the live plots."""

from __future__ import annotations

import numpy as np
from PySide6 import QtCore, QtGui, QtWidgets

from ..session.events import Change
from ..session.stepper import Phase, Session, gradient_verdict
from .panels.model_panel import ModelPanel
from .plots.diagram import UnrolledDiagram
from .plots.gradients import GradientPanel
from .plots.heatmaps import StateHeatmaps
from .plots.loss import LossPlot
from .runner import REDRAW_HZ, ChunkedRunner, Player

SHORTCUTS_HELP = """<table>
<tr><td><b>Right</b></td><td>step</td></tr>
<tr><td><b>Left</b></td><td>step back (exact undo)</td></tr>
<tr><td><b>Space</b></td><td>play / pause</td></tr>
<tr><td><b>Shift+Right</b></td><td>finish the phase</td></tr>
<tr><td><b>Ctrl+Right</b></td><td>run the whole iteration</td></tr>
<tr><td><b>R</b></td><td>reset (fresh weights from the seed)</td></tr>
<tr><td><b>N</b></td><td>new sample</td></tr>
<tr><td><b>Esc</b></td><td>stop a long run</td></tr>
<tr><td><b>F11</b></td><td>full screen</td></tr>
</table>"""


class MainWindow(QtWidgets.QMainWindow):
    def __init__(self, session: Session | None = None, parent=None):
        super().__init__(parent)
        self.session = session or Session()
        self.setWindowTitle("unrolled: backpropagation through time")
        self.runner = ChunkedRunner(self.session, self)
        self.player = Player(self.session, self)
        self._dirty = Change(0)
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
        self.model_panel = ModelPanel(self.session, self._confirm)
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

        self.banner = QtWidgets.QLabel()
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(
            "background: #ffe0f7; color: #7a0060; border: 1px solid #ff00ff; padding: 6px; font-weight: bold;"
        )
        self.banner.hide()
        self.diagram = UnrolledDiagram()
        self.heatmaps = StateHeatmaps()
        self.gradients = GradientPanel()
        self.loss_plot = LossPlot()

        right = QtWidgets.QSplitter(QtCore.Qt.Orientation.Vertical)
        right.addWidget(self.gradients)
        right.addWidget(self.loss_plot)
        right.setStretchFactor(0, 3)
        right.setStretchFactor(1, 1)
        plots = QtWidgets.QSplitter(QtCore.Qt.Orientation.Horizontal)
        plots.addWidget(self.heatmaps)
        plots.addWidget(right)
        plots.setStretchFactor(0, 1)
        plots.setStretchFactor(1, 1)
        main = QtWidgets.QSplitter(QtCore.Qt.Orientation.Vertical)
        main.addWidget(self.diagram)
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
        self.views = (self.diagram, self.heatmaps, self.gradients, self.loss_plot)

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
        self.act_stop = a("Stop", "Esc", self.runner.cancel, "Stop a long run")
        self.act_full_screen = a("Full screen", "F11", self.toggle_full_screen, "Full screen on or off")
        self.act_full_screen.setCheckable(True)
        self.act_quit = a("Quit", "Ctrl+Q", self.close, "Quit unrolled")
        self.act_shortcuts = a("Keyboard shortcuts", "F1", self.show_shortcuts, "The keyboard shortcuts")
        self.act_about = a("About unrolled", None, self.show_about, "About unrolled")

    def _build_menus_and_toolbar(self) -> None:
        menus = self.menuBar()
        file_menu = menus.addMenu("&File")
        file_menu.addAction(self.act_quit)
        run_menu = menus.addMenu("&Run")
        for act in (self.act_step, self.act_step_back, self.act_play, self.act_finish, self.act_iteration):
            run_menu.addAction(act)
        run_menu.addSeparator()
        for act in (self.act_new_sample, self.act_reset, self.act_stop):
            run_menu.addAction(act)
        view_menu = menus.addMenu("&View")
        view_menu.addAction(self.act_full_screen)
        view_menu.addAction(self.model_dock.toggleViewAction())
        help_menu = menus.addMenu("&Help")
        help_menu.addAction(self.act_shortcuts)
        help_menu.addAction(self.act_about)

        bar = QtWidgets.QToolBar("Transport")
        bar.setObjectName("transport")
        bar.setToolButtonStyle(QtCore.Qt.ToolButtonStyle.ToolButtonTextOnly)
        for act in (self.act_step_back, self.act_step, self.act_play, self.act_finish, self.act_iteration, self.act_reset):
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
        """True when a long run is going: the command waits for it."""
        return self.runner.busy

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
        self._dirty |= change
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
        self._dirty = Change(0)
        for view in self.views:
            view.refresh(self.session)
        self._refresh_status()

    def _refresh_status(self) -> None:
        s = self.session
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
            record = s.history[-1].clip
            if not np.isfinite(record.norm_after):
                self.banner.setText("The gradient is inf or nan: the update was skipped and the weights kept.")
                self.banner.show()

    def closeEvent(self, event) -> None:
        self.runner.cancel()
        self.player.pause()
        self.session.changed.disconnect(self._on_session_changed)
        self.model_panel.close()
        super().closeEvent(event)

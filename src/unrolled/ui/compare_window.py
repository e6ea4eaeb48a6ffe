"""Compare: two networks on the same input and seed, stepping and training in lockstep,
their gradient curves overlaid in one plot and the difference stated in the status bar."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtWidgets

from ..session.compare import Comparison, baseline_loss, describe_changes
from ..session.config import Config, ConfigError
from ..session.events import Change
from . import theme
from .actions import make_action
from .keyboard import SteppingKeys
from .plots.axes import POWER_TICK, LogAxis
from .plots.legend import place_legend_above_data
from .runner import REDRAW_HZ, TrainingRunner
from .transport import Transport

CHOICES = (
    ("B is an LSTM", {"cell": "lstm"}),
    ("B is a GRU", {"cell": "gru"}),
    ("B is a vanilla tanh RNN", {"cell": "rnn", "activation": "tanh"}),
    ("B has another rho(U)", None),  # the value comes from the spin box
    ("B clips the gradient norm", {"clipping": "norm"}),
    ("B does not clip", {"clipping": "none"}),
)


class CompareWindow(QtWidgets.QMainWindow):
    def __init__(self, config: Config, changes: dict | None = None, parent=None):
        super().__init__(parent)
        self.setWindowTitle("unrolled: compare two networks")
        self.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose, False)
        self.comparison = Comparison(config, changes)
        self.choice = QtWidgets.QComboBox()
        for label, _ in CHOICES:
            self.choice.addItem(label)
        self.rho = QtWidgets.QDoubleSpinBox()
        self.rho.setRange(0.05, 3.0)
        self.rho.setSingleStep(0.05)
        self.rho.setValue(1.5)
        self.apply_button = QtWidgets.QPushButton("Compare")
        self.apply_button.setToolTip("Rebuild A and B from the start with this difference")
        self.iterations = QtWidgets.QSpinBox()
        self.iterations.setRange(1, 100000)
        self.iterations.setValue(300)
        self.label_a = QtWidgets.QLabel()
        self.label_b = QtWidgets.QLabel()
        top = QtWidgets.QHBoxLayout()
        for w in (QtWidgets.QLabel("Difference:"), self.choice, self.rho, self.apply_button,
                  QtWidgets.QLabel("  Train iterations:"), self.iterations):
            top.addWidget(w)
        top.addStretch(1)
        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setBackground(theme.THEME.background)
        self.grad_plot = self.graphics.addPlot(row=0, col=0, axisItems={"left": LogAxis("left")})
        self.grad_plot.setLogMode(y=True)
        theme.style_plot(self.grad_plot, "Gradient of the last step's loss",
                         {"bottom": "t", "left": "||dL_T/dh_t||"}, widest_tick=POWER_TICK)
        self.grad_plot.addLegend(offset=(10, 10), labelTextSize=f"{theme.font_pt():.1f}pt",
                                 labelTextColor=theme.THEME.foreground)
        self.loss_plot = self.graphics.addPlot(row=0, col=1)
        theme.style_plot(self.loss_plot, "Loss per iteration", {"bottom": "iteration", "left": "loss"})
        self.loss_legend = self.loss_plot.addLegend(offset=(-10, 10), labelTextSize=f"{theme.font_pt():.1f}pt",
                                                    labelTextColor=theme.THEME.foreground)
        self.curves, self.losses = [], []
        self._names: tuple[str, str] | None = None  # the legends' names, renamed when they change
        self._ticks_for: int | None = None  # the T the gradient plot's t axis is labelled for
        # a marker at every point: after one iteration the loss is one point, which a line alone leaves out
        for colour, symbol in ((theme.BLUE, "o"), (theme.ORANGE, "s")):
            marks = {"symbol": symbol, "symbolSize": theme.px(7), "symbolBrush": colour, "symbolPen": None}
            self.curves.append(self.grad_plot.plot([], [], pen=theme.pen(colour), connect="finite", **marks))
            self.losses.append(self.loss_plot.plot([], [], pen=theme.pen(colour), **marks))
        # the loss of a model that ignores its input (guessing, or predicting the mean), a
        # data item so that the y range includes it
        self.chance = self.loss_plot.plot([], [], pen=theme.pen(theme.GREY, 1.5, QtCore.Qt.PenStyle.DashLine))
        self.baseline = baseline_loss(config)  # A and B share the task, hence the loss and C
        if self.baseline is not None:
            self.loss_legend.addItem(self.chance, self.baseline[1])
        for plot in (self.grad_plot, self.loss_plot):
            plot.setMenuEnabled(False)
        self.summary = QtWidgets.QLabel()
        self.summary.setWordWrap(True)
        central = QtWidgets.QWidget()
        layout = QtWidgets.QVBoxLayout(central)
        layout.addLayout(top)
        layout.addWidget(self.label_a)
        layout.addWidget(self.label_b)
        layout.addWidget(self.graphics, 1)
        layout.addWidget(self.summary)
        self.setCentralWidget(central)
        self.status = self.statusBar()

        self.trainer_runner = TrainingRunner(self.comparison, self)
        self.trainer_runner.finished.connect(self._on_training_finished)
        self.transport = Transport(self.comparison, self,
                                   ("step_back", "step", "finish", "iteration", "stop", "reset"),
                                   busy=lambda: self.trainer_runner.busy, stops=self.trainer_runner.stop,
                                   tip_suffix="; both networks in lockstep")
        self.runner = self.transport.runner
        self.act_train = make_action(self, "Train", "T", self.train, "Train A and B on the same batches")
        bar = self.addToolBar("Transport")
        run = self.transport.actions
        bar.addActions([run[n] for n in ("step_back", "step", "finish", "iteration")])
        bar.addActions([self.act_train, run["stop"], run["reset"]])
        self.keys = SteppingKeys(self, run.values(), self.graphics.setFocus)
        # the keyboard starts on the plots, not on the choice of difference: a remote's
        # Up or Down must not turn B from an LSTM into a GRU
        self.choice.setFocusPolicy(QtCore.Qt.FocusPolicy.ClickFocus)
        self.graphics.setFocusPolicy(QtCore.Qt.FocusPolicy.StrongFocus)
        self.graphics.setFocus()
        self.apply_button.clicked.connect(self.apply_choice)
        self.choice.currentIndexChanged.connect(
            lambda: self.rho.setEnabled(CHOICES[self.choice.currentIndex()][1] is None)
        )
        self._select(self.comparison.changes)
        self._timer = QtCore.QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(int(1000 / REDRAW_HZ))
        self._timer.timeout.connect(self.redraw)
        self.comparison.changed.connect(self._on_changed)
        self.resize(1200, 700)
        self.redraw()

    # -- commands -----------------------------------------------------------------------
    def train(self) -> None:
        if not self.transport.busy:
            self.status.showMessage("Training A and B on the same batches...")
            self.trainer_runner.start(self.iterations.value())

    def _select(self, changes: dict) -> None:
        for i, (_, preset) in enumerate(CHOICES):
            if preset is None and set(changes) == {"rho"}:
                self.rho.setValue(changes["rho"])
                self.choice.setCurrentIndex(i)
                return
            if preset == changes:
                self.choice.setCurrentIndex(i)
                return

    def apply_choice(self) -> None:
        changes: dict = CHOICES[self.choice.currentIndex()][1] or {"rho": self.rho.value()}
        self.transport.stop()
        try:
            fresh = Comparison(self.comparison.a.config, changes)
        except (ConfigError, ValueError) as error:
            QtWidgets.QMessageBox.warning(self, "Cannot compare", str(error))
            return
        self.comparison.changes = fresh.changes
        self.comparison.reset()

    def _on_training_finished(self, message: str) -> None:
        self.status.showMessage(message or "Trained A and B in lockstep.", 10000)

    # -- drawing --------------------------------------------------------------------------
    def _on_changed(self, change: Change) -> None:
        if not self._timer.isActive():
            self._timer.start()

    def redraw(self) -> None:
        c = self.comparison
        for curve, loss, s in zip(self.curves, self.losses, c.sessions):
            values = s.gradient_curve()
            if values is None or np.count_nonzero(np.isfinite(values) & (values > 0)) < 2:
                curve.setData([], [])
            else:
                t = np.arange(1, s.T + 1)
                keep = np.isfinite(values) & (values > 0)
                curve.setData(t[keep], values[keep])
            history = np.array(s.loss_history, dtype=float)
            loss.setData(np.arange(1, len(history) + 1)[np.isfinite(history)], history[np.isfinite(history)])
        if self._ticks_for != c.a.T:  # whole timesteps, also before the first backward pass
            theme.set_integer_ticks(self.grad_plot.getAxis("bottom"), c.a.T, target=8)
            self.grad_plot.setXRange(0.5, c.a.T + 0.5, padding=0)
            self._ticks_for = c.a.T
        self._name_curves()
        self._draw_chance()
        # off the curves and the baseline line (the dashed line ran through "chance (ln 5)")
        place_legend_above_data(self.loss_plot, self.loss_legend)
        name_a, name_b = c.names
        self.label_a.setText(f"<b>A ({name_a})</b>: {c.a.config.cell}, T = {c.a.T}, D = {c.a.config.n_hidden}, "
                             f"task {c.a.config.task}; phase {c.a.phase.value}, t = {c.a.t or '-'}")
        self.label_b.setText(f"<b>B ({name_b})</b>: as A but {describe_changes(c.changes)}")
        self.summary.setText(c.summary())

    def _name_curves(self) -> None:
        """Legend entries by model ("RNN", "LSTM"), renamed when the difference changes."""
        names = self.comparison.names
        if self._names == names:
            return
        self._names = names
        for plot, items in ((self.grad_plot, self.curves), (self.loss_plot, self.losses)):
            legend = plot.legend
            for item in (*items, self.chance):
                legend.removeItem(item)
            for item, name in zip(items, names):
                item.opts["name"] = name
                legend.addItem(item, name)
        if self.baseline is not None:  # last, under the two models
            self.loss_legend.addItem(self.chance, self.baseline[1])

    def _draw_chance(self) -> None:
        """The baseline across the iterations drawn: ln C for cross-entropy ("chance"), the
        targets' variance for MSE ("predict the mean"): a model under it has learnt something."""
        last = max(1, *(len(s.history) for s in self.comparison.sessions))
        theme.set_integer_ticks(self.loss_plot.getAxis("bottom"), last, target=8)  # never iteration 1.5
        if self.baseline is not None:
            self.chance.setData([0.5, last + 0.5], [self.baseline[0]] * 2)

    def closeEvent(self, event) -> None:
        self.keys.detach()
        self.transport.detach()
        self.comparison.changed.disconnect(self._on_changed)
        super().closeEvent(event)

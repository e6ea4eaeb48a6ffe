"""Compare: two networks on the same input and seed, stepping and training in lockstep,
their gradient curves overlaid in one plot and the difference stated in the status bar."""

from __future__ import annotations

from PySide6 import QtCore, QtGui, QtWidgets

from ...session.compare import Comparison, describe_changes
from ...session.config import FRESH, WEIGHTS_FIELDS, Config, ConfigError
from ...session.events import Change
from ...session.own_model import model_said
from ...session.step_order import DIRECTION_NAMES
from ...session.stepper import Session
from ..control.actions import make_action
from ..control.keyboard import SteppingKeys
from ..control.redraw import RedrawThrottle
from ..control.runner import TrainingRunner
from ..control.transport import Transport
from ..plots.comparison import ComparisonPlots
from ..theme import THEME

# A window shorter than this at the theme's scale (under a lesson's text on a 1280x720 or
# 1366x768 projector in F5) is short: its column's margins shrink, the plots' t axes lose
# their names (the ticks stay), and B's note on its steps goes to its tooltip, so that
# both plots keep READABLE_DATA_PX of data without scrolling.
SHORT_WINDOW_PX = 450
SHORT_MARGIN_PX = 2

CHOICES = (
    ("B is an LSTM", {"cell": "lstm"}),
    ("B is a GRU", {"cell": "gru"}),
    ("B is a vanilla tanh RNN", {"cell": "rnn", "activation": "tanh"}),
    ("B has another rho(U)", None),  # the value comes from the spin box
    ("B clips the gradient norm", {"clipping": "norm"}),
    ("B does not clip", {"clipping": "none"}),
    ("B has 4 layers", {"layers": 4}),
    ("B has 1 layer", {"layers": 1}),
    ("B is bidirectional", {"bidirectional": True}),
    ("B runs one direction", {"bidirectional": False}),
    ("B is a fresh model of the same shape", {FRESH: True}),  # opened weights only
)


def where_it_is(session: Session) -> str:
    """ "phase forward, layer 2 reverse, t = 3": the place of the last step, the layer and
    direction named only where the network has more than one."""
    place, config = session.place, session.config
    text = f"phase {place.phase.value}"
    if place.layer is not None and place.direction is not None and (config.layers > 1 or config.bidirectional):
        text += f", layer {place.layer + 1}" + (f" {DIRECTION_NAMES[place.direction]}" if config.bidirectional else "")
    return text + f", t = {place.t or '-'}"


def shape_of(config: Config) -> str:
    """ "T = 20, D = 12, 4 layers, bidirectional" """
    depth = f", {config.layers} layers" if config.layers > 1 else ""
    return f"T = {config.timesteps}, D = {config.n_hidden}{depth}{', bidirectional' if config.bidirectional else ''}"


class CompareWindow(QtWidgets.QMainWindow):
    def __init__(self, config: Config, changes: dict | None = None, parent=None):
        super().__init__(parent)
        self.setWindowTitle("unrolled: compare two networks")
        self.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose, False)
        self.comparison = Comparison(config, changes)
        self.choice = QtWidgets.QComboBox()
        self.choices = list(CHOICES)  # and the comparison's own difference, when it is none of these
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
        for line in (self.label_a, self.label_b):  # on one line, B's note on its steps made the
            line.setWordWrap(True)  # window wider than a 1366 px projector in presentation mode
        top = QtWidgets.QHBoxLayout()
        for w in (QtWidgets.QLabel("Difference:"), self.choice, self.rho, self.apply_button,
                  QtWidgets.QLabel("  Train iterations:"), self.iterations):
            top.addWidget(w)
        top.addStretch(1)
        self._set_graphics(ComparisonPlots(self.comparison))
        self.summary = QtWidgets.QLabel()
        self.summary.setWordWrap(True)
        central = QtWidgets.QWidget()
        layout = QtWidgets.QVBoxLayout(central)
        layout.addLayout(top)
        layout.addWidget(self.label_a)
        layout.addWidget(self.label_b)
        layout.addWidget(self.graphics, 1)
        layout.addWidget(self.summary)
        # the plots keep readable data areas (ComparisonPlots.keep_readable): in a short window
        # (under a lesson's text on a 1280x720 projector) the column scrolls, the plots stay
        scroll = QtWidgets.QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QtWidgets.QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(QtCore.Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(central)
        self.setCentralWidget(scroll)
        self.status = self.statusBar()
        self.short = False

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
        self.keys = SteppingKeys(self, run.values(), lambda: self.graphics.setFocus())
        # the keyboard starts on the plots, not on the choice of difference: a remote's
        # Up or Down must not turn B from an LSTM into a GRU
        self.choice.setFocusPolicy(QtCore.Qt.FocusPolicy.ClickFocus)
        self.graphics.setFocusPolicy(QtCore.Qt.FocusPolicy.StrongFocus)
        self.graphics.setFocus()
        self.apply_button.clicked.connect(self.apply_choice)
        self.choice.currentIndexChanged.connect(
            lambda: self.rho.setEnabled(self.choices[self.choice.currentIndex()][1] is None)
        )
        self._disable_what_does_not_apply(config)
        self._select(self.comparison.changes)
        self.redraws = RedrawThrottle(self)  # the one path from the comparison to the plots and labels
        self.comparison.changed.connect(self._on_changed)
        self.resize(1200, 700)
        self.redraw()
        self.redraws.register(self, lambda change: self.redraw(), drawn=True)

    def _set_graphics(self, graphics: ComparisonPlots) -> None:
        self.graphics = graphics
        # the plots by name, as the window's tests and shortcuts reach them
        self.grad_plot, self.loss_plot = graphics.grad_plot, graphics.loss_plot
        self.curves, self.losses, self.chance = graphics.curves, graphics.losses, graphics.chance
        self.baseline = graphics.baseline

    def restyle(self) -> None:
        """The plots built again under the current theme (presentation mode's fonts, the
        dark colours), as the main window's are: labels follow the application's font alone."""
        old = self.graphics
        self._set_graphics(ComparisonPlots(self.comparison))
        self.graphics.setFocusPolicy(QtCore.Qt.FocusPolicy.StrongFocus)
        box = self.centralWidget().widget().layout()  # type: ignore[attr-defined]  # the scroll area's column
        assert box is not None  # the window's column of widgets
        box.replaceWidget(old, self.graphics)
        old.setParent(None)
        old.deleteLater()
        self.graphics.name_the_t_axes(not self.short)
        self.redraw()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        short = self.height() < round(SHORT_WINDOW_PX * THEME.scale)
        if short != self.short and hasattr(self, "redraws"):
            self.short = short
            box = self.centralWidget().widget().layout()  # type: ignore[attr-defined]  # the scroll area's column
            margin = SHORT_MARGIN_PX if short else self.style().pixelMetric(
                QtWidgets.QStyle.PixelMetric.PM_LayoutLeftMargin)
            box.setContentsMargins(margin, margin, margin, margin)
            box.setSpacing(SHORT_MARGIN_PX if short else -1)  # -1: the style's
            self.graphics.name_the_t_axes(not short)
            self.redraw()

    # -- commands -----------------------------------------------------------------------
    def train(self) -> None:
        if not self.transport.busy:
            self.status.showMessage("Training A and B on the same batches...")
            self.trainer_runner.start(self.iterations.value())

    def _disable_what_does_not_apply(self, config: Config) -> None:
        """Greyed, saying why: of opened weights, the differences that change what they fix
        (the cell, its shape); of the app's own model, a fresh copy of opened weights; and
        a difference A has already ("B has 4 layers" beside a 4-layer A)."""
        model = self.choice.model()
        assert isinstance(model, QtGui.QStandardItemModel)
        for i, (_, changes) in enumerate(self.choices):
            fixed = sorted(set(changes or {}) & set(WEIGHTS_FIELDS))
            why = ""
            if config.weights and fixed:
                why = (f"The weights {config.weights_name()} fix the {' and '.join(fixed)}; B may be a fresh "
                       "model of their shape, rescale their U (another rho), clip, or learn otherwise")
            elif not config.weights and (changes or {}).get(FRESH):
                why = "For opened weights (File > Open weights): their trained model against a fresh one"
            elif changes and all(getattr(config, name, None) == value for name, value in changes.items()):
                why = "A is like that already: B would be the same network"
            if why:
                model.item(i).setEnabled(False)
                model.item(i).setToolTip(why)

    def _select(self, changes: dict) -> None:
        """Show B's difference in the choice: one of CHOICES, or an entry of its own that
        names it (a preset's comparison may change several settings)."""
        for i, (_, preset) in enumerate(self.choices):
            if preset is None and set(changes) == {"rho"}:
                self.rho.setValue(changes["rho"])
                self.choice.setCurrentIndex(i)
                return
            if preset == changes:
                self.choice.setCurrentIndex(i)
                return
        self.choices.append((f"B: {describe_changes(changes)}", dict(changes)))
        self.choice.addItem(self.choices[-1][0])
        self.choice.setCurrentIndex(len(self.choices) - 1)

    def apply_choice(self) -> None:
        changes: dict = self.choices[self.choice.currentIndex()][1] or {"rho": self.rho.value()}
        self.transport.stop()
        try:
            fresh = Comparison(self.comparison.a.config, changes)
        except (ConfigError, ValueError) as error:
            QtWidgets.QMessageBox.warning(self, "Cannot compare", str(error))
            return
        self.comparison.changes = fresh.changes
        self.comparison.reset()

    def _on_training_finished(self, message: str) -> None:
        c = self.comparison
        # after training each network starts its iteration afresh: one forward and backward
        # pass on the batch draws the trained networks' gradients
        c.show_gradients()
        stopped = c.stopped_note()
        if message:
            self.status.showMessage(message)
        elif stopped:
            self.status.showMessage(stopped)
        else:
            self.status.showMessage("Trained A and B on the same batches; the gradient plot shows them now, "
                                    "after one forward and backward pass on the batch.", 10000)

    # -- drawing --------------------------------------------------------------------------
    def _on_changed(self, change: Change) -> None:
        self.redraws.request(change)

    def redraw(self) -> None:
        c = self.comparison
        self.graphics.refresh(c)
        name_a, name_b = c.names
        self.label_a.setText(f"<b>A ({name_a})</b>: {c.a.config.cell}, {shape_of(c.a.config)}, "
                             f"{model_said(c.a.config)}; {where_it_is(c.a)}")
        steps = ""
        if c.a.steps_per_iteration != c.b.steps_per_iteration:  # the step keys step the longer one
            steps = (f" ({c.leader.steps_per_iteration} steps an iteration against "
                     f"{c.follower.steps_per_iteration}: a step is one of {'A' if c.leader is c.a else 'B'}'s, "
                     f"the other waits at the end of each pass)")
        self.label_b.setText(f"<b>B ({name_b})</b>: as A but {describe_changes(c.changes)}; {where_it_is(c.b)}"
                             f"{'' if self.short else steps}")
        self.label_b.setToolTip(steps.strip(" ()") if self.short else "")
        self.summary.setText(c.summary())

    def closeEvent(self, event) -> None:
        self.keys.detach()
        self.transport.detach()
        self.comparison.changed.disconnect(self._on_changed)
        self.redraws.unregister(self)
        super().closeEvent(event)

"""Train live: N iterations or until stopped, with progress, iterations per second and time
left; the loss (main window), accuracy, the gradient norm before and after clipping, and
||dL/dh_t|| of the latest batch update as it trains. The window owns the training (its
runner); the panel is handed the trainer whose curves it draws and what its buttons call,
and its curves are redrawn by the window's throttle, at the throttle's rate."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtWidgets

from ...session.char_samples import is_char_lm
from ...session.events import Change
from ...session.stepper import Session
from ...session.training import Trainer, TrainingStep
from .. import theme
from ..plots.axes import POWER_TICK, IntegerAxis, LogAxis
from ..plots.legend import place_legend_above_data
from ..plots.style import set_integer_ticks, style_plot
from ..plots.training import set_clip_norms
from .scrolling import keep_rows, scrolled
from .text_training import TextTraining

COLUMN_BELOW_PX = 720  # narrower than this, the three plots stand in a column


class TrainingPanel(QtWidgets.QWidget):
    def __init__(self, session: Session, parent=None, trainer: Trainer | None = None,
                 start: Callable[[int], None] | None = None, stop: Callable[[], None] = lambda: None,
                 busy: Callable[[], bool] = lambda: False):
        """trainer: whose curves to draw (the window's, so they outlive a change of style).
        start(n): train n iterations (without it, Train is off: a panel that only shows curves);
        stop(): stop after the current iteration; busy(): a run is going. The panel hears how
        a run goes through `show_progress` and `show_finished`."""
        super().__init__(parent)
        self.session = session
        self.trainer = trainer or Trainer(session)
        self._start, self._stop, self._busy = start, stop, busy
        self._steps_before = 0  # the trainer's steps when the latest run began
        self.iterations = QtWidgets.QSpinBox()
        self.iterations.setRange(1, 100000)
        self.iterations.setValue(200)
        self.iterations.setToolTip("How many iterations to train; each draws a fresh batch from the task")
        self.train_button = QtWidgets.QPushButton("Train")
        self.train_button.setToolTip("Train for the chosen number of iterations (T)")
        self.stop_button = QtWidgets.QPushButton("Stop")
        self.stop_button.setToolTip("Stop after the current iteration; the model stays consistent (Esc)")
        self.stop_button.setEnabled(False)
        self.progress = QtWidgets.QProgressBar()
        self.progress.setFormat("%v of %m iterations")
        self.progress.setMaximum(self.iterations.value())
        # the bar's "0 of N" follows the number chosen, until a run sets it
        self.iterations.valueChanged.connect(lambda n: None if self._busy() else self.progress.setMaximum(n))
        self.rate = QtWidgets.QLabel("Not trained yet")
        self.rate.setWordWrap(True)  # "12.3 it/s, 5 s left" on two lines in a narrow dock
        self.message = QtWidgets.QLabel()
        self.message.setWordWrap(True)
        # two rows (the number, then the buttons and the progress): one row would make the
        # panel, and its dock, too wide for a projector's 1280 px beside the Model panel
        row = QtWidgets.QGridLayout()
        row.addWidget(QtWidgets.QLabel("Iterations"), 0, 0)
        row.addWidget(self.iterations, 0, 1)
        row.addWidget(self.rate, 0, 2, 1, 2)
        row.addWidget(self.train_button, 1, 0)
        row.addWidget(self.stop_button, 1, 1)
        row.addWidget(self.progress, 1, 2, 1, 2)
        row.setColumnStretch(3, 1)
        self.rate.setMinimumWidth(0)
        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setBackground(theme.THEME.background)
        # whole iterations and timesteps on the x axes: never "1.5", never "0 0.20.40.6" when empty
        self.accuracy_plot = self.graphics.addPlot(row=0, col=0, axisItems={"bottom": IntegerAxis("bottom")})
        # no rotated "accuracy" beside it: the title names it, and in a short dock (F5, the
        # Theory panel below) the scroll area's edge cut that label to "ccuracy"
        style_plot(self.accuracy_plot, theme.THEME, "Accuracy per iteration (classification)", {"bottom": "iteration"})
        self.accuracy_plot.setYRange(0, 1)
        self.norm_plot = self.graphics.addPlot(row=0, col=1, axisItems={"left": LogAxis("left"),
                                                                        "bottom": IntegerAxis("bottom")})
        self.norm_plot.setLogMode(y=True)
        style_plot(self.norm_plot, theme.THEME, "Gradient norm, before and after clipping",
                         {"bottom": "iteration", "left": "||g||"}, widest_tick=POWER_TICK)
        self.latest_plot = self.graphics.addPlot(row=0, col=2, axisItems={"left": LogAxis("left"),
                                                                          "bottom": IntegerAxis("bottom")})
        self.latest_plot.setLogMode(y=True)
        style_plot(self.latest_plot, theme.THEME, "||dL/dh_t|| of the latest batch", {"bottom": "t", "left": "norm"},
                         widest_tick=POWER_TICK)
        # the data areas of the three plots line up in a column
        self.accuracy_plot.getAxis("left").setWidth(self.norm_plot.getAxis("left").width())
        self.norm_plot.addLegend(offset=(10, 10), labelTextSize=f"{theme.THEME.points():.1f}pt",
                                 labelTextColor=theme.THEME.foreground)
        # placed again in the plot's final size: curves drawn before the panel is laid out
        # (a lesson's stop trains first, then opens the panel) would lie under the legend
        self.norm_plot.vb.sigResized.connect(self._place_legend)
        self.accuracy = self.accuracy_plot.plot([], [], pen=theme.THEME.pen(theme.GREEN))
        self.before = self.norm_plot.plot([], [], pen=theme.THEME.pen(theme.VERMILION), name="before clipping")
        self.after = self.norm_plot.plot([], [], pen=theme.THEME.pen(theme.BLUE, style=QtCore.Qt.PenStyle.DashLine),
                                         name="after clipping")
        self.latest = self.latest_plot.plot([], [], pen=theme.THEME.pen(theme.BLUE), connect="finite")
        for plot in (self.accuracy_plot, self.norm_plot, self.latest_plot):
            plot.setMenuEnabled(False)
            plot.setMouseEnabled(x=False, y=False)  # the wheel scrolls the panel, it does not zoom a plot
        layout = QtWidgets.QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.message)
        # a char-lm's samples, bits per character, characters per second: above the plots,
        # scrolling with them, so a short dock (F5 at 1280 x 720) still fits the window
        self.text_training = TextTraining(session)
        content = QtWidgets.QWidget()
        column = QtWidgets.QVBoxLayout(content)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.text_training)
        column.addWidget(self.graphics, 1)
        self.plots_scroll = scrolled(content, rows=0)
        keep_rows(self.graphics, 1)
        layout.addWidget(self.plots_scroll, 1)
        self.train_button.setEnabled(start is not None)
        self.train_button.clicked.connect(self.train)
        self.stop_button.clicked.connect(lambda: self._stop())
        if self.trainer.steps:  # an earlier panel's curves (F5, the dark theme): the rebuilt panel says so too
            self._say_trained()
        self.refresh()

    def train(self) -> None:
        if self._start is None or self._busy():
            return
        self.message.setText("")
        self.message.setStyleSheet("")
        self.train_button.setEnabled(False)
        self.stop_button.setEnabled(True)
        self.progress.setMaximum(self.iterations.value())
        self.progress.setValue(0)
        self._steps_before = len(self.trainer.steps)
        self._start(self.iterations.value())

    def catch_up(self, change: Change) -> None:
        """The window's throttle: draw what changed (a rebuilt session: a new model, whose
        curves start afresh; HISTORY: the run's curves grew)."""
        if change & Change.REBUILT:
            self._show_new_model()
        else:
            self.refresh()

    def _show_new_model(self) -> None:
        """The old model's curves are gone (the window's training forgot them); a lesson may
        have given the new one curves of its own since."""
        self._say_trained()
        self.message.setText("")
        self.progress.setValue(0)
        self.text_training.forget()
        self.refresh()
        # the old model's 1e200 and 200 iterations must not frame the new one: with no data,
        # auto range keeps the range it had, so the neutral one is set first
        self.accuracy_plot.setRange(xRange=(0, 1), yRange=(0, 1), padding=0)
        self.accuracy_plot.enableAutoRange(axis="x")
        for plot in (self.norm_plot, self.latest_plot):
            plot.setRange(xRange=(0, 1), yRange=(-1, 1), padding=0)  # log10: 0.1 to 10
            plot.enableAutoRange()

    def show_steps(self, steps: list[TrainingStep]) -> None:
        """The curves of a training run made elsewhere (a lesson's stop), on this session."""
        self.trainer.steps[:] = steps
        if steps:
            self._say_trained()
        self.refresh()

    def _say_trained(self) -> None:
        trained = len(self.trainer.steps)
        self.rate.setText(f"Trained: {trained} iteration{'s' if trained != 1 else ''}" if trained
                          else "Not trained yet")

    def show_progress(self, done: int, total: int, rate: float, left: float) -> None:
        self.progress.setValue(done)
        self.rate.setText(f"{rate:.0f} it/s, {left:.0f} s left")
        self.text_training.show_rate(rate)

    def show_finished(self, message: str) -> None:
        """A run ended; its last curves come with the window's next redraw."""
        # what this run did, also when it stopped early (an overflow, Esc) before a progress report
        done = len(self.trainer.steps) - self._steps_before
        self.progress.setValue(min(done, self.progress.maximum()))
        self._say_trained()  # no "2 it/s, 21 s left" once stopped
        if is_char_lm(self.session) and self.trainer.steps:  # what the run ended with
            self.text_training.draw_sample(self.trainer.steps[-1].iteration)
        self.train_button.setEnabled(True)
        self.stop_button.setEnabled(False)
        if message:
            self.message.setText(message)
            self.message.setStyleSheet("color: #b00020; font-weight: bold;" if "Training stopped" in message else "")
        else:
            self.message.setText(f"Trained: {len(self.trainer.steps)} iterations in all. Step through an "
                                 "iteration of the trained model with Right.")

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._arrange(in_a_column=event.size().width() < COLUMN_BELOW_PX)

    def _arrange(self, in_a_column: bool) -> None:
        """Side by side in a wide strip; one above the other in a narrow column."""
        if in_a_column == getattr(self, "_in_a_column", False):
            return
        self._in_a_column = in_a_column
        plots = (self.accuracy_plot, self.norm_plot, self.latest_plot)
        for plot in plots:
            self.graphics.ci.removeItem(plot)
        for i, plot in enumerate(plots):
            self.graphics.ci.addItem(plot, row=i if in_a_column else 0, col=0 if in_a_column else i)
        keep_rows(self.graphics, 3 if in_a_column else 1)

    def refresh(self) -> None:
        self.accuracy_plot.setVisible(self.trainer.classification)  # regression has no accuracy
        steps = self.trainer.steps
        self.text_training.setVisible(is_char_lm(self.session))
        if is_char_lm(self.session):
            self.text_training.catch_up(steps)
        last_iteration = max((s.iteration for s in steps), default=0)
        for plot in (self.accuracy_plot, self.norm_plot):
            set_integer_ticks(plot.getAxis("bottom"), last_iteration)
        set_integer_ticks(self.latest_plot.getAxis("bottom"), len(steps[-1].dh_norm) if steps else 0)
        if not steps:
            for curve in (self.accuracy, self.before, self.after, self.latest):
                curve.setData([], [])
            return
        iterations = np.array([s.iteration for s in steps])
        accuracy = np.array([np.nan if s.accuracy is None else s.accuracy for s in steps])
        finite = np.isfinite(accuracy)
        self.accuracy.setData(iterations[finite], accuracy[finite])
        # as the exported figure: a zero norm is a gap, not a point at 1e-300, which would
        # leave no room below 10^308 for the legend
        set_clip_norms(self.before, self.after, steps, theme.THEME)
        latest = steps[-1].dh_norm
        t = np.arange(1, len(latest) + 1)
        keep = np.isfinite(latest) & (latest > 0)
        self.latest.setData(t[keep], latest[keep])
        self._place_legend()

    def _place_legend(self, *_) -> None:
        """Off the curves, which fill the plot; the log axis keeps whole decades (labelled)."""
        if self.trainer.steps and self.norm_plot.vb.height() > 0:
            place_legend_above_data(self.norm_plot, self.norm_plot.legend, decades=True)

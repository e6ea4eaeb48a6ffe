"""The status bar and the overflow banner, bound to the session: where the session is
(iteration, phase, t), the loss, the gradient ratio with its verdict, the progress of a
long run, and a banner when values overflowed or an update was skipped."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
from PySide6 import QtCore, QtGui, QtWidgets

from ...session.gradient_reading import ratio_reading
from ...session.overflow_watch import LargestState, OverflowWatch
from ...session.step_order import DIRECTION_NAMES, Place
from ...session.stepper import Phase, Session
from ..control.runner import ChunkedRunner

BANNER_STYLE = "background: #ffe0f7; color: #7a0060; border: 1px solid #ff00ff; padding: 6px; font-weight: bold;"


PROGRESS_AFTER = 0.3  # seconds: a shorter run needs no progress bar
PROGRESS_HZ = 10  # QProgressBar.setValue repaints the window at once: not at every chunk
UNLIMITED = 16777215  # QWIDGETSIZE_MAX: no maximum size
RATIO_TIP = ("||dL_T/dh_1|| / ||dL_T/dh_T||: how much of the gradient of the last step's loss "
             "reaches the first timestep. Below 1e-2: vanishing; above 1e2: exploding.")
EXPLODED_STATE = 1e6  # |h_t| beyond this has blown up even while finite (tanh keeps h within 1)

# The status bar's labels share the screen's width, less a run's progress bar and the bar's
# spacing (STATUS_SPACING_PX): together they never make the window wider than the screen. The
# loss takes at most its share; the phase (where the lecture is: the layer, direction and t)
# all but RATIO_LEAST_PX of the rest; the ratio what is left, cut first (its verdict comes
# before its "(x0.73 a step)").
LOSS_SHARE = 0.15
RATIO_LEAST_PX = 150
STATUS_SPACING_PX = 48
GAP_EMS = 1.5  # the air after each field, in widths of "M": "of 30" and "Loss" must not touch


def layer_words(session: Session, place: Place) -> str:
    """The layer and direction of a step of a stack ("layer 2 reverse, "; "layer 3, " with
    one direction); nothing for one layer in one direction, whose steps are timesteps."""
    if session.net.stack is None or place.layer is None or place.direction is None:
        return ""
    direction = f" {DIRECTION_NAMES[place.direction]}" if session.config.bidirectional else ""
    return f"layer {place.layer + 1}{direction}, "


class ElidedLabel(QtWidgets.QLabel):
    """A one-line label that, narrower than its text, draws it cut with "..." (the caller
    puts the whole text in its tooltip) instead of cutting it at the edge or widening
    the window."""

    def paintEvent(self, event) -> None:
        rect = self.contentsRect()
        text = self.fontMetrics().elidedText(self.text(), QtCore.Qt.TextElideMode.ElideRight, rect.width())
        painter = QtGui.QPainter(self)
        painter.setPen(self.palette().color(self.foregroundRole()))
        painter.drawText(rect, int(self.alignment()), text)
        painter.end()

    def minimumSizeHint(self) -> QtCore.QSize:
        return QtCore.QSize(self.minimumWidth(), super().minimumSizeHint().height())

    def elided(self) -> bool:
        return self.fontMetrics().horizontalAdvance(self.text()) > self.contentsRect().width()


def _set_text(label: QtWidgets.QLabel, text: str, cap: int = UNLIMITED) -> bool:
    """A label's text, in a width that only grows, up to `cap` (the text beyond it elided):
    a label of fixed size does not make the status bar and the window lay themselves out
    again (and repaint) at every step. True when the text is cut (its tooltip should say it)."""
    font = label.font().key()
    if label.property("fitted_font") != font:  # F5 and back: the size of the old font goes
        label.setMinimumSize(min(150, cap), 0)
        label.setMaximumSize(UNLIMITED, UNLIMITED)
        label.setProperty("fitted_font", font)
        # a QLabel's cached size hint is at least the minimum size it was computed under (F5's
        # height, on leaving F5) and a change of that minimum does not renew it; its text does
        label.clear()
    label.setText(text)
    natural = max(label.sizeHint().width(), label.minimumWidth())
    wanted = min(natural, cap)
    if label.maximumWidth() != wanted:
        label.setFixedWidth(wanted)
    if label.maximumHeight() != label.sizeHint().height():
        label.setFixedHeight(label.sizeHint().height())
    return natural > wanted


class SessionStatus:
    """Fills `bar` with the session's labels and the runner's progress, and owns `banner`
    (placed by the window above the plots). `refresh()` brings them up to date."""

    def __init__(self, session: Session, bar: QtWidgets.QStatusBar, runner: ChunkedRunner):
        self.session = session
        self.nonfinite_from = OverflowWatch()
        self.largest_state = LargestState()
        self.banner = QtWidgets.QLabel()
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(BANNER_STYLE)
        self.banner.hide()
        self.bar = bar
        self.phase = ElidedLabel()
        self.loss = ElidedLabel()
        self.ratio = ElidedLabel()
        self.ratio.setToolTip(RATIO_TIP)
        self.progress = QtWidgets.QProgressBar()
        self.progress.setMaximumWidth(220)
        self.progress.setFormat("%v of %m steps")
        self.progress.hide()
        for label in (self.phase, self.loss, self.ratio):
            label.setMinimumWidth(150)
            bar.addWidget(label)
        # what a command did ("Saved ..."), beside the step readout: the status bar's own
        # messages hide its labels, and a Right pressed meanwhile seemed to do nothing
        self.notice = ElidedLabel()
        self.notice.setStyleSheet("color: #1a7f37;")
        self.notice.setMinimumWidth(1)
        self.notice.setSizePolicy(QtWidgets.QSizePolicy.Policy.Ignored, QtWidgets.QSizePolicy.Policy.Preferred)
        bar.addPermanentWidget(self.notice, 1)
        self._notice_timer = QtCore.QTimer(bar)
        self._notice_timer.setSingleShot(True)
        self._notice_timer.timeout.connect(self.notice.clear)
        bar.addPermanentWidget(self.progress)
        self._run_started = self._progress_shown = 0.0
        runner.started.connect(self._on_run_started)
        runner.progress.connect(self._on_progress)
        runner.finished.connect(self.progress.hide)

    def showMessage(self, text: str, timeout_ms: int = 5000) -> None:  # as QStatusBar's
        """Say what a command did for a few seconds, the step readout staying in view."""
        self.notice.setText(text)
        self.notice.setToolTip(text)  # the whole of it, when the bar is too narrow for it
        self._notice_timer.start(timeout_ms or 5000)

    def _on_run_started(self) -> None:
        self._run_started = time.perf_counter()

    def _on_progress(self, done: int, total: int) -> None:
        now = time.perf_counter()
        if done >= total:
            self.progress.hide()
        elif now - self._run_started >= PROGRESS_AFTER and now - self._progress_shown >= 1 / PROGRESS_HZ:
            self.progress.setMaximum(total)
            self.progress.setValue(done)
            self.progress.show()
            self._progress_shown = now

    def _cap(self, name: str) -> int:
        """The widest `name` may be; the loss is said first, the phase next, the ratio last."""
        screen = self.bar.screen() or QtWidgets.QApplication.primaryScreen()
        width = screen.availableGeometry().width() if screen is not None else 1280
        width = max(width, self.bar.window().width())  # a window wider than its screen has its own width
        if name == "loss":
            return int(LOSS_SHARE * width)
        rest = width - self.progress.maximumWidth() - STATUS_SPACING_PX - self.loss.maximumWidth()
        if name == "phase":
            return max(150, rest - RATIO_LEAST_PX)
        return max(RATIO_LEAST_PX, rest - self.phase.maximumWidth())

    def _gap(self, label: QtWidgets.QLabel) -> None:
        """Air after the label's text, in its font (F5 changes it)."""
        gap = round(GAP_EMS * label.fontMetrics().horizontalAdvance("M"))
        if label.contentsMargins().right() != gap:
            label.setContentsMargins(0, 0, gap, 0)

    def _say(self, name: str, text: str) -> bool:
        """One of the labels, elided to its share of the screen's width; True when cut."""
        label = getattr(self, name)
        self._gap(label)
        cut = _set_text(label, text, self._cap(name))
        if name != "ratio":
            label.setToolTip(text if cut else "")
        return cut

    def refresh(self) -> None:
        s = self.session
        place = s.place
        where = f"{layer_words(s, place)}t = {place.t} of {s.T}" if place.t is not None else f"T = {s.T}"
        self._say("loss", f"Loss {s.loss + 0.0:.4g}" if s.loss is not None else "Loss -")  # + 0.0: never "-0"
        self._say("phase", f"Iteration {s.iteration + 1} | {s.phase.value.capitalize()} | {where}")
        ratio = s.gradient_ratio()
        bad = self.nonfinite_from.place(s)
        curve = s.gradient_curve()
        why = ""
        if bad is not None and (ratio is None or not np.isfinite(ratio)):
            cut = self._say("ratio", f"Gradient ratio: {bad.phase.value} pass overflow from {layer_words(s, bad)}"
                                     f"t = {bad.t}")
        elif ratio is not None and curve is not None and curve[-1] == 0:
            cause = "a saturated output" if s.last_step_has_loss else "the last step has no target"
            cut = self._say("ratio", f"Gradient ratio: none, dL_T/dh_T is exactly 0 ({cause})")
        elif ratio is None:
            cut = self._say("ratio", "Gradient ratio: after the backward pass")
        else:
            reading, why = ratio_reading(s, ratio)
            cut = self._say("ratio", f"||dL_T/dh_1|| / ||dL_T/dh_T|| = {reading}")
        tip = (f"{self.ratio.text()}\n\n" if cut else "") + RATIO_TIP + (f"\n\n{why}" if why else "")
        if self.ratio.toolTip() != tip:
            self.ratio.setToolTip(tip)
        self._refresh_banner(bad)

    def _advice(self) -> str:
        """What to do about values gone to inf or nan: a setting here, unless the opened file's
        weights held them already (no setting here repairs those)."""
        own = self.session.own_model
        held = own.weights.layout.nonfinite if own is not None and not own.fresh else ()
        if held:
            more = f" and {len(held) - 1} more" if len(held) > 1 else ""
            return (f"The weights were nan or inf in {Path(own.title).name} itself ({held[0]}{more}): "
                    "no setting here repairs them; retrain or save the model again.")
        return "Lower rho(U), the learning rate, or switch on clipping."

    def _refresh_banner(self, where_bad: Place | None) -> None:
        s = self.session
        if where_bad is not None:
            self.banner.setText(
                f"Values overflowed to inf or nan in the {where_bad.phase.value} pass from "
                f"{layer_words(s, where_bad)}t = {where_bad.t} on; they are "
                f"drawn in magenta. {self._advice()}"
            )
        self.banner.setVisible(where_bad is not None)
        exploded = self.largest_state(s) if where_bad is None else 0.0
        if exploded > EXPLODED_STATE:
            self.banner.setText(
                f"The hidden states have exploded to about 1e{int(np.log10(exploded))} (still finite, so not "
                "magenta): the output saturates and the gradient is exactly 0 or meaningless. "
                "Lower rho(U), the learning rate, or switch on clipping; R resets."
            )
            self.banner.show()
        if s.phase is Phase.UPDATE and s.history and not s.history[-1].applied:
            why = ("the updated weights overflowed" if np.isfinite(s.history[-1].norm_after)
                   else "the gradient is inf or nan")
            self.banner.setText(f"The update was skipped and the weights kept: {why}.")
            self.banner.show()

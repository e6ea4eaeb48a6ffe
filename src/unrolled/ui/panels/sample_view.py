"""One sample of the task: the input sequence (F x T), or a strip of its frames for a video
task, and its target, in words where the task has words, with "new sample" and "new seed";
for a word task, a field where one types one's own sentence."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtWidgets

from ...session.config import ConfigError
from ...session.events import Change
from ...session.predictions import predictions
from ...session.stepper import Session
from .. import theme
from ..plots.style import set_integer_ticks, style_plot
from .rich_line import RichLine

MAX_WORDS = 24  # beyond this the text shows the first words and says how many more


def sample_text(session: Session, sequence: int = 0) -> str:
    """One sequence of the batch and its target, readable."""
    task, X, Y = session.task, session.X[sequence], np.asarray(session.Y)[sequence]
    words = task.input_labels(X)
    targets = task.target_labels(Y)
    if words is not None:
        shown = " ".join(words[:MAX_WORDS]) + (f" ... (+{len(words) - MAX_WORDS})" if len(words) > MAX_WORDS else "")
        inputs = f"<b>x</b>: {shown}"
    else:
        inputs = f"<b>x</b>: {X.shape[0]} steps of {X.shape[1]} value{'s' if X.shape[1] > 1 else ''}"
    if targets is not None:
        shown = " ".join(targets[:MAX_WORDS]) + (" ..." if len(targets) > MAX_WORDS else "")
        target = f"<b>y</b>: {shown}"
    elif Y.dtype.kind == "f":
        target = "<b>y</b>: " + ", ".join(f"{v:.3f}" for v in np.ravel(Y))
    else:
        target = "<b>y</b>: " + " ".join(str(v) for v in np.ravel(Y)[:MAX_WORDS])
    return f"{inputs}<br>{target}"


def predictions_text(session: Session, sequence: int = 0) -> str:
    """The predicted class against the target, per timestep (or at T), right or wrong."""
    rows = predictions(session, sequence, limit=MAX_WORDS + 1)
    if not any(p.predicted for p in rows):
        return "<b>predicted</b>: after the forward pass"
    parts = []
    for p in rows[:MAX_WORDS]:
        if not p.predicted:
            parts.append("?")
            continue
        right = p.right
        colour = "#1a7f37" if right else "#c0392b" if right is False else "gray"
        mark = "✓" if right else "✗" if right is False else ""
        probability = f" {p.p_predicted:.2f}" if p.p_predicted == p.p_predicted else ""
        parts.append(f"<span style='color:{colour}'>{p.predicted}{probability}{mark}</span>")
    more = " ..." if len(rows) > MAX_WORDS else ""
    known = [p.right for p in rows[:MAX_WORDS] if p.right is not None]
    score = f" &nbsp;({sum(known)} of {len(known)} right)" if known and len(rows) <= MAX_WORDS else ""
    return "<b>predicted</b>: " + " ".join(parts) + more + score


def frame_strip(X: np.ndarray, frame_shape: tuple[int, int]) -> np.ndarray:
    """(rows, T * (columns + 1) - 1) the frames of one clip X (T, F) side by side, a NaN
    column (drawn empty) between two frames."""
    rows, cols = frame_shape
    T = X.shape[0]
    strip = np.full((rows, T * (cols + 1) - 1), np.nan)
    for t in range(T):
        strip[:, t * (cols + 1) : t * (cols + 1) + cols] = X[t].reshape(rows, cols)
    return strip


class SampleView(QtWidgets.QWidget):
    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.sequence = 0  # which sequence of the batch (0-based); follows the heatmaps' chooser
        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setBackground(theme.THEME.background)
        self.graphics.setFixedHeight(110)
        self.graphics.setMinimumWidth(1)
        self.graphics.setSizePolicy(QtWidgets.QSizePolicy.Policy.Ignored, QtWidgets.QSizePolicy.Policy.Fixed)
        self.plot = self.graphics.addPlot(enableMenu=False)
        self.plot.hideAxis("left")
        self.plot.hideButtons()
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.invertY(True)
        style_plot(self.plot, theme.THEME)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setColorMap(pg.colormap.get(theme.UNIT_INTERVAL_MAP))
        self.plot.addItem(self.image)
        self.text = QtWidgets.QLabel()
        self.text.setWordWrap(True)
        # wrap within the panel's width rather than widening the panel to one long line
        self.text.setSizePolicy(QtWidgets.QSizePolicy.Policy.Ignored, QtWidgets.QSizePolicy.Policy.Preferred)
        self.text.setMinimumWidth(1)
        self.text.setTextFormat(QtCore.Qt.TextFormat.RichText)
        self.predicted = RichLine()  # changes at every forward step: repaints only itself
        self.predicted.setToolTip("The class with the largest probability p_t = softmax(y_t), its probability, "
                                  "and whether it is the target")
        self._predictions_for: tuple | None = None  # what the predictions line shows
        self.new_sample = QtWidgets.QPushButton("New sample")
        self.new_seed = QtWidgets.QPushButton("New seed")  # their tooltips: _sync_buttons
        self.sentence = QtWidgets.QLineEdit()
        self.sentence.setPlaceholderText("Type a sentence and press Enter")
        self.sentence.setToolTip("Your own sentence from the task's vocabulary: the network steps through it "
                                 "with its current weights; T follows its length")
        self.sentence_note = QtWidgets.QLabel()
        self.sentence_note.setWordWrap(True)
        self.sentence_note.setSizePolicy(QtWidgets.QSizePolicy.Policy.Ignored, QtWidgets.QSizePolicy.Policy.Preferred)
        self.sentence_note.setMinimumWidth(1)
        self.sentence.returnPressed.connect(self.use_sentence)
        buttons = QtWidgets.QHBoxLayout()
        buttons.addWidget(self.new_sample)
        buttons.addWidget(self.new_seed)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.graphics)
        layout.addWidget(self.text)
        layout.addWidget(self.predicted)
        layout.addWidget(self.sentence)
        layout.addWidget(self.sentence_note)
        layout.addLayout(buttons)
        self.new_sample.clicked.connect(session.new_sample)
        self.new_seed.clicked.connect(self.use_new_seed)
        self.refresh()

    def restyle(self) -> None:
        """The theme changed (dark, F5): the strip's background and axis follow it."""
        self.graphics.setBackground(theme.THEME.background)
        style_plot(self.plot, theme.THEME)
        self.refresh()

    def use_new_seed(self) -> None:
        seed = int(np.random.default_rng().integers(0, 2**31 - 1))
        self.session.reconfigure(seed=seed)

    def use_sentence(self) -> None:
        """view -> model: the typed sentence becomes the batch; unknown words are named."""
        try:
            self.session.use_sentence(self.sentence.text())
        except ConfigError as error:
            self.sentence_note.setText(f"<span style='color:#c0392b'>{error.problems.get('input', error)}</span>")

    def redraw(self, change: Change) -> None:
        """The window's redraw throttle calls this after any change, while the strip is seen:
        a new model or batch redraws it all, a step only the predictions line."""
        if change & Change.REBUILT:
            self.refresh()
        else:
            self._refresh_predictions()

    def _refresh_predictions(self, force: bool = False) -> None:
        """The predictions change only with the forward pass: a backward step leaves them."""
        fwd, Y = self.session.fwd, self.session.Y
        before = self._predictions_for  # (trace, Y, steps done, sequence), held: no id is reused
        if force or before is None or before[0] is not fwd or before[1] is not Y \
                or before[2:] != (fwd.steps_done, self.sequence):
            self.predicted.setText(predictions_text(self.session, self.sequence))
            self._predictions_for = (fwd, Y, fwd.steps_done, self.sequence)

    def refresh(self) -> None:
        self.sequence = min(self.sequence, self.session.X.shape[0] - 1)
        X = self.session.X[self.sequence].T  # (F, T): one column per timestep, as the heatmaps
        frame_shape = self.session.task.frame_shape
        if frame_shape is not None and X.shape[0] == frame_shape[0] * frame_shape[1]:
            X = frame_strip(X.T, frame_shape)  # (rows, ...): frame t over x in t - 0.5 .. t + 0.5
        finite = X[np.isfinite(X)]
        low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        self.image.setImage(X, levels=(low, high if high > low else low + 1))
        T = self.session.T
        self.image.setRect(QtCore.QRectF(0.5, 0.5, T, X.shape[0]))
        self.plot.setXRange(0.5, T + 0.5, padding=0)
        self.plot.setYRange(0.5, X.shape[0] + 0.5, padding=0)
        set_integer_ticks(self.plot.getAxis("bottom"), T, target=5)
        self.text.setText(sample_text(self.session, self.sequence))
        self._refresh_predictions(force=True)
        self._sync_sentence()
        self._sync_buttons()

    def _sync_buttons(self) -> None:
        """What the buttons draw: a task's samples and seed, or an opened model's data, whose
        weights no seed changes (and whose input, with data, none either)."""
        config = self.session.config
        if not config.weights:
            self.new_sample.setToolTip("Draw a new input sequence from the task; the weights stay (N)")
            self.new_seed.setToolTip("A new random seed: fresh weights and a fresh sample")
            self.new_seed.setEnabled(True)
            return
        weights = config.weights_name()
        if config.data:
            self.new_sample.setToolTip(f"The next samples of {Path(config.data).name}; the weights stay (N)")
            self.new_seed.setToolTip(f"No seed applies: the weights come from {weights}, the input from "
                                     f"{Path(config.data).name}")
        else:
            self.new_sample.setToolTip("A new random input of the model's shape; the weights stay (N)")
            self.new_seed.setToolTip(f"A new random seed: a fresh random input (the weights stay {weights}'s)")
        self.new_seed.setEnabled(not config.data)

    def _sync_sentence(self) -> None:
        """model -> view: the field shows the typed sentence, and only for a word task."""
        vocabulary = self.session.vocabulary()
        for widget in (self.sentence, self.sentence_note):
            widget.setVisible(vocabulary is not None)
        self.sentence.blockSignals(True)
        self.sentence.setText(self.session.config.input)
        self.sentence.blockSignals(False)
        if vocabulary is not None:
            self.sentence_note.setText("Vocabulary: " + " ".join(vocabulary))

"""Training you can read, in the Training panel of a char-lm session: the loss also in bits
per character, characters per second, and a sample of text the network generates, drawn
again every SAMPLE_EVERY iterations (seeded, so two samples differ only by what the weights
learnt between them) at the temperature chosen here."""

from __future__ import annotations

import inspect

from PySide6 import QtCore, QtGui, QtWidgets

from ...session.char_samples import bits_per_character, sample_text
from ...session.stepper import Session
from ...session.training import TrainingStep
from ..plots.coloured_text import shown_token

SAMPLE_EVERY = 20  # iterations between two samples while training
SAMPLE_CHARACTERS = 160
SAMPLE_SEED = 0
SAMPLE_LINES = 5  # shown at once; the rest scrolls
DEFAULT_TEMPERATURE = inspect.signature(sample_text).parameters["temperature"].default  # the generator's own


def readable(text: str) -> str:
    """A sample as the panel shows it: each newline an ↵ ending its line."""
    return "".join("↵\n" if c == "\n" else shown_token(c) if c == "\t" else c for c in text)


class TextTraining(QtWidgets.QWidget):
    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.sampled_at: int | None = None  # the iteration of the sample shown; None: none yet
        self.temperature = QtWidgets.QDoubleSpinBox()
        self.temperature.setRange(0.1, 2.0)
        self.temperature.setSingleStep(0.1)
        self.temperature.setDecimals(1)
        self.temperature.setValue(DEFAULT_TEMPERATURE)
        self.temperature.setKeyboardTracking(False)
        self.temperature.setToolTip("Sampling temperature: each next character is drawn from softmax(y / temperature); "
                                    "below 1 the likeliest characters, above 1 more surprises")
        self.reading = QtWidgets.QLabel("Not trained yet")
        self.reading.setWordWrap(True)
        self.reading.setToolTip("The latest iteration's loss in nats and in bits per character (nats / ln 2), "
                                "and how many characters a second training reads (iterations/s x B x T)")
        # a few lines that scroll: the panel must fit a 1280 x 720 projector in F5's large font
        self.sample = QtWidgets.QPlainTextEdit()
        self.sample.setReadOnly(True)
        self.sample.setFocusPolicy(QtCore.Qt.FocusPolicy.NoFocus)  # the stepping keys stay with the window
        self.sample.setToolTip(f"Text the network writes, seeded, drawn again every {SAMPLE_EVERY} iterations")
        font = QtGui.QFontDatabase.systemFont(QtGui.QFontDatabase.SystemFont.FixedFont)
        font.setPointSizeF(self.font().pointSizeF())
        self.sample.setFont(font)
        line = QtGui.QFontMetrics(font).lineSpacing()
        self.sample.setMinimumHeight(2 * line + 8)
        self.sample.setMaximumHeight(SAMPLE_LINES * line + 8)
        row = QtWidgets.QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        label = QtWidgets.QLabel("Sample &temperature")
        label.setBuddy(self.temperature)  # Alt+T
        row.addWidget(label)
        row.addWidget(self.temperature)
        row.addStretch(1)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.reading)
        layout.addWidget(self.sample)
        self._characters_per_second = 0.0
        self._loss: float | None = None
        self.temperature.valueChanged.connect(lambda value: self.draw_sample())

    def forget(self) -> None:
        """A new model: its first sample comes with its next refresh."""
        self.sampled_at, self._loss, self._characters_per_second = None, None, 0.0
        self.sample.setPlainText("")
        self._say()

    def show_rate(self, iterations_per_second: float) -> None:
        config = self.session.config
        self._characters_per_second = iterations_per_second * config.batch_size * config.timesteps
        self._say()

    def catch_up(self, steps: list[TrainingStep]) -> None:
        """The run's steps so far: the loss, and a new sample when SAMPLE_EVERY more have run."""
        self._loss = steps[-1].loss if steps else None
        self._say()
        done = steps[-1].iteration if steps else 0
        if self.sampled_at is None or done - self.sampled_at >= SAMPLE_EVERY:
            self.draw_sample(done)

    def draw_sample(self, iteration: int | None = None) -> None:
        """Generate from the weights as they are (ValueError: a network that reads ahead)."""
        iteration = (self.sampled_at or 0) if iteration is None else iteration
        temperature = self.temperature.value()
        try:
            text = sample_text(self.session, SAMPLE_CHARACTERS, temperature, SAMPLE_SEED)
        except ValueError as error:
            self.sample.setPlainText(f"No sample: {error}")
        else:
            self.sample.setPlainText(f"Sample after {iteration} iterations, temperature {temperature:.1f}:\n"
                                + readable(text))
        self.sampled_at = iteration

    def _say(self) -> None:
        if self._loss is None:
            self.reading.setText("Not trained yet")
            return
        rate = f"; {self._characters_per_second:,.0f} characters per second" if self._characters_per_second else ""
        self.reading.setText(f"Loss {self._loss:.3f} = {bits_per_character(self._loss):.3f} bits per character{rate}")

"""The figure builders: one per registered figure, each drawing its figure for a session
that has it."""

import pytest
from PySide6 import QtGui

from unrolled.session.config import Config
from unrolled.session.figure_registry import FIGURES, VIEWS, figures_for
from unrolled.session.stepper import Session
from unrolled.session.training import Trainer
from unrolled.ui.export.figures import BUILDERS, build_figure, laid_out
from unrolled.ui.window.plot_area import SLOTS


def test_every_registered_figure_has_a_builder_and_every_builder_a_figure():
    assert list(BUILDERS) == list(FIGURES)
    assert SLOTS == VIEWS  # the window's views are the ones the registry names


def _colours(widget) -> int:
    image = widget.grab().toImage().convertToFormat(QtGui.QImage.Format.Format_RGB888)
    return len({image.pixelColor(x, y).name()
                for x in range(0, image.width(), 5) for y in range(0, image.height(), 5)})


@pytest.mark.slow
def test_each_figure_draws_for_a_session_that_has_it():
    session = Session(Config(task="toxic-word", cell="lstm", n_features=5, n_classes=2, mode="many-to-one",
                             timesteps=8, n_hidden=6, layers=2))  # a stack: the depth-time figure too
    trainer = Trainer(session)
    trainer.train(3)
    session.advance(session.steps_to("iteration") - 1)  # a whole backward pass for the itemized gradients
    text = Session(Config.from_dict({"task": "char-lm", "cell": "gru", "timesteps": 10, "n_hidden": 6}))
    training = {"training_loss", "clip_norms", "accuracy"}
    assert set(figures_for(session)) | training == set(FIGURES) - {"unit_activations"}
    assert "unit_activations" in figures_for(text)
    for name, spec in FIGURES.items():
        width, height = spec.inches
        drawn = text if name == "unit_activations" else session
        widget = laid_out(build_figure(name, trainer.steps), round(width * 60), round(height * 60), drawn)
        try:
            assert _colours(widget) > 10, name  # curves, cells or heatmaps, text and axes: not a blank canvas
        finally:
            widget.close()
            widget.deleteLater()


def test_an_unknown_figure_is_not_built():
    with pytest.raises(ValueError, match="figure: got 'heatmap', expected one of dashboard"):
        build_figure("heatmap")

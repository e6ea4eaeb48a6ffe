"""The figure unit_activations: the text laid out in rows, each character's cell coloured
by the chosen unit's activation, the ranking beside it."""

import numpy as np

from unrolled.session.config import Config
from unrolled.session.stepper import Session
from unrolled.session.unit_activations import Unit, stretch_activations
from unrolled.ui.export.figures import build_figure, laid_out
from unrolled.ui.export.unit_activations import COLUMNS, text_grid


def test_the_text_wraps_at_newlines_and_at_the_line_width():
    assert text_grid("ab\ncd", columns=4) == [(0, 0, 0), (0, 1, 1), (0, 2, 2), (1, 0, 3), (1, 1, 4)]
    assert text_grid("abcdefg", columns=3, rows=2) == [(0, 0, 0), (0, 1, 1), (0, 2, 2), (1, 0, 3), (1, 1, 4),
                                                         (1, 2, 5)]


def test_each_cell_holds_the_chosen_units_activation(qapp):
    session = Session(Config.from_dict({"task": "char-lm", "cell": "lstm", "timesteps": 10, "n_hidden": 6}))
    figure = build_figure("unit_activations")
    figure.unit, figure.state = Unit(0, 0, 3), "c"
    laid_out(figure, 600, 340, session)
    try:
        stretch = stretch_activations(session, state="c")
        cells = text_grid(stretch.text)
        image = figure.image.image
        for row, column, i in cells:
            assert image[row, column] == stretch.of(Unit(0, 0, 3))[i]
        assert image.shape[1] == COLUMNS and len(figure.letters) == len(cells)
        assert "unit 4's c_t" in figure.text_plot.titleLabel.text
        levels = figure.image.getLevels()
        assert levels[0] == -levels[1] and levels[1] >= np.nanmax(np.abs(image))
    finally:
        figure.close()
        figure.deleteLater()

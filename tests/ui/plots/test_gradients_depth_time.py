"""The depth-time picture: log10 ||dL/dh_t|| of every (layer, direction) as a row, the top
layer first, t across, one colour scale of whole decades; cells not computed empty, inf
and nan in the overflow colour, exactly 0 grey, each named in the title when drawn."""

import numpy as np
import pytest
from PySide6 import QtCore, QtGui

from unrolled.session.config import Config
from unrolled.session.stepper import Session
from unrolled.ui.plots.depth_time import DepthTimeGradients, decade_ticks, gradient_colour_map
from unrolled.ui.theme import GREY, OVERFLOW


@pytest.fixture
def picture(qtbot):
    view = DepthTimeGradients()
    qtbot.addWidget(view)
    view.resize(700, 300)
    view.show()
    return view


def _rgb(colour: str) -> list[int]:
    return list(QtGui.QColor(colour).getRgb()[:3])


def test_rows_are_the_layers_top_first_and_hold_the_sessions_norms(picture):
    session = Session(Config(cell="lstm", timesteps=5, n_hidden=3, layers=2, bidirectional=True))
    session.advance(session.steps_to("iteration") - 1)
    picture.refresh(session)
    rows = [(1, 0), (1, 1), (0, 0), (0, 1)]
    assert picture.rows.labels == ["layer 2", "layer 2 reverse", "layer 1", "layer 1 reverse"]
    norms = session.layer_gradient_norms()
    np.testing.assert_array_equal(picture.values, np.array([norms[key] for key in rows]))
    low, high = picture.colorbar.levels()
    logs = np.log10(picture.values)
    assert low == np.floor(logs.min() - 0.05) and high == np.ceil(logs.max() + 0.05)  # whole decades
    # each cell its colour on that scale: the map's colour at log10 of its norm
    table = gradient_colour_map().getLookupTable(nPts=256, alpha=True, mode="byte")
    index = np.rint((logs - low) / (high - low) * 255).astype(int)
    np.testing.assert_array_equal(picture.image.rgba, table[index])


def test_cells_fill_as_the_backward_pass_reaches_them_and_empty_when_undone(picture):
    session = Session(Config(timesteps=4, n_hidden=3, layers=3))
    session.advance(session.steps_to("phase"))
    picture.refresh(session)
    assert (picture.image.rgba[..., 3] == 0).all()  # the forward pass: nothing yet
    session.advance(1 + 5)  # the loss; layer 3 t = 4..1, layer 2 t = 4
    picture.refresh(session)
    alpha = picture.image.rgba[..., 3]
    assert (alpha[0] == 255).all() and list(alpha[1]) == [0, 0, 0, 255] and (alpha[2] == 0).all()
    corners = picture.current.getData()
    assert (min(corners[0]), max(corners[0]), min(corners[1]), max(corners[1])) == (3.5, 4.5, 1.5, 2.5)
    session.step_back()
    picture.refresh(session)
    assert (picture.image.rgba[1, :, 3] == 0).all()
    assert "t = 4: ||dL/dh_t|| = not computed yet" in picture.readout(
        picture.plot.vb.mapViewToScene(QtCore.QPointF(4, 2)))


def test_overflow_is_painted_in_the_overflow_colour_and_named(picture):
    session = Session(Config(activation="linear", timesteps=200, n_hidden=8, layers=2, init="scaled-orthogonal",
                             rho=10))
    session.advance(session.steps_to("iteration") - 1)
    picture.refresh(session)
    bad = ~np.isfinite(picture.values)
    assert bad.any() and not bad.all()
    np.testing.assert_array_equal(picture.image.rgba[bad][:, :3], np.tile(_rgb(OVERFLOW), (int(bad.sum()), 1)))
    assert "magenta: inf / nan" in picture.plot.titleLabel.text
    assert picture.readout(picture.plot.vb.mapViewToScene(QtCore.QPointF(1, 1))).endswith("= inf")


def test_a_gradient_of_exactly_zero_is_grey_not_overflow(picture):
    # the look-ahead task's last two steps carry no target: the forward direction's
    # dL/dh_t there is exactly 0 (nothing later reads it)
    session = Session(Config(task="look-ahead", cell="gru", timesteps=6, n_features=4, n_classes=4, n_hidden=4,
                             mode="many-to-many", bidirectional=True))
    session.advance(session.steps_to("iteration") - 1)
    picture.refresh(session)
    zero = picture.values == 0
    assert zero[0, -2:].all() and not zero[1].any()
    np.testing.assert_array_equal(picture.image.rgba[zero][:, :3], np.tile(_rgb(GREY), (int(zero.sum()), 1)))
    assert picture.plot.titleLabel.text.endswith("(grey: exactly 0)")


def test_the_colour_bar_is_labelled_in_powers_of_ten():
    assert [label for _, label in decade_ticks(-6.0, 0.0)] == ["10⁻⁶", "10⁻⁴", "0.01", "1"]
    assert [label for _, label in decade_ticks(-3.0, 1.0)] == ["10⁻³", "0.01", "0.1", "1", "10"]
    assert len(decade_ticks(-300.0, 10.0)) <= 6


def test_every_row_of_four_bidirectional_layers_is_named_in_a_readable_data_area(picture, qtbot):
    from unrolled.ui.plots.gradients import READABLE_DATA_PX

    session = Session(Config(cell="lstm", timesteps=5, n_hidden=3, layers=4, bidirectional=True))
    picture.refresh(session)
    # the data area the room rule gives the picture at its least: rows lower than a line of the plot's font
    picture.resize(700, int(READABLE_DATA_PX + picture.height() - picture.plot.vb.height()))
    qtbot.waitUntil(lambda: abs(picture.plot.vb.height() - READABLE_DATA_PX) < 2)
    rows = picture.rows
    ticks = rows.tickValues(0.5, 8.5, rows.height())[0][1]
    assert rows.tickStrings(ticks, 1, 1) == ["layer 4", "layer 4 reverse", "layer 3", "layer 3 reverse",
                                             "layer 2", "layer 2 reverse", "layer 1", "layer 1 reverse"]
    # in a font whose lines do not run into the next row's
    assert QtGui.QFontMetricsF(rows.style["tickFont"]).height() <= rows.height() / 8

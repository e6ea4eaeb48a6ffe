"""The gradient plot of a stack: one curve of ||dL/dh_t|| per layer and direction, equal to
the session's `layer_gradient_norms`, named "layer 1", "layer 2 reverse", a hue per layer,
the reverse direction darker and dashed; the depth-time picture under it on screen. One layer
in one direction draws as before."""

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6 import QtCore, QtGui

from unrolled.session.config import Config
from unrolled.session.stepper import Session
from unrolled.ui.export.figures import build_figure, laid_out
from unrolled.ui.plots.gradients import GradientPanel


def _stack(**depth) -> Session:
    return Session(Config(cell="gru", timesteps=7, n_hidden=5, mode="many-to-many",
                          **({"layers": 3, "bidirectional": True} | depth)))


@pytest.fixture
def panel(qtbot):
    view = GradientPanel()
    qtbot.addWidget(view)
    view.resize(700, 800)
    view.show()
    return view


def _points(curve) -> int:
    return 0 if curve.xData is None else curve.xData.size


def _legend(panel: GradientPanel) -> list[str]:
    return [label.text for _, label in panel.norms.legend.items]


def test_each_layer_and_direction_has_its_curve_of_the_sessions_norms(panel):
    session = _stack()
    session.advance(session.steps_to("iteration") - 1)  # the whole backward pass
    panel.refresh(session)
    norms = session.layer_gradient_norms()
    assert set(panel.layer_curves.items) == set(norms) == set(session.layer_keys())
    for key, curve in panel.layer_curves.items.items():
        np.testing.assert_array_equal(curve.xData, np.arange(1, 8))
        np.testing.assert_array_equal(curve.yData, norms[key])  # log mode keeps the values
    assert _legend(panel) == ["layer 1", "layer 1 reverse", "layer 2", "layer 2 reverse", "layer 3",
                              "layer 3 reverse"]
    assert _points(panel.total) == _points(panel.last) == 0  # the top layer's curves are the stack's
    assert panel.show_choice.isHidden()


def test_a_curve_fills_as_the_backward_pass_reaches_its_layer(panel):
    session = _stack(layers=2, bidirectional=False)
    session.advance(session.steps_to("phase") + 1 + 3)  # the loss and 3 backward steps: layer 2, t = 7..5
    panel.refresh(session)
    top, bottom = panel.layer_curves.items[(1, 0)], panel.layer_curves.items[(0, 0)]
    np.testing.assert_array_equal(top.xData, [5, 6, 7])
    np.testing.assert_array_equal(top.yData, session.layer_gradient_norms()[(1, 0)][4:])
    assert _points(bottom) == 0  # not reached yet: empty, and still named
    assert _legend(panel) == ["layer 1", "layer 2"]


@pytest.mark.parametrize("layers", [3, 4])
def test_each_layer_its_own_hue_and_the_reverse_direction_dashed_and_darker(panel, layers):
    """On a projector four shades of one blue ran together: each layer has a hue of its
    own (the colour-blind-safe palette), the reverse direction the same hue, darker, dashed."""
    session = _stack(layers=layers)
    panel.refresh(session)
    pens = {key: curve.opts["pen"] for key, curve in panel.layer_curves.items.items()}
    hues = [QtGui.QColor(pens[(layer, 0)].color()).hslHueF() * 360 for layer in range(layers)]
    for n, hue in enumerate(hues):
        for other in hues[n + 1:]:
            assert min(abs(hue - other), 360 - abs(hue - other)) >= 20, hues
    for (layer, direction), pen in pens.items():
        forward = QtGui.QColor(pens[(layer, 0)].color())
        if direction:
            colour = QtGui.QColor(pen.color())
            assert abs(colour.hslHueF() - forward.hslHueF()) < 0.02
            assert colour.lightnessF() < forward.lightnessF() - 0.1
        assert pen.style() == (QtCore.Qt.PenStyle.DashLine if direction else QtCore.Qt.PenStyle.SolidLine)


def test_one_layer_draws_its_total_and_last_step_curves_as_before(panel):
    session = Session(Config(timesteps=6, n_hidden=4, mode="many-to-many"))
    session.advance(session.steps_to("iteration") - 1)
    panel.refresh(session)
    assert panel.layer_curves.items == {}
    np.testing.assert_array_equal(panel.total.yData, session.bwd.dh_norm)
    assert _legend(panel)[:2] == ["||dL/dh_t||", "||dL_T/dh_t||  (last step's loss)"]
    assert panel.depth_time.isHidden()


def test_a_stack_then_one_layer_leaves_no_layer_curve_behind(panel):
    session = _stack(layers=2, bidirectional=False)
    session.advance(session.steps_to("iteration") - 1)
    panel.refresh(session)
    session.reconfigure(layers=1)
    session.advance(session.steps_to("iteration") - 1)
    panel.refresh(session)
    assert panel.layer_curves.items == {}
    assert not any(item.name() and item.name().startswith("layer") for item in panel.norms.listDataItems())
    assert not any(name.startswith("layer") for name in _legend(panel))


def test_the_depth_time_picture_sits_under_the_curves_of_a_stack_on_screen(panel, qtbot):
    session = _stack()
    session.advance(session.steps_to("iteration") - 1)
    panel.refresh(session)
    assert panel.depth_time.isVisible()
    assert panel.depth_time.geometry().top() >= panel.graphics.geometry().bottom()
    np.testing.assert_array_equal(panel.depth_time.values[0], session.layer_gradient_norms()[(2, 0)])

    def data_edges(view, plot) -> tuple[float, float]:
        box, x = plot.vb.sceneBoundingRect(), view.mapTo(panel, QtCore.QPoint(0, 0)).x()
        return box.left() + x, box.right() + x

    # once laid out, the picture's t axis lies right under the curves'
    picture = panel.depth_time
    qtbot.waitUntil(lambda: data_edges(picture, picture.plot) == data_edges(panel.graphics, panel.norms))
    figure = laid_out(build_figure("grad_norms"), 600, 500, session)  # the curves' figure: the picture is its own
    try:
        assert figure.depth_time.isHidden()
        assert len(figure.layer_curves.items) == 6
    finally:
        figure.close()
        figure.deleteLater()


def test_an_overflowing_layer_is_marked_as_the_gradient_plot_marks_overflow(panel):
    session = Session(Config(activation="linear", timesteps=200, n_hidden=8, layers=2, init="scaled-orthogonal",
                             rho=10))
    session.advance(session.steps_to("iteration") - 1)
    panel.refresh(session)
    norms = session.layer_gradient_norms()
    bad = ~np.isfinite(norms[(0, 0)]) | ~np.isfinite(norms[(1, 0)])
    assert bad.any() and not bad.all()
    marks = panel.overflow_marks.marks.data
    np.testing.assert_array_equal(np.sort(marks["x"]), np.flatnonzero(bad) + 1)
    assert panel.overflow_marks.label.isVisible()


def test_a_curve_not_drawn_yet_shows_its_own_marker_in_the_legend(panel):
    session = _stack(layers=2, bidirectional=False)
    panel.refresh(session)  # the forward pass: every curve empty, every one named
    for sample, label in panel.norms.legend.items:
        image = QtGui.QImage(int(sample.width()), int(sample.height()), QtGui.QImage.Format.Format_ARGB32)
        image.fill(QtGui.QColor("white"))
        painter = QtGui.QPainter(image)
        sample.paint(painter)
        painter.end()
        middle = image.pixelColor(image.width() // 2, image.height() // 2)
        assert middle.name() == pg.mkBrush(sample.item.opts["symbolBrush"]).color().name(), label.text


def test_the_picture_gives_way_when_the_panel_is_too_short_for_both(panel, qtbot):
    from unrolled.ui.plots.gradients import READABLE_DATA_PX

    session = _stack(layers=2, bidirectional=False)
    session.advance(session.steps_to("iteration") - 1)
    panel.refresh(session)
    assert panel.depth_time.isVisible()
    # shown: its data area as tall as the curves', each readable
    qtbot.waitUntil(lambda: abs(panel.depth_time.plot.vb.height() - panel.norms.vb.height()) <= 2)
    assert panel.norms.vb.height() >= READABLE_DATA_PX
    panel.resize(700, 330)
    qtbot.waitUntil(lambda: panel.depth_time.isHidden())
    assert panel.under.picture.isHidden() and panel.norms.vb.height() > 0
    panel.resize(700, 800)
    qtbot.waitUntil(lambda: panel.depth_time.isVisible())


def test_a_panel_too_narrow_for_the_whole_note_still_says_the_picture_needs_room(panel, qtbot):
    session = _stack(layers=2, bidirectional=False)
    session.advance(session.steps_to("iteration") - 1)
    panel.refresh(session)
    panel.resize(400, 300)  # too short for both; the whole note needs more width than this
    title = panel.norms.titleLabel
    qtbot.waitUntil(lambda: panel.depth_time.isHidden())
    assert title.text == "Gradient per timestep  (picture: needs room)"
    assert "depth" in title.toolTip() and "View > Diagram off" in title.toolTip()
    panel.resize(900, 300)
    qtbot.waitUntil(lambda: "depth-time picture: needs room" in title.text)

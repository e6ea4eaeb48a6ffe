"""Extremes drawn truthfully: zero is not overflow, inf and nan are never drawn at a finite
norm, the status bar names the overflow, the only point at T = 1 is not under the legend,
and tick labels at T = 1000 do not run together."""

import numpy as np
import pytest
from PySide6 import QtGui, QtWidgets

from unrolled.session.config import Config
from unrolled.session.stepper import Session
from unrolled.ui import theme
from unrolled.ui.export.figures import build_figure, laid_out
from unrolled.ui.plots.diagram import ZERO, strip_colours
from unrolled.ui.window.status import SessionStatus


def _through_backward(config: Config) -> Session:
    session = Session(config)
    session.advance(session.steps_to("iteration") - 1)
    return session


@pytest.fixture
def overflowing():
    """A linear RNN with rho(U) = 10 over T = 400: h overflows in the forward pass, and
    every gradient is nan."""
    return _through_backward(Config(activation="linear", rho=10.0, timesteps=400))


def test_a_zero_gradient_is_not_painted_as_overflow(qapp):
    norms = np.array([0.0, 1e-3, np.nan, 1.0])
    colours = strip_colours(4, norms, np.ones(4, dtype=bool))[0]
    assert QtGui.QColor(*colours[0]).name() == ZERO
    assert QtGui.QColor(*colours[2]).name() == theme.OVERFLOW
    assert QtGui.QColor(*colours[0]).name() != QtGui.QColor(*colours[2]).name()


def test_nan_gradients_are_marked_and_labelled_with_no_norm_on_the_axis(qapp, overflowing):
    panel = laid_out(build_figure("grad_norms"), 640, 560, overflowing)
    try:
        assert np.isnan(overflowing.bwd.dh_norm).all()
        x, _ = panel.overflow_marks.marks.getData()
        assert len(x) == overflowing.T  # every timestep marked
        label = panel.overflow_marks.label
        assert label.isVisible() and label.toPlainText() == "inf / nan"
        # no numbers beside the marks that would read as "gradient = 1"
        assert panel.norms.getAxis("left")._tickLevels == [[], []]
        # the contributions too: marked, not a blank plot
        x, _ = panel.contrib_marks.marks.getData()
        assert len(x) == overflowing.T and panel.contrib_marks.label.isVisible()
        assert panel.contrib_plot.getAxis("left")._tickLevels == [[], []]
    finally:
        panel.close()


def test_the_status_bar_says_where_the_overflow_starts(qtbot, overflowing):
    window = QtWidgets.QMainWindow()
    qtbot.addWidget(window)
    from unrolled.ui.control.runner import ChunkedRunner

    status = SessionStatus(overflowing, window.statusBar(), ChunkedRunner(window))
    status.refresh()
    where = overflowing.nonfinite_from()
    assert status.ratio.text() == f"Gradient ratio: forward pass overflow from t = {where[1]}"


def test_at_t_1_the_legend_leaves_the_only_point_free(qapp):
    session = _through_backward(Config(timesteps=1))
    panel = laid_out(build_figure("grad_norms"), 640, 560, session)
    try:
        legend = panel.norms.legend
        x, y = panel.total.getData()
        point = panel.norms.vb.mapViewToScene(QtGui.QVector2D(x[0], y[0]).toPointF())
        assert legend.isVisible() and not legend.sceneBoundingRect().contains(point)
    finally:
        panel.close()


def test_heatmap_ticks_at_t_1000_do_not_run_together(qapp):
    session = Session(Config(timesteps=1000, n_hidden=4))
    session.advance(1000)
    figure = laid_out(build_figure("hidden_states"), 300, 300, session)  # a dashboard-sized panel
    try:
        panel = figure.panels["h"]
        axis = panel.plot.getAxis("bottom")  # the ticks the axis draws at its length
        values = [v for _, level in axis.tickValues(*axis.range, axis.geometry().width()) for v in level]
        ticks = list(zip(values, axis.tickStrings(values, 1.0, 1.0), strict=True))
        assert len(ticks) >= 2 and ticks[0][1] == "1", ticks
        box = panel.plot.vb
        metrics = QtGui.QFontMetricsF(figure.theme.qfont())
        positions = [box.mapViewToScene(QtGui.QVector2D(t, 1).toPointF()).x() for t, _ in ticks]
        widths = [metrics.horizontalAdvance(label) for _, label in ticks]
        for k in range(len(ticks) - 1):
            gap = positions[k + 1] - positions[k]
            assert gap > (widths[k] + widths[k + 1]) / 2 + metrics.horizontalAdvance(" "), ticks
    finally:
        figure.close()


def test_after_a_skipped_update_the_diagram_does_not_say_updated(qapp, overflowing):
    overflowing.step()  # the update: its gradient is nan, so the weights are kept
    assert not overflowing.history[-1].applied
    diagram = laid_out(build_figure("diagram"), 900, 200, overflowing)
    try:
        caption = diagram._caption(overflowing)
        assert caption.startswith("Update skipped") and "Weights updated" not in caption
    finally:
        diagram.close()


def test_the_diagram_marks_where_the_forward_pass_overflowed(qapp):
    """The strip turns magenta from the first hidden state that overflowed, as the heatmaps
    and the status bar say, and the caption says what magenta means."""
    from unrolled.session.stepper import Session

    session = Session(Config(activation="linear", rho=10.0, timesteps=400))
    session.advance(400)  # the forward pass
    bad = session.fwd.nonfinite_from
    assert bad is not None and 1 < bad < 400
    colours = strip_colours(400, np.full(400, np.nan), np.zeros(400, dtype=bool), bad)[0]
    assert QtGui.QColor(*colours[bad - 2]).name() == theme.SKY.lower()
    assert {QtGui.QColor(*c).name() for c in colours[bad - 1:]} == {theme.OVERFLOW}
    diagram = build_figure("diagram")
    try:
        diagram.refresh(session)
        assert "magenta: inf or nan" in diagram._caption(session)
    finally:
        diagram.close()


def test_a_ratio_of_zero_where_the_last_step_has_no_target_is_said_so(qtbot):
    """Look-ahead's last steps carry no target: dL_T/dh_T is exactly 0 for that reason,
    not a saturated output."""
    from unrolled.session.presets import get_preset
    from unrolled.session.stepper import Session
    from unrolled.ui.control.runner import ChunkedRunner

    session = Session(get_preset("bidirectional-tagging").config)
    session.advance(session.steps_to("iteration") - 1)
    assert not session.last_step_has_loss
    window = QtWidgets.QMainWindow()
    qtbot.addWidget(window)
    status = SessionStatus(session, window.statusBar(), ChunkedRunner(window))
    status.refresh()
    text = status.ratio.text()
    assert "saturated" not in text and "the last step has no target" in text

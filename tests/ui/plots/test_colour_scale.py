"""Heatmap colours fixed for a pass and drawn a column at a time; the diagram names the
weights; the gradient axis is labelled from the first backward step; the status bar's
overflow search agrees with the session's."""

import math

import numpy as np
import pytest

from unrolled.session.config import Config
from unrolled.session.overflow_watch import OverflowWatch
from unrolled.session.stepper import Session
from unrolled.ui.export.figures import build_figure, laid_out
from unrolled.ui.plots.colour_scale import ColourScale, fixed_scale, log_scale_for
from unrolled.ui.plots.diagram import weights_key


def test_a_bounded_range_is_linear_and_an_unbounded_one_symmetric_log():
    assert fixed_scale((-1.0, 1.0)) == ColourScale(-1.0, 1.0)
    scale = fixed_scale((-math.inf, math.inf), peak=3e7)
    assert scale.log and scale.high == 1 + 10  # the first of 1, 2, 5, 10 decades above 3e7
    np.testing.assert_allclose(scale.position(np.array([-1e3, -0.5, 0.0, 1.0, 1e3])), [-4, -0.5, 0, 1, 4])
    assert not scale.covers(np.array([1e12])) and log_scale_for(1e12).covers(np.array([1e12]))
    labels = [label for _, label in scale.ticks()]
    assert "0" in labels and "10¹⁰" in labels and "-10¹⁰" in labels


def test_columns_keep_their_colour_through_the_forward_pass(qapp):
    session = Session(Config(timesteps=12, n_hidden=6))
    figure = laid_out(build_figure("hidden_states"), 400, 300, session)
    try:
        panel = figure.panels["h"]
        session.advance(2)
        figure.refresh(session)
        early = panel.image.rgba[:, :2].copy()
        assert (early[..., 3] == 255).all() and (panel.image.rgba[:, 2:, 3] == 0).all()
        scale = panel.scale
        session.advance(10)
        figure.refresh(session)
        assert panel.scale == scale == ColourScale(-1.0, 1.0)  # tanh: the activation's range
        np.testing.assert_array_equal(panel.image.rgba[:, :2], early)
        session.step_back()
        figure.refresh(session)
        assert (panel.image.rgba[:, 11, 3] == 0).all()  # undone: empty again
    finally:
        figure.close()


def test_an_exploding_linear_rnn_is_drawn_on_a_log_scale_not_a_barcode(qapp):
    session = Session(Config(activation="linear", rho=3.0, timesteps=60, n_hidden=6))
    session.advance(60)
    figure = laid_out(build_figure("hidden_states"), 400, 300, session)
    try:
        panel = figure.panels["h"]
        assert panel.scale.log and panel.scale.covers(session.fwd.h)
        # |h| grows by decades: on a log scale the early columns are not all the zero colour
        rgba = panel.image.rgba[..., :3].astype(int)
        centre = np.array(panel._table[128, :3], dtype=int)
        assert np.mean(np.abs(rgba[:, 10:30] - centre).sum(-1) > 30) > 0.5
    finally:
        figure.close()


@pytest.mark.parametrize("cell, names", [("rnn", ("W1", "U1", "W2")), ("lstm", ("W_*", "U_*", "W2"))])
def test_the_diagram_names_the_weights_and_their_shapes(cell, names):
    key = weights_key(Session(Config(cell=cell, timesteps=4)))
    w, u, out = names
    assert f"{w} [F, D]" in key and f"{u} [D, D]" in key and f"{out} [D, C]" in key
    assert "the same weights at every t" in key


def test_the_gradient_axis_is_labelled_at_the_first_backward_step(qapp):
    session = Session(Config(timesteps=30))
    session.advance(30 + 2)  # the forward pass, the loss, one backward step
    assert session.bwd.steps_done == 1
    panel = laid_out(build_figure("grad_norms"), 640, 560, session)
    try:
        low, high = panel.norms.vb.viewRange()[1]
        assert high - low >= 1 and low == math.floor(low)
        axis = panel.norms.getAxis("left")
        labels = [text for spacing, values in axis.tickValues(low, high, axis.height())
                  for text in axis.tickStrings(values, 1, spacing) if text]
        assert labels
    finally:
        panel.close()


def test_the_incremental_overflow_search_agrees_with_the_session():
    session = Session(Config(activation="linear", rho=10.0, timesteps=120))
    watch = OverflowWatch()
    for _ in range(session.steps_to("iteration") - 1):
        session.step()
        assert watch(session) == session.nonfinite_from()
    for _ in range(5):
        session.step_back()
        assert watch(session) == session.nonfinite_from()


def test_the_gradient_plot_marks_the_truncation_window(make_window):
    from unrolled.session.presets import get_preset

    window = make_window(get_preset("truncated-bptt").config)
    session = window.session
    session.advance(session.steps_to("iteration") - 1)
    window.redraw()
    first, last = session.truncation_window()
    assert window.gradients.truncation.isVisible()
    assert window.gradients.truncation.getRegion() == (first - 0.5, last + 0.5)
    assert window.gradients.truncation_label.format == f"truncation k = {last - first + 1}"


def test_a_bidirectional_readout_is_named_2d_wide():
    """The readout reads both directions' h_t side by side: W2 is [2D, C]."""
    from unrolled.ui.plots.diagram.labels import shape_labels

    session = Session(Config(timesteps=4, n_hidden=5, bidirectional=True, layers=2))
    key = weights_key(session)
    assert "W2 [2D, C] out" in key and "[D, C]" not in key
    assert shape_labels(session)["out"] == f"W2 [2D, C] = [10, {session.config.n_classes}]"

"""What one step costs the plots, counted (not timed): a step redraws what it changed and
nothing else, so stepping stays fast at T = 1000."""

import numpy as np

from unrolled.session.config import Config
from unrolled.session.stepper import Phase, Session


def count_calls(monkeypatch, owner, name: str) -> list:
    """Record every call of owner.name (its arguments) while still calling it."""
    calls: list = []
    original = getattr(owner, name)

    def counted(*args, **kwargs):
        calls.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, counted)
    return calls


def test_a_backward_step_computes_only_its_own_contribution(monkeypatch, make_window):
    window = make_window(cell="lstm", timesteps=8)
    s = window.session
    s.advance(8 + 1)
    window.redraws.run()
    asked = count_calls(monkeypatch, s.net, "recurrent_contributions")
    for _ in range(8):
        s.step()
        window.redraws.run()
    assert len(asked) == 8
    assert [int(np.sum(steps)) for _, _, steps in asked] == [1] * 8
    x, _ = window.gradients.contrib.getData()
    whole = s.net.recurrent_contributions(s.fwd, s.bwd)  # 0 at t = 1 (h_0 = 0): a gap on the log axis
    np.testing.assert_array_equal(window.gradients.contrib.yData, whole[1:])
    s.step_back()
    s.step_back()  # t = 2 undone: its contribution is gone from the plot
    window.redraws.run()
    assert len(window.gradients.contrib.yData) == 6


def test_a_step_gives_data_only_to_the_curves_it_changed(monkeypatch, make_window):
    window = make_window(Config(task="adding-problem", cell="lstm", timesteps=8).resolved())
    panel = window.gradients
    s = window.session
    calls = {c: count_calls(monkeypatch, c, "setData") for c in (panel.total, panel.last, panel.theory)}
    overflow = count_calls(monkeypatch, panel.overflow_marks.marks, "setData")
    for _ in range(8):  # the forward pass: no gradient yet, nothing to draw
        s.step()
        window.redraws.run()
    assert not any(calls.values()) and not overflow
    s.advance(2)
    window.redraws.run()
    assert s.phase is Phase.BACKWARD
    for _ in range(7):
        s.step()
        window.redraws.run()
    assert len(calls[panel.total]) == 8  # one per backward step (and the loss step's first point)
    # an LSTM has no theory curve, many-to-one no separate last-step curve: never redrawn
    assert len(calls[panel.theory]) <= 1 and len(calls[panel.last]) <= 1
    assert len(overflow) <= 1  # no inf or nan: the marks stay empty


def test_a_curve_holds_only_what_the_backward_pass_computed(make_window):
    window = make_window(Config(timesteps=10))
    s = window.session
    s.advance(10 + 1 + 3)
    window.redraws.run()
    x, _ = window.gradients.total.getData()
    np.testing.assert_array_equal(x, [8, 9, 10])


def test_the_backward_pass_leaves_the_predictions_line_alone(monkeypatch, make_window):
    from unrolled.ui.panels import sample_view

    window = make_window(cell="lstm", timesteps=6)
    s = window.session
    asked = count_calls(monkeypatch, sample_view, "predictions_text")
    s.advance(6)
    window.redraws.run()
    assert len(asked) == 1  # one event, one line
    for _ in range(7):  # the loss and the backward pass: the outputs do not change
        s.step()
        window.redraws.run()
    assert len(asked) == 1
    s.step_back()
    s.advance(3)  # the last backward step, the update, and the next iteration's first forward step
    window.redraws.run()
    assert len(asked) == 2


def test_the_predictions_line_follows_the_redraws_not_each_chunk(monkeypatch, make_window):
    """A long run's chunks do not rewrite the line; the window's redraw does, once."""
    from unrolled.ui.panels import sample_view

    window = make_window(cell="lstm", timesteps=6)
    asked = count_calls(monkeypatch, sample_view, "predictions_text")
    for _ in range(4):  # four chunks of a run
        window.session.advance(1)
    assert asked == []
    window.redraws.run()
    assert len(asked) == 1 and "?" in window.model_panel.sample_view.predicted.text()


def test_a_new_prediction_repaints_only_its_line(qtbot, make_window):
    """The predictions line changes at every forward step: it keeps its height, so the
    model panel is not laid out again (a QLabel relaid the whole dock out, and repainted it)."""
    from PySide6 import QtCore, QtWidgets

    window = make_window(cell="lstm", timesteps=12)
    view = window.model_panel.sample_view
    window.session.advance(12)  # the whole line once: as tall as it gets
    window.redraws.run()
    window.session.advance(12 + 2 + 3)  # into the next iteration's forward pass
    layouts = []

    class Watch(QtCore.QObject):
        def eventFilter(self, watched, event):
            if event.type() == QtCore.QEvent.Type.LayoutRequest:
                layouts.append(type(watched).__name__)
            return False

    watch = Watch()
    QtWidgets.QApplication.instance().installEventFilter(watch)
    try:
        for _ in range(20):  # until what the first steps laid out is done with (a round lays nothing out)
            layouts.clear()
            window.redraws.run()
            QtWidgets.QApplication.processEvents()
            if not layouts:
                break
        layouts.clear()
        before = view.predicted.text()
        window.session.advance(1)
        window.redraws.run()
        QtWidgets.QApplication.processEvents()
    finally:
        QtWidgets.QApplication.instance().removeEventFilter(watch)
    assert view.predicted.text() != before
    assert layouts == []


def test_a_step_does_not_lay_the_status_bar_out_again(qtbot, make_window):
    """Its labels only grow: a new text of another width does not relayout and repaint
    the window at every step."""
    from PySide6 import QtCore, QtWidgets

    window = make_window(cell="lstm", timesteps=12)
    s = window.session
    s.advance(12 + 1 + 1)  # into the backward pass: t = 12
    window.redraws.run()
    QtWidgets.QApplication.processEvents()
    layouts = []

    class Watch(QtCore.QObject):
        def eventFilter(self, obj, event):
            if event.type() == QtCore.QEvent.Type.LayoutRequest and obj is window.statusBar():
                layouts.append(s.position)
            return False

    watch = Watch()
    window.statusBar().installEventFilter(watch)
    for _ in range(10):  # t = 11 .. 2: "t = 11 of 12" and "t = 9 of 12" differ in width
        s.step()
        window.redraws.run()
        QtWidgets.QApplication.processEvents()
    window.statusBar().removeEventFilter(watch)
    assert "t = 2 of 12" in window.status.phase.text()
    assert layouts == []


def test_the_loss_plot_is_redrawn_only_when_the_loss_or_its_history_changes(monkeypatch, make_window):
    window = make_window(cell="lstm", timesteps=5)
    s = window.session
    given = count_calls(monkeypatch, window.loss_plot.curve, "setData")
    window.redraws.run()
    for _ in range(5):  # the forward pass: no loss yet
        s.step()
        window.redraws.run()
    assert len(given) == 0
    s.step()  # the loss: the open circle of this iteration
    window.redraws.run()
    for _ in range(5):  # the backward pass changes neither
        s.step()
        window.redraws.run()
    s.step()  # the update: the history grows
    window.redraws.run()
    assert len(given) == 2
    np.testing.assert_array_equal(window.loss_plot.curve.yData, s.loss_history)


def test_the_theory_line_is_named_for_the_weights_of_now_before_the_backward_pass(make_window):
    """Its entry stays in the legend through the forward pass (no rebuilt legend), named for
    the current U: after a rescale the old rho must not linger until the backward pass."""
    window = make_window(Config(activation="linear", rho=0.9, timesteps=8))
    s = window.session
    s.advance(3)
    window.redraws.run()
    names = [label.text for _, label in window.gradients.norms.legend.items]
    assert any("ρ(U) = 0.9" in name for name in names), names
    s.set_spectral_radius(1.5, keep_position=True)
    window.redraws.run()
    names = [label.text for _, label in window.gradients.norms.legend.items]
    assert any("ρ(U) = 1.5" in name for name in names) and not any("0.9" in name for name in names), names


def test_the_theory_line_writes_its_exponent_as_a_superscript(make_window):
    window = make_window(Config(timesteps=8))
    window.session.advance(2 * 8 + 1)
    window.redraws.run()
    names = [label.text for _, label in window.gradients.norms.legend.items]
    assert any("ᵀ⁻ᵗ" in name for name in names) and not any("^" in name for name in names), names


def test_a_new_model_drops_the_old_ones_gradient_range(make_window):
    """After an exploding model's backward pass (1e+4 at the top), a reset or another
    model shows its empty curves at the neutral range, not the old one, before its first
    backward step; the forward steps of the same model keep their range."""
    from unrolled.session.presets import get_preset

    window = make_window(get_preset("exploding-rnn").config)
    s = window.session
    s.advance(s.steps_to("iteration") - 1)
    window.redraws.run()
    old = window.gradients.norms.vb.viewRange()[1]
    assert old[1] >= 3
    s.step()
    s.step()  # the next iteration's forward pass, same model: the range stays
    window.redraws.run()
    assert window.gradients.norms.vb.viewRange()[1] == old
    s.reset()
    window.redraws.run()
    assert window.gradients.norms.vb.viewRange()[1] == [-1.0, 1.0]
    s.advance(s.steps_to("iteration") - 1)
    window.redraws.run()
    assert window.gradients.norms.vb.viewRange()[1][1] > 1
    s.adopt(Session(get_preset("vanishing-rnn").config))
    window.redraws.run()
    assert window.gradients.norms.vb.viewRange()[1] == [-1.0, 1.0]

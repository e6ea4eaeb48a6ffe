import numpy as np
import pytest
from PySide6 import QtCore, QtWidgets

from unrolled.session.config import Config
from unrolled.ui.windows.compare_window import CHOICES

from ..conftest import show_compare_window

TOXIC = Config(task="toxic-word", n_features=6, n_classes=2, mode="many-to-one", timesteps=20, n_hidden=12, rho=0.8)


def make(qtbot, config=TOXIC, changes=None):
    return show_compare_window(qtbot, config, changes)


def test_keys_step_both_and_the_plot_overlays_both_curves(qtbot):
    window = make(qtbot)
    for _ in range(2 * 20 + 1):
        qtbot.keyClick(window, QtCore.Qt.Key.Key_Right)
    window.redraw()
    c = window.comparison
    assert c.in_lockstep and c.a.position == 41
    for curve, s in zip(window.curves, c.sessions):
        np.testing.assert_allclose(curve.yData, s.gradient_curve())
    assert "B keeps 35 times more gradient at t = 1" in window.summary.text()
    qtbot.keyClick(window, QtCore.Qt.Key.Key_Left)
    assert c.in_lockstep and c.a.position == 40


def test_training_in_lockstep_from_the_window(qtbot):
    window = make(qtbot, TOXIC.replace(timesteps=6, batch_size=4))
    window.iterations.setValue(15)
    with qtbot.waitSignal(window.trainer_runner.finished, timeout=20000):
        qtbot.keyClick(window, QtCore.Qt.Key.Key_T)
    window.redraw()
    assert len(window.losses[0].yData) == len(window.losses[1].yData) == 15
    assert window.comparison.in_lockstep


def test_choosing_another_difference_rebuilds_both(qtbot):
    window = make(qtbot)
    window.choice.setCurrentIndex(3)  # another rho
    window.rho.setValue(1.7)
    window.apply_choice()
    assert window.comparison.changes == {"rho": 1.7}
    assert max(abs(np.linalg.eigvals(window.comparison.b.net.params["U1"]))) == pytest.approx(1.7)
    qtbot.waitUntil(lambda: "rho = 1.7" in window.label_b.text(), timeout=2000)


def test_main_window_opens_the_presets_comparison(qtbot, make_window):
    from unrolled.session.presets import get_preset

    preset = get_preset("clipping")
    main = make_window(preset.config)
    main.compare_changes = preset.compare
    main.open_compare()
    qtbot.addWidget(main.compare_window)
    assert main.compare_window.comparison.b.config.clipping == "none"


def test_the_compare_action_and_its_key_open_the_comparison(qtbot, make_window):
    """The menu's Compare... and Ctrl+K (its action, which Qt calls with `checked`)."""
    main = make_window(Config(layers=2))
    main.compare_changes = {"layers": 1}
    qtbot.keyClick(main.diagram, QtCore.Qt.Key.Key_K, QtCore.Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: main.compare_window is not None and main.compare_window.isVisible(), timeout=5000)
    qtbot.addWidget(main.compare_window)
    assert [s.config.layers for s in main.compare_window.comparison.sessions] == [2, 1]
    main.compare_window.close()
    main.act_compare.trigger()
    qtbot.addWidget(main.compare_window)
    assert main.compare_window.isVisible()


def test_curves_are_named_by_model_and_the_loss_is_drawn_after_one_iteration(qtbot):
    window = make(qtbot)
    qtbot.keyClick(window, QtCore.Qt.Key.Key_Right, QtCore.Qt.KeyboardModifier.ControlModifier)  # run iteration
    qtbot.waitUntil(lambda: len(window.comparison.a.history) == 1, timeout=5000)
    window.redraw()
    names = [item.text for _, item in window.grad_plot.legend.items]
    assert names == ["RNN", "LSTM"]
    # the two plots share the gradient plot's names; the loss plot's legend adds the baseline
    assert [item.text for _, item in window.loss_plot.legend.items] == ["chance (ln 2)"]
    for loss, s in zip(window.losses, window.comparison.sessions):
        assert list(loss.xData) == [1] and loss.yData[0] == s.history[-1].loss
        assert loss.opts["symbol"] is not None  # one point is seen: a line alone draws nothing
    assert "A (RNN)" in window.label_a.text() and "B (LSTM)" in window.label_b.text()
    assert "loss RNN " in window.summary.text() and ", LSTM " in window.summary.text()
    axis = window.loss_plot.getAxis("bottom")
    ticks = axis.tickValues(*axis.range, axis.size().width())
    assert [values for _, values in ticks] == [[1]]  # whole iterations only


def test_two_of_the_same_cell_are_named_by_their_difference(qtbot):
    window = make(qtbot, changes={"rho": 1.5})
    window.redraw()
    assert [item.text for _, item in window.grad_plot.legend.items] == ["RNN, rho 0.8", "RNN, rho 1.5"]
    window.choice.setCurrentIndex(1)  # B is a GRU
    window.apply_choice()
    window.redraw()
    assert [item.text for _, item in window.grad_plot.legend.items] == ["RNN", "GRU"]


def test_the_baseline_is_chance_for_cross_entropy_and_the_mean_for_mse(qtbot):
    window = make(qtbot, TOXIC.replace(n_classes=2))
    window.redraw()
    np.testing.assert_allclose(window.chance.yData, [np.log(2), np.log(2)])
    adding = Config(task="adding-problem", timesteps=10, n_hidden=4).resolved()
    assert adding.loss == "mse"
    window = make(qtbot, adding)
    window.redraw()
    # the sum of two uniform values: variance 2/12, what predicting 1 every time scores
    np.testing.assert_allclose(window.chance.yData, [1 / 6, 1 / 6], rtol=0.05)
    assert [item.text for _, item in window.loss_plot.legend.items][-1] == "predict the mean"


def test_up_and_down_from_a_remote_do_not_change_the_difference(qtbot):
    from PySide6 import QtWidgets
    from PySide6.QtTest import QTest

    window = make(qtbot, Config(task="toxic-word", n_features=6, n_classes=2, mode="many-to-one", timesteps=5))
    choice = window.choice.currentIndex()
    for key in (QtCore.Qt.Key.Key_Down, QtCore.Qt.Key.Key_Up, QtCore.Qt.Key.Key_Right):
        QTest.keyClick(QtWidgets.QApplication.focusWidget() or window, key)
    assert window.choice.currentIndex() == choice
    assert window.comparison.a.position == 1


def test_clipping_b_overflows_alone_and_a_trains_on_drawn_on_a_log_loss_axis(qtbot):
    from unrolled.session.presets import get_preset

    preset = get_preset("clipping")
    window = make(qtbot, preset.config, preset.compare)
    window.iterations.setValue(30)
    with qtbot.waitSignal(window.trainer_runner.finished, timeout=30000) as finished:
        qtbot.keyClick(window, QtCore.Qt.Key.Key_T)
    assert finished.args == [""]  # the run went on after B stopped
    c = window.comparison
    assert len(c.a.history) == 30 and len(c.b.history) < 10 and set(c.stopped) == {"B"}
    assert "and A trains on" in window.status.currentMessage()
    window.redraw()
    assert window.loss_plot.ctrl.logYCheck.isChecked()  # 1e7 for B and under 1 for A, both seen
    a_loss = window.losses[0].yData
    assert len(a_loss) == 30 and a_loss[-1] < a_loss[0] / 5
    # the trained networks' gradients, without a key press
    assert c.a.position == 2 * c.a.T + 1
    assert len(window.curves[0].yData) == c.a.T
    assert c.b.nonfinite_from() is not None  # B's kept weights overflow on the batch too: no curve to draw
    assert "B (clipping = none) stopped at iteration" in window.summary.text()


def test_a_comparison_none_of_the_choices_names_is_named_as_it_is(qtbot):
    from unrolled.session.presets import get_preset

    preset = get_preset("irnn-adding")
    window = make(qtbot, preset.config.replace(timesteps=10), preset.compare)
    assert window.choice.currentText() == "B: activation = tanh, init = spectral-radius"
    window.apply_choice()  # compares the same again
    assert window.comparison.changes == preset.compare


def _loss_axis_after_the_stops_run(qtbot, title: str, iterations: int = 150):
    """The stop's comparison trained as its demonstration (T) trains it, drawn at a
    projector's size; its loss plot's y range (log10) and the plots."""
    from unrolled.session.lessons import build_comparison, get_lesson, run_demonstration
    from unrolled.ui.plots.comparison import ComparisonPlots

    stop = next(s for s in get_lesson("rnn-part-2").stops if s.title.startswith(title))
    comparison, _ = build_comparison(stop, end=True)
    run_demonstration(comparison, iterations, seconds=600)
    plots = ComparisonPlots(comparison)
    qtbot.addWidget(plots)
    plots.resize(1300, 300)  # the comparison's plots under the lesson text, F5 at 1366 x 768
    plots.show()
    qtbot.waitExposed(plots)
    plots.refresh(comparison)
    QtWidgets.QApplication.processEvents()
    return comparison, plots, plots.loss_plot.vb.viewRange()[1]


def _legend_above_the_data(plot) -> bool:
    legend = plot.legend.mapRectToScene(plot.legend.boundingRect())
    return legend.bottom() <= plot.vb.mapRectToScene(plot.vb.boundingRect()).top() + 1


def test_the_clipping_stops_loss_axis_shows_a_falling_and_pins_b_at_its_top(qtbot):
    comparison, plots, (low, high) = _loss_axis_after_the_stops_run(qtbot, "Clipping")
    assert set(comparison.stopped) == {"B"}
    a = np.log10(comparison.a.loss_history)
    chance = np.log10(np.log(2))
    # A's losses and chance inside, at most about half a decade of margin: no empty decades
    assert low <= min(a.min(), chance) and high >= a.max()
    assert high - low <= (a.max() - min(a.min(), chance)) + 0.6 and high - low <= 3
    # A's fall from 11 to chance takes more than half of the axis
    assert (np.log10(10) - chance) / (high - low) > 0.5
    # B's overflowed losses: triangles at the top edge, their largest value in the legend
    marks = plots.off_scale.data["y"]
    assert marks.size and all(high - 0.1 * (high - low) <= y < high for y in marks)
    names = [label.text for _, label in plots.loss_plot.legend.items]
    assert any(name.startswith("B off the scale, up to 1.8e+07") for name in names)
    assert _legend_above_the_data(plots.loss_plot) and _legend_above_the_data(plots.grad_plot)


@pytest.mark.slow
def test_the_lstm_stops_loss_axis_ends_where_its_losses_do(qtbot):
    comparison, plots, (low, high) = _loss_axis_after_the_stops_run(qtbot, "LSTM against RNN")
    losses = np.log10(np.concatenate([s.loss_history for s in comparison.sessions]))
    assert low <= losses.min() and high >= max(losses.max(), np.log10(np.log(2)))
    assert high - max(losses.max(), np.log10(np.log(2))) < 0.5  # no decade above the losses (it reached 1e6)
    assert losses.min() - low < 0.5


def test_the_window_refreshes_through_its_redraw_throttle_never_inside_the_event(qtbot):
    from unrolled.ui.control.redraw import RedrawThrottle

    window = make(qtbot)
    assert isinstance(window.redraws, RedrawThrottle) and window.redraws is not None
    qtbot.waitUntil(lambda: not window.redraws.pending)
    drawn = []
    original = window.redraw
    window.redraw = lambda: (drawn.append(window.comparison.a.position), original())
    window.comparison.step()
    window.comparison.step()
    assert drawn == [] and window.redraws.pending  # nothing drawn inside the comparison's event
    qtbot.waitUntil(lambda: drawn == [2])  # the two steps, drawn once
    assert "t = 2" in window.label_a.text()


def test_one_layer_against_four_from_the_choice_and_the_keys(qtbot):
    window = make(qtbot, TOXIC.replace(timesteps=5))
    window.choice.setCurrentIndex(next(i for i, (label, _) in enumerate(window.choices) if label == "B has 4 layers"))
    window.apply_choice()
    c = window.comparison
    assert c.b.config.layers == 4 and c.a.config.layers == 1 and c.leader is c.b
    for _ in range(7):
        qtbot.keyClick(window, QtCore.Qt.Key.Key_Right)
    window.redraw()
    assert c.in_lockstep and (c.a.position, c.b.position) == (5, 7)
    assert "phase forward, t = 5" in window.label_a.text()
    assert "phase forward, layer 2, t = 2" in window.label_b.text()
    assert "42 steps an iteration against 12" in window.label_b.text()
    qtbot.keyClick(window, QtCore.Qt.Key.Key_Right, QtCore.Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: c.b.phase.value == "update", timeout=5000)
    assert c.a.phase.value == "update" and len(c.a.history) == len(c.b.history) == 1
    window.redraw()
    for curve, s in zip(window.curves, c.sessions):
        np.testing.assert_allclose(curve.yData, s.gradient_curve())


def test_one_direction_against_two_is_a_choice(qtbot):
    window = make(qtbot, TOXIC.replace(timesteps=4))
    window.choice.setCurrentIndex(next(i for i, (label, _) in enumerate(window.choices)
                                       if label == "B is bidirectional"))
    window.apply_choice()
    c = window.comparison
    assert c.b.config.bidirectional and c.names == ("RNN, one direction", "RNN, bidirectional")
    c.advance(6)
    window.redraw()
    assert "layer 1 reverse, t = 3" in window.label_b.text() and "phase forward, t = 4" in window.label_a.text()


def test_an_opened_model_is_compared_with_its_u_rescaled_and_named_as_the_users(qtbot, tmp_path):
    from unrolled.session.stepper import Session

    from support.state_dicts import save_model_and_data

    weights, data = save_model_and_data(tmp_path, "real")
    window = make(qtbot, Session.from_torch(weights, data).config)
    window.redraw()
    assert "your model m.npz" in window.label_a.text() and "task" not in window.label_a.text()
    assert "rho = 1.0" in window.label_b.text() and window.baseline[1] == "predict the mean"
    Y = np.load(data)["Y"]
    assert window.baseline[0] == pytest.approx(np.mean((Y - Y.mean(axis=0)) ** 2))
    items = window.choice.model()
    fixed = [label for i, (label, _) in enumerate(window.choices) if not items.item(i).isEnabled()]
    # ("B does not clip": A does not, B would be the same)
    assert fixed == ["B is an LSTM", "B is a GRU", "B is a vanilla tanh RNN", "B does not clip", "B has 4 layers",
                     "B has 1 layer", "B is bidirectional", "B runs one direction"]
    assert "The weights m.npz fix the cell" in items.item(0).toolTip()
    window.choice.setCurrentIndex(len(CHOICES) - 1)  # B is a fresh model of the same shape
    window.apply_choice()
    c = window.comparison
    assert c.changes == {"fresh": True} and c.names == ("LSTM, trained weights", "LSTM, fresh weights")
    assert not np.array_equal(c.a.net.params["U_i"], c.b.net.params["U_i"])
    window.redraw()
    assert "as A but fresh weights of the same shape" in window.label_b.text()


def test_a_fresh_model_is_no_choice_for_the_apps_own_model(qtbot):
    window = make(qtbot)
    item = window.choice.model().item(len(CHOICES) - 1)
    assert not item.isEnabled() and "For opened weights" in item.toolTip()
    assert window.choice.model().item(0).isEnabled()


def test_in_presentation_mode_a_depth_comparison_fits_a_1366_screen(qtbot, make_window):
    """B's line, with its note on the steps of a 4-layer A against a 1-layer B, is wrapped:
    the window is never wider than the projector, its summary never cut."""
    from unrolled.ui import theme

    main = make_window(Config(layers=4, timesteps=30))
    main.act_presentation.trigger()
    qtbot.waitUntil(main.updatesEnabled, timeout=3000)
    assert theme.THEME.scale > 1
    window = show_compare_window(qtbot, main.session.config, {"layers": 1})
    window.redraw()
    assert "steps an iteration against" in window.label_b.text() + window.label_b.toolTip()  # a short window: the tip
    assert window.minimumSizeHint().width() <= 1366 - 20


def test_where_the_last_step_has_no_target_the_whole_losss_gradient_is_drawn(qtbot):
    """Look-ahead tags t with the symbol at t + 2: no loss term at t = T, dL_T/dh_t = 0 at
    every t. The gradient plot draws ||dL/dh_t|| under a title that says so, never empty."""
    from unrolled.session.presets import get_preset

    preset = get_preset("bidirectional-tagging")
    window = make(qtbot, preset.config, preset.compare)
    c = window.comparison
    assert c.a.config.task == "look-ahead" and not c.a.last_step_has_loss
    assert c.a.__class__(Config()).last_step_has_loss  # POS tagging: a tag at every t
    qtbot.keyClick(window, QtCore.Qt.Key.Key_Right, QtCore.Qt.KeyboardModifier.ControlModifier)  # run iteration
    qtbot.waitUntil(lambda: len(c.a.history) == 1, timeout=5000)
    window.redraw()
    assert window.grad_plot.titleLabel.text.startswith("Gradient of the whole loss")
    assert "||dL/dh_t||" in window.grad_plot.getAxis("left").labelText
    for curve, s in zip(window.curves, c.sessions):
        x, y = curve.getData()
        np.testing.assert_allclose(y, np.log10(s.bwd.dh_norm[np.asarray(x, int) - 1]))  # a log axis
        assert len(x) >= s.T - 2


def test_an_open_comparison_follows_presentation_mode_on_and_off(qtbot, make_window):
    """Its plots are built again with the main window's: in F5 and back, their titles have
    the theme's size, never the one they were opened with."""
    from unrolled.ui import theme

    main = make_window(Config(layers=2))
    main.compare_changes = {"layers": 1}
    main.open_compare()
    qtbot.addWidget(main.compare_window)
    window = main.compare_window

    def title_pt() -> float:
        return float(window.grad_plot.titleLabel.opts["size"].removesuffix("pt"))

    for on in (True, False):
        main.act_presentation.trigger()
        qtbot.waitUntil(main.updatesEnabled, timeout=3000)
        assert (theme.THEME.scale > 1) == on
        assert title_pt() == pytest.approx(theme.THEME.points(1.15), abs=0.05)
    qtbot.keyClick(window, QtCore.Qt.Key.Key_Right)  # the keys still step both, into the new plots
    window.redraw()
    assert window.comparison.a.position == 1 and window.grad_plot.titleLabel.isVisible()


def test_in_presentation_mode_on_a_1280x720_screen_each_plot_keeps_a_readable_data_area(qtbot, make_window):
    """Below a lesson's text on a 1280x720 projector the window is about 520 px tall: its
    plots keep READABLE_DATA_PX of data each (the window scrolls), not a line of a few px."""
    from unrolled.session.presets import get_preset
    from unrolled.ui import theme
    from unrolled.ui.plots.gradients import READABLE_DATA_PX

    preset = get_preset("bidirectional-tagging")
    main = make_window(preset.config)
    main.act_presentation.trigger()
    qtbot.waitUntil(main.updatesEnabled, timeout=3000)
    assert theme.THEME.scale > 1
    window = show_compare_window(qtbot, preset.config, preset.compare)
    window.resize(1280, 505)
    c = window.comparison
    qtbot.keyClick(window, QtCore.Qt.Key.Key_Right, QtCore.Qt.KeyboardModifier.ControlModifier)  # run iteration
    qtbot.waitUntil(lambda: len(c.a.history) == 1, timeout=5000)
    window.redraw()
    for _ in range(6):
        QtWidgets.QApplication.processEvents()
    assert window.width() <= 1280 and window.height() <= 505
    for plot in (window.grad_plot, window.loss_plot):
        assert plot.vb.height() >= READABLE_DATA_PX - 2, plot.vb.height()


def test_a_difference_a_already_has_is_greyed(qtbot):
    window = make(qtbot, Config(layers=4, timesteps=6))
    labels = [label for label, _ in window.choices]
    model = window.choice.model()
    same = model.item(labels.index("B has 4 layers"))
    assert not same.isEnabled() and "A is like that already" in same.toolTip()
    assert model.item(labels.index("B has 1 layer")).isEnabled()
    assert model.item(labels.index("B is bidirectional")).isEnabled()
    assert not model.item(labels.index("B runs one direction")).isEnabled()


@pytest.mark.slow
@pytest.mark.parametrize("stop", [4, 5], ids=["stop 4", "stop 5 trained"])
@pytest.mark.parametrize("size", [(1280, 720), (1366, 768)], ids=["1280x720", "1366x768"])
def test_under_a_lessons_text_in_f5_both_plots_and_their_t_axes_are_in_view(make_window, qtbot, monkeypatch,
                                                                               size, stop):
    """The lesson depth-and-direction opens its comparison under its text (a window some 500
    px tall): both plots with READABLE_DATA_PX of data, their t axes and the summary in view,
    nothing to scroll, the gradient plot's title on one line."""
    from unrolled.session.lessons import get_lesson
    from unrolled.ui.plots.gradients import READABLE_DATA_PX
    from unrolled.ui.window import opened_windows

    monkeypatch.setattr(opened_windows, "screen_room", lambda widget: QtCore.QRect(0, 0, *size))
    main = make_window()
    main.move(0, 30)
    main.resize(size[0], size[1] - 30)  # a window manager's title bar
    main.act_presentation.trigger()
    qtbot.waitUntil(main.updatesEnabled, timeout=3000)
    main.lessons.start(get_lesson("depth-and-direction"), stop - 1)
    qtbot.waitUntil(lambda: main.compare_window is not None and main.compare_window.isVisible())
    window = main.compare_window
    if stop == 5:
        window.train()
        qtbot.waitUntil(lambda: not window.trainer_runner.busy, timeout=60000)
    scroll = window.centralWidget()
    qtbot.waitUntil(lambda: scroll.verticalScrollBar().maximum() == 0)
    viewport = scroll.viewport()
    for plot in (window.grad_plot, window.loss_plot):
        assert plot.vb.height() >= READABLE_DATA_PX
        axis = plot.getAxis("bottom")
        bottom = window.graphics.mapFromScene(axis.mapToScene(axis.boundingRect().bottomLeft())).y()
        assert window.graphics.mapTo(viewport, QtCore.QPoint(0, bottom)).y() <= viewport.height()
    assert window.summary.mapTo(viewport, window.summary.rect().bottomLeft()).y() <= viewport.height()
    one_line = window.loss_plot.titleLabel.item.boundingRect().height()
    assert window.grad_plot.titleLabel.item.boundingRect().height() == pytest.approx(one_line)

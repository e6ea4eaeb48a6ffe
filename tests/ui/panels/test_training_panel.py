import numpy as np
import pytest
from PySide6 import QtCore

from unrolled.session.config import Config
from unrolled.session.stepper import Phase

ADDING = Config(task="adding-problem", cell="lstm", timesteps=8, n_features=2, n_classes=1, mode="many-to-one",
                loss="mse", n_hidden=8, batch_size=8, optimiser="adam", learning_rate=0.01)


def test_train_key_trains_live_and_then_steps_the_trained_model(qtbot, make_window):
    window = make_window(ADDING)
    panel = window.training_panel
    panel.iterations.setValue(40)
    with qtbot.waitSignal(window.training.finished, timeout=20000) as done:
        qtbot.keyClick(window.diagram, QtCore.Qt.Key.Key_T)
    assert done.args == [""]
    assert window.training_dock.isVisible()
    assert len(window.session.loss_history) == 40 and "Trained: 40 iterations" in panel.message.text()
    window.redraw()
    np.testing.assert_allclose(window.loss_plot.curve.yData, window.session.loss_history)
    panel.refresh()
    assert len(panel.before.yData) == 40 and len(panel.latest.yData) == 8
    assert window.session.phase is Phase.READY
    qtbot.keyClick(window.diagram, QtCore.Qt.Key.Key_Right)
    assert window.session.phase is Phase.FORWARD


def test_stop_leaves_a_consistent_model(qtbot, make_window):
    window = make_window(ADDING.replace(timesteps=60))
    panel = window.training_panel
    panel.iterations.setValue(100000)
    window.train()
    qtbot.waitUntil(lambda: len(window.session.loss_history) >= 3, timeout=10000)
    with qtbot.waitSignal(window.training.finished, timeout=5000) as done:
        qtbot.keyClick(window.diagram, QtCore.Qt.Key.Key_Escape)
    assert "Stopped by you" in done.args[0]
    n = len(window.session.loss_history)
    assert all(np.all(np.isfinite(v)) for v in window.session.net.params.values())
    window.session.run_iteration()
    assert len(window.session.loss_history) == n + 1


def test_divergence_is_reported_in_the_panel(qtbot, make_window):
    window = make_window(Config(task="adding-problem", cell="rnn", activation="linear", rho=3.0, timesteps=700,
                                n_features=2, n_classes=1, mode="many-to-one", loss="mse", n_hidden=4))
    panel = window.training_panel
    with qtbot.waitSignal(window.training.finished, timeout=10000) as done:
        window.train()
    assert "Training stopped at iteration 1" in done.args[0]
    assert "Training stopped at iteration 1" in panel.message.text()


def test_a_long_iteration_is_spread_over_event_loop_turns_and_stop_abandons_it(qtbot, make_window):
    window = make_window(Config(task="adding-problem", cell="lstm", timesteps=3000, n_features=2, n_classes=1,
                                mode="many-to-one", loss="mse", n_hidden=64))
    weights = {k: v.copy() for k, v in window.session.net.params.items()}
    runner = window.training.runner
    runner.start(1)
    runner._chunk()  # one turn of the event loop: a slice of the first iteration, not all of it
    assert runner.busy and runner._iteration is not None and window.session.loss_history == []
    runner.stop()
    assert not runner.busy and window.session.loss_history == []
    for k, v in window.session.net.params.items():
        np.testing.assert_array_equal(v, weights[k])


def test_a_run_stopped_by_an_overflow_counts_the_iterations_it_did(qtbot, make_window):
    from unrolled.session.presets import get_preset

    window = make_window(get_preset("exploding-rnn").config.replace(learning_rate=100.0, rho=3.0))
    panel = window.training_panel
    with qtbot.waitSignal(window.training.finished, timeout=20000) as done:
        window.train()
    assert "Training stopped at iteration" in done.args[0]
    trained = len(panel.trainer.steps)
    assert trained >= 1
    assert panel.progress.value() == trained
    assert panel.rate.text() != "Not trained yet"


def test_a_lone_finite_norm_between_zeros_is_seen_on_a_labelled_axis(qtbot, make_window):
    """exploding-rnn at lr 100: two iterations with a zero gradient (gaps), then one of 1e24
    before the overflow: a lone point, which a line alone does not draw."""
    from unrolled.session.presets import get_preset

    window = make_window(get_preset("exploding-rnn").config.replace(learning_rate=100.0, rho=3.0))
    window.docks.show_training()
    panel = window.training_panel
    with qtbot.waitSignal(window.training.finished, timeout=20000):
        window.train()
    qtbot.waitUntil(lambda: not window.redraws.pending)  # the run's last curves, drawn by the throttle
    _, y = panel.before.getData()
    assert np.isfinite(y).sum() >= 1
    assert panel.before.opts["symbol"] == "o"  # a marker per iteration
    low, high = panel.norm_plot.vb.viewRange()[1]
    assert high - low >= 1.0  # at least a decade: the log axis has numbers


def test_the_panel_counts_whole_iterations_and_timesteps(qtbot, make_window):
    """Its x axes read 1, 2, 3 ... (never 1.5), and an empty plot shows no numbers at all
    (pyqtgraph's "0 0.2 0.4 ..." ran together in a narrow panel)."""
    window = make_window(ADDING)
    panel = window.training_panel
    for plot in (panel.accuracy_plot, panel.norm_plot, panel.latest_plot):
        assert plot.getAxis("bottom").tickValues(0.0, 1.0, 300.0) == []
    panel.iterations.setValue(3)
    with qtbot.waitSignal(window.training.finished, timeout=20000):
        window.train()
    panel.refresh()
    for plot, last in ((panel.norm_plot, 3), (panel.latest_plot, 8)):
        ticks = [v for _, values in plot.getAxis("bottom").tickValues(0.5, last + 0.5, 600.0) for v in values]
        assert ticks and all(float(v).is_integer() and 1 <= v <= last for v in ticks)
        assert last in ticks


def test_a_finished_run_and_a_new_model_leave_nothing_stale(qtbot, make_window):
    """After a run the rate line says what was trained (not "2 it/s, 21 s left"); the bar
    counts to the number chosen; a new model's empty plots drop the old model's ranges."""
    window = make_window(ADDING)
    panel = window.training_panel
    panel.iterations.setValue(3)
    assert panel.progress.maximum() == 3
    with qtbot.waitSignal(window.training.finished, timeout=20000):
        window.train()
    assert panel.rate.text() == "Trained: 3 iterations"
    qtbot.waitUntil(lambda: not window.redraws.pending)
    panel.norm_plot.setYRange(100, 150)  # as a diverged run leaves it
    window.session.new_sample()  # a new batch: the curves start afresh
    assert window.training.trainer.steps == []
    qtbot.waitUntil(lambda: panel.rate.text() == "Not trained yet")
    low, high = panel.norm_plot.viewRange()[1]
    assert low == pytest.approx(-1) and high == pytest.approx(1)


def test_the_panel_rebuilt_for_the_dark_theme_says_what_was_trained(qtbot, make_window):
    window = make_window(ADDING)
    panel = window.training_panel
    panel.iterations.setValue(3)
    with qtbot.waitSignal(window.training.finished, timeout=20000):
        window.train()
    window.act_dark.trigger()
    assert window.training_panel is not panel and window.training_panel.rate.text() == "Trained: 3 iterations"
    window.act_dark.trigger()


@pytest.mark.parametrize("size", [(1280, 690), (1366, 740)])
def test_no_axis_label_is_cut_by_the_panels_scroll_edge_in_f5(qtbot, make_window, size):
    """In F5 with the Theory panel below it, the Training panel's plots scroll; the rotated
    "accuracy" (longer than what showed of its axis) read "ccuracy". The accuracy plot's
    title names it; no label that shows is cut."""
    window = make_window()
    window.resize(*size)
    window.training_dock.show()
    window.theory_dock.show()
    window.act_presentation.trigger()
    qtbot.waitUntil(lambda: window.training_panel.isVisible())
    panel = window.training_panel
    assert not panel.accuracy_plot.getAxis("left").labelText
    assert "Accuracy" in panel.accuracy_plot.titleLabel.text
    viewport = panel.plots_scroll.viewport()
    corner = panel.graphics.mapFrom(viewport, QtCore.QPoint(0, 0))
    visible = panel.graphics.mapToScene(QtCore.QRect(corner, viewport.size())).boundingRect()
    for plot in (panel.accuracy_plot, panel.norm_plot, panel.latest_plot):
        axis = plot.getAxis("left")
        label = axis.label.mapRectToScene(axis.label.boundingRect())
        if axis.labelText and label.intersects(visible):
            assert visible.contains(label), (axis.labelText, label, visible)


def test_curves_drawn_before_the_panel_is_laid_out_keep_the_legend_off_them(qtbot):
    """A lesson's stop trains, then opens the panel: the legend was placed for a plot not
    yet laid out and sat on the curves."""
    from unrolled.session.presets import get_preset
    from unrolled.session.stepper import Session
    from unrolled.session.training import Trainer
    from unrolled.ui.panels.training_panel import TrainingPanel

    from support.figure_boxes import figure_problems

    preset = get_preset("clipping")
    session = Session(preset.config)
    trainer = Trainer(session)
    trainer.train(preset.export_iterations)
    panel = TrainingPanel(session, trainer=trainer)
    qtbot.addWidget(panel)
    panel.refresh()  # before it has a size
    panel.resize(1200, 420)
    panel.show()
    qtbot.waitExposed(panel)
    QtCore.QCoreApplication.processEvents()
    found = [p for p in figure_problems(panel.graphics) if "legend" in p]
    assert not found, "\n".join(found)


def test_hidden_the_panel_draws_no_curves_and_catches_up_once_when_shown(qtbot, make_window, monkeypatch):
    """The window's training runs without the panel; its curves come through the window's
    throttle, only while the panel is seen."""
    window = make_window(ADDING)
    panel = window.training_panel
    drawn = []
    original = panel.refresh
    monkeypatch.setattr(panel, "refresh", lambda: (drawn.append(len(panel.trainer.steps)), original()))
    assert not window.training_dock.isVisible()
    with qtbot.waitSignal(window.training.finished, timeout=20000):
        window.training.start(5)
    qtbot.waitUntil(lambda: not window.redraws.pending)
    assert drawn == []
    assert panel.before.yData is None or len(panel.before.yData) == 0  # no curve drawn yet
    window.docks.show_training()
    qtbot.waitUntil(lambda: drawn == [5])
    assert len(panel.before.yData) == 5

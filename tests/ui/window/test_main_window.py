import numpy as np
import pytest
from PySide6 import QtCore, QtGui, QtWidgets

from unrolled.session.config import Config
from unrolled.session.stepper import Phase
from unrolled.ui import theme

Key = QtCore.Qt.Key


def press(qtbot, window, key, modifier=QtCore.Qt.KeyboardModifier.NoModifier, times=1):
    for _ in range(times):
        qtbot.keyClick(window.diagram, key, modifier)
    window.redraw()


def test_opens_on_the_seed_example(window):
    s = window.session
    assert (s.config.task, s.config.cell, s.T, s.config.batch_size) == ("pos-tagging", "rnn", 4, 1)
    assert s.phase is Phase.READY
    assert "Ready" in window.status.phase.text()
    assert "X [1, T, F] = [1, 4, 14]" in window.model_panel.shapes.text()


def test_keyboard_alone_steps_forward_back_and_through_the_backward_pass(qtbot, window):
    s = window.session
    press(qtbot, window, Key.Key_Right, times=4)
    assert (s.phase, s.t) == (Phase.FORWARD, 4)
    assert "t = 4 of 4" in window.status.phase.text()
    press(qtbot, window, Key.Key_Left)
    assert (s.phase, s.t) == (Phase.FORWARD, 3)
    assert np.all(np.isnan(s.fwd.h[:, 3]))
    press(qtbot, window, Key.Key_Right, times=2)
    assert s.phase is Phase.LOSS and "Loss" in window.status.loss.text()
    press(qtbot, window, Key.Key_Right, times=4)
    assert (s.phase, s.t) == (Phase.BACKWARD, 1)
    assert "||dL_T/dh_1|| / ||dL_T/dh_T||" in window.status.ratio.text()
    press(qtbot, window, Key.Key_Right)
    assert s.phase is Phase.UPDATE and len(s.loss_history) == 1
    press(qtbot, window, Key.Key_R)  # a one-letter command acts once no character follows
    qtbot.waitUntil(lambda: s.phase is Phase.READY and s.loss_history == [])


def test_plots_hold_the_sessions_arrays_after_each_step(qtbot, make_window):
    window = make_window(cell="lstm", timesteps=6)
    s = window.session
    for _ in range(2 * 6 + 2):
        s.step()
        window.redraw()
        for key, panel in window.heatmaps.panels.items():
            source = s.fwd.h if key == "h" else s.fwd.c if key == "c" else s.fwd.gates[key]
            np.testing.assert_array_equal(panel.image.image, source[0].T)
        if s.bwd is not None:
            done = ~np.isnan(s.bwd.dh_norm)
            for curve, expected in ((window.gradients.total, s.bwd.dh_norm), (window.gradients.cell, s.bwd.dc_norm)):
                y = np.asarray(curve.yData if curve.yData is not None else [], dtype=float)  # getData() is log10
                np.testing.assert_allclose(y[np.isfinite(y)], expected[done])
    assert set(window.heatmaps.panels) == {"h", "c", "i", "f", "g", "o"}
    x, y = window.loss_plot.curve.getData()
    np.testing.assert_allclose(y, s.loss_history)


def rendered(widget) -> np.ndarray:
    image = widget.grab().toImage().convertToFormat(QtGui.QImage.Format.Format_RGB888)
    ptr = image.constBits()
    rows = np.frombuffer(ptr, dtype=np.uint8, count=image.sizeInBytes()).reshape(image.height(), image.bytesPerLine())
    return rows[:, : image.width() * 3].reshape(image.height(), image.width(), 3).copy()


def test_the_heatmap_renders_computed_columns_only(qtbot, make_window):
    window = make_window(timesteps=10, n_hidden=6)
    s = window.session
    for _ in range(5):
        s.step()
    window.redraw()
    panel = window.heatmaps.panels["h"]
    box = panel.plot.vb.sceneBoundingRect()
    pixels = rendered(window.heatmaps)
    view = panel.plot.vb
    def column(t):  # the pixels of timestep t, inside the plot area
        x = int(view.mapViewToScene(QtCore.QPointF(t, 3.5)).x())
        return pixels[int(box.top()) + 5 : int(box.bottom()) - 5, x]
    computed = np.concatenate([column(t) for t in (1, 3, 5)])
    empty = np.concatenate([column(t) for t in (7, 9, 10)])
    assert np.all(empty >= 250)  # white background: not computed, not zero-coloured
    assert np.mean(np.any(computed < 235, axis=-1)) > 0.5  # coloured cells


def test_inf_and_nan_are_drawn_distinctly_with_a_banner(qtbot, make_window):
    config = Config(task="adding-problem", n_features=2, n_classes=1, mode="many-to-one", loss="mse",
                    activation="linear", rho=3.0, timesteps=800, n_hidden=4)
    window = make_window(config)
    window.session.advance(800)
    window.redraw()
    assert window.status.banner.isVisible() and "forward pass from t =" in window.status.banner.text()
    rgba = window.heatmaps.panels["h"].image.rgba
    magenta = np.all(rgba == QtGui.QColor(theme.OVERFLOW).getRgb(), axis=-1)
    first = window.session.fwd.nonfinite_from
    assert np.any(magenta[:, first - 1]) and not np.any(magenta[:, : first - 1])
    assert np.all(magenta[:, first + 2 :])  # once inf meets inf, everything is nan


def test_play_runs_to_the_end_of_the_iteration_and_pauses(qtbot, window):
    window.speed.setValue(600)
    with qtbot.waitSignal(window.player.playing_changed, timeout=5000) as started:
        qtbot.keyClick(window.diagram, Key.Key_Space)
    assert started.args == [True] and window.act_play.text() == "Pause"
    with qtbot.waitSignal(window.player.playing_changed, timeout=10000) as stopped:
        pass
    assert stopped.args == [False]
    assert window.session.phase is Phase.UPDATE and window.act_play.text() == "Play"


def test_pause_stops_play_midway(qtbot, window):
    window.session.reconfigure(timesteps=200, task="toxic-word", n_features=5)
    window.speed.setValue(20)
    window.player.play()
    qtbot.waitUntil(lambda: window.session.position >= 2, timeout=5000)
    with qtbot.waitSignal(window.player.playing_changed, timeout=2000):
        qtbot.keyClick(window.diagram, Key.Key_Space)
    position = window.session.position
    assert 2 <= position < 2 * 200 + 2
    QtWidgets.QApplication.processEvents()
    assert window.session.position == position


def test_finish_phase_and_run_iteration_run_in_chunks_with_progress(qtbot, make_window):
    window = make_window(cell="lstm", timesteps=400, n_hidden=64, task="toxic-word", n_features=5)
    progress = []
    window.runner.progress.connect(lambda done, total: progress.append((done, total)))
    with qtbot.waitSignal(window.runner.finished, timeout=20000):
        press(qtbot, window, Key.Key_Right, QtCore.Qt.KeyboardModifier.ShiftModifier)
    assert window.session.position == 400
    with qtbot.waitSignal(window.runner.finished, timeout=20000):
        press(qtbot, window, Key.Key_Right, QtCore.Qt.KeyboardModifier.ControlModifier)
    assert window.session.phase is Phase.UPDATE
    assert len(progress) > 2 and progress[-1][0] == progress[-1][1]


def test_every_action_is_in_a_menu_with_its_shortcut(window):
    in_menus = {a for menu in window.menuBar().findChildren(QtWidgets.QMenu) for a in menu.actions()}
    for action, key in [(window.act_step, "Right"), (window.act_step_back, "Left"), (window.act_play, "Space"),
                        (window.act_reset, "R"), (window.act_full_screen, "F11")]:
        assert action in in_menus
        assert action.shortcut().toString() == key


def test_full_screen_toggles(qtbot, window):
    window.toggle_full_screen()
    assert window.isFullScreen() and window.act_full_screen.isChecked()
    window.toggle_full_screen()
    assert not window.isFullScreen()


def test_diagram_becomes_a_strip_for_large_T(qtbot, make_window):
    window = make_window(timesteps=300, task="toxic-word", n_features=5)
    window.session.advance(300 + 1 + 100)
    window.redraw()
    pixels = rendered(window.diagram)
    # the backward pass's reds and the forward pass's blue are both on screen
    r, b = pixels[..., 0].astype(int), pixels[..., 2].astype(int)
    assert np.any(b > r + 60)  # forward blue
    assert np.any(r > b + 60)  # backward reds


def test_speed_control_sets_the_play_rate(window):
    window.speed.setValue(20)
    assert window.player.steps_per_second == 20
    window.player.play()
    assert window.player._timer.interval() == 50
    window.speed.setValue(600)  # above the redraw rate: several steps per tick instead
    assert window.player._timer.interval() == 16  # 60 ticks a second, 10 steps each
    window.player.pause()


def test_with_a_batch_the_heatmaps_show_the_chosen_sequence(make_window):
    window = make_window(batch_size=3, timesteps=5)
    assert window.plots.sequence_row.isVisible()
    window.session.advance(5)
    window.redraw()
    np.testing.assert_array_equal(window.heatmaps.panels["h"].image.image, window.session.fwd.h[0].T)
    window.plots.sequence_box.setValue(3)
    np.testing.assert_array_equal(window.heatmaps.panels["h"].image.image, window.session.fwd.h[2].T)
    np.testing.assert_array_equal(window.model_panel.sample_view.image.image, window.session.X[2].T)
    window.session.reconfigure(batch_size=1)
    window.redraw()
    assert not window.plots.sequence_row.isVisible()
    np.testing.assert_array_equal(window.heatmaps.panels["h"].image.image, window.session.fwd.h[0].T)


def test_a_rebuild_stops_a_long_run_and_play(qtbot, make_window):
    window = make_window(cell="lstm", timesteps=600, n_hidden=64, task="toxic-word", n_features=5)
    window.transport.run_to("phase")
    assert window.runner.busy
    window.model_panel.apply({"timesteps": 8})
    assert not window.runner.busy and window.session.position == 0
    window.player.play()
    window.session.reset()
    assert not window.player.playing


def test_a_hidden_view_computes_nothing_and_catches_up_when_shown(qtbot, window, monkeypatch):
    calls = []
    heatmaps = window.heatmaps
    real = heatmaps.refresh
    monkeypatch.setattr(heatmaps, "refresh", lambda session: (calls.append(session.position), real(session)))
    window.panel_actions["heatmaps"].trigger()  # View > Hidden states and gates: off
    assert window.plots.slots["heatmaps"].isHidden()
    press(qtbot, window, Key.Key_Right, times=3)
    assert calls == []
    window.panel_actions["heatmaps"].trigger()  # on again: one refresh, at the current step
    assert calls == [3]
    np.testing.assert_array_equal(heatmaps.panels["h"].image.image[:, :3],
                                  window.session.fwd.h[0, :3].T)


def test_a_single_step_redraws_at_the_next_turn_of_the_event_loop(qtbot, window):
    from support.clock import FakeClock

    qtbot.waitUntil(lambda: not window.redraws.pending)
    clock = window.redraws.clock = FakeClock(window.redraws.clock())
    window.redraws.run()  # the last redraw, on the test's clock: it took no time
    clock.advance(0.1)  # a lecturer's pause between key presses: longer than a frame
    qtbot.keyClick(window.diagram, Key.Key_Right)
    assert window.redraws.pending and "t = 1 of 4" not in window.status.phase.text()
    QtWidgets.QApplication.processEvents()  # one turn: no frame timer in the way of the key press
    assert not window.redraws.pending and "t = 1 of 4" in window.status.phase.text()


def test_a_small_screen_opens_the_window_maximised(qtbot):
    """Sized to the whole of a 1366 x 768 screen, the title bar pushed the status bar off its
    bottom; maximised, the window manager fits it (the test screen, 800 x 600, is small)."""
    from unrolled.session.stepper import Session
    from unrolled.ui.window.main_window import MainWindow

    window = MainWindow(Session(Config(timesteps=4)))
    qtbot.addWidget(window)
    window.show_on_screen()
    assert window.isMaximized()


@pytest.mark.parametrize(("room", "size"), [((1920, 1040), (1440, 960)), ((1600, 980), (1440, 920)),
                                           ((1600, 965), (1440, 905)), ((1600, 959), None), ((1366, 728), None)])
def test_a_screen_with_room_opens_the_window_as_tall_as_a_deep_stacks_picture_needs(room, size):
    """1440 wide, and up to 960 tall where the screen has room beside its title bar (four
    bidirectional layers' depth-time picture under the curves); maximised (None) without."""
    from unrolled.ui.window.main_window import opening_size

    got = opening_size(QtCore.QSize(*room))
    assert (got if got is None else (got.width(), got.height())) == size


def test_the_keyboard_shortcuts_fit_the_screen_and_scroll(qtbot, make_window):
    """F1's list is taller than a 768 px projector: its window fits the screen and scrolls."""
    from PySide6 import QtCore, QtWidgets

    window = make_window()
    seen = {}

    def look():
        dialog = QtWidgets.QApplication.activeModalWidget()
        if dialog is None:
            QtCore.QTimer.singleShot(20, look)
            return
        room = dialog.screen().availableGeometry()
        text = dialog.findChild(QtWidgets.QTextBrowser)
        seen.update(fits=dialog.height() <= room.height() and dialog.width() <= room.width(),
                    scrolls=text.verticalScrollBar().maximum() > 0, text=text.toPlainText())
        dialog.reject()

    QtCore.QTimer.singleShot(0, look)
    window.act_shortcuts.trigger()
    assert seen["fits"] and seen["scrolls"] and "Right" in seen["text"]


def test_a_saved_message_leaves_the_step_readout_in_view(make_window, tmp_path):
    """QStatusBar's own messages hid "Iteration | phase | t" while they showed."""
    window = make_window()
    window.session.advance(2)
    window.redraw()
    assert window.files.save_to(str(tmp_path / "demo.json"))
    assert window.status.phase.isVisible() and "t = 2" in window.status.phase.text()
    assert "Saved" in window.status.notice.text() and window.status.notice.isVisible()


def test_a_reset_after_an_overflowing_run_drops_the_loss_plots_range(make_window):
    window = make_window()
    window.loss_plot.setYRange(0, 5e140)  # as an overflowing run leaves it
    window.session.run_iteration()
    window.session.run_iteration()
    window.redraw()
    window.loss_plot.setYRange(0, 5e140)
    window.session.reset()
    window.redraw()
    low, high = window.loss_plot.viewRange()[1]
    assert high < 10


def test_hovering_a_toolbar_button_leaves_the_step_readout(make_window):
    """A status tip replaced the readout while the pointer rested on Step."""
    for action in window_actions(make_window()):
        assert action.statusTip() == "", action.text()


def window_actions(window):
    return [a for a in window.findChildren(QtGui.QAction) if a.text()]


def test_the_status_line_says_truncation_cut_the_gradient(make_window):
    from unrolled.session.presets import get_preset

    window = make_window(get_preset("truncated-bptt").config)
    s = window.session
    s.advance(s.steps_to("iteration") - 1)
    window.redraw()
    assert window.status.ratio.text() == "||dL_T/dh_1|| / ||dL_T/dh_T|| = 0: cut by truncation (k = 10)"
    assert "not because the gradient vanished" in window.status.ratio.toolTip()

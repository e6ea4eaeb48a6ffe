import numpy as np
from PySide6 import QtCore

from unrolled.session.config import Config
from unrolled.ui.compare_window import CompareWindow

TOXIC = Config(task="toxic-word", n_features=6, n_classes=2, mode="many-to-one", timesteps=20, n_hidden=12, rho=0.8)


def make(qtbot, config=TOXIC, changes=None):
    window = CompareWindow(config, changes)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    with qtbot.waitActive(window):
        window.activateWindow()
    return window


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
    assert max(abs(np.linalg.eigvals(window.comparison.b.net.params["U1"]))) == __import__("pytest").approx(1.7)
    qtbot.waitUntil(lambda: "rho = 1.7" in window.label_b.text(), timeout=2000)


def test_main_window_opens_the_presets_comparison(qtbot, make_window):
    from unrolled.session.presets import get_preset

    preset = get_preset("clipping")
    main = make_window(preset.config)
    main.compare_changes = preset.compare
    main.open_compare()
    qtbot.addWidget(main.compare_window)
    assert main.compare_window.comparison.b.config.clipping == "none"

import numpy as np
import pytest

from unrolled.engine.init import orthogonal
from unrolled.session.config import Config
from unrolled.ui.panels import theory_panel


@pytest.fixture
def unpaced(monkeypatch):
    """The worker asked again starts at once: the panel's pacing (a settle time, one run a
    second) is for a live window, and a test of what it computes would wait it out."""
    monkeypatch.setattr(theory_panel, "SETTLE_MS", 0)
    monkeypatch.setattr(theory_panel, "MIN_SECONDS_BETWEEN", 0.0)


def show_theory(qtbot, window):
    with qtbot.waitSignal(window.theory_panel.result_ready, timeout=20000):
        window.theory_dock.show()
    return window.theory_panel


def test_linear_rnn_theory_is_exact_against_the_engine(qtbot, make_window):
    """U = rho * orthogonal, linear: ||dh_T/dh_t|| = rho^(T-t), the bound equals it, and the
    engine's gradient decays by the same factor."""
    window = make_window(Config(task="adding-problem", n_features=2, n_classes=1, mode="many-to-one", loss="mse",
                                activation="linear", timesteps=12, n_hidden=6))
    window.session.set_weights({"U1": 0.7 * orthogonal(np.random.default_rng(0), 6)})
    panel = show_theory(qtbot, window)
    result = panel.result
    np.testing.assert_allclose(result.log10_product, result.steps_back * np.log10(0.7), atol=1e-9)
    np.testing.assert_allclose(result.log10_bound, result.log10_product, atol=1e-9)
    assert result.spectra[0].spectral_radius == pytest.approx(0.7)
    assert "ρ(U1) = <b>0.700</b>" in panel.numbers.text()
    window.session.run_iteration()
    curve = window.session.gradient_curve()
    np.testing.assert_allclose(curve / curve[-1], 10.0 ** result.log10_product, rtol=1e-9)


@pytest.mark.usefixtures("unpaced")
def test_the_slider_rescales_U_and_the_plots_follow(qtbot, make_window):
    window = make_window(task="toxic-word", n_features=5, timesteps=20, n_hidden=8)
    panel = show_theory(qtbot, window)
    window.session.advance(2 * 20 + 1)  # through the backward pass
    before = window.session.gradient_ratio()
    panel.rho_box.setValue(2.5)
    qtbot.waitUntil(lambda: window.session.config.rho == pytest.approx(2.5), timeout=5000)
    qtbot.waitUntil(lambda: panel.result.spectra[0].spectral_radius == pytest.approx(2.5), timeout=20000)
    assert max(abs(np.linalg.eigvals(window.session.net.params["U1"]))) == pytest.approx(2.5)
    assert window.session.position == 2 * 20 + 1  # replayed to the same step
    assert window.session.gradient_ratio() > before
    assert panel.rho_slider.value() == theory_panel.position_of(2.5) == 120


def test_lstm_shows_the_forget_gate_path(qtbot, make_window):
    window = make_window(cell="lstm", task="toxic-word", n_features=5, timesteps=10, n_hidden=6)
    panel = show_theory(qtbot, window)
    assert panel.result.forget_product is not None and panel.result.log10_bound is None
    assert [panel.matrix.itemText(i) for i in range(panel.matrix.count())] == ["U_i", "U_f", "U_g", "U_o"]
    x, y = panel.forget.getData()
    assert len(x) == 10


def test_a_hidden_panel_computes_nothing_and_catches_up_when_shown(qtbot, make_window, monkeypatch):
    calls = []
    real = theory_panel.snapshot
    monkeypatch.setattr(theory_panel, "snapshot", lambda *args: calls.append(1) or real(*args))
    window = make_window(task="toxic-word", n_features=5, timesteps=6, n_hidden=8)
    for _ in range(3):
        window.session.run_iteration()  # three weight updates, the panel hidden
    assert calls == []
    panel = show_theory(qtbot, window)
    assert len(calls) == 1
    window.session.advance(3)  # steps that change no weights: nothing to recompute
    window.theory_dock.hide()
    window.theory_dock.show()
    assert len(calls) == 1
    rho = max(abs(np.linalg.eigvals(window.session.net.params["U1"])))
    assert panel.result.spectra[0].spectral_radius == pytest.approx(rho)


@pytest.mark.usefixtures("unpaced")
def test_the_worker_is_asked_through_the_windows_throttle_never_inside_the_event(qtbot, make_window, monkeypatch):
    calls = []
    real = theory_panel.snapshot
    monkeypatch.setattr(theory_panel, "snapshot", lambda *args: calls.append(1) or real(*args))
    window = make_window(task="toxic-word", n_features=5, timesteps=6, n_hidden=8)
    panel = show_theory(qtbot, window)
    assert len(calls) == 1 and not window.redraws.is_stale(panel)
    window.session.run_iteration()  # the weights change
    assert len(calls) == 1 and window.redraws.is_stale(panel)  # nothing asked inside the session's event
    with qtbot.waitSignal(panel.result_ready, timeout=20000):
        pass
    assert len(calls) == 2 and not window.redraws.is_stale(panel)


def test_a_blown_up_U_is_shown_without_overflowing_the_slider(qtbot, make_window):
    window = make_window(task="toxic-word", n_features=5, timesteps=6, n_hidden=8)
    U1 = window.session.net.params["U1"]  # beyond rho's range in a config, so given as weights
    window.session.set_weights({"U1": U1 * 3e7 / max(abs(np.linalg.eigvals(U1)))})
    panel = show_theory(qtbot, window)
    assert panel.rho_slider.value() == panel.rho_slider.maximum()
    assert "3e+07" in panel.numbers.text()


def test_the_jacobian_plot_reads_whole_steps_and_the_values_between_decades(qtbot):
    """T - t in whole steps (never 0.5); a curve from 1 down to 0.84 gets 0.9 as well as 1
    (its axis read "1" alone); rho shown as 1.000 is "at 1", not "above 1"."""
    from unrolled.session.config import Config
    from unrolled.session.stepper import Session
    from unrolled.ui.panels.theory_panel import TheoryPanel

    panel = TheoryPanel(Session(Config().resolved()))
    qtbot.addWidget(panel)
    panel.resize(400, 700)
    panel.show()
    panel.recompute()  # what a window's throttle asks of a panel it sees
    qtbot.waitUntil(lambda: panel.result is not None, timeout=20000)
    steps = panel.jac_plot.getAxis("bottom")
    whole = [v for _, level in steps.tickValues(-0.5, 3.5, 300.0) for v in level]
    assert steps.tickStrings(whole, 1, 1) == ["0", "1", "2", "3"]
    narrow = [v for _, level in steps.tickValues(-0.5, 29.5, 120.0) for v in level]  # T = 30 in a narrow F5 panel
    assert len(narrow) <= 4 and all(v == round(v) for v in narrow)  # round steps that hold their labels apart
    axis = panel.jac_plot.getAxis("left")
    values = [v for _, level in axis.tickValues(-0.08, 0.12, 160.0) for v in level]
    assert axis.tickStrings(values, 1, 1) == ["1", "0.9"]
    assert "at 1, the edge" in panel.verdict.text() and "above 1" not in panel.verdict.text()


def _slider_x(slider, value):
    """The x of the slider's handle centre at `value`, as its style draws it."""
    from PySide6 import QtWidgets

    option = QtWidgets.QStyleOptionSlider()
    slider.initStyleOption(option)
    style = slider.style()
    handle = style.subControlRect(QtWidgets.QStyle.ComplexControl.CC_Slider, option,
                                  QtWidgets.QStyle.SubControl.SC_SliderHandle, slider)
    groove = style.subControlRect(QtWidgets.QStyle.ComplexControl.CC_Slider, option,
                                  QtWidgets.QStyle.SubControl.SC_SliderGroove, slider)
    span = groove.width() - handle.width()
    return groove.x() + handle.width() // 2 + QtWidgets.QStyle.sliderPositionFromValue(
        slider.minimum(), slider.maximum(), value, span)


def _drag(slider, x_from, x_to):
    from PySide6 import QtCore, QtGui, QtWidgets

    y = slider.height() // 2
    left, none = QtCore.Qt.MouseButton.LeftButton, QtCore.Qt.MouseButton.NoButton
    mods = QtCore.Qt.KeyboardModifier.NoModifier
    for kind, x, buttons, button in ((QtCore.QEvent.Type.MouseButtonPress, x_from, left, left),
                                     (QtCore.QEvent.Type.MouseMove, (x_from + x_to) / 2, left, none),
                                     (QtCore.QEvent.Type.MouseMove, x_to, left, none),
                                     (QtCore.QEvent.Type.MouseButtonRelease, x_to, none, left)):
        local = QtCore.QPointF(x, y)
        event = QtGui.QMouseEvent(kind, local, QtCore.QPointF(slider.mapToGlobal(local.toPoint())), button, buttons,
                                  mods)
        QtWidgets.QApplication.sendEvent(slider, event)


def test_the_rho_slider_is_fine_around_1_and_sets_1_1_by_a_drag(qtbot, make_window):
    """At 1366 x 768, 0.80 -> 1.51 took a 30 px drag; now 30 px moves rho by at most about
    0.15 between 0.5 and 1.5, and a drag to the tick of 1.1 sets 1.1 exactly."""
    window = make_window(task="toxic-word", n_features=5, timesteps=20, n_hidden=8)
    window.resize(1366, 768)
    panel = show_theory(qtbot, window)
    slider = panel.rho_slider
    assert [theory_panel.rho_at(theory_panel.position_of(r)) for r in (0.5, 0.8, 1.0, 1.1, 1.2, 1.5, 2.5, 3.0)] == [
        0.5, 0.8, 1.0, 1.1, 1.2, 1.5, 2.5, 3.0]
    px_per_tenth = _slider_x(slider, theory_panel.position_of(1.1)) - _slider_x(slider, theory_panel.position_of(1.0))
    assert px_per_tenth >= 20, (px_per_tenth, slider.width())  # 30 px: 0.15 at most
    assert (_slider_x(slider, theory_panel.position_of(1.51)) - _slider_x(slider, theory_panel.position_of(0.8))
            > 4 * 30)
    _drag(slider, _slider_x(slider, slider.value()), _slider_x(slider, theory_panel.position_of(1.1)))
    assert panel.rho_box.value() == pytest.approx(1.1)
    qtbot.waitUntil(lambda: window.session.config.rho == pytest.approx(1.1), timeout=5000)
    for target in (1.0, 1.2):
        _drag(slider, _slider_x(slider, slider.value()), _slider_x(slider, theory_panel.position_of(target)))
        assert panel.rho_box.value() == pytest.approx(target)


def test_the_rho_keys_step_by_0_01(qtbot, make_window):
    from PySide6 import QtCore
    from PySide6.QtTest import QTest

    window = make_window(task="toxic-word", n_features=5, timesteps=20, n_hidden=8)
    panel = show_theory(qtbot, window)
    panel.rho_box.setValue(1.0)
    panel.rho_slider.setFocus()
    QTest.keyClick(panel.rho_slider, QtCore.Qt.Key.Key_Up)
    assert panel.rho_box.value() == pytest.approx(1.01)
    panel.rho_box.setFocus()
    QTest.keyClick(panel.rho_box, QtCore.Qt.Key.Key_Down)
    QTest.keyClick(panel.rho_box, QtCore.Qt.Key.Key_Down)
    assert panel.rho_box.value() == pytest.approx(0.99)
    assert panel.rho_slider.value() == theory_panel.position_of(0.99)


@pytest.mark.usefixtures("unpaced")
def test_a_chosen_layers_spectrum_and_products_and_no_chooser_for_one_layer(qtbot, make_window):
    window = make_window(Config(task="pos-tagging", timesteps=6, n_hidden=4, layers=2, bidirectional=True,
                                cell="lstm"))
    panel = show_theory(qtbot, window)
    assert panel.layer.isVisible() and panel.layer.currentText() == "layer 1 forward"
    assert panel.result.layer == (0, 0)
    assert [panel.matrix.itemText(i) for i in range(panel.matrix.count())] == ["U_i", "U_f", "U_g", "U_o"]
    with qtbot.waitSignal(panel.result_ready, timeout=20000):
        panel.layer.setCurrentIndex(3)
    assert panel.result.layer == (1, 1) and panel.layer.currentText() == "layer 2 reverse"
    assert [panel.matrix.itemText(i) for i in range(panel.matrix.count())] == [
        "U_i_l1_reverse", "U_f_l1_reverse", "U_g_l1_reverse", "U_o_l1_reverse"]
    assert "ρ(U_i_l1_reverse)" in panel.numbers.text()
    assert panel.jac_plot.titleLabel.text == "||dh_1/dh_t|| against t - 1"
    x, y = panel.product.getData()
    np.testing.assert_array_equal(y, panel.result.log10_product)
    spectrum = np.linalg.eigvals(window.session.net.params["U_i_l1_reverse"])
    np.testing.assert_allclose(np.sort_complex(panel.result.spectra[0].eigenvalues), np.sort_complex(spectrum))


def test_one_layer_shows_no_layer_chooser(qtbot, make_window):
    window = make_window(task="toxic-word", n_features=5, timesteps=6, n_hidden=4)
    panel = show_theory(qtbot, window)
    assert not panel.layer.isVisible() and panel.result.layer == (0, 0)
    assert panel.jac_plot.titleLabel.text == "||dh_T/dh_t|| against T - t"



def test_a_finished_worker_lets_go_of_its_job_and_the_networks_snapshot(qtbot, make_window, monkeypatch):
    """Each computation's job holds a snapshot of the weights (tens of MB for a deep LSTM
    at D = 256): once its thread has finished, the job is deleted and the snapshot let go,
    so stepping through iterations with the panel open holds no more than the last result."""
    import shiboken6

    made = []

    class Recorded(theory_panel._Job):
        def __init__(self, args, number):
            super().__init__(args, number)
            made.append(self)

    monkeypatch.setattr(theory_panel, "_Job", Recorded)
    monkeypatch.setattr(theory_panel, "MIN_SECONDS_BETWEEN", 0.0)
    window = make_window(task="toxic-word", n_features=5, timesteps=6, n_hidden=4, layers=2)
    panel = show_theory(qtbot, window)
    for _ in range(2):
        with qtbot.waitSignal(panel.result_ready, timeout=20000):
            window.session.run_iteration()  # new weights: a new computation
    qtbot.waitUntil(lambda: not panel._threads, timeout=5000)
    assert len(made) == 3 and not panel._jobs
    qtbot.waitUntil(lambda: not any(shiboken6.isValid(job) for job in made), timeout=5000)
    assert all(job.args is None for job in made)

import json

import numpy as np
import pytest

from unrolled.session.sweep import SweepSettings, run_sweep
from unrolled.ui.windows.sweep_window import SweepWindow


def make(qtbot):
    window = SweepWindow()
    qtbot.addWidget(window)
    window.show()
    return window


def test_a_small_sweep_plots_success_against_T_and_saves_its_settings(qtbot, tmp_path):
    window = make(qtbot)
    window.lengths.setText("3, 4")
    window.seeds.setValue(1)
    window.iterations.setValue(10)
    window.start()
    qtbot.waitUntil(lambda: window._thread is None, timeout=60000)
    assert window.result.complete
    x, y = window.curves["lstm"].getData()
    np.testing.assert_array_equal(x, [3, 4])
    assert np.all((y >= 0) & (y <= 1))
    window.save(str(tmp_path / "sweep.json"))
    saved = json.loads((tmp_path / "sweep.json").read_text())
    assert saved["settings"]["lengths"] == [3, 4] and saved["settings"]["iterations"] == 10
    assert (tmp_path / "sweep.png").exists()
    assert "T in [3, 4]" in window.settings_text.text()


def test_cancel_leaves_a_consistent_partial_result(qtbot):
    window = make(qtbot)
    window.lengths.setText("50, 100")
    window.iterations.setValue(5000)
    window.start()
    qtbot.waitUntil(lambda: window._thread is not None and window._thread.isRunning())  # cancelled mid-run
    window.cancel()
    qtbot.waitUntil(lambda: window._thread is None, timeout=60000)
    assert not window.result.complete and "cancelled" in window.eta.text()
    assert window.start_button.isEnabled()


def test_bad_lengths_are_refused_with_a_message(qtbot, monkeypatch):
    from PySide6 import QtWidgets

    shown = []
    monkeypatch.setattr(QtWidgets.QMessageBox, "warning", lambda *a: shown.append(a[2]))
    window = make(qtbot)
    window.lengths.setText("5, ten")
    window.start()
    assert shown and "not a list of whole numbers" in shown[0] and window._thread is None


@pytest.mark.slow
def test_the_sweep_separates_the_rnn_from_the_lstm():
    """The figure's point, at a size that runs in seconds: at T = 30 the LSTM learns the
    adding problem and the vanilla RNN does not."""
    result = run_sweep(SweepSettings(lengths=(30,), seeds=1, iterations=500))
    assert result.success_rate("lstm")[0] == 1.0
    assert result.success_rate("rnn")[0] == 0.0

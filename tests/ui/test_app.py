import sys

import pytest
from PySide6 import QtWidgets

from unrolled.ui import app as app_module


def test_an_exception_in_a_slot_shows_a_dialog_and_the_app_keeps_running(qapp, monkeypatch):
    shown = []
    monkeypatch.setattr(QtWidgets.QMessageBox, "exec", lambda self: shown.append((self.text(), self.detailedText())))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    app_module.install_excepthook()
    try:
        raise RuntimeError("boom in a slot")
    except RuntimeError:
        sys.excepthook(*sys.exc_info())
    assert shown and "RuntimeError: boom in a slot" in shown[0][0]
    assert "Traceback" in shown[0][1]


def test_a_repeating_fault_shows_one_dialog_at_a_time(qapp, monkeypatch):
    shown = []

    def exec_and_fault_again(box):
        shown.append(box.text())
        sys.excepthook(RuntimeError, RuntimeError("again, while the first dialog is open"), None)

    monkeypatch.setattr(QtWidgets.QMessageBox, "exec", exec_and_fault_again)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    app_module.install_excepthook()
    sys.excepthook(RuntimeError, RuntimeError("first"), None)
    assert len(shown) == 1 and "first" in shown[0]
    sys.excepthook(RuntimeError, RuntimeError("later"), None)  # the first was closed: a new one
    assert len(shown) == 2


# What the first window does without: imported where they are first used (benchmarks/first_window.py)
NOT_FOR_THE_FIRST_WINDOW = (
    "unrolled.ui.export.writers", "unrolled.ui.export.svg", "unrolled.ui.export.handout",
    "unrolled.ui.dialogs.export_dialog", "unrolled.ui.dialogs.gradcheck_dialog",
    "unrolled.ui.windows.compare_window", "unrolled.ui.windows.sweep_window", "unrolled.ui.plots.comparison",
    "unrolled.session.files", "unrolled.session.weights", "unrolled.session.data", "unrolled.session.sweep",
    "unrolled.session.gradcheck", "unrolled.cli", "safetensors", "PIL", "scipy", "torch",
)


@pytest.mark.slow  # a fresh Python and a window: about 1.5 s
def test_the_first_window_imports_none_of_what_it_does_not_show():
    import os
    import subprocess

    child = (
        "import sys\n"
        "from PySide6 import QtWidgets\n"
        "from unrolled.session.stepper import Session\n"
        "from unrolled.ui.app import make_application\n"
        "from unrolled.ui.window.main_window import MainWindow\n"
        "app = make_application()\n"
        "window = MainWindow(Session())\n"
        "window.show()\n"
        "QtWidgets.QApplication.processEvents()\n"
        f"print(sorted(name for name in {NOT_FOR_THE_FIRST_WINDOW!r} if name in sys.modules))\n"
        "window.close()\n"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    out = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True, env=env, check=True,
                         timeout=120)
    assert out.stdout.strip().splitlines()[-1] == "[]"

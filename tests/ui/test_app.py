import sys

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

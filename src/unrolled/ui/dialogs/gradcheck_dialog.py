"""Run > Check gradients: the backward pass against central differences, per parameter, in
a table (session.gradcheck computes, in a worker thread, on a copy of the network)."""

from __future__ import annotations

from PySide6 import QtCore, QtWidgets

from ...session.gradcheck import TOLERANCE, check_snapshot, snapshot
from ...session.stepper import Session

COLUMNS = ("parameter", "entries checked", "largest relative error", "result")


class _Job(QtCore.QObject):
    done = QtCore.Signal(object)  # list[ParameterCheck] or Exception

    def __init__(self, snap):
        super().__init__()
        self.snap = snap

    def run(self) -> None:
        result: object
        try:
            result = check_snapshot(self.snap)
        except Exception as error:  # shown in the dialog, never a crash
            result = error
        self.done.emit(result)


class GradcheckDialog(QtWidgets.QDialog):
    finished_check = QtCore.Signal()

    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Check gradients")
        self.checks = None
        self.summary = QtWidgets.QLabel(
            f"The backward pass (BPTT) at the current weights and batch against central differences in "
            f"float64. Every relative error under {TOLERANCE:g}: the gradient is the exact derivative.")
        self.summary.setWordWrap(True)
        self.table = QtWidgets.QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        self.verdict = QtWidgets.QLabel("Checking...")
        buttons = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.verdict)
        layout.addWidget(buttons)
        self.resize(620, 420)
        self._thread = QtCore.QThread(self)
        self._job = _Job(snapshot(session))
        self._job.moveToThread(self._thread)
        self._thread.started.connect(self._job.run)
        self._job.done.connect(self._on_done)
        self._thread.start()

    def _on_done(self, result) -> None:
        self._thread.quit()
        if isinstance(result, Exception):
            self.verdict.setText(f"<b>Cannot check</b>: {result}")
        else:
            self.checks = result
            self.table.setRowCount(len(result))
            for row, c in enumerate(result):
                for col, text in enumerate((c.name, f"{c.checked} of {c.entries}", f"{c.error:.3e}",
                                            "ok" if c.passed else "FAILED")):
                    self.table.setItem(row, col, QtWidgets.QTableWidgetItem(text))
            self.table.resizeColumnsToContents()  # "largest relative error" whole, not "gest relative err"
            passed = all(c.passed for c in result)
            self.verdict.setText(f"<b>{'Passed' if passed else 'FAILED'}</b>: "
                                 + ("BPTT is the exact derivative." if passed else "a gradient is wrong."))
        self.finished_check.emit()

    def done(self, code: int) -> None:
        self._thread.quit()
        self._thread.wait()
        super().done(code)

"""Reproduce a paper's figure: success rate against T for a vanilla RNN and an LSTM on the
adding problem, trained in the background with progress and a cancel."""

from __future__ import annotations

import json
import threading
import time

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtWidgets

from ...session.sweep import SweepResult, SweepSettings, run_sweep
from .. import theme
from ..export.writers import ExportError, write_file, write_png
from ..plots.style import style_plot

COLOURS = {"rnn": theme.VERMILION, "lstm": theme.BLUE, "gru": theme.GREEN}
NAMES = {"rnn": "vanilla RNN (tanh)", "lstm": "LSTM", "gru": "GRU"}


class _Worker(QtCore.QObject):
    progress = QtCore.Signal(int, int, object)
    finished = QtCore.Signal(object)

    def __init__(self, settings: SweepSettings, stop: threading.Event):
        super().__init__()
        self.settings, self.stop = settings, stop

    def run(self) -> None:
        result = run_sweep(self.settings, lambda d, t, r: self.progress.emit(d, t, r), self.stop.is_set)
        self.finished.emit(result)


class SweepWindow(QtWidgets.QMainWindow):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("unrolled: success rate against sequence length")
        self.result: SweepResult | None = None
        self._thread: QtCore.QThread | None = None
        self._stop = threading.Event()
        defaults = SweepSettings()
        self.lengths = QtWidgets.QLineEdit(", ".join(str(t) for t in defaults.lengths))
        self.lengths.setToolTip("Sequence lengths T to train at, separated by commas")
        self.seeds = QtWidgets.QSpinBox()
        self.seeds.setRange(1, 20)
        self.seeds.setValue(defaults.seeds)
        self.iterations = QtWidgets.QSpinBox()
        self.iterations.setRange(10, 20000)
        self.iterations.setValue(defaults.iterations)
        self.start_button = QtWidgets.QPushButton("Start")
        self.cancel_button = QtWidgets.QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.save_button = QtWidgets.QPushButton("Save result...")
        self.save_button.setEnabled(False)
        self.progress = QtWidgets.QProgressBar()
        self.progress.setFormat("%v of %m runs")
        self.eta = QtWidgets.QLabel()
        form = QtWidgets.QHBoxLayout()
        for w in (QtWidgets.QLabel("T ="), self.lengths, QtWidgets.QLabel("seeds"), self.seeds,
                  QtWidgets.QLabel("iterations"), self.iterations, self.start_button, self.cancel_button,
                  self.save_button):
            form.addWidget(w)
        bar = QtWidgets.QHBoxLayout()
        bar.addWidget(self.progress, 1)
        bar.addWidget(self.eta)
        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setBackground(theme.THEME.background)
        self.plot = self.graphics.addPlot()
        style_plot(self.plot, theme.THEME, "Adding problem: success rate against T",
                         {"bottom": "T (sequence length)", "left": "success rate"})
        self.plot.setYRange(-0.05, 1.05)
        self.plot.setMenuEnabled(False)
        self.plot.addLegend(offset=(10, -10), labelTextSize=f"{theme.THEME.points():.1f}pt",
                            labelTextColor=theme.THEME.foreground)
        self.curves = {}
        self.settings_text = QtWidgets.QLabel(defaults.describe())
        self.settings_text.setWordWrap(True)
        central = QtWidgets.QWidget()
        layout = QtWidgets.QVBoxLayout(central)
        layout.addLayout(form)
        layout.addLayout(bar)
        layout.addWidget(self.graphics, 1)
        layout.addWidget(self.settings_text)
        self.setCentralWidget(central)
        self.start_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self.save_button.clicked.connect(self._on_save)
        self.resize(900, 600)

    def settings(self) -> SweepSettings:
        try:
            lengths = tuple(sorted({int(x) for x in self.lengths.text().replace(" ", "").split(",") if x}))
        except ValueError as error:
            raise ValueError(f"T: {self.lengths.text()!r} is not a list of whole numbers") from error
        if not lengths or min(lengths) < 2 or max(lengths) > 1000:
            raise ValueError("T: give lengths from 2 to 1000, separated by commas")
        return SweepSettings(lengths=lengths, seeds=self.seeds.value(), iterations=self.iterations.value())

    def start(self) -> None:
        if self._thread is not None:
            return
        try:
            settings = self.settings()
        except ValueError as error:
            QtWidgets.QMessageBox.warning(self, "Cannot start", str(error))
            return
        self.settings_text.setText(settings.describe())
        self._stop.clear()
        self._started = time.perf_counter()
        self.progress.setMaximum(settings.runs)
        self.progress.setValue(0)
        self.eta.setText("starting...")
        self.start_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self._thread = QtCore.QThread()
        self._worker = _Worker(settings, self._stop)
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.run)
        self._worker.progress.connect(self._on_progress)
        self._worker.finished.connect(self._on_finished)
        self._worker.finished.connect(self._thread.quit)
        self._thread.start()

    def cancel(self) -> None:
        self._stop.set()
        self.eta.setText("cancelling after the current iteration...")

    def wait(self) -> None:
        if self._thread is not None:
            self._thread.quit()
            self._thread.wait()

    def _on_progress(self, done: int, total: int, result: SweepResult) -> None:
        self.progress.setValue(done)
        elapsed = time.perf_counter() - self._started
        self.eta.setText(f"about {elapsed / done * (total - done):.0f} s left")
        self.show_result(result)

    def _on_finished(self, result: SweepResult) -> None:
        thread = self._thread
        assert thread is not None  # only a started worker finishes
        thread.quit()  # the queued quit may not have run yet; wait() needs it
        thread.wait()
        thread.deleteLater()
        self._thread = None
        self.start_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.save_button.setEnabled(True)
        state = "done" if result.complete else "cancelled: the plot shows the runs that finished"
        self.eta.setText(f"{state} ({result.seconds:.0f} s)")
        self.show_result(result)

    def show_result(self, result: SweepResult) -> None:
        self.result = result
        lengths = np.array(result.settings.lengths, dtype=float)
        for cell in result.settings.cells:
            if cell not in self.curves:
                self.curves[cell] = self.plot.plot([], [], pen=theme.THEME.pen(COLOURS[cell]), symbol="o",
                                                   symbolSize=theme.THEME.px(9), symbolBrush=COLOURS[cell],
                                                   symbolPen=None, name=NAMES[cell])
            rate = result.success_rate(cell)
            keep = np.isfinite(rate)
            self.curves[cell].setData(lengths[keep], rate[keep])

    def _on_save(self) -> None:
        path, _ = QtWidgets.QFileDialog.getSaveFileName(self, "Save the sweep", "sweep.json", "JSON (*.json)")
        if not path:
            return
        try:
            self.save(path)
        except ExportError as error:
            QtWidgets.QMessageBox.warning(self, "Cannot save", f"{error}\n\nNothing was overwritten.")

    def save(self, path: str) -> None:
        """The result and its settings as JSON, and the figure beside it as PNG."""
        assert self.result is not None  # Save is enabled once a run has a result
        write_file(path, json.dumps(self.result.to_dict(), indent=2).encode("utf-8"))  # whole or not at all
        write_png(str(path).rsplit(".", 1)[0] + ".png", self.graphics.grab())

    def closeEvent(self, event) -> None:
        self._stop.set()
        self.wait()
        super().closeEvent(event)

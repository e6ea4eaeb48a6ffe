"""File > Export: choose a figure, a format, a resolution and a size; save or copy."""

from __future__ import annotations

from pathlib import Path

from PySide6 import QtCore, QtWidgets

from ..session.stepper import Session
from ..session.tables import figures_for
from .export import FORMATS, ExportError, copy_to_clipboard, write_figure, write_trace
from .figures import FIGURE_INCHES, TITLES

WINDOW = "window"  # the whole window, as it is on screen
TRACE = "trace"  # every array of the iteration, as NPZ


class ExportDialog(QtWidgets.QDialog):
    def __init__(self, session: Session, window: QtWidgets.QWidget, figure: str = "dashboard", parent=None):
        super().__init__(parent or window)
        self.session, self.window = session, window
        self.setWindowTitle("Export a figure")
        self.figure = QtWidgets.QComboBox()
        for name in figures_for(session):
            self.figure.addItem(TITLES[name], name)
        self.figure.addItem("The whole window, as on screen (PNG)", WINDOW)
        self.figure.addItem("The full trace of this iteration (NPZ)", TRACE)
        self.format = QtWidgets.QComboBox()
        labels = ("PNG image", "SVG vector figure", "PDF vector figure", "CSV data behind the figure")
        for fmt, label in zip(FORMATS, labels):
            self.format.addItem(label, fmt)
        self.dpi = QtWidgets.QSpinBox()
        self.dpi.setRange(30, 1200)
        self.dpi.setValue(300)
        self.dpi.setSuffix(" DPI")
        self.dpi.setToolTip("300 DPI for slides and print; fonts and lines scale with it")
        self.width_in = QtWidgets.QDoubleSpinBox()
        self.height_in = QtWidgets.QDoubleSpinBox()
        for box in (self.width_in, self.height_in):
            box.setRange(1.0, 40.0)
            box.setDecimals(2)
            box.setSuffix(" in")
        self.pixels = QtWidgets.QLabel()
        form = QtWidgets.QFormLayout()
        form.addRow("Figure", self.figure)
        form.addRow("Format", self.format)
        form.addRow("Resolution", self.dpi)
        size = QtWidgets.QHBoxLayout()
        size.addWidget(self.width_in)
        size.addWidget(QtWidgets.QLabel("x"))
        size.addWidget(self.height_in)
        form.addRow("Size", size)
        form.addRow("", self.pixels)
        buttons = QtWidgets.QDialogButtonBox()
        self.save_button = buttons.addButton("Save as...", QtWidgets.QDialogButtonBox.ButtonRole.AcceptRole)
        self.copy_button = buttons.addButton("Copy to clipboard", QtWidgets.QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(QtWidgets.QDialogButtonBox.StandardButton.Close)
        self.save_button.clicked.connect(self._on_save)
        self.copy_button.clicked.connect(self._on_copy)
        buttons.rejected.connect(self.reject)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.figure.currentIndexChanged.connect(self._on_figure_changed)
        for box in (self.dpi, self.width_in, self.height_in):
            box.valueChanged.connect(self._update_pixels)
        self.format.currentIndexChanged.connect(self._update_pixels)
        self.figure.setCurrentIndex(max(self.figure.findData(figure), 0))
        self._on_figure_changed()

    def _on_figure_changed(self) -> None:
        name = self.figure.currentData()
        special = name in (WINDOW, TRACE)
        for w in (self.format, self.dpi, self.width_in, self.height_in):
            w.setEnabled(not special)
        self.copy_button.setEnabled(name != TRACE)
        if not special:
            w, h = FIGURE_INCHES[name]
            self.width_in.setValue(w)
            self.height_in.setValue(h)
        self._update_pixels()

    def _update_pixels(self) -> None:
        name, fmt = self.figure.currentData(), self.format.currentData()
        if name == WINDOW:
            text = f"{self.window.width()} x {self.window.height()} pixels"
        elif name == TRACE or fmt == "csv":
            text = "data, not a picture"
        elif fmt == "png":
            dpi = self.dpi.value()
            text = f"{round(self.width_in.value() * dpi)} x {round(self.height_in.value() * dpi)} pixels"
        else:
            text = "vector: sharp at any size"
        self.pixels.setText(text)

    def suggested_name(self) -> str:
        name, fmt = self.figure.currentData(), self.format.currentData()
        if name == WINDOW:
            return "window.png"
        if name == TRACE:
            return "trace.npz"
        return f"{name}.{fmt}"

    # -- actions ----------------------------------------------------------------------
    def export_to(self, path: str | Path) -> Path:
        """Write the chosen figure to path; raises ExportError with a clear message."""
        name = self.figure.currentData()
        path = Path(path)
        if name == TRACE:
            return write_trace(self.session, path)
        if name == WINDOW:
            if not self.window.grab().save(str(path), "PNG"):
                raise ExportError(f"cannot write {path}")
            return path
        return write_figure(self.session, name, path, self.format.currentData(), self.dpi.value(),
                            (self.width_in.value(), self.height_in.value()))

    def _on_save(self) -> None:
        start = str(Path(QtCore.QSettings().value("export/folder", str(Path.home()))) / self.suggested_name())
        path, _ = QtWidgets.QFileDialog.getSaveFileName(self, "Export", start)
        if not path:
            return
        try:
            self.export_to(path)
        except ExportError as error:
            QtWidgets.QMessageBox.warning(self, "Export failed", f"{error}\n\nNothing else was changed.")
            return
        QtCore.QSettings().setValue("export/folder", str(Path(path).parent))
        self.accept()

    def _on_copy(self) -> None:
        name = self.figure.currentData()
        if name == WINDOW:
            QtWidgets.QApplication.clipboard().setImage(self.window.grab().toImage())
        else:
            copy_to_clipboard(self.session, name)

"""File > Export: choose a figure, a format, a resolution and a size; save or copy."""

from __future__ import annotations

from pathlib import Path

from PySide6 import QtCore, QtWidgets

from ...session.figure_registry import DEFAULT_FIGURE, FIGURES, figures_for
from ...session.figure_size import RULE, SizeError, check_pixels, font_scale, parse_size
from ...session.stepper import Session
from ...session.torch_files import torch_refusal
from .. import theme
from ..export.writers import (
    DATA_FORMATS,
    FORMATS,
    ExportError,
    copy_to_clipboard,
    write_figure,
    write_png,
    write_trace,
    write_weights,
)

WINDOW = "window"  # the whole window, as it is on screen
TRACE = "trace"  # every array of the iteration, as NPZ
WEIGHTS = "weights"  # the weights in torch's layout, as safetensors
DATA = {TRACE: DATA_FORMATS["npz"], WEIGHTS: DATA_FORMATS["safetensors"]}  # -> the file's usual name
OWN = ""  # the figure's own size
CUSTOM = "custom"  # the width and height boxes
SIZES = (("The figure's own size", OWN), ("16:9 slide, 13.33 x 7.5 in", "16:9"), ("4:3 slide, 10 x 7.5 in", "4:3"),
         ("Paper column, 3.5 in (8.9 cm) wide", "column"), ("Width x height below", CUSTOM))


def _export_folder() -> str:
    """The folder of the last export, or the home folder: QSettings.value() may hand back
    any type (typed `object`), and a settings file edited by hand may hold anything."""
    value = QtCore.QSettings().value("export/folder", str(Path.home()))
    return value if isinstance(value, str) else str(Path.home())


class ExportDialog(QtWidgets.QDialog):
    def __init__(self, session: Session, window: QtWidgets.QWidget, figure: str = DEFAULT_FIGURE, parent=None):
        super().__init__(parent or window)
        # not `self.window`: that would hide QWidget.window()
        self.session, self.main_window = session, window
        self.setWindowTitle("Export a figure")
        self.figure = QtWidgets.QComboBox()
        for name in figures_for(session):
            self.figure.addItem(FIGURES[name].title, name)
        self.figure.addItem("The whole window, as on screen (PNG)", WINDOW)
        self.figure.addItem("The full trace of this iteration (NPZ)", TRACE)
        if torch_refusal(session) is None:  # torch.nn.RNN has no sigmoid or linear RNN
            self.figure.addItem("The weights in torch's layout (safetensors)", WEIGHTS)
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
        self.size_choice = QtWidgets.QComboBox()  # editable: 12x8cm may be typed
        self.size_choice.setEditable(True)
        self.size_choice.setInsertPolicy(QtWidgets.QComboBox.InsertPolicy.NoInsert)
        for label, spec in SIZES:
            self.size_choice.addItem(label, spec)
        self.size_choice.setToolTip(f"Choose or type a size (16:9, 4:3, column, 12x8cm, 5x3in). {RULE}")
        self.size_error = QtWidgets.QLabel()
        self.size_error.setWordWrap(True)
        self.size_error.setStyleSheet(f"color: {theme.VERMILION}")
        self.size_error.hide()
        self.pixels = QtWidgets.QLabel()
        form = QtWidgets.QFormLayout()
        form.addRow("Figure", self.figure)
        form.addRow("Format", self.format)
        form.addRow("Resolution", self.dpi)
        form.addRow("Size", self.size_choice)
        size = QtWidgets.QHBoxLayout()
        size.addWidget(self.width_in)
        size.addWidget(QtWidgets.QLabel("x"))
        size.addWidget(self.height_in)
        form.addRow("", size)
        form.addRow("", self.size_error)
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
        for spin_box in (self.dpi, self.width_in, self.height_in):
            spin_box.valueChanged.connect(self._update_pixels)
        self.format.currentIndexChanged.connect(self._update_pixels)
        self.size_choice.editTextChanged.connect(self._on_size_changed)
        self.figure.setCurrentIndex(max(self.figure.findData(figure), 0))
        self._on_figure_changed()

    def _on_figure_changed(self) -> None:
        name = self.figure.currentData()
        special = name in (WINDOW, *DATA)
        for control in (self.format, self.dpi, self.size_choice):
            control.setEnabled(not special)
        self.copy_button.setEnabled(name not in DATA)
        if not special:
            width, height = FIGURES[name].inches
            self.width_in.setValue(width)
            self.height_in.setValue(height)
        self._on_size_changed()

    # -- the size -----------------------------------------------------------------------
    def size_spec(self) -> str:
        """What the size box holds: OWN, CUSTOM, or a size to parse (16:9, 12x8cm)."""
        text = self.size_choice.currentText()
        index = self.size_choice.findText(text)
        return self.size_choice.itemData(index) if index >= 0 else text

    def chosen_inches(self) -> tuple[float, float]:
        """(width, height) in inches of the chosen figure at the chosen size; raises SizeError."""
        name, spec = self.figure.currentData(), self.size_spec()
        if spec == CUSTOM:
            return self.width_in.value(), self.height_in.value()
        if spec == OWN:
            return FIGURES[name].inches
        return parse_size(spec).inches(FIGURES[name].inches)

    def _on_size_changed(self) -> None:
        """Show the size chosen in the width and height boxes (editable for CUSTOM only)."""
        name = self.figure.currentData()
        custom = self.size_spec() == CUSTOM and name not in (WINDOW, *DATA)
        for box in (self.width_in, self.height_in):
            box.setEnabled(custom)
        if not custom and name not in (WINDOW, *DATA):
            try:
                inches = self.chosen_inches()
            except SizeError:
                pass  # _update_pixels says why
            else:
                for box, value in zip((self.width_in, self.height_in), inches):
                    box.blockSignals(True)
                    box.setValue(value)
                    box.blockSignals(False)
        self._update_pixels()

    def size_problem(self) -> str | None:
        """Why the chosen size cannot be exported, or None."""
        name, fmt = self.figure.currentData(), self.format.currentData()
        if name in (WINDOW, *DATA) or fmt == "csv":
            return None
        try:
            inches = self.chosen_inches()
            if fmt == "png":
                check_pixels(inches, self.dpi.value())
        except SizeError as error:
            return f"Size: {error}"
        return None

    def _update_pixels(self) -> None:
        name, fmt = self.figure.currentData(), self.format.currentData()
        problem = self.size_problem()
        self.size_error.setText(problem or "")
        self.size_error.setVisible(problem is not None)
        self.save_button.setEnabled(problem is None)
        self.copy_button.setEnabled(problem is None and name not in DATA)
        if name == WINDOW:
            text = f"{self.main_window.width()} x {self.main_window.height()} pixels"
        elif name in DATA or fmt == "csv":
            text = "data, not a picture"
        elif problem is not None:
            text = ""
        else:
            inches = self.chosen_inches()
            points = theme.THEME.font_pt * font_scale(inches, FIGURES[name].inches)
            dpi = self.dpi.value()
            picture = (f"{round(inches[0] * dpi)} x {round(inches[1] * dpi)} pixels" if fmt == "png"
                       else "vector: sharp at any size")
            text = f"{inches[0]:.2f} x {inches[1]:.2f} in, {picture}; text {points:.0f} pt"
        self.pixels.setText(text)

    def suggested_name(self) -> str:
        name, fmt = self.figure.currentData(), self.format.currentData()
        if name == WINDOW:
            return "window.png"
        if name in DATA:
            return DATA[name]
        return f"{name}.{fmt}"

    # -- actions ----------------------------------------------------------------------
    def export_to(self, path: str | Path) -> Path:
        """Write the chosen figure to path; raises ExportError with a clear message."""
        name = self.figure.currentData()
        path = Path(path)
        if name == TRACE:
            return write_trace(self.session, path)
        if name == WEIGHTS:
            return write_weights(self.session, path)
        if name == WINDOW:
            return write_png(path, self.main_window.grab())
        problem = self.size_problem()
        if problem is not None:
            raise ExportError(problem)
        return write_figure(self.session, name, path, self.format.currentData(), self.dpi.value(),
                            self.chosen_inches(), theme=theme.THEME)

    def _on_save(self) -> None:
        start = str(Path(_export_folder()) / self.suggested_name())
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
            QtWidgets.QApplication.clipboard().setImage(self.main_window.grab().toImage())
        elif self.size_problem() is None:
            try:
                copy_to_clipboard(self.session, name, inches=self.chosen_inches(), theme=theme.THEME)
            except ExportError as error:
                QtWidgets.QMessageBox.warning(self, "Copy failed", str(error))

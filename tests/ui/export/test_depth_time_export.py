"""The depth-time figure through the export paths: its CSV `layer,direction,t,norm` with
the session's norms exactly, one row per layer, direction and t; PNG, SVG and PDF that
other programs draw as Qt does; written for a stack only."""

import csv
import shutil
import subprocess

import numpy as np
import pytest
from PySide6 import QtGui

from unrolled.session.config import Config
from unrolled.session.figure_registry import FIGURES
from unrolled.session.presets import get_preset
from unrolled.session.stepper import Session
from unrolled.ui.export.writers import export_all, write_figure


def _deep() -> Session:
    session = Session(Config(cell="lstm", timesteps=5, n_hidden=3, layers=3, bidirectional=True))
    session.advance(session.steps_to("iteration") - 1)  # the whole backward pass
    return session


def _rows(path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def test_the_csv_holds_every_layer_direction_and_timestep_exactly(tmp_path):
    session = _deep()
    header, *rows = _rows(write_figure(session, "depth_time_gradients", tmp_path / "d.csv", "csv"))
    assert header == ["layer", "direction", "t", "norm"]
    assert len(rows) == 3 * 2 * 5
    norms = session.layer_gradient_norms()
    expected = [[str(layer + 1), ("forward", "reverse")[direction], str(t + 1)]
                for layer in range(3) for direction in range(2) for t in range(5)]
    assert [row[:3] for row in rows] == expected
    for (layer, direction, t), row in zip(expected, rows, strict=True):
        key = (int(layer) - 1, ("forward", "reverse").index(direction))
        assert float(row[3]) == norms[key][int(t) - 1]  # repr: every bit of the float64


def test_before_the_backward_pass_the_norms_are_nan(tmp_path):
    session = Session(Config(timesteps=4, n_hidden=3, layers=2))
    session.advance(session.steps_to("phase"))
    _, *rows = _rows(write_figure(session, "depth_time_gradients", tmp_path / "d.csv", "csv"))
    assert len(rows) == 8 and all(row[3] == "nan" for row in rows)


def test_export_writes_it_for_a_stack_and_not_for_one_layer(qapp, tmp_path):
    written = export_all(_deep(), tmp_path / "deep", formats=("png", "csv"), dpi=60)
    assert {p.name for p in written} >= {"depth_time_gradients.png", "depth_time_gradients.csv"}
    one = Session(Config(timesteps=4, n_hidden=3))
    one.advance(one.steps_to("iteration") - 1)
    assert not any("depth_time" in p.name for p in export_all(one, tmp_path / "one", formats=("csv",)))


def _grey(path) -> np.ndarray:
    image = QtGui.QImage(str(path)).convertToFormat(QtGui.QImage.Format.Format_Grayscale8)
    data = np.frombuffer(image.constBits(), np.uint8, image.sizeInBytes())
    return data.reshape(image.height(), -1)[:, : image.width()].astype(float) / 255


@pytest.mark.skipif(shutil.which("rsvg-convert") is None or shutil.which("pdftoppm") is None,
                    reason="librsvg2-bin (rsvg-convert) or poppler-utils (pdftoppm) is not installed")
def test_librsvg_and_poppler_draw_it_as_the_png(qapp, tmp_path):
    session = Session(get_preset("deep-vanishing").config)
    session.advance(session.steps_to("iteration") - 1)
    png = write_figure(session, "depth_time_gradients", tmp_path / "d.png", "png", dpi=96)
    svg = write_figure(session, "depth_time_gradients", tmp_path / "d.svg", "svg")
    pdf = write_figure(session, "depth_time_gradients", tmp_path / "d.pdf", "pdf")
    assert "image-rendering:pixelated" in svg.read_text()
    width, height = (round(inches * 96) for inches in FIGURES["depth_time_gradients"].inches)
    subprocess.run(["rsvg-convert", "-w", str(width), "-h", str(height), "-b", "white", "-o",
                    str(tmp_path / "svg.png"), str(svg)], check=True, capture_output=True)
    subprocess.run(["pdftoppm", "-png", "-scale-to-x", str(width), "-scale-to-y", str(height), "-singlefile",
                    str(pdf), str(tmp_path / "pdf")], check=True, capture_output=True)
    reference = _grey(png)
    for drawn in (tmp_path / "svg.png", tmp_path / "pdf.png"):
        other = _grey(drawn)
        assert other.shape == reference.shape, drawn
        assert np.abs(other - reference).mean() < 0.02, drawn


def test_the_export_dialog_offers_it_for_a_stack_and_writes_it(qtbot, tmp_path):
    from PySide6 import QtWidgets

    from unrolled.ui.dialogs.export_dialog import ExportDialog

    window = QtWidgets.QWidget()
    qtbot.addWidget(window)
    one = ExportDialog(Session(Config(timesteps=4, n_hidden=3)), window)
    qtbot.addWidget(one)
    assert one.figure.findData("depth_time_gradients") < 0
    session = _deep()
    dialog = ExportDialog(session, window)
    qtbot.addWidget(dialog)
    dialog.figure.setCurrentIndex(dialog.figure.findData("depth_time_gradients"))
    assert dialog.figure.currentText() == "Gradient across time and depth"
    dialog.format.setCurrentIndex(dialog.format.findData("csv"))
    assert dialog.suggested_name() == "depth_time_gradients.csv"
    header, *rows = _rows(dialog.export_to(tmp_path / dialog.suggested_name()))
    assert header == ["layer", "direction", "t", "norm"] and len(rows) == 30
    dialog.format.setCurrentIndex(dialog.format.findData("png"))
    image = QtGui.QImage(str(dialog.export_to(tmp_path / dialog.suggested_name())))
    assert image.width() == round(FIGURES["depth_time_gradients"].inches[0] * 300)


def _rgb(path) -> np.ndarray:
    image = QtGui.QImage(str(path)).convertToFormat(QtGui.QImage.Format.Format_RGB888)
    rows = np.frombuffer(image.constBits(), dtype=np.uint8, count=image.sizeInBytes())
    return rows.reshape(image.height(), image.bytesPerLine())[:, : image.width() * 3].reshape(
        image.height(), image.width(), 3).astype(int)


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils (pdftoppm) is not installed")
def test_the_pdf_holds_the_cells_colours_losslessly(qapp, tmp_path):
    """One colour scale is the figure's point: the PDF's cells have the PNG's colours (a
    JPEG-compressed image was off by up to 12/255 and made structure that is not there)."""
    session = Session(get_preset("deep-vanishing").config)
    session.advance(session.steps_to("iteration") - 1)
    png = write_figure(session, "depth_time_gradients", tmp_path / "d.png", "png", dpi=96)
    pdf = write_figure(session, "depth_time_gradients", tmp_path / "d.pdf", "pdf")
    width, height = (round(inches * 96) for inches in FIGURES["depth_time_gradients"].inches)
    subprocess.run(["pdftoppm", "-png", "-scale-to-x", str(width), "-scale-to-y", str(height), "-singlefile",
                    str(pdf), str(tmp_path / "pdf")], check=True, capture_output=True)
    reference, drawn = _rgb(png), _rgb(tmp_path / "pdf.png")
    assert drawn.shape == reference.shape
    # the cells' insides: coloured pixels whose 7 x 7 neighbourhood in the PNG is one colour
    flat = np.ones(reference.shape[:2], dtype=bool)
    for dy in range(-3, 4):
        for dx in range(-3, 4):
            flat &= (np.roll(reference, (dy, dx), axis=(0, 1)) == reference).all(axis=2)
    coloured = reference.max(axis=2) - reference.min(axis=2) > 30
    cells = flat & coloured
    cells[:4], cells[-4:], cells[:, :4], cells[:, -4:] = False, False, False, False
    assert cells.sum() > 500
    assert np.abs(drawn[cells] - reference[cells]).max() <= 2

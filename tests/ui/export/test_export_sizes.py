"""Figures at slide and paper sizes: every figure renders with readable text, and the
export dialog offers the sizes, shows what they give and says what is wrong with a typed one."""

import numpy as np
import pytest
from PySide6 import QtCore, QtGui

from unrolled.session.config import Config
from unrolled.session.figure_registry import FIGURES, exported_figures
from unrolled.session.figure_size import parse_size
from unrolled.session.stepper import Session
from unrolled.session.training import Trainer
from unrolled.ui.dialogs.export_dialog import ExportDialog
from unrolled.ui.export.figures import FigureDoesNotFit, fitted
from unrolled.ui.export.writers import SCREEN_DPI, FigureTooSmall, figure_inches, write_figure


@pytest.fixture(scope="module")
def trained():
    """An LSTM after a few training iterations, mid-iteration: every figure has data."""
    session = Session(Config(task="toxic-word", cell="lstm", n_features=5, n_classes=2, mode="many-to-one",
                             timesteps=12, n_hidden=6, clipping="norm", clip_threshold=0.5))
    trainer = Trainer(session)
    trainer.train(4)
    session.advance(session.steps_to("iteration") - 1)
    return session, trainer.steps


def text_points(session, steps, name, size, dpi=100):
    """The tick labels' size in points as printed, for figure `name` at `size`; None when
    the size cannot hold the figure."""
    inches = figure_inches(name, parse_size(size))
    pixels = QtCore.QSize(round(inches[0] * dpi), round(inches[1] * dpi))
    from unrolled.session.figure_size import font_scale

    try:
        with fitted(name, session, pixels, dpi / SCREEN_DPI, font_scale(inches, FIGURES[name].inches), steps) as widget:
            return widget.theme.points() * SCREEN_DPI / dpi
    except FigureDoesNotFit:
        return None


@pytest.mark.slow
@pytest.mark.parametrize("size", ["4:3", "16:9", "column"])
def test_every_figure_renders_with_readable_text(qapp, tmp_path, trained, size):
    session, steps = trained
    left_out = []
    for name in exported_figures(session, steps):
        points = text_points(session, steps, name, size)
        if points is None:
            left_out.append(name)
            continue
        # a slide: 8 pt, less only where the plots' minimum sizes ask for it (the dashboard at 4:3)
        assert points >= (7 if size != "column" else 5) - 1e-9, (name, points)
        if name in ("grad_norms", "loss", "training_loss", "clip_norms", "accuracy"):
            assert points >= 8 - 1e-9, (name, points)  # one plot fits a column at 8 pt
        path = write_figure(session, name, tmp_path / f"{name}.png", "png", 60, figure_inches(name, parse_size(size)),
                            steps)
        image = QtGui.QImage(str(path)).convertToFormat(QtGui.QImage.Format.Format_Grayscale8)
        data = np.frombuffer(image.constBits(), np.uint8, image.sizeInBytes()).reshape(image.height(), -1)
        assert np.mean(data[:, : image.width()] < 200) > 0.01, name  # drawn, not a blank canvas
    assert set(left_out) <= (set() if size != "column" else {"dashboard", "itemized_gradients"})


def test_slide_text_is_slide_sized(qapp, trained):
    session, steps = trained
    assert text_points(session, steps, "grad_norms", "16:9") == pytest.approx(16.7, abs=0.1)
    assert text_points(session, steps, "dashboard", "16:9") == pytest.approx(10.0, abs=0.1)  # its own size


def test_a_figure_that_cannot_fit_raises_with_its_name_and_size(qapp, tmp_path, trained):
    session, steps = trained
    with pytest.raises(FigureTooSmall, match=r"dashboard needs more room than 3\.50 x 2\.10 in, even with 5 pt text"):
        write_figure(session, "dashboard", tmp_path / "d.png", "png", 100, (3.5, 2.1))
    assert not (tmp_path / "d.png").exists()


def make_dialog(qtbot, make_window, figure="grad_norms"):
    window = make_window()
    window.session.advance(5)
    dialog = ExportDialog(window.session, window, figure=figure)
    qtbot.addWidget(dialog)
    dialog.format.setCurrentIndex(dialog.format.findData("png"))
    dialog.dpi.setValue(100)
    return dialog


def test_choosing_a_slide_size_fills_the_boxes_and_the_export_has_that_size(qtbot, make_window, tmp_path):
    dialog = make_dialog(qtbot, make_window)
    assert "16:9" in dialog.size_choice.toolTip() and "never below 8 pt" in dialog.size_choice.toolTip()
    dialog.size_choice.setCurrentIndex(dialog.size_choice.findData("4:3"))
    assert (dialog.width_in.value(), dialog.height_in.value()) == (10.0, 7.5)
    assert not dialog.width_in.isEnabled()
    assert dialog.pixels.text() == "10.00 x 7.50 in, 1000 x 750 pixels; text 14 pt"
    image = QtGui.QImage(str(dialog.export_to(tmp_path / "g.png")))
    assert (image.width(), image.height()) == (1000, 750)


def test_typing_centimetres_exports_that_size(qtbot, make_window, tmp_path):
    dialog = make_dialog(qtbot, make_window, "hidden_states")
    dialog.size_choice.lineEdit().clear()
    qtbot.keyClicks(dialog.size_choice.lineEdit(), "12x8cm")
    assert dialog.width_in.value() == pytest.approx(4.72, abs=0.01)
    assert dialog.save_button.isEnabled() and dialog.size_error.isHidden()
    image = QtGui.QImage(str(dialog.export_to(tmp_path / "h.png")))
    assert (image.width(), image.height()) == (472, 315)


def test_a_bad_size_is_explained_in_the_dialog_and_nothing_is_written(qtbot, make_window, tmp_path):
    dialog = make_dialog(qtbot, make_window)
    dialog.size_choice.setEditText("0x5cm")
    assert not dialog.size_error.isHidden()
    assert "Size: got '0x5cm': the width is 0 cm, at least 2.54 cm (1 in)" in dialog.size_error.text()
    assert not dialog.save_button.isEnabled() and not dialog.copy_button.isEnabled()
    dialog.size_choice.setEditText("banana")
    assert "expected 16:9 or 4:3" in dialog.size_error.text()
    dialog.size_choice.setEditText("30x20in")
    dialog.dpi.setValue(1200)
    assert "at most 20000 a side" in dialog.size_error.text()
    dialog.format.setCurrentIndex(dialog.format.findData("pdf"))  # a vector figure has no pixels
    assert dialog.size_error.isHidden() and dialog.save_button.isEnabled()


def test_width_and_height_boxes_are_used_for_the_custom_choice(qtbot, make_window, tmp_path):
    dialog = make_dialog(qtbot, make_window)
    dialog.size_choice.setCurrentIndex(dialog.size_choice.findData("custom"))
    assert dialog.width_in.isEnabled()
    dialog.width_in.setValue(5.0)
    dialog.height_in.setValue(3.0)
    image = QtGui.QImage(str(dialog.export_to(tmp_path / "c.png")))
    assert (image.width(), image.height()) == (500, 300)
    dialog.size_choice.setCurrentIndex(dialog.size_choice.findData("column"))
    assert dialog.width_in.value() == 3.5 and not dialog.width_in.isEnabled()

import csv
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PySide6 import QtGui, QtWidgets

from unrolled.session.config import Config
from unrolled.session.figure_registry import FIGURES, figure_table, figures_for
from unrolled.session.stepper import Session
from unrolled.ui.export.writers import (
    ExportError,
    copy_to_clipboard,
    export_all,
    export_animation,
    write_figure,
    write_trace,
)


@pytest.fixture
def lstm_session():
    s = Session(Config(task="toxic-word", cell="lstm", n_features=5, n_classes=2, mode="many-to-one", timesteps=8,
                       n_hidden=6))
    s.run_iteration()
    s.advance(s.steps_to("iteration") - 1)  # the next iteration's forward and backward pass
    return s


def test_png_has_the_requested_pixel_size_and_dpi(qapp, tmp_path, lstm_session):
    path = write_figure(lstm_session, "grad_norms", tmp_path / "g.png", "png", dpi=150)
    image = QtGui.QImage(str(path))
    w_in, h_in = FIGURES["grad_norms"].inches
    assert (image.width(), image.height()) == (round(w_in * 150), round(h_in * 150))
    assert round(image.dotsPerMeterX() * 0.0254) == 150
    pixels = image.convertToFormat(QtGui.QImage.Format.Format_RGB888)
    colours = {pixels.pixelColor(x, y).name()
               for x in range(0, pixels.width(), 7) for y in range(0, pixels.height(), 7)}
    assert len(colours) > 10  # curves, text and axes, not an empty canvas


def test_png_lines_and_text_scale_with_dpi(qapp, tmp_path, lstm_session):
    """At 300 DPI a figure is the 100 DPI one scaled up, not the same hairlines on a bigger canvas."""
    def dark_fraction(dpi):
        image = QtGui.QImage(str(write_figure(lstm_session, "loss", tmp_path / f"l{dpi}.png", "png", dpi=dpi)))
        image = image.convertToFormat(QtGui.QImage.Format.Format_Grayscale8)
        data = np.frombuffer(image.constBits(), np.uint8, image.sizeInBytes())
        data = data.reshape(image.height(), -1)[:, : image.width()]
        return np.mean(data < 128)
    assert dark_fraction(300) == pytest.approx(dark_fraction(100), rel=0.35)


def test_svg_parses_and_holds_the_axis_labels(qapp, tmp_path, lstm_session):
    path = write_figure(lstm_session, "grad_norms", tmp_path / "g.svg", "svg")
    root = ET.parse(path).getroot()
    texts = " ".join(t.text or "" for t in root.iter() if t.tag.endswith("text"))
    for label in ("Gradient per timestep", "norm", "t"):
        assert label in texts


def test_pdf_has_a_page(qapp, tmp_path, lstm_session):
    path = write_figure(lstm_session, "hidden_states", tmp_path / "h.pdf", "pdf")
    data = path.read_bytes()
    assert data.startswith(b"%PDF") and b"/Type /Page" in data


def test_csv_values_equal_the_engines(qapp, tmp_path, lstm_session):
    path = write_figure(lstm_session, "grad_norms", tmp_path / "grad_norms.csv", "csv")
    with open(path) as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["t", "dh_norm", "dc_norm"]
    values = np.array(rows[1:], dtype=float)
    np.testing.assert_array_equal(values[:, 0], np.arange(1, 9))
    np.testing.assert_array_equal(values[:, 1], lstm_session.bwd.dh_norm)
    np.testing.assert_array_equal(values[:, 2], lstm_session.bwd.dc_norm)
    header, table = figure_table("hidden_states", lstm_session)
    assert header[:2] == ["t", "h_1"] and "c_6" in header
    np.testing.assert_array_equal(table[:, 1], lstm_session.fwd.h[0, :, 0])


@pytest.mark.slow
def test_export_all_writes_every_figure_in_every_format(qapp, tmp_path, lstm_session):
    written = export_all(lstm_session, tmp_path / "figs", ("png", "svg", "pdf", "csv"), dpi=72)
    names = {p.name for p in written}
    for figure in figures_for(lstm_session):
        for fmt in ("png", "svg", "pdf", "csv"):
            assert f"{figure}.{fmt}" in names
    assert "gates.png" in names
    assert not list((tmp_path / "figs").glob(".*partial*"))  # nothing half-written left behind


def test_an_unwritable_folder_is_a_clear_error(qapp, tmp_path, lstm_session):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(ExportError, match="cannot write to"):
        export_all(lstm_session, blocker / "figs")


def test_trace_npz_holds_the_arrays(qapp, tmp_path, lstm_session):
    path = write_trace(lstm_session, tmp_path / "trace.npz")
    with np.load(path) as data:
        np.testing.assert_array_equal(data["dh"], lstm_session.bwd.dh)
        np.testing.assert_array_equal(data["gate_f"], lstm_session.fwd.gates["f"])
        assert "param_U_f" in data and "lstm" in str(data["meta"])


def test_copy_to_clipboard(qapp, lstm_session):
    image = copy_to_clipboard(lstm_session, "loss", dpi=72)
    assert not image.isNull()
    assert QtWidgets.QApplication.clipboard().image().size() == image.size()


def test_animation_writes_one_frame_per_step_and_leaves_the_session_alone(qapp, tmp_path):
    s = Session(Config(timesteps=3))
    s.step()
    before = (s.position, s.fwd.h.copy())
    frames = export_animation(s, tmp_path / "anim", name="diagram", dpi=40, gif=False)
    assert len(frames) == 2 * 3 + 2 + 1
    assert frames[0].name == "frame_0000.png" and frames[-1].name == "frame_0008.png"
    assert s.position == before[0]
    np.testing.assert_array_equal(s.fwd.h, before[1])


def test_animated_gif_when_pillow_is_installed(qapp, tmp_path):
    Image = pytest.importorskip("PIL.Image")
    s = Session(Config(timesteps=2))
    frames = export_animation(s, tmp_path / "anim", name="diagram", dpi=30, gif=True)
    assert frames[-1].name == "animation.gif"
    with Image.open(frames[-1]) as gif:
        assert gif.n_frames == 2 * 2 + 2 + 1


def test_a_single_figure_to_an_unwritable_place_says_why(qapp, tmp_path, lstm_session):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(ExportError, match=r"cannot write to .*file: it is a file, not a folder"):
        write_figure(lstm_session, "grad_norms", blocker / "fig.png", "png", 60)


def test_an_export_with_a_step_pending_leaves_the_window_as_it_paints(qtbot, make_window, monkeypatch, tmp_path):
    """A 300 dpi export while a step waits for the window's redraw runs no event loop and
    changes no theme the window draws with: the window's next paint is the one it would
    have made without the export."""
    from PySide6 import QtCore

    from unrolled.ui import theme

    window = make_window(timesteps=6)
    key = QtCore.Qt.Key

    def step_back_and_forth() -> None:  # Left undoes exactly; Right leaves a redraw pending
        qtbot.keyClick(window.diagram, key.Key_Left)
        qtbot.waitUntil(lambda: not window.redraws.pending)
        qtbot.keyClick(window.diagram, key.Key_Right)

    qtbot.keyClick(window.diagram, key.Key_Right)
    for _ in range(2):  # the model panel's first steps back and forth change how it looks; later ones do not
        step_back_and_forth()
        qtbot.waitUntil(lambda: not window.redraws.pending)
    expected = window.grab().toImage()
    step_back_and_forth()
    assert window.redraws.pending

    def no_event_loop(*args, **kwargs):
        raise AssertionError("the export ran the event loop")

    with monkeypatch.context() as patch:
        patch.setattr(QtWidgets.QApplication, "processEvents", no_event_loop)
        patch.setattr(QtCore.QCoreApplication, "processEvents", no_event_loop)
        path = write_figure(window.session, "dashboard", tmp_path / "d.png", "png", dpi=300, theme=theme.THEME)
    assert QtGui.QImage(str(path)).width() == round(FIGURES["dashboard"].inches[0] * 300)
    assert window.redraws.pending  # the window's redraw did not run inside the export
    assert (theme.THEME.scale, theme.THEME.dark) == (1.0, False)
    assert window.diagram.theme is theme.THEME and window.plots.dashboard.heatmaps.theme is theme.THEME
    qtbot.waitUntil(lambda: not window.redraws.pending)
    assert window.grab().toImage() == expected


def test_a_figure_is_drawn_with_the_theme_it_is_given(qapp, lstm_session):
    """Two figures built at once with different themes each keep their own: fonts and
    background from their theme, the live one untouched."""
    from unrolled.ui import theme
    from unrolled.ui.export.figures import build_figure, laid_out

    big, dark = theme.Theme(scale=3.0), theme.Theme(dark=True)
    wide = laid_out(build_figure("loss", theme=big), 640, 360, lstm_session)
    night = laid_out(build_figure("loss", theme=dark), 640, 360, lstm_session)
    try:
        for figure, drawn_with in ((wide, big), (night, dark)):
            font = figure.getPlotItem().getAxis("left").style["tickFont"]
            assert font.pointSizeF() == pytest.approx(drawn_with.points())
            corner = figure.grab().toImage().pixelColor(1, 1).name()
            assert corner == QtGui.QColor(drawn_with.background).name()
    finally:
        wide.close()
        night.close()
    assert (theme.THEME.scale, theme.THEME.dark) == (1.0, False)

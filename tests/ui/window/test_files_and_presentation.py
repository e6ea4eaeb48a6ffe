import numpy as np
import pytest
from PySide6 import QtCore, QtGui, QtWidgets

from unrolled.session.config import Config


def test_save_and_open_resume_the_same_step_and_plots(make_window, tmp_path):
    window = make_window(cell="lstm", timesteps=5)
    window.session.advance(9)
    window.redraw()
    assert window.files.save_to(str(tmp_path / "demo.json"))
    h_image = window.heatmaps.panels["h"].image.image.copy()
    position, dh = window.session.position, window.session.bwd.dh.copy()
    window.session.reset()
    assert window.session.position == 0
    assert window.files.open_session(str(tmp_path / "demo.json"))
    window.redraw()
    assert window.session.position == position
    np.testing.assert_array_equal(window.session.bwd.dh, dh)
    np.testing.assert_array_equal(window.heatmaps.panels["h"].image.image, h_image)
    assert window.model_panel.value_of("cell") == "lstm"


def test_a_corrupt_file_leaves_the_open_session_untouched(make_window, tmp_path, monkeypatch):
    warnings = []
    monkeypatch.setattr(QtWidgets.QMessageBox, "warning", lambda *a: warnings.append(a[2]))
    window = make_window()
    window.session.advance(3)
    bad = tmp_path / "bad.json"
    bad.write_text("{ not json")
    assert not window.files.open_session(str(bad))
    assert warnings and "not valid JSON" in warnings[0] and "unchanged" in warnings[0]
    assert window.session.position == 3


def test_presentation_mode_scales_fonts_and_hides_the_model_panel(make_window):
    window = make_window()
    small = window.gradients.norms.getAxis("bottom").style["tickFont"].pointSizeF()
    window.act_presentation.trigger()
    assert window.act_presentation.isChecked() and not window.model_dock.isVisible()
    large = window.gradients.norms.getAxis("bottom").style["tickFont"].pointSizeF()
    assert large == pytest.approx(small * 1.6)
    window.session.step()
    window.redraw()  # the rebuilt views still follow the session
    window.plots.bring_forward("heatmaps")  # presentation mode's fonts put 1400 x 900 on tabs
    assert window.heatmaps.panels["h"].image.image is not None
    window.act_presentation.trigger()
    assert window.model_dock.isVisible()
    assert window.gradients.norms.getAxis("bottom").style["tickFont"].pointSizeF() == pytest.approx(small)


def test_dark_theme_paints_dark_backgrounds(make_window):
    window = make_window()
    window.act_dark.trigger()
    window.redraw()
    image = window.loss_plot.grab().toImage()
    corner = image.pixelColor(5, 5)
    assert corner.lightness() < 80
    window.act_dark.trigger()
    assert window.loss_plot.grab().toImage().pixelColor(5, 5).lightness() > 200


def test_panels_can_be_hidden_so_one_plot_fills_the_screen(make_window):
    window = make_window()
    for name in ("diagram", "heatmaps", "loss"):
        window.panel_actions[name].setChecked(False)
    QtWidgets.QApplication.processEvents()
    assert not window.plots.slots["diagram"].isVisible() and window.plots.slots["gradients"].isVisible()
    assert window.gradients.width() > 0.8 * window.centralWidget().width()


def test_figure_menus_offer_export_and_copy(make_window):
    window = make_window(cell="gru")
    texts = [a.text() for a in window.files.figure_menu(("hidden_states", "gates")).actions()]
    assert "Export hidden states..." in texts and "Copy gates to the clipboard" in texts
    rnn = make_window()
    texts = [a.text() for a in rnn.files.figure_menu(("hidden_states", "gates")).actions()]
    assert not any("gates" in t for t in texts)


def test_export_dialog_writes_the_chosen_figure(make_window, tmp_path):
    from unrolled.ui.dialogs.export_dialog import ExportDialog

    window = make_window()
    window.session.advance(10)
    dialog = ExportDialog(window.session, window, figure="grad_norms")
    dialog.format.setCurrentIndex(dialog.format.findData("png"))
    dialog.dpi.setValue(100)
    path = dialog.export_to(tmp_path / "g.png")
    image = QtGui.QImage(str(path))
    assert image.width() == round(dialog.width_in.value() * 100)
    dialog.figure.setCurrentIndex(dialog.figure.findData("trace"))
    assert dialog.export_to(tmp_path / "t.npz").exists()
    dialog.figure.setCurrentIndex(dialog.figure.findData("window"))
    assert QtGui.QImage(str(dialog.export_to(tmp_path / "w.png"))).width() == window.width()
    dialog.close()


def test_right_click_on_a_plot_opens_the_export_menu(make_window, monkeypatch):
    from PySide6 import QtGui

    window = make_window()
    opened = []
    monkeypatch.setattr(window.plots, "_show_figure_menu", lambda where, names: opened.append(names))
    window.plots.install_views()  # the connections bind the patched method
    for view, names in ((window.gradients.graphics, ("grad_norms", "depth_time_gradients")),
                        (window.loss_plot, ("loss",)), (window.heatmaps, ("hidden_states", "gates")),
                        (window.diagram, ("diagram",))):
        target = view.viewport() if hasattr(view, "viewport") else view
        centre = target.rect().center()
        event = QtGui.QContextMenuEvent(QtGui.QContextMenuEvent.Reason.Mouse, centre, target.mapToGlobal(centre))
        QtWidgets.QApplication.sendEvent(target, event)
        assert opened and opened[-1] == names, view


def test_presentation_mode_keeps_the_training_curves_and_scales_the_docks(make_window, qtbot):
    window = make_window(Config(task="adding-problem", n_features=2, n_classes=1, mode="many-to-one", loss="mse",
                                timesteps=5))
    window.training_panel.iterations.setValue(12)
    with qtbot.waitSignal(window.training.runner.finished, timeout=20000):
        window.train()
    small = window.training_panel.norm_plot.getAxis("bottom").style["tickFont"].pointSizeF()
    window.docks.itemized_panel.plot.choose_row(3)
    window.act_presentation.trigger()
    panel = window.training_panel
    assert len(panel.before.yData) == 12 and panel.iterations.value() == 12
    assert panel.norm_plot.getAxis("bottom").style["tickFont"].pointSizeF() == pytest.approx(small * 1.6)
    itemized = window.docks.itemized_panel.plot  # its fonts too, with the row it had
    assert itemized.plot.getAxis("bottom").style["tickFont"].pointSizeF() == pytest.approx(small * 1.6)
    assert itemized.chosen_k == 3 and window.docks.itemized.widget() is window.docks.itemized_panel
    window.act_presentation.trigger()


def test_a_preset_opens_from_the_file_menu_and_right_still_steps(qtbot, make_window, tmp_path):
    from unrolled.session.presets import get_preset

    window = make_window()
    titles = [a.text() for a in window.menus[0].actions()]
    assert "Presets" in titles and "Open config or preset..." in titles
    presets = next(a.menu() for a in window.menus[0].actions() if a.text() == "Presets")
    action = next(a for a in presets.actions() if a.text() == "exploding-rnn")
    assert action.toolTip() == get_preset("exploding-rnn").description
    action.trigger()
    assert window.session.config == get_preset("exploding-rnn").config
    assert window.compare_changes == (get_preset("exploding-rnn").compare or None)
    before = window.session.position
    QtWidgets.QApplication.processEvents()
    qtbot.keyClick(QtWidgets.QApplication.focusWidget() or window, QtCore.Qt.Key.Key_Right)
    assert window.session.position == before + 1


def test_a_config_file_opens_and_a_bad_one_changes_nothing(qtbot, make_window, tmp_path, monkeypatch):
    window = make_window()
    good = tmp_path / "mine.json"
    good.write_text('{"cell": "gru", "timesteps": 7}')
    assert window.presets.open_config(str(good))
    assert window.session.config.cell == "gru" and window.session.T == 7
    warnings = []
    monkeypatch.setattr(QtWidgets.QMessageBox, "warning", lambda *args: warnings.append(args[2]))
    bad = tmp_path / "bad.json"
    bad.write_text('{"cell": "gru", "timesteps": -3}')
    assert not window.presets.open_config(str(bad))
    assert "timesteps" in warnings[0] and "unchanged" in warnings[0]
    assert window.session.T == 7


def test_the_status_bar_keeps_its_whole_text_after_f5(qtbot, make_window):
    window = make_window()
    window.session.advance(3)
    window.redraw()
    QtWidgets.QApplication.processEvents()
    window.act_presentation.trigger()
    for _ in range(3):
        QtWidgets.QApplication.processEvents()
    label = window.status.phase
    assert label.width() >= label.fontMetrics().horizontalAdvance(label.text())
    window.act_presentation.trigger()


def test_the_dark_theme_reaches_the_sample_strip_placeholders_and_fixed_fields(make_window):
    from unrolled.ui import theme

    window = make_window()
    window.act_dark.trigger()
    view = window.model_panel.sample_view
    assert view.graphics.backgroundBrush().color().name() == QtGui.QColor(theme.THEME.background).name()
    palette = QtWidgets.QApplication.palette()
    role, group = QtGui.QPalette.ColorRole, QtGui.QPalette.ColorGroup
    assert palette.color(role.PlaceholderText).lightness() > 100  # readable on the dark field
    assert palette.color(group.Disabled, role.Text) != palette.color(group.Active, role.Text)
    window.act_dark.trigger()

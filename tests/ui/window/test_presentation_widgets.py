"""Presentation mode reaches the window's own widgets as it reaches the plots: the status
bar's readout and every combo box (its popup list too) take the larger font in F5 and the
desktop font, and height, again when F5 is left."""

import pytest

from unrolled.ui.window.main_window import PRESENTATION_SCALE


def settle(qtbot, window):
    qtbot.waitUntil(window.updatesEnabled)  # presentation mode paints again once it has settled


def sizes(window) -> dict[str, tuple[float, int]]:
    """(point size, height) of the status bar's labels and of combo boxes in the plots and panels."""
    widgets = {"status phase": window.status.phase, "status ratio": window.status.ratio,
               "gradients' Show": window.gradients.show_choice, "heatmaps' layer": window.heatmaps.layer_choice,
               "Theory matrix": window.theory_panel.matrix, "Theory layer": window.theory_panel.layer}
    found = {name: (widget.font().pointSizeF(), widget.sizeHint().height()) for name, widget in widgets.items()}
    popup = window.gradients.show_choice.view()  # the list a click opens: its rows
    found["Show popup"] = (popup.font().pointSizeF(), popup.sizeHintForRow(0))
    return found


def test_the_status_bar_and_the_combo_boxes_follow_presentation_mode(make_window, qtbot):
    window = make_window(layers=2)  # a stack: the heatmaps and the Theory panel offer a layer
    window.theory_dock.show()
    window.plots.bring_forward("heatmaps")
    assert window.heatmaps.layer_choice.isVisible()
    window.status.refresh()
    desktop = sizes(window)
    window.act_presentation.trigger()
    settle(qtbot, window)
    window.plots.bring_forward("heatmaps")  # F5's fonts may put the plots on tabs
    presenting = sizes(window)
    for name, (points, height) in desktop.items():
        assert presenting[name][0] == pytest.approx(points * PRESENTATION_SCALE), name
        assert presenting[name][1] > height, name
    window.act_presentation.trigger()
    settle(qtbot, window)
    window.plots.bring_forward("heatmaps")
    assert sizes(window) == desktop
    assert window.status.phase.height() == desktop["status phase"][1]  # the bar is as low as before F5



def test_a_status_label_fitted_in_f5s_font_is_as_low_as_before_once_f5_is_left(qtbot):
    from PySide6 import QtGui

    from unrolled.ui.window.status import ElidedLabel, _set_text

    label = ElidedLabel()
    qtbot.addWidget(label)
    small = QtGui.QFont(label.font())
    large = QtGui.QFont(small)
    large.setPointSizeF(small.pointSizeF() * PRESENTATION_SCALE)
    heights = []
    for font in (small, large, small):
        label.setFont(font)
        label.sizeHint()  # as the status bar's layout asks, before the label is fitted to the font
        _set_text(label, "Iteration 1 | Forward | t = 3 of 4")
        heights.append(label.maximumHeight())
    assert heights[1] > heights[0] == heights[2] == QtGui.QFontMetrics(small).height()


@pytest.mark.parametrize("size", [(1280, 720), (1366, 768)], ids=["1280x720", "1366x768"])
def test_in_f5_the_status_bar_shows_the_whole_phase_and_air_between_its_fields(make_window, qtbot, size):
    from unrolled.session.stepper import Phase

    window = make_window(cell="lstm", layers=4, bidirectional=True)
    window.resize(size[0], size[1] - 30)  # a window manager's title bar
    window.act_presentation.trigger()
    settle(qtbot, window)
    session = window.session
    while not (session.phase is Phase.BACKWARD and session.place.layer == 2 and session.place.direction == 0):
        session.step()
    window.status.refresh()
    status = window.status
    qtbot.waitUntil(lambda: status.phase.width() == status.phase.maximumWidth()
                    and status.loss.x() >= status.phase.geometry().right())
    assert "layer 3 forward, t = " in status.phase.text() and not status.phase.elided()
    text_end = status.phase.x() + status.phase.fontMetrics().horizontalAdvance(status.phase.text())
    assert status.loss.x() - text_end >= status.phase.fontMetrics().horizontalAdvance("M")
    assert status.ratio.geometry().right() <= window.statusBar().width()

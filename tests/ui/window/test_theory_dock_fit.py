"""The Theory panel on a projector: at 1280x720 and 1366x768 under a window manager's title
bar, normal and in presentation mode (F5), both its plots lie inside what the panel shows,
without scrolling, each with at least 100 px of data; and at desktop fonts the panel keeps
its whole readout (nothing cut)."""

import pytest
from PySide6 import QtWidgets

SIZES = [(1280, 720), (1366, 768)]
TITLE_BAR_PX = 30
DATA_PX = 100


def settle():
    for _ in range(8):
        QtWidgets.QApplication.processEvents()


def shown_data_areas(panel) -> dict[str, tuple[float, float]]:
    """Plot -> (height, top and bottom within the scroll area's viewport) of its data area."""
    viewport = panel.plots_scroll.viewport()
    areas = {}
    for name, view, plot in (("eigenvalues", panel.eigen_graphics, panel.eigen_plot),
                             ("Jacobians", panel.graphics, panel.jac_plot)):
        box = plot.vb.mapRectToScene(plot.vb.boundingRect())
        top = view.mapTo(viewport, view.mapFromScene(box.topLeft())).y()
        bottom = view.mapTo(viewport, view.mapFromScene(box.bottomLeft())).y()
        areas[name] = (box.height(), top, bottom)
    return areas


def theory_open(make_window, qtbot, size, presenting: bool):
    """A window on a screen of `size` (its title bar taken off), in F5 if `presenting`, with
    the Theory panel open and its first result drawn."""
    window = make_window()
    window.resize(size[0], size[1] - TITLE_BAR_PX)
    if presenting:
        window.act_presentation.trigger()
        qtbot.waitUntil(window.updatesEnabled, timeout=3000)
    window.docks.show_theory.trigger()
    panel = window.theory_panel
    qtbot.waitUntil(lambda: panel.result is not None, timeout=20000)
    settle()
    return window, panel


@pytest.mark.slow
@pytest.mark.parametrize("presenting", [False, True], ids=["normal", "F5"])
@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_both_theory_plots_are_in_view_with_room_for_their_data(make_window, qtbot, size, presenting):
    window, panel = theory_open(make_window, qtbot, size, presenting)
    assert panel.isVisible() and panel.plots_scroll.verticalScrollBar().maximum() == 0
    viewport = panel.plots_scroll.viewport().height()
    for name, (height, top, bottom) in shown_data_areas(panel).items():
        assert height >= DATA_PX, f"{name}: {height:.0f} px of data"
        assert 0 <= top < bottom <= viewport, f"{name}: {top}..{bottom} of {viewport} px"
    assert panel.fit.compact == presenting  # the desktop's fonts leave room for the whole readout
    if not presenting:
        assert not panel.verdict.toolTip() and not panel.status.toolTip()


def test_a_compact_panel_goes_back_to_its_whole_readout_when_it_is_tall_again(make_window, qtbot):
    window, panel = theory_open(make_window, qtbot, (1280, 720), presenting=True)
    assert panel.fit.compact and not panel.jac_plot.titleLabel.isVisible()
    shown = QtWidgets.QLabel.text(panel.status)  # what is drawn: cut, the whole in the tooltip
    assert shown != panel.status.text() == panel.status.toolTip()
    window.resize(1920, 1080 - TITLE_BAR_PX)
    settle()
    assert not panel.fit.compact and panel.jac_plot.titleLabel.isVisible()
    assert QtWidgets.QLabel.text(panel.status) == panel.status.text() and not panel.status.toolTip()

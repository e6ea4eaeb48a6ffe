"""The Theory panel on a projector: at 1280x720 and 1366x768 under a window manager's title
bar, normal and in presentation mode (F5), both its plots lie inside what the panel shows,
without scrolling, each with at least 100 px of data; and at desktop fonts the panel keeps
its whole readout (nothing cut). So with a stack's layer box (four bidirectional LSTM
layers), and where a lesson frames the panel beside its text (shorter still); the Jacobian
plot's legend is above its data, whole; its view holds the norms' decades, not the bound's."""

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


def theory_open(make_window, qtbot, size, presenting: bool, lesson_stop: int | None = None, **config):
    """A window on a screen of `size` (its title bar taken off), in F5 if `presenting`, with
    the Theory panel open (by the lesson depth-and-direction's `lesson_stop`, counted from
    1, if given) and its first result drawn."""
    from unrolled.session.lessons import get_lesson

    window = make_window(**config)
    window.resize(size[0], size[1] - TITLE_BAR_PX)
    if presenting:
        window.act_presentation.trigger()
        qtbot.waitUntil(window.updatesEnabled, timeout=3000)
    if lesson_stop is None:
        window.docks.show_theory.trigger()
    else:
        window.lessons.start(get_lesson("depth-and-direction"), lesson_stop - 1)
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


def assert_plots_whole(panel, least_data_px: dict[str, float]) -> None:
    """No scrolling; each plot's data area as tall as asked and inside the viewport, with
    room under the Jacobians' for its axis; the legend above the Jacobians' data, whole."""
    assert panel.isVisible() and panel.plots_scroll.verticalScrollBar().maximum() == 0
    viewport = panel.plots_scroll.viewport()
    areas = shown_data_areas(panel)
    for name, (height, top, bottom) in areas.items():
        assert height >= least_data_px[name], f"{name}: {height:.0f} px of data"
        assert 0 <= top < bottom <= viewport.height(), f"{name}: {top}..{bottom} of {viewport.height()} px"
    axis = panel.jac_plot.getAxis("bottom")
    assert panel.graphics.mapTo(viewport, axis.geometry().bottomLeft().toPoint()).y() <= viewport.height()
    legend = panel.legend
    assert legend.isVisible() and legend.height() >= legend.heightForWidth(legend.width())
    assert legend.geometry().right() <= viewport.width()
    assert legend.mapTo(viewport, legend.rect().bottomLeft()).y() <= areas["Jacobians"][1]


@pytest.mark.slow
@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_in_f5_four_bidirectional_lstm_layers_leave_both_plots_whole(make_window, qtbot, size):
    window, panel = theory_open(make_window, qtbot, size, True, cell="lstm", layers=4, bidirectional=True)
    assert panel.layer.isVisible()
    assert_plots_whole(panel, {"eigenvalues": DATA_PX, "Jacobians": DATA_PX})


@pytest.mark.slow
@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_in_f5_a_lesson_framing_the_panel_keeps_the_jacobian_plot_whole(make_window, qtbot, size):
    """Beside the lesson's text the panel is shorter: at 1366 both plots have their room; at
    1280 the eigenvalue plot's data yields (to 50 px), the Jacobian plot and its axis stay."""
    window, panel = theory_open(make_window, qtbot, size, True, lesson_stop=3)
    eigen_least = DATA_PX if size == (1366, 768) else 50
    qtbot.waitUntil(lambda: panel.plots_scroll.verticalScrollBar().maximum() == 0)  # the lesson's layout settles
    assert_plots_whole(panel, {"eigenvalues": eigen_least, "Jacobians": DATA_PX})


def test_the_jacobian_view_holds_the_norms_decades_not_the_bounds(make_window, qtbot):
    import numpy as np

    from unrolled.ui.panels.theory_view import BOUND_BEYOND_DECADES, MARGIN_DECADES, readable_range

    window, panel = theory_open(make_window, qtbot, (1366, 768), True, cell="lstm", layers=2)
    result = panel.result
    bottom, top = panel.jac_plot.vb.viewRange()[1]
    norms = result.log10_product[np.isfinite(result.log10_product)]
    assert bottom <= norms.min() and norms.max() <= top <= norms.max() + MARGIN_DECADES + BOUND_BEYOND_DECADES
    # a bound of 10^10 over the norms' one decade: the view stops a decade above them, and says so
    low, high, beyond = readable_range([np.array([0.0, -0.5, -1.0])], np.array([0.0, 5.0, 10.0]))
    assert beyond and high <= 0.5 + BOUND_BEYOND_DECADES and low <= -1.0 - MARGIN_DECADES

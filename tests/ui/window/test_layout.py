"""A layout for projectors: at 1280x720, 1366x768 and 1920x1080, with any of the Model,
Training and Theory panels open, in normal and presentation mode, every plot that can be
seen keeps a readable height (at least 150 px, its data area at least 90 px), or moves to a
tab where it does; and on screen as in a figure, no text is cut or overlaps text, and no
legend or title lies on the data (`figure_boxes`)."""

import itertools

import pyqtgraph as pg
import pytest
from PySide6 import QtCore, QtWidgets

from unrolled.session.config import Config

from support.figure_boxes import figure_problems

SIZES = [(1280, 720), (1366, 768), (1920, 1080)]
PANELS = [frozenset(p) for n in range(4) for p in itertools.combinations(("model", "training", "theory"), n)]
PANELS.append(frozenset(("model", "training", "theory", "inspector", "itemized")))  # every panel at once
READABLE_PX = 150
DATA_PX = 90  # inside the axes: a curve's rise from 10^-6 to 1 can be seen from the back of a room


def settle():
    for _ in range(6):
        QtWidgets.QApplication.processEvents()


def plot_heights(widget: QtWidgets.QWidget, data_area: bool = False) -> list[float]:
    """The heights of the plots (pyqtgraph PlotItems) that can be seen in widget; with
    data_area, of the areas inside their axes where the data is drawn."""
    heights = []
    for view in widget.findChildren(QtWidgets.QGraphicsView):
        if not view.isVisible() or view.scene() is None:
            continue
        heights += [item.vb.height() if data_area else item.size().height() for item in view.scene().items()
                    if isinstance(item, pg.PlotItem) and item.isVisible()]
    return heights


def shown_slots(window):
    """Each view that can be seen, on every tab in turn when the plots are on tabs."""
    plots = window.plots
    pages = range(plots._tabs.count()) if plots.tabbed else [None]
    for page in pages:
        if page is not None:
            plots._tabs.setCurrentIndex(page)
            settle()
        for name, slot in plots.slots.items():
            if slot.isVisible():
                yield name, slot


@pytest.mark.slow
@pytest.mark.parametrize("presenting", [False, True], ids=["normal", "F5"])
@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_every_plot_keeps_a_readable_height(make_window, size, presenting):
    window = make_window(Config(cell="lstm", task="toxic-word", n_features=8, timesteps=12).resolved())
    window.session.advance(20)
    window.resize(*size)
    if presenting:
        window.act_presentation.trigger()
    problems = []
    for panels in PANELS:
        docks = {"model": window.model_dock, "training": window.training_dock, "theory": window.theory_dock,
                 "inspector": window.docks.inspector, "itemized": window.docks.itemized}
        for name, dock in docks.items():
            dock.setVisible(name in panels)
        settle()
        if (window.width(), window.height()) != size:  # wider than the screen: the projector cuts it
            problems.append(f"{sorted(panels)}: the window needs {window.width()} x {window.height()} px")
        for name, slot in shown_slots(window):
            heights = plot_heights(slot) or [slot.height()]
            if min(heights) < READABLE_PX:
                problems.append(f"{sorted(panels)}: {name} {[round(h) for h in heights]} px")
            areas = plot_heights(slot, data_area=True)
            if areas and min(areas) < DATA_PX:
                problems.append(f"{sorted(panels)}: {name}: data areas {[round(h) for h in areas]} px")
            problems += [f"{sorted(panels)}: {name}: {problem}" for problem in figure_problems(slot)]
        diagram = window.diagram  # its caption's last line was cut by the slot around it
        if diagram.isVisible() and diagram.visibleRegion().boundingRect().height() < diagram.height():
            problems.append(f"{sorted(panels)}: the diagram shows {diagram.visibleRegion().boundingRect().height()} "
                            f"of its {diagram.height()} px")
        assert window.plots.slots["diagram"].isVisible() or window.plots.tabbed
    assert not problems, "\n".join(problems)


def test_plots_move_to_tabs_beside_open_panels_and_back(make_window):
    window = make_window()
    window.resize(1920, 1080)
    settle()
    assert not window.plots.tabbed
    window.resize(1366, 768)
    window.theory_dock.show()
    settle()
    assert window.plots.tabbed
    window.theory_dock.hide()
    window.model_dock.hide()
    window.resize(1920, 1080)
    settle()
    assert not window.plots.tabbed


def test_the_right_column_tabs_keep_their_whole_names_in_f5(make_window):
    """Four panels tabbed in a column 30% of 1366 px wide, at presentation fonts: their tabs
    scroll rather than shorten to "T..." and "T..." (Training? Theory?)."""
    window = make_window(Config(cell="lstm", timesteps=12).resolved())
    window.resize(1366, 768)
    for toggle in window.docks.toggles[1:]:  # Training, Theory, Step inspector, Itemized gradients
        toggle.trigger()
    window.act_presentation.trigger()
    settle()
    bars = [bar for bar in window.findChildren(QtWidgets.QTabBar) if bar.parent() is window and bar.isVisible()]
    names = {bar.tabText(i) for bar in bars for i in range(bar.count())}
    assert {"Training", "Theory", "Step inspector", "Itemized gradients"} <= names
    for bar in bars:
        assert bar.elideMode() == QtCore.Qt.TextElideMode.ElideNone and bar.usesScrollButtons()
        for i in range(bar.count()):  # each tab as wide as its name
            assert bar.tabRect(i).width() >= bar.fontMetrics().horizontalAdvance(bar.tabText(i))


@pytest.mark.parametrize("presenting", [False, True], ids=["normal", "F5"])
def test_the_diagram_is_seen_whole_in_the_window_as_it_opens(qtbot, presenting):
    """At 1440 x 900 the diagram's slot kept its own 140 px minimum while the diagram needs
    150: the caption's last line was cut by the plots below."""
    from unrolled.session.stepper import Session
    from unrolled.ui.window.main_window import MainWindow

    window = MainWindow(Session(Config()))  # at the size it opens with on a large screen
    qtbot.addWidget(window)
    window.resize(1440, 900)
    window.show()
    if presenting:
        window.act_presentation.trigger()
    settle()
    diagram = window.diagram
    assert diagram.isVisible()
    assert diagram.visibleRegion().boundingRect().height() == diagram.height()


def test_f5_and_back_with_every_panel_open_keeps_the_window_on_a_1280_screen(qtbot, make_window):
    """Between the two sets of views the window needed more width for a moment and kept
    it: 1322 px, its right edge off the projector."""
    window = make_window()
    window.resize(1280, 700)
    for dock in (window.model_dock, window.training_dock, window.theory_dock, window.docks.inspector,
                 window.docks.itemized):
        dock.setVisible(True)
    settle()
    for _ in range(2):  # on, then off
        window.act_presentation.trigger()
        qtbot.waitUntil(lambda: window.width() == 1280, timeout=3000)
    assert window.minimumSizeHint().width() <= 1280


def test_full_screen_off_returns_a_maximised_window_to_maximised(qtbot, make_window):
    """showNormal() after F11 gave a maximised window its unmaximised size: on a projector,
    with the title bar, the status bar ended below the screen."""
    window = make_window()
    window.showMaximized()
    qtbot.waitUntil(window.isMaximized, timeout=3000)
    window.act_full_screen.trigger()
    qtbot.waitUntil(window.isFullScreen, timeout=3000)
    window.act_full_screen.trigger()
    qtbot.waitUntil(lambda: not window.isFullScreen(), timeout=3000)
    assert window.isMaximized() and not window.act_full_screen.isChecked()


def test_f5_paints_only_once_its_new_views_have_settled(qtbot, make_window):
    """Half rebuilt, the window showed "St...ck" in the toolbar and text over the axes."""
    window = make_window()
    window.act_presentation.trigger()
    assert not window.updatesEnabled()
    qtbot.waitUntil(window.updatesEnabled, timeout=3000)
    toolbar = window.findChild(QtWidgets.QToolBar)
    for button in toolbar.findChildren(QtWidgets.QToolButton):  # whole names at the new font
        if button.isVisible() and button.text():
            assert button.fontMetrics().horizontalAdvance(button.text()) <= button.width()


@pytest.mark.parametrize("presenting", [False, True], ids=["normal", "F5"])
def test_the_model_panel_fits_its_dock_with_no_horizontal_scroll_bar(window, qtbot, presenting):
    """In F5 the 300 px Model panel scrolled sideways, its Task choice, predictions, sample
    field and "New seed" cut: a field goes below its label when the two do not fit, and the
    words that stand in a field's place wrap."""
    if presenting:
        window.act_presentation.trigger()
        qtbot.waitUntil(window.updatesEnabled, timeout=3000)
    for cell in ("rnn", "lstm"):
        window.session.reconfigure(cell=cell)
        for width, height in SIZES[:2]:
            window.resize(width, height - 30)
            window.model_dock.show()
            settle()
            scroll = window.model_dock.widget()
            assert scroll.horizontalScrollBar().maximum() == 0, (cell, width)
            assert window.model_panel.minimumSizeHint().width() <= scroll.viewport().width()


@pytest.mark.parametrize("size", [(1440, 900), (1920, 1080)])
def test_a_grid_of_layers_has_its_height_when_the_window_is_first_shown(qtbot, size):
    """Shown at its size and never resized after (no window manager, or one that keeps the
    size asked), the grid keeps the height its rows ask for, not a single row's."""
    from unrolled.session.presets import get_preset
    from unrolled.session.stepper import Session
    from unrolled.ui.window.framed_view import GRID_SHARE
    from unrolled.ui.window.main_window import MainWindow

    window = MainWindow(Session(get_preset("deep-vanishing").config))
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    diagram, area = window.diagram, window.plots
    assert diagram.is_grid() and not area.tabbed

    def expected() -> int:
        asked = min(diagram.wanted_height(), round(area.height() * GRID_SHARE))
        if window.gradients.under.shown:  # the grid gave way to the depth-time picture
            return min(asked, diagram.least_height())
        return asked

    qtbot.waitUntil(lambda: diagram.height() >= expected() - 2, timeout=3000)
    assert window.size() == QtCore.QSize(*size)  # no resize brought it


@pytest.mark.parametrize("layers", [4, 8])
@pytest.mark.parametrize("size", [*SIZES[:2], (1440, 900), (1920, 1080)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_a_tall_grid_leaves_the_gradient_plot_under_it_a_readable_data_area(qtbot, make_window, size, layers):
    """A bidirectional stack of 8 layers (16 rows) asks for more height than the grid's
    share (4 layers' 8 rows of strips ask for less from 1440 x 900): it gives way, and the
    gradient plot keeps READABLE_DATA_PX of data with its legend of every layer, seen whole
    in the window."""
    from unrolled.ui.plots.gradients import READABLE_DATA_PX
    from unrolled.ui.window.framed_view import GRID_SHARE

    window = make_window(Config(layers=layers, bidirectional=True, timesteps=30))
    window.resize(size[0], size[1] - 30)
    s = window.session
    s.advance(s.steps_per_iteration - 3)  # the backward pass: every layer's curve in the legend
    window.redraw()
    diagram, gradients, area = window.diagram, window.gradients, window.plots
    assert diagram.wanted_height() > area.height() * GRID_SHARE or (size[0] >= 1440 and layers == 4)
    qtbot.waitUntil(lambda: gradients.norms.vb.height() >= READABLE_DATA_PX - 2, timeout=3000)
    settle()
    assert gradients.norms.vb.height() >= READABLE_DATA_PX - 2
    assert len(gradients.norms.legend.items) == 2 * layers
    assert diagram.height() <= area.height() * GRID_SHARE + 1
    assert diagram.height() >= area.slots["diagram"].minimumHeight() - 1
    shown = window.rect()
    for widget in (diagram, gradients.graphics.viewport()):  # whole, inside the window
        box = QtCore.QRect(widget.mapTo(window, QtCore.QPoint(0, 0)), widget.size())
        assert shown.contains(box) and widget.visibleRegion().boundingRect().height() == widget.height()
    if not area.tabbed:  # beside the heatmaps, the loss under the gradients keeps its height too
        assert window.loss_plot.height() >= READABLE_PX
    layout = diagram.grid_layout()  # the grid's rows still apart, each a band of colour
    assert all(top + layout.height < below for top, below in zip(layout.tops, layout.tops[1:]))
    assert layout.height >= 6 and layout.bottom < diagram.height()


@pytest.mark.parametrize("presenting", [False, True], ids=["normal", "F5"])
@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_depth_time_picture_is_seen_where_the_window_has_room_or_offered(qtbot, make_window, size, presenting):
    """A stack's depth-time picture under the gradient curves: the grid above gives way so
    that the panel holds both with readable data areas (1920x1080, normal and F5); where
    even then it cannot (1366x768), the gradient panel says so and where to find it."""
    from unrolled.session.presets import get_preset
    from unrolled.ui.plots.gradients import READABLE_DATA_PX

    window = make_window(get_preset("deep-vanishing").config)
    if presenting:  # in F5 first, then the window made full screen (F11): the grid gives way again
        window.act_presentation.trigger()
        qtbot.waitUntil(window.updatesEnabled, timeout=3000)
        settle()
    window.resize(size[0], size[1] - 30)
    s = window.session
    s.advance(s.steps_per_iteration - 3)  # the backward pass
    window.redraw()
    gradients = window.gradients
    picture = gradients.depth_time
    if size == (1920, 1080):
        qtbot.waitUntil(picture.isVisible, timeout=3000)
        settle()
        assert picture.isVisible()
        assert picture.plot.vb.height() >= READABLE_DATA_PX - 2
        assert gradients.norms.vb.height() >= READABLE_DATA_PX - 2
    else:
        settle()
        title = gradients.norms.titleLabel
        if not picture.isVisible():  # the curves' title names it, its tooltip says how to make room
            assert "picture: needs room" in title.text and "View > Diagram off" in title.toolTip()
        else:
            assert "depth-time" not in title.text


@pytest.mark.parametrize(("preset", "size"), [("deep-vanishing", (1440, 900)), ("lstm-4-bidirectional", (1440, 960))],
                         ids=["4-layers-1440x900", "4-bidirectional-1440x960"])
def test_a_stacks_depth_time_picture_is_seen_at_the_size_the_window_opens_with(qtbot, preset, size):
    """On a 1920 x 1080 screen the window opens at 1440 x 960 (`show_on_screen`): a stack's
    depth-time picture is seen under its curves, each with a readable data area, the loss
    under them keeping its own, the grid above with no empty room around its strips; four
    layers in one direction already at 1440 x 900. Eight rows and a legend of eight curves
    need the 960."""
    from unrolled.session.presets import get_preset
    from unrolled.session.stepper import Session
    from unrolled.ui.plots.diagram.geometry import STRIP_BELOW_PX
    from unrolled.ui.plots.gradients import READABLE_DATA_PX
    from unrolled.ui.window.main_window import MainWindow

    config = Config(cell="lstm", layers=4, bidirectional=True) if preset.startswith("lstm") else get_preset(
        preset).config
    window = MainWindow(Session(config))
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    s = window.session
    s.advance(s.steps_per_iteration - 3)  # the backward pass
    window.redraw()
    gradients, diagram = window.gradients, window.diagram
    qtbot.waitUntil(lambda: gradients.under.shown, timeout=3000)
    settle()
    assert gradients.depth_time.isVisible() and "needs room" not in gradients.norms.titleLabel.text
    assert gradients.norms.vb.height() >= READABLE_DATA_PX - 2
    assert gradients.depth_time.plot.vb.height() >= READABLE_DATA_PX - 2
    loss = window.loss_plot
    assert loss.height() >= READABLE_PX and loss.getPlotItem().vb.height() >= DATA_PX - 2
    layout = diagram.grid_layout()
    assert all(top + layout.height < below for top, below in zip(layout.tops, layout.tops[1:]))
    if not layout.cells:  # the strips at their full height, the caption right under their ticks
        above = diagram.height() - diagram._caption_height(None, s)
        assert above - (layout.bottom + diagram.theme.px(STRIP_BELOW_PX)) <= 4


def test_the_depth_time_picture_stays_when_its_title_takes_a_second_line(qtbot, make_window):
    """A model rebuilt in the Model panel (LSTM, bidirectional) and run to its update: the
    picture's title then names exactly-0 cells on a second line, and the panel is given
    that line's height; the picture stays under the curves."""
    from unrolled.session.presets import get_preset

    window = make_window(get_preset("deep-vanishing").config)
    window.resize(1440, 960)
    window.model_panel.apply({"cell": "lstm"})
    window.model_panel.apply({"bidirectional": True})
    window.redraw()
    gradients = window.gradients
    qtbot.waitUntil(lambda: gradients.under.shown, timeout=3000)
    title = gradients.depth_time.plot.titleLabel
    lines = title.item.boundingRect().height()
    with qtbot.waitSignal(window.runner.finished, timeout=20000):
        qtbot.keyClick(window.diagram, QtCore.Qt.Key.Key_Right, QtCore.Qt.KeyboardModifier.ControlModifier)
    s = window.session
    s.advance(s.steps_to("phase") + 3)  # into the backward pass
    window.redraw()
    assert "exactly 0" in title.text and title.item.boundingRect().height() > lines  # the second line
    qtbot.waitUntil(lambda: gradients.under.shown, timeout=3000)
    settle()
    assert gradients.depth_time.isVisible() and "needs room" not in gradients.norms.titleLabel.text
    assert gradients.depth_time.plot.vb.height() >= 100 - 2 and gradients.norms.vb.height() >= 100 - 2

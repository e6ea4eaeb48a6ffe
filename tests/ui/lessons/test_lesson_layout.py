"""A lesson on a projector: at 1280x720, 1366x768 and 1920x1080, normal and in presentation
mode (F5), under a window manager's title bar (the window is the screen's height less
TITLE_BAR_PX), every stop of every built-in lesson gives the plot it frames the room: a
framed gradient plot's data area at least 35% of the screen's height (a stack's, with the
depth-time picture under it, each of the two at least READABLE_DATA_PX), a loss plot's 25%,
each framed heatmap readable, a framed side panel open and PANEL_PX tall, no text of the
framed plot cut or on other text (`figure_boxes`); the lesson pane keeps one height across the stops; and a stop's
comparison opens whole on the screen, in front, with the remote's keys driving the lesson."""

import pyqtgraph as pg
import pytest
from PySide6 import QtCore, QtGui, QtWidgets

from unrolled.session.lesson_file import PANEL_HIGHLIGHTS
from unrolled.session.lessons import get_lesson, lesson_from_data, lesson_names, session_clock
from unrolled.ui.plots.depth_time import TITLE as DEPTH_TIME
from unrolled.ui.plots.gradients import READABLE_DATA_PX
from unrolled.ui.window import opened_windows

from support.figure_boxes import figure_problems

SIZES = [(1280, 720), (1366, 768), (1920, 1080)]
TITLE_BAR_PX = 30
SHARE = {"gradients": 0.35, "loss": 0.25}  # of the screen's height, for the data area
MAIN_PLOT = {"gradients": "Gradient per timestep", "loss": "Loss per iteration"}
HEATMAP_DATA_PX = 90  # as the dashboard's layout test asks: a pattern over units seen from the back
DIAGRAM_PX = 150  # cells, labels and caption (the existing layout's readable height)
PANEL_PX = 300  # a framed side panel: its controls and the text or plot under them


def settle():
    for _ in range(8):
        QtWidgets.QApplication.processEvents()


def data_areas(slot: QtWidgets.QWidget) -> dict[str, list[float]]:
    """Title -> data-area heights of the titled plots that can be seen in a slot."""
    areas: dict[str, list[float]] = {}
    for view in slot.findChildren(QtWidgets.QGraphicsView):
        if view.isVisible() and view.scene() is not None:
            for item in view.scene().items():
                if isinstance(item, pg.PlotItem) and item.isVisible() and item.titleLabel.text:
                    # (a title may carry a note after two spaces: "...  (depth-time picture: needs room)")
                    areas.setdefault(item.titleLabel.text.split("  (")[0], []).append(item.vb.height())
    return areas


def present(window, qtbot) -> None:
    """Presentation mode, once the window has settled into it (it paints again then)."""
    window.act_presentation.trigger()
    qtbot.waitUntil(window.updatesEnabled, timeout=3000)
    settle()


def framed_problems(window, stop, size) -> list[str]:
    width, height = size
    name = stop.highlight
    where = f"stop {stop.number} at {width}x{height}"
    if name in PANEL_HIGHLIGHTS:  # a side panel: open, framed, with its room
        panel = getattr(window.docks, name).widget()
        framed = window.lessons.frame.target is panel
        if not panel.isVisible() or not framed or panel.height() < PANEL_PX:
            return [f"{where}: the framed {name} panel: visible {panel.isVisible()}, framed {framed}, "
                    f"{panel.height()} px"]
        return []
    slot = window.plots.slots[name]
    if not slot.isVisible():
        return [f"{where}: the framed {name} cannot be seen"]
    problems = [f"{where}: {problem}" for problem in figure_problems(slot)]
    areas = data_areas(slot)
    picture = window.gradients.under
    if name == "gradients" and picture.shown:  # a stack's depth-time picture under the curves: each readable
        for title in (MAIN_PLOT[name], DEPTH_TIME):
            data = max(areas.get(title, [0.0]))
            if data < READABLE_DATA_PX - 2:
                problems.append(f"{where}: beside the depth-time picture, {title}'s data area is {data:.0f} px")
    elif name in MAIN_PLOT:
        data = max(areas.get(MAIN_PLOT[name], [0.0]))
        if data < SHARE[name] * height:
            problems.append(f"{where}: {name} data area {data:.0f} px, {100 * data / height:.0f}% of the screen")
    elif name == "heatmaps":
        smallest = min(h for heights in areas.values() for h in heights)
        if smallest < HEATMAP_DATA_PX:
            problems.append(f"{where}: a heatmap's data area is {smallest:.0f} px")
    elif slot.height() < DIAGRAM_PX or window.diagram.folded:
        problems.append(f"{where}: the framed diagram is {slot.height()} px, folded={window.diagram.folded}")
    return problems


@pytest.mark.slow
@pytest.mark.parametrize("presenting", [False, True], ids=["normal", "F5"])
def test_every_stop_gives_its_framed_plot_the_room(window, qtbot, presenting):
    """Each stop is built once and the window resized to each screen."""
    if presenting:
        present(window, qtbot)
    problems = []
    for name in lesson_names():
        lesson = get_lesson(name)
        window.lessons.start(lesson)
        pane_heights: dict[tuple, set[int]] = {}
        for index, stop in enumerate(lesson.stops):
            window.lessons.go_to(index)
            for size in SIZES:
                window.resize(size[0], size[1] - TITLE_BAR_PX)
                settle()
                if window.width() > size[0] or window.height() > size[1] - TITLE_BAR_PX:
                    problems.append(f"stop {stop.number}: the window needs {window.width()} x {window.height()} px")
                problems += [f"{name}, {problem}" for problem in framed_problems(window, stop, size)]
                pane_heights.setdefault(size, set()).add(window.lessons.dock.height())
        for size, heights in pane_heights.items():
            if len(heights) > 1:  # the plots would jump from stop to stop
                problems.append(f"{name} at {size}: the lesson pane is {sorted(heights)} px tall")
        window.lessons.end()
    assert not problems, "\n".join(problems)


def test_the_dashboard_comes_back_when_the_lesson_ends(window):
    window.resize(1920, 1050)
    settle()
    window.lessons.start(get_lesson("vanishing-in-five-minutes"), index=1)
    assert window.plots.framed == "gradients" and window.diagram.folded
    window.lessons.act_end.trigger()
    settle()
    assert window.plots.framed is None and not window.diagram.folded and not window.plots.tabbed
    assert all(slot.isVisible() for slot in window.plots.slots.values())


def test_the_pane_folds_to_one_line_and_its_title_is_as_large_as_its_text(window, qtbot):
    window.resize(1366, 738)
    present(window, qtbot)
    window.lessons.start(get_lesson("rnn-part-2"), index=10)
    settle()
    pane = window.lessons.pane
    assert pane.title.font().pointSizeF() >= pane.text.font().pointSizeF() and pane.title.font().bold()
    for button in pane.buttons.values():  # whole words, never "Pre...top"
        assert button.width() >= button.sizeHint().width()
        assert button.fontMetrics().horizontalAdvance(button.text()) <= button.width()
    unfolded = pane.text_area.height()
    qtbot.keyClick(window.diagram, QtCore.Qt.Key.Key_L, QtCore.Qt.KeyboardModifier.ControlModifier)
    settle()
    line = QtGui.QFontMetrics(pane.text.font()).lineSpacing()
    # one line: its spacing and the last line's descent beyond it, with no scroll bar for a pixel
    assert pane.act_fold.isChecked() and pane.text_area.height() < 2 * line and pane.text_area.height() < unfolded
    assert pane.text_area.verticalScrollBar().maximum() == 0 or not pane.more.isVisible()
    pane.act_fold.trigger()
    settle()
    assert pane.text_area.height() == unfolded


@pytest.mark.slow
@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_a_stops_comparison_opens_on_the_screen_in_front(window, qtbot, monkeypatch, size):
    """Placed over the plots, whole on the screen with its title bar, a window of the main
    window's (a window manager keeps it in front of it) with the keyboard; PageDown there
    goes on with the lesson."""
    screen = QtCore.QRect(0, 0, *size)
    monkeypatch.setattr(opened_windows, "screen_room", lambda widget: screen)
    window.move(0, TITLE_BAR_PX)
    window.resize(size[0], size[1] - TITLE_BAR_PX)
    present(window, qtbot)
    lesson = get_lesson("rnn-part-2")
    index = next(i for i, stop in enumerate(lesson.stops) if stop.compare)
    window.lessons.start(lesson, index=index)
    compare = window.compare_window
    assert compare is not None and compare.isVisible()
    assert compare.parentWidget() is window and compare.isWindow()

    def framed():  # its frame, with a title bar TITLE_BAR_PX tall above its inside
        frame = compare.frameGeometry()
        frame.setTop(min(frame.top(), compare.geometry().top() - TITLE_BAR_PX))
        return frame

    qtbot.waitUntil(lambda: screen.contains(framed()), timeout=3000)  # once the window manager has framed it
    pane_bottom = window.lessons.dock.mapToGlobal(QtCore.QPoint(0, window.lessons.dock.height())).y()
    assert framed().top() >= pane_bottom - TITLE_BAR_PX  # the lesson text stays in view
    with qtbot.waitActive(compare):
        compare.activateWindow()
    assert {window.act_presentation, window.act_full_screen} <= set(compare.actions())  # F5, F11 there too
    while window.lessons.pane.hidden_below():  # the stop's text first, a page at a time
        qtbot.keyClick(compare.graphics, QtCore.Qt.Key.Key_PageDown)
        assert window.lessons.index == index
    qtbot.keyClick(compare.graphics, QtCore.Qt.Key.Key_PageDown)
    assert window.lessons.index == index + 1
    if lesson.stops[index + 1].compare is None:
        assert window.compare_window is None or not window.compare_window.isVisible()


def long_lesson():
    """A short stop, then one whose text is longer than a projector's lines in F5 (three of
    rnn-part-2's stops in one), framing the gradients through a forward and backward pass."""
    text = " ".join(stop.text for stop in get_lesson("rnn-part-2").stops[5:8])
    return lesson_from_data({"format": "unrolled-lesson", "title": "Long", "stops": [
        {"title": "Short", "text": "One line.", "model": "seed-pos-tagging", "until": "after the forward pass"},
        {"title": "Long", "text": text, "model": "same", "at": "after the forward pass",
         "until": "after the backward pass", "highlight": "gradients"}]}, "long")


def test_pagedown_shows_a_stops_hidden_text_before_stepping_and_pageup_undoes_it(window, qtbot):
    """On a 1280 x 720 projector in F5 a stop's text may be longer than the lines shown: a
    presenter remote cannot scroll, so PageDown shows the rest a page at a time (a "more"
    marker says some is hidden), then steps, then goes on; PageUp undoes it in reverse:
    steps back, scrolls the text up, then goes to the previous stop at its end, its text's
    end in view."""
    window.resize(1280, 720 - TITLE_BAR_PX)
    present(window, qtbot)
    lesson = long_lesson()
    lessons, pane = window.lessons, window.lessons.pane
    index = 1
    lessons.start(lesson, index=index)
    settle()
    bar = pane.text_area.verticalScrollBar()
    assert bar.maximum() > 0 and bar.value() == 0, "the stop's text fits: the test needs one that does not"
    assert pane.more.isVisible() and pane.hidden_below()
    clock = session_clock(window.session)
    pages = 0
    while pane.hidden_below():
        qtbot.keyClick(window.diagram, QtCore.Qt.Key.Key_PageDown)
        pages += 1
        assert session_clock(window.session) == clock and lessons.index == index  # not a step yet
        assert pages < 10
    assert bar.value() == bar.maximum() and not pane.more.isVisible()
    qtbot.keyClick(window.diagram, QtCore.Qt.Key.Key_PageDown)
    assert session_clock(window.session) == clock + 1  # then it steps
    qtbot.keyClick(window.diagram, QtCore.Qt.Key.Key_PageUp)
    assert session_clock(window.session) == clock and bar.value() == bar.maximum()
    for _ in range(pages):  # back up the text, page by page, before leaving the stop
        qtbot.keyClick(window.diagram, QtCore.Qt.Key.Key_PageUp)
        assert lessons.index == index
    assert bar.value() == 0 and pane.more.isVisible()
    qtbot.keyClick(window.diagram, QtCore.Qt.Key.Key_PageUp)
    assert lessons.index == index - 1
    settle()
    assert not pane.hidden_below()  # the previous stop at its end, all its text read
    lessons.go_to(index)
    settle()
    pane.act_fold.trigger()  # folded: the lecturer chose one line, PageDown steps at once
    settle()
    qtbot.keyClick(window.diagram, QtCore.Qt.Key.Key_PageDown)
    assert session_clock(window.session) == clock + 1 and not pane.more.isVisible()


@pytest.mark.slow
def test_t_in_the_window_trains_the_stops_comparison_kept_in_front(window, qtbot):
    """At a stop whose text says "press T there", the comparison is a tool window of the
    main window's (kept above it by a window manager, raised again when the window is
    activated), and T pressed in the main window trains the comparison, not its own model."""
    lesson = get_lesson("rnn-part-2")
    index = next(i for i, stop in enumerate(lesson.stops) if stop.compare)
    window.lessons.start(lesson, index=index)
    compare = window.compare_window
    assert compare is not None and compare.windowType() == QtCore.Qt.WindowType.Tool
    with qtbot.waitActive(window):
        window.activateWindow()
    window.diagram.setFocus()
    qtbot.keyClick(window.diagram, QtCore.Qt.Key.Key_T)  # a one-letter command acts once no letter follows
    try:
        qtbot.waitUntil(lambda: compare.trainer_runner.busy)
        assert not window.training.busy
    finally:
        compare.transport.stop()
    window.lessons.end()
    window.compare_window.close()
    trained = len(window.session.loss_history)
    with qtbot.waitActive(window):  # the comparison closed: the main window has the keyboard again
        window.activateWindow()
    qtbot.keyClick(window.diagram, QtCore.Qt.Key.Key_T)  # no comparison: the window's own model
    try:
        qtbot.waitUntil(lambda: window.training.busy or len(window.session.loss_history) > trained,
                        timeout=3000)
    finally:
        window.training.stop()


def test_the_status_bar_never_widens_the_window_past_the_screen(window, qtbot):
    """A long reading and a run's progress bar in F5 grew a 1280 px window to 1297 px: each
    label keeps to its share of the screen's width, its text elided, whole in the tooltip."""
    from unrolled.ui.window.status import RATIO_LEAST_PX

    window.resize(1280, 720 - TITLE_BAR_PX)
    present(window, qtbot)
    status = window.status
    long = "||dL_T/dh_1|| / ||dL_T/dh_T|| = 3.28e-05: vanishing " + "and a long reason " * 20
    status._say("phase", "Iteration 1000 | Backward | t = 1000 of 1000 " * 3)
    assert status._say("ratio", long)
    # a 1280 px projector (the offscreen screen may be narrower than the window: then the window's)
    screen = max(window.screen().availableGeometry().width(), window.width())
    assert status.ratio.maximumWidth() + status.phase.maximumWidth() + status.loss.maximumWidth() \
        + status.progress.maximumWidth() <= screen
    status.progress.show()
    status.showMessage("Typing went to no field and ran nothing " * 5)
    settle()
    assert status.phase.width() <= screen - status.ratio.width() - status.loss.width() - status.progress.width()
    assert status.ratio.width() >= RATIO_LEAST_PX and status.phase.toolTip().startswith("Iteration 1000")
    assert window.statusBar().minimumSizeHint().width() <= screen
    assert window.minimumSizeHint().width() <= 1280 and window.width() <= 1280


@pytest.mark.slow
@pytest.mark.parametrize("size", SIZES[:2], ids=[f"{w}x{h}" for w, h in SIZES[:2]])
def test_in_f5_the_side_tabs_fit_and_a_text_that_fits_does_not_scroll(window, qtbot, size):
    """The stage's side tabs (Gradient, Heatmaps, Loss) whole beside a framed diagram, with
    no scroll arrows; and a stop whose text fits the lines shown has no scroll bar (one
    for a 1 px overflow read as "more text")."""
    window.resize(size[0], size[1] - TITLE_BAR_PX)
    present(window, qtbot)
    lesson = get_lesson("rnn-part-2")
    window.lessons.start(lesson)
    pane = window.lessons.pane
    for index, stop in enumerate(lesson.stops):
        window.lessons.go_to(index)
        settle()
        bar = window.plots._stage_tabs.tabBar()
        assert bar.sizeHint().height() <= bar.height(), f"stop {stop.number}: the side tabs are cut"
        lines = pane.text.heightForWidth(pane.text.width()) // pane._line_height()
        if pane.text_area.verticalScrollBar().maximum() > 0:
            assert pane.more.isVisible() and pane.text.height() - pane.text_area.height() >= lines, stop.number


def test_the_more_marker_lies_whole_inside_the_text_beside_the_scroll_bar(window, qtbot):
    window.resize(1280, 720 - TITLE_BAR_PX)
    present(window, qtbot)
    window.lessons.start(long_lesson(), index=1)
    settle()
    pane = window.lessons.pane
    assert pane.more.isVisible()
    viewport = pane.text_area.viewport().geometry()
    assert viewport.contains(pane.more.geometry())
    assert pane.more.width() >= pane.more.sizeHint().width()


@pytest.mark.parametrize("presenting", [False, True], ids=["normal", "F5"])
def test_a_stop_on_a_stacks_gradient_shows_the_depth_time_picture_where_both_are_readable(window, qtbot, presenting):
    """depth-and-direction's "Back in time, and down the layers" at 1366x768: the framed
    curves keep a readable data area, not their 35% share, and the picture is under them."""
    if presenting:
        present(window, qtbot)
    window.lessons.start(get_lesson("depth-and-direction"), index=1)
    window.resize(1366, 768 - TITLE_BAR_PX)
    gradients = window.gradients
    qtbot.waitUntil(lambda: gradients.under.shown, timeout=3000)
    settle()
    assert window.plots.framed == "gradients" and gradients.depth_time.isVisible()
    assert "needs room" not in gradients.norms.titleLabel.text
    assert gradients.norms.vb.height() >= READABLE_DATA_PX - 2
    assert gradients.depth_time.plot.vb.height() >= READABLE_DATA_PX - 2

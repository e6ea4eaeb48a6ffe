"""When the views redraw during a long run: none in its first moments (a short run draws
only its result), and the result at once when the run ends."""

from PySide6 import QtCore, QtWidgets

from unrolled.ui.redraw import RedrawThrottle


def test_a_held_redraw_waits_and_a_release_draws_at_once(qtbot):
    drawn = []
    throttle = RedrawThrottle(lambda: drawn.append(1))
    throttle.hold(60.0)
    throttle.request()
    for _ in range(5):
        QtWidgets.QApplication.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 5)
    assert drawn == [] and throttle.pending
    throttle.release()
    qtbot.waitUntil(lambda: drawn == [1], timeout=1000)
    assert not throttle.pending


def test_a_short_run_draws_once_and_shows_no_progress_bar(qtbot, make_window):
    window = make_window(cell="lstm", timesteps=20)
    drawn = []
    original = window.redraws._redraw
    window.redraws._redraw = lambda: (drawn.append(window.session.position), original())
    with qtbot.waitSignal(window.runner.finished, timeout=20000):
        qtbot.keyClick(window.diagram, QtCore.Qt.Key.Key_Right, QtCore.Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not window.redraws.pending, timeout=2000)
    assert drawn == [window.session.steps_per_iteration]  # the end of the iteration, drawn once
    assert window.status.progress.isHidden()

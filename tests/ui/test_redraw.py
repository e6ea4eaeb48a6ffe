"""When the views redraw: after a pause at the next turn of the event loop, after a costly
redraw only once as long again has passed; during a long run none in its first moments (a
short run draws only its result), and the result at once when the run ends. The throttle
runs on the test's clock: nothing here sleeps."""

from PySide6 import QtCore, QtWidgets

from unrolled.ui.control.redraw import RedrawThrottle

from support.clock import FakeClock


def _costly(clock: FakeClock, drawn: list, seconds: float) -> RedrawThrottle:
    """A throttle whose redraw takes `seconds` on `clock`; `drawn` gets the time of each."""
    return RedrawThrottle(lambda: (drawn.append(clock()), clock.advance(seconds)), clock=clock)


def test_after_a_pause_a_request_draws_at_the_next_turn_of_the_event_loop(qtbot):
    clock, drawn = FakeClock(), []
    throttle = _costly(clock, drawn, 2.0)
    throttle.run()
    clock.advance(2.0)  # as long again as the redraw took: drawing had half the time
    throttle.request()
    QtWidgets.QApplication.processEvents()
    assert drawn == [0.0, 4.0] and not throttle.pending


def test_after_a_costly_redraw_a_request_waits_so_drawing_takes_at_most_half_the_time(qtbot):
    clock, drawn = FakeClock(), []
    throttle = _costly(clock, drawn, 2.0)
    throttle.run()
    clock.advance(1.0)
    throttle.request()  # 1 s of the 2 s the last redraw took have passed: it waits the rest
    for _ in range(5):
        QtWidgets.QApplication.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 5)
    assert drawn == [0.0] and throttle.pending
    throttle.release()  # a run is over: what waits is drawn at once, gap or not
    QtWidgets.QApplication.processEvents()
    assert drawn == [0.0, 3.0]


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

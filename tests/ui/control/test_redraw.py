"""The one path from a model change to the views: a view registers with its window's
throttle; a change marks the views that care as stale; the throttle refreshes the stale
ones that are seen, after a pause at the next turn of the event loop, after a costly redraw
only once as long again has passed; during a long run none in its first moments (a short
run draws only its result), and the result at once when the run ends. A view not seen does
no work and catches up when shown; nothing is drawn inside the session's event. The
throttle runs on the test's clock: nothing here sleeps."""

from PySide6 import QtCore, QtWidgets

from unrolled.session.events import Change
from unrolled.ui.control.redraw import RedrawThrottle, is_seen

from support.clock import FakeClock


def _turns(n: int = 5) -> None:
    for _ in range(n):
        QtWidgets.QApplication.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 5)


def _shown(qtbot) -> QtWidgets.QWidget:
    widget = QtWidgets.QWidget()
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _costly(qtbot, clock: FakeClock, drawn: list, seconds: float) -> RedrawThrottle:
    """A throttle with one seen view whose redraw takes `seconds` on `clock`; `drawn` gets
    the time of each."""
    throttle = RedrawThrottle(clock=clock)
    throttle.register(_shown(qtbot), lambda change: (drawn.append(clock()), clock.advance(seconds)), drawn=True)
    return throttle


def test_after_a_pause_a_request_draws_at_the_next_turn_of_the_event_loop(qtbot):
    clock, drawn = FakeClock(), []
    throttle = _costly(qtbot, clock, drawn, 2.0)
    throttle.request()
    throttle.run()
    clock.advance(2.0)  # as long again as the redraw took: drawing had half the time
    throttle.request()
    QtWidgets.QApplication.processEvents()
    assert drawn == [0.0, 4.0] and not throttle.pending


def test_after_a_costly_redraw_a_request_waits_so_drawing_takes_at_most_half_the_time(qtbot):
    clock, drawn = FakeClock(), []
    throttle = _costly(qtbot, clock, drawn, 2.0)
    throttle.request()
    throttle.run()
    clock.advance(1.0)
    throttle.request()  # 1 s of the 2 s the last redraw took have passed: it waits the rest
    _turns()
    assert drawn == [0.0] and throttle.pending
    throttle.release()  # a run is over: what waits is drawn at once, gap or not
    QtWidgets.QApplication.processEvents()
    assert drawn == [0.0, 3.0]


def test_a_held_redraw_waits_and_a_release_draws_at_once(qtbot):
    drawn = []
    throttle = RedrawThrottle()
    throttle.register(_shown(qtbot), lambda change: drawn.append(change), drawn=True)
    throttle.hold(60.0)
    throttle.request(Change.STEP)
    _turns()
    assert drawn == [] and throttle.pending
    throttle.release()
    qtbot.waitUntil(lambda: drawn == [Change.STEP], timeout=1000)
    assert not throttle.pending


def test_a_view_not_seen_does_no_work_and_catches_up_when_shown(qtbot):
    throttle = RedrawThrottle(clock=FakeClock())
    seen, hidden = _shown(qtbot), QtWidgets.QWidget()
    qtbot.addWidget(hidden)
    drawn: dict[str, list] = {"seen": [], "hidden": []}
    throttle.register(seen, lambda change: drawn["seen"].append(change), drawn=True)
    throttle.register(hidden, lambda change: drawn["hidden"].append(change), drawn=True)
    throttle.request(Change.STEP)
    throttle.request(Change.PARAMS)
    throttle.run()
    assert drawn == {"seen": [Change.STEP | Change.PARAMS], "hidden": []}
    assert throttle.is_stale(hidden) and not is_seen(hidden)
    hidden.show()  # it catches up with everything it missed, once
    qtbot.waitUntil(lambda: drawn["hidden"] == [Change.STEP | Change.PARAMS], timeout=1000)
    assert not throttle.is_stale(hidden)


def test_a_view_is_refreshed_only_for_the_changes_it_cares_about(qtbot):
    throttle = RedrawThrottle(clock=FakeClock())
    drawn: list = []
    widget = _shown(qtbot)
    throttle.register(widget, drawn.append, cares=Change.PARAMS | Change.REBUILT, drawn=True)
    throttle.request(Change.STEP)
    throttle.run()
    assert drawn == []
    throttle.request(Change.STEP | Change.PARAMS)
    throttle.run()
    assert drawn == [Change.PARAMS]
    throttle.invalidate(widget, Change.HISTORY)  # its own data changed (a training run's curves)
    throttle.run()
    assert drawn == [Change.PARAMS, Change.HISTORY]


def test_a_minimised_window_is_not_seen(qtbot):
    widget = _shown(qtbot)
    assert is_seen(widget)
    widget.setWindowState(QtCore.Qt.WindowState.WindowMinimized)
    assert not is_seen(widget)


def test_a_change_inside_the_sessions_event_draws_no_view_until_the_throttle_fires(qtbot, make_window):
    window = make_window(timesteps=6)
    window.docks.inspector.show()
    window.docks.itemized.show()
    qtbot.waitUntil(lambda: not window.redraws.pending and window.docks.inspector_panel.browser.toPlainText() != "")
    clock = window.redraws.clock = FakeClock(window.redraws.clock())
    counts = {"window": 0, "inspector": 0, "itemized": 0}
    for name, owner in (("window", window), ("inspector", window.docks.inspector_panel),
                        ("itemized", window.docks.itemized_panel)):
        original = owner.refresh if name != "window" else owner.redraw

        def counted(name=name, original=original):
            counts[name] += 1
            original()

        setattr(owner, "redraw" if name == "window" else "refresh", counted)
    window.session.step()
    window.session.step()
    assert counts == {"window": 0, "inspector": 0, "itemized": 0} and window.redraws.pending
    clock.advance(1.0)  # past any gap the last redraw's cost asked for
    window.redraws.release()
    qtbot.waitUntil(lambda: not window.redraws.pending, timeout=1000)
    assert counts == {"window": 1, "inspector": 1, "itemized": 1}  # the two steps drawn once
    assert "t = 2 of T = 6" in window.docks.inspector_panel.browser.toPlainText()


def test_a_short_run_draws_once_and_shows_no_progress_bar(qtbot, make_window, monkeypatch):
    window = make_window(cell="lstm", timesteps=20)
    drawn = []
    original = window.redraw
    monkeypatch.setattr(window, "redraw", lambda: (drawn.append(window.session.position), original()))
    with qtbot.waitSignal(window.runner.finished, timeout=20000):
        qtbot.keyClick(window.diagram, QtCore.Qt.Key.Key_Right, QtCore.Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not window.redraws.pending, timeout=2000)
    assert drawn == [window.session.steps_per_iteration]  # the end of the iteration, drawn once
    assert window.status.progress.isHidden()

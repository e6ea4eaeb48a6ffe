"""The comparison a stop opens: in front of the window, below the lesson text across the
window's width, showing A and B as the stop set them up; the remote's keys in it drive the
lesson."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6 import QtCore, QtGui

from ...session.compare import Comparison
from ...session.events import Change
from ...session.lessons import Stop
from .host import LessonHost, StopComparison
from .remote_keys import release


def take_comparison(shown: Comparison, built: Comparison, note: str) -> str:
    """The comparison a window shows becomes `built` (the same model and changes, set up off
    to the side), its observers kept; returns note."""
    shown.a.adopt(built.a)
    shown.b.adopt(built.b)
    shown.changed.emit(Change.ALL)
    return note


def open_over_plots(host: LessonHost, stop: Stop, built: tuple[Comparison, str] | None,
                    fit_pane: Callable[[], None], lesson_actions: Iterable[QtGui.QAction]) -> StopComparison | None:
    """The stop's comparison opened over the window's plots, below the lesson pane (fitted
    by fit_pane to this window first); built: the comparison as the stop set it up and its
    note (None: the window's own). The remote's keys in it go to `lesson_actions` (and F5
    and F11 to the window). None when it could not open (open_compare said why)."""
    # the pane's height for this window and the plots' place below it, laid out now (the
    # layouts' requests are posted, and the pane's room follows the plots' height)
    for _ in range(3):
        QtCore.QCoreApplication.sendPostedEvents(None, QtCore.QEvent.Type.LayoutRequest)
        fit_pane()
    top = host.plots.mapToGlobal(QtCore.QPoint(0, 0)).y()
    frame = host.frameGeometry()
    host.open_compare(over=QtCore.QRect(frame.left(), top, frame.width(), frame.bottom() + 1 - top))
    compare = host.compare_window
    if compare is None:
        return None
    note = take_comparison(compare.comparison, *built) if built else ""
    compare.status.showMessage(note or f"Stop {stop.number}: {stop.title}")
    release(compare.transport)  # PageDown and PageUp go on through the lesson
    compare.addActions([*lesson_actions, host.act_presentation, host.act_full_screen])
    compare.activateWindow()  # its T trains the comparison, as the stop's text says
    return compare

"""The one path from a model change to the views. Every view registers with its window's
throttle, saying what it draws (`refresh`), which changes it cares about and which widget
shows it; a change marks the views that care as stale, and the throttle refreshes the stale
ones that are seen (`is_seen`, the only gate), at a bounded rate. A view that is not seen
computes nothing; it catches up when it is next shown or its window is restored.

When: at the next turn of the event loop for a single step (no waiting on a frame timer),
and at most at the display rate, or less often when a redraw is costly, while steps come
quickly (play, a long run, training), so a long run spends its time computing, not
repainting. Never inside the session's event itself: a chunk of steps returns to the event
loop first, so the runner can see what drawing costs. A long run shows no frame in its
first FIRST_FRAME_AFTER seconds (`hold`): a run that ends sooner draws only its result, at
once (`release`)."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from PySide6 import QtCore, QtWidgets

from ...session.events import Change
from .runner import REDRAW_HZ

# at most this share of the time goes to redrawing while steps come quickly; a long run's
# chunks (runner.MAX_SHARE) keep it lower still. Not less: a key held down repeats at about
# 30 a second, and its redraws must not wait on a gap the key's pace never needed
MAX_SHARE = 0.5
FIRST_FRAME_AFTER = 0.25  # seconds: a run shorter than this shows only where it ends

NOTHING = Change(0)


def is_seen(widget: QtWidgets.QWidget) -> bool:
    """Can the lecturer see it: shown (its dock open and its tab in front, its slot not
    hidden) and its window not minimised."""
    return widget.isVisible() and not widget.window().isMinimized()


@dataclass
class _View:
    widget: QtWidgets.QWidget
    refresh: Callable[[Change], None]  # given what changed since its last refresh
    cares: Change
    stale: Change  # what changed since its last refresh (NOTHING: up to date)


class RedrawThrottle(QtCore.QObject):
    """request(change) refreshes, once, every registered view that cares about the change
    and is seen, as soon as the last redraw is long enough ago. `clock`: seconds, never
    going back (a test passes its own, so that it never sleeps)."""

    def __init__(self, parent=None, clock: Callable[[], float] = time.perf_counter):
        super().__init__(parent)
        self.clock = clock
        self._views: list[_View] = []
        self._last_end = -math.inf
        self._cost = 0.0  # seconds the last redraw took
        self._not_before = -math.inf  # held until then (a long run's first moments)
        self._timer = QtCore.QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.run)

    # -- the views ----------------------------------------------------------------------
    def register(self, widget: QtWidgets.QWidget, refresh: Callable[[Change], None],
                 cares: Change = Change.ALL, drawn: bool = False) -> None:
        """`refresh(change)` draws `widget`'s view; it is called only while `widget` is seen,
        after a change in `cares` (or an `invalidate`). A new view is stale (it draws when
        first seen) unless it is `drawn` already."""
        self.unregister(widget)
        self._views.append(_View(widget, refresh, cares, NOTHING if drawn else Change.ALL))
        widget.installEventFilter(self)
        window = widget.window()
        if window is not widget:
            window.installEventFilter(self)  # restored from minimised: catch up
        if is_seen(widget):
            self._schedule()

    def unregister(self, widget: QtWidgets.QWidget) -> None:
        kept = [view for view in self._views if view.widget is not widget]
        if len(kept) != len(self._views):
            widget.removeEventFilter(self)
        self._views = kept

    def is_stale(self, widget: QtWidgets.QWidget) -> bool:
        return any(view.stale for view in self._views if view.widget is widget)

    def invalidate(self, widget: QtWidgets.QWidget, change: Change = Change.ALL) -> None:
        """`widget`'s own data changed (not the session: a training run's curves)."""
        for view in self._views:
            if view.widget is widget:
                view.stale |= change
        self._schedule()

    def eventFilter(self, watched: QtCore.QObject, event: QtCore.QEvent) -> bool:
        kind = event.type()
        if kind in (QtCore.QEvent.Type.Show, QtCore.QEvent.Type.WindowStateChange) and any(
                view.stale for view in self._views):
            self._schedule()
        return False

    # -- when ------------------------------------------------------------------------------
    @property
    def pending(self) -> bool:
        return self._timer.isActive()

    def _gap(self) -> float:
        """Seconds to leave between redraws: the display's frame, or longer for a costly
        redraw, so that redrawing takes at most MAX_SHARE of the time."""
        return max(1.0 / REDRAW_HZ, self._cost * (1 - MAX_SHARE) / MAX_SHARE)

    def request(self, change: Change = Change.ALL) -> None:
        """The model changed: the views that care about `change` are stale."""
        for view in self._views:
            view.stale |= change & view.cares
        self._schedule()

    def _schedule(self) -> None:
        if self._timer.isActive():
            return
        now = self.clock()
        wait = max(0.0, self._last_end + self._gap() - now, self._not_before - now)
        self._timer.start(math.ceil(wait * 1000))

    def hold(self, seconds: float = FIRST_FRAME_AFTER) -> None:
        """No redraw for `seconds` (a long run has started), unless released sooner."""
        self._not_before = self.clock() + seconds
        if self._timer.isActive():
            self._timer.stop()
            self._schedule()

    def release(self) -> None:
        """The run is over: what waits is drawn at the next turn of the event loop."""
        self._not_before = -math.inf
        if self._timer.isActive():
            self._timer.start(0)

    def run(self) -> None:
        """Refresh every stale view that is seen; the others wait until they are."""
        self._timer.stop()
        start = self.clock()
        for view in list(self._views):
            if view.stale and is_seen(view.widget):
                change, view.stale = view.stale, NOTHING
                view.refresh(change)
        self._last_end = self.clock()
        self._cost = self._last_end - start

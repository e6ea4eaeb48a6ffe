"""When the views redraw: at the next turn of the event loop for a single step (no waiting
on a frame timer), and at most at the display rate, or less often when a redraw is costly,
while steps come quickly (play, a long run, training), so a long run spends its time
computing, not repainting. Never inside the session's event itself: a chunk of steps
returns to the event loop first, so the runner can see what drawing costs. A long run
shows no frame in its first FIRST_FRAME_AFTER seconds (`hold`): a run that ends sooner
draws only its result, at once (`release`)."""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from PySide6 import QtCore

from .runner import REDRAW_HZ

# at most this share of the time goes to redrawing while steps come quickly; a long run's
# chunks (runner.MAX_SHARE) keep it lower still. Not less: a key held down repeats at about
# 30 a second, and its redraws must not wait on a gap the key's pace never needed
MAX_SHARE = 0.5
FIRST_FRAME_AFTER = 0.25  # seconds: a run shorter than this shows only where it ends


class RedrawThrottle(QtCore.QObject):
    """request() runs `redraw` once, as soon as the last one is long enough ago. `clock`:
    seconds, never going back (a test passes its own, so that it never sleeps)."""

    def __init__(self, redraw: Callable[[], None], parent=None, clock: Callable[[], float] = time.perf_counter):
        super().__init__(parent)
        self._redraw = redraw
        self.clock = clock
        self._last_end = -math.inf
        self._cost = 0.0  # seconds the last redraw took
        self._not_before = -math.inf  # held until then (a long run's first moments)
        self._timer = QtCore.QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.run)

    @property
    def pending(self) -> bool:
        return self._timer.isActive()

    def _gap(self) -> float:
        """Seconds to leave between redraws: the display's frame, or longer for a costly
        redraw, so that redrawing takes at most MAX_SHARE of the time."""
        return max(1.0 / REDRAW_HZ, self._cost * (1 - MAX_SHARE) / MAX_SHARE)

    def request(self) -> None:
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
            self.request()

    def release(self) -> None:
        """The run is over: what waits is drawn at the next turn of the event loop."""
        self._not_before = -math.inf
        if self._timer.isActive():
            self._timer.start(0)

    def run(self) -> None:
        self._timer.stop()
        start = self.clock()
        self._redraw()
        self._last_end = self.clock()
        self._cost = self._last_end - start

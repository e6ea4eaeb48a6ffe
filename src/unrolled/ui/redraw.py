"""When the views redraw: at the next turn of the event loop for a single step (no waiting
on a frame timer), and at most at the display rate, or less often when a redraw is costly,
while steps come quickly (play, a long run, training), so a long run spends its time
computing, not repainting. Never inside the session's event itself: a chunk of steps
returns to the event loop first, so the runner can see what drawing costs."""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from PySide6 import QtCore

from .runner import REDRAW_HZ

MAX_SHARE = 0.5  # at most this share of a long run's time goes to redrawing


class RedrawThrottle(QtCore.QObject):
    """request() runs `redraw` once, as soon as the last one is long enough ago."""

    def __init__(self, redraw: Callable[[], None], parent=None):
        super().__init__(parent)
        self._redraw = redraw
        self._last_end = -math.inf
        self._cost = 0.0  # seconds the last redraw took
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
        wait = max(0.0, self._last_end + self._gap() - time.perf_counter())
        self._timer.start(math.ceil(wait * 1000))

    def run(self) -> None:
        self._timer.stop()
        start = time.perf_counter()
        self._redraw()
        self._last_end = time.perf_counter()
        self._cost = self._last_end - start
